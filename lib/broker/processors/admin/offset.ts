import {
  ConsumerOffsetSerializeWrapper,
  DelayOffsetSerializeWrapper,
  JAVA_WIRE_FORMAT,
  ResetOffsetBody,
  ResetOffsetBodyForC,
  type MessageQueue,
} from '../../../../protocol/bodies';
import { LanguageCode, MQVersionGate, mqVersionDesc, RequestCode, ResponseCode } from '../../../../protocol/codes';
import { CloneGroupOffsetRequestHeader, encodeHeader, ResetOffsetRequestHeader } from '../../../../protocol/headers';
import { ok, reply, requestHeader, type Processor, type RequestContext } from '../../../remoting';
import type { BrokerContext } from '../../context';
import { queueCount, queueOf } from './common';

/**
 * Consumer offset administration. Java (rmq5 broker/src/main/java/org/apache/rocketmq/broker/processor/AdminBrokerProcessor.java): #resetOffset / #resetOffsetInner (5.x server-side
 * reset), broker/.../client/net/Broker2Client#resetOffset (the classic reset through the clients),
 * #cloneGroupOffset, #getAllConsumerOffset, #getAllDelayOffset.
 */
export function offsetAdminProcessors(bc: BrokerContext): [number, Processor][] {
  return [
    [RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, (ctx) => resetOffset(bc, ctx)],
    [RequestCode.CLONE_GROUP_OFFSET, (ctx) => cloneGroupOffset(bc, ctx)],
    [RequestCode.GET_ALL_CONSUMER_OFFSET, (ctx) => allConsumerOffset(bc, ctx)],
    [RequestCode.GET_ALL_DELAY_OFFSET, (ctx) => allDelayOffset(bc, ctx)],
  ];
}

/** Java searchOffsetByTimestamp: a negative timestamp means the queue's max offset. */
function offsetByTime(bc: BrokerContext, topic: string, queueId: number, timestamp: number): Promise<number> | number {
  return timestamp < 0 ? bc.store.getMaxOffsetInQueue(topic, queueId) : bc.store.getOffsetInQueueByTime(topic, queueId, timestamp, 'LOWER');
}

async function resetOffset(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, ResetOffsetRequestHeader);
  if (!h.ok) return h.response;
  const { topic, group, queueId, timestamp, offset, isForce } = h.value;
  bc.logger.info({ topic, group, timestamp, isForce, queueId, offset, remote: ctx.connection.remoteAddress }, 'reset offset requested');
  if (bc.config.useServerSideResetOffset) return resetOffsetInner(bc, ctx, topic, group, queueId, timestamp, offset);
  return resetOffsetByClients(bc, ctx, topic, group, timestamp, isForce, ctx.request.language === LanguageCode.CPP);
}

/**
 * 5.x server-side reset (Java resetOffsetInner): the targets are stored as pending resets; the next pull of each
 * queue answers PULL_OFFSET_MOVED to the target, and the group's commits are ignored until then. No client needs
 * to be online.
 */
async function resetOffsetInner(
  bc: BrokerContext,
  ctx: RequestContext,
  topic: string,
  group: string,
  queueId: number,
  timestamp: number,
  offset: number | undefined,
) {
  // Java AdminBrokerProcessor#resetOffsetInner: a slave refuses (its offsets are copied from the master).
  if (bc.storeConfig.brokerRole === 'SLAVE') return reply(ctx, ResponseCode.SYSTEM_ERROR, 'Can not reset offset in slave broker');
  const tc = bc.topics.get(topic);
  if (tc === undefined) return reply(ctx, ResponseCode.TOPIC_NOT_EXIST, `Topic ${topic} does not exist`);
  if (!bc.groups.has(group)) return reply(ctx, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `Group ${group} does not exist`);
  const targets = new Map<number, number>();
  if (queueId >= 0) {
    let target: number;
    if (offset !== undefined && offset !== -1) {
      const min = bc.store.getMinOffsetInQueue(topic, queueId);
      const max = bc.store.getMaxOffsetInQueue(topic, queueId);
      if ((min >= 0 && offset < min) || offset > max + 1) {
        return reply(ctx, ResponseCode.SYSTEM_ERROR, `Target offset ${offset} not in consume queue range [${min}-${max}]`);
      }
      target = offset;
    } else target = await offsetByTime(bc, topic, queueId, timestamp);
    targets.set(queueId, target);
  } else {
    const n = queueCount(tc.readQueueNums);
    for (let i = 0; i < n; i++) targets.set(i, await offsetByTime(bc, topic, i, timestamp));
  }
  if (targets.size === 0) return reply(ctx, ResponseCode.SYSTEM_ERROR, 'No queues to reset.');
  const table: [MessageQueue, number][] = [];
  for (const [q, target] of targets) {
    bc.offsets.assignResetOffset(topic, group, q, target);
    table.push([queueOf(bc, topic, q), target]);
  }
  bc.logger.info({ topic, group, queues: targets.size }, 'offsets reset on the broker');
  return ok(ctx, null, ResetOffsetBody.encode({ offsetTable: table }));
}

/**
 * The classic reset (4.9.x; 5.x with useServerSideResetOffset=false, Java Broker2Client#resetOffset): compute the
 * targets, then tell every online client with RESET_CONSUMER_CLIENT_OFFSET (oneway). No online client is
 * CONSUMER_NOT_ONLINE, which makes mqadmin fall back to rewriting the committed offsets itself.
 */
async function resetOffsetByClients(bc: BrokerContext, ctx: RequestContext, topic: string, group: string, timestamp: number, isForce: boolean, isC: boolean) {
  const tc = bc.topics.get(topic);
  if (tc === undefined) {
    return reply(ctx, ResponseCode.TOPIC_NOT_EXIST, `[reset-offset] reset offset failed, no topic in this broker. topic=${topic}`);
  }
  const table: [MessageQueue, number][] = [];
  const n = queueCount(tc.writeQueueNums);
  for (let i = 0; i < n; i++) {
    const consumerOffset = bc.offsets.queryOffset(group, topic, i);
    if (consumerOffset === -1) return reply(ctx, ResponseCode.SYSTEM_ERROR, `THe consumer group <${group}> not exist`);
    let target = timestamp === -1 ? bc.store.getMaxOffsetInQueue(topic, i) : await bc.store.getOffsetInQueueByTime(topic, i, timestamp, 'LOWER');
    if (target < 0) target = 0;
    table.push([queueOf(bc, topic, i), isForce || target < consumerOffset ? target : consumerOffset]);
  }
  const channels = [...(bc.consumers.get(group)?.channels.values() ?? [])];
  if (channels.length === 0) {
    return reply(ctx, ResponseCode.CONSUMER_NOT_ONLINE, `Consumer not online, so can not reset offset, Group: ${group} Topic: ${topic} Timestamp: ${timestamp}`);
  }
  // Java's request header: topic, group, timestamp; isForce and queueId keep their defaults (false, -1).
  const ext = encodeHeader(ResetOffsetRequestHeader, { topic, group, timestamp, isForce: false });
  const body = isC
    ? ResetOffsetBodyForC.encode({ offsetTable: table.map(([q, offset]) => ({ ...q, offset })) })
    : ResetOffsetBody.encode({ offsetTable: table });
  for (const c of channels) {
    if (c.version < MQVersionGate.V3_0_7_SNAPSHOT) {
      return reply(ctx, ResponseCode.SYSTEM_ERROR, `the client does not support this feature. version=${mqVersionDesc(c.version)}`);
    }
    if (!bc.toClient.oneway(c.connection, RequestCode.RESET_CONSUMER_CLIENT_OFFSET, new Map(ext), body)) {
      bc.logger.warn({ topic, group, clientId: c.clientId }, '[reset-offset] RESET_CONSUMER_CLIENT_OFFSET not sent');
    }
  }
  return ok(ctx, null, ResetOffsetBody.encode({ offsetTable: table }));
}

/**
 * CLONE_GROUP_OFFSET (314, mqadmin cloneGroupOffset). Java clones `requestHeader.getTopic()` inside its loop, so a
 * request without a topic clones nothing ("null@src"); Apogee clones each topic of the loop, which is what the
 * tool means.
 */
function cloneGroupOffset(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, CloneGroupOffsetRequestHeader);
  if (!h.ok) return h.response;
  const { srcGroup, destGroup, topic, offline } = h.value;
  const topics = topic === undefined || topic.trim() === '' ? bc.offsets.topicsOfGroup(srcGroup) : [topic];
  const subs = bc.consumers.get(srcGroup)?.subscriptions;
  for (const t of topics) {
    if (bc.topics.get(t) === undefined) continue;
    if (!offline && subs !== undefined && subs.size > 0 && !subs.has(t)) continue;
    const src = bc.offsets.queryOffsets(srcGroup, t);
    if (src === undefined) continue;
    for (const [q, off] of [...src]) bc.offsets.commitOffset(destGroup, t, q, off);
  }
  return ok(ctx);
}

/** GET_ALL_CONSUMER_OFFSET (43, slave sync): consumerOffset.json's content, as fastjson writes it on the wire. */
function allConsumerOffset(bc: BrokerContext, ctx: RequestContext) {
  const body = ConsumerOffsetSerializeWrapper.encode({ dataVersion: bc.offsets.currentDataVersion(), offsetTable: bc.offsets.snapshot() }, JAVA_WIRE_FORMAT);
  return ok(ctx, null, body);
}

/** GET_ALL_DELAY_OFFSET (45, slave sync): delayOffset.json's content. */
function allDelayOffset(bc: BrokerContext, ctx: RequestContext) {
  return ok(ctx, null, DelayOffsetSerializeWrapper.encode(bc.schedule.snapshot(), JAVA_WIRE_FORMAT));
}
