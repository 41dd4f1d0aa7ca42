import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger, type Logger } from '../common';
import {
  DelayLevelTable,
  MSG_BODY_CRC_OFFSET,
  crc32,
  newRecordScan,
  patchPhysicalOffset,
  patchQueueOffset,
  patchStoreTimestamp,
  scanRecord,
  type RecordScan,
} from '../../protocol/message';
import { CommitLog, type AppendEntry, type PutWaiter } from './commit-log';
import { StoreCheckpoint } from './checkpoint';
import { storePaths, type StoreConfig, type StorePaths } from './config';
import { ConsumeQueue } from './consume-queue';
import { IndexService } from './index-file';
import { NodeStoreIO, errnoOf, type StoreIO } from './io';
import { getMessage, lookMessageByOffset, offsetInQueueByTime, queryMessage } from './reads';
import { dispatchRequestOf, isNotQueued, topicIsValid, type DispatchRequest } from './record';
import { recover } from './recovery';
import { MAX_MANUAL_DELETE_FILE_TIMES, checkDiskSpace, runRetention, type RetentionState } from './retention';
import { PutMessageStatus, StoreError, type BoundaryType } from './status';
import { LatencyStats } from './latency-stats';
import type {
  GetMessageResult,
  MessageArrivingListener,
  MessageFilter,
  MessageStoreDeps,
  PutMessageResult,
  PutOptions,
  QueryMessageResult,
  StoreRuntimeStats,
} from './types';

/**
 * The message store (Java: DefaultMessageStore): commit log + consume queues + index + checkpoint, in Java's
 * on-disk format. See README.md for the design. Knows nothing of the network.
 *
 *   const store = await MessageStore.open(config, { logger });
 *   const r = await store.putMessage(record);            // record: a stored-layout record from protocol/message
 *   const g = await store.getMessage(topic, 0, 0, 32);    // g.messages: stored records
 *   await store.shutdown();
 */

/** Java: MessageExtEncoder: a record may exceed maxMessageSize (the body limit) by this much. */
const RECORD_OVERHEAD_BYTES_MAX = 64 * 1024;
const TOPIC_BYTES_MAX = 255;

export class MessageStore {
  readonly config: StoreConfig;
  readonly paths: StorePaths;
  readonly io: StoreIO;
  readonly logger: Logger;
  readonly now: () => number;
  readonly delays: DelayLevelTable;
  readonly commitLog: CommitLog;
  readonly index: IndexService;
  readonly checkpoint: StoreCheckpoint;
  readonly consumeQueues = new Map<string, Map<number, ConsumeQueue>>();
  /** Next queue offset per (topic, queueId) (Java: QueueOffsetOperator#topicQueueTable). */
  readonly queueOffsets = new Map<string, Map<number, number>>();
  readonly memoryInMemBytes: number;

  /** Everything before this commit log offset is in the consume queues and the index (Java: reputFromOffset). */
  dispatchedOffset = 0;
  lastDispatchedTimestamp = 0;
  lastStoreTimestamp = 0;
  /** Written but waiting for fsync before dispatch (SYNC_FLUSH; Java reads up to the flushed offset). */
  private unflushed: AppendEntry[] = [];
  private listeners: MessageArrivingListener[] = [];

  state: 'recovering' | 'running' | 'stopping' | 'stopped' = 'recovering';
  diskFull = false;
  /** A write or fsync failed in a way that leaves durability unknown: writes are refused until a restart. */
  fatal: string | undefined;
  commitLogDiskRatio = -1;
  consumeQueueDiskRatio = -1;
  readonly retention: RetentionState = { lastPhysicalMinOffset: 0, manualDeleteFileSeveralTimes: 0 };

  readonly counters = {
    putMessageTimesTotal: 0,
    putMessageSizeTotal: 0,
    putMessageFailedTimes: 0,
    getMessageTimesTotalFound: 0,
    getMessageTimesTotalMiss: 0,
    getMessageTransferredMsgCount: 0,
  };

  /** Put/get latencies for GET_BROKER_RUNTIME_INFO (Java StoreStatsService). */
  readonly latency: LatencyStats;

  private timers: NodeJS.Timeout[] = [];
  private maintenance: Promise<unknown> = Promise.resolve();
  private lastThoroughCommitLogFlush = 0;
  private lastThoroughLogicsFlush = 0;
  private logicsFlushRunning = false;
  private readonly scan: RecordScan = newRecordScan();

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
      writeBatchBytesMax: config.commitLogWriteBatchBytesMax,
      readCoalesceBytesMax: config.readCoalesceBytesMax,
      logger: this.logger,
      now: this.now,
    });
    this.commitLog.hooks = {
      onWritten: (entries) => this.onWritten(entries),
      onFlushed: (offset, ts) => this.onFlushed(offset, ts),
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
  }

  /**
   * Opens (creating if needed) the store at config.storePathRootDir, recovers it (Java: DefaultMessageStore#load
   * + #recover: clean shutdown or crash, detected by the abort file) and starts its services.
   */
  static async open(config: StoreConfig, deps: MessageStoreDeps = {}): Promise<MessageStore> {
    if (config.enableConsumeQueueExt) throw new StoreError('enableConsumeQueueExt=true is not supported');
    const store = new MessageStore(config, deps);
    await store.io.mkdirp(store.paths.root);
    await recover(store);
    await store.createAbortFile();
    store.state = 'running';
    store.startServices();
    return store;
  }

  // ================================================================ put

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
    const refused = this.checkWritable();
    if (refused !== undefined) return Promise.resolve(this.refuse(refused.status, refused.remark, records.length));
    if (records.length === 0) return Promise.resolve(this.refuse(PutMessageStatus.MESSAGE_ILLEGAL, 'no records', 0));
    if (this.commitLog.pendingBytes > this.config.putPendingBytesMax) {
      return Promise.resolve(this.refuse(PutMessageStatus.OS_PAGE_CACHE_BUSY, `[PC_SYNCHRONIZED]broker busy: putPendingBytesMax ${this.config.putPendingBytesMax} reached`, records.length));
    }
    // Validate everything before assigning anything. Store times are monotonic (see README).
    const beginTime = this.now();
    const storeTimestamp = Math.max(beginTime, this.lastStoreTimestamp);
    const requests: DispatchRequest[] = [];
    let total = 0;
    for (const rec of records) {
      const bad = this.validate(rec);
      if (bad !== undefined) return Promise.resolve(this.refuse(PutMessageStatus.MESSAGE_ILLEGAL, bad, records.length));
      requests.push(dispatchRequestOf(rec, 0, this.scan, this.delays, storeTimestamp));
      total += rec.length;
    }
    if (total + 8 > this.config.mappedFileSizeCommitLog) {
      return Promise.resolve(this.refuse(PutMessageStatus.MESSAGE_ILLEGAL, `${total} bytes do not fit in a commit log file of ${this.config.mappedFileSizeCommitLog}`, records.length));
    }
    // Assign physical and queue offsets, patch them in place, queue the bytes.
    this.lastStoreTimestamp = storeTimestamp;
    let phy = this.commitLog.reserve(total);
    const physicalOffsets: number[] = [];
    const queueOffsets: number[] = [];
    const entries: AppendEntry[] = [];
    for (let i = 0; i < records.length; i++) {
      const rec = records[i]!;
      const req = requests[i]!;
      const qoff = isNotQueued(req.sysFlag) ? 0 : this.nextQueueOffset(req.topic, req.queueId);
      patchQueueOffset(rec, 0, qoff);
      patchPhysicalOffset(rec, 0, phy);
      patchStoreTimestamp(rec, 0, storeTimestamp);
      req.queueOffset = qoff;
      req.physicalOffset = phy;
      physicalOffsets.push(phy);
      queueOffsets.push(qoff);
      entries.push({ phy, buf: rec, end: phy + rec.length, request: req, waiter: undefined });
      phy += rec.length;
    }
    this.counters.putMessageTimesTotal += records.length;
    this.counters.putMessageSizeTotal += total;
    const sync = this.config.flushDiskType === 'SYNC_FLUSH' && options.waitStoreMsgOK !== false;
    return new Promise<PutMessageResult>((resolve) => {
      const waiter: PutWaiter = {
        sync,
        end: phy,
        deadline: this.now() + this.config.syncFlushTimeout,
        resolve: (status) => {
          const appended = status === PutMessageStatus.PUT_OK || status === PutMessageStatus.FLUSH_DISK_TIMEOUT;
          this.latency.recordPut(this.now() - beginTime); // Java: #asyncPutMessage's thenAccept
          if (!appended) this.counters.putMessageFailedTimes += records.length;
          resolve({
            status,
            wroteOffset: appended ? physicalOffsets[0]! : -1,
            wroteBytes: appended ? total : 0,
            storeTimestamp,
            queueOffset: appended ? queueOffsets[0]! : -1,
            msgNum: appended ? records.length : 0,
            physicalOffsets: appended ? physicalOffsets : [],
            queueOffsets: appended ? queueOffsets : [],
            ...(appended ? {} : { remark: this.refusalRemark(status) }),
          });
        },
      };
      entries[entries.length - 1]!.waiter = waiter;
      for (const e of entries) this.commitLog.queue(e);
    });
  }

  /** Checks a record the broker hands in; leaves its scan in this.scan. Returns a reason when refused. */
  private validate(rec: Buffer): string | undefined {
    try {
      scanRecord(rec, 0, rec.length, this.scan);
    } catch (e) {
      return (e as Error).message;
    }
    const s = this.scan;
    if (s.totalSize !== rec.length) return `the buffer holds ${rec.length} bytes but TOTALSIZE is ${s.totalSize}`;
    if (s.bodyLength > this.config.maxMessageSize) return `message body size exceeded: ${s.bodyLength} > maxMessageSize ${this.config.maxMessageSize}`;
    if (s.totalSize > this.config.maxMessageSize + RECORD_OVERHEAD_BYTES_MAX) return `message size exceeded: ${s.totalSize} bytes`;
    if (s.topicLength === 0 || s.topicLength > TOPIC_BYTES_MAX) return `topic length ${s.topicLength} is not 1..${TOPIC_BYTES_MAX}`;
    if (!topicIsValid(rec, s)) return `topic "${rec.toString('utf8', s.topicPos, s.topicPos + s.topicLength)}" has characters outside [%|a-zA-Z0-9_-]`;
    if (rec.readInt32BE(12) < 0) return `negative queue id ${rec.readInt32BE(12)}`;
    const crc = s.bodyLength > 0 ? crc32(rec.subarray(s.bodyPos, s.bodyPos + s.bodyLength)) & 0x7fffffff : 0;
    if (s.bodyLength > 0 && crc !== rec.readInt32BE(MSG_BODY_CRC_OFFSET)) return `BODYCRC ${rec.readInt32BE(MSG_BODY_CRC_OFFSET)} does not match the body (${crc})`;
    return undefined;
  }

  private nextQueueOffset(topic: string, queueId: number): number {
    let m = this.queueOffsets.get(topic);
    if (m === undefined) {
      m = new Map();
      this.queueOffsets.set(topic, m);
    }
    const v = m.get(queueId) ?? 0;
    m.set(queueId, v + 1);
    return v;
  }

  private checkWritable(): { status: PutMessageStatus; remark: string } | undefined {
    if (this.state !== 'running') return { status: PutMessageStatus.SERVICE_NOT_AVAILABLE, remark: 'message store has shut down' };
    if (this.fatal !== undefined) return { status: PutMessageStatus.SERVICE_NOT_AVAILABLE, remark: `message store is not writable: ${this.fatal}` };
    if (this.diskFull) return { status: PutMessageStatus.SERVICE_NOT_AVAILABLE, remark: this.refusalRemark(PutMessageStatus.SERVICE_NOT_AVAILABLE) };
    return undefined;
  }

  private refusalRemark(status: PutMessageStatus): string {
    if (status === PutMessageStatus.SERVICE_NOT_AVAILABLE) {
      const ratio = this.commitLogDiskRatio >= 0 ? ` [${Math.round(this.commitLogDiskRatio * 100)}% used]` : '';
      return this.diskFull ? `the broker's disk is full${ratio}` : this.fatal ?? 'message store is not available';
    }
    if (status === PutMessageStatus.FLUSH_DISK_TIMEOUT) return `not flushed within syncFlushTimeout ${this.config.syncFlushTimeout} ms`;
    return status;
  }

  private refuse(status: PutMessageStatus, remark: string, n: number): PutMessageResult {
    this.counters.putMessageFailedTimes += n;
    return { status, wroteOffset: -1, wroteBytes: 0, storeTimestamp: 0, queueOffset: -1, msgNum: 0, physicalOffsets: [], queueOffsets: [], remark };
  }

  // ================================================================ dispatch (Java: ReputMessageService)

  private onWritten(entries: readonly AppendEntry[]): void {
    if (this.config.flushDiskType === 'SYNC_FLUSH') {
      for (const e of entries) this.unflushed.push(e);
      return;
    }
    for (const e of entries) this.dispatchEntry(e);
  }

  private onFlushed(offset: number, storeTimestamp: number): void {
    if (storeTimestamp > 0) this.checkpoint.physicMsgTimestamp = storeTimestamp;
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
    if (queued) this.findOrCreateConsumeQueue(req.topic, req.queueId).put(req.physicalOffset, req.size, req.tagsCode, req.queueOffset);
    if (this.config.messageIndexEnable) this.index.buildIndex(req);
    this.lastDispatchedTimestamp = req.storeTimestamp;
    if (queued && !recovering && this.listeners.length > 0) {
      const arrival = { topic: req.topic, queueId: req.queueId, logicOffset: req.queueOffset + 1, tagsCode: req.tagsCode, storeTimestamp: req.storeTimestamp };
      for (const l of this.listeners) {
        try {
          l(arrival);
        } catch (err) {
          this.logger.error({ err }, 'message arriving listener failed');
        }
      }
    }
  }

  private onWriteFailed(failed: readonly AppendEntry[], error: unknown): void {
    // Roll back the queue offsets of everything not written: the smallest failed offset per queue is next.
    for (const e of failed) {
      const r = e.request;
      if (r === undefined || isNotQueued(r.sysFlag)) continue;
      const m = this.queueOffsets.get(r.topic);
      if (m !== undefined && (m.get(r.queueId) ?? 0) > r.queueOffset) m.set(r.queueId, r.queueOffset);
    }
    if (errnoOf(error) === 'ENOSPC') {
      this.diskFull = true;
      this.logger.error('commit log write hit ENOSPC: disk full, puts are refused until space is freed');
    } else {
      this.fatal = `commit log write failed: ${(error as Error).message}`;
    }
  }

  findConsumeQueue(topic: string, queueId: number): ConsumeQueue | undefined {
    return this.consumeQueues.get(topic)?.get(queueId);
  }

  findOrCreateConsumeQueue(topic: string, queueId: number): ConsumeQueue {
    let m = this.consumeQueues.get(topic);
    if (m === undefined) {
      m = new Map();
      this.consumeQueues.set(topic, m);
    }
    let cq = m.get(queueId);
    if (cq === undefined) {
      cq = new ConsumeQueue({
        io: this.io,
        root: this.paths.consumeQueue,
        topic,
        queueId,
        fileSize: this.config.mappedFileSizeConsumeQueue,
        tailUnitsMax: this.config.consumeQueueTailUnitsMax,
        logger: this.logger,
      });
      m.set(queueId, cq);
    }
    return cq;
  }

  *allConsumeQueues(): IterableIterator<ConsumeQueue> {
    for (const m of this.consumeQueues.values()) yield* m.values();
  }

  /** Registers a listener called for every dispatched message (long polling). */
  onMessageArriving(listener: MessageArrivingListener): void {
    this.listeners.push(listener);
  }

  // ================================================================ reads

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
    return getMessage(this, topic, queueId, offset, maxMsgNums, maxTotalMsgSize, filter).then((r) => {
      this.latency.recordGet(this.now() - beginTime); // Java: #getMessage's elapsedTime
      return r;
    });
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
  async getCommitLogOffsetInQueue(topic: string, queueId: number, queueOffset: number): Promise<number> {
    const u = await this.findConsumeQueue(topic, queueId)?.unitAt(queueOffset);
    return u?.phy ?? 0;
  }

  /** Java: #getOffsetInQueueByTime (LOWER by default). */
  getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number, boundary: BoundaryType = 'LOWER'): Promise<number> {
    return offsetInQueueByTime(this, topic, queueId, timestamp, boundary);
  }

  /** Java: #getEarliestMessageTime(topic, queueId): store time of the queue's first message, or -1. */
  async getEarliestMessageTime(topic: string, queueId: number): Promise<number> {
    const cq = this.findConsumeQueue(topic, queueId);
    if (cq === undefined) return -1;
    return this.getMessageStoreTimeStamp(topic, queueId, cq.minOffsetInQueue);
  }

  /** Java: #getEarliestMessageTime(): store time of the first record in the commit log, or -1. */
  async getEarliestMessageTimeOfStore(): Promise<number> {
    const min = this.commitLog.minOffset;
    if (min < 0) return -1;
    return this.commitLog.pickupStoreTimestamp(min, 96);
  }

  /** Java: #getMessageStoreTimeStamp: store time of a queue offset, or -1. */
  async getMessageStoreTimeStamp(topic: string, queueId: number, queueOffset: number): Promise<number> {
    const u = await this.findConsumeQueue(topic, queueId)?.unitAt(queueOffset);
    if (u === undefined) return -1;
    return this.commitLog.pickupStoreTimestamp(u.phy, u.size);
  }

  /** Java: #lookMessageByOffset / #selectOneMessageByOffset: the record at a commit log offset. */
  lookMessageByOffset(commitLogOffset: number, size?: number): Promise<Buffer | undefined> {
    return lookMessageByOffset(this, commitLogOffset, size);
  }

  /** Java: #queryMessage: records whose KEYS or UNIQ_KEY is `key`, stored in [begin, end] (ms). */
  queryMessage(topic: string, key: string, maxNum: number, begin: number, end: number): Promise<QueryMessageResult> {
    return queryMessage(this, topic, key, maxNum, begin, end);
  }

  getMinPhyOffset(): number {
    return this.commitLog.minOffset;
  }

  getMaxPhyOffset(): number {
    return this.commitLog.maxOffset;
  }

  /** Java: #dispatchBehindBytes. */
  dispatchBehindBytes(): number {
    const confirm = this.config.flushDiskType === 'SYNC_FLUSH' ? this.commitLog.flushedOffset : this.commitLog.writtenOffset;
    return Math.max(0, confirm - this.dispatchedOffset);
  }

  /** Topics that have consume queues. */
  topics(): string[] {
    return [...this.consumeQueues.keys()];
  }

  stats(): StoreRuntimeStats {
    const cl = this.commitLog;
    return {
      commitLogMinOffset: cl.minOffset,
      commitLogMaxOffset: cl.maxOffset,
      dispatchBehindBytes: this.dispatchBehindBytes(),
      flushBehindBytes: cl.writtenOffset - cl.flushedOffset,
      writePendingBytes: cl.pendingBytes,
      ...this.counters,
      commitLogWrites: cl.stats.writes,
      commitLogFsyncs: cl.stats.fsyncs,
      syncFlushedPuts: cl.stats.flushedPuts,
      tailCacheBytes: cl.tail.bytes,
      commitLogDiskRatio: this.commitLogDiskRatio,
      consumeQueueDiskRatio: this.consumeQueueDiskRatio,
      diskFull: this.diskFull,
      writable: this.state === 'running' && this.fatal === undefined && !this.diskFull,
    };
  }

  // ================================================================ topics

  /** Java: #deleteTopics: destroys the topics' consume queues and forgets their queue offsets. */
  deleteTopics(topics: Iterable<string>): Promise<number> {
    const list = [...topics];
    return this.exclusive(async () => {
      let n = 0;
      for (const topic of list) {
        const m = this.consumeQueues.get(topic);
        if (m === undefined || m.size === 0) continue;
        for (const cq of m.values()) await cq.destroy();
        this.consumeQueues.delete(topic);
        this.queueOffsets.delete(topic);
        await this.io.rmdir(path.join(this.paths.consumeQueue, topic)).catch(() => undefined);
        this.logger.info({ topic }, 'topic deleted from the store');
        n++;
      }
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
    return this.exclusive(async () => {
      const min = this.commitLog.minOffset;
      for (const [topic, m] of [...this.consumeQueues]) {
        if (isSystemTopic(topic)) continue;
        for (const [qid, cq] of [...m]) {
          const last = await cq.lastOffset();
          if (last !== -1 && last < min) {
            await cq.destroy();
            m.delete(qid);
            this.queueOffsets.get(topic)?.delete(qid);
          }
        }
        if (m.size === 0) {
          this.consumeQueues.delete(topic);
          await this.io.rmdir(path.join(this.paths.consumeQueue, topic)).catch(() => undefined);
        }
      }
    });
  }

  // ================================================================ services

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

  private startServices(): void {
    const c = this.config;
    const t0 = this.now();
    this.lastThoroughCommitLogFlush = t0;
    this.lastThoroughLogicsFlush = t0;
    if (c.flushDiskType !== 'SYNC_FLUSH') {
      // Java: FlushRealTimeService.
      this.every(c.flushIntervalCommitLog, () => {
        let least = c.flushCommitLogLeastPages;
        if (this.now() >= this.lastThoroughCommitLogFlush + c.flushCommitLogThoroughInterval) {
          this.lastThoroughCommitLogFlush = this.now();
          least = 0;
        }
        this.commitLog.flushIfDirty(least);
      });
    }
    // Java: FlushConsumeQueueService (+ the 1 s checkpoint flush).
    this.every(c.flushIntervalConsumeQueue, () => {
      if (this.logicsFlushRunning) return;
      const thorough = this.now() >= this.lastThoroughLogicsFlush + c.flushConsumeQueueThoroughInterval;
      if (thorough) this.lastThoroughLogicsFlush = this.now();
      void this.flushLogics(thorough).catch((err) => this.logger.error({ err }, 'consume queue / index flush failed'));
    });
    // Java: cleanFilesPeriodically + CleanConsumeQueueService (first run after 60 s).
    this.every(c.cleanResourceInterval, () => {
      void this.runRetention().catch((err) => this.logger.error({ err }, 'retention failed'));
    }, Math.min(60_000, c.cleanResourceInterval * 6));
    void this.checkDiskSpace();
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
        const ts = this.lastDispatchedTimestamp;
        const queues = [...this.allConsumeQueues()];
        for (const cq of queues) await cq.write();
        let indexTs = 0;
        if (this.config.messageIndexEnable) indexTs = await this.index.flush(thorough);
        let allDurable = true;
        for (const cq of queues) {
          if (!(await cq.flush(thorough ? 0 : this.config.flushConsumeQueueLeastPages))) allDurable = false;
        }
        if (thorough || allDurable) {
          if (ts > 0 && allDurable) this.checkpoint.logicsMsgTimestamp = Math.max(this.checkpoint.logicsMsgTimestamp, ts);
          if (indexTs > 0) this.checkpoint.indexMsgTimestamp = Math.max(this.checkpoint.indexMsgTimestamp, indexTs);
        }
        await this.checkpoint.flush();
      } finally {
        this.logicsFlushRunning = false;
      }
    });
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

  /** Makes everything appended so far durable: commit log, consume queues, index, checkpoint (Java: #flush). */
  async flush(): Promise<void> {
    await this.commitLog.whenWritten();
    await this.commitLog.flushWritten();
    await this.flushLogics(true);
  }

  private async createAbortFile(): Promise<void> {
    const h = await this.io.open(this.paths.abort, true);
    const pid = Buffer.from(String(process.pid));
    await this.io.truncate(h, 0);
    await this.io.write(h, [pid], 0);
    await this.io.sync(h);
    await this.io.close(h);
    await this.io.syncDir(this.paths.root);
  }

  /**
   * Clean shutdown (Java: DefaultMessageStore#shutdown): refuses new puts, writes and fsyncs everything, writes the
   * checkpoint and removes the abort file, so the next open recovers normally.
   */
  async shutdown(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    this.state = 'stopping';
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    await this.commitLog.whenWritten();
    await this.commitLog.flushWritten();
    try {
      await this.flushLogics(true);
    } catch (err) {
      this.fatal = this.fatal ?? `final flush failed: ${(err as Error).message}`;
    }
    this.checkpoint.physicMsgTimestamp = Math.max(this.checkpoint.physicMsgTimestamp, this.commitLog.flushedStoreTimestamp);
    await this.checkpoint.flush().catch((err) => {
      this.fatal = this.fatal ?? `checkpoint flush failed: ${(err as Error).message}`;
    });
    const clean = this.fatal === undefined && this.dispatchBehindBytes() === 0 && this.commitLog.flushedOffset >= this.commitLog.writtenOffset;
    await this.commitLog.close();
    for (const cq of this.allConsumeQueues()) await cq.close();
    await this.index.close();
    await this.checkpoint.close();
    if (clean) {
      await this.io.unlink(this.paths.abort);
      await this.io.syncDir(this.paths.root);
    } else {
      this.logger.warn({ reason: this.fatal }, 'the store may be inconsistent: shutting down abnormally, keeping the abort file');
    }
    this.state = 'stopped';
  }

  /**
   * Stops every timer and refuses further work without writing anything: the files stay as a process kill would
   * leave them. For tests that simulate crashes in-process.
   */
  closeAbruptly(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.commitLog.halt();
    this.state = 'stopped';
  }
}

/** Java: TopicValidator#isSystemTopic (the prefixes and names the store must never clean). */
export function isSystemTopic(topic: string): boolean {
  return (
    topic.startsWith('rmq_sys_') ||
    topic === 'SCHEDULE_TOPIC_XXXX' ||
    topic === 'RMQ_SYS_TRANS_HALF_TOPIC' ||
    topic === 'RMQ_SYS_TRANS_OP_HALF_TOPIC' ||
    topic === 'TBW102' ||
    topic === 'BenchmarkTest' ||
    topic === 'OFFSET_MOVED_EVENT' ||
    topic === 'SELF_TEST_TOPIC' ||
    topic === 'TRANS_CHECK_MAX_TIME_TOPIC' ||
    topic === 'RMQ_SYS_TRACE_TOPIC' ||
    topic === 'rmq_sys_REVIVE_LOG_' ||
    topic.startsWith('%SYS%')
  );
}
