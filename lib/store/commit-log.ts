import type { Logger } from '../common';
import { BLANK_RECORD_SIZE, DelayLevelTable, encodeBlankRecord } from '../../protocol/message';
import { errnoOf, type StoreIO } from './io';
import { SegmentQueue, type Segment } from './mapped-file';
import { checkRecord, looksLikeRecordAt, type CheckResult, type DispatchRequest } from './record';
import { PutMessageStatus } from './status';
import { TailCache } from './tail-cache';

/**
 * The commit log: records appended back to back in fixed-size files under commitlog/ (Java: CommitLog,
 * MappedFileQueue). Apogee writes with positional write(2) instead of mmap.
 *
 * Write path (one writer, group commit):
 *  1. append() runs synchronously inside the put: it reserves the physical offset (writing Java's blank
 *     end-of-file record when the record + 8 bytes do not fit in the current file) and queues the record bytes.
 *  2. The writer, scheduled once per event-loop turn (setImmediate), takes everything queued for one file (up to
 *     commitLogWriteBatchBytesMax, never splitting a put) and writes it with ONE writev(2) of the record buffers
 *     themselves (no copy). While a write is in flight, new appends queue up; a second write starts once 64 KiB
 *     are queued (WRITES_IN_FLIGHT_MAX = 2); writes are applied strictly in offset order.
 *  3. After a write: the bytes join the tail cache, `onWritten` runs (the store dispatches ASYNC_FLUSH records
 *     and acknowledges them), SYNC_FLUSH puts join the flush queue.
 *  4. Flush (fsync): ASYNC_FLUSH every flushIntervalCommitLog when at least flushCommitLogLeastPages pages are
 *     dirty, or all of it every flushCommitLogThoroughInterval (Java: FlushRealTimeService). SYNC_FLUSH: a flush
 *     starts whenever written bytes are not yet durable and no flush is running, so every put written during an
 *     fsync shares the next one (Java: GroupCommitService). A put not durable within syncFlushTimeout answers
 *     FLUSH_DISK_TIMEOUT (Java: FlushDiskWatcher).
 */

/** One queued write: a record (with its dispatch request), or a blank end-of-file record. */
export interface AppendEntry {
  phy: number;
  buf: Buffer;
  /** Where the log continues after this entry (for a blank record: the next file's start). */
  end: number;
  request: DispatchRequest | undefined;
  /** On the last entry of a put call. */
  waiter: PutWaiter | undefined;
}

export interface PutWaiter {
  /** Wait for fsync (SYNC_FLUSH and WAIT=true). */
  sync: boolean;
  end: number;
  deadline: number;
  resolve(status: PutMessageStatus): void;
}

export interface CommitLogOptions {
  io: StoreIO;
  dir: string;
  fileSize: number;
  syncFlush: boolean;
  syncFlushTimeoutMs: number;
  tailCacheBytesMax: number;
  writeBatchBytesMax: number;
  readCoalesceBytesMax: number;
  logger: Logger;
  now: () => number;
}

export interface CommitLogHooks {
  /** Entries just written, in order (after the tail cache is updated, before ASYNC puts are acknowledged). */
  onWritten(entries: readonly AppendEntry[]): void;
  /** The log is durable up to `offset` (before SYNC puts are acknowledged). */
  onFlushed(offset: number, storeTimestamp: number): void;
  /** A write failed: entries from the failed one on are dropped and must be rolled back. */
  onWriteFailed(failed: readonly AppendEntry[], error: unknown): void;
  /** An fsync failed: durability is unknown from here on. */
  onFlushFailed(error: unknown): void;
}

const OS_PAGE_SIZE = 4096;
/** Writes of the commit log in flight at once (positional, completed in offset order). */
const WRITES_IN_FLIGHT_MAX = 2;
/** A second write starts while one is in flight only when this much is queued (batches stay large). */
const PIPELINE_MIN_BYTES = 64 * 1024;

interface WriteBatch {
  seg: Segment;
  entries: AppendEntry[];
  bufs: Buffer[];
  bytes: number;
  /** Position in the file. */
  pos: number;
  written: number;
  done: boolean;
  error: unknown;
}

/** The part of `bufs` after the first `skip` bytes (views, no copy). */
function remainingBuffers(bufs: readonly Buffer[], skip: number): Buffer[] {
  const out: Buffer[] = [];
  let left = skip;
  for (const b of bufs) {
    if (left >= b.length) {
      left -= b.length;
      continue;
    }
    out.push(left > 0 ? b.subarray(left) : b);
    left = 0;
  }
  return out;
}
const RECOVERY_READ_BYTES = 4 * 1024 * 1024;

export class CommitLog {
  readonly files: SegmentQueue;
  readonly tail: TailCache;
  /** Next physical offset to assign (includes queued, unwritten bytes). */
  appendOffset = 0;
  /** Everything before this offset has been written (survives a process kill). */
  writtenOffset = 0;
  /** Everything before this offset has been fsynced (survives a machine crash). */
  flushedOffset = 0;
  /** STORETIMESTAMP of the last written record, and of the last record covered by a flush. */
  writtenStoreTimestamp = 0;
  flushedStoreTimestamp = 0;
  pendingBytes = 0;
  hooks: CommitLogHooks | undefined;

  readonly stats = { writes: 0, fsyncs: 0, bytesWritten: 0, flushedPuts: 0 };

  private pending: AppendEntry[] = [];
  private pendingHead = 0;
  private inflight: WriteBatch[] = [];
  private inflightBytes = 0;
  private creating = false;
  private pumpScheduled = false;
  private failure: { error: unknown; status: PutMessageStatus; at: WriteBatch | undefined } | undefined;
  private idleWaiters: (() => void)[] = [];
  private syncWaiters: PutWaiter[] = [];
  private syncWaitersHead = 0;
  private flushRunning = false;
  private flushAgain = false;
  private flushWaiters: { target: number; resolve: () => void }[] = [];
  private timeoutTimer: NodeJS.Timeout | undefined;
  private failed = false;
  private readonly o: CommitLogOptions;

  constructor(o: CommitLogOptions) {
    this.o = o;
    this.files = new SegmentQueue(o.io, o.dir, o.fileSize);
    this.tail = new TailCache(o.tailCacheBytesMax);
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

  // ---------------------------------------------------------------- append / write

  /**
   * Reserves space for `size` bytes (one record or a whole batch, which never spans files). Returns the physical
   * offset; queues a blank record first when the current file has no room (Java: doAppend, END_OF_FILE).
   */
  reserve(size: number): number {
    const fileSize = this.o.fileSize;
    const pos = this.appendOffset % fileSize;
    if (pos + size + BLANK_RECORD_SIZE > fileSize) {
      const remaining = fileSize - pos;
      const phy = this.appendOffset;
      const end = phy + remaining;
      this.queue({ phy, buf: encodeBlankRecord(remaining), end, request: undefined, waiter: undefined });
      this.appendOffset = end;
    }
    const phy = this.appendOffset;
    this.appendOffset += size;
    return phy;
  }

  /** Queues a record at the offset reserve() returned. */
  queue(entry: AppendEntry): void {
    this.pending.push(entry);
    this.pendingBytes += entry.buf.length;
    this.schedulePump();
  }

  /** Resolves when every queued entry has been written (or failed). */
  whenWritten(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private get idle(): boolean {
    return this.inflight.length === 0 && !this.creating && !this.pumpScheduled && this.pendingHead >= this.pending.length;
  }

  /** Runs pump() at the end of this event-loop turn, so that puts of the same turn share a write. */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /**
   * Starts writes: the first whenever something is queued, a second one while another is in flight only when at
   * least PIPELINE_MIN_BYTES are queued (so batches stay large). Writes complete in any order; their effects are
   * applied strictly in offset order (drainCompleted).
   */
  private pump(): void {
    while (!this.failed && !this.creating && this.failure === undefined && this.pendingHead < this.pending.length && this.inflight.length < WRITES_IN_FLIGHT_MAX) {
      if (this.inflight.length > 0 && this.pendingBytes - this.inflightBytes < PIPELINE_MIN_BYTES) break;
      const first = this.pending[this.pendingHead]!;
      const fileFrom = first.phy - (first.phy % this.o.fileSize);
      const seg = this.files.find(fileFrom);
      if (seg === undefined) {
        this.createSegment(fileFrom);
        break;
      }
      this.startBatch(seg, fileFrom);
    }
    this.compactPending();
    if (this.idle) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const r of w) r();
    }
  }

  private createSegment(fileFrom: number): void {
    this.creating = true;
    this.files.ensure(fileFrom).then(
      () => {
        this.creating = false;
        this.pump();
      },
      (e: unknown) => {
        this.creating = false;
        this.o.logger.error({ err: e, file: fileFrom }, 'cannot create a commit log file');
        this.failure = { error: e, status: PutMessageStatus.CREATE_MAPPED_FILE_FAILED, at: undefined };
        this.drainCompleted();
      },
    );
  }

  /** Takes the next batch off the queue (one file, up to writeBatchBytesMax, never splitting a put) and writes it. */
  private startBatch(seg: Segment, fileFrom: number): void {
    const fileEnd = fileFrom + this.o.fileSize;
    let end = this.pendingHead;
    let bytes = 0;
    for (;;) {
      if (end >= this.pending.length) break;
      const e = this.pending[end]!;
      if (e.phy >= fileEnd) break;
      if (bytes >= this.o.writeBatchBytesMax && this.pending[end - 1]!.waiter !== undefined) break;
      bytes += e.buf.length;
      end++;
    }
    const entries = this.pending.slice(this.pendingHead, end);
    this.pendingHead = end;
    const batch: WriteBatch = { seg, entries, bufs: entries.map((e) => e.buf), bytes, pos: entries[0]!.phy - fileFrom, written: 0, done: false, error: undefined };
    this.inflight.push(batch);
    this.inflightBytes += bytes;
    void this.writeBatch(batch);
  }

  private async writeBatch(b: WriteBatch): Promise<void> {
    try {
      const ok = await b.seg.use(this.o.io, async (h) => {
        // One writev(2) of the records as they are (no copy); a short write continues where it stopped.
        while (b.written < b.bytes) {
          const n = await this.o.io.write(h, b.written === 0 ? b.bufs : remainingBuffers(b.bufs, b.written), b.pos + b.written);
          if (n <= 0) throw new Error('write made no progress');
          b.written += n;
        }
        return true;
      });
      if (ok === undefined) throw new Error(`${b.seg.file} was deleted`);
    } catch (e) {
      b.error = e;
    }
    b.done = true;
    this.drainCompleted();
  }

  /** Applies finished writes in offset order; on a failure, waits for the writes in flight, then rolls back. */
  private drainCompleted(): void {
    for (;;) {
      const b = this.inflight[0];
      if (b === undefined || !b.done) break;
      if (b.error !== undefined) {
        // The earliest failure in offset order wins (a file creation fails after every write in flight).
        if (this.failure === undefined || this.failure.at === undefined) {
          this.failure = { error: b.error, status: errnoOf(b.error) === 'ENOSPC' ? PutMessageStatus.SERVICE_NOT_AVAILABLE : PutMessageStatus.UNKNOWN_ERROR, at: b };
        }
        break;
      }
      this.inflight.shift();
      this.inflightBytes -= b.bytes;
      this.pendingBytes -= b.bytes;
      this.stats.writes++;
      this.stats.bytesWritten += b.bytes;
      this.completeWritten(b.entries, b.bufs);
    }
    if (this.failure !== undefined) {
      if (this.inflight.some((x) => !x.done) || this.creating) return;
      void this.handleFailure();
      return;
    }
    this.pump();
  }

  /**
   * A write failed (or a file could not be created). Puts wholly inside the bytes the failed write managed succeed;
   * the rest, every later write (even if it reached the file) and everything queued fail and are rolled back.
   * Bytes written for failed puts are zeroed so that no later recovery can take them for records.
   */
  private async handleFailure(): Promise<void> {
    const f = this.failure!;
    const batches = this.inflight.splice(0);
    this.inflightBytes = 0;
    const first = batches[0];
    if (first !== undefined && f.at === first) {
      let okCount = 0;
      let okBytes = 0;
      let run = 0;
      for (let i = 0; i < first.entries.length; i++) {
        run += first.entries[i]!.buf.length;
        if (run > first.written) break;
        if (first.entries[i]!.waiter !== undefined) {
          okCount = i + 1;
          okBytes = run;
        }
      }
      if (okCount > 0) {
        const ok = first.entries.slice(0, okCount);
        this.pendingBytes -= okBytes;
        this.stats.writes++;
        this.stats.bytesWritten += okBytes;
        this.completeWritten(ok, ok.map((e) => e.buf));
        first.entries = first.entries.slice(okCount);
        first.pos += okBytes;
        first.written -= okBytes;
        first.bytes -= okBytes;
      }
    }
    this.o.logger.error({ err: f.error, errno: errnoOf(f.error), offset: first?.entries[0]?.phy }, 'commit log write failed');
    for (const b of batches) {
      if (b.written <= 0) continue;
      try {
        await this.files.writeFully(b.seg, b.pos, Buffer.alloc(b.written));
      } catch (e) {
        this.o.logger.error({ err: e }, 'cannot zero the bytes of a failed commit log write');
      }
    }
    const failed = [...batches.flatMap((b) => b.entries), ...this.pending.slice(this.pendingHead)];
    this.pending = [];
    this.pendingHead = 0;
    this.pendingBytes = 0;
    this.appendOffset = this.writtenOffset;
    this.tail.truncateFrom(this.writtenOffset);
    this.failure = undefined;
    this.hooks?.onWriteFailed(failed, f.error);
    for (const e of failed) e.waiter?.resolve(f.status);
    this.pump();
  }

  /** Drops consumed entries from the front of the queue (the writer may run for a long time under load). */
  private compactPending(): void {
    if (this.pendingHead === 0) return;
    if (this.pendingHead >= this.pending.length) {
      this.pending = [];
      this.pendingHead = 0;
    } else if (this.pendingHead >= 1024 && this.pendingHead * 2 >= this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  }

  private completeWritten(batch: readonly AppendEntry[], bufs: readonly Buffer[]): void {
    const last = batch[batch.length - 1]!;
    this.writtenOffset = last.end;
    for (let i = batch.length - 1; i >= 0; i--) {
      const r = batch[i]!.request;
      if (r !== undefined) {
        this.writtenStoreTimestamp = r.storeTimestamp;
        break;
      }
    }
    this.tail.add(batch[0]!.phy, bufs);
    this.hooks?.onWritten(batch);
    let needFlush = this.o.syncFlush;
    for (const e of batch) {
      const w = e.waiter;
      if (w === undefined) continue;
      if (w.sync) {
        this.syncWaiters.push(w);
        needFlush = true;
      } else {
        w.resolve(PutMessageStatus.PUT_OK);
      }
    }
    if (needFlush) {
      this.armTimeouts();
      this.startFlush();
    }
  }

  // ---------------------------------------------------------------- flush

  /** Starts a flush round unless one is running (then it runs again when done: group commit). */
  startFlush(): void {
    if (this.flushRunning) {
      this.flushAgain = true;
      return;
    }
    this.flushRunning = true;
    void this.flushRounds();
  }

  /** Resolves once everything written before the call is durable (or a flush failed). */
  flushWritten(): Promise<void> {
    const target = this.writtenOffset;
    if (this.flushedOffset >= target || this.failed) return Promise.resolve();
    return new Promise((resolve) => {
      this.flushWaiters.push({ target, resolve });
      this.startFlush();
    });
  }

  /**
   * ASYNC_FLUSH periodic flush (Java: FlushRealTimeService): fsync when at least `leastPages` 4 KiB pages are
   * dirty (0: anything dirty), or when the previous file is full.
   */
  flushIfDirty(leastPages: number): void {
    const target = this.writtenOffset;
    if (target <= this.flushedOffset) return;
    const fileSize = this.o.fileSize;
    const crossed = Math.floor(target / fileSize) !== Math.floor(this.flushedOffset / fileSize);
    const pages = Math.floor(target / OS_PAGE_SIZE) - Math.floor(this.flushedOffset / OS_PAGE_SIZE);
    if (leastPages > 0 && pages < leastPages && !crossed) return;
    this.startFlush();
  }

  private async flushRounds(): Promise<void> {
    try {
      for (;;) {
        this.flushAgain = false;
        const target = this.writtenOffset;
        const ts = this.writtenStoreTimestamp;
        if (target > this.flushedOffset && !this.failed) {
          try {
            for (const seg of this.files.segments) {
              if (seg.from + this.o.fileSize <= this.flushedOffset || seg.from >= target) continue;
              await this.files.sync(seg);
            }
          } catch (e) {
            this.failFlush(e);
            return;
          }
          this.stats.fsyncs++;
          this.flushedOffset = Math.max(this.flushedOffset, target);
          this.flushedStoreTimestamp = ts;
          this.hooks?.onFlushed(this.flushedOffset, ts);
          this.releaseFlushed();
        }
        const more = this.flushAgain || (this.syncWaitersHead < this.syncWaiters.length && this.writtenOffset > this.flushedOffset);
        if (!more || this.failed) break;
      }
    } finally {
      this.flushRunning = false;
    }
  }

  private releaseFlushed(): void {
    const flushed = this.flushedOffset;
    while (this.syncWaitersHead < this.syncWaiters.length && this.syncWaiters[this.syncWaitersHead]!.end <= flushed) {
      const w = this.syncWaiters[this.syncWaitersHead++]!;
      this.stats.flushedPuts++;
      w.resolve(PutMessageStatus.PUT_OK);
    }
    this.compactSyncWaiters();
    if (this.flushWaiters.length > 0) {
      const keep: { target: number; resolve: () => void }[] = [];
      for (const fw of this.flushWaiters) (fw.target <= flushed ? fw.resolve() : keep.push(fw));
      this.flushWaiters = keep;
    }
  }

  private failFlush(error: unknown): void {
    this.failed = true;
    this.o.logger.error({ err: error }, 'commit log fsync failed; the store stops accepting writes');
    this.hooks?.onFlushFailed(error);
    while (this.syncWaitersHead < this.syncWaiters.length) this.syncWaiters[this.syncWaitersHead++]!.resolve(PutMessageStatus.FLUSH_DISK_TIMEOUT);
    this.compactSyncWaiters();
    for (const fw of this.flushWaiters) fw.resolve();
    this.flushWaiters = [];
  }

  private compactSyncWaiters(): void {
    if (this.syncWaitersHead >= this.syncWaiters.length) {
      this.syncWaiters = [];
      this.syncWaitersHead = 0;
    } else if (this.syncWaitersHead > 4096) {
      this.syncWaiters = this.syncWaiters.slice(this.syncWaitersHead);
      this.syncWaitersHead = 0;
    }
  }

  /** One timer checks the oldest waiter's deadline (Java: FlushDiskWatcher). */
  private armTimeouts(): void {
    if (this.timeoutTimer !== undefined || this.syncWaitersHead >= this.syncWaiters.length) return;
    const delay = Math.max(1, this.syncWaiters[this.syncWaitersHead]!.deadline - this.o.now());
    this.timeoutTimer = setTimeout(() => {
      this.timeoutTimer = undefined;
      const now = this.o.now();
      while (this.syncWaitersHead < this.syncWaiters.length && this.syncWaiters[this.syncWaitersHead]!.deadline <= now) {
        this.syncWaiters[this.syncWaitersHead++]!.resolve(PutMessageStatus.FLUSH_DISK_TIMEOUT);
      }
      this.compactSyncWaiters();
      this.armTimeouts();
    }, delay);
    this.timeoutTimer.unref();
  }

  get syncWaiting(): number {
    return this.syncWaiters.length - this.syncWaitersHead;
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
    const out: (Buffer | undefined)[] = new Array(items.length).fill(undefined);
    const fileSize = this.o.fileSize;
    const min = this.minOffset;
    let i = 0;
    while (i < items.length) {
      const it = items[i]!;
      if (it.size <= 0 || it.phy < min || it.phy + it.size > this.writtenOffset) {
        i++;
        continue;
      }
      const hit = this.tail.get(it.phy, it.size);
      if (hit !== undefined) {
        out[i] = looksLikeRecordAt(hit, 0, it.size, it.phy) ? hit : undefined;
        i++;
        continue;
      }
      // A run of disk reads in the same file.
      const fileFrom = it.phy - (it.phy % fileSize);
      let j = i + 1;
      let useful = it.size;
      let spanEnd = it.phy + it.size;
      while (j < items.length) {
        const nx = items[j]!;
        if (nx.phy < spanEnd || nx.phy + nx.size > fileFrom + fileSize || nx.phy + nx.size > this.writtenOffset) break;
        if (this.tail.get(nx.phy, nx.size) !== undefined) break;
        const newEnd = nx.phy + nx.size;
        if (newEnd - it.phy > this.o.readCoalesceBytesMax || newEnd - it.phy > 2 * (useful + nx.size) + 65536) break;
        useful += nx.size;
        spanEnd = newEnd;
        j++;
      }
      const span = await this.files.read(it.phy, spanEnd - it.phy);
      for (let k = i; k < j; k++) {
        const x = items[k]!;
        const at = x.phy - it.phy;
        if (span !== undefined && at + x.size <= span.length && looksLikeRecordAt(span, at, x.size, x.phy)) {
          out[k] = span.subarray(at, at + x.size);
        }
      }
      i = j;
    }
    return out;
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
   * Scans the log from the start of files[startIndex] (Java: recoverNormally/recoverAbnormally): every valid record
   * is handed to `visit`, blank records move to the next file, and the scan stops at the first invalid record.
   * Returns the offset where the valid log ends.
   */
  async scan(startIndex: number, checkCrc: boolean, delays: DelayLevelTable, visit: (r: DispatchRequest) => void): Promise<number> {
    const fileSize = this.o.fileSize;
    const segs = this.files.segments;
    let index = startIndex;
    let seg = segs[index]!;
    let pos = 0;
    let buf: Buffer = Buffer.alloc(0);
    let bufPos = 0; // file position of buf[0]
    const readAt = async (p: number, min: number): Promise<void> => {
      const want = Math.min(fileSize - p, Math.max(RECOVERY_READ_BYTES, min));
      buf = (await this.files.read(seg.from + p, want)) ?? Buffer.alloc(0);
      bufPos = p;
    };
    await readAt(0, 0);
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
    this.appendOffset = end;
    this.writtenOffset = end;
    this.flushedOffset = end;
    this.tail.truncateFrom(end);
  }

  /** Starts an empty log at `offset` (no files yet). */
  resetTo(offset: number): void {
    this.appendOffset = offset;
    this.writtenOffset = offset;
    this.flushedOffset = offset;
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
      const st = await this.o.io.stat(seg.file);
      const mtime = st?.mtimeMs ?? 0;
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
    if (this.timeoutTimer !== undefined) clearTimeout(this.timeoutTimer);
    this.timeoutTimer = undefined;
    await this.files.closeAll();
  }

  /** Stops timers without touching the disk (an abrupt stop, for tests). */
  halt(): void {
    if (this.timeoutTimer !== undefined) clearTimeout(this.timeoutTimer);
    this.timeoutTimer = undefined;
    this.failed = true;
  }
}
