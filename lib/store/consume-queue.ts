import * as path from 'node:path';
import type { Logger } from '../common';
import type { StoreIO } from './io';
import { SegmentQueue } from './mapped-file';
import { CQ_BLANK_SIZE, CQ_STORE_UNIT_SIZE, firstUnitWhere, readCqPhy, readCqSize, readCqTagsCode, writeCqUnit, type CqUnit } from './consume-queue-unit';
import { readThroughCache, type CqReadCache } from './cq-read-cache';
import { unitsEnd } from './consume-queue-load';

export * from './consume-queue-unit';
export { CQ_LOAD_READ_BYTES_MAX, CQ_LOAD_READ_BYTES_MIN } from './consume-queue-load';

/**
 * One consume queue: consumequeue/<topic>/<queueId>/<20-digit byte offset>, fixed-size files of 20-byte units
 * (Java: ConsumeQueue); the unit layout is in consume-queue-unit.ts.
 *
 * Contract. Owns: one queue's files (a SegmentQueue), its in-memory tail of units and its offsets (min, max,
 *   written, flushed). May call: ./mapped-file (the files), ./consume-queue-unit (the layout), the injected
 *   StoreIO and logger. Knows nothing of the commit log: recovery hands it a `verify` callback.
 * Invariants: flushedWhere <= writtenWhere <= tailEnd and tailStart <= writtenWhere (bytes, multiples of 20: units
 *   not yet written are always in memory); queue offset n is unit n (gaps are filled with blank units);
 *   maxPhysicOffset is the end of the last non-blank unit's record, or -1.
 *
 * Units are appended in memory (dispatch is synchronous) and written to the files every flushIntervalConsumeQueue
 * by the store (one write per queue per interval). The newest units stay in memory (consumeQueueTailUnitsMax) so
 * that tail pulls read no file.
 */

const OS_PAGE_SIZE = 4096;

export interface ConsumeQueueOptions {
  io: StoreIO;
  root: string;
  topic: string;
  queueId: number;
  fileSize: number;
  tailUnitsMax: number;
  /** Blocks read from the files, shared by the store's queues (none: every read below the tail reads the file). */
  readCache?: CqReadCache;
  logger: Logger;
}

export class ConsumeQueue {
  readonly topic: string;
  readonly queueId: number;
  readonly files: SegmentQueue;
  /** Java: ConsumeQueue#minLogicOffset (bytes). */
  minLogicOffset = 0;
  /** End (offset + size) of the last unit's record; -1 when empty (Java: maxPhysicOffset). */
  maxPhysicOffset = -1;
  /** Bytes before this are written to the files. */
  writtenWhere = 0;
  /** Bytes before this are fsynced. */
  flushedWhere = 0;

  /** In-memory units: tail[0] is unit tailStart / 20; everything up to tailEnd. */
  private tail: Buffer = Buffer.alloc(0);
  private tailStart = 0;
  private tailEnd = 0;
  private destroyed = false;
  /** Bumped whenever written units may change (see dropReadCache). */
  private generation = 0;

  constructor(private readonly o: ConsumeQueueOptions) {
    this.topic = o.topic;
    this.queueId = o.queueId;
    this.files = new SegmentQueue(o.io, path.join(o.root, o.topic, String(o.queueId)), o.fileSize);
  }

  get dir(): string {
    return this.files.dir;
  }

  /** Java: ConsumeQueue#getMaxOffsetInQueue (units, including ones not yet written). */
  get maxOffsetInQueue(): number {
    return this.tailEnd / CQ_STORE_UNIT_SIZE;
  }

  get minOffsetInQueue(): number {
    return Math.floor(this.minLogicOffset / CQ_STORE_UNIT_SIZE);
  }

  /** Bytes dispatched but not yet written. */
  get dirtyBytes(): number {
    return this.tailEnd - this.writtenWhere;
  }

  /** Units held in memory (written ones up to consumeQueueTailUnitsMax, plus any not yet written). */
  get cachedUnits(): number {
    return (this.tailEnd - this.tailStart) / CQ_STORE_UNIT_SIZE;
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  // ---------------------------------------------------------------- append

  /**
   * Java: ConsumeQueue#putMessagePositionInfo. Appends the unit of queue offset `cqOffset`; a unit at or below the
   * current end is a repeat and ignored (Java logs "build consume queue repeatedly"); a gap is filled with blank
   * units so that offsets stay aligned with the records' QUEUEOFFSET (Java would append misaligned and log a bug).
   */
  put(phy: number, size: number, tagsCode: number, cqOffset: number): void {
    if (phy + size <= this.maxPhysicOffset) return;
    const expect = cqOffset * CQ_STORE_UNIT_SIZE;
    if (this.tailEnd === 0 && this.files.segments.length === 0 && cqOffset !== 0) {
      // A queue that starts mid-way (files lost, or rebuilt from a commit log that no longer has its start).
      this.minLogicOffset = expect;
      this.tailStart = expect;
      this.tailEnd = expect;
      this.writtenWhere = expect;
      this.flushedWhere = expect;
    }
    if (expect < this.tailEnd) {
      this.o.logger.debug({ topic: this.topic, queueId: this.queueId, expect, current: this.tailEnd }, 'consume queue unit built repeatedly');
      return;
    }
    if (expect > this.tailEnd) {
      this.o.logger.error({ topic: this.topic, queueId: this.queueId, expect, current: this.tailEnd }, 'consume queue gap: filling with blank units');
      while (this.tailEnd < expect) this.appendUnit(0, CQ_BLANK_SIZE, 0);
    }
    this.appendUnit(phy, size, tagsCode);
    this.maxPhysicOffset = phy + size;
  }

  private appendUnit(phy: number, size: number, tagsCode: number): void {
    const rel = this.tailEnd - this.tailStart;
    if (rel + CQ_STORE_UNIT_SIZE > this.tail.length) {
      const grown = Buffer.allocUnsafe(Math.max(1024 * CQ_STORE_UNIT_SIZE, this.tail.length * 2));
      this.tail.copy(grown, 0, 0, rel);
      this.tail = grown;
    }
    writeCqUnit(this.tail, rel, phy, size, tagsCode);
    this.tailEnd += CQ_STORE_UNIT_SIZE;
  }

  // ---------------------------------------------------------------- write / flush

  /** Writes units dispatched since the last call to the files (creating files, with blank fill, as needed). */
  async write(): Promise<void> {
    if (this.destroyed) return;
    const fileSize = this.o.fileSize;
    while (this.writtenWhere < this.tailEnd) {
      const from = this.writtenWhere;
      const fileFrom = this.files.fileFromOf(from);
      const end = Math.min(this.tailEnd, fileFrom + fileSize);
      const isNew = this.files.find(fileFrom) === undefined;
      const seg = await this.files.ensure(fileFrom);
      if (isNew && from > fileFrom) await this.fillPreBlank(fileFrom, from);
      const data = this.tail.subarray(from - this.tailStart, end - this.tailStart);
      await this.files.writeFully(seg, from - fileFrom, Buffer.from(data));
      this.writtenWhere = end;
    }
    this.trim();
  }

  private async fillPreBlank(fileFrom: number, until: number): Promise<void> {
    const seg = await this.files.ensure(fileFrom);
    const units = (until - fileFrom) / CQ_STORE_UNIT_SIZE;
    const chunkUnits = 4096;
    const chunk = Buffer.alloc(Math.min(units, chunkUnits) * CQ_STORE_UNIT_SIZE);
    for (let i = 0; i < chunk.length; i += CQ_STORE_UNIT_SIZE) writeCqUnit(chunk, i, 0, CQ_BLANK_SIZE, 0);
    for (let u = 0; u < units; u += chunkUnits) {
      const n = Math.min(chunkUnits, units - u);
      await this.files.writeFully(seg, u * CQ_STORE_UNIT_SIZE, chunk.subarray(0, n * CQ_STORE_UNIT_SIZE));
    }
  }

  /** Drops written units from memory beyond consumeQueueTailUnitsMax. */
  private trim(): void {
    const keepFrom = Math.max(this.tailStart, Math.min(this.writtenWhere, this.tailEnd - this.o.tailUnitsMax * CQ_STORE_UNIT_SIZE));
    if (keepFrom <= this.tailStart) return;
    const drop = keepFrom - this.tailStart;
    const live = this.tailEnd - keepFrom;
    if (live === 0) {
      this.tail = Buffer.alloc(0);
    } else if (drop * 2 >= this.tail.length || this.tail.length > 4 * Math.max(live, 1024 * CQ_STORE_UNIT_SIZE)) {
      const b = Buffer.allocUnsafe(Math.max(live * 2, 1024 * CQ_STORE_UNIT_SIZE));
      this.tail.copy(b, 0, drop, drop + live);
      this.tail = b;
    } else {
      this.tail.copy(this.tail, 0, drop, drop + live);
    }
    this.tailStart = keepFrom;
  }

  /**
   * fsyncs written data when at least `leastPages` 4 KiB pages are not yet durable (0: whatever is dirty).
   * Returns true when everything written is durable afterwards.
   */
  async flush(leastPages: number): Promise<boolean> {
    if (this.destroyed) return true;
    const target = this.writtenWhere;
    if (target <= this.flushedWhere) return true;
    const pages = Math.floor(target / OS_PAGE_SIZE) - Math.floor(this.flushedWhere / OS_PAGE_SIZE);
    const crossed = this.files.fileFromOf(target) !== this.files.fileFromOf(this.flushedWhere);
    if (leastPages > 0 && pages < leastPages && !crossed) return false;
    for (const seg of this.files.segments) {
      if (seg.from + this.o.fileSize <= this.flushedWhere || seg.from >= target) continue;
      await this.files.sync(seg);
    }
    this.flushedWhere = target;
    return true;
  }

  /**
   * The commit log offset of the oldest unit not yet fsynced: undefined when every unit is durable, -1 when it is
   * no longer in memory (then the caller cannot tell). Blank units are skipped.
   */
  firstUnflushedPhy(): number | undefined {
    if (this.destroyed || this.flushedWhere >= this.tailEnd) return undefined;
    if (this.flushedWhere < this.tailStart) return -1;
    for (let at = this.flushedWhere; at < this.tailEnd; at += CQ_STORE_UNIT_SIZE) {
      if (readCqSize(this.tail, at - this.tailStart) !== CQ_BLANK_SIZE) return readCqPhy(this.tail, at - this.tailStart);
    }
    return undefined;
  }

  // ---------------------------------------------------------------- read

  /**
   * Units starting at queue offset `index`, at most `maxUnits`, never past the end of the file holding `index`
   * (Java: ConsumeQueue#iterateFrom walks one file). Returns a buffer of whole units (possibly empty), or
   * undefined when `index` is outside the queue or its file is gone.
   */
  async readUnits(index: number, maxUnits: number, ignoreMin = false): Promise<Buffer | undefined> {
    const off = index * CQ_STORE_UNIT_SIZE;
    if ((!ignoreMin && off < this.minLogicOffset) || off < 0 || off >= this.tailEnd || maxUnits <= 0) return undefined;
    const fileEnd = this.files.fileFromOf(off) + this.o.fileSize;
    if (off >= this.tailStart) {
      const end = Math.min(this.tailEnd, off + maxUnits * CQ_STORE_UNIT_SIZE, fileEnd);
      return this.tail.subarray(off - this.tailStart, end - this.tailStart);
    }
    const end = Math.min(this.writtenWhere, off + maxUnits * CQ_STORE_UNIT_SIZE, fileEnd);
    if (end <= off) return undefined;
    const generation = this.generation;
    return readThroughCache(this.o.readCache, this, off, end, Math.min(this.writtenWhere, fileEnd), (from, len) => this.files.read(from, len), () => generation === this.generation && !this.destroyed);
  }

  /** Forgets the cached block (its units may change): truncation, reload, destroy. */
  private dropReadCache(): void {
    this.generation++;
    this.o.readCache?.drop(this);
  }

  async unitAt(index: number, ignoreMin = false): Promise<CqUnit | undefined> {
    const buf = await this.readUnits(index, 1, ignoreMin);
    if (buf === undefined || buf.length < CQ_STORE_UNIT_SIZE) return undefined;
    return { queueOffset: index, phy: readCqPhy(buf, 0), size: readCqSize(buf, 0), tagsCode: readCqTagsCode(buf, 0) };
  }

  /** Java: ConsumeQueue#rollNextFile (in queue offsets). */
  rollNextFile(index: number): number {
    const units = this.o.fileSize / CQ_STORE_UNIT_SIZE;
    return index + units - (index % units);
  }

  /** Java: ConsumeQueue#getLastOffset: end of the last unit's record, or -1. */
  async lastOffset(): Promise<number> {
    if (this.tailEnd === 0) return -1;
    const u = await this.unitAt(this.maxOffsetInQueue - 1, true);
    return u !== undefined && u.size > 0 ? u.phy + u.size : -1;
  }

  // ---------------------------------------------------------------- recovery

  /**
   * Loads the files and finds where the units end (Java: ConsumeQueue#load + #recover: the first unit that is not
   * (offset >= 0, size > 0) ends the queue). Only the last file holding data is scanned.
   */
  async load(): Promise<void> {
    this.dropReadCache();
    await this.files.load();
    const segs = this.files.segments;
    if (segs.length === 0) return;
    const fileSize = this.o.fileSize;
    let i = segs.length - 1;
    // Walk back past files whose first unit is empty (a file created just before a crash).
    while (i > 0) {
      const head = await this.files.read(segs[i]!.from, CQ_STORE_UNIT_SIZE);
      if (head !== undefined && head.length === CQ_STORE_UNIT_SIZE && readCqPhy(head, 0) >= 0 && readCqSize(head, 0) > 0) break;
      i--;
    }
    const seg = segs[i]!;
    const end = await unitsEnd((pos, len) => this.files.read(pos, len), seg.from, fileSize);
    // Files after the end (empty ones created before a crash) are deleted (Java: truncateDirtyFiles).
    for (const s of [...segs]) if (s.from > end) await this.files.remove(s);
    this.minLogicOffset = this.files.first?.from ?? 0;
    this.tailStart = end;
    this.tailEnd = end;
    this.writtenWhere = end;
    this.flushedWhere = end;
    this.tail = Buffer.alloc(0);
    this.maxPhysicOffset = -1;
    if (end > (this.files.first?.from ?? 0)) {
      const last = await this.unitAt(end / CQ_STORE_UNIT_SIZE - 1, true);
      if (last !== undefined && last.size !== CQ_BLANK_SIZE) this.maxPhysicOffset = last.phy + last.size;
    }
  }

  /**
   * Recovery: drops the units whose records will be replayed from the commit log (phy >= `replayFrom`), then
   * checks the units before them from the end backwards with `verify` (a torn unit never survives). The replay
   * then appends the dropped units again from the records themselves.
   */
  async cutForReplay(replayFrom: number, verify: (u: CqUnit) => Promise<boolean>): Promise<void> {
    const first = Math.floor((this.files.first?.from ?? this.tailEnd) / CQ_STORE_UNIT_SIZE);
    // First unit with phy >= replayFrom (units are in commit log order).
    const lo = await firstUnitWhere(Math.max(first, this.minOffsetInQueue), this.maxOffsetInQueue, (i) => this.unitAt(i, true), (u) => u === undefined || (u.size !== CQ_BLANK_SIZE && u.phy >= replayFrom));
    let cut = lo;
    while (cut > first) {
      const u = await this.unitAt(cut - 1, true);
      if (u !== undefined && (await verify(u))) break;
      cut--;
    }
    if (cut < this.maxOffsetInQueue) await this.truncateTo(cut);
  }

  /** Forgets units from `index` on; zeroes them on disk; deletes files that start at or after them. */
  async truncateTo(index: number): Promise<void> {
    const end = index * CQ_STORE_UNIT_SIZE;
    this.o.logger.info({ topic: this.topic, queueId: this.queueId, from: this.maxOffsetInQueue, to: index }, 'consume queue truncated');
    this.dropReadCache();
    for (const s of [...this.files.segments]) if (s.from >= end) await this.files.remove(s);
    if (this.files.find(end) !== undefined) await this.files.scrubFrom(end);
    if (end < this.tailStart) {
      this.tail = Buffer.alloc(0);
      this.tailStart = end;
    }
    this.dropReadCache(); // again: a read that ran during the scrub must not keep its block
    this.tailEnd = end;
    if (this.writtenWhere > end) this.writtenWhere = end;
    if (this.flushedWhere > end) this.flushedWhere = end;
    if (this.minLogicOffset > end) this.minLogicOffset = end;
    this.maxPhysicOffset = -1;
    if (index > 0) {
      const last = await this.unitAt(index - 1, true);
      if (last !== undefined && last.size !== CQ_BLANK_SIZE) this.maxPhysicOffset = last.phy + last.size;
    }
  }

  // ---------------------------------------------------------------- retention

  /**
   * Java: ConsumeQueue#correctMinOffset: the min offset becomes the first unit whose record is still in the commit
   * log (offset >= minCommitLogOffset); when even the last unit is older, the queue is logically empty.
   */
  async correctMinOffset(minCommitLogOffset: number): Promise<void> {
    const max = this.maxOffsetInQueue;
    if (this.minLogicOffset >= this.tailEnd) return;
    const last = await this.unitAt(max - 1);
    if (last === undefined) return;
    if (last.phy < minCommitLogOffset) {
      this.minLogicOffset = this.tailEnd;
      return;
    }
    let lo = Math.max(this.minOffsetInQueue, Math.floor((this.files.first?.from ?? 0) / CQ_STORE_UNIT_SIZE));
    const first = await this.unitAt(lo);
    if (first !== undefined && first.phy >= minCommitLogOffset && lo * CQ_STORE_UNIT_SIZE === this.minLogicOffset) return;
    this.minLogicOffset = (await firstUnitWhere(lo, max - 1, (i) => this.unitAt(i), (u) => u !== undefined && u.phy >= minCommitLogOffset)) * CQ_STORE_UNIT_SIZE;
  }

  /**
   * Java: MappedFileQueue#deleteExpiredFileByOffset: deletes files (never the last) whose last unit points before
   * `minCommitLogOffset`, then corrects the min offset. Returns how many files were deleted.
   */
  async deleteExpiredFiles(minCommitLogOffset: number): Promise<number> {
    let deleted = 0;
    const segs = [...this.files.segments];
    for (let i = 0; i < segs.length - 1; i++) {
      const seg = segs[i]!;
      const lastUnit = await this.files.read(seg.from + this.o.fileSize - CQ_STORE_UNIT_SIZE, CQ_STORE_UNIT_SIZE);
      if (lastUnit === undefined || lastUnit.length < CQ_STORE_UNIT_SIZE) break;
      if (readCqPhy(lastUnit, 0) >= minCommitLogOffset) break;
      await this.files.remove(seg);
      deleted++;
    }
    if (this.files.first !== undefined && this.minLogicOffset < this.files.first.from) this.minLogicOffset = this.files.first.from;
    await this.correctMinOffset(minCommitLogOffset);
    return deleted;
  }

  /** Deletes every file and the queue directory (Java: ConsumeQueue#destroy). */
  async destroy(): Promise<void> {
    this.destroyed = true;
    this.dropReadCache();
    for (const s of [...this.files.segments]) await this.files.remove(s);
    this.tail = Buffer.alloc(0);
    this.tailStart = this.tailEnd = this.writtenWhere = this.flushedWhere = 0;
    this.minLogicOffset = 0;
    this.maxPhysicOffset = -1;
    await this.o.io.rmdir(this.dir).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.files.closeAll();
  }
}
