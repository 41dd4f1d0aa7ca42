import { releaseMemoryAtRest, trimHeapSlack, type Logger } from '../common';
import type { StoreCheckpoint } from './checkpoint';
import type { CommitLog } from './commit-log';
import type { StoreConfig } from './config';
import type { Dispatcher } from './dispatcher';
import type { IndexService } from './index-service';
import type { ConsumeQueueTable } from './queue-table';

/**
 * The store's background services and their serialization (Java: FlushRealTimeService's timer,
 * FlushConsumeQueueService, the cleanFilesPeriodically / CleanConsumeQueueService schedule).
 *
 * Contract. Owns: the store's timers, the maintenance chain (flushes of consume queues, index and checkpoint,
 *   retention and topic deletion run one after the other, never concurrently) and the logics flush. May call:
 *   the commit log's flushIfDirty, the consume queues' and the index's write/flush, the checkpoint, and the
 *   retention / disk check the store hands in. Never puts or reads messages.
 * Invariants: a maintenance task starts only after every earlier one settled (even if it failed); the timer
 *   skips a tick while a logics flush runs; the checkpoint's logics time and replay point only advance when every
 *   consume queue is durable up to them; every timer is unref'd and cleared by stop().
 */

export interface StoreServicesParts {
  config: StoreConfig;
  now: () => number;
  logger: Logger;
  commitLog: CommitLog;
  queues: ConsumeQueueTable;
  index: IndexService;
  checkpoint: StoreCheckpoint;
  dispatcher: Dispatcher;
  /** One run of the retention services (already serialized by the caller). */
  runRetention(): Promise<void>;
  checkDiskSpace(): Promise<void>;
}

export class StoreServices {
  private timers: NodeJS.Timeout[] = [];
  private maintenance: Promise<unknown> = Promise.resolve();
  private lastThoroughCommitLogFlush = 0;
  private lastThoroughLogicsFlush = 0;
  private logicsFlushRunning = false;
  private readonly p: StoreServicesParts;

  constructor(parts: StoreServicesParts) {
    this.p = parts;
  }

  /** Runs `fn` after every earlier maintenance task (flushes, retention, topic deletion) finished. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.maintenance.then(fn, fn);
    this.maintenance = run.catch(() => undefined);
    return run;
  }

  private every(ms: number, fn: () => void, initialMs = ms): void {
    const first = setTimeout(() => {
      fn();
      const iv = setInterval(fn, ms);
      iv.unref();
      this.timers.push(iv);
    }, initialMs);
    first.unref();
    this.timers.push(first);
  }

  start(): void {
    const c = this.p.config;
    const t0 = this.p.now();
    this.lastThoroughCommitLogFlush = t0;
    this.lastThoroughLogicsFlush = t0;
    if (c.flushDiskType !== 'SYNC_FLUSH') {
      // Java: FlushRealTimeService.
      this.every(c.flushIntervalCommitLog, () => {
        let least = c.flushCommitLogLeastPages;
        if (this.p.now() >= this.lastThoroughCommitLogFlush + c.flushCommitLogThoroughInterval) {
          this.lastThoroughCommitLogFlush = this.p.now();
          least = 0;
        }
        this.p.commitLog.flushIfDirty(least);
      });
    }
    // Java: FlushConsumeQueueService (+ the 1 s checkpoint flush).
    this.every(c.flushIntervalConsumeQueue, () => {
      const tail = this.p.commitLog.tail;
      const idleMs = c.commitLogTailCacheIdleReleaseMs;
      // At rest the index file being filled also lets go of its slot table (maxHashSlotNum x 4 bytes, 20 MiB at
      // Java's default), read back in when keys come again.
      const freed = tail.releaseIfIdle(idleMs) + (tail.isIdle(idleMs) ? this.p.index.coolIdle() : 0);
      if (freed > 0) {
        // At rest nothing allocates, so nothing would collect the dropped segments: one full GC hands them back
        // (node started with --expose-gc, as the bins and npm start do; without it they go at the next GC), then
        // glibc's malloc_trim returns the heap memory it kept (lib/common/release-memory.ts).
        // Once per idle period, so at info: what resting gave back.
        releaseMemoryAtRest((r) => this.p.logger.info({ bytes: freed, idleMs, rssBeforeBytes: r.rssBeforeBytes, rssAfterBytes: r.rssAfterBytes, trimmed: r.trimmed, trimMs: r.trimMs },
          `at rest (no write for ${idleMs} ms): tail cache and index slot table released; RSS ${mib(r.rssBeforeBytes)} -> ${mib(r.rssAfterBytes)} MiB${r.trimmed ? ` (malloc_trim ${r.trimMs.toFixed(1)} ms)` : ''}`));
      }
      if (this.logicsFlushRunning) return;
      const thorough = this.p.now() >= this.lastThoroughLogicsFlush + c.flushConsumeQueueThoroughInterval;
      if (thorough) this.lastThoroughLogicsFlush = this.p.now();
      void this.flushLogics(thorough).catch((err) => this.p.logger.error({ err }, 'consume queue / index flush failed'));
    });
    if (c.heapTrimIntervalMs > 0) {
      // Under load too: the free holes glibc keeps in its heap go back to the OS once they add up (release-memory.ts).
      this.every(c.heapTrimIntervalMs, () => {
        const r = trimHeapSlack(c.heapTrimFreeBytesMin);
        if (r !== undefined) {
          this.p.logger.debug({ freeBytes: r.freeBytes, rssBeforeBytes: r.rssBeforeBytes, rssAfterBytes: r.rssAfterBytes, trimMs: r.trimMs },
            `malloc_trim: ${mib(r.freeBytes)} MiB free in the heap; RSS ${mib(r.rssBeforeBytes)} -> ${mib(r.rssAfterBytes)} MiB in ${r.trimMs.toFixed(1)} ms`);
        }
      });
    }
    // Java: cleanFilesPeriodically + CleanConsumeQueueService (first run after 60 s).
    this.every(c.cleanResourceInterval, () => {
      void this.p.runRetention().catch((err) => this.p.logger.error({ err }, 'retention failed'));
    }, Math.min(60_000, c.cleanResourceInterval * 6));
    void this.p.checkDiskSpace();
  }

  /** Clears every timer. */
  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  /**
   * Writes dispatched consume queue units and index changes; fsyncs consume queues with enough dirty pages
   * (flushConsumeQueueLeastPages), or everything when `thorough`, then records the durable times in the
   * checkpoint (Java: FlushConsumeQueueService#doFlush).
   */
  flushLogics(thorough: boolean): Promise<void> {
    return this.exclusive(async () => {
      this.logicsFlushRunning = true;
      try {
        const { config, checkpoint } = this.p;
        const ts = this.p.dispatcher.lastDispatchedTimestamp;
        const dispatched = this.p.dispatcher.dispatchedOffset;
        const queues = [...this.p.queues.all()];
        for (const cq of queues) await cq.write();
        let indexTs = 0;
        if (config.messageIndexEnable) indexTs = await this.p.index.flush(thorough);
        let allDurable = true;
        // The replay point: the commit log is durable up to its flushed offset and every consume queue up to
        // `dispatched`, except the units a queue has not fsynced yet (below flushConsumeQueueLeastPages), which
        // hold the point back to the oldest of them; a queue holding it back by more than recoveryReplayLagBytesMax
        // is fsynced now (a queue written once and then idle would otherwise pin it until the thorough flush).
        let point: number | undefined = Math.min(dispatched, this.p.commitLog.flushedOffset);
        for (const cq of queues) {
          if (await cq.flush(thorough ? 0 : config.flushConsumeQueueLeastPages)) continue;
          let oldest = cq.firstUnflushedPhy();
          if (oldest !== undefined && oldest >= 0 && dispatched - oldest > config.recoveryReplayLagBytesMax) {
            await cq.flush(0);
            oldest = cq.firstUnflushedPhy();
          }
          if (oldest === undefined) continue;
          allDurable = false;
          point = oldest < 0 || point === undefined ? undefined : Math.min(point, oldest);
        }
        if (thorough || allDurable) {
          if (ts > 0 && allDurable) checkpoint.logicsMsgTimestamp = Math.max(checkpoint.logicsMsgTimestamp, ts);
          if (indexTs > 0) checkpoint.indexMsgTimestamp = Math.max(checkpoint.indexMsgTimestamp, indexTs);
        }
        // A crash recovery may start at `point` (recovery.ts). The index's tail may still be in the page cache
        // only; recovery checks it against the log.
        await checkpoint.flush(point);
      } finally {
        this.logicsFlushRunning = false;
      }
    });
  }
}

function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(0);
}
