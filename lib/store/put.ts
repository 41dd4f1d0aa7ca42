import {
  type DelayLevelTable,
  MSG_BODY_CRC_OFFSET,
  crc32,
  patchPhysicalOffset,
  patchQueueOffset,
  patchStoreTimestamp,
  scanRecord,
  type RecordScan,
} from '../../protocol/message';
import type { CommitLog } from './commit-log';
import type { AppendEntry, PutWaiter } from './commit-log-state';
import type { StoreConfig } from './config';
import type { ConsumeQueueTable } from './queue-table';
import { dispatchRequestOf, isNotQueued, topicIsValid, type DispatchRequest } from './record';
import { PutMessageStatus } from './status';
import type { PutMessageResult, PutOptions } from './types';

/**
 * The put path up to the commit log (Java: DefaultMessageStore#asyncPutMessage(s), CommitLog#asyncPutMessage's
 * checks, MessageExtEncoder's size limits).
 *
 * Contract. Owns: whether a put is accepted (store state, validation of the records), the assignment of store
 *   timestamp, physical and queue offsets, patching them into the records, and the shape of every put answer.
 *   May call: protocol/message (scan, CRC, patch), ./record (dispatch requests), the commit log's reserve/queue,
 *   the queue table's nextQueueOffset, through the narrow PutTarget the store implements.
 * Invariants: nothing is assigned before every record of the call is validated; a put's records are contiguous
 *   in one commit log file and share one store timestamp; store timestamps never go backwards; every put is
 *   answered exactly once, with offsets only when its records were appended.
 */

/** Java: MessageExtEncoder: a record may exceed maxMessageSize (the body limit) by this much. */
const RECORD_OVERHEAD_BYTES_MAX = 64 * 1024;
const TOPIC_BYTES_MAX = 255;

/** What the put path needs of the store (MessageStore implements it). */
export interface PutTarget {
  readonly config: StoreConfig;
  readonly now: () => number;
  readonly delays: DelayLevelTable;
  readonly commitLog: CommitLog;
  readonly queues: ConsumeQueueTable;
  readonly counters: { putMessageTimesTotal: number; putMessageSizeTotal: number; putMessageFailedTimes: number };
  readonly state: 'recovering' | 'running' | 'stopping' | 'stopped';
  readonly fatal: string | undefined;
  readonly diskFull: boolean;
  readonly commitLogDiskRatio: number;
  readonly commitLogAvailableBytes: number;
  readonly diskCheckedAt: number;
  readonly enospcSeen: boolean;
  lastStoreTimestamp: number;
  /** A put was refused as disk-full: the store measures the disk again (rate-limited). */
  onDiskFullRefused(): void;
  /** Put latencies for GET_BROKER_RUNTIME_INFO (Java StoreStatsService). */
  readonly latency: { recordPut(ms: number): void };
}

/** Appends records contiguously (see MessageStore#putMessages); `scan` is scratch space. */
export function putMessages(t: PutTarget, scan: RecordScan, records: readonly Buffer[], options: PutOptions): Promise<PutMessageResult> {
  const refused = checkWritable(t);
  if (refused !== undefined) return Promise.resolve(refuse(t, refused.status, refused.remark, records.length));
  if (records.length === 0) return Promise.resolve(refuse(t, PutMessageStatus.MESSAGE_ILLEGAL, 'no records', 0));
  if (t.commitLog.pendingBytes > t.config.putPendingBytesMax) {
    return Promise.resolve(refuse(t, PutMessageStatus.OS_PAGE_CACHE_BUSY, `[PC_SYNCHRONIZED]broker busy: putPendingBytesMax ${t.config.putPendingBytesMax} reached`, records.length));
  }
  const busyMs = osPageCacheBusyMs(t.commitLog.writeBusyMs(), t.config.osPageCacheBusyTimeOutMills);
  if (busyMs > 0) {
    return Promise.resolve(refuse(t, PutMessageStatus.OS_PAGE_CACHE_BUSY, `[PC_SYNCHRONIZED]broker busy: a commit log write has taken ${busyMs} ms (osPageCacheBusyTimeOutMills ${t.config.osPageCacheBusyTimeOutMills})`, records.length));
  }
  // Validate everything before assigning anything. Store times are monotonic (see README).
  const beginTime = t.now();
  const storeTimestamp = Math.max(beginTime, t.lastStoreTimestamp);
  const requests: DispatchRequest[] = [];
  let total = 0;
  for (const rec of records) {
    const bad = validate(t.config, scan, rec);
    if (bad !== undefined) return Promise.resolve(refuse(t, PutMessageStatus.MESSAGE_ILLEGAL, bad, records.length));
    requests.push(dispatchRequestOf(rec, 0, scan, t.delays, storeTimestamp));
    total += rec.length;
  }
  if (total + 8 > t.config.mappedFileSizeCommitLog) {
    return Promise.resolve(refuse(t, PutMessageStatus.MESSAGE_ILLEGAL, `${total} bytes do not fit in a commit log file of ${t.config.mappedFileSizeCommitLog}`, records.length));
  }
  // Assign physical and queue offsets, patch them in place, queue the bytes.
  t.lastStoreTimestamp = storeTimestamp;
  let phy = t.commitLog.reserve(total);
  const physicalOffsets: number[] = [];
  const queueOffsets: number[] = [];
  const entries: AppendEntry[] = [];
  for (let i = 0; i < records.length; i++) {
    const rec = records[i]!;
    const req = requests[i]!;
    const qoff = isNotQueued(req.sysFlag) ? 0 : t.queues.nextQueueOffset(req.topic, req.queueId);
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
  t.counters.putMessageTimesTotal += records.length;
  t.counters.putMessageSizeTotal += total;
  const sync = t.config.flushDiskType === 'SYNC_FLUSH' && options.waitStoreMsgOK !== false;
  return new Promise<PutMessageResult>((resolve) => {
    const waiter: PutWaiter = {
      sync,
      end: phy,
      deadline: t.now() + t.config.syncFlushTimeout,
      resolve: (status) => {
        const appended = status === PutMessageStatus.PUT_OK || status === PutMessageStatus.FLUSH_DISK_TIMEOUT;
        t.latency.recordPut(t.now() - beginTime); // Java: DefaultMessageStore#asyncPutMessage's thenAccept
        if (!appended) t.counters.putMessageFailedTimes += records.length;
        resolve({
          status,
          wroteOffset: appended ? physicalOffsets[0]! : -1,
          wroteBytes: appended ? total : 0,
          storeTimestamp,
          queueOffset: appended ? queueOffsets[0]! : -1,
          msgNum: appended ? records.length : 0,
          physicalOffsets: appended ? physicalOffsets : [],
          queueOffsets: appended ? queueOffsets : [],
          ...(appended ? {} : { remark: refusalRemark(t, status) }),
        });
      },
    };
    entries[entries.length - 1]!.waiter = waiter;
    for (const e of entries) t.commitLog.queue(e);
  });
}

/** Checks a record the broker hands in; leaves its scan in `s`. Returns a reason when refused. */
function validate(config: StoreConfig, s: RecordScan, rec: Buffer): string | undefined {
  try {
    scanRecord(rec, 0, rec.length, s);
  } catch (e) {
    return (e as Error).message;
  }
  if (s.totalSize !== rec.length) return `the buffer holds ${rec.length} bytes but TOTALSIZE is ${s.totalSize}`;
  if (s.bodyLength > config.maxMessageSize) return `message body size exceeded: ${s.bodyLength} > maxMessageSize ${config.maxMessageSize}`;
  if (s.totalSize > config.maxMessageSize + RECORD_OVERHEAD_BYTES_MAX) return `message size exceeded: ${s.totalSize} bytes`;
  if (s.topicLength === 0 || s.topicLength > TOPIC_BYTES_MAX) return `topic length ${s.topicLength} is not 1..${TOPIC_BYTES_MAX}`;
  if (!topicIsValid(rec, s)) return `topic "${rec.toString('utf8', s.topicPos, s.topicPos + s.topicLength)}" has characters outside [%|a-zA-Z0-9_-]`;
  if (rec.readInt32BE(12) < 0) return `negative queue id ${rec.readInt32BE(12)}`;
  const crc = s.bodyLength > 0 ? crc32(rec.subarray(s.bodyPos, s.bodyPos + s.bodyLength)) & 0x7fffffff : 0;
  if (s.bodyLength > 0 && crc !== rec.readInt32BE(MSG_BODY_CRC_OFFSET)) return `BODYCRC ${rec.readInt32BE(MSG_BODY_CRC_OFFSET)} does not match the body (${crc})`;
  return undefined;
}

/**
 * Java's DefaultMessageStore#isOSPageCacheBusy on the age of the oldest unfinished commit log write: that age when it
 * is above `timeoutMs` (and below 10,000,000 ms, Java's bound against a stale lock time), else 0. Java's
 * HookUtils#checkBeforePutMessage refuses every put then (OS_PAGE_CACHE_BUSY), and SendMessageProcessor
 * #rejectRequest every send before it is processed (lib/broker/slave/role-gate.ts).
 */
export function osPageCacheBusyMs(writeBusyMs: number, timeoutMs: number): number {
  return writeBusyMs > timeoutMs && writeBusyMs < 10_000_000 ? writeBusyMs : 0;
}

function checkWritable(t: PutTarget): { status: PutMessageStatus; remark: string } | undefined {
  if (t.state !== 'running') return { status: PutMessageStatus.SERVICE_NOT_AVAILABLE, remark: 'message store has shut down' };
  if (t.fatal !== undefined) return { status: PutMessageStatus.SERVICE_NOT_AVAILABLE, remark: `message store is not writable: ${t.fatal}` };
  if (t.diskFull) {
    t.onDiskFullRefused();
    return { status: PutMessageStatus.SERVICE_NOT_AVAILABLE, remark: refusalRemark(t, PutMessageStatus.SERVICE_NOT_AVAILABLE) };
  }
  // Java: HookUtils#checkBeforePutMessage.
  if (t.config.brokerRole === 'SLAVE') return { status: PutMessageStatus.SERVICE_NOT_AVAILABLE, remark: 'message store is in slave mode, so putMessage is forbidden ' };
  return undefined;
}

function refusalRemark(t: PutTarget, status: PutMessageStatus): string {
  if (status === PutMessageStatus.SERVICE_NOT_AVAILABLE) {
    const avail = t.commitLogAvailableBytes >= 0 ? `, ${Math.floor(t.commitLogAvailableBytes / 1048576)} MiB available` : '';
    const age = Math.max(0, t.now() - t.diskCheckedAt);
    const ratio = t.commitLogDiskRatio >= 0 ? ` [${(t.commitLogDiskRatio * 100).toFixed(1)}% used${avail}, measured ${age} ms ago]` : '';
    const cause = t.enospcSeen ? ' (a commit log write failed with ENOSPC, no space left on device)' : '';
    return t.diskFull ? `the broker's disk is full${cause}${ratio}` : t.fatal ?? 'message store is not available';
  }
  if (status === PutMessageStatus.FLUSH_DISK_TIMEOUT) return `not flushed within syncFlushTimeout ${t.config.syncFlushTimeout} ms`;
  return status;
}

function refuse(t: PutTarget, status: PutMessageStatus, remark: string, n: number): PutMessageResult {
  t.counters.putMessageFailedTimes += n;
  return { status, wroteOffset: -1, wroteBytes: 0, storeTimestamp: 0, queueOffset: -1, msgNum: 0, physicalOffsets: [], queueOffsets: [], remark };
}
