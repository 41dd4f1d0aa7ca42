import * as path from 'node:path';
import { loadNonZeroPages, type FileHandle, type StoreIO } from '../store';

/**
 * `<storePathRootDir>/timerwheel`: the timer wheel (Java: store/timer/TimerWheel.java and Slot.java), byte for byte.
 *
 * The file is SLOTS_TOTAL * 2 slots of 32 bytes (7 days of 1 s slots, twice: 38 707 200 bytes), whatever the
 * precision. The slot of a time T (ms) is T / precisionMs % (SLOTS_TOTAL * 2). Each slot heads a chain of timerlog
 * units due in that slot: `lastPos` is the newest unit, each unit points to the previous one (timer-log.ts).
 *
 *   ┌──────────────┬─────────────┬─────────────┬──────────┬──────────┐
 *   │ time / prec  │  firstPos   │   lastPos   │   num    │  magic   │
 *   │  int64 BE    │  int64 BE   │  int64 BE   │ int32 BE │ int32 BE │
 *   └──────────────┴─────────────┴─────────────┴──────────┴──────────┘
 *    0              8             16            24         28        32
 *
 * A slot belongs to time T only when its first field equals T / precisionMs (Java: getSlot); otherwise it is
 * empty for T (an older lap left it). The wheel is kept in memory (as Java keeps a direct buffer copy of the
 * mapping); changed slots are written back and fsynced by flush().
 */
export const SLOT_TIME_OFFSET = 0;
export const SLOT_FIRST_POS_OFFSET = 8;
export const SLOT_LAST_POS_OFFSET = 16;
export const SLOT_NUM_OFFSET = 24;
export const SLOT_MAGIC_OFFSET = 28;
export const SLOT_SIZE = 32;

/** Java TimerMessageStore: TIMER_WHEEL_TTL_DAY (7) * DAY_SECS: slots regardless of the precision. */
export const TIMER_WHEEL_TTL_DAY = 7;
export const SLOTS_TOTAL = TIMER_WHEEL_TTL_DAY * 24 * 3600;
/** Java TimerWheel: BLANK, IGNORE markers for reviseSlot. */
export const IGNORE = -2;

export interface Slot {
  /** The slot's time (ms), or -1 when the slot is empty for the asked time. */
  timeMs: number;
  firstPos: number;
  lastPos: number;
  num: number;
  magic: number;
}

export const EMPTY_SLOT: Readonly<Slot> = Object.freeze({ timeMs: -1, firstPos: -1, lastPos: -1, num: 0, magic: 0 });

export function wheelFileName(storePathRootDir: string): string {
  return path.join(storePathRootDir, 'timerwheel');
}

/** Flush writes changed slots in runs; runs closer than this many bytes are written as one. */
const FLUSH_GAP_BYTES_MAX = 4096;
/**
 * Slots tracked as set (time field non-zero) for scans; beyond this many the scans read the whole wheel again, as
 * before (issue 14: a scan of all 1.2M slots per GET_BROKER_RUNTIME_INFO held the event loop 40-120 ms).
 */
export const WHEEL_OCCUPIED_TRACKED_MAX = 65_536;

export class TimerWheel {
  readonly wheelLength: number;
  private readonly buf: Buffer;
  private readonly dirty = new Set<number>();
  /** Indexes of the slots whose time field is set (null: more than WHEEL_OCCUPIED_TRACKED_MAX, scan everything). */
  private occupied: Set<number> | null = new Set<number>();
  private handle: FileHandle | undefined;

  private constructor(
    private readonly io: StoreIO,
    readonly file: string,
    readonly precisionMs: number,
    readonly slotsTotal: number,
  ) {
    this.wheelLength = slotsTotal * 2 * SLOT_SIZE;
    this.buf = Buffer.alloc(this.wheelLength);
  }

  /**
   * Opens (creating, sparse) the wheel file. A file of another non-zero length is refused, as Java does
   * ("Timer wheel length:%d != expected:%s"). `slotsTotal` is SLOTS_TOTAL except in unit tests.
   */
  static async open(io: StoreIO, file: string, precisionMs: number, slotsTotal = SLOTS_TOTAL): Promise<TimerWheel> {
    const w = new TimerWheel(io, file, precisionMs, slotsTotal);
    await io.mkdirp(path.dirname(file));
    const st = await io.stat(file);
    if (st !== undefined && st.size !== 0 && st.size !== w.wheelLength) {
      throw new Error(`Timer wheel length:${st.size} != expected:${w.wheelLength} (${file}); remove it or restore the right file`);
    }
    w.handle = await io.open(file, true);
    if (st === undefined || st.size === 0) {
      await io.truncate(w.handle, w.wheelLength);
    } else {
      // Only the wheel's non-zero pages are copied in: a wheel with few timers stays mostly non-resident (issue 18).
      await loadNonZeroPages(io, w.handle, w.buf, w.wheelLength, 0);
      for (let i = 0; i < slotsTotal * 2; i++) if (readI64(w.buf, i * SLOT_SIZE + SLOT_TIME_OFFSET) !== 0) w.occupy(i);
    }
    return w;
  }

  slotIndex(timeMs: number): number {
    return Math.floor(timeMs / this.precisionMs) % (this.slotsTotal * 2);
  }

  /** The slot of `timeMs`, or EMPTY_SLOT when the stored slot belongs to another lap (Java: getSlot). */
  getSlot(timeMs: number): Slot {
    const at = this.slotIndex(timeMs) * SLOT_SIZE;
    const t = readI64(this.buf, at + SLOT_TIME_OFFSET) * this.precisionMs;
    if (t !== Math.floor(timeMs / this.precisionMs) * this.precisionMs) return { ...EMPTY_SLOT };
    return {
      timeMs: t,
      firstPos: readI64(this.buf, at + SLOT_FIRST_POS_OFFSET),
      lastPos: readI64(this.buf, at + SLOT_LAST_POS_OFFSET),
      num: this.buf.readInt32BE(at + SLOT_NUM_OFFSET),
      magic: this.buf.readInt32BE(at + SLOT_MAGIC_OFFSET),
    };
  }

  /** getSlot(timeMs).num without building the slot: 0 when the stored slot belongs to another lap. */
  numAt(timeMs: number): number {
    const at = this.slotIndex(timeMs) * SLOT_SIZE;
    if (readI64(this.buf, at + SLOT_TIME_OFFSET) !== Math.floor(timeMs / this.precisionMs)) return 0;
    return this.buf.readInt32BE(at + SLOT_NUM_OFFSET);
  }

  /** Java putSlot(timeMs, firstPos, lastPos, num, magic): the slot stores timeMs / precisionMs. */
  putSlot(timeMs: number, firstPos: number, lastPos: number, num = 0, magic = 0): void {
    const i = this.slotIndex(timeMs);
    const at = i * SLOT_SIZE;
    this.buf.writeBigInt64BE(BigInt(Math.floor(timeMs / this.precisionMs)), at + SLOT_TIME_OFFSET);
    this.buf.writeBigInt64BE(BigInt(firstPos), at + SLOT_FIRST_POS_OFFSET);
    this.buf.writeBigInt64BE(BigInt(lastPos), at + SLOT_LAST_POS_OFFSET);
    this.buf.writeInt32BE(num | 0, at + SLOT_NUM_OFFSET);
    this.buf.writeInt32BE(magic | 0, at + SLOT_MAGIC_OFFSET);
    this.dirty.add(i);
    this.occupy(i);
  }

  private occupy(i: number): void {
    if (this.occupied === null) return;
    this.occupied.add(i);
    if (this.occupied.size > WHEEL_OCCUPIED_TRACKED_MAX) this.occupied = null;
  }

  /**
   * Java reviseSlot: used by recovery with the units found in the timerlog. When the slot is of another lap and
   * `force`, it becomes (timeMs, firstPos or lastPos, lastPos) with num 0 (as Java's 3-argument putSlot leaves num).
   */
  reviseSlot(timeMs: number, firstPos: number, lastPos: number, force: boolean): void {
    const i = this.slotIndex(timeMs);
    const at = i * SLOT_SIZE;
    if (readI64(this.buf, at + SLOT_TIME_OFFSET) !== Math.floor(timeMs / this.precisionMs)) {
      if (force) {
        const num = this.buf.readInt32BE(at + SLOT_NUM_OFFSET);
        const magic = this.buf.readInt32BE(at + SLOT_MAGIC_OFFSET);
        this.putSlot(timeMs, firstPos !== IGNORE ? firstPos : lastPos, lastPos, num, magic);
      }
      return;
    }
    if (firstPos !== IGNORE) this.buf.writeBigInt64BE(BigInt(firstPos), at + SLOT_FIRST_POS_OFFSET);
    if (lastPos !== IGNORE) this.buf.writeBigInt64BE(BigInt(lastPos), at + SLOT_LAST_POS_OFFSET);
    this.dirty.add(i);
  }

  /** Java checkPhyPos: the smallest firstPos of the slots from timeStartMs on whose lastPos is beyond maxOffset. */
  checkPhyPos(timeStartMs: number, maxOffset: number): number {
    let minFirst = Number.MAX_SAFE_INTEGER;
    this.forEachSlotFrom(timeStartMs, (at) => {
      const first = readI64(this.buf, at + SLOT_FIRST_POS_OFFSET);
      const last = readI64(this.buf, at + SLOT_LAST_POS_OFFSET);
      if (last > maxOffset && first < minFirst) minFirst = first;
    });
    return minFirst;
  }

  /** Java getAllNum: timers counted in the slots of the coming lap from timeStartMs. */
  getAllNum(timeStartMs: number): number {
    let all = 0;
    this.forEachSlotFrom(timeStartMs, (at) => {
      all += this.buf.readInt32BE(at + SLOT_NUM_OFFSET);
    });
    return all;
  }

  /**
   * Calls fn for each slot of the coming lap from timeStartMs that belongs to it (its stored time is that lap's);
   * in no particular order (the callers sum or take a minimum). A slot whose time field was never set (0) never
   * belongs to a lap, so only the occupied ones are visited while they are tracked.
   */
  private forEachSlotFrom(timeStartMs: number, fn: (at: number) => void): void {
    const n = this.slotsTotal * 2;
    const first = this.slotIndex(timeStartMs);
    const base = Math.floor(timeStartMs / this.precisionMs);
    if (this.occupied !== null) {
      for (const idx of this.occupied) {
        const at = idx * SLOT_SIZE;
        if (readI64(this.buf, at + SLOT_TIME_OFFSET) === base + ((idx - first + n) % n)) fn(at);
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      const at = ((first + i) % n) * SLOT_SIZE;
      // Only the high bits can differ for a slot of another lap; compare as numbers (times fit 2^53).
      if (readI64(this.buf, at + SLOT_TIME_OFFSET) === base + i) fn(at);
    }
  }

  /** Writes the changed slots (in runs) and fsyncs the file. */
  async flush(): Promise<void> {
    const h = this.handle;
    if (h === undefined) return;
    if (this.dirty.size > 0) {
      const idx = [...this.dirty].sort((a, b) => a - b);
      this.dirty.clear();
      let start = idx[0]!;
      let end = start;
      const runs: [number, number][] = [];
      for (let k = 1; k < idx.length; k++) {
        const i = idx[k]!;
        if ((i - end - 1) * SLOT_SIZE <= FLUSH_GAP_BYTES_MAX) end = i;
        else {
          runs.push([start, end]);
          start = end = i;
        }
      }
      runs.push([start, end]);
      for (const [a, b] of runs) {
        const from = a * SLOT_SIZE;
        const to = (b + 1) * SLOT_SIZE;
        // Copy: the buffer may change while the write is in flight.
        await writeFully(this.io, h, Buffer.from(this.buf.subarray(from, to)), from);
      }
    }
    await this.io.sync(h);
  }

  async close(flush = true): Promise<void> {
    if (flush) await this.flush();
    if (this.handle !== undefined) await this.io.close(this.handle);
    this.handle = undefined;
  }
}

/** An int64 BE as a number (timer times and positions fit 2^53). */
export function readI64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 4294967296 + buf.readUInt32BE(at + 4);
}

export async function writeFully(io: StoreIO, h: FileHandle, data: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const n = await io.write(h, [data.subarray(done)], position + done);
    if (n <= 0) throw new Error(`short write of ${h.path} at ${position + done}`);
    done += n;
  }
}
