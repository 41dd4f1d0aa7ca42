import { ResponseCode } from '../../../protocol/codes';
import { PopMessageRequestHeader, PopMessageResponseHeader, encodeHeader, type ValueOf } from '../../../protocol/headers';
import { decodeStoredMessage, encodeStoredMessage, MessageConst, parseProperties, stringifyProperties } from '../../../protocol/message';
import { isReadable, RETRY_GROUP_TOPIC_PREFIX } from '../../../protocol/naming';
import { reply, requestHeader, SUSPENDED, type ProcessorResult, type RequestContext } from '../../remoting';
import { GetMessageStatus, tagsCodeFilter, type GetMessageResult, type MessageFilter } from '../../store';
import { isTagType } from '../../filter';
import { sql92MessageFilter } from '../consumer-filter';
import type { BrokerContext } from '../context';
import { buildSubscription } from '../subscription';
import { appendMsgOffsetInfo, appendStartOffsetInfo, buildExtraInfo, POP_ORDER_REVIVE_QUEUE, popRetryTopic } from '../../../protocol/message';
import { FAQ, type PopService } from './pop-service';
import { ckMessage, type PopCheckPoint } from './records';

/**
 * POP_MESSAGE (200050). Java: broker/.../processor/PopMessageProcessor#processRequest, popMsgFromQueue,
 * getPopOffset, appendCheckPoint. The checks in Java's order; then, with probability popFromRetryProbability %, the
 * POP retry topic first; the topic's queues (all of them from a random start for queueId -1); the retry topic when
 * short. For each queue that yields messages one checkpoint goes to the revive topic (through the timer, due at
 * popTime + invisibleTime - 1 s) and, once stored, the consumer offset moves past them (Java commits it when the
 * checkpoint is stored: PopBufferMergeService#addCkJustOffset + scanCommitOffset). A message popped from the retry
 * topic is re-encoded with the request's topic and its POP_CK, as Java does (popResponseReturnActualRetryTopic false).
 * Nothing found: the request is held until a message arrives or bornTime + pollTime (pop-polling.ts), then
 * POLLING_TIMEOUT.
 *
 * Orderly (order=true, Java's FIFO POP): reviveQid 999, no retry topic, no checkpoint. A queue whose batch in flight
 * still has an invisible un-acked message is skipped (ConsumerOrderInfoManager#checkBlock, order-info.ts); otherwise
 * the batch read becomes the queue's order info and the consumer offset stays at its first message, so the batch
 * comes again after its invisible time unless acked (ack.ts commits). orderCountInfo tells how often each was
 * delivered before.
 */
type PopHeader = ValueOf<typeof PopMessageRequestHeader>;

/** Java: maxMsgNums above this is refused. */
export const POP_MSG_NUMS_MAX = 32;
/** Java PopMessageRequestHeader#isTimeoutTooMuch: a request older than bornTime + pollTime + this is refused (ms). */
export const POP_LATE_MS_MAX = 500;
/** Java ConsumeInitMode.MIN. */
const INIT_MODE_MIN = 0;

interface PopRound {
  h: PopHeader;
  filter: MessageFilter;
  reviveQid: number;
  popTime: number;
  messages: Buffer[];
  bytes: number;
  restNum: number;
  startOffsetInfo: string;
  msgOffsetInfo: string;
  /** Orderly POP only. */
  orderCountInfo: string;
}

export type PopHold = (ctx: RequestContext, h: PopHeader) => 'held' | 'full' | 'timeout';

export async function processPop(ps: PopService, ctx: RequestContext, hold: PopHold | undefined): Promise<ProcessorResult> {
  const bc = ps.bc;
  const hr = requestHeader(ctx, PopMessageRequestHeader);
  if (!hr.ok) return hr.response;
  const h = bornNow(ctx, hr.value);
  const ip = bc.config.brokerIP1;
  if (bc.now() - h.bornTime - h.pollTime > POP_LATE_MS_MAX) return reply(ctx, ResponseCode.POLLING_TIMEOUT, `the broker[${ip}] pop message is timeout too much`);
  if (!isReadable(bc.config.brokerPermission)) return reply(ctx, ResponseCode.NO_PERMISSION, `the broker[${ip}] pop message is forbidden`);
  if (h.maxMsgNums > POP_MSG_NUMS_MAX) return reply(ctx, ResponseCode.INVALID_PARAMETER, `the broker[${ip}] pop message's num is greater than 32`);
  if (!bc.storeConfig.timerWheelEnable || bc.timer === undefined) {
    return reply(ctx, ResponseCode.SYSTEM_ERROR, `the broker[${ip}] pop message is forbidden because timerWheelEnable is false`);
  }
  const tc = bc.topics.get(h.topic);
  if (tc === undefined) return reply(ctx, ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist, apply first please! ${FAQ}`);
  if (!isReadable(tc.perm)) return reply(ctx, ResponseCode.NO_PERMISSION, `the topic[${h.topic}] peeking message is forbidden`);
  if (h.queueId >= tc.readQueueNums) {
    return reply(ctx, ResponseCode.INVALID_PARAMETER, `queueId[${h.queueId}] is illegal, topic:[${h.topic}] topicConfig.readQueueNums:[${tc.readQueueNums}] consumer:[${ctx.connection.remoteAddress}]`);
  }
  const group = bc.groups.find(h.consumerGroup);
  if (group === undefined) return reply(ctx, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group [${h.consumerGroup}] does not exist, ${FAQ}`);
  if (!group.consumeEnable) return reply(ctx, ResponseCode.NO_PERMISSION, `subscription group no permission, ${h.consumerGroup}`);
  const filter = popFilter(bc, h);
  if (filter === undefined) return reply(ctx, ResponseCode.SUBSCRIPTION_PARSE_FAILED, "parse the consumer's subscription failed");

  const reviveQid = h.order ? POP_ORDER_REVIVE_QUEUE : ps.nextReviveQid();
  const round: PopRound = { h, filter, reviveQid, popTime: bc.now(), messages: [], bytes: 0, restNum: 0, startOffsetInfo: '', msgOffsetInfo: '', orderCountInfo: '' };
  const randomQ = Math.floor(Math.random() * 100);
  // Java: an orderly POP never reads the POP retry topic.
  const needRetry = randomQ < bc.config.popFromRetryProbability && !h.order;
  const retryTopic = popRetryTopic(h.topic, h.consumerGroup, bc.config.enableRetryTopicV2);
  if (needRetry) await popFromTopic(ps, round, retryTopic, true, randomQ);
  if (h.queueId < 0) await popFromTopic(ps, round, h.topic, false, randomQ);
  else await popFromQueue(ps, round, h.topic, false, h.queueId);
  if (!needRetry && !h.order && round.messages.length < h.maxMsgNums) await popFromTopic(ps, round, retryTopic, true, randomQ);

  let code: number = ResponseCode.SUCCESS;
  let remark: string = GetMessageStatus.FOUND;
  if (round.messages.length === 0) {
    // Java PopLongPollingService#polling: NOT_POLLING (pollTime <= 0) and an expired request answer POLLING_TIMEOUT.
    const held = h.pollTime > 0 && hold !== undefined ? hold(ctx, h) : 'timeout';
    if (held === 'held') return SUSPENDED;
    code = held === 'full' ? ResponseCode.POLLING_FULL : ResponseCode.POLLING_TIMEOUT;
    remark = GetMessageStatus.NO_MESSAGE_IN_QUEUE;
  }
  const ext = encodeHeader(PopMessageResponseHeader, {
    popTime: round.popTime,
    invisibleTime: h.invisibleTime,
    reviveQid: round.reviveQid,
    restNum: round.restNum,
    startOffsetInfo: round.startOffsetInfo,
    msgOffsetInfo: round.msgOffsetInfo,
    ...(h.order ? { orderCountInfo: round.orderCountInfo } : {}),
  });
  if (code !== ResponseCode.SUCCESS) return reply(ctx, code, remark, ext);
  // Java PopMessageProcessor#processRequest: found with more left (restNum > 0) wakes the held POPs of the topic ("all
  // queue pop can not notify specified queue pop"): one that found every queue locked by concurrent POPs was held
  // until its poll ended while the backlog waited (bench/grpc: 8 receivers draining 10,000 messages, both ends idle).
  if (round.restNum > 0) ps.onArrive(h.topic);
  bc.stats.getMessageTransferredTotal += round.messages.length;
  bc.stats.getFoundTotal++;
  return reply(ctx, code, remark, ext, Buffer.concat(round.messages, round.bytes));
}

/**
 * Java PopMessageProcessor#processRequest: a request without a born time (bornTime 0: the 5.x proxy sends none) is
 * born when the broker received it, and that time is written back into the request's fields so a held request,
 * processed again on wake-up, keeps it (and times out at bornTime + pollTime like any other).
 */
function bornNow(ctx: RequestContext, h: PopHeader): PopHeader {
  if (h.bornTime !== 0) return h;
  const fields = ctx.request.extFields ?? new Map<string, string>();
  fields.set('bornTime', String(ctx.receivedAt));
  ctx.request.extFields = fields;
  return { ...h, bornTime: ctx.receivedAt };
}

/** Java: FilterAPI.build(topic, exp, expType) and, for SQL92, ConsumerFilterManager.build; undefined when it fails. */
function popFilter(bc: BrokerContext, h: PopHeader): MessageFilter | undefined {
  if (h.exp === undefined || h.exp === '') return tagsCodeFilter('*');
  const built = buildSubscription(h.topic, h.exp, h.expType ?? 'TAG');
  if (!built.ok) return undefined;
  const sub = built.value;
  if (isTagType(sub.expressionType)) return sub.subString === '*' ? tagsCodeFilter('*') : tagsCodeFilter(sub.codeSet);
  if (sub.expressionType !== 'SQL92' || !bc.config.enablePropertyFilter) return undefined;
  const compiled = bc.filters.compile(sub.subString ?? '');
  return compiled.ok ? sql92MessageFilter(compiled.filter) : undefined;
}

async function popFromTopic(ps: PopService, r: PopRound, topic: string, isRetry: boolean, randomQ: number): Promise<void> {
  const tc = ps.bc.topics.get(topic);
  if (tc === undefined) return;
  for (let i = 0; i < tc.readQueueNums; i++) await popFromQueue(ps, r, topic, isRetry, (randomQ + i) % tc.readQueueNums);
}

/** Java PopMessageProcessor#getPopOffset / getInitOffset (init commits the offset it chose) / resetPopOffset. */
function popOffset(ps: PopService, topic: string, group: string, queueId: number, initMode: number): number {
  const bc = ps.bc;
  const reset = bc.offsets.takeResetOffset(topic, group, queueId);
  if (reset !== undefined) {
    ps.orders.clearBlock(topic, group, queueId);
    bc.offsets.commitOffset(group, topic, queueId, reset);
    return reset;
  }
  const committed = bc.offsets.queryOffset(group, topic, queueId);
  if (committed >= 0) return committed;
  let offset: number;
  if (initMode === INIT_MODE_MIN || topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
    offset = bc.store.getMinOffsetInQueue(topic, queueId);
  } else if (bc.config.initPopOffsetByCheckMsgInMem && bc.store.getMinOffsetInQueue(topic, queueId) <= 0 && bc.store.getMaxOffsetInQueue(topic, queueId) > 0) {
    // Java: checkInMemByConsumeOffset(topic, queueId, 0, 1) — the first message is still in the page cache.
    // Apogee's store has no page-cache view: a queue that still starts at 0 counts as "in memory".
    offset = 0;
  } else {
    offset = Math.max(0, bc.store.getMaxOffsetInQueue(topic, queueId) - 1);
  }
  bc.offsets.commitOffset(group, topic, queueId, offset);
  return offset;
}

const RESET_STATUSES: ReadonlySet<string> = new Set([GetMessageStatus.OFFSET_TOO_SMALL, GetMessageStatus.OFFSET_OVERFLOW_BADLY, GetMessageStatus.OFFSET_FOUND_NULL]);
const SKIP_STATUSES: ReadonlySet<string> = new Set([
  GetMessageStatus.NO_MATCHED_MESSAGE,
  GetMessageStatus.OFFSET_FOUND_NULL,
  GetMessageStatus.MESSAGE_WAS_REMOVING,
  GetMessageStatus.NO_MATCHED_LOGIC_QUEUE,
]);

async function popFromQueue(ps: PopService, r: PopRound, topic: string, isRetry: boolean, queueId: number): Promise<void> {
  const bc = ps.bc;
  const { h } = r;
  const lockKey = `${topic}@${h.consumerGroup}@${queueId}`;
  if (!ps.tryLock(lockKey)) {
    if (h.order) return;
    const o = bc.offsets.queryOffset(h.consumerGroup, topic, queueId);
    r.restNum += Math.max(0, bc.store.getMaxOffsetInQueue(topic, queueId) - Math.max(0, o));
    return;
  }
  try {
    let offset = popOffset(ps, topic, h.consumerGroup, queueId, h.initMode);
    // Java: a blocked orderly queue adds nothing to restNum (it would wake long polls for nothing).
    if (h.order && ps.orders.checkBlock(h.attemptId, topic, h.consumerGroup, queueId, h.invisibleTime)) return;
    const want = h.maxMsgNums - r.messages.length;
    if (want <= 0) {
      r.restNum += bc.store.getMaxOffsetInQueue(topic, queueId) - offset;
      return;
    }
    let got: GetMessageResult | undefined = await bc.store.getMessage(topic, queueId, offset, want, undefined, r.filter);
    if (got !== undefined && RESET_STATUSES.has(got.status)) {
      bc.logger.warn({ topic, queueId, group: h.consumerGroup, from: offset, to: got.nextBeginOffset }, 'Pop initial offset, because store is no correct');
      bc.offsets.commitOffset(h.consumerGroup, topic, queueId, got.nextBeginOffset);
      offset = got.nextBeginOffset;
      got = await bc.store.getMessage(topic, queueId, offset, want, undefined, r.filter);
    }
    if (got === undefined) {
      r.restNum += bc.store.getMaxOffsetInQueue(topic, queueId) - offset;
      return;
    }
    if (got.messages.length > 0 && h.order) {
      r.orderCountInfo = ps.orders.update(h.attemptId, topic, h.consumerGroup, queueId, r.popTime, h.invisibleTime, got.messageQueueOffsets, r.orderCountInfo);
      bc.offsets.commitOffset(h.consumerGroup, topic, queueId, offset);
      r.startOffsetInfo = appendStartOffsetInfo(r.startOffsetInfo, topic, queueId, offset);
      r.msgOffsetInfo = appendMsgOffsetInfo(r.msgOffsetInfo, topic, queueId, got.messageQueueOffsets);
    } else if (got.messages.length > 0) {
      const ck: PopCheckPoint = {
        startOffset: offset,
        popTime: r.popTime,
        invisibleTime: h.invisibleTime,
        bitMap: 0,
        num: got.messages.length,
        queueId,
        topic,
        cid: h.consumerGroup,
        reviveOffset: 0,
        queueOffsetDiff: got.messageQueueOffsets.map((o) => o - offset),
        brokerName: bc.config.brokerName,
      };
      if (!(await ps.put(ckMessage(ps.reviveTopic, r.reviveQid, ck, bc.storeHost, bc.now()), { kind: 'CK', group: ck.cid, topic: ck.topic }))) {
        // Java appendCheckPoint failed: the messages stay unpopped (counted as rest).
        r.restNum += got.maxOffset - got.nextBeginOffset + got.messages.length;
        return;
      }
      bc.offsets.commitOffset(h.consumerGroup, topic, queueId, got.nextBeginOffset);
      r.startOffsetInfo = appendStartOffsetInfo(r.startOffsetInfo, topic, queueId, offset);
      r.msgOffsetInfo = appendMsgOffsetInfo(r.msgOffsetInfo, topic, queueId, got.messageQueueOffsets);
    } else if (SKIP_STATUSES.has(got.status) && got.nextBeginOffset > -1) {
      // Orderly: Java commits nextBeginOffset directly; the non-orderly addCkMock ends the same way here.
      // Java addCkMock: nothing to revive, the offset moves past what the filter skipped.
      bc.offsets.commitOffset(h.consumerGroup, topic, queueId, got.nextBeginOffset);
    }
    r.restNum += got.maxOffset - got.nextBeginOffset;
    for (let i = 0; i < got.messages.length; i++) {
      const buf = isRetry ? asPoppedFromRetry(ps, r, offset, got.messages[i]!) : got.messages[i]!;
      r.messages.push(buf);
      r.bytes += buf.length;
    }
  } finally {
    ps.unlock(lockKey);
  }
}

/**
 * Java popMsgFromQueue for a retry-topic message: decoded, POP_CK put when absent (extraInfo of the retry topic, with
 * the message's own queue offset), the topic replaced by the request's, re-encoded (MessageDecoder#encode keeps the
 * queue offset, commit log offset and store time).
 */
function asPoppedFromRetry(ps: PopService, r: PopRound, startOffset: number, raw: Buffer): Buffer {
  const m = decodeStoredMessage(raw).message;
  const props = parseProperties(m.properties);
  if (!props.has(MessageConst.PROPERTY_POP_CK)) {
    props.set(MessageConst.PROPERTY_POP_CK, buildExtraInfo(startOffset, r.popTime, r.h.invisibleTime, r.reviveQid, m.topic, ps.bc.config.brokerName, m.queueId, m.queueOffset));
  }
  return encodeStoredMessage({ ...m, topic: r.h.topic, properties: stringifyProperties(props) });
}
