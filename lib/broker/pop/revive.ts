import { decodeStoredMessage, getProperty, MessageConst, stringifyProperties, parseProperties } from '../../../protocol/message';
import { Perm, RETRY_GROUP_TOPIC_PREFIX } from '../../../protocol/naming';
import { GetMessageStatus } from '../../store';
import { InnerMessage } from '../message-build';
import { recordPopReviveGot } from '../metrics';
import { parseNormalTopic, popRetryTopic } from '../../../protocol/message';
import type { PopService } from './pop-service';
import {
  ACK_TAG,
  ACK_TIME_INTERVAL_MS,
  ackOffsetByIndex,
  BATCH_ACK_TAG,
  CK_TAG,
  ckMessage,
  indexOfAck,
  mergeKey,
  parseAck,
  parseCheckPoint,
  REVIVE_GROUP,
  reviveTime,
  type PopCheckPoint,
} from './records';

/**
 * The revive service (Java: broker/.../processor/PopReviveService.java, one per revive queue). Each round reads the
 * revive queue from the REVIVE_GROUP offset + 1 to its end: checkpoints ("ck") by merge key, acks ("ack", "bAck")
 * setting their bits; endTime is the latest TIMER_DELIVER_MS seen (or now, when nothing new came for 3 s and the
 * timer is not behind). Checkpoints in revive-queue order whose revive time is more than ackTimeInterval + 1 s
 * before endTime are revived: every message not acked is put again in the POP retry topic %RETRY%<group>_<topic>
 * (queue 0, reconsumeTimes + 1, 1ST_POP_TIME kept or set, ORIGIN_GROUP), then the REVIVE_GROUP offset moves past that checkpoint.
 * All state is in the commit log and consumerOffset.json, so a restart (or a Java broker on the same store) resumes
 * where this one stopped; a message is never lost, at worst revived twice.
 *
 * No DLQ here, as in Java 5.5.0: reviveRetry has no maxReconsumeTimes check, so a message revived past its retries
 * still goes to the POP retry topic (reconsumeTimes + 1). The DLQ is the consumer side's call (the 5.x proxy's
 * CONSUMER_SEND_MSG_BACK with delayLevel -1, send-back.ts; pop-dlq.test.ts shows both).
 *
 * A message that cannot be put in the retry topic gets a checkpoint of its own, re-put in the same revive queue
 * (Java rePutCK): rePutTimes + 1 and, when the old one was already due, its invisible time extended by the next of
 * CK_REWRITE_INTERVALS_SEC; the old checkpoint then counts as revived. With skipWhenCKRePutReachMaxTimes, one re-put
 * that many times is dropped. Only when even the re-put fails does the round stop at that checkpoint (retried next
 * round).
 */
/** Revive records read per round and queue (Java: popReviveMaxReturnSizePerRead per read, reviveScanTime per round). */
export const REVIVE_SCAN_RECORDS_MAX = 16384;
/** Records per store read. */
const READ_BATCH = 32;
/** Java: nothing new for this long and the timer is current -> endTime = now (ms). */
const IDLE_END_MS = 3000;
/** MessageConst.PROPERTY_ORIGIN_GROUP (5.5.0). */
const PROPERTY_ORIGIN_GROUP = 'ORIGIN_GROUP';
/** Java PopAckConstants.retryQueueNum: queues of a POP retry topic. */
export const POP_RETRY_QUEUE_NUM = 1;
/** Java PopReviveService.ckRewriteIntervalsInSeconds: the invisible time added at each re-put of a due checkpoint (s). */
export const CK_REWRITE_INTERVALS_SEC: readonly number[] = [10, 20, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1200, 1800, 3600, 7200];

/**
 * Java PopReviveService#rePutCK: the one-message checkpoint that replaces `old` for the message at `msgOffset`, or
 * undefined when it is dropped (re-put CK_REWRITE_INTERVALS_SEC.length times already and skipWhenMax).
 */
export function rePutCheckPoint(old: PopCheckPoint, msgOffset: number, now: number, skipWhenMax: boolean): PopCheckPoint | undefined {
  const parsed = old.rePutTimes === undefined ? 0 : Number.parseInt(old.rePutTimes, 10);
  const times = Number.isFinite(parsed) ? parsed : 0;
  if (times >= CK_REWRITE_INTERVALS_SEC.length && skipWhenMax) return undefined;
  const ck: PopCheckPoint = {
    startOffset: msgOffset,
    popTime: old.popTime,
    invisibleTime: old.invisibleTime,
    bitMap: 0,
    num: 1,
    queueId: old.queueId,
    topic: old.topic,
    cid: old.cid,
    reviveOffset: 0,
    queueOffsetDiff: [0],
    rePutTimes: String(times + 1),
  };
  if (old.brokerName !== undefined) ck.brokerName = old.brokerName;
  if (reviveTime(old) <= now) ck.invisibleTime = old.invisibleTime + CK_REWRITE_INTERVALS_SEC[Math.min(times, CK_REWRITE_INTERVALS_SEC.length - 1)]! * 1000;
  return ck;
}

export class ReviveService {
  private readonly reviveOffsets = new Map<number, number>();
  /** Java currentReviveMessageTimestamp per revive queue: the first checkpoint's revive time, or now when none. */
  private readonly currentReviveTimestamps = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = false;

  constructor(private readonly ps: PopService) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.tick(), Math.max(100, intervalMs));
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** One round over every revive queue; rounds never overlap. */
  async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      for (let q = 0; q < this.ps.reviveQueueNum && !this.stopped; q++) await this.round(q);
    } catch (err) {
      this.ps.bc.logger.error({ err }, 'POP revive round failed');
    } finally {
      this.running = false;
    }
  }

  async round(queueId: number): Promise<void> {
    const bc = this.ps.bc;
    const topic = this.ps.reviveTopic;
    const committed = bc.offsets.queryOffset(REVIVE_GROUP, topic, queueId);
    let oldOffset = Math.max(this.reviveOffsets.get(queueId) ?? -1, committed);
    let offset = oldOffset + 1;
    const map = new Map<string, PopCheckPoint>();
    let endTime = 0;
    let scanned = 0;
    while (scanned < REVIVE_SCAN_RECORDS_MAX) {
      const r = await bc.store.getMessage(topic, queueId, offset, READ_BATCH);
      if (r === undefined) break;
      if (r.status === GetMessageStatus.OFFSET_TOO_SMALL) {
        // The revive queue was truncated by retention: resume at its start (Java commits nextBeginOffset - 1).
        offset = r.nextBeginOffset;
        oldOffset = offset - 1;
        continue;
      }
      if (r.messages.length === 0) break;
      for (let i = 0; i < r.messages.length; i++) {
        const m = decodeStoredMessage(r.messages[i]!).message;
        const tags = getProperty(m.properties, MessageConst.PROPERTY_TAGS);
        const body = m.body.toString('utf8');
        if (tags === CK_TAG) {
          const ck = parseCheckPoint(body);
          if (ck === undefined || ck.topic === '' || ck.cid === '') continue;
          ck.reviveOffset = r.messageQueueOffsets[i]!;
          recordPopReviveGot(bc, ck.cid, ck.topic, queueId, 'CK');
          map.set(mergeKey(ck.topic, ck.cid, ck.queueId, ck.startOffset, ck.popTime, ck.brokerName ?? 'null'), ck);
        } else if (tags === ACK_TAG || tags === BATCH_ACK_TAG) {
          const a = parseAck(body);
          if (a === undefined) continue;
          recordPopReviveGot(bc, a.consumerGroup, a.topic, queueId, 'ACK');
          const bn = a.brokerName !== undefined && a.brokerName.trim() !== '' ? a.brokerName : bc.config.brokerName;
          const ck = map.get(mergeKey(a.topic, a.consumerGroup, a.queueId, a.startOffset, a.popTime, bn));
          if (ck === undefined) continue; // Java: enableSkipLongAwaitingAck (default false) would mock a checkpoint
          for (const o of tags === ACK_TAG ? [a.ackOffset] : (a.ackOffsetList ?? [])) {
            const idx = indexOfAck(ck, o);
            if (idx > -1) ck.bitMap |= 1 << idx;
          }
        }
        const deliver = Number(getProperty(m.properties, MessageConst.PROPERTY_TIMER_DELIVER_MS) ?? '0');
        if (Number.isFinite(deliver) && deliver > endTime) endTime = deliver;
      }
      offset += r.messages.length;
      scanned += r.messages.length;
    }
    if (endTime !== 0 && bc.now() - endTime > IDLE_END_MS && this.timerCurrent()) endTime = bc.now();
    const cks = [...map.values()];
    await this.mergeAndRevive(queueId, cks, oldOffset, endTime);
    this.currentReviveTimestamps.set(queueId, cks.length > 0 ? reviveTime(cks[0]!) : bc.now());
  }

  /** Java PopReviveService#getReviveBehindMessages / #getReviveBehindMillis for every revive queue (0 before a round). */
  behind(): { queueId: number; behindMessages: number; behindMs: number }[] {
    const out = [];
    for (let queueId = 0; queueId < this.ps.reviveQueueNum; queueId++) {
      const at = this.currentReviveTimestamps.get(queueId) ?? -1;
      const offset = this.reviveOffsets.get(queueId) ?? -1;
      const diff = at <= 0 ? 0 : this.ps.bc.store.getMaxOffsetInQueue(this.ps.reviveTopic, queueId) - offset;
      out.push({ queueId, behindMessages: Math.max(0, diff - 1), behindMs: diff > 1 ? Math.max(0, this.ps.bc.now() - at) : 0 });
    }
    return out;
  }

  /** Java: timerMessageStore dequeue and enqueue behind <= 0 (Apogee's read time moves in 1 s steps: <= 1 s). */
  private timerCurrent(): boolean {
    const t = this.ps.bc.timer;
    if (t === undefined) return true;
    const s = t.stats();
    return s.readBehindSec <= 1 && s.offsetBehind <= 0;
  }

  private async mergeAndRevive(queueId: number, cks: PopCheckPoint[], oldOffset: number, endTime: number): Promise<void> {
    const bc = this.ps.bc;
    cks.sort((a, b) => a.reviveOffset - b.reviveOffset);
    let newOffset = oldOffset;
    for (const ck of cks) {
      if (this.stopped) break;
      if (endTime - reviveTime(ck) <= ACK_TIME_INTERVAL_MS + 1000) break;
      const normal = parseNormalTopic(ck.topic, ck.cid);
      if (bc.topics.get(normal) === undefined || bc.groups.find(ck.cid) === undefined) {
        newOffset = ck.reviveOffset;
        continue;
      }
      if (!(await this.reviveMsgFromCk(ck, queueId))) break;
      newOffset = ck.reviveOffset;
    }
    if (newOffset > oldOffset && !this.stopped) bc.offsets.commitOffset(REVIVE_GROUP, this.ps.reviveTopic, queueId, newOffset);
    this.reviveOffsets.set(queueId, newOffset);
  }

  /** False when a message could be neither revived nor re-put (the checkpoint is retried next round). */
  private async reviveMsgFromCk(ck: PopCheckPoint, queueId: number): Promise<boolean> {
    const bc = this.ps.bc;
    for (let j = 0; j < ck.num; j++) {
      if ((ck.bitMap & (1 << j)) !== 0) continue;
      const msgOffset = ackOffsetByIndex(ck, j);
      const r = await bc.store.getMessage(ck.topic, ck.queueId, msgOffset, 1);
      const raw = r?.messages[0];
      if (raw === undefined || r?.messageQueueOffsets[0] !== msgOffset) {
        bc.logger.warn({ topic: ck.topic, queueId: ck.queueId, offset: msgOffset, group: ck.cid }, 'POP revive: message not found, skipped');
        continue;
      }
      if (!(await this.reviveRetry(ck, raw)) && !(await this.rePutCk(ck, msgOffset, queueId))) return false;
    }
    return true;
  }

  /** Java rePutCK; true when the new checkpoint is stored (or dropped on purpose). */
  private async rePutCk(old: PopCheckPoint, msgOffset: number, queueId: number): Promise<boolean> {
    const bc = this.ps.bc;
    const ck = rePutCheckPoint(old, msgOffset, bc.now(), bc.config.skipWhenCKRePutReachMaxTimes);
    if (ck === undefined) {
      bc.logger.warn({ topic: old.topic, group: old.cid, queueId: old.queueId, offset: msgOffset, rePutTimes: old.rePutTimes }, 'rePut CK reach max times, drop it');
      return true;
    }
    return this.ps.put(ckMessage(this.ps.reviveTopic, queueId, ck, bc.storeHost, bc.now()), { kind: 'CK', group: ck.cid, topic: ck.topic });
  }

  /** Java PopReviveService#reviveRetry. */
  private async reviveRetry(ck: PopCheckPoint, raw: Buffer): Promise<boolean> {
    const bc = this.ps.bc;
    const m = decodeStoredMessage(raw).message;
    const retryTopic = ck.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) ? ck.topic : popRetryTopic(ck.topic, ck.cid, bc.config.enableRetryTopicV2);
    this.addRetryTopicIfNotExist(retryTopic, ck.cid);
    const props = parseProperties(m.properties);
    if (m.reconsumeTimes === 0 || !props.has(MessageConst.PROPERTY_FIRST_POP_TIME)) props.set(MessageConst.PROPERTY_FIRST_POP_TIME, String(ck.popTime));
    props.set(PROPERTY_ORIGIN_GROUP, ck.cid); // 5.5.0 reviveRetry (read from the jar; not in older sources)
    const inner = new InnerMessage(retryTopic, 0, m.flag, m.sysFlag, m.bornTimestamp, bc.storeHost, bc.storeHost, m.reconsumeTimes + 1, m.body, stringifyProperties(props));
    return this.ps.put(inner, { kind: 'RETRY', group: ck.cid, topic: ck.topic });
  }

  /** Java PopReviveService#addRetryTopicIfNotExist + initPopRetryOffset. */
  private addRetryTopicIfNotExist(topic: string, group: string): void {
    const bc = this.ps.bc;
    if (bc.topics.get(topic) !== undefined) return;
    bc.topics.createInSendMessageBack(topic, POP_RETRY_QUEUE_NUM, Perm.READ | Perm.WRITE, 0);
    bc.registerSoon();
    if (bc.offsets.queryOffset(group, topic, 0) < 0) bc.offsets.commitOffset(group, topic, 0, 0);
  }
}
