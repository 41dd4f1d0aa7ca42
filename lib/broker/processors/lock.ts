import { LockBatchRequestBody, LockBatchResponseBody, UnlockBatchRequestBody } from '../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { ok, reply, type Processor, type RequestContext } from '../../remoting';
import type { BrokerContext } from '../context';

/**
 * LOCK_BATCH_MQ (41) and UNLOCK_BATCH_MQ (42) for orderly consumption. Java: rmq5 broker/src/main/java/org/apache/rocketmq/broker/processor/AdminBrokerProcessor.java #lockBatchMQ /
 * #unlockBatchMQ with RebalanceLockManager. A single broker has no replicas to ask, so the strict-mode quorum
 * (lockInStrictMode) reduces to this broker's own answer, as in Java when totalReplicas is 1.
 *
 * The LOCK answer is {"lockOKMQSet":[{"brokerName","queueId","topic"}]}: Go parses it with strict jsoniter, so
 * queueId is always a JSON number (the body codec writes it from a number).
 */
export function lockProcessors(bc: BrokerContext): [number, Processor][] {
  return [
    [RequestCode.LOCK_BATCH_MQ, (ctx) => lock(bc, ctx)],
    [RequestCode.UNLOCK_BATCH_MQ, (ctx) => unlock(bc, ctx)],
  ];
}

/** Bound on the queues one request may name (Java: none; a Java client sends its assigned queues only). */
export const LOCK_QUEUES_PER_REQUEST_MAX = 65_536;

function lock(bc: BrokerContext, ctx: RequestContext) {
  const d = LockBatchRequestBody.decode(ctx.request.body);
  if (!d.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, `LOCK_BATCH_MQ: ${d.error}`);
  const { consumerGroup, clientId, mqSet } = d.value;
  if (mqSet.length > LOCK_QUEUES_PER_REQUEST_MAX) {
    return reply(ctx, ResponseCode.SYSTEM_ERROR, `LOCK_BATCH_MQ: ${mqSet.length} queues in one request (at most ${LOCK_QUEUES_PER_REQUEST_MAX})`);
  }
  // Java's mqSet is a HashSet: a queue named twice is locked (and answered) once.
  const unique = new Map(mqSet.map((q) => [`${q.topic}\u0000${q.brokerName}\u0000${q.queueId}`, q]));
  const locked = bc.locks.tryLockBatch(consumerGroup, [...unique.values()], clientId);
  return ok(ctx, null, LockBatchResponseBody.encode({ lockOKMQSet: locked }));
}

function unlock(bc: BrokerContext, ctx: RequestContext) {
  const d = UnlockBatchRequestBody.decode(ctx.request.body);
  if (!d.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, `UNLOCK_BATCH_MQ: ${d.error}`);
  bc.locks.unlockBatch(d.value.consumerGroup, d.value.mqSet, d.value.clientId);
  return ok(ctx);
}
