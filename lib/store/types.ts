import type { Logger } from '../common';
import type { StoreIO } from './io';
import type { GetMessageStatus, PutMessageStatus } from './status';

/** What MessageStore.open needs besides the config. */
export interface MessageStoreDeps {
  /** File I/O (default: NodeStoreIO on node:fs). */
  io?: StoreIO;
  logger?: Logger;
  /** Wall clock in ms (store timestamps, retention, index file names). Default Date.now. */
  clock?: { now(): number };
  /**
   * RAM size used for Java's "is this data in memory" estimate that picks the per-pull transfer limits
   * (accessMessageInMemoryMaxRatio). Default os.totalmem().
   */
  totalMemoryBytes?: number;
}

export interface PutOptions {
  /**
   * Java's WAIT property (MessageExt#isWaitStoreMsgOK): with SYNC_FLUSH, false acknowledges after the write
   * instead of after fsync. Default true.
   */
  waitStoreMsgOK?: boolean;
}

/** Java: PutMessageResult + AppendMessageResult, flattened. Offsets are -1 when nothing was appended. */
export interface PutMessageResult {
  status: PutMessageStatus;
  /** Commit log offset of the (first) record (Java: wroteOffset). */
  wroteOffset: number;
  /** Bytes appended, all records (Java: wroteBytes). */
  wroteBytes: number;
  storeTimestamp: number;
  /** Queue offset of the (first) record (Java: logicsOffset); 0 for PREPARED/ROLLBACK records. */
  queueOffset: number;
  msgNum: number;
  /** Per record, in order. */
  physicalOffsets: number[];
  queueOffsets: number[];
  /** Why the put was refused, for a response remark (MESSAGE_ILLEGAL, SERVICE_NOT_AVAILABLE, ...). */
  remark?: string;
}

/** Java: MessageFilter. The broker builds it from the subscription (tag hash codes, or an expression). */
export interface MessageFilter {
  isMatchedByConsumeQueue(tagsCode: number): boolean;
  /** true when isMatchedByConsumeQueue answers true for every unit: the walk then skips reading tagsCode. */
  readonly acceptsAllByConsumeQueue?: boolean;
  /** Optional second stage on the stored record (SQL92 filters); not called when absent. */
  isMatchedByCommitLog?(record: Buffer): boolean;
  /**
   * The same verdict on the record at `pos` of a shared buffer (no view made for the records it refuses); when
   * present the store calls it instead of isMatchedByCommitLog.
   */
  isMatchedByCommitLogAt?(buf: Buffer, pos: number): boolean;
}

/** Java: GetMessageResult. */
export interface GetMessageResult {
  status: GetMessageStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  /** Stored records, ready to be concatenated into a pull body. */
  messages: Buffer[];
  messageQueueOffsets: number[];
  bufferTotalSize: number;
  messageCount: number;
  filterMessageCount: number;
  suggestPullingFromSlave: boolean;
}

/** Java: QueryMessageResult. */
export interface QueryMessageResult {
  messages: Buffer[];
  bufferTotalSize: number;
  indexLastUpdateTimestamp: number;
  indexLastUpdatePhyoffset: number;
}

/** Passed to the arrival listener for every dispatched (queued) message: long polling wakes up on it. */
export interface MessageArrival {
  topic: string;
  queueId: number;
  /** The queue's new max offset (the message's queue offset + 1). */
  logicOffset: number;
  tagsCode: number;
  storeTimestamp: number;
  /**
   * The stored record when it is still in memory, else undefined (Java passes the dispatched message's properties
   * to NotifyMessageArrivingListener so that held SQL92 pulls are matched before they wake).
   */
  record(): Buffer | undefined;
}

export type MessageArrivingListener = (arrival: MessageArrival) => void;

/** Counters and gauges for the broker's runtime info and metrics (Java: StoreStatsService, getRuntimeInfo). */
export interface StoreRuntimeStats {
  commitLogMinOffset: number;
  commitLogMaxOffset: number;
  /** Bytes written to the commit log but not yet in the consume queues (Java: dispatchBehindBytes). */
  dispatchBehindBytes: number;
  /** Bytes written but not fsynced. */
  flushBehindBytes: number;
  /** Bytes accepted but not yet written. */
  writePendingBytes: number;
  putMessageTimesTotal: number;
  putMessageSizeTotal: number;
  putMessageFailedTimes: number;
  getMessageTimesTotalFound: number;
  getMessageTimesTotalMiss: number;
  getMessageTransferredMsgCount: number;
  commitLogWrites: number;
  /** Of commitLogWrites, those done on the event loop's thread (commitLogWriteInlineBytesMax). */
  commitLogInlineWrites: number;
  commitLogFsyncs: number;
  /** SYNC_FLUSH puts acknowledged after an fsync. */
  syncFlushedPuts: number;
  tailCacheBytes: number;
  /** Disk usage 0..1 of the commit log and consume queue partitions (-1 before the first check). */
  commitLogDiskRatio: number;
  consumeQueueDiskRatio: number;
  diskFull: boolean;
  writable: boolean;
}
