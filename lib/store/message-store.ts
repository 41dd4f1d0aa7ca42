import * as os from 'node:os';
import { silentLogger, type Logger } from '../common';
import { DelayLevelTable, newRecordScan, type RecordScan } from '../../protocol/message';
import { createAbortFile } from './abort-file';
import { StoreCheckpoint } from './checkpoint';
import { CommitLog, type AppendEntry } from './commit-log';
import { storePaths, type StoreConfig, type StorePaths } from './config';
import type { ConsumeQueue } from './consume-queue';
import { CqReadCache } from './cq-read-cache';
import { Dispatcher } from './dispatcher';
import { IndexService } from './index-service';
import { NodeStoreIO, type StoreIO } from './io';
import { osPageCacheBusyMs, putMessages, type PutTarget } from './put';
import { ReplicaLog, awaitReplicas, type ReplicaWait } from './replica';
import { ConsumeQueueTable } from './queue-table';
import * as reads from './reads';
import { recover, type RecoveryInfo, type RecoveryTarget } from './recovery';
import { DiskFullWatch } from './disk-watch';
import { MAX_MANUAL_DELETE_FILE_TIMES, checkDiskSpace, runRetention, type RetentionState, type RetentionTarget } from './retention';
import { StoreServices, type StoreServicesParts } from './services';
import { StoreError, type BoundaryType } from './status';
import { acquireStoreLock, type StoreLock } from './store-lock';
import { onCommitLogWriteFailed, shutdownStore, storeRuntimeStats, type StoreStateTarget } from './store-state';
import { isSystemTopic } from './system-topics';
import { LatencyStats } from './latency-stats';
import type { GetMessageResult, MessageArrivingListener, MessageFilter, MessageStoreDeps } from './types';
import type { PutMessageResult, PutOptions, QueryMessageResult, StoreRuntimeStats } from './types';

export { isSystemTopic } from './system-topics';

/**
 * The message store (Java: DefaultMessageStore): commit log + consume queues + index + checkpoint, in Java's
 * on-disk format. See README.md for the design and the API (open, putMessage, getMessage, shutdown). Knows
 * nothing of the network. Replication (lib/ha) goes through `replica` (replica.ts) and `replicaWait`.
 * Contract. Owns: the parts' wiring (commit log, consume queue table, index, checkpoint, dispatcher, services),
 *   the life cycle (open -> recovering -> running -> stopping -> stopped; the abort file) and the store-wide
 *   state (disk-full, fatal, counters). It is the public face: each operation delegates to the file that owns
 *   it (put.ts, reads.ts, recovery.ts, retention.ts, queue-table.ts, services.ts, store-state.ts). Those files
 *   never import this one: each declares the narrow interface it needs (PutTarget, ReadSource, RecoveryTarget,
 *   RetentionTarget, StoreStateTarget), which this class implements.
 * Invariants: puts are accepted only while running, not fatal and not disk-full; `fatal` is never cleared (a
 *   failed fsync or write needs a restart); maintenance tasks (logics flushes, retention, topic deletion) run one
 *   at a time; a clean shutdown removes the abort file only when everything written is flushed and dispatched.
 */
export class MessageStore implements PutTarget, reads.ReadSource, RecoveryTarget, RetentionTarget, StoreServicesParts, StoreStateTarget {
  readonly config: StoreConfig;
  readonly paths: StorePaths;
  readonly io: StoreIO;
  readonly logger: Logger;
  readonly now: () => number;
  readonly delays: DelayLevelTable;
  readonly commitLog: CommitLog;
  readonly index: IndexService;
  readonly checkpoint: StoreCheckpoint;
  readonly queues: ConsumeQueueTable;
  readonly dispatcher: Dispatcher;
  readonly memoryInMemBytes: number;
  /** lib/ha reads (master) and appends (slave) raw commit log bytes here: Java #getCommitLogData, #appendToCommitLog. */
  readonly replica: ReplicaLog;
  /** SYNC_MASTER: lib/ha's wait for slaves, set by the broker (see replica.ts awaitReplicas). */
  replicaWait: ReplicaWait | undefined;

  lastStoreTimestamp = 0;
  state: 'recovering' | 'running' | 'stopping' | 'stopped' = 'recovering';
  diskFull = false;
  /** A write or fsync failed in a way that leaves durability unknown: writes are refused until a restart. */
  fatal: string | undefined;
  commitLogDiskRatio = -1;
  commitLogAvailableBytes = -1;
  diskCheckedAt = 0;
  enospcSeen = false;
  consumeQueueDiskRatio = -1;
  /** Re-measures the disk at once on ENOSPC and on refusals, and every 500 ms while full (disk-watch.ts). */
  readonly diskWatch = new DiskFullWatch(this);
  readonly retention: RetentionState = { lastPhysicalMinOffset: 0, manualDeleteFileSeveralTimes: 0 };

  readonly counters = {
    putMessageTimesTotal: 0,
    putMessageSizeTotal: 0,
    putMessageFailedTimes: 0,
    getMessageTimesTotalFound: 0,
    getMessageTimesTotalMiss: 0,
    getMessageTransferredMsgCount: 0,
  };

  /** Set by open(): was the last exit clean, how long recovery took (start-up line). */
  recovery: RecoveryInfo = { lastExitOK: true, ms: 0 };
  readonly latency: LatencyStats; // put/get latencies for GET_BROKER_RUNTIME_INFO (Java StoreStatsService)
  private readonly services: StoreServices;
  private readonly scan: RecordScan = newRecordScan();
  /** One process per store (store-lock.ts); taken only on the real file system (no injected io). */
  private lock: StoreLock | undefined;

  private constructor(config: StoreConfig, deps: MessageStoreDeps) {
    this.config = config;
    this.paths = storePaths(config);
    this.io = deps.io ?? new NodeStoreIO();
    this.logger = (deps.logger ?? silentLogger()).child({ ns: 'store' });
    const clock = deps.clock;
    this.now = clock !== undefined ? () => clock.now() : Date.now;
    this.latency = new LatencyStats(this.now);
    this.memoryInMemBytes = Math.floor((deps.totalMemoryBytes ?? os.totalmem()) * (config.accessMessageInMemoryMaxRatio / 100));
    try {
      this.delays = new DelayLevelTable(config.messageDelayLevel);
    } catch (e) {
      throw new StoreError((e as Error).message);
    }
    this.commitLog = new CommitLog({
      io: this.io,
      dir: this.paths.commitLog,
      fileSize: config.mappedFileSizeCommitLog,
      syncFlush: config.flushDiskType === 'SYNC_FLUSH',
      syncFlushTimeoutMs: config.syncFlushTimeout,
      tailCacheBytesMax: config.commitLogTailCacheBytesMax,
      tailCacheUnreadReleaseMs: config.commitLogTailCacheUnreadReleaseMs,
      writeBatchBytesMax: config.commitLogWriteBatchBytesMax,
      writeInlineBytesMax: config.commitLogWriteInlineBytesMax,
      readCoalesceBytesMax: config.readCoalesceBytesMax,
      logger: this.logger,
      now: this.now,
    });
    this.commitLog.hooks = {
      onWritten: (entries) => this.dispatcher.onWritten(entries),
      onFlushed: (offset, ts) => {
        if (ts > 0) this.checkpoint.physicMsgTimestamp = ts;
        this.dispatcher.onFlushed(offset);
      },
      onWriteFailed: (failed, error) => this.onWriteFailed(failed, error),
      onFlushFailed: (error) => {
        this.fatal = `commit log fsync failed: ${(error as Error).message}`;
      },
    };
    this.index = new IndexService({
      io: this.io,
      dir: this.paths.index,
      hashSlotNum: config.maxHashSlotNum,
      indexNum: config.maxIndexNum,
      maxMsgsNumBatch: config.maxMsgsNumBatch,
      logger: this.logger,
      now: this.now,
    });
    this.checkpoint = new StoreCheckpoint(this.io, this.paths.checkpoint);
    this.queues = new ConsumeQueueTable({
      io: this.io,
      root: this.paths.consumeQueue,
      fileSize: config.mappedFileSizeConsumeQueue,
      tailUnitsMax: config.consumeQueueTailUnitsMax,
      ...(config.consumeQueueReadCacheBytesMax > 0 ? { readCache: new CqReadCache(config.consumeQueueReadCacheBytesMax) } : {}),
      logger: this.logger,
    });
    const tail = this.commitLog.tail;
    this.dispatcher = new Dispatcher({ config, queues: this.queues, index: this.index, logger: this.logger, recordInMemory: (phy, size) => tail.get(phy, size) });
    this.services = new StoreServices(this);
    const onStartAt = (offset: number): void => void (this.dispatcher.dispatchedOffset = offset);
    this.replica = new ReplicaLog({ commitLog: this.commitLog, delays: this.delays, logger: this.logger, recordBytesMax: config.maxMessageSize + 64 * 1024, onStartAt });
  }

  /**
   * Opens (creating if needed) the store at config.storePathRootDir, recovers it (Java: DefaultMessageStore#load
   * + #recover: clean shutdown or crash, detected by the abort file) and starts its services.
   */
  static async open(config: StoreConfig, deps: MessageStoreDeps = {}): Promise<MessageStore> {
    if (config.enableConsumeQueueExt) throw new StoreError('enableConsumeQueueExt=true is not supported');
    const store = new MessageStore(config, deps);
    await store.io.mkdirp(store.paths.root);
    store.lock = deps.io === undefined ? acquireStoreLock(store.paths.root) : undefined;
    try {
      store.recovery = await recover(store);
      await createAbortFile(store.io, store.paths);
    } catch (e) {
      store.lock?.release();
      throw e;
    }
    store.state = 'running';
    store.services.start();
    return store;
  }

  // ================================================================ put (put.ts)

  /** Appends one record (Java: DefaultMessageStore#asyncPutMessage). */
  putMessage(record: Buffer, options: PutOptions = {}): Promise<PutMessageResult> {
    return this.putMessages([record], options);
  }

  /**
   * Appends records contiguously, in one commit log file (Java: #asyncPutMessages for a batch). Each record must
   * be a complete stored record (protocol/message encodeStoredMessage) whose QUEUEOFFSET, PHYSICALOFFSET and
   * STORETIMESTAMP are placeholders: the store assigns them, patches them in place and appends the buffers as
   * they are (do not reuse them). All records share one store timestamp. PREPARED/ROLLBACK records get queue
   * offset 0 and no consume queue entry.
   */
  putMessages(records: readonly Buffer[], options: PutOptions = {}): Promise<PutMessageResult> {
    const p = putMessages(this, this.scan, records, options);
    if (this.replicaWait === undefined || this.config.brokerRole !== 'SYNC_MASTER') return p;
    return p.then(async (r) => ({ ...r, status: await awaitReplicas(this.config, this.replicaWait, options.waitStoreMsgOK !== false, r) }));
  }

  /**
   * Java's DefaultMessageStore#isOSPageCacheBusy: a commit log write has been going for more than
   * osPageCacheBusyTimeOutMills (a stalled disk). Puts are refused meanwhile (OS_PAGE_CACHE_BUSY) and the broker
   * answers sends SYSTEM_BUSY before processing them, so producers turn to other brokers instead of timing out.
   */
  isOSPageCacheBusy(): boolean {
    return osPageCacheBusyMs(this.commitLog.writeBusyMs(), this.config.osPageCacheBusyTimeOutMills) > 0;
  }


  private onWriteFailed(failed: readonly AppendEntry[], error: unknown): void {
    onCommitLogWriteFailed(this, failed, error); // store-state.ts
  }

  // ================================================================ dispatch, consume queues

  /** Registers a listener called for every dispatched message (long polling). */
  onMessageArriving(listener: MessageArrivingListener): void {
    this.dispatcher.addListener(listener);
  }

  findConsumeQueue(topic: string, queueId: number): ConsumeQueue | undefined {
    return this.queues.find(topic, queueId);
  }

  /** Topics that have consume queues. */
  topics(): string[] {
    return this.queues.topics();
  }

  // ================================================================ reads (reads.ts)

  /** Java: DefaultMessageStore#getMessage. undefined when the store is shut down. */
  getMessage(
    topic: string,
    queueId: number,
    offset: number,
    maxMsgNums: number,
    maxTotalMsgSize?: number,
    filter?: MessageFilter,
  ): Promise<GetMessageResult | undefined> {
    if (this.state === 'stopped') return Promise.resolve(undefined);
    const beginTime = this.now();
    const done = (r: GetMessageResult | undefined) => (this.latency.recordGet(this.now() - beginTime), r); // Java: #getMessage's elapsedTime
    return reads.getMessage(this, topic, queueId, offset, maxMsgNums, maxTotalMsgSize, filter).then(done);
  }

  /** Java: #getMaxOffsetInQueue: the next offset to be assigned that is visible (dispatched). */
  getMaxOffsetInQueue(topic: string, queueId: number): number {
    return this.findConsumeQueue(topic, queueId)?.maxOffsetInQueue ?? 0;
  }

  getMinOffsetInQueue(topic: string, queueId: number): number {
    return this.findConsumeQueue(topic, queueId)?.minOffsetInQueue ?? 0;
  }

  getMessageTotalInQueue(topic: string, queueId: number): number {
    const cq = this.findConsumeQueue(topic, queueId);
    return cq === undefined ? 0 : cq.maxOffsetInQueue - cq.minOffsetInQueue;
  }

  /** Java: #getCommitLogOffsetInQueue: commit log offset of a queue offset, or 0. */
  getCommitLogOffsetInQueue(topic: string, queueId: number, queueOffset: number): Promise<number> {
    return reads.commitLogOffsetInQueue(this, topic, queueId, queueOffset);
  }

  /** Java: #getOffsetInQueueByTime (LOWER by default). */
  getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number, boundary: BoundaryType = 'LOWER'): Promise<number> {
    return reads.offsetInQueueByTime(this, topic, queueId, timestamp, boundary);
  }

  /** Java: #getEarliestMessageTime(topic, queueId): store time of the queue's first message, or -1. */
  getEarliestMessageTime(topic: string, queueId: number): Promise<number> {
    return reads.earliestMessageTime(this, topic, queueId);
  }

  /** Java: #getEarliestMessageTime(): store time of the first record in the commit log, or -1. */
  getEarliestMessageTimeOfStore(): Promise<number> {
    return reads.earliestMessageTimeOfStore(this);
  }

  /** Java: #getMessageStoreTimeStamp: store time of a queue offset, or -1. */
  getMessageStoreTimeStamp(topic: string, queueId: number, queueOffset: number): Promise<number> {
    return reads.messageStoreTimeStamp(this, topic, queueId, queueOffset);
  }

  /** Java: #lookMessageByOffset / #selectOneMessageByOffset: the record at a commit log offset. */
  lookMessageByOffset(commitLogOffset: number, size?: number): Promise<Buffer | undefined> {
    return reads.lookMessageByOffset(this, commitLogOffset, size);
  }

  /** Java: #queryMessage: records whose KEYS or UNIQ_KEY is `key`, stored in [begin, end] (ms). */
  queryMessage(topic: string, key: string, maxNum: number, begin: number, end: number): Promise<QueryMessageResult> {
    return reads.queryMessage(this, topic, key, maxNum, begin, end);
  }

  getMinPhyOffset(): number { return this.commitLog.minOffset; } // prettier-ignore
  getMaxPhyOffset(): number { return this.commitLog.maxOffset; } // prettier-ignore

  /** Java: #dispatchBehindBytes. */
  dispatchBehindBytes(): number {
    const confirm = this.config.flushDiskType === 'SYNC_FLUSH' ? this.commitLog.flushedOffset : this.commitLog.writtenOffset;
    return Math.max(0, confirm - this.dispatcher.dispatchedOffset);
  }

  stats(): StoreRuntimeStats {
    return storeRuntimeStats(this); // store-state.ts
  }

  // ================================================================ topics, retention, flushes (services.ts)

  /** Java: #deleteTopics: destroys the topics' consume queues and forgets their queue offsets. */
  deleteTopics(topics: Iterable<string>): Promise<number> {
    const list = [...topics];
    return this.exclusive(async () => {
      let n = 0;
      for (const topic of list) if (await this.queues.deleteTopic(topic)) n++;
      return n;
    });
  }

  /** Java: #cleanUnusedTopic: deletes consume queues of topics not in `retain` (system topics are kept). */
  cleanUnusedTopic(retain: ReadonlySet<string>): Promise<number> {
    const victims = this.topics().filter((t) => !retain.has(t) && !isSystemTopic(t));
    return this.deleteTopics(victims);
  }

  /**
   * Java: ConsumeQueueStore#cleanExpired: destroys the queues of non-system topics whose last message is older than
   * the commit log's first record.
   */
  cleanExpiredConsumerQueue(): Promise<void> {
    return this.exclusive(() => this.queues.cleanExpired(this.commitLog.minOffset, isSystemTopic));
  }

  /** Runs `fn` after every earlier maintenance task (flushes, retention, topic deletion) finished. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.services.exclusive(fn);
  }

  /** Writes and fsyncs consume queues and index, then the checkpoint (see StoreServices#flushLogics). */
  flushLogics(thorough: boolean): Promise<void> {
    return this.services.flushLogics(thorough);
  }

  /** One run of the retention services (normally every cleanResourceInterval). */
  runRetention(): Promise<void> {
    return this.exclusive(() => runRetention(this));
  }

  /** Java: #executeDeleteFilesManually: the next 20 retention runs delete expired files whatever the hour. */
  executeDeleteFilesManually(): void {
    this.retention.manualDeleteFileSeveralTimes = MAX_MANUAL_DELETE_FILE_TIMES;
  }

  /** Measures disk usage and sets or clears the disk-full state (Java: CleanCommitLogService#isSpaceFull). */
  checkDiskSpace(): Promise<void> {
    return checkDiskSpace(this);
  }

  /** PutTarget: a put was refused as disk-full; measure again (rate-limited). */
  onDiskFullRefused(): void {
    this.diskWatch.onRefused();
  }

  /** Makes everything appended so far durable: commit log, consume queues, index, checkpoint (Java: #flush). */
  async flush(): Promise<void> {
    await this.commitLog.whenWritten();
    await this.commitLog.flushWritten();
    await this.flushLogics(true);
  }

  // ================================================================ life cycle

  /**
   * Clean shutdown (Java: DefaultMessageStore#shutdown): refuses new puts, writes and fsyncs everything, writes the
   * checkpoint and removes the abort file, so the next open recovers normally.
   */
  shutdown(): Promise<void> {
    return shutdownStore(this, this.services, this.lock); // store-state.ts
  }

  /**
   * Stops every timer and refuses further work without writing anything: the files stay as a process kill would
   * leave them. For tests that simulate crashes in-process.
   */
  closeAbruptly(): void {
    this.services.stop();
    this.diskWatch.stop();
    this.commitLog.halt();
    this.lock?.release();
    this.state = 'stopped';
  }
}
