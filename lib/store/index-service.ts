import * as path from 'node:path';
import type { Logger } from '../common';
import type { StoreIO } from './io';
import { IndexFile } from './index-file';
import { INDEX_HEADER_SIZE, buildIndexKey, decodeIndexHeader, timeMillisToHumanString, type IndexHeader } from './index-layout';
import { isRollback, type DispatchRequest } from './record';

/**
 * The index service (Java: IndexService): the ordered list of index files, which one takes new keys, queries
 * across files newest first, flushes and retention.
 *
 * Contract. Owns: `files` (name order = creation order) and the choice of the file being filled. May call:
 *   ./index-file (one file's slots, entries and writes), ./index-layout, ./record (isRollback), the injected
 *   StoreIO, logger and clock. Invariants: only the last file takes keys (and is hot, except from coolIdle at rest until the next key has
 *   read its slots back: keys wait in order meanwhile, and so do queries); a new file never gets a
 *   name that sorts before an existing one; one flush runs at a time; the last file is never deleted by retention.
 */

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
  /** During a replay from Apogee's replay point: records at or below this offset are already indexed. */
  private indexedThrough = -1;
  /** The last file's slot table being read back in (after coolIdle); requests wait in `waiting` meanwhile. */
  private warming: Promise<void> | undefined;
  private waiting: DispatchRequest[] = [];
  /** Set when reading a cooled file back failed: keys go to a new file (as after a failed load). */
  private rewarmFailed = false;

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
    const last = this.files[this.files.length - 1];
    if (this.warming !== undefined || (last !== undefined && !last.isWriteFull && !last.isHot && last.wasCooled && !this.rewarmFailed)) {
      // The file was cooled at rest: read its slots back, then put the keys that came meanwhile, in order. The wait
      // is one read of the slot table (a few ms for 20 MiB from the page cache); queries wait for it too.
      this.waiting.push(req);
      if (this.warming === undefined) this.warming = this.rewarm(last!);
      return;
    }
    this.put(req);
  }

  private async rewarm(f: IndexFile): Promise<void> {
    try {
      await f.warm();
    } catch (err) {
      this.o.logger.error({ err, file: f.file }, 'index file could not be read back in: new keys go to a new index file');
      this.rewarmFailed = true;
    }
    const reqs = this.waiting;
    this.waiting = [];
    this.warming = undefined;
    for (const r of reqs) this.put(r);
  }

  /**
   * At rest: releases the slot table of the file being filled once everything in it is written (flush), so that
   * it is no longer in RSS; the next key reads it back. Resolves with the bytes released (0 when nothing was).
   */
  coolIdle(): number {
    const last = this.files[this.files.length - 1];
    if (last === undefined || this.warming !== undefined || !last.isHot || last.dirty) return 0;
    const bytes = last.slotTableBytes;
    last.cool();
    return last.isHot ? 0 : bytes;
  }

  private put(req: DispatchRequest): void {
    let f = this.lastWritable();
    if (req.physicalOffset < f.header.endPhyOffset || req.physicalOffset <= this.indexedThrough) return;
    if (isRollback(req.sysFlag)) return;
    const hashes = req.indexHashes;
    if (hashes === undefined) return;
    for (const keyHash of hashes) {
      while (!f.putKey(keyHash, req.physicalOffset, req.storeTimestamp)) f = this.lastWritable();
    }
  }

  /** Java: IndexService#queryOffset. */
  async queryOffset(topic: string, key: string, maxNum: number, begin: number, end: number): Promise<QueryOffsetResult> {
    if (this.warming !== undefined) await this.warming;
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

  /**
   * Recovery from Apogee's replay point keeps every index file (each is consistent after a crash: index-file.ts);
   * the record the newest entries belong to (the last file's endPhyOffset) is not indexed again while replaying.
   */
  beginReplay(): void {
    const last = this.files[this.files.length - 1];
    this.indexedThrough = last !== undefined && last.header.indexCount > 1 ? last.header.endPhyOffset : -1;
  }

  endReplay(): void {
    this.indexedThrough = -1;
  }

  /**
   * After recovery found the log's end: destroys the files holding entries for records at or past it (the log
   * lost records the index had seen, a machine crash in ASYNC_FLUSH) and every later one. Resolves with the
   * beginPhyOffset of the first destroyed file (where the index must be rebuilt from), or undefined.
   */
  async dropFilesReaching(end: number): Promise<number | undefined> {
    const i = this.files.findIndex((f) => f.header.indexCount > 1 && f.header.endPhyOffset >= end);
    if (i < 0) return undefined;
    const from = this.files[i]!.header.beginPhyOffset;
    for (const f of this.files.splice(i)) {
      this.o.logger.warn({ file: f.name, endPhyOffset: f.header.endPhyOffset, end }, 'index file points past the recovered log: destroyed (rebuilt)');
      await f.destroy();
    }
    return from;
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
