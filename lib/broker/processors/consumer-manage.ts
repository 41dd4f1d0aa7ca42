import * as os from 'node:os';
import { GetConsumerListByGroupResponseBody } from '../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import {
  GetConsumerListByGroupRequestHeader,
  QueryConsumerOffsetRequestHeader,
  QueryConsumerOffsetResponseHeader,
  UpdateConsumerOffsetRequestHeader,
} from '../../../protocol/headers';
import { ok, okWith, reply, requestHeader, type Processor, type RequestContext } from '../../remoting';
import type { BrokerContext } from '../context';

/**
 * GET_CONSUMER_LIST_BY_GROUP (38), QUERY_CONSUMER_OFFSET (14), UPDATE_CONSUMER_OFFSET (15).
 * Java: broker/.../processor/ConsumerManageProcessor.java.
 */
export function consumerManageProcessors(bc: BrokerContext): [number, Processor][] {
  return [
    [RequestCode.GET_CONSUMER_LIST_BY_GROUP, (ctx) => consumerList(bc, ctx)],
    [RequestCode.QUERY_CONSUMER_OFFSET, (ctx) => queryOffset(bc, ctx)],
    [RequestCode.UPDATE_CONSUMER_OFFSET, (ctx) => updateOffset(bc, ctx)],
  ];
}

function consumerList(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, GetConsumerListByGroupRequestHeader);
  if (!h.ok) return h.response;
  const g = bc.consumers.get(h.value.consumerGroup);
  const ids = g?.clientIds() ?? [];
  if (ids.length === 0) return reply(ctx, ResponseCode.SYSTEM_ERROR, `no consumer for this group, ${h.value.consumerGroup}`);
  return ok(ctx, null, GetConsumerListByGroupResponseBody.encode({ consumerIdList: ids }));
}

/**
 * Java queryConsumerOffset: the committed offset; else, when the queue's min offset is 0 and its first message is
 * still "in memory", 0 — so a new group on a young queue starts from the beginning (protocol P19); else
 * QUERY_NOT_FOUND and the client applies consumeFromWhere.
 */
function queryOffset(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, QueryConsumerOffsetRequestHeader);
  if (!h.ok) return h.response;
  const { consumerGroup, topic, queueId } = h.value;
  const offset = bc.offsets.queryOffset(consumerGroup, topic, queueId);
  if (offset >= 0) return okWith(ctx, QueryConsumerOffsetResponseHeader, { offset });
  if (h.value.setZeroIfNotFound === false) return reply(ctx, ResponseCode.QUERY_NOT_FOUND, 'Not found, do not set to zero, maybe this group boot first');
  const min = bc.store.getMinOffsetInQueue(topic, queueId);
  if (min > 0 || bc.store.getMaxOffsetInQueue(topic, queueId) === 0) {
    return reply(ctx, ResponseCode.QUERY_NOT_FOUND, 'Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first');
  }
  return firstMessageInMemory(bc, topic, queueId).then((inMem) =>
    inMem
      ? okWith(ctx, QueryConsumerOffsetResponseHeader, { offset: 0 })
      : reply(ctx, ResponseCode.QUERY_NOT_FOUND, 'Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first'),
  );
}

/** Java DefaultMessageStore#checkInMemByConsumeOffset(topic, queueId, 0, 1). */
async function firstMessageInMemory(bc: BrokerContext, topic: string, queueId: number): Promise<boolean> {
  const phy = await bc.store.getCommitLogOffsetInQueue(topic, queueId, 0);
  const inMemBytes = (os.totalmem() * bc.storeConfig.accessMessageInMemoryMaxRatio) / 100;
  return bc.store.getMaxPhyOffset() - phy < inMemBytes;
}

function updateOffset(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, UpdateConsumerOffsetRequestHeader);
  if (!h.ok) return h.response;
  const { consumerGroup, topic, queueId, commitOffset } = h.value;
  // Java 5.x ConsumerManageProcessor#updateConsumerOffset: containsSubscriptionGroup, no auto-creation (a consumer's
  // heartbeat creates its group); mqadmin cloneGroupOffset to an unknown group fails here.
  if (!bc.groups.has(consumerGroup)) return reply(ctx, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `Group ${consumerGroup} not exist!`);
  const tc = bc.topics.get(topic);
  if (tc === undefined) return reply(ctx, ResponseCode.TOPIC_NOT_EXIST, `Topic ${topic} not exist!`);
  if (queueId < 0 || queueId >= Math.max(tc.readQueueNums, tc.writeQueueNums)) {
    return reply(ctx, ResponseCode.INVALID_PARAMETER, `QueueId ${queueId} is out of range`);
  }
  if (bc.config.useServerSideResetOffset && bc.offsets.hasOffsetReset(topic, consumerGroup, queueId)) {
    return reply(ctx, ResponseCode.SUCCESS, 'Offset has been previously reset');
  }
  bc.offsets.commitOffset(consumerGroup, topic, queueId, commitOffset);
  return ok(ctx);
}
