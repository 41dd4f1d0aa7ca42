import type { CommitLog } from './commit-log';
import type { StoreConfig } from './config';
import type { ConsumeQueue } from './consume-queue';
// Straight from the unit module: the re-exports of './consume-queue' are getters, measurable per unit on a pull.
import { CQ_STORE_UNIT_SIZE, readCqPhy, readCqSize, readCqTagsCode } from './consume-queue-unit';
import type { IndexService } from './index-service';
import { looksLikeRecordAt } from './record';
import { GetMessageStatus, type BoundaryType } from './status';
import type { GetMessageResult, MessageFilter, QueryMessageResult } from './types';

/**
 * The read side of the store: pulls, lookups by offset, queries by key and searches by time, with Java's rules
 * (Java: DefaultMessageStore#getMessage, #queryMessage, ConsumeQueue#getOffsetInQueueByTime).
 *
 * Contract. Owns: Java's pull rules (statuses, nextBeginOffset, transfer limits, filters), key queries and time
 *   searches. May call: the consume queues (units), the commit log (records), the index (offsets), through the
 *   narrow ReadSource the store implements; it only counts in `counters`, it never writes.
 * Invariants: every returned record was checked (TOTALSIZE, magic, PHYSICALOFFSET); a pull never returns more
 *   than maxMsgNums records nor (beyond its first record) more than the transfer limits; results of a time
 *   search are clamped to [minOffset, maxOffset] of the queue.
 */

/** What the read side needs of the store (MessageStore implements it). */
export interface ReadSource {
  readonly config: StoreConfig;
  readonly commitLog: CommitLog;
  readonly index: IndexService;
  /** Java's "in memory" estimate: accessMessageInMemoryMaxRatio of RAM, in bytes. */
  readonly memoryInMemBytes: number;
  readonly counters: { getMessageTimesTotalFound: number; getMessageTimesTotalMiss: number; getMessageTransferredMsgCount: number };
  findConsumeQueue(topic: string, queueId: number): ConsumeQueue | undefined;
}

/** Java: DefaultMessageStore.MAX_PULL_MSG_SIZE. */
export const MAX_PULL_MSG_SIZE = 128 * 1024 * 1024;

/** Java: DefaultMessageStore#nextOffsetCorrection: a slave keeps the requested offset unless offsetCheckInSlave. */
function nextOffsetCorrection(store: ReadSource, oldOffset: number, newOffset: number): number {
  return store.config.brokerRole !== 'SLAVE' || store.config.offsetCheckInSlave ? newOffset : oldOffset;
}

/** Java: DefaultMessageStore#isTheBatchFull. */
function isTheBatchFull(store: ReadSource, sizePy: number, maxMsgNums: number, maxMsgSize: number, bufferTotal: number, messageTotal: number, isInMem: boolean): boolean {
  if (bufferTotal === 0 || messageTotal === 0) return false;
  if (messageTotal + 1 > maxMsgNums) return true;
  if (bufferTotal + sizePy > maxMsgSize) return true;
  const c = store.config;
  if (isInMem) {
    if (bufferTotal + sizePy > c.maxTransferBytesOnMessageInMemory) return true;
    return messageTotal > c.maxTransferCountOnMessageInMemory - 1;
  }
  if (bufferTotal + sizePy > c.maxTransferBytesOnMessageInDisk) return true;
  return messageTotal > c.maxTransferCountOnMessageInDisk - 1;
}

function emptyResult(status: GetMessageStatus, nextBeginOffset: number, minOffset: number, maxOffset: number): GetMessageResult {
  return {
    status,
    nextBeginOffset,
    minOffset,
    maxOffset,
    messages: [],
    messageQueueOffsets: [],
    bufferTotalSize: 0,
    messageCount: 0,
    filterMessageCount: 0,
    suggestPullingFromSlave: false,
  };
}

/** Counts a pull's answer as found or missed (Java: getMessageTimesTotalFound / Miss) and returns it. */
function counted(store: ReadSource, r: GetMessageResult): GetMessageResult {
  if (r.status === GetMessageStatus.FOUND) store.counters.getMessageTimesTotalFound++;
  else store.counters.getMessageTimesTotalMiss++;
  return r;
}

/** A run of records read ahead together: unit indexes ascending, and where each record sits (a shared buffer and a position). */
interface Run {
  u: number[];
  phy: number[];
  size: number[];
  buf: (Buffer | undefined)[];
  pos: number[];
}

function newRun(): Run {
  return { u: [], phy: [], size: [], buf: [], pos: [] };
}

/**
 * Java: DefaultMessageStore#getMessage, unit by unit as Java's loop: the transfer limits count the records taken,
 * so a commit-log (SQL92) filter reads on past the records it refuses until maxMsgNums match or
 * maxFilterMessageSize of consume queue is examined. Records are read ahead of the walk in runs (tail cache or
 * coalesced reads), not one by one.
 */
export async function getMessage(
  store: ReadSource,
  topic: string,
  queueId: number,
  offset: number,
  maxMsgNums: number,
  maxTotalMsgSize: number = MAX_PULL_MSG_SIZE,
  filter?: MessageFilter,
): Promise<GetMessageResult> {
  const cq = store.findConsumeQueue(topic, queueId);
  if (cq === undefined) {
    // Java creates an empty queue here (findOrCreateConsumeQueue) and answers from it.
    return counted(store, emptyResult(GetMessageStatus.NO_MESSAGE_IN_QUEUE, nextOffsetCorrection(store, offset, 0), 0, 0));
  }
  const minOffset = cq.minOffsetInQueue;
  const maxOffset = cq.maxOffsetInQueue;
  if (maxOffset === 0) return counted(store, emptyResult(GetMessageStatus.NO_MESSAGE_IN_QUEUE, nextOffsetCorrection(store, offset, 0), minOffset, maxOffset));
  if (offset < minOffset) return counted(store, emptyResult(GetMessageStatus.OFFSET_TOO_SMALL, nextOffsetCorrection(store, offset, minOffset), minOffset, maxOffset));
  if (offset === maxOffset) return counted(store, emptyResult(GetMessageStatus.OFFSET_OVERFLOW_ONE, nextOffsetCorrection(store, offset, offset), minOffset, maxOffset));
  if (offset > maxOffset) return counted(store, emptyResult(GetMessageStatus.OFFSET_OVERFLOW_BADLY, nextOffsetCorrection(store, offset, maxOffset), minOffset, maxOffset));

  const c = store.config;
  const maxFilterMessageSize = Math.max(c.maxFilterMessageSize, maxMsgNums * CQ_STORE_UNIT_SIZE);
  const maxPullSize = Math.min(Math.max(maxTotalMsgSize, 100), MAX_PULL_MSG_SIZE);
  const maxOffsetPy = store.commitLog.maxOffset;
  const minOffsetPy = store.commitLog.minOffset;
  const result = emptyResult(GetMessageStatus.NO_MATCHED_MESSAGE, offset, minOffset, maxOffset);
  // The consume-queue stage, unless it takes every unit (SQL92, "*"): then no unit's tagsCode is read.
  const cqFilter = filter === undefined || filter.acceptsAllByConsumeQueue === true ? undefined : filter;
  let status: GetMessageStatus = GetMessageStatus.NO_MATCHED_MESSAGE;
  let nextBeginOffset = offset;
  let maxPhyOffsetPulling = 0;
  // Records are read ahead of the walk, a run of candidates at a time (one coalesced readMany). A run is what the
  // batch still holds, times the units examined per match so far when a commit-log (SQL92) filter refuses some
  // (doubling while nothing matched yet), so that one pull rarely reads far past its last match.
  let fetchAhead = 0;
  let cqFileNum = 0;
  while (result.bufferTotalSize <= 0 && nextBeginOffset < maxOffset && cqFileNum++ < c.travelCqFileNumWhenGetMessage) {
    const wantUnits = Math.max(1, Math.ceil(maxFilterMessageSize / CQ_STORE_UNIT_SIZE) - (nextBeginOffset - offset));
    const units = await cq.readUnits(nextBeginOffset, wantUnits);
    if (units === undefined) {
      status = GetMessageStatus.OFFSET_FOUND_NULL;
      nextBeginOffset = nextOffsetCorrection(store, nextBeginOffset, cq.rollNextFile(nextBeginOffset));
      break;
    }
    const base = nextBeginOffset;
    let nextPhyFileStartOffset = -Infinity;
    // The current run (made at the first record the tail cache does not hold: a tail pull never needs one); units
    // before fetchedTo were read if candidates. The walk visits units in order, so `k` only moves forward.
    let run: Run | undefined;
    let runLen = 0;
    let k = 0;
    let fetchedTo = 0;
    for (let at = 0; at + CQ_STORE_UNIT_SIZE <= units.length && nextBeginOffset < maxOffset; at += CQ_STORE_UNIT_SIZE) {
      const queueOffset = base + at / CQ_STORE_UNIT_SIZE;
      const phy = readCqPhy(units, at);
      const size = readCqSize(units, at);
      const isInMem = maxOffsetPy - phy <= store.memoryInMemBytes;
      if ((queueOffset - offset) * CQ_STORE_UNIT_SIZE >= maxFilterMessageSize) break;
      if (isTheBatchFull(store, size, maxMsgNums, maxPullSize, result.bufferTotalSize, result.messageCount, isInMem)) break;
      if (result.bufferTotalSize >= maxPullSize) break;
      maxPhyOffsetPulling = phy;
      nextBeginOffset = queueOffset + 1;
      if (phy < nextPhyFileStartOffset) continue;
      if (cqFilter !== undefined && !cqFilter.isMatchedByConsumeQueue(readCqTagsCode(units, at))) {
        if (result.bufferTotalSize === 0) status = GetMessageStatus.NO_MATCHED_MESSAGE;
        continue;
      }
      if (phy < minOffsetPy || phy + size > maxOffsetPy || size <= 0) {
        // Java: commitLog.getMessage returns null (the file was deleted): skip to the next commit log file.
        if (result.bufferTotalSize === 0) status = GetMessageStatus.MESSAGE_WAS_REMOVING;
        nextPhyFileStartOffset = store.commitLog.rollNextFile(phy);
        continue;
      }
      const u = at / CQ_STORE_UNIT_SIZE;
      // A record in the tail cache is taken from there at once, without a run (the run's bookkeeping and second
      // pass over the units cost more than the lookup on a SQL92 walk, where most records are refused).
      let rb: Buffer | undefined;
      // A record from the tail cache is unchecked until it is kept (TOTALSIZE, magic, PHYSICALOFFSET, below): a
      // commit-log (SQL92) filter refuses most records without the check. readManyAt checks what it returns.
      let recAt = store.commitLog.locateCached(phy, size);
      let checked = false;
      if (u < fetchedTo || recAt < 0) {
        if (u >= fetchedTo) {
          const batchMax = Math.min(maxMsgNums, isInMem ? c.maxTransferCountOnMessageInMemory : c.maxTransferCountOnMessageInDisk);
          const room = Math.max(1, batchMax - result.messageCount);
          const refused = result.filterMessageCount;
          if (filter?.isMatchedByCommitLog === undefined || refused === 0) fetchAhead = room;
          else if (result.messageCount === 0) fetchAhead *= 2;
          else fetchAhead = Math.ceil((room * (result.messageCount + refused)) / result.messageCount);
          run ??= newRun();
          runLen = 0;
          k = 0;
          let to = u;
          for (; to < units.length / CQ_STORE_UNIT_SIZE && runLen < fetchAhead; to++) {
            if ((base + to - offset) * CQ_STORE_UNIT_SIZE >= maxFilterMessageSize) break;
            const at = to * CQ_STORE_UNIT_SIZE;
            const p = readCqPhy(units, at);
            const n = readCqSize(units, at);
            // A superset of the units the walk will want a record for (it may skip more: nextPhyFileStartOffset).
            const candidate = to === u || ((cqFilter === undefined || cqFilter.isMatchedByConsumeQueue(readCqTagsCode(units, at))) && !(p < minOffsetPy || p + n > maxOffsetPy || n <= 0));
            if (candidate) {
              run.u[runLen] = to;
              run.phy[runLen] = p;
              run.size[runLen] = n;
              runLen++;
            }
          }
          await store.commitLog.readManyAt(run.phy, run.size, runLen, run.buf, run.pos);
          fetchedTo = to;
        }
        const r = run!;
        while (k < runLen && r.u[k]! < u) k++;
        rb = k < runLen && r.u[k] === u ? r.buf[k] : undefined;
        recAt = r.pos[k]!;
        checked = true;
      } else rb = store.commitLog.cached;
      if (rb === undefined) {
        // Gone between the walk and the read (Java: getMessage returns null).
        if (result.bufferTotalSize === 0) status = GetMessageStatus.MESSAGE_WAS_REMOVING;
        nextPhyFileStartOffset = store.commitLog.rollNextFile(phy);
        continue;
      }
      if (filter?.isMatchedByCommitLogAt !== undefined ? !filter.isMatchedByCommitLogAt(rb, recAt) : filter?.isMatchedByCommitLog !== undefined && !filter.isMatchedByCommitLog(rb.subarray(recAt, recAt + size))) {
        if (result.bufferTotalSize === 0) status = GetMessageStatus.NO_MATCHED_MESSAGE;
        result.filterMessageCount++;
        continue;
      }
      if (!checked && !looksLikeRecordAt(rb, recAt, size, phy)) {
        // Not the record the consume queue names (Java would read whatever is there): as a record gone.
        if (result.bufferTotalSize === 0) status = GetMessageStatus.MESSAGE_WAS_REMOVING;
        nextPhyFileStartOffset = store.commitLog.rollNextFile(phy);
        continue;
      }
      const b = rb.subarray(recAt, recAt + size);
      result.messages.push(b);
      result.messageQueueOffsets.push(queueOffset);
      result.bufferTotalSize += b.length;
      result.messageCount++;
      status = GetMessageStatus.FOUND;
      nextPhyFileStartOffset = -Infinity;
    }
  }
  result.status = status;
  result.nextBeginOffset = nextBeginOffset;
  store.counters.getMessageTransferredMsgCount += result.messageCount;
  result.suggestPullingFromSlave = maxOffsetPy - maxPhyOffsetPulling > store.memoryInMemBytes;
  return counted(store, result);
}

/** Java: #lookMessageByOffset(offset[, size]): the record at a commit log offset, checked, or undefined. */
export async function lookMessageByOffset(store: ReadSource, phy: number, size?: number): Promise<Buffer | undefined> {
  let n = size;
  if (n === undefined) {
    const head = await store.commitLog.read(phy, 8);
    if (head === undefined) return undefined;
    n = head.readInt32BE(0);
    if (n <= 8 || n > store.commitLog.fileSize) return undefined;
  }
  const buf = await store.commitLog.read(phy, n);
  if (buf === undefined || !looksLikeRecordAt(buf, 0, n, phy)) return undefined;
  return buf;
}

function storeTimestampOf(rec: Buffer): number {
  const sysFlag = rec.readInt32BE(36);
  const at = 48 + ((sysFlag & 0x10) === 0 ? 8 : 20);
  return rec.readInt32BE(at) * 4294967296 + rec.readUInt32BE(at + 4);
}

/** Java: DefaultMessageStore#queryMessage (up to three rounds through the index, newest first). */
export async function queryMessage(store: ReadSource, topic: string, key: string, maxNum: number, begin: number, end: number): Promise<QueryMessageResult> {
  const result: QueryMessageResult = { messages: [], bufferTotalSize: 0, indexLastUpdateTimestamp: 0, indexLastUpdatePhyoffset: 0 };
  let lastQueryMsgTime = end;
  for (let round = 0; round < 3; round++) {
    const q = await store.index.queryOffset(topic, key, maxNum, begin, lastQueryMsgTime);
    if (q.phyOffsets.length === 0) break;
    q.phyOffsets.sort((a, b) => a - b);
    result.indexLastUpdatePhyoffset = q.indexLastUpdatePhyoffset;
    result.indexLastUpdateTimestamp = q.indexLastUpdateTimestamp;
    for (let m = 0; m < q.phyOffsets.length; m++) {
      const rec = await lookMessageByOffset(store, q.phyOffsets[m]!);
      if (rec === undefined) continue;
      if (m === 0) lastQueryMsgTime = storeTimestampOf(rec);
      result.messages.push(rec);
      result.bufferTotalSize += rec.length;
    }
    if (result.bufferTotalSize > 0) break;
    if (lastQueryMsgTime < begin) break;
  }
  return result;
}

/**
 * Java: ConsumeQueue#getOffsetInQueueByTime + ConsumeQueueStore (clamped to [min, max]). LOWER: the first offset
 * stored at or after `timestamp` (max when none); UPPER: the last offset stored at or before it. Units whose
 * record has been deleted count as older than any time.
 */
export async function offsetInQueueByTime(store: ReadSource, topic: string, queueId: number, timestamp: number, boundary: BoundaryType): Promise<number> {
  const cq = store.findConsumeQueue(topic, queueId);
  if (cq === undefined) return 0;
  const min = cq.minOffsetInQueue;
  const max = cq.maxOffsetInQueue;
  if (max <= min) return Math.min(Math.max(0, min), max);
  const minPhy = store.commitLog.minOffset;
  const timeAt = async (i: number): Promise<number> => {
    const u = await cq.unitAt(i);
    if (u === undefined || u.phy < minPhy) return -Infinity;
    const t = await store.commitLog.pickupStoreTimestamp(u.phy, u.size);
    return t < 0 ? -Infinity : t;
  };
  let result: number;
  if (boundary === 'LOWER') {
    let lo = min;
    let hi = max; // first i with time >= timestamp, max if none
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if ((await timeAt(mid)) >= timestamp) hi = mid;
      else lo = mid + 1;
    }
    result = lo;
  } else {
    let lo = min - 1;
    let hi = max - 1; // last i with time <= timestamp, min - 1 if none
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if ((await timeAt(mid)) <= timestamp) lo = mid;
      else hi = mid - 1;
    }
    result = lo < min ? 0 : lo;
  }
  return Math.min(Math.max(result, min), max);
}

/** Java: #getCommitLogOffsetInQueue: commit log offset of a queue offset, or 0. */
export async function commitLogOffsetInQueue(store: ReadSource, topic: string, queueId: number, queueOffset: number): Promise<number> {
  const u = await store.findConsumeQueue(topic, queueId)?.unitAt(queueOffset);
  return u?.phy ?? 0;
}

/** Java: #getMessageStoreTimeStamp: store time of a queue offset, or -1. */
export async function messageStoreTimeStamp(store: ReadSource, topic: string, queueId: number, queueOffset: number): Promise<number> {
  const u = await store.findConsumeQueue(topic, queueId)?.unitAt(queueOffset);
  if (u === undefined) return -1;
  return store.commitLog.pickupStoreTimestamp(u.phy, u.size);
}

/** Java: #getEarliestMessageTime(topic, queueId): store time of the queue's first message, or -1. */
export async function earliestMessageTime(store: ReadSource, topic: string, queueId: number): Promise<number> {
  const cq = store.findConsumeQueue(topic, queueId);
  if (cq === undefined) return -1;
  return messageStoreTimeStamp(store, topic, queueId, cq.minOffsetInQueue);
}

/** Java: #getEarliestMessageTime(): store time of the first record in the commit log, or -1. */
export async function earliestMessageTimeOfStore(store: ReadSource): Promise<number> {
  const min = store.commitLog.minOffset;
  if (min < 0) return -1;
  return store.commitLog.pickupStoreTimestamp(min, 96);
}
