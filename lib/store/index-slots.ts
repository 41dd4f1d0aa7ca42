import * as os from 'node:os';
import type { FileHandle, StoreIO } from './io';
import { INDEX_HASH_SLOT_SIZE, SLOT_PAGE_BYTES } from './index-layout';
import { isZero, readInRuns } from './sparse-load';

/**
 * The hash slots of the index file being filled, in memory (issue 18: memory).
 *
 * Contract. Owns: the slot values of one file while it takes keys (host order), sparse or dense.
 * Invariants: a slot that is not listed holds 0 (in memory and in the file); once dense, a table stays dense.
 *
 * Why sparse first: a table of maxHashSlotNum x 4 bytes (20 MB at Java's default) is resident page by page as slots are
 * written, and random key hashes write some slot of every 4 KiB page within ~20k keys. So the whole table was
 * resident in any broker that had taken a few tens of thousands of keys, 19 MiB of the gRPC bench's 128 MiB peak.
 * A sparse table lists, per 4 KiB page of slots, the slots set so far as (slot in page, value) pairs: 8 bytes per
 * slot in use. Past 1/SPARSE_SLOTS_DIVISOR of the slots in use (312,500 at the default 5M slots, ~4 MiB listed) it
 * turns into the dense Int32Array of every slot, as before: lookups scan at most a few dozen pairs per page until
 * then.
 */
export const SPARSE_SLOTS_DIVISOR = 16;
/** Slots per 4 KiB page of the table. */
export const SLOTS_PER_PAGE = SLOT_PAGE_BYTES / INDEX_HASH_SLOT_SIZE;
/** Pairs a page's list starts with. */
const FIRST_PAIRS = 4;

export class SlotTable {
  private dense: Int32Array | undefined;
  /** Per page: [slotInPage, value, slotInPage, value, ...]; `used[page]` pairs of it are in use. */
  private pages: (Int32Array | undefined)[];
  private used: Uint16Array;
  private inUse = 0;
  private readonly sparseMax: number;

  constructor(readonly slotNum: number) {
    const pageCount = Math.ceil(slotNum / SLOTS_PER_PAGE);
    this.used = new Uint16Array(pageCount);
    this.pages = new Array<Int32Array | undefined>(pageCount).fill(undefined);
    this.sparseMax = Math.floor(slotNum / SPARSE_SLOTS_DIVISOR);
  }

  /** True once the table holds every slot in one array (past the sparse limit). */
  get isDense(): boolean {
    return this.dense !== undefined;
  }

  /** Slots with a non-zero value (counted while sparse; once dense, the count when it turned dense and after). */
  get slotsInUse(): number {
    return this.inUse;
  }

  /** The bytes the table holds in memory (dense: every slot, resident once touched; sparse: its lists). */
  get memoryBytes(): number {
    if (this.dense !== undefined) return this.dense.byteLength;
    let bytes = this.used.byteLength + this.pages.length * 8;
    for (const list of this.pages) if (list !== undefined) bytes += list.byteLength;
    return bytes;
  }

  get(slot: number): number {
    if (this.dense !== undefined) return this.dense[slot]!;
    const page = (slot / SLOTS_PER_PAGE) | 0;
    const at = this.find(page, slot % SLOTS_PER_PAGE);
    return at < 0 ? 0 : this.pages[page]![at + 1]!;
  }

  /**
   * Sets a slot to a non-zero value (an index file never clears a slot) and returns the value it held: a put reads and
   * moves its slot's chain head with one lookup.
   */
  set(slot: number, value: number): number {
    if (this.dense !== undefined) {
      const was = this.dense[slot]!;
      this.dense[slot] = value;
      return was;
    }
    const page = (slot / SLOTS_PER_PAGE) | 0;
    const inPage = slot % SLOTS_PER_PAGE;
    const at = this.find(page, inPage);
    let list = this.pages[page];
    if (at >= 0) {
      const was = list![at + 1]!;
      list![at + 1] = value;
      return was;
    }
    this.inUse++;
    if (this.inUse > this.sparseMax) {
      this.makeDense();
      this.dense![slot] = value;
      return 0;
    }
    const n = this.used[page]! * 2;
    if (list === undefined || n === list.length) {
      const grown = new Int32Array(list === undefined ? FIRST_PAIRS * 2 : list.length * 2);
      if (list !== undefined) grown.set(list);
      list = grown;
      this.pages[page] = list;
    }
    list[n] = inPage;
    list[n + 1] = value;
    this.used[page]!++;
    return 0;
  }

  /** Where slot `inPage` of `page` sits in the page's list (the index of its pair), or -1 (sparse only). */
  private find(page: number, inPage: number): number {
    const list = this.pages[page];
    if (list === undefined) return -1;
    const n = this.used[page]! * 2;
    for (let i = 0; i < n; i += 2) if (list[i] === inPage) return i;
    return -1;
  }

  private makeDense(): void {
    const dense = new Int32Array(this.slotNum);
    for (let page = 0; page < this.pages.length; page++) {
      const list = this.pages[page];
      if (list === undefined) continue;
      const base = page * SLOTS_PER_PAGE;
      for (let i = 0; i < this.used[page]! * 2; i += 2) dense[base + list[i]!] = list[i + 1]!;
    }
    this.dense = dense;
    this.pages = [];
    this.used = new Uint16Array(0);
  }

  /** Slots [first, end) as the file holds them (big-endian), copied now into the front of `into`. */
  copyBigEndian(first: number, end: number, into: Buffer): Buffer {
    const bytes = (end - first) * INDEX_HASH_SLOT_SIZE;
    const out = into.subarray(0, bytes);
    if (this.dense !== undefined) {
      Buffer.from(this.dense.buffer, this.dense.byteOffset + first * INDEX_HASH_SLOT_SIZE, bytes).copy(out);
      if (os.endianness() === 'LE') out.swap32(); // the table is host order, the file big-endian
      return out;
    }
    out.fill(0);
    for (let page = (first / SLOTS_PER_PAGE) | 0; page * SLOTS_PER_PAGE < end; page++) {
      const list = this.pages[page];
      if (list === undefined) continue;
      const base = page * SLOTS_PER_PAGE;
      for (let i = 0; i < this.used[page]! * 2; i += 2) {
        const slot = base + list[i]!;
        if (slot >= first && slot < end) out.writeInt32BE(list[i + 1]!, (slot - first) * INDEX_HASH_SLOT_SIZE);
      }
    }
    return out;
  }

  /**
   * Fills an empty table from the file's slot region at `position` (big-endian), read in 1 MiB runs: only the
   * non-zero slots are set, so a file with few keys loads sparse and the pages of a dense one that hold no key stay
   * out of RSS.
   */
  async load(io: StoreIO, h: FileHandle, position: number): Promise<void> {
    // Runs are whole pages of slots (SPARSE_READ_BYTES is a multiple of SLOT_PAGE_BYTES).
    await readInRuns(io, h, this.slotNum * INDEX_HASH_SLOT_SIZE, position, (run, off) => {
      const firstSlot = off / INDEX_HASH_SLOT_SIZE;
      const whole = run.length - (run.length % INDEX_HASH_SLOT_SIZE);
      for (let p = 0; p < whole; p += SLOT_PAGE_BYTES) {
        const pageEnd = Math.min(p + SLOT_PAGE_BYTES, whole);
        if (isZero(run, p, pageEnd)) continue;
        for (let q = p; q < pageEnd; q += INDEX_HASH_SLOT_SIZE) {
          const v = run.readInt32BE(q);
          if (v !== 0) this.set(firstSlot + q / INDEX_HASH_SLOT_SIZE, v);
        }
      }
    });
  }
}
