import { PutMessageStatus } from './status';
import type { SegmentQueue } from './mapped-file';
import type { CommitLogOptions, CommitLogState, PutWaiter } from './commit-log-state';

/**
 * Making the commit log durable (Java: GroupCommitService for SYNC_FLUSH, FlushRealTimeService's fsync for
 * ASYNC_FLUSH, FlushDiskWatcher for the timeouts).
 *
 * Contract. Owns: the puts waiting for fsync (in offset order), the waiters of flushWritten(), the flush rounds and
 *   the one timeout timer. May call: ./mapped-file (fsync of the files), the shared CommitLogState (reads
 *   writtenOffset, advances flushedOffset), hooks.onFlushed / onFlushFailed. Never writes bytes.
 * Invariants: at most one flush round runs at a time; a put asked for during a round is covered by the next one
 *   (group commit); flushedOffset only grows while the log runs; every sync waiter is resolved exactly once (PUT_OK once durable,
 *   FLUSH_DISK_TIMEOUT at its deadline or when an fsync fails); after an fsync failure (or a halt) nothing is flushed again.
 */

const OS_PAGE_SIZE = 4096;

export class GroupCommit {
  /**
   * Puts waiting for fsync, oldest first from syncWaitersHead; a released slot is cleared at once (takeWaiter): a
   * waiter holds its put's continuation (request, message, record), and under steady load the queue rarely drains
   * to empty, so slots kept until compaction held up to 4,096 finished puts, and V8 promoted them all
   * (SYNC_FLUSH, 64 lib/client senders: ~1.5 KB promoted per message, a mark-compact every 400 ms).
   */
  private syncWaiters: (PutWaiter | undefined)[] = [];
  private syncWaitersHead = 0;
  private flushRunning = false;
  private flushAgain = false;
  private flushWaiters: { target: number; resolve: () => void }[] = [];
  private timeoutTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly s: CommitLogState,
    private readonly files: SegmentQueue,
    private readonly o: CommitLogOptions,
  ) {}

  /** A written put that acknowledges once durable (call armTimeouts() and startFlush() after a batch). */
  addSyncWaiter(w: PutWaiter): void {
    this.syncWaiters.push(w);
  }

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
    const target = this.s.writtenOffset;
    if (this.s.flushedOffset >= target || this.s.failed) return Promise.resolve();
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
    const target = this.s.writtenOffset;
    if (target <= this.s.flushedOffset) return;
    const fileSize = this.o.fileSize;
    const crossed = Math.floor(target / fileSize) !== Math.floor(this.s.flushedOffset / fileSize);
    const pages = Math.floor(target / OS_PAGE_SIZE) - Math.floor(this.s.flushedOffset / OS_PAGE_SIZE);
    if (leastPages > 0 && pages < leastPages && !crossed) return;
    this.startFlush();
  }

  private async flushRounds(): Promise<void> {
    try {
      for (;;) {
        this.flushAgain = false;
        const target = this.s.writtenOffset;
        const ts = this.s.writtenStoreTimestamp;
        if (target > this.s.flushedOffset && !this.s.failed) {
          try {
            for (const seg of this.files.segments) {
              if (seg.from + this.o.fileSize <= this.s.flushedOffset || seg.from >= target) continue;
              await this.files.sync(seg);
            }
          } catch (e) {
            this.failFlush(e);
            return;
          }
          this.s.stats.fsyncs++;
          this.s.flushedOffset = Math.max(this.s.flushedOffset, target);
          this.s.flushedStoreTimestamp = ts;
          this.s.hooks?.onFlushed(this.s.flushedOffset, ts);
          this.releaseFlushed();
        }
        const more = this.flushAgain || (this.syncWaitersHead < this.syncWaiters.length && this.s.writtenOffset > this.s.flushedOffset);
        if (!more || this.s.failed) break;
      }
    } finally {
      this.flushRunning = false;
    }
  }

  private releaseFlushed(): void {
    const flushed = this.s.flushedOffset;
    while (this.syncWaitersHead < this.syncWaiters.length && this.syncWaiters[this.syncWaitersHead]!.end <= flushed) {
      const w = this.takeWaiter();
      this.s.stats.flushedPuts++;
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
    this.s.failed = true;
    this.o.logger.error({ err: error }, 'commit log fsync failed; the store stops accepting writes');
    this.s.hooks?.onFlushFailed(error);
    while (this.syncWaitersHead < this.syncWaiters.length) this.takeWaiter().resolve(PutMessageStatus.FLUSH_DISK_TIMEOUT);
    this.compactSyncWaiters();
    for (const fw of this.flushWaiters) fw.resolve();
    this.flushWaiters = [];
  }

  /** The oldest waiter, its slot cleared (call only while syncWaitersHead < syncWaiters.length). */
  private takeWaiter(): PutWaiter {
    const w = this.syncWaiters[this.syncWaitersHead]!;
    this.syncWaiters[this.syncWaitersHead++] = undefined;
    return w;
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
  armTimeouts(): void {
    if (this.timeoutTimer !== undefined || this.syncWaitersHead >= this.syncWaiters.length) return;
    const delay = Math.max(1, this.syncWaiters[this.syncWaitersHead]!.deadline - this.o.now());
    this.timeoutTimer = setTimeout(() => {
      this.timeoutTimer = undefined;
      const now = this.o.now();
      while (this.syncWaitersHead < this.syncWaiters.length && this.syncWaiters[this.syncWaitersHead]!.deadline <= now) {
        this.takeWaiter().resolve(PutMessageStatus.FLUSH_DISK_TIMEOUT);
      }
      this.compactSyncWaiters();
      this.armTimeouts();
    }, delay);
    this.timeoutTimer.unref();
  }

  get syncWaiting(): number {
    return this.syncWaiters.length - this.syncWaitersHead;
  }

  /** Stops the timeout timer (close, halt). */
  stopTimer(): void {
    if (this.timeoutTimer !== undefined) clearTimeout(this.timeoutTimer);
    this.timeoutTimer = undefined;
  }
}
