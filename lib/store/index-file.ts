import * as path from 'node:path';
import type { Logger } from '../common';
import { javaStringHashCode } from '../../protocol/codec';
import type { FileHandle, StoreIO } from './io';
import { isRollback, type DispatchRequest } from './record';

/**
 * Index files: index/<yyyyMMddHHmmssSSS>, each a hash table of message keys (Java: IndexFile, IndexHeader,
 * IndexService). Keys are "topic#key" for every KEYS word and for UNIQ_KEY.
 *
 *   header (40 bytes)                hash slots (maxHashSlotNum x 4)     entries (maxIndexNum x 20)
 *   +----------------------------+   +------------------------------+   +--------------------------------------+
 *   |  0 beginTimestamp  int64   |   | slot = keyHash % slotNum:    |   | 0  keyHash          int32            |
 *   |  8 endTimestamp    int64   |   | index of the newest entry of |   | 4  phyOffset        int64            |
 *   | 16 beginPhyOffset  int64   |   | its chain (0 = empty)        |   | 12 timeDiff (s)     int32            |
 *   | 24 endPhyOffset    int64   |   +------------------------------+   |    from beginTimestamp               |
 *   | 32 hashSlotCount   int32   |                                      | 16 previous entry   int32 (0 = end)  |
 *   | 36 indexCount      int32   |                                      +--------------------------------------+
 *   +----------------------------+
 *
 * Entry 0 is never used (indexCount starts at 1). keyHash = |String#hashCode(key)| (0 for Integer.MIN_VALUE).
 *
 * The file being filled keeps its slot table in memory (maxHashSlotNum x 4 bytes); full files are read on demand.
 * Writes happen on flush, in an order that keeps the file consistent after a crash at any point: new entries,
 * then the header, then the changed slot pages (a slot never points past the header's indexCount on disk).
 */
export const INDEX_HEADER_SIZE = 40;
export const INDEX_BEGIN_TIMESTAMP_POS = 0;
export const INDEX_END_TIMESTAMP_POS = 8;
export const INDEX_BEGIN_PHY_OFFSET_POS = 16;
export const INDEX_END_PHY_OFFSET_POS = 24;
export const INDEX_HASH_SLOT_COUNT_POS = 32;
export const INDEX_INDEX_COUNT_POS = 36;
export const INDEX_HASH_SLOT_SIZE = 4;
export const INDEX_ENTRY_SIZE = 20;
export const INDEX_ENTRY_KEY_HASH_POS = 0;
export const INDEX_ENTRY_PHY_OFFSET_POS = 4;
export const INDEX_ENTRY_TIME_DIFF_POS = 12;
export const INDEX_ENTRY_PREV_POS = 16;

const SLOT_PAGE_BYTES = 4096;
const TWO_32 = 4294967296;

export function indexFileSize(hashSlotNum: number, indexNum: number): number {
  return INDEX_HEADER_SIZE + hashSlotNum * INDEX_HASH_SLOT_SIZE + indexNum * INDEX_ENTRY_SIZE;
}

/** Java: IndexFile#indexKeyHashMethod. */
export function indexKeyHash(key: string): number {
  const h = javaStringHashCode(key);
  const abs = Math.abs(h);
  return abs > 0x7fffffff ? 0 : abs;
}

/** Java: IndexService#buildKey. */
export function buildIndexKey(topic: string, key: string): string {
  return `${topic}#${key}`;
}

/** Java: UtilAll#timeMillisToHumanString (local time, yyyyMMddHHmmssSSS). */
export function timeMillisToHumanString(t: number): string {
  const d = new Date(t);
  const p = (n: number, w: number): string => String(n).padStart(w, '0');
  return `${p(d.getFullYear(), 4)}${p(d.getMonth() + 1, 2)}${p(d.getDate(), 2)}${p(d.getHours(), 2)}${p(d.getMinutes(), 2)}${p(d.getSeconds(), 2)}${p(d.getMilliseconds(), 3)}`;
}

function readLong(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
}
function writeLong(buf: Buffer, pos: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  buf.writeInt32BE(hi | 0, pos);
  buf.writeUInt32BE(v - hi * TWO_32, pos + 4);
}

export interface IndexHeader {
  beginTimestamp: number;
  endTimestamp: number;
  beginPhyOffset: number;
  endPhyOffset: number;
  hashSlotCount: number;
  indexCount: number;
}

export function encodeIndexHeader(h: IndexHeader): Buffer {
  const b = Buffer.alloc(INDEX_HEADER_SIZE);
  writeLong(b, INDEX_BEGIN_TIMESTAMP_POS, h.beginTimestamp);
  writeLong(b, INDEX_END_TIMESTAMP_POS, h.endTimestamp);
  writeLong(b, INDEX_BEGIN_PHY_OFFSET_POS, h.beginPhyOffset);
  writeLong(b, INDEX_END_PHY_OFFSET_POS, h.endPhyOffset);
  b.writeInt32BE(h.hashSlotCount | 0, INDEX_HASH_SLOT_COUNT_POS);
  b.writeInt32BE(h.indexCount | 0, INDEX_INDEX_COUNT_POS);
  return b;
}

/** Java: IndexHeader#load (an indexCount <= 0 reads as 1). */
export function decodeIndexHeader(b: Buffer): IndexHeader {
  const indexCount = b.readInt32BE(INDEX_INDEX_COUNT_POS);
  return {
    beginTimestamp: readLong(b, INDEX_BEGIN_TIMESTAMP_POS),
    endTimestamp: readLong(b, INDEX_END_TIMESTAMP_POS),
    beginPhyOffset: readLong(b, INDEX_BEGIN_PHY_OFFSET_POS),
    endPhyOffset: readLong(b, INDEX_END_PHY_OFFSET_POS),
    hashSlotCount: b.readInt32BE(INDEX_HASH_SLOT_COUNT_POS),
    indexCount: indexCount <= 0 ? 1 : indexCount,
  };
}

export class IndexFile {
  readonly header: IndexHeader;
  readonly fileSize: number;
  private handle: FileHandle | undefined;
  private onDisk: boolean;
  /** The slot table, in memory while the file is being filled. */
  private slots: Int32Array | undefined;
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

  /** Reads the slot table into memory so that the file can take more keys. */
  async warm(): Promise<void> {
    if (this.slots !== undefined) return;
    const slots = new Int32Array(this.hashSlotNum);
    if (this.onDisk) {
      const h = await this.open();
      const bytes = this.hashSlotNum * INDEX_HASH_SLOT_SIZE;
      const buf = Buffer.allocUnsafe(Math.min(bytes, 8 * 1024 * 1024));
      for (let off = 0; off < bytes; off += buf.length) {
        const n = Math.min(buf.length, bytes - off);
        const got = await this.io.read(h, buf, 0, n, INDEX_HEADER_SIZE + off);
        for (let i = 0; i + 4 <= got; i += 4) slots[(off + i) / 4] = buf.readInt32BE(i);
        if (got < n) break;
      }
    }
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
    let slotValue = slots[slotPos]!;
    if (slotValue <= 0 || slotValue > h.indexCount) slotValue = 0;
    let timeDiff = storeTimestamp - h.beginTimestamp;
    timeDiff = Math.trunc(timeDiff / 1000);
    if (h.beginTimestamp <= 0) timeDiff = 0;
    else if (timeDiff > 0x7fffffff) timeDiff = 0x7fffffff;
    else if (timeDiff < 0) timeDiff = 0;

    const rel = (h.indexCount - this.writtenCount) * INDEX_ENTRY_SIZE;
    if (rel + INDEX_ENTRY_SIZE > this.pending.length) {
      const grown = Buffer.allocUnsafe(Math.max(4096 * INDEX_ENTRY_SIZE, this.pending.length * 2));
      this.pending.copy(grown, 0, 0, rel);
      this.pending = grown;
    }
    this.pending.writeInt32BE(keyHash, rel + INDEX_ENTRY_KEY_HASH_POS);
    writeLong(this.pending, rel + INDEX_ENTRY_PHY_OFFSET_POS, phyOffset);
    this.pending.writeInt32BE(timeDiff, rel + INDEX_ENTRY_TIME_DIFF_POS);
    this.pending.writeInt32BE(slotValue, rel + INDEX_ENTRY_PREV_POS);

    slots[slotPos] = h.indexCount;
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
    if (this.slots !== undefined) return this.slots[slotPos]!;
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
   * Writes what changed since the last call (entries, then header, then slot pages), creating the file (sparse)
   * first; fsyncs when `sync` (all earlier writes included). Pages are copied synchronously so that the bytes
   * written describe one consistent moment.
   */
  async flush(sync: boolean): Promise<void> {
    const count = this.header.indexCount;
    const entries = Buffer.from(this.pending.subarray(0, (count - this.writtenCount) * INDEX_ENTRY_SIZE));
    const entriesFrom = this.writtenCount;
    const header = encodeIndexHeader(this.header);
    const pages: { pos: number; bytes: Buffer }[] = [];
    if (this.dirtyPages.size > 0 && this.slots !== undefined) {
      const sorted = [...this.dirtyPages].sort((a, b) => a - b);
      this.dirtyPages = new Set();
      const slotsPerPage = SLOT_PAGE_BYTES / INDEX_HASH_SLOT_SIZE;
      for (let i = 0; i < sorted.length; ) {
        let j = i;
        while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
        const firstSlot = sorted[i]! * slotsPerPage;
        const lastSlot = Math.min(this.hashSlotNum, (sorted[j]! + 1) * slotsPerPage);
        const b = Buffer.allocUnsafe((lastSlot - firstSlot) * INDEX_HASH_SLOT_SIZE);
        for (let s = firstSlot; s < lastSlot; s++) b.writeInt32BE(this.slots[s]!, (s - firstSlot) * INDEX_HASH_SLOT_SIZE);
        pages.push({ pos: INDEX_HEADER_SIZE + firstSlot * INDEX_HASH_SLOT_SIZE, bytes: b });
        i = j + 1;
      }
    }
    const hadHeaderChange = this.headerDirty;
    this.headerDirty = false;
    try {
      if (!this.onDisk) {
        await this.io.mkdirp(path.dirname(this.file));
        const h = await this.io.open(this.file, true);
        this.handle = h;
        await this.io.truncate(h, this.fileSize);
        await this.io.sync(h);
        await this.io.syncDir(path.dirname(this.file));
        this.onDisk = true;
      }
      const h = await this.open();
      if (entries.length > 0) {
        await writeAll(this.io, h, entries, INDEX_HEADER_SIZE + this.hashSlotNum * INDEX_HASH_SLOT_SIZE + entriesFrom * INDEX_ENTRY_SIZE);
        this.unsynced = true;
      }
      // Drop written entries from memory.
      const done = count - this.writtenCount;
      if (done > 0) {
        const restBytes = (this.header.indexCount - count) * INDEX_ENTRY_SIZE;
        const rest = Buffer.allocUnsafe(Math.max(restBytes, 0));
        this.pending.copy(rest, 0, done * INDEX_ENTRY_SIZE, done * INDEX_ENTRY_SIZE + restBytes);
        this.pending = rest;
        this.writtenCount = count;
      }
      if (hadHeaderChange || entries.length > 0) {
        await writeAll(this.io, h, header, 0);
        this.unsynced = true;
      }
      for (const p of pages) {
        await writeAll(this.io, h, p.bytes, p.pos);
        this.unsynced = true;
      }
      if (sync && this.unsynced) {
        await this.io.sync(h);
        this.unsynced = false;
      }
    } catch (e) {
      // Try again next time: everything is still marked dirty.
      this.headerDirty = true;
      for (const p of pages) this.dirtyPages.add(Math.floor((p.pos - INDEX_HEADER_SIZE) / SLOT_PAGE_BYTES));
      throw e;
    }
  }

  /** Releases the in-memory slot table (after a full file was flushed). */
  cool(): void {
    if (this.dirtyPages.size === 0) this.slots = undefined;
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

async function writeAll(io: StoreIO, h: FileHandle, buf: Buffer, pos: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const n = await io.write(h, [done === 0 ? buf : buf.subarray(done)], pos + done);
    if (n <= 0) throw new Error('index write made no progress');
    done += n;
  }
}

export interface IndexServiceOptions {
  io: StoreIO;
  dir: string;
  hashSlotNum: number;
  indexNum: number;
  maxMsgsNumBatch: number;
  logger: Logger;
  now: () => number;
}

export interface QueryOffsetResult {
  phyOffsets: number[];
  indexLastUpdateTimestamp: number;
  indexLastUpdatePhyoffset: number;
}

/** Java: IndexService. */
export class IndexService {
  files: IndexFile[] = [];
  private readonly o: IndexServiceOptions;
  private flushing: Promise<number> | undefined;

  constructor(o: IndexServiceOptions) {
    this.o = o;
  }

  /**
   * Java: IndexService#load: every file, in name order; after a crash (`lastExitOK` false) files whose
   * endTimestamp is newer than the checkpoint's indexMsgTimestamp are destroyed (their tail is not known durable).
   */
  async load(lastExitOK: boolean, indexMsgTimestamp: number): Promise<void> {
    const names = (await this.o.io.list(this.o.dir)).filter((e) => !e.isDirectory && /^\d+$/.test(e.name)).map((e) => e.name);
    names.sort();
    for (const name of names) {
      const file = path.join(this.o.dir, name);
      const st = await this.o.io.stat(file);
      if (st === undefined || st.size < INDEX_HEADER_SIZE) {
        await this.o.io.unlink(file);
        continue;
      }
      const h = await this.o.io.open(file, false);
      const b = Buffer.alloc(INDEX_HEADER_SIZE);
      await this.o.io.read(h, b, 0, INDEX_HEADER_SIZE, 0);
      await this.o.io.close(h);
      const header = decodeIndexHeader(b);
      if (!lastExitOK && header.endTimestamp > indexMsgTimestamp) {
        this.o.logger.info({ file }, 'index file newer than the checkpoint: destroyed (rebuilt from the commit log)');
        await this.o.io.unlink(file);
        continue;
      }
      this.files.push(new IndexFile(this.o.io, file, this.o.hashSlotNum, this.o.indexNum, header, true));
    }
    const last = this.files[this.files.length - 1];
    if (last !== undefined && !last.isWriteFull) await last.warm();
  }

  /** The file taking keys, creating a new one (in memory; written on flush) when the last is full. */
  private lastWritable(): IndexFile {
    const last = this.files[this.files.length - 1];
    if (last !== undefined && !last.isWriteFull && last.isHot) return last;
    const endPhy = last?.header.endPhyOffset ?? 0;
    const endTs = last?.header.endTimestamp ?? 0;
    // Names sort in creation order (Java sorts them on load); never below the newest existing one.
    let name = timeMillisToHumanString(this.o.now());
    const lastName = last?.name;
    if (lastName !== undefined && /^\d+$/.test(lastName) && name <= lastName) name = String(BigInt(lastName) + 1n).padStart(lastName.length, '0');
    const header: IndexHeader = {
      beginTimestamp: endTs > 0 ? endTs : 0,
      endTimestamp: endTs > 0 ? endTs : 0,
      beginPhyOffset: endPhy > 0 ? endPhy : 0,
      endPhyOffset: endPhy > 0 ? endPhy : 0,
      hashSlotCount: 0,
      indexCount: 1,
    };
    const f = new IndexFile(this.o.io, path.join(this.o.dir, name), this.o.hashSlotNum, this.o.indexNum, header, false);
    void f.warm();
    this.files.push(f);
    return f;
  }

  /**
   * Java: IndexService#buildIndex: UNIQ_KEY then every KEYS word, as "topic#key" (the request carries their hashes,
   * computed from the record bytes). Synchronous: all in memory.
   */
  buildIndex(req: DispatchRequest): void {
    let f = this.lastWritable();
    if (req.physicalOffset < f.header.endPhyOffset) return;
    if (isRollback(req.sysFlag)) return;
    const hashes = req.indexHashes;
    if (hashes === undefined) return;
    for (const keyHash of hashes) {
      while (!f.putKey(keyHash, req.physicalOffset, req.storeTimestamp)) f = this.lastWritable();
    }
  }

  /** Java: IndexService#queryOffset. */
  async queryOffset(topic: string, key: string, maxNum: number, begin: number, end: number): Promise<QueryOffsetResult> {
    const max = Math.min(maxNum, this.o.maxMsgsNumBatch);
    const phyOffsets: number[] = [];
    let indexLastUpdateTimestamp = 0;
    let indexLastUpdatePhyoffset = 0;
    const files = [...this.files];
    const fullKey = buildIndexKey(topic, key);
    for (let i = files.length; i > 0; i--) {
      const f = files[i - 1]!;
      if (i === files.length) {
        indexLastUpdateTimestamp = f.header.endTimestamp;
        indexLastUpdatePhyoffset = f.header.endPhyOffset;
      }
      if (f.isTimeMatched(begin, end)) await f.selectPhyOffset(phyOffsets, fullKey, max, begin, end);
      if (f.header.beginTimestamp < begin) break;
      if (phyOffsets.length >= max) break;
    }
    return { phyOffsets, indexLastUpdateTimestamp, indexLastUpdatePhyoffset };
  }

  /**
   * Writes all index changes; with `sync`, fsyncs them. Full files are synced and their slot tables released.
   * Resolves with the endTimestamp up to which the index is durable when `sync` (for the checkpoint's
   * indexMsgTimestamp), else 0. One flush at a time.
   */
  async flush(sync: boolean): Promise<number> {
    while (this.flushing !== undefined) await this.flushing.catch(() => 0);
    this.flushing = this.doFlush(sync);
    try {
      return await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  private async doFlush(sync: boolean): Promise<number> {
    const last = this.files[this.files.length - 1];
    const endTs = last?.header.endTimestamp ?? 0;
    for (const f of [...this.files]) {
      const full = f.isWriteFull;
      if (!f.dirty && !(full && f.isHot)) continue;
      await f.flush(sync || full);
      if (full && f !== this.files[this.files.length - 1]) f.cool();
    }
    return sync ? endTs : 0;
  }

  /** Java: IndexService#deleteExpiredFile: files (not the last) whose endPhyOffset < offset. */
  async deleteExpiredFile(offset: number): Promise<void> {
    if (this.files.length === 0 || this.files[0]!.header.endPhyOffset >= offset) return;
    const victims: IndexFile[] = [];
    for (let i = 0; i < this.files.length - 1; i++) {
      const f = this.files[i]!;
      if (f.header.endPhyOffset < offset) victims.push(f);
      else break;
    }
    for (const f of victims) {
      await f.destroy();
      this.files.splice(this.files.indexOf(f), 1);
    }
  }

  get totalSize(): number {
    return this.files.length === 0 ? 0 : this.files[0]!.fileSize * this.files.length;
  }

  async close(): Promise<void> {
    for (const f of this.files) await f.close();
  }
}
