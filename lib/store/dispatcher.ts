import type { Logger } from '../common';
import type { AppendEntry } from './commit-log-state';
import type { StoreConfig } from './config';
import type { IndexService } from './index-service';
import type { ConsumeQueueTable } from './queue-table';
import { isNotQueued, type DispatchRequest } from './record';
import type { MessageArrival, MessageArrivingListener } from './types';

/**
 * Dispatch: making written records visible (Java: ReputMessageService, CommitLogDispatcherBuildConsumeQueue,
 * CommitLogDispatcherBuildIndex, DefaultMessageStore#notifyMessageArriveIfNecessary).
 *
 * Contract. Owns: dispatchedOffset (everything before it is in the consume queues and the index), the records
 *   written but waiting for fsync (SYNC_FLUSH: Java serves only flushed data, getConfirmOffset) and the arrival
 *   listeners. May call: the consume queue table, the index service, the listeners, the logger. Never does I/O:
 *   dispatch is synchronous and in memory.
 * Invariants: records are dispatched in commit log order (recovery replays some of them again; the
 *   consume queue ignores a repeated unit); dispatchedOffset only grows while the store runs; a listener that
 *   throws is logged and does not stop the others; listeners are not called during recovery.
 */

export interface DispatcherOptions {
  config: StoreConfig;
  queues: ConsumeQueueTable;
  index: IndexService;
  logger: Logger;
  /** The stored record at (offset, size) when it is in memory (the commit log's tail cache), for arrival listeners. */
  recordInMemory?: (physicalOffset: number, size: number) => Buffer | undefined;
}

export class Dispatcher {
  /** Everything before this commit log offset is in the consume queues and the index (Java: reputFromOffset). */
  dispatchedOffset = 0;
  lastDispatchedTimestamp = 0;
  /** Written but waiting for fsync before dispatch (SYNC_FLUSH; Java reads up to the flushed offset). */
  private unflushed: AppendEntry[] = [];
  private listeners: MessageArrivingListener[] = [];
  private readonly o: DispatcherOptions;

  constructor(o: DispatcherOptions) {
    this.o = o;
  }

  /** Registers a listener called for every dispatched message (long polling). */
  addListener(listener: MessageArrivingListener): void {
    this.listeners.push(listener);
  }

  /** Entries just written: dispatched now (ASYNC_FLUSH) or after the fsync that covers them (SYNC_FLUSH). */
  onWritten(entries: readonly AppendEntry[]): void {
    if (this.o.config.flushDiskType === 'SYNC_FLUSH') {
      for (const e of entries) this.unflushed.push(e);
      return;
    }
    for (const e of entries) this.dispatchEntry(e);
  }

  /** The commit log is durable up to `offset`: dispatches the written entries it covers. */
  onFlushed(offset: number): void {
    if (this.unflushed.length === 0) return;
    let i = 0;
    while (i < this.unflushed.length && this.unflushed[i]!.end <= offset) this.dispatchEntry(this.unflushed[i++]!);
    this.unflushed = i === this.unflushed.length ? [] : this.unflushed.slice(i);
  }

  private dispatchEntry(e: AppendEntry): void {
    if (e.request !== undefined) this.dispatch(e.request, false);
    this.dispatchedOffset = e.end;
  }

  /** Java: DefaultMessageStore#doDispatch (consume queue + index) and #notifyMessageArriveIfNecessary. */
  dispatch(req: DispatchRequest, recovering: boolean): void {
    const queued = !isNotQueued(req.sysFlag);
    if (queued) this.o.queues.findOrCreate(req.topic, req.queueId).put(req.physicalOffset, req.size, req.tagsCode, req.queueOffset);
    if (this.o.config.messageIndexEnable) this.o.index.buildIndex(req);
    this.lastDispatchedTimestamp = req.storeTimestamp;
    if (queued && !recovering && this.listeners.length > 0) {
      const inMemory = this.o.recordInMemory;
      const arrival: MessageArrival = {
        topic: req.topic,
        queueId: req.queueId,
        logicOffset: req.queueOffset + 1,
        tagsCode: req.tagsCode,
        storeTimestamp: req.storeTimestamp,
        record: inMemory === undefined ? () => undefined : () => inMemory(req.physicalOffset, req.size),
      };
      for (const l of this.listeners) {
        try {
          l(arrival);
        } catch (err) {
          this.o.logger.error({ err }, 'message arriving listener failed');
        }
      }
    }
  }
}
