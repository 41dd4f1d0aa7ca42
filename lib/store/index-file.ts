import * as path from 'node:path';
import type { FileHandle, StoreIO } from './io';
import {
  INDEX_ENTRY_KEY_HASH_POS,
  INDEX_ENTRY_PHY_OFFSET_POS,
  INDEX_ENTRY_PREV_POS,
  INDEX_ENTRY_SIZE,
  INDEX_ENTRY_TIME_DIFF_POS,
  INDEX_HASH_SLOT_SIZE,
  INDEX_HEADER_SIZE,
  SLOT_PAGE_BYTES,
  encodeIndexHeader,
  indexFileSize,
  indexKeyHash,
  readLong,
  writeLong,
  type IndexHeader,
} from './index-layout';
import { SlotTable, SLOTS_PER_PAGE } from './index-slots';

export * from './index-layout';

/**
 * One index file (Java: IndexFile): its hash slots, its entries and their writes; the layout is in
 * index-layout.ts, the list of files in index-service.ts.
 *
 * Contract. Owns: one file's header (in memory, authoritative), its slot table while hot, the entries not yet
 *   written and the order of writes. May call: ./index-layout and the injected StoreIO.
 * Invariants: entries [1, writtenCount) are on disk, [writtenCount, indexCount) in `pending`; a slot never points
 *   past indexCount. The file being filled keeps its slot table in memory (maxHashSlotNum x 4 bytes); full files
 *   are read on demand. Writes happen on flush, in an order that keeps the file consistent after a crash at any
 *   point: new entries, then the header, then the changed slot pages (a slot never points past the header's
 *   indexCount on disk). The slot table is sparse while few slots are in use (index-slots.ts).
 */

export class IndexFile {
  readonly header: IndexHeader;
  readonly fileSize: number;
  private handle: FileHandle | undefined;
  private onDisk: boolean;
  /** The slot table, in memory while the file is being filled. */
  private slots: SlotTable | undefined;
  private dirtyPages = new Set<number>();
  /** Entries not yet written: pending[0] is entry `writtenCount`. */
  private pending: Buffer = Buffer.alloc(0);
  private writtenCount: number;
  private headerDirty = false;
  private unsynced = false;

  constructor(
    readonly io: StoreIO,
    readonly file: string,
    readonly hashSlotNum: number,
    readonly indexNum: number,
    header: IndexHeader,
    onDisk: boolean,
  ) {
    this.header = header;
    this.fileSize = indexFileSize(hashSlotNum, indexNum);
    this.onDisk = onDisk;
    this.writtenCount = header.indexCount;
  }

  get name(): string {
    return path.basename(this.file);
  }

  get isWriteFull(): boolean {
    return this.header.indexCount >= this.indexNum;
  }

  /** True when the slot table is in memory (the file takes keys). */
  get isHot(): boolean {
    return this.slots !== undefined;
  }

  /** The bytes the slot table holds in memory (0 when the file is not hot). */
  get slotTableBytes(): number {
    return this.slots?.memoryBytes ?? 0;
  }

  /** Reads the slot table into memory so that the file can take more keys. */
  async warm(): Promise<void> {
    if (this.slots !== undefined) return;
    const slots = new SlotTable(this.hashSlotNum);
    // Only the file's non-zero slots are set: a file with few keys is sparse again after a restart or a rest.
    if (this.onDisk) await slots.load(this.io, await this.open(), INDEX_HEADER_SIZE);
    this.slots = slots;
  }

  private async open(): Promise<FileHandle> {
    if (this.handle === undefined) this.handle = await this.io.open(this.file, false);
    return this.handle;
  }

  /** Java: IndexFile#putKey, given the key's hash (indexKeyHash). False when the file is full. The file must be hot. */
  putKey(keyHash: number, phyOffset: number, storeTimestamp: number): boolean {
    const h = this.header;
    if (h.indexCount >= this.indexNum) return false;
    const slots = this.slots!;
    const slotPos = keyHash % this.hashSlotNum;
    // The slot moves to the new entry now; its old value becomes the entry's link to the previous one.
    let slotValue = slots.set(slotPos, h.indexCount);
    if (slotValue <= 0 || slotValue > h.indexCount) slotValue = 0;
    let timeDiff = storeTimestamp - h.beginTimestamp;
    timeDiff = Math.trunc(timeDiff / 1000);
    if (h.beginTimestamp <= 0) timeDiff = 0;
    else if (timeDiff > 0x7fffffff) timeDiff = 0x7fffffff;
    else if (timeDiff < 0) timeDiff = 0;

    const rel = (h.indexCount - this.writtenCount) * INDEX_ENTRY_SIZE;
    if (rel + INDEX_ENTRY_SIZE > this.pending.length) {
      const grown = Buffer.allocUnsafe(Math.max(PENDING_MIN_BYTES, this.pending.length * 2));
      this.pending.copy(grown, 0, 0, rel);
      this.pending = grown;
    }
    this.pending.writeInt32BE(keyHash, rel + INDEX_ENTRY_KEY_HASH_POS);
    writeLong(this.pending, rel + INDEX_ENTRY_PHY_OFFSET_POS, phyOffset);
    this.pending.writeInt32BE(timeDiff, rel + INDEX_ENTRY_TIME_DIFF_POS);
    this.pending.writeInt32BE(slotValue, rel + INDEX_ENTRY_PREV_POS);

    this.dirtyPages.add(Math.floor((slotPos * INDEX_HASH_SLOT_SIZE) / SLOT_PAGE_BYTES));

    if (h.indexCount <= 1) {
      h.beginPhyOffset = phyOffset;
      h.beginTimestamp = storeTimestamp;
    }
    if (slotValue === 0) h.hashSlotCount++;
    h.indexCount++;
    h.endPhyOffset = phyOffset;
    h.endTimestamp = storeTimestamp;
    this.headerDirty = true;
    return true;
  }

  /** Java: IndexFile#isTimeMatched. */
  isTimeMatched(begin: number, end: number): boolean {
    const h = this.header;
    return (
      (begin < h.beginTimestamp && end > h.endTimestamp) ||
      (begin >= h.beginTimestamp && begin <= h.endTimestamp) ||
      (end >= h.beginTimestamp && end <= h.endTimestamp)
    );
  }

  private async slotAt(slotPos: number): Promise<number> {
    if (this.slots !== undefined) return this.slots.get(slotPos);
    const h = await this.open();
    const b = Buffer.allocUnsafe(4);
    const n = await this.io.read(h, b, 0, 4, INDEX_HEADER_SIZE + slotPos * INDEX_HASH_SLOT_SIZE);
    return n === 4 ? b.readInt32BE(0) : 0;
  }

  private async entryAt(index: number): Promise<Buffer | undefined> {
    if (index >= this.writtenCount && index < this.header.indexCount) {
      const rel = (index - this.writtenCount) * INDEX_ENTRY_SIZE;
      return this.pending.subarray(rel, rel + INDEX_ENTRY_SIZE);
    }
    const h = await this.open();
    const b = Buffer.allocUnsafe(INDEX_ENTRY_SIZE);
    const n = await this.io.read(h, b, 0, INDEX_ENTRY_SIZE, INDEX_HEADER_SIZE + this.hashSlotNum * INDEX_HASH_SLOT_SIZE + index * INDEX_ENTRY_SIZE);
    return n === INDEX_ENTRY_SIZE ? b : undefined;
  }

  /** Java: IndexFile#selectPhyOffset: walks the key's chain, newest first. */
  async selectPhyOffset(out: number[], key: string, maxNum: number, begin: number, end: number): Promise<void> {
    const h = this.header;
    const keyHash = indexKeyHash(key);
    const slotPos = keyHash % this.hashSlotNum;
    try {
      const slotValue = await this.slotAt(slotPos);
      if (slotValue <= 0 || slotValue > h.indexCount || h.indexCount <= 1) return;
      for (let next = slotValue; ; ) {
        if (out.length >= maxNum) break;
        const e = await this.entryAt(next);
        if (e === undefined) break;
        const keyHashRead = e.readInt32BE(INDEX_ENTRY_KEY_HASH_POS);
        const phyRead = readLong(e, INDEX_ENTRY_PHY_OFFSET_POS);
        const timeDiff = e.readInt32BE(INDEX_ENTRY_TIME_DIFF_POS);
        const prev = e.readInt32BE(INDEX_ENTRY_PREV_POS);
        if (timeDiff < 0) break;
        const timeRead = h.beginTimestamp + timeDiff * 1000;
        if (keyHash === keyHashRead && timeRead >= begin && timeRead <= end) out.push(phyRead);
        if (prev <= 0 || prev > h.indexCount || prev === next || timeRead < begin) break;
        next = prev;
      }
    } catch {
      // A file removed while reading: no results from it.
    }
  }

  get dirty(): boolean {
    return this.headerDirty || this.writtenCount < this.header.indexCount || this.dirtyPages.size > 0 || !this.onDisk;
  }

  /**
   * Writes what changed since the last call, creating the file (sparse) first; fsyncs when `sync` (all earlier
   * writes included). The changed slot pages go in chunks of at most INDEX_FLUSH_CHUNK_PAGES: each chunk is copied
   * at one moment, and the entries and header of that same moment are written before it, so the file never holds a
   * slot that points past its header's indexCount (a crash anywhere leaves every chain readable), and at most one
   * chunk's copy is held (was: every dirty page, up to the 20 MiB table, copied at once each flush).
   */
  async flush(sync: boolean): Promise<void> {
    const runs = this.takeDirtyRuns();
    // One buffer for every chunk of this flush: each chunk is written before the next is copied. A fresh copy per
    // chunk was up to 19 MiB of 1 MiB garbage per flush (random key hashes dirty most of the table within a flush
    // interval), all of it resident at once when no GC came between the writes: a 19 MiB RSS spike in the gRPC
    // bench's POP backlog fill, found by logging the server's large allocations (issue 18).
    const scratch = runs.length === 0 ? EMPTY : Buffer.allocUnsafeSlow(Math.max(...runs.map(runBytes)));
    let done = 0;
    try {
      const h = await this.createOnDisk();
      for (; done < runs.length; done++) {
        const chunk = this.copySlots(runs[done]!, scratch);
        await this.writeEntriesAndHeader(h); // snapshots this same moment before its first await
        await writeAll(this.io, h, chunk.bytes, chunk.pos);
        this.unsynced = true;
      }
      if (runs.length === 0) await this.writeEntriesAndHeader(h);
      if (sync && this.unsynced) {
        await this.io.sync(h);
        this.unsynced = false;
      }
    } catch (e) {
      // Try again next time: what was not written is still marked dirty.
      this.headerDirty = true;
      for (const r of runs.slice(done)) for (let p = r.firstPage; p <= r.lastPage; p++) this.dirtyPages.add(p);
      throw e;
    }
  }

  private async createOnDisk(): Promise<FileHandle> {
    if (!this.onDisk) {
      await this.io.mkdirp(path.dirname(this.file));
      const h = await this.io.open(this.file, true);
      this.handle = h;
      await this.io.truncate(h, this.fileSize);
      await this.io.sync(h);
      await this.io.syncDir(path.dirname(this.file));
      this.onDisk = true;
    }
    return this.open();
  }

  /**
   * The dirty pages as runs to write: pages closer than INDEX_FLUSH_GAP_PAGES are one run (the clean pages between
   * hold what the file holds: random key hashes dirty most pages of the table within a flush interval, and one
   * write per page cost a busy broker ~7% of its thread), a run at most INDEX_FLUSH_CHUNK_PAGES long.
   */
  private takeDirtyRuns(): DirtyRun[] {
    if (this.dirtyPages.size === 0 || this.slots === undefined) return [];
    const sorted = [...this.dirtyPages].sort((a, b) => a - b);
    this.dirtyPages = new Set();
    const runs: DirtyRun[] = [];
    for (const p of sorted) {
      const last = runs[runs.length - 1];
      if (last !== undefined && p - last.lastPage <= INDEX_FLUSH_GAP_PAGES && p - last.firstPage < INDEX_FLUSH_CHUNK_PAGES) last.lastPage = p;
      else runs.push({ firstPage: p, lastPage: p });
    }
    return runs;
  }

  /** The slots of pages [firstPage, lastPage] as the file holds them (big-endian), copied now into `into`. */
  private copySlots(r: DirtyRun, into: Buffer): { pos: number; bytes: Buffer } {
    const firstSlot = r.firstPage * SLOTS_PER_PAGE;
    const lastSlot = Math.min(this.hashSlotNum, (r.lastPage + 1) * SLOTS_PER_PAGE);
    return { pos: INDEX_HEADER_SIZE + firstSlot * INDEX_HASH_SLOT_SIZE, bytes: this.slots!.copyBigEndian(firstSlot, lastSlot, into) };
  }

  /** Writes the entries put so far, then the header (both as of the call), and drops the written entries from memory. */
  private async writeEntriesAndHeader(h: FileHandle): Promise<void> {
    const count = this.header.indexCount;
    const from = this.writtenCount;
    // A view: entries are only appended after it, a grown `pending` leaves this buffer as it is, and dropWritten
    // moves the rest to the front only once the write is done.
    const entries = this.pending.subarray(0, (count - from) * INDEX_ENTRY_SIZE);
    const header = this.headerDirty || entries.length > 0 ? encodeIndexHeader(this.header) : undefined;
    this.headerDirty = false;
    try {
      if (entries.length > 0) {
        await writeAll(this.io, h, entries, INDEX_HEADER_SIZE + this.hashSlotNum * INDEX_HASH_SLOT_SIZE + from * INDEX_ENTRY_SIZE);
        this.unsynced = true;
        this.dropWritten(entries.length, (this.header.indexCount - count) * INDEX_ENTRY_SIZE);
        this.writtenCount = count;
      }
      if (header !== undefined) {
        await writeAll(this.io, h, header, 0);
        this.unsynced = true;
      }
    } catch (e) {
      this.headerDirty = true;
      throw e;
    }
  }

  /**
   * The first `written` bytes of `pending` are on disk: the `rest` after them (put during the write) move to its
   * front. The buffer is kept while a flush interval's entries fill at least a quarter of it: a fresh one per flush
   * grew again by doubling from PENDING_MIN_BYTES every interval (12 MiB of garbage in 3 s of the gRPC bench).
   */
  private dropWritten(written: number, rest: number): void {
    if (this.pending.length <= 4 * Math.max(written + rest, PENDING_MIN_BYTES)) {
      this.pending.copyWithin(0, written, written + rest);
      return;
    }
    const kept = Buffer.allocUnsafe(Math.max(2 * rest, PENDING_MIN_BYTES));
    this.pending.copy(kept, 0, written, written + rest);
    this.pending = kept;
  }

  /** True once cool() released the slot table of a file that was not full (index-service's coolIdle). */
  wasCooled = false;

  /** Releases the in-memory slot table (after a full file was flushed, or at rest). */
  cool(): void {
    if (this.dirtyPages.size > 0) return;
    this.slots = undefined;
    if (this.writtenCount === this.header.indexCount) this.pending = EMPTY;
    if (!this.isWriteFull) this.wasCooled = true;
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    if (h !== undefined) await this.io.close(h).catch(() => undefined);
  }

  async destroy(): Promise<void> {
    await this.close();
    await this.io.unlink(this.file);
  }
}

const EMPTY = Buffer.alloc(0);
/** The smallest buffer for entries not yet written (4096 entries). */
const PENDING_MIN_BYTES = 4096 * INDEX_ENTRY_SIZE;

/** Slot table pages [firstPage, lastPage], written with one write. */
interface DirtyRun {
  firstPage: number;
  lastPage: number;
}

/** The bytes a run's slots take (at most INDEX_FLUSH_CHUNK_PAGES pages; the table's last page may be short). */
function runBytes(r: DirtyRun): number {
  return (r.lastPage - r.firstPage + 1) * SLOT_PAGE_BYTES;
}

/** Dirty slot pages at most this many pages apart are flushed in one write (32 KiB of clean pages at most between). */
export const INDEX_FLUSH_GAP_PAGES = 8;
/** A flush writes the slot table in chunks of at most this many pages (1 MiB), one copied at a time. */
export const INDEX_FLUSH_CHUNK_PAGES = 256;

async function writeAll(io: StoreIO, h: FileHandle, buf: Buffer, pos: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const n = await io.write(h, [done === 0 ? buf : buf.subarray(done)], pos + done);
    if (n <= 0) throw new Error('index write made no progress');
    done += n;
  }
}
