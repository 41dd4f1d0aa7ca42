import * as path from 'node:path';
import type { FileHandle, StoreIO } from '../store';
import { readI64, writeFully } from './timer-wheel';

/**
 * `<storePathRootDir>/timerlog/<20-digit start offset>`: the timer log (Java: store/timer/TimerLog.java over a
 * MappedFileQueue), byte for byte. Files of mappedFileSizeTimerLog bytes (100 MiB), units appended back to back;
 * a unit never spans two files: when a unit and a blank record no longer fit, the rest of the file gets a blank
 * record and the unit goes to the next file.
 *
 * Unit (52 bytes, int BE):
 *   ┌──────┬──────────┬───────┬────────────┬────────────┬──────────┬────────┬────────────┬──────────┐
 *   │ size │ prev pos │ magic │ enqueue ms │ delay ms   │ offsetPy │ sizePy │ topic hash │ reserved │
 *   │ i32  │   i64    │  i32  │    i64     │ i32 (+enq) │   i64    │  i32   │    i32     │   i64    │
 *   └──────┴──────────┴───────┴────────────┴────────────┴──────────┴────────┴────────────┴──────────┘
 *    0      4          12      16           24           28         36       40           44         52
 *   size = 52; prev pos = the previous unit of the same wheel slot (-1: none); magic = 1 | ROLL 2 | DELETE 4;
 *   enqueue ms = the write time (wheel's currWriteTimeMs) and delay = due time - enqueue ms; offsetPy/sizePy = the
 *   message in the commit log (topic rmq_sys_wheel_timer); topic hash = Java String#hashCode of REAL_TOPIC.
 *
 * Blank record at the end of a file (16 bytes): size = bytes left in the file (i32), 0 (i64), BLANK_MAGIC_CODE (i32).
 */
export const UNIT_SIZE_OFFSET = 0;
export const UNIT_PREV_POS_OFFSET = 4;
export const UNIT_MAGIC_OFFSET = 12;
export const UNIT_ENQUEUE_MS_OFFSET = 16;
export const UNIT_DELAY_OFFSET = 24;
/** Java TimerLog.UNIT_PRE_SIZE_FOR_MSG */
export const UNIT_OFFSET_PY_OFFSET = 28;
export const UNIT_SIZE_PY_OFFSET = 36;
/** Java TimerLog.UNIT_PRE_SIZE_FOR_METRIC */
export const UNIT_TOPIC_HASH_OFFSET = 40;
export const UNIT_RESERVED_OFFSET = 44;
export const UNIT_SIZE = 52;

export const BLANK_SIZE_OFFSET = 0;
export const BLANK_ZERO_OFFSET = 4;
export const BLANK_MAGIC_OFFSET = 12;
/** Java TimerLog.MIN_BLANK_LEN */
export const MIN_BLANK_LEN = 16;
/** Java: 0xBBCCDDEE ^ 1880681586 + 8 ('+' binds first). */
export const BLANK_MAGIC_CODE = (0xbbccddee ^ (1880681586 + 8)) | 0;

export const MAGIC_DEFAULT = 1;
export const MAGIC_ROLL = 1 << 1;
export const MAGIC_DELETE = 1 << 2;

/** Java TimerMessageStore#isMagicOK */
export function isMagicOK(magic: number): boolean {
  return (magic | 0xf) === 0xf;
}

export interface TimerUnit {
  prevPos: number;
  magic: number;
  enqueueMs: number;
  /** The due time: enqueueMs + the stored delay. */
  delayedMs: number;
  offsetPy: number;
  sizePy: number;
  topicHash: number;
}

export function encodeUnit(u: TimerUnit, target = Buffer.alloc(UNIT_SIZE), at = 0): Buffer {
  target.writeInt32BE(UNIT_SIZE, at + UNIT_SIZE_OFFSET);
  target.writeBigInt64BE(BigInt(u.prevPos), at + UNIT_PREV_POS_OFFSET);
  target.writeInt32BE(u.magic, at + UNIT_MAGIC_OFFSET);
  target.writeBigInt64BE(BigInt(u.enqueueMs), at + UNIT_ENQUEUE_MS_OFFSET);
  target.writeInt32BE((u.delayedMs - u.enqueueMs) | 0, at + UNIT_DELAY_OFFSET);
  target.writeBigInt64BE(BigInt(u.offsetPy), at + UNIT_OFFSET_PY_OFFSET);
  target.writeInt32BE(u.sizePy, at + UNIT_SIZE_PY_OFFSET);
  target.writeInt32BE(u.topicHash | 0, at + UNIT_TOPIC_HASH_OFFSET);
  target.writeBigInt64BE(0n, at + UNIT_RESERVED_OFFSET);
  return target;
}

/** The unit at `at`, or undefined when there is none (zeros, a blank record, a torn or foreign unit). */
export function decodeUnit(buf: Buffer, at = 0): TimerUnit | undefined {
  if (at + UNIT_SIZE > buf.length) return undefined;
  const size = buf.readInt32BE(at + UNIT_SIZE_OFFSET);
  const magic = buf.readInt32BE(at + UNIT_MAGIC_OFFSET);
  if (size !== UNIT_SIZE || !isMagicOK(magic)) return undefined;
  const enqueueMs = readI64(buf, at + UNIT_ENQUEUE_MS_OFFSET);
  return {
    prevPos: readI64(buf, at + UNIT_PREV_POS_OFFSET),
    magic,
    enqueueMs,
    delayedMs: enqueueMs + buf.readInt32BE(at + UNIT_DELAY_OFFSET),
    offsetPy: readI64(buf, at + UNIT_OFFSET_PY_OFFSET),
    sizePy: buf.readInt32BE(at + UNIT_SIZE_PY_OFFSET),
    topicHash: buf.readInt32BE(at + UNIT_TOPIC_HASH_OFFSET),
  };
}

export function timerLogDir(storePathRootDir: string): string {
  return path.join(storePathRootDir, 'timerlog');
}

const fileName = (offset: number): string => String(offset).padStart(20, '0');
/** Recovery reads the log in chunks of this many bytes (a multiple of UNIT_SIZE). */
const SCAN_CHUNK_BYTES = UNIT_SIZE * 20 * 1024;

interface LogFile {
  from: number;
  handle: FileHandle;
}

/**
 * The file queue. Appends are serialized by the caller (the timer service runs one step at a time); each append
 * (one unit, or a run of units in one write: prepareRun + appendRun) is written before it resolves, so later reads
 * see it.
 */
export class TimerLog {
  private files: LogFile[] = [];
  /** Global offset of the next unit. */
  private wrote = 0;
  private flushed = 0;
  private readonly unsynced = new Set<LogFile>();

  constructor(
    private readonly io: StoreIO,
    readonly dir: string,
    readonly fileSize: number,
  ) {}

  /** Opens the existing files; a file of another size is refused (Java's MappedFileQueue#load refuses too). */
  async load(): Promise<void> {
    await this.io.mkdirp(this.dir);
    const names = (await this.io.list(this.dir)).filter((e) => !e.isDirectory && /^\d{20}$/.test(e.name)).map((e) => e.name).sort();
    for (const n of names) {
      const file = path.join(this.dir, n);
      const st = await this.io.stat(file);
      if (st === undefined) continue;
      if (st.size === 0 && n === names[names.length - 1]) {
        await this.io.unlink(file);
        continue;
      }
      if (st.size !== this.fileSize) {
        throw new Error(`${file}: length ${st.size} does not match mappedFileSizeTimerLog ${this.fileSize}; set mappedFileSizeTimerLog to the size of the files`);
      }
      this.files.push({ from: Number(n), handle: await this.io.open(file, false) });
    }
    const last = this.files[this.files.length - 1];
    this.wrote = this.flushed = last === undefined ? 0 : last.from + this.fileSize;
  }

  get minOffset(): number {
    return this.files[0]?.from ?? 0;
  }

  get maxOffset(): number {
    return this.wrote;
  }

  get flushedWhere(): number {
    return this.flushed;
  }

  /** The file starts, oldest first. */
  fileStarts(): number[] {
    return this.files.map((f) => f.from);
  }

  /**
   * Java recoverAndRevise(checkTimerLog=true) over the files from the one holding `beginOffset`: calls `onUnit` for
   * every valid unit in order and returns the offset after the last one (the end of the log). A blank record moves
   * to the next file; anything else invalid ends the log.
   */
  async scan(beginOffset: number, onUnit: (pos: number, u: TimerUnit) => void): Promise<number> {
    if (this.files.length === 0) return 0;
    let index = this.files.length - 1;
    while (index > 0 && beginOffset < this.files[index]!.from) index--;
    let end = this.files[index]!.from;
    const chunk = Buffer.alloc(SCAN_CHUNK_BYTES);
    for (; index < this.files.length; index++) {
      const f = this.files[index]!;
      let position = 0;
      let stop = false;
      let blank = false;
      while (position + UNIT_SIZE <= this.fileSize && !stop && !blank) {
        const len = Math.min(SCAN_CHUNK_BYTES, this.fileSize - position);
        const n = await this.io.read(f.handle, chunk, 0, len, position);
        let at = 0;
        for (; at + UNIT_SIZE <= n; at += UNIT_SIZE) {
          if (chunk.readInt32BE(at + UNIT_MAGIC_OFFSET) === BLANK_MAGIC_CODE) {
            blank = true;
            break;
          }
          const u = decodeUnit(chunk, at);
          if (u === undefined) {
            stop = true;
            break;
          }
          onUnit(f.from + position + at, u);
        }
        position += at;
        if (n < len) stop = true;
      }
      end = f.from + position;
      if (stop) break;
    }
    return end;
  }

  /**
   * After recovery: the log ends at `offset`. Later files are deleted and the bytes after it in its file zeroed
   * (Java's truncateDirtyFiles leaves them; zeroing keeps a later recovery from reading stale units).
   */
  async truncate(offset: number): Promise<void> {
    const keep: LogFile[] = [];
    for (const f of this.files) {
      if (f.from > offset) {
        await this.io.close(f.handle);
        await this.io.unlink(path.join(this.dir, fileName(f.from)));
      } else keep.push(f);
    }
    this.files = keep;
    const last = this.files[this.files.length - 1];
    if (last !== undefined && offset < last.from + this.fileSize) {
      const within = offset - last.from;
      const zeros = Buffer.alloc(Math.min(this.fileSize - within, 1024 * 1024));
      if (zeros.length > 0) await writeFully(this.io, last.handle, zeros, within);
      await this.io.sync(last.handle);
    }
    this.wrote = this.flushed = last === undefined ? 0 : Math.max(offset, last.from);
  }

  /** Appends one unit; resolves with its global offset once written (Java TimerLog#append). */
  async append(unit: Buffer): Promise<number> {
    await this.prepareRun();
    return this.appendRun([unit]);
  }

  /**
   * Readies the next append: a new file when the last one is full, or a blank record and a new file when a unit
   * would not fit before the file's end (Java: MappedFile's end-of-file blank). Returns where the next unit goes and
   * how many units fit contiguously from there (at least one).
   */
  async prepareRun(): Promise<{ start: number; room: number }> {
    let f = this.files[this.files.length - 1];
    if (f === undefined || this.wrote >= f.from + this.fileSize) f = await this.newFile(this.wrote);
    const within = this.wrote - f.from;
    if (UNIT_SIZE + MIN_BLANK_LEN > this.fileSize - within) {
      const blank = Buffer.alloc(MIN_BLANK_LEN);
      blank.writeInt32BE(this.fileSize - within, BLANK_SIZE_OFFSET);
      blank.writeInt32BE(BLANK_MAGIC_CODE, BLANK_MAGIC_OFFSET);
      await writeFully(this.io, f.handle, blank, within);
      this.unsynced.add(f);
      this.wrote = f.from + this.fileSize;
      f = await this.newFile(this.wrote);
    }
    const left = this.fileSize - (this.wrote - f.from);
    return { start: this.wrote, room: Math.floor((left - UNIT_SIZE - MIN_BLANK_LEN) / UNIT_SIZE) + 1 };
  }

  /**
   * Writes `units` (at most prepareRun's room, right after it) in one write; resolves with the first one's global
   * offset. The log's end moves only once the write succeeded, so a failed run is written again at the same place.
   */
  async appendRun(units: readonly Buffer[]): Promise<number> {
    const f = this.files[this.files.length - 1]!;
    const pos = this.wrote;
    if (pos < f.from || pos + units.length * UNIT_SIZE + MIN_BLANK_LEN > f.from + this.fileSize) {
      throw new Error(`timerlog run of ${units.length} units at ${pos} does not fit in file ${f.from} (call prepareRun first)`);
    }
    await writeFully(this.io, f.handle, units.length === 1 ? units[0]! : Buffer.concat(units), pos - f.from);
    this.unsynced.add(f);
    this.wrote = pos + units.length * UNIT_SIZE;
    return pos;
  }

  private async newFile(from: number): Promise<LogFile> {
    const h = await this.io.open(path.join(this.dir, fileName(from)), true);
    await this.io.truncate(h, this.fileSize);
    await this.io.syncDir(this.dir);
    const f = { from, handle: h };
    this.files.push(f);
    return f;
  }

  /** The unit at a global offset, or undefined (no such file, or no valid unit there). */
  async read(pos: number): Promise<TimerUnit | undefined> {
    const f = this.fileOf(pos);
    if (f === undefined || pos < 0) return undefined;
    const b = Buffer.alloc(UNIT_SIZE);
    const n = await this.io.read(f.handle, b, 0, UNIT_SIZE, pos - f.from);
    return n === UNIT_SIZE ? decodeUnit(b) : undefined;
  }

  /**
   * Reads up to `bytes` of the log ending with the unit at `pos` (within its file), for walking a slot's chain
   * backwards with few reads. Returns the start offset and the bytes.
   */
  async readWindowEndingAt(pos: number, bytes: number): Promise<{ from: number; buf: Buffer } | undefined> {
    const f = this.fileOf(pos);
    if (f === undefined || pos < 0) return undefined;
    const from = Math.max(f.from, pos + UNIT_SIZE - bytes);
    const buf = Buffer.alloc(pos + UNIT_SIZE - from);
    const n = await this.io.read(f.handle, buf, 0, buf.length, from - f.from);
    return { from, buf: buf.subarray(0, n) };
  }

  private fileOf(pos: number): LogFile | undefined {
    for (let i = this.files.length - 1; i >= 0; i--) {
      const f = this.files[i]!;
      if (pos >= f.from) return pos < f.from + this.fileSize ? f : undefined;
    }
    return undefined;
  }

  /** fsyncs what was written; flushedWhere becomes the offset written before the flush started. */
  async flush(): Promise<void> {
    const upTo = this.wrote;
    const files = [...this.unsynced];
    this.unsynced.clear();
    for (const f of files) await this.io.sync(f.handle);
    this.flushed = Math.max(this.flushed, upTo);
  }

  /** Java getOffsetForLastUnit: where the last unit of a full file starts. */
  offsetForLastUnit(): number {
    return this.fileSize - ((this.fileSize - MIN_BLANK_LEN) % UNIT_SIZE) - MIN_BLANK_LEN - UNIT_SIZE;
  }

  /**
   * Java deleteExpiredFileByOffsetForTimerLog: deletes the old files (never the last) whose last unit points below
   * the commit log's min offset: every message they reference is gone.
   */
  async deleteExpired(minOffsetPy: number): Promise<number> {
    let deleted = 0;
    const check = this.offsetForLastUnit();
    while (this.files.length > 1) {
      const f = this.files[0]!;
      const u = await this.read(f.from + check);
      if (u === undefined || u.offsetPy >= minOffsetPy) break;
      await this.io.close(f.handle);
      await this.io.unlink(path.join(this.dir, fileName(f.from)));
      this.files.shift();
      this.unsynced.delete(f);
      deleted++;
    }
    return deleted;
  }

  async close(): Promise<void> {
    await this.flush();
    for (const f of this.files) await this.io.close(f.handle);
    this.files = [];
  }
}

/**
 * The units of one wheel slot, walked from its last unit back through prevPos (Java: TimerMessageStore#dequeue),
 * reading the log in windows of `windowBytes` (units of one slot are usually close together): the units in
 * chain order oldest first, the delete markers (not rolled) apart. `missingPos`: a unit that could not be read,
 * where the walk stopped (the rest of the slot is lost).
 */
export async function readSlotChain(
  log: TimerLog,
  lastPos: number,
  windowBytes: number,
): Promise<{ normal: TimerUnit[]; deletes: TimerUnit[]; missingPos: number | undefined }> {
  const normal: TimerUnit[] = [];
  const deletes: TimerUnit[] = [];
  let missingPos: number | undefined;
  let pos = lastPos;
  const seen = new Set<number>();
  let win: { from: number; buf: Buffer } | undefined;
  while (pos !== -1 && !seen.has(pos)) {
    seen.add(pos);
    if (win === undefined || pos < win.from || pos + UNIT_SIZE > win.from + win.buf.length) win = await log.readWindowEndingAt(pos, windowBytes);
    const u = win === undefined ? undefined : decodeUnit(win.buf, pos - win.from);
    if (u === undefined) {
      missingPos = pos;
      break;
    }
    if ((u.magic & MAGIC_DELETE) !== 0 && (u.magic & MAGIC_ROLL) === 0) deletes.push(u);
    else normal.push(u); // the chain runs newest to oldest; reversed once below (unshift is O(n) per unit)
    pos = u.prevPos;
  }
  normal.reverse();
  return { normal, deletes, missingPos };
}
