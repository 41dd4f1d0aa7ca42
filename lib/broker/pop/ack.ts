import { ResponseCode } from '../../../protocol/codes';
import { AckMessageRequestHeader, ChangeInvisibleTimeRequestHeader, ChangeInvisibleTimeResponseHeader, encodeHeader, type ValueOf } from '../../../protocol/headers';
import { ok, reply, requestHeader, type ProcessorResult, type RequestContext } from '../../remoting';
import { parseExtraInfo, POP_ORDER_REVIVE_QUEUE, realTopic } from '../../../protocol/message';
import { FAQ, type PopService } from './pop-service';
import { ackMessage, ckMessage, type AckMsg, type PopCheckPoint } from './records';

/**
 * ACK_MESSAGE (200051), BATCH_ACK_MESSAGE (200151) and CHANGE_MESSAGE_INVISIBLETIME (200053).
 * Java: broker/.../processor/AckMessageProcessor#processRequest/appendAck and ChangeInvisibleTimeProcessor#
 * processRequestAsync/appendCheckPointThenAckOrigin/ackOrigin. An ack is an AckMsg ("ack", or "bAck" with the
 * offsets of a batch) in the revive queue of its checkpoint, due at popTime + invisibleTime; changing the invisible
 * time writes a new one-message checkpoint (popTime = now) and then acks the original.
 * Orderly (reviveQid 999): an ack commits the consumer offset of the first un-acked message of the batch
 * (AckMessageProcessor#ackOrderly, ConsumerOrderInfoManager#commitAndNext) and wakes held POPs when the queue
 * unblocks; changing the invisible time sets that message's next visible time
 * (ChangeInvisibleTimeProcessor#processChangeInvisibleTimeForOrder). No revive record is written for either.
 */

/** Stored acks per BATCH_ACK_MESSAGE request body. */
export const BATCH_ACK_ENTRIES_MAX = 1024;

/** The topic exists and the queue is one of its read queues (Java: AckMessageProcessor / ChangeInvisibleTimeProcessor). */
function checkQueue(ps: PopService, ctx: RequestContext, topic: string, queueId: number): ProcessorResult | undefined {
  const tc = ps.bc.topics.get(topic);
  if (tc === undefined) return reply(ctx, ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist, apply first please! ${FAQ}`);
  if (queueId >= tc.readQueueNums || queueId < 0) {
    return reply(ctx, ResponseCode.MESSAGE_ILLEGAL, `queueId[${queueId}] is illegal, topic:[${topic}] topicConfig.readQueueNums:[${tc.readQueueNums}] consumer:[${ctx.connection.remoteAddress}]`);
  }
  return undefined;
}

export async function processAck(ps: PopService, ctx: RequestContext): Promise<ProcessorResult> {
  const bc = ps.bc;
  const hr = requestHeader(ctx, AckMessageRequestHeader);
  if (!hr.ok) return hr.response;
  const h = hr.value;
  const bad = checkQueue(ps, ctx, h.topic, h.queueId);
  if (bad !== undefined) return bad;
  const min = bc.store.getMinOffsetInQueue(h.topic, h.queueId);
  const max = bc.store.getMaxOffsetInQueue(h.topic, h.queueId);
  if (h.offset < min || h.offset > max) {
    return reply(ctx, ResponseCode.NO_MESSAGE, `offset is illegal, key:${h.topic}@${h.queueId}, commit:${h.offset}, store:${min}~${max}`);
  }
  const x = parseExtraInfo(h.extraInfo);
  if (!x.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, x.error);
  const e = x.value;
  if (e.reviveQid === POP_ORDER_REVIVE_QUEUE) {
    const illegal = await ackOrderly(ps, h.topic, h.consumerGroup, h.queueId, h.offset, e.popTime, e.invisibleTime, ctx.connection.remoteAddress);
    return illegal === undefined ? ok(ctx) : reply(ctx, ResponseCode.MESSAGE_ILLEGAL, illegal);
  }
  const ack: AckMsg = { ackOffset: h.offset, startOffset: e.ckQueueOffset, consumerGroup: h.consumerGroup, topic: h.topic, queueId: h.queueId, popTime: e.popTime, brokerName: e.brokerName };
  // Java answers SUCCESS whatever the put returned (handlePutMessageResult only logs).
  await ps.put(ackMessage(ps.reviveTopic, e.reviveQid, ack, e.invisibleTime, bc.storeHost, bc.now()), { kind: 'ACK', group: ack.consumerGroup, topic: ack.topic });
  return ok(ctx);
}

/**
 * Java AckMessageProcessor#ackOrderly: undefined when done (or nothing to do), else the MESSAGE_ILLEGAL remark.
 */
export async function ackOrderly(ps: PopService, topic: string, group: string, queueId: number, ackOffset: number, popTime: number, invisibleTime: number, remote: string): Promise<string | undefined> {
  const bc = ps.bc;
  const lockKey = `${topic}@${group}@${queueId}`;
  if (ackOffset < bc.offsets.queryOffset(group, topic, queueId)) return undefined;
  await ps.lock(lockKey);
  try {
    const oldOffset = bc.offsets.queryOffset(group, topic, queueId);
    if (ackOffset < oldOffset) return undefined;
    const next = ps.orders.commitAndNext(topic, group, queueId, ackOffset, popTime);
    if (next > -1) {
      if (!bc.offsets.hasOffsetReset(topic, group, queueId)) bc.offsets.commitOffset(group, topic, queueId, next);
      if (!ps.orders.checkBlock(undefined, topic, group, queueId, invisibleTime)) ps.onArrive(topic);
    } else if (next === -1) {
      const remark = `offset is illegal, key:${lockKey}, old:${oldOffset}, commit:${ackOffset}, next:${next}, ${remote}`;
      bc.logger.warn({ topic, group, queueId, ackOffset }, remark);
      return remark;
    }
    return undefined;
  } finally {
    ps.unlock(lockKey);
  }
}

interface BatchAck {
  consumerGroup: string;
  topic: string;
  retry: string;
  startOffset: number;
  queueId: number;
  reviveQueueId: number;
  popTime: number;
  invisibleTime: number;
  /** Set bits: indexes (from startOffset) of acked messages. */
  bits: number[];
}

/** java.util.BitSet#toByteArray as fastjson writes a byte[] (base64): bit i is byte i/8, bit i%8. */
export function bitSetIndexes(base64: string): number[] {
  const bytes = Buffer.from(base64, 'base64');
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) for (let b = 0; b < 8; b++) if ((bytes[i]! & (1 << b)) !== 0) out.push(i * 8 + b);
  return out;
}

/** BatchAckMessageRequestBody {"acks":[{"b":..,"c":..,"it":..,"pt":..,"q":..,"r":..,"rq":..,"so":..,"t":..}],"brokerName":..}. */
export function parseBatchAckBody(body: Buffer | null): { brokerName: string | undefined; acks: BatchAck[] } | undefined {
  if (body === null || body.length === 0) return undefined;
  let o: unknown;
  try {
    o = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (o === null || typeof o !== 'object') return undefined;
  const root = o as Record<string, unknown>;
  const list = root['acks'];
  if (!Array.isArray(list)) return undefined;
  const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
  const acks: BatchAck[] = [];
  for (const raw of list) {
    if (raw === null || typeof raw !== 'object') continue;
    const a = raw as Record<string, unknown>;
    const pick = (s: string, l: string): unknown => a[s] ?? a[l];
    const b = pick('b', 'bitSet');
    acks.push({
      consumerGroup: String(pick('c', 'consumerGroup') ?? ''),
      topic: String(pick('t', 'topic') ?? ''),
      retry: String(pick('r', 'retry') ?? '0'),
      startOffset: num(pick('so', 'startOffset')),
      queueId: num(pick('q', 'queueId')),
      reviveQueueId: num(pick('rq', 'reviveQueueId')),
      popTime: num(pick('pt', 'popTime')),
      invisibleTime: num(pick('it', 'invisibleTime')),
      bits: typeof b === 'string' ? bitSetIndexes(b) : [],
    });
  }
  return { brokerName: typeof root['brokerName'] === 'string' ? root['brokerName'] : undefined, acks };
}

export async function processBatchAck(ps: PopService, ctx: RequestContext): Promise<ProcessorResult> {
  const bc = ps.bc;
  const body = parseBatchAckBody(ctx.request.body);
  if (body === undefined || body.acks.length === 0) return reply(ctx, ResponseCode.NO_MESSAGE, null);
  if (body.acks.length > BATCH_ACK_ENTRIES_MAX) {
    return reply(ctx, ResponseCode.MESSAGE_ILLEGAL, `batch ack has ${body.acks.length} entries, more than BATCH_ACK_ENTRIES_MAX ${BATCH_ACK_ENTRIES_MAX}; split it`);
  }
  let illegal: string | undefined;
  for (const b of body.acks) {
    const topic = realTopic(b.topic, b.consumerGroup, b.retry);
    if (topic === undefined) continue;
    const min = bc.store.getMinOffsetInQueue(topic, b.queueId);
    const max = bc.store.getMaxOffsetInQueue(topic, b.queueId);
    if (min === -1 || max === -1) continue;
    const offsets = b.bits.map((i) => b.startOffset + i).filter((o) => o >= min && o <= max);
    if (b.reviveQueueId === POP_ORDER_REVIVE_QUEUE) {
      // Java: each offset acked orderly; a MESSAGE_ILLEGAL one sets the response code and the others still go on.
      for (const o of offsets) illegal = (await ackOrderly(ps, topic, b.consumerGroup, b.queueId, o, b.popTime, b.invisibleTime, ctx.connection.remoteAddress)) ?? illegal;
      continue;
    }
    if (offsets.length === 0) continue;
    const ack: AckMsg = { ackOffset: -1, startOffset: b.startOffset, consumerGroup: b.consumerGroup, topic, queueId: b.queueId, popTime: b.popTime, ackOffsetList: offsets };
    if (body.brokerName !== undefined) ack.brokerName = body.brokerName;
    await ps.put(ackMessage(ps.reviveTopic, b.reviveQueueId, ack, b.invisibleTime, bc.storeHost, bc.now()), { kind: 'ACK', group: ack.consumerGroup, topic: ack.topic });
  }
  return illegal === undefined ? ok(ctx) : reply(ctx, ResponseCode.MESSAGE_ILLEGAL, illegal);
}

export async function processChangeInvisibleTime(ps: PopService, ctx: RequestContext): Promise<ProcessorResult> {
  const bc = ps.bc;
  const hr = requestHeader(ctx, ChangeInvisibleTimeRequestHeader);
  if (!hr.ok) return hr.response;
  const h = hr.value;
  const bad = checkQueue(ps, ctx, h.topic, h.queueId);
  if (bad !== undefined) return bad;
  const min = bc.store.getMinOffsetInQueue(h.topic, h.queueId);
  const max = bc.store.getMaxOffsetInQueue(h.topic, h.queueId);
  if (h.offset < min || h.offset >= max) return reply(ctx, ResponseCode.NO_MESSAGE, null);
  const x = parseExtraInfo(h.extraInfo);
  if (!x.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, x.error);
  const e = x.value;
  if (e.reviveQid === POP_ORDER_REVIVE_QUEUE) return changeInvisibleTimeOrderly(ps, ctx, h, e.popTime, e.reviveQid);
  const now = bc.now();
  const ck: PopCheckPoint = {
    startOffset: h.offset,
    popTime: now,
    invisibleTime: h.invisibleTime,
    bitMap: 0,
    num: 1,
    queueId: h.queueId,
    topic: h.topic,
    cid: h.consumerGroup,
    reviveOffset: 0,
    queueOffsetDiff: [0],
    brokerName: e.brokerName,
  };
  // Java appendCheckPointThenAckOrigin: the new checkpoint first, then the ack of the original one.
  if (!(await ps.put(ckMessage(ps.reviveTopic, e.reviveQid, ck, bc.storeHost, now), { kind: 'CK', group: ck.cid, topic: ck.topic }))) return reply(ctx, ResponseCode.SYSTEM_ERROR, null);
  const ack: AckMsg = { ackOffset: h.offset, startOffset: e.ckQueueOffset, consumerGroup: h.consumerGroup, topic: h.topic, queueId: h.queueId, popTime: e.popTime, brokerName: e.brokerName };
  await ps.put(ackMessage(ps.reviveTopic, e.reviveQid, ack, e.invisibleTime, bc.storeHost, bc.now()), { kind: 'ACK', group: ack.consumerGroup, topic: ack.topic });
  const ext = encodeHeader(ChangeInvisibleTimeResponseHeader, { popTime: now, invisibleTime: h.invisibleTime, reviveQid: e.reviveQid });
  return reply(ctx, ResponseCode.SUCCESS, null, ext);
}

/** Java ChangeInvisibleTimeProcessor#processChangeInvisibleTimeForOrder. */
async function changeInvisibleTimeOrderly(ps: PopService, ctx: RequestContext, h: ValueOf<typeof ChangeInvisibleTimeRequestHeader>, popTime: number, reviveQid: number): Promise<ProcessorResult> {
  const bc = ps.bc;
  const lockKey = `${h.topic}@${h.consumerGroup}@${h.queueId}`;
  // Java: an offset already committed past answers SUCCESS with an empty header (zeros).
  const past = encodeHeader(ChangeInvisibleTimeResponseHeader, { popTime: 0, invisibleTime: 0, reviveQid: 0 });
  if (h.offset < bc.offsets.queryOffset(h.consumerGroup, h.topic, h.queueId)) return reply(ctx, ResponseCode.SUCCESS, null, past);
  await ps.lock(lockKey);
  try {
    if (h.offset < bc.offsets.queryOffset(h.consumerGroup, h.topic, h.queueId)) return reply(ctx, ResponseCode.SUCCESS, null, past);
    const nextVisibleTime = bc.now() + h.invisibleTime;
    ps.orders.updateNextVisibleTime(h.topic, h.consumerGroup, h.queueId, h.offset, popTime, nextVisibleTime);
    const ext = encodeHeader(ChangeInvisibleTimeResponseHeader, { popTime, invisibleTime: nextVisibleTime - popTime, reviveQid });
    return reply(ctx, ResponseCode.SUCCESS, null, ext);
  } finally {
    ps.unlock(lockKey);
  }
}
