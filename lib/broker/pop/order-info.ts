import * as path from 'node:path';
import { isJsonObject, JAVA_DISK_FORMAT, outBean, outMap, outPrim, parseJson, writeJson, type JsonObject, type JsonValue, type Out } from '../../../protocol/bodies';
import { readFileWithBackup, writeFileDurably, type Logger } from '../../common';
import { retryMark } from '../../../protocol/message';

/**
 * Orderly POP state (Java 5.5.0: broker/.../pop/orderly/QueueLevelConsumerManager and its OrderInfo, with
 * QueueLevelConsumerOrderInfoLockManager; before 5.5: broker/.../offset/ConsumerOrderInfoManager). Per "topic@group" and queue: the batch in flight (its offsets, popTime, invisible
 * time, per-offset next visible times set by CHANGE_MESSAGE_INVISIBLETIME, which ones are acked, how often each was
 * delivered). While any un-acked message of that batch is still invisible the queue is blocked for every other POP
 * (checkBlock); an ack commits the offset of the first un-acked message (commitAndNext); a POP after the invisible
 * time took the same offsets again and counts one more delivery (the orderCountInfo header the client turns into
 * reconsumeTimes).
 *
 * Persisted where Java keeps it, <storePathRootDir>/config/consumerOrderInfo.json, as the 5.5.0 broker writes it
 * (broker/.../pop/orderly/QueueLevelConsumerManager, ConfigManager#persist: fastjson2 PrettyFormat, keys sorted,
 * numeric map keys unquoted, nulls left out, the offset list on one line), compact here:
 *   {"orderInfoCount":1,"orderedConsumptionLevel":"QUEUE","table":{"T@G":{0:{"a":"id","cm":1,"i":60000,
 *    "l":1700000000000,"o":[5,1,2],"oc":{5:1},"ot":{6:1700000070000},"popTime":1700000000000}}}}
 * (orderInfoCount is the number of topic@group entries, Java's table.size()).
 * Written when changed, at most every flush interval (persistIfDirty) and at stop; entries of gone topics, groups
 * and queues and those idle for CLEAN_SPAN_FROM_LAST_MS are dropped before each write (Java autoClean). The table
 * is bounded by the topics x groups x queues the broker holds.
 */
/** Java CLEAN_SPAN_FROM_LAST: an order entry not consumed for this long is dropped (ms). */
export const CLEAN_SPAN_FROM_LAST_MS = 24 * 3600 * 1000;

export interface OrderInfo {
  popTime: number;
  /** "i": the invisible time of the POP that took the batch. */
  invisibleTime?: number;
  /** "o": offsetList[0] is the first queue offset, offsetList[i > 0] the distance from it. */
  offsetList: number[];
  /** "ot": queue offset -> next visible time (CHANGE_MESSAGE_INVISIBLETIME). */
  offsetNextVisibleTime?: Map<number, number>;
  /** "oc": queue offset -> deliveries before this one (only those > 0). */
  offsetConsumedCount?: Map<number, number>;
  /** "l" */
  lastConsumeTimestamp: number;
  /** "cm": bit i set = the message at index i is acked. */
  commitOffsetBit: number;
  /** "a" */
  attemptId?: string;
}

const bit = (bits: number, i: number): boolean => (BigInt(bits) & (1n << BigInt(i))) !== 0n;
const setBit = (bits: number, i: number): number => Number(BigInt(bits) | (1n << BigInt(i)));

function queueOffsetOf(list: readonly number[], i: number): number {
  return i === 0 ? list[0]! : list[0]! + list[i]!;
}

/** Java OrderInfo#buildOffsetList. */
export function buildOffsetList(offsets: readonly number[]): number[] {
  if (offsets.length === 1) return [offsets[0]!];
  return offsets.map((o, i) => (i === 0 ? o : o - offsets[0]!));
}

/** Java OrderInfo#needBlock (may set invisibleTime, as Java does). */
export function needBlock(o: OrderInfo, attemptId: string | undefined, currentInvisibleTime: number, now: number): boolean {
  if (o.offsetList.length === 0) return false;
  if (o.attemptId !== undefined && o.attemptId === attemptId) return false;
  if (o.invisibleTime === undefined || o.invisibleTime <= 0) o.invisibleTime = currentInvisibleTime;
  for (let i = 0; i < o.offsetList.length; i++) {
    if (bit(o.commitOffsetBit, i)) continue;
    const next = o.offsetNextVisibleTime?.get(queueOffsetOf(o.offsetList, i)) ?? o.popTime + o.invisibleTime;
    if (now < next) return true;
  }
  return false;
}

/** Java OrderInfo#getLockFreeTimestamp: when the queue unblocks; undefined when unknown or nothing in flight. */
export function lockFreeTimestamp(o: OrderInfo, now: number): number | undefined {
  if (o.offsetList.length === 0) return undefined;
  for (let i = 0; i < o.offsetList.length; i++) {
    if (bit(o.commitOffsetBit, i)) continue;
    if (o.invisibleTime === undefined || o.invisibleTime <= 0) return undefined;
    const next = o.offsetNextVisibleTime?.get(queueOffsetOf(o.offsetList, i)) ?? o.popTime + o.invisibleTime;
    if (now < next) return next;
  }
  return now;
}

/** Java OrderInfo#getNextOffset: the first un-acked offset, or past the batch when all are acked. */
export function nextOffset(o: OrderInfo): number {
  const n = o.offsetList.length;
  if (n === 0) return -2;
  for (let i = 0; i < n; i++) if (!bit(o.commitOffsetBit, i)) return queueOffsetOf(o.offsetList, i);
  return queueOffsetOf(o.offsetList, n - 1) + 1;
}

export interface OrderInfoOptions {
  storePathRootDir: string;
  logger: Logger;
  now: () => number;
  /** Called with the time a blocked queue unblocks (Java ConsumerOrderInfoLockManager, when enabled). */
  onLockFree?: (topic: string, group: string, queueId: number, at: number) => void;
  /** For autoClean: the topic's read queues (undefined: no such topic) and whether the group exists. */
  readQueueNums?: (topic: string) => number | undefined;
  groupExists?: (group: string) => boolean;
}

export class ConsumerOrderInfoManager {
  private readonly table = new Map<string, Map<number, OrderInfo>>();
  private dirty = false;
  readonly file: string;

  constructor(private readonly o: OrderInfoOptions) {
    this.file = path.join(o.storePathRootDir, 'config', 'consumerOrderInfo.json');
    this.load();
  }

  get(topic: string, group: string, queueId: number): OrderInfo | undefined {
    return this.table.get(`${topic}@${group}`)?.get(queueId);
  }

  private lockFree(topic: string, group: string, queueId: number, info: OrderInfo): void {
    const at = lockFreeTimestamp(info, this.o.now());
    if (at !== undefined) this.o.onLockFree?.(topic, group, queueId, at);
  }

  /**
   * Java update: the batch a POP took (msgQueueOffsets) replaces the queue's entry, counting one more delivery for
   * offsets the previous batch also had (unless the same attemptId). Returns orderCountInfo with this queue's
   * entries appended ("<retry> qo<queueId>%<offset> <count>" per counted offset, then "<retry> <queueId> <min>").
   */
  update(attemptId: string | undefined, topic: string, group: string, queueId: number, popTime: number, invisibleTime: number, msgQueueOffsets: readonly number[], orderCountInfo: string): string {
    const key = `${topic}@${group}`;
    let qs = this.table.get(key);
    if (qs === undefined) {
      qs = new Map();
      this.table.set(key, qs);
    }
    const prev = qs.get(queueId);
    const info: OrderInfo = { popTime, invisibleTime, offsetList: buildOffsetList(msgQueueOffsets), lastConsumeTimestamp: this.o.now(), commitOffsetBit: 0 };
    if (attemptId !== undefined) info.attemptId = attemptId;
    if (prev !== undefined) {
      // Java mergeOffsetConsumedCount.
      if (prev.attemptId !== undefined && prev.attemptId === info.attemptId) {
        info.offsetConsumedCount = prev.offsetConsumedCount ?? new Map();
      } else {
        const before = new Set(prev.offsetList.map((_, i) => queueOffsetOf(prev.offsetList, i)));
        const counts = new Map<number, number>();
        for (let i = 0; i < info.offsetList.length; i++) {
          const qo = queueOffsetOf(info.offsetList, i);
          if (before.has(qo)) counts.set(qo, (prev.offsetConsumedCount?.get(qo) ?? 0) + 1);
        }
        info.offsetConsumedCount = counts;
      }
    }
    qs.set(queueId, info);
    this.dirty = true;
    const parts: string[] = orderCountInfo.length > 0 ? [orderCountInfo] : [];
    const mark = retryMark(topic);
    let min = Number.MAX_SAFE_INTEGER;
    const counts = info.offsetConsumedCount;
    if (counts !== undefined) {
      for (const qo of [...counts.keys()].sort((a, b) => a - b)) {
        const c = counts.get(qo)!;
        parts.push(`${mark} qo${queueId}%${qo} ${c}`);
        min = Math.min(min, c);
      }
      if (counts.size !== info.offsetList.length) min = 0;
    } else {
      min = 0;
    }
    parts.push(`${mark} ${queueId} ${min}`);
    this.lockFree(topic, group, queueId, info);
    return parts.join(';');
  }

  /** Java checkBlock: true while the queue's batch has an un-acked message still invisible. */
  checkBlock(attemptId: string | undefined, topic: string, group: string, queueId: number, invisibleTime: number): boolean {
    const info = this.get(topic, group, queueId);
    return info !== undefined && needBlock(info, attemptId, invisibleTime, this.o.now());
  }

  /** Java clearBlock (an offset reset). */
  clearBlock(topic: string, group: string, queueId: number): void {
    if (this.table.get(`${topic}@${group}`)?.delete(queueId) === true) this.dirty = true;
  }

  /**
   * Java commitAndNext: marks queueOffset acked; the offset to commit (>= 0), -1 illegal (not in the batch), -2
   * nothing to commit (an older batch: popTime differs).
   */
  commitAndNext(topic: string, group: string, queueId: number, queueOffset: number, popTime: number): number {
    const info = this.get(topic, group, queueId);
    if (info === undefined) {
      this.o.logger.warn({ topic, group, queueId, queueOffset }, 'orderly ack: no order info');
      return queueOffset + 1;
    }
    if (info.offsetList.length === 0) return -1;
    if (popTime !== info.popTime) {
      this.o.logger.warn({ topic, group, queueId, queueOffset, popTime, saved: info.popTime }, 'orderly ack: popTime is not the saved one');
      return -2;
    }
    const i = info.offsetList.findIndex((_, j) => queueOffsetOf(info.offsetList, j) === queueOffset);
    if (i < 0) return -1;
    info.commitOffsetBit = setBit(info.commitOffsetBit, i);
    this.dirty = true;
    this.lockFree(topic, group, queueId, info);
    return nextOffset(info);
  }

  /** Java updateNextVisibleTime (CHANGE_MESSAGE_INVISIBLETIME of an orderly message). */
  updateNextVisibleTime(topic: string, group: string, queueId: number, queueOffset: number, popTime: number, nextVisibleTime: number): void {
    const info = this.get(topic, group, queueId);
    if (info === undefined || popTime !== info.popTime) {
      this.o.logger.warn({ topic, group, queueId, queueOffset, popTime }, 'orderly change invisible time: no matching order info');
      return;
    }
    (info.offsetNextVisibleTime ??= new Map()).set(queueOffset, nextVisibleTime);
    this.dirty = true;
    this.lockFree(topic, group, queueId, info);
  }

  /** Java autoClean (before each write). */
  private autoClean(): void {
    const now = this.o.now();
    for (const [key, qs] of this.table) {
      const at = key.indexOf('@');
      const topic = key.slice(0, at);
      const group = key.slice(at + 1);
      const readQueues = this.o.readQueueNums?.(topic);
      const groupOk = this.o.groupExists?.(group) ?? true;
      if ((this.o.readQueueNums !== undefined && readQueues === undefined) || !groupOk || qs.size === 0) {
        this.table.delete(key);
        continue;
      }
      for (const [qid, info] of qs) {
        if ((readQueues !== undefined && qid >= readQueues) || now - info.lastConsumeTimestamp > CLEAN_SPAN_FROM_LAST_MS) qs.delete(qid);
      }
    }
  }

  /** The manager as 5.5.0's RemotingSerializable.toJson(manager, pretty) writes it (after autoClean, as Java). */
  encode(pretty = false): string {
    this.autoClean();
    const nums = (m: Map<number, number> | undefined): Out | undefined => (m === undefined ? undefined : outMap(m));
    const table = outMap(
      [...this.table].map(([key, qs]) => [
        key,
        outMap(
          [...qs].map(([qid, o]) => [
            qid,
            outBean({
              a: o.attemptId,
              cm: o.commitOffsetBit,
              i: o.invisibleTime,
              l: o.lastConsumeTimestamp,
              o: outPrim(o.offsetList),
              oc: nums(o.offsetConsumedCount),
              ot: nums(o.offsetNextVisibleTime),
              popTime: o.popTime,
            }),
          ]),
        ),
      ]),
    );
    const root = outBean({ orderInfoCount: this.table.size, orderedConsumptionLevel: 'QUEUE', table });
    return writeJson(root, pretty ? JAVA_DISK_FORMAT : { numericKeys: 'java' });
  }

  persistIfDirty(): void {
    if (this.dirty) this.persist();
  }

  persist(): void {
    this.dirty = false;
    try {
      writeFileDurably(this.file, this.encode(true));
    } catch (err) {
      this.dirty = true;
      this.o.logger.error({ err, file: this.file }, 'consumerOrderInfo.json not written');
    }
  }

  private load(): void {
    const root = readFileWithBackup(this.file, (text) => parseJson(text));
    const table = isJsonObject(root) ? root.get('table') : undefined;
    if (!isJsonObject(table)) return;
    for (const [key, qs] of table.entries) {
      if (typeof key !== 'string' || !isJsonObject(qs)) continue;
      const m = new Map<number, OrderInfo>();
      for (const [qid, v] of qs.entries) {
        const info = isJsonObject(v) ? decodeOrderInfo(v) : undefined;
        const q = Number(typeof qid === 'string' || typeof qid === 'number' || typeof qid === 'bigint' ? qid : NaN);
        if (info !== undefined && Number.isInteger(q)) m.set(q, info);
      }
      this.table.set(key, m);
    }
    this.o.logger.info({ file: this.file, keys: this.table.size }, 'loaded');
    // Java ConsumerOrderInfoLockManager#recover: the wake-ups of queues still blocked.
    for (const [key, qs] of this.table) {
      const at = key.indexOf('@');
      for (const [qid, info] of qs) this.lockFree(key.slice(0, at), key.slice(at + 1), qid, info);
    }
  }
}

const num = (v: JsonValue | undefined): number | undefined => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined);

function numMap(v: JsonValue | undefined): Map<number, number> | undefined {
  if (!isJsonObject(v)) return undefined;
  const m = new Map<number, number>();
  for (const [k, x] of v.entries) {
    const kk = num(typeof k === 'object' ? undefined : (k as JsonValue));
    const xx = num(x);
    if (kk !== undefined && xx !== undefined) m.set(kk, xx);
  }
  return m;
}

function decodeOrderInfo(o: JsonObject): OrderInfo | undefined {
  const list = o.get('o') ?? o.get('offsetList');
  if (!Array.isArray(list)) return undefined;
  const info: OrderInfo = {
    popTime: num(o.get('popTime')) ?? 0,
    offsetList: list.map((x) => num(x) ?? 0),
    lastConsumeTimestamp: num(o.get('l') ?? o.get('lastConsumeTimestamp')) ?? 0,
    commitOffsetBit: num(o.get('cm') ?? o.get('commitOffsetBit')) ?? 0,
  };
  const it = num(o.get('i') ?? o.get('invisibleTime'));
  if (it !== undefined) info.invisibleTime = it;
  const a = o.get('a') ?? o.get('attemptId');
  if (typeof a === 'string') info.attemptId = a;
  const ot = numMap(o.get('ot') ?? o.get('offsetNextVisibleTime'));
  if (ot !== undefined) info.offsetNextVisibleTime = ot;
  const oc = numMap(o.get('oc') ?? o.get('offsetConsumedCount'));
  if (oc !== undefined) info.offsetConsumedCount = oc;
  return info;
}
