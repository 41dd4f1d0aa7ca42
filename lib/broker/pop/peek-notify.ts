import { ResponseCode } from '../../../protocol/codes';
import {
  encodeHeader,
  NotificationRequestHeader,
  NotificationResponseHeader,
  PeekMessageRequestHeader,
  PollingInfoRequestHeader,
  PollingInfoResponseHeader,
  PopMessageResponseHeader,
} from '../../../protocol/headers';
import { isReadable } from '../../../protocol/naming';
import { reply, requestHeader, SUSPENDED, type ProcessorResult, type RequestContext } from '../../remoting';
import { GetMessageStatus } from '../../store';
import { popRetryTopic } from '../../../protocol/message';
import { FAQ, type PopService } from './pop-service';

/**
 * PEEK_MESSAGE (200052), NOTIFICATION (200054) and POLLING_INFO (200055), as Java 5.5 serves them
 * (broker/.../processor/PeekMessageProcessor, NotificationProcessor, PollingInfoProcessor). All three first check,
 * in Java's order, the broker's and the topic's read permission, the queue id, the group and its consumeEnable.
 *   PEEK: reads messages from the group's POP offset without popping (no checkpoint, no offset change): the POP
 *     retry topic first one time in five, the topic's queues (all from a random start for queueId -1), the retry
 *     topic when short. SUCCESS "FOUND" with the messages, or PULL_NOT_FOUND "NO_MESSAGE_IN_QUEUE"; restNum set.
 *   NOTIFICATION: whether a POP would find something (a backlog past the POP offset; a blocked orderly queue has
 *     none), held like a POP (the notification long polling, woken by arrivals in the topic or its retry topic)
 *     when not; SUCCESS with hasMsg, pollingFull when the hold was refused for being full.
 *   POLLING_INFO: how many POPs are held for (topic, group, queueId) now (pollingNum).
 */
type Checked = { ok: true } | { ok: false; response: ProcessorResult };

/** Java's common checks of the three processors (remarks say "peeking", as Java's do). */
function check(ps: PopService, ctx: RequestContext, topic: string, queueId: number, group: string): Checked {
  const bc = ps.bc;
  const no = (code: number, remark: string): Checked => ({ ok: false, response: reply(ctx, code, remark) });
  if (!isReadable(bc.config.brokerPermission)) return no(ResponseCode.NO_PERMISSION, `the broker[${bc.config.brokerIP1}] peeking message is forbidden`);
  const tc = bc.topics.get(topic);
  if (tc === undefined) return no(ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist, apply first please! ${FAQ}`);
  if (!isReadable(tc.perm)) return no(ResponseCode.NO_PERMISSION, `the topic[${topic}] peeking message is forbidden`);
  if (queueId >= tc.readQueueNums) {
    return no(ResponseCode.INVALID_PARAMETER, `queueId[${queueId}] is illegal, topic:[${topic}] topicConfig.readQueueNums:[${tc.readQueueNums}] consumer:[${ctx.connection.remoteAddress}]`);
  }
  const g = bc.groups.find(group);
  if (g === undefined) return no(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group [${group}] does not exist, ${FAQ}`);
  if (!g.consumeEnable) return no(ResponseCode.NO_PERMISSION, `subscription group no permission, ${group}`);
  return { ok: true };
}

/** Java Peek/NotificationProcessor#getPopOffset: the committed offset, else the queue's minimum (never written). */
function peekOffset(ps: PopService, topic: string, group: string, queueId: number): number {
  const o = ps.bc.offsets.queryOffset(group, topic, queueId);
  return o >= 0 ? o : ps.bc.store.getMinOffsetInQueue(topic, queueId);
}

const queueOrder = (n: number, randomQ: number): number[] => Array.from({ length: n }, (_, i) => (randomQ + i) % n);

export async function processPeek(ps: PopService, ctx: RequestContext): Promise<ProcessorResult> {
  const bc = ps.bc;
  const hr = requestHeader(ctx, PeekMessageRequestHeader);
  if (!hr.ok) return hr.response;
  const h = hr.value;
  const c = check(ps, ctx, h.topic, h.queueId, h.consumerGroup);
  if (!c.ok) return c.response;
  const randomQ = Math.floor(Math.random() * 100);
  const needRetry = randomQ % 5 === 0;
  const retryTopic = popRetryTopic(h.topic, h.consumerGroup, bc.config.enableRetryTopicV2);
  const messages: Buffer[] = [];
  let restNum = 0;
  const peekQueue = async (topic: string, queueId: number): Promise<void> => {
    let offset = peekOffset(ps, topic, h.consumerGroup, queueId);
    restNum += bc.store.getMaxOffsetInQueue(topic, queueId) - offset;
    if (messages.length >= h.maxMsgNums) return;
    let got = await bc.store.getMessage(topic, queueId, offset, h.maxMsgNums - messages.length);
    if (got !== undefined && (got.status === GetMessageStatus.OFFSET_TOO_SMALL || got.status === GetMessageStatus.OFFSET_OVERFLOW_BADLY)) {
      offset = got.nextBeginOffset;
      got = await bc.store.getMessage(topic, queueId, offset, h.maxMsgNums - messages.length);
    }
    if (got !== undefined) messages.push(...got.messages);
  };
  const peekTopic = async (topic: string): Promise<void> => {
    const tc = bc.topics.get(topic);
    if (tc === undefined) return;
    for (const q of queueOrder(tc.readQueueNums, randomQ)) await peekQueue(topic, q);
  };
  if (needRetry) await peekTopic(retryTopic);
  if (h.queueId < 0) await peekTopic(h.topic);
  else await peekQueue(h.topic, h.queueId);
  if (!needRetry && messages.length < h.maxMsgNums) await peekTopic(retryTopic);
  // Java: PopMessageResponseHeader with only restNum set (the primitives stay 0).
  const ext = encodeHeader(PopMessageResponseHeader, { popTime: 0, invisibleTime: 0, reviveQid: 0, restNum });
  if (messages.length === 0) return reply(ctx, ResponseCode.PULL_NOT_FOUND, GetMessageStatus.NO_MESSAGE_IN_QUEUE, ext);
  return reply(ctx, ResponseCode.SUCCESS, GetMessageStatus.FOUND, ext, Buffer.concat(messages));
}

/** Holds a NOTIFICATION: 'held', or why not ('full' -> pollingFull, 'timeout' -> answered now). */
export type NotificationHold = (ctx: RequestContext, topic: string, group: string, queueId: number, bornTime: number, pollTime: number) => 'held' | 'full' | 'timeout';

export function processNotification(ps: PopService, ctx: RequestContext, hold: NotificationHold | undefined): ProcessorResult {
  const bc = ps.bc;
  // Java: BORN_TIME added when absent or "0" (the request is re-read with it when woken).
  const fields = ctx.request.extFields;
  if (fields !== null && fields !== undefined && (fields.get('bornTime') ?? '0') === '0') fields.set('bornTime', String(bc.now()));
  const hr = requestHeader(ctx, NotificationRequestHeader);
  if (!hr.ok) return hr.response;
  const h = hr.value;
  const c = check(ps, ctx, h.topic, h.queueId, h.consumerGroup);
  if (!c.ok) return c.response;
  const hasMsgFromQueue = (topic: string, queueId: number): boolean => {
    if (h.order && ps.orders.checkBlock(h.attemptId, h.topic, h.consumerGroup, queueId, 0)) return false;
    return bc.store.getMaxOffsetInQueue(topic, queueId) - peekOffset(ps, topic, h.consumerGroup, queueId) > 0;
  };
  const randomQ = Math.floor(Math.random() * 100);
  const hasMsgFromTopic = (topic: string): boolean => {
    const tc = bc.topics.get(topic);
    return tc !== undefined && queueOrder(tc.readQueueNums, randomQ).some((q) => hasMsgFromQueue(topic, q));
  };
  const needRetry = randomQ % 5 === 0;
  const retryTopic = popRetryTopic(h.topic, h.consumerGroup, bc.config.enableRetryTopicV2);
  let hasMsg = needRetry && hasMsgFromTopic(retryTopic);
  if (!hasMsg) {
    hasMsg = h.queueId < 0 ? hasMsgFromTopic(h.topic) : hasMsgFromQueue(h.topic, h.queueId);
    if (!needRetry && !hasMsg) hasMsg = hasMsgFromTopic(retryTopic);
  }
  let pollingFull = false;
  if (!hasMsg) {
    // Java PopLongPollingService#polling: NOT_POLLING (pollTime <= 0) and an expired request answer at once.
    const held = h.pollTime > 0 && hold !== undefined ? hold(ctx, h.topic, h.consumerGroup, h.queueId, h.bornTime, h.pollTime) : 'timeout';
    if (held === 'held') return SUSPENDED;
    pollingFull = held === 'full';
  }
  return reply(ctx, ResponseCode.SUCCESS, null, encodeHeader(NotificationResponseHeader, { hasMsg, pollingFull }));
}

export function processPollingInfo(ps: PopService, ctx: RequestContext, heldPops: (key: string) => number): ProcessorResult {
  const hr = requestHeader(ctx, PollingInfoRequestHeader);
  if (!hr.ok) return hr.response;
  const h = hr.value;
  const c = check(ps, ctx, h.topic, h.queueId, h.consumerGroup);
  if (!c.ok) return c.response;
  // Java KeyBuilder#buildPollingKey: topic@group@queueId, the POP long polling's key.
  const pollingNum = heldPops(`${h.topic}@${h.consumerGroup}@${h.queueId}`);
  return reply(ctx, ResponseCode.SUCCESS, null, encodeHeader(PollingInfoResponseHeader, { pollingNum }));
}
