import { DelayLevelTable } from '../../protocol/message';
import { GroupCommit } from './commit-log-flush';
import { newCommitLogState, type AppendEntry, type CommitLogHooks, type CommitLogOptions, type CommitLogState } from './commit-log-state';
import { CommitLogWriter } from './commit-log-writer';
import { SegmentQueue, type Segment } from './mapped-file';
import { readBackRecords, readRecordsAt } from './commit-log-read';
import { checkRecord, type CheckResult, type DispatchRequest } from './record';
import { TailCache } from './tail-cache';

export type { AppendEntry, CommitLogHooks, CommitLogOptions, PutWaiter } from './commit-log-state';

/**
 * The commit log: records appended back to back in fixed-size files under commitlog/ (Java: CommitLog,
 * MappedFileQueue). Apogee writes with positional write(2) instead of mmap.
 *
 * Contract. Owns: the files (SegmentQueue), the tail cache and the shared positions (commit-log-state.ts); it is
 *   the one face of the log for the store: appends go to the writer (commit-log-writer.ts), durability to the
 *   flusher (commit-log-flush.ts); reads, recovery scans, truncation and retention are here. May call:
 *   ./mapped-file, ./tail-cache, ./record (record checks), its writer and flusher. Knows nothing of consume
 *   queues or the index: the store learns of writes and flushes through `hooks`.
 * Invariants: see commit-log-state.ts (flushedOffset <= writtenOffset <= appendOffset); reads never return bytes
 *   at or past writtenOffset, nor before minOffset; every record returned by readMany is checked (TOTALSIZE,
 *   magic, PHYSICALOFFSET).
 *
 * Write path (one writer, group commit): append (reserve + queue) runs synchronously inside the put; the writer
 * writes a file's queued records with one writev(2) per event-loop turn; after a write the store dispatches
 * (hooks.onWritten) and ASYNC puts are acknowledged; SYNC_FLUSH puts wait for the flusher's next fsync (group
 * commit), or answer FLUSH_DISK_TIMEOUT after syncFlushTimeout. ASYNC_FLUSH fsyncs every flushIntervalCommitLog
 * when at least flushCommitLogLeastPages pages are dirty, or all of it every flushCommitLogThoroughInterval
 * (Java: FlushRealTimeService, GroupCommitService, FlushDiskWatcher).
 */

const RECOVERY_READ_BYTES = 4 * 1024 * 1024;
/** The most primeTail reads back at once (also at most half of the tail cache's bytesMax). */
export const TAIL_PRIME_BYTES_MAX = 16 * 1024 * 1024;

export class CommitLog {
  readonly files: SegmentQueue;
  readonly tail: TailCache;
  private readonly s: CommitLogState = newCommitLogState();
  private readonly writer: CommitLogWriter;
  private readonly flusher: GroupCommit;
  private readonly o: CommitLogOptions;

  constructor(o: CommitLogOptions) {
    this.o = o;
    this.files = new SegmentQueue(o.io, o.dir, o.fileSize);
    this.tail = new TailCache(o.tailCacheBytesMax, o.now, o.tailCacheUnreadReleaseMs ?? 0);
    this.tail.onEmptyTailLookup = (offset, epoch) => this.primeTail(offset, epoch);
    this.flusher = new GroupCommit(this.s, this.files, o);
    this.writer = new CommitLogWriter(this.s, this.files, this.tail, this.flusher, o);
  }

  /** Next physical offset to assign (includes queued, unwritten bytes). */
  get appendOffset(): number {
    return this.s.appendOffset;
  }

  /** Everything before this offset has been written (survives a process kill). */
  get writtenOffset(): number {
    return this.s.writtenOffset;
  }

  /** Everything before this offset has been fsynced (survives a machine crash). */
  get flushedOffset(): number {
    return this.s.flushedOffset;
  }

  /** STORETIMESTAMP of the last written record (set by recovery too). */
  get writtenStoreTimestamp(): number {
    return this.s.writtenStoreTimestamp;
  }
  set writtenStoreTimestamp(v: number) {
    this.s.writtenStoreTimestamp = v;
  }

  /** STORETIMESTAMP of the last record covered by a flush (set by recovery too). */
  get flushedStoreTimestamp(): number {
    return this.s.flushedStoreTimestamp;
  }
  set flushedStoreTimestamp(v: number) {
    this.s.flushedStoreTimestamp = v;
  }

  /** Bytes queued or being written. */
  get pendingBytes(): number {
    return this.s.pendingBytes;
  }

  /** How long the oldest unfinished write has been going, ms (0: none; CommitLogWriter#busyMs). */
  writeBusyMs(): number {
    return this.writer.busyMs();
  }

  get hooks(): CommitLogHooks | undefined {
    return this.s.hooks;
  }
  set hooks(h: CommitLogHooks | undefined) {
    this.s.hooks = h;
  }

  get stats(): CommitLogState['stats'] {
    return this.s.stats;
  }

  get fileSize(): number {
    return this.o.fileSize;
  }

  /** Java: CommitLog#getMinOffset: the first file's start, or -1 without files. */
  get minOffset(): number {
    return this.files.first?.from ?? -1;
  }

  /** Java: CommitLog#getMaxOffset: the end of the readable (written) log. */
  get maxOffset(): number {
    return this.writtenOffset;
  }

  /** Java: CommitLog#rollNextFile. */
  rollNextFile(offset: number): number {
    return offset + this.o.fileSize - (offset % this.o.fileSize);
  }

  // ---------------------------------------------------------------- append / flush (writer, flusher)

  /** Reserves space for `size` bytes (see CommitLogWriter#reserve). Returns the physical offset. */
  reserve(size: number): number {
    return this.writer.reserve(size);
  }

  /** Queues a record at the offset reserve() returned. */
  queue(entry: AppendEntry): void {
    this.writer.queue(entry);
  }

  /**
   * Slave: queues replicated bytes (replica.ts) that continue the log exactly; each entry stays in one file.
   * Throws on a gap or an overlap (a bug: replica.ts checks the offset first).
   */
  queueReplicated(entries: readonly AppendEntry[]): void {
    for (const e of entries) {
      if (e.phy !== this.s.appendOffset || e.end - e.phy !== e.buf.length) throw new Error(`replicated entry at ${e.phy} does not continue the log at ${this.s.appendOffset}`);
      this.s.appendOffset = e.end;
      this.writer.queue(e);
    }
  }

  /** Resolves when every queued entry has been written (or failed). */
  whenWritten(): Promise<void> {
    return this.writer.whenWritten();
  }

  /** Starts a flush round unless one is running (then it runs again when done: group commit). */
  startFlush(): void {
    this.flusher.startFlush();
  }

  /** Resolves once everything written before the call is durable (or a flush failed). */
  flushWritten(): Promise<void> {
    return this.flusher.flushWritten();
  }

  /** ASYNC_FLUSH periodic flush: fsync when at least `leastPages` 4 KiB pages are dirty (0: anything dirty). */
  flushIfDirty(leastPages: number): void {
    this.flusher.flushIfDirty(leastPages);
  }

  get syncWaiting(): number {
    return this.flusher.syncWaiting;
  }

  // ---------------------------------------------------------------- read

  /**
   * The record bytes at [phy, phy + size) (Java: CommitLog#getMessage): from the tail cache when recent, else read
   * from the file. undefined when outside the readable log or when the read fails (e.g. the file was deleted).
   */
  async read(phy: number, size: number): Promise<Buffer | undefined> {
    if (size <= 0 || phy < this.minOffset || phy + size > this.writtenOffset) return undefined;
    const hit = this.tail.get(phy, size);
    if (hit !== undefined) return hit;
    const seg = this.files.find(phy);
    if (seg === undefined || phy - seg.from + size > this.o.fileSize) return undefined;
    const buf = await this.files.read(phy, size);
    return buf !== undefined && buf.length === size ? buf : undefined;
  }

  /**
   * Reads several records (ascending offsets), answering each from the tail cache or from disk; neighbouring
   * records on disk are fetched with one read when the span is at most readCoalesceBytesMax and not mostly gaps.
   * Every record is checked (TOTALSIZE, magic, PHYSICALOFFSET) before it is returned.
   */
  async readMany(items: readonly { phy: number; size: number }[]): Promise<(Buffer | undefined)[]> {
    const phys = items.map((x) => x.phy);
    const sizes = items.map((x) => x.size);
    const bufs: (Buffer | undefined)[] = [];
    const pos: number[] = [];
    await this.readManyAt(phys, sizes, items.length, bufs, pos);
    const out: (Buffer | undefined)[] = new Array(items.length).fill(undefined);
    for (let i = 0; i < items.length; i++) {
      const b = bufs[i];
      if (b !== undefined) out[i] = b.subarray(pos[i]!, pos[i]! + sizes[i]!);
    }
    return out;
  }

  /**
   * readMany without a view per record (the SQL92 walk looks at every record and keeps few): the `n` records at
   * phys[i] / sizes[i] (ascending) are at bufs[i] from byte pos[i]; bufs[i] is undefined when record i cannot be
   * read or fails the check. The buffers are shared (a tail-cache segment, one read per run): do not write them.
   */
  async readManyAt(phys: readonly number[], sizes: readonly number[], n: number, bufs: (Buffer | undefined)[], pos: number[]): Promise<void> {
    await readRecordsAt({ files: this.files, tail: this.tail, minOffset: this.minOffset, writtenOffset: this.writtenOffset, fileSize: this.o.fileSize, readCoalesceBytesMax: this.o.readCoalesceBytesMax }, phys, sizes, n, bufs, pos);
  }

  /**
   * The record at [phy, phy + size) when the tail cache holds it: its position in `cached` (a record boundary of the
   * cache with at least `size` bytes), unchecked — the reader checks what it keeps (looksLikeRecordAt); otherwise -1
   * (readManyAt then reads it, or finds it gone).
   */
  locateCached(phy: number, size: number): number {
    if (size <= 0 || phy < this.minOffset || phy + size > this.writtenOffset) return -1;
    return this.tail.locate(phy, size);
  }

  /** The buffer of the last locateCached() that found its record (shared: do not write it). */
  get cached(): Buffer {
    return this.tail.located;
  }

  /** A read-back for the tail cache is in flight (one at a time). */
  private priming = false;

  /**
   * The tail cache was empty when the tail was looked up at `offset` (a record start): reads back the records from
   * there (readBackRecords: at most TAIL_PRIME_BYTES_MAX and half of the cache's bytesMax, within one file, up to
   * writtenOffset) into the cache (TailCache#prime). Fire and forget: the lookup itself goes on to the file; a failed
   * read only leaves the cache empty.
   */
  private primeTail(offset: number, epoch: number): void {
    const end = Math.min(this.writtenOffset, this.rollNextFile(offset), offset + Math.min(TAIL_PRIME_BYTES_MAX, Math.floor(this.tail.bytesMax / 2)));
    if (this.priming || offset < this.minOffset || end - offset < 8) return;
    this.priming = true;
    void readBackRecords(this.files, offset, end - offset).then(
      (back) => {
        this.priming = false;
        if (back !== undefined) this.tail.prime(offset, back.buf, back.rel, back.bytes, epoch);
      },
      () => {
        // files.read answers undefined on an I/O error; anything else thrown must not leave `priming` stuck on.
        this.priming = false;
      },
    );
  }

  /** Java: CommitLog#pickupStoreTimestamp: STORETIMESTAMP of the record at `phy`, or -1. */
  async pickupStoreTimestamp(phy: number, size: number): Promise<number> {
    if (phy < this.minOffset || phy + size > this.writtenOffset) return -1;
    const buf = await this.read(phy, Math.min(size, 96));
    if (buf === undefined || buf.length < 60) return -1;
    const sysFlag = buf.readInt32BE(36);
    const at = 48 + ((sysFlag & 0x10) === 0 ? 8 : 20);
    if (at + 8 > buf.length) return -1;
    return buf.readInt32BE(at) * 4294967296 + buf.readUInt32BE(at + 4);
  }

  // ---------------------------------------------------------------- recovery

  async load(): Promise<void> {
    await this.files.load();
  }

  /** Examines the first record of a file (Java: CommitLog#isMappedFileMatchedRecover reads it with CRC). */
  async firstRecord(seg: Segment, delays: DelayLevelTable, checkCrc: boolean): Promise<CheckResult> {
    const head = await this.files.read(seg.from, 8);
    if (head === undefined || head.length < 8) return { kind: 'invalid', reason: 'unreadable' };
    const size = head.readInt32BE(0);
    if (size <= 8 || size > this.o.fileSize) return checkRecord(head, 0, head.length, { checkCrc, delays, rejectZeroTail: true, expectedPhysicalOffset: seg.from });
    const buf = await this.files.read(seg.from, size);
    if (buf === undefined) return { kind: 'invalid', reason: 'unreadable' };
    return checkRecord(buf, 0, buf.length, { checkCrc, delays, rejectZeroTail: true, expectedPhysicalOffset: seg.from });
  }

  /**
   * Scans the log from `startPos` (a record boundary) of files[startIndex] (Java: recoverNormally/recoverAbnormally): every valid record
   * is handed to `visit`, blank records move to the next file, and the scan stops at the first invalid record.
   * Returns the offset where the valid log ends.
   */
  async scan(startIndex: number, checkCrc: boolean, delays: DelayLevelTable, visit: (r: DispatchRequest) => void, startPos = 0): Promise<number> {
    const fileSize = this.o.fileSize;
    const segs = this.files.segments;
    let index = startIndex;
    let seg = segs[index]!;
    let pos = startPos;
    let buf: Buffer = Buffer.alloc(0);
    let bufPos = 0; // file position of buf[0]
    const readAt = async (p: number, min: number): Promise<void> => {
      const want = Math.min(fileSize - p, Math.max(RECOVERY_READ_BYTES, min));
      buf = (await this.files.read(seg.from + p, want)) ?? Buffer.alloc(0);
      bufPos = p;
    };
    await readAt(pos, 0);
    for (;;) {
      let rel = pos - bufPos;
      if (buf.length - rel < 8 && bufPos + buf.length < fileSize) {
        await readAt(pos, 8);
        rel = 0;
      }
      if (buf.length - rel >= 8) {
        const size = buf.readInt32BE(rel);
        const magic = buf.readInt32BE(rel + 4);
        const isMsg = magic === (0xdaa320a7 | 0) || magic === (0xdaa320ab | 0);
        if (isMsg && size > buf.length - rel && pos + size <= fileSize) {
          await readAt(pos, size);
          rel = 0;
        }
      }
      const r = checkRecord(buf, rel, buf.length, { checkCrc, delays, rejectZeroTail: true, expectedPhysicalOffset: seg.from + pos });
      if (r.kind === 'message') {
        visit(r.request);
        pos += r.size;
        continue;
      }
      if (r.kind === 'blank' && index + 1 < segs.length) {
        index++;
        seg = segs[index]!;
        pos = 0;
        await readAt(0, 0);
        continue;
      }
      if (r.kind === 'invalid' && pos < fileSize && pos > 0) {
        this.o.logger.info({ offset: seg.from + pos, reason: r.reason }, 'commit log recovery: end of valid data');
      }
      return seg.from + pos;
    }
  }

  /**
   * Sets the log end after recovery (Java: MappedFileQueue#truncateDirtyFiles): files after it are deleted and
   * stale bytes after it are zeroed.
   */
  async truncate(end: number): Promise<void> {
    for (const seg of [...this.files.segments]) {
      if (seg.from > end) {
        this.o.logger.warn({ file: seg.file }, 'commit log recovery: deleting a file past the end of the log');
        await this.files.remove(seg);
      }
    }
    if (this.files.find(end) !== undefined) await this.files.scrubFrom(end);
    this.s.appendOffset = end;
    this.s.writtenOffset = end;
    this.s.flushedOffset = end;
    this.tail.truncateFrom(end);
  }

  /** Starts an empty log at `offset` (no files yet). */
  resetTo(offset: number): void {
    this.s.appendOffset = offset;
    this.s.writtenOffset = offset;
    this.s.flushedOffset = offset;
  }

  // ---------------------------------------------------------------- retention

  /**
   * Java: MappedFileQueue#deleteExpiredFileByTime: deletes files (never the last one) whose last modification is
   * older than `expiredMs`, or any when `cleanImmediately`, oldest first, at most `batchMax`, stopping at the first
   * file that is kept. Returns how many were deleted.
   */
  async deleteExpiredFiles(expiredMs: number, cleanImmediately: boolean, batchMax: number, intervalMs: number): Promise<number> {
    const segs = [...this.files.segments];
    let deleted = 0;
    for (let i = 0; i < segs.length - 1; i++) {
      const seg = segs[i]!;
      const mtime = (await this.o.io.stat(seg.file))?.mtimeMs ?? 0;
      if (this.o.now() >= mtime + expiredMs || cleanImmediately) {
        await this.files.remove(seg);
        deleted++;
        this.tail.dropBefore(this.minOffset);
        if (deleted >= batchMax) break;
        if (intervalMs > 0 && i + 1 < segs.length - 1) await new Promise((r) => setTimeout(r, intervalMs).unref());
      } else {
        break;
      }
    }
    return deleted;
  }

  async close(): Promise<void> {
    this.flusher.stopTimer();
    await this.files.closeAll();
  }

  /** Stops timers without touching the disk (an abrupt stop, for tests). */
  halt(): void {
    this.flusher.stopTimer();
    this.s.failed = true;
  }
}
