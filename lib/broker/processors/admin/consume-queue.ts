import { outBean, outList, SubscriptionData, writeJson, javaUtf8, type Out } from '../../../../protocol/bodies';
import { ResponseCode } from '../../../../protocol/codes';
import { QueryConsumeQueueRequestHeader } from '../../../../protocol/headers';
import { reply, requestHeader, type RequestContext } from '../../../remoting';
import type { BrokerContext } from '../../context';

/**
 * QUERY_CONSUME_QUEUE (321, mqadmin queryCq). Java: rmq5 broker/src/main/java/org/apache/rocketmq/broker/processor/AdminBrokerProcessor.java#queryConsumeQueue. The answer is
 * QueryConsumeQueueResponseBody {filterData, maxQueueIndex, minQueueIndex, queueData:[ConsumeQueueData],
 * subscriptionData}. Apogee keeps no consume-queue extension (no SQL92 bitmaps), so every unit is reported as
 * Java reports a unit without CqExtUnit whose tagsCode is valid: physicOffset, physicSize, tagsCode, eval=false.
 */
export const QUERY_CQ_UNITS_MAX = 10_000;

export async function queryConsumeQueue(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, QueryConsumeQueueRequestHeader);
  if (!h.ok) return h.response;
  const { queueId, index, count, consumerGroup } = h.value;
  const topic = h.value.topic ?? 'null';
  const cq = bc.store.findConsumeQueue(topic, queueId);
  if (cq === undefined) return reply(ctx, ResponseCode.SYSTEM_ERROR, `${queueId}@${topic} is not exist!`);
  const fields: Record<string, Out | undefined> = {
    maxQueueIndex: cq.maxOffsetInQueue,
    minQueueIndex: cq.minOffsetInQueue,
  };
  if (consumerGroup !== undefined) {
    const sub = bc.consumers.findSubscription(consumerGroup, topic);
    if (sub === undefined) fields['filterData'] = `${consumerGroup}@${topic} is not online!`;
    else {
      fields['subscriptionData'] = SubscriptionData.codec.write(sub);
      // Java: JSON.toJSONString(consumerFilterData, true); a TAG subscription has no filter data.
      fields['filterData'] = 'null';
    }
  }
  if (index < cq.minOffsetInQueue || index >= cq.maxOffsetInQueue) {
    // Java answers SUCCESS without a body when the index is outside the queue.
    return reply(ctx, ResponseCode.SUCCESS, `Index ${index} of ${queueId}@${topic} is not exist!`);
  }
  const n = Math.max(0, Math.min(count, QUERY_CQ_UNITS_MAX, cq.maxOffsetInQueue - index));
  const units: Out[] = [];
  for (let i = 0; i < n; i++) {
    const u = await cq.unitAt(index + i);
    if (u === undefined) break;
    units.push(outBean({ eval: false, physicOffset: u.phy, physicSize: u.size, tagsCode: u.tagsCode }));
  }
  fields['queueData'] = outList(units);
  return reply(ctx, ResponseCode.SUCCESS, null, null, javaUtf8(writeJson(outBean(fields))));
}
