import { BLANK_RECORD_SIZE, encodeBlankRecord } from '../../protocol/message';
import type { GroupCommit } from './commit-log-flush';
import type { AppendEntry, CommitLogOptions, CommitLogState } from './commit-log-state';
import { errnoOf } from './io';
import type { Segment, SegmentQueue } from './mapped-file';
import { advance, iovecs, unwritten, type WriteBatch } from './write-batch';
import { PutMessageStatus } from './status';
import type { TailCache } from './tail-cache';

/**
 * The commit log's writer: one writer, writes in offset order (Java: CommitLog#asyncPutMessage's append, done
 * with positional writev(2) instead of mmap).
 *
 * Contract. Owns: the queue of entries to write, the writes in flight (at most WRITES_IN_FLIGHT_MAX) and the
 *   handling of a failed write. May call: ./mapped-file (create files, write, zero failed bytes), the tail cache,
 *   the flusher (sync waiters, startFlush), hooks.onWritten / onWriteFailed, the shared CommitLogState (advances
 *   appendOffset and writtenOffset).
 * Invariants: entries are queued in offset order and their effects (writtenOffset, tail cache, onWritten,
 *   acknowledgements) are applied strictly in that order; a batch stays in one file and never ends inside a put
 *   (a put is acknowledged once, after its last entry); after a failed write every later entry fails,
 *   appendOffset returns to writtenOffset and the bytes written for failed puts are zeroed.
 *
 *  1. reserve() runs synchronously inside the put: it reserves the physical offset (writing Java's blank
 *     end-of-file record when the record + 8 bytes do not fit in the current file); queue() queues the bytes.
 *  2. The writer, scheduled once per event-loop turn (setImmediate), takes everything queued for one file (up to
 *     commitLogWriteBatchBytesMax, never splitting a put) and writes it with ONE writev(2) of the record buffers
 *     themselves (no copy). While a write is in flight, new appends queue up; a second write starts once 64 KiB
 *     are queued (WRITES_IN_FLIGHT_MAX = 2); writes are applied strictly in offset order. A write of at most
 *     writeInlineBytesMax with no other in flight is done on the event loop's thread (StoreIO.writeNow), so its
 *     puts are acknowledged in the same turn instead of after a thread-pool round trip.
 *  3. After a write: the bytes join the tail cache, `onWritten` runs (the store dispatches ASYNC_FLUSH records
 *     and acknowledges them), SYNC_FLUSH puts join the flusher's queue.
 */

/** Writes of the commit log in flight at once (positional, completed in offset order). */
const WRITES_IN_FLIGHT_MAX = 2;
/** A second write starts while one is in flight only when this much is queued (batches stay large). */
const PIPELINE_MIN_BYTES = 64 * 1024;

export class CommitLogWriter {
  /** Entries to write from pendingHead on; a slot is cleared when its entry is taken (it holds the record). */
  private pending: (AppendEntry | undefined)[] = [];
  private pendingHead = 0;
  private inflight: WriteBatch[] = [];
  private inflightBytes = 0;
  private creating = false;
  /** When the file creation in progress (`creating`) started. */
  private creatingSince = 0;
  private pumpScheduled = false;
  private failure: { error: unknown; status: PutMessageStatus; at: WriteBatch | undefined } | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly s: CommitLogState,
    private readonly files: SegmentQueue,
    private readonly tail: TailCache,
    private readonly flusher: GroupCommit,
    private readonly o: CommitLogOptions,
  ) {}

  /**
   * Reserves space for `size` bytes (one record or a whole batch, which never spans files). Returns the physical
   * offset; queues a blank record first when the current file has no room (Java: doAppend, END_OF_FILE).
   */
  reserve(size: number): number {
    const fileSize = this.o.fileSize;
    const pos = this.s.appendOffset % fileSize;
    if (pos + size + BLANK_RECORD_SIZE > fileSize) {
      const remaining = fileSize - pos;
      const phy = this.s.appendOffset;
      const end = phy + remaining;
      this.queue({ phy, buf: encodeBlankRecord(remaining), end, request: undefined, waiter: undefined });
      this.s.appendOffset = end;
    }
    const phy = this.s.appendOffset;
    this.s.appendOffset += size;
    return phy;
  }

  /** Queues a record at the offset reserve() returned. */
  queue(entry: AppendEntry): void {
    this.pending.push(entry);
    this.s.pendingBytes += entry.buf.length;
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
    while (!this.s.failed && !this.creating && this.failure === undefined && this.pendingHead < this.pending.length && this.inflight.length < WRITES_IN_FLIGHT_MAX) {
      if (this.inflight.length > 0 && this.s.pendingBytes - this.inflightBytes < PIPELINE_MIN_BYTES) break;
      const first = this.pending[this.pendingHead]!;
      const fileFrom = first.phy - (first.phy % this.o.fileSize);
      const seg = this.files.find(fileFrom);
      if (seg === undefined) {
        this.createSegment(fileFrom);
        break;
      }
      const b = this.startBatch(seg, fileFrom);
      if (b.done && !this.applyCompleted()) break;
    }
    this.compactPending();
    if (this.idle) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const r of w) r();
    }
  }

  /**
   * How long the oldest unfinished write (or the commit-log file creation it waits for) has been going, in ms; 0
   * when none is. Java's counterpart is the time the current put has held the put lock (CommitLog
   * #getBeginTimeInLock, read by DefaultMessageStore#isOSPageCacheBusy): a put copies into the mapped file under
   * that lock, so a stalled disk shows there; here it shows as a write that does not return.
   */
  busyMs(): number {
    let since = Number.POSITIVE_INFINITY;
    for (const b of this.inflight) {
      if (!b.done) {
        since = b.startedAt;
        break;
      }
    }
    if (this.creating) since = Math.min(since, this.creatingSince);
    return since === Number.POSITIVE_INFINITY ? 0 : Math.max(0, this.o.now() - since);
  }

  private createSegment(fileFrom: number): void {
    this.creating = true;
    this.creatingSince = this.o.now();
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

  /**
   * Takes the next batch off the queue (one file, up to writeBatchBytesMax, never splitting a put) and writes it:
   * on this thread when it is small and alone (done when this returns), otherwise in the thread pool.
   */
  private startBatch(seg: Segment, fileFrom: number): WriteBatch {
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
    const entries = this.pending.slice(this.pendingHead, end) as AppendEntry[];
    this.pending.fill(undefined, this.pendingHead, end);
    this.pendingHead = end;
    const bufs = entries.map((e) => e.buf);
    const batch: WriteBatch = { seg, entries, bufs, iov: iovecs(bufs), bytes, pos: entries[0]!.phy - fileFrom, written: 0, done: false, error: undefined, startedAt: this.o.now() };
    this.inflight.push(batch);
    this.inflightBytes += bytes;
    if (this.inflight.length === 1 && bytes <= this.o.writeInlineBytesMax && this.writeInline(batch)) return batch;
    void this.writeBatch(batch);
    return batch;
  }

  /**
   * Writes the batch on the calling thread (Java copies a put into its mmap on the sending thread; a small
   * page-cache write costs less than the thread-pool round trip the put would wait for). False when the IO
   * cannot write now (no synchronous write, the file not open yet): the batch then goes on in writeBatch() from
   * where this stopped.
   */
  private writeInline(b: WriteBatch): boolean {
    const io = this.o.io;
    const h = b.seg.handleNow;
    if (io.writeNow === undefined || h === undefined) return false;
    try {
      while (b.written < b.bytes) {
        const n = io.writeNow(h, unwritten(b), b.pos + b.written);
        if (n === undefined) return false;
        advance(b, n);
      }
      this.s.stats.inlineWrites++;
    } catch (e) {
      b.error = e;
    }
    b.done = true;
    return true;
  }

  private async writeBatch(b: WriteBatch): Promise<void> {
    try {
      const ok = await b.seg.use(this.o.io, async (h) => {
        // One writev(2) of the records as they are (no copy); a short write continues where it stopped.
        while (b.written < b.bytes) {
          advance(b, await this.o.io.write(h, unwritten(b), b.pos + b.written));
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

  private drainCompleted(): void {
    if (this.applyCompleted()) this.pump();
  }

  /**
   * Applies finished writes in offset order. False after a failure: it is rolled back (handleFailure) once no write
   * is in flight any more.
   */
  private applyCompleted(): boolean {
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
      this.s.pendingBytes -= b.bytes;
      this.s.stats.writes++;
      this.s.stats.bytesWritten += b.bytes;
      this.completeWritten(b.entries, b.bufs);
    }
    if (this.failure !== undefined) {
      if (!this.inflight.some((x) => !x.done) && !this.creating) void this.handleFailure();
      return false;
    }
    return true;
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
        this.s.pendingBytes -= okBytes;
        this.s.stats.writes++;
        this.s.stats.bytesWritten += okBytes;
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
    const failed = [...batches.flatMap((b) => b.entries), ...(this.pending.slice(this.pendingHead) as AppendEntry[])];
    this.pending = [];
    this.pendingHead = 0;
    this.s.pendingBytes = 0;
    this.s.appendOffset = this.s.writtenOffset;
    this.tail.truncateFrom(this.s.writtenOffset);
    this.failure = undefined;
    this.s.hooks?.onWriteFailed(failed, f.error);
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
    this.s.writtenOffset = last.end;
    for (let i = batch.length - 1; i >= 0; i--) {
      const r = batch[i]!.request;
      if (r !== undefined) {
        this.s.writtenStoreTimestamp = r.storeTimestamp;
        break;
      }
    }
    this.tail.add(batch[0]!.phy, bufs);
    this.s.hooks?.onWritten(batch);
    let needFlush = this.o.syncFlush;
    for (const e of batch) {
      const w = e.waiter;
      if (w === undefined) continue;
      if (w.sync) {
        this.flusher.addSyncWaiter(w);
        needFlush = true;
      } else {
        w.resolve(PutMessageStatus.PUT_OK);
      }
    }
    if (needFlush) {
      this.flusher.armTimeouts();
      this.flusher.startFlush();
    }
  }
}
