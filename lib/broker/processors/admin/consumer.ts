import {
  ConsumerConnection,
  GetConsumerStatusBody,
  javaUtf8,
  outBean,
  outList,
  outMap,
  ProducerConnection,
  SubscriptionData,
  writeJson,
  type Out,
  type QueueMap,
} from '../../../../protocol/bodies';
import { languageName, MQVersionGate, mqVersionDesc, RequestCode, ResponseCode } from '../../../../protocol/codes';
import {
  ConsumeMessageDirectlyResultRequestHeader,
  encodeHeader,
  GetConsumerConnectionListRequestHeader,
  GetConsumerRunningInfoRequestHeader,
  GetConsumerStatusRequestHeader,
  GetProducerConnectionListRequestHeader,
  QuerySubscriptionByConsumerRequestHeader,
} from '../../../../protocol/headers';
import { decodeOffsetMsgId } from '../../../../protocol/message';
import { ok, reply, RemotingError, requestHeader, type Processor, type RequestContext } from '../../../remoting';
import type { BrokerContext } from '../../context';
import { connectionOf } from './common';

/**
 * Client connections and calls forwarded to clients. Java (rmq5 broker/src/main/java/org/apache/rocketmq/broker/processor/AdminBrokerProcessor.java): #getConsumerConnectionList,
 * #getProducerConnectionList, #getAllProducerInfo, #getConsumerRunningInfo, #consumeMessageDirectly,
 * #callConsumer, #getConsumerStatus, #querySubscriptionByConsumer; broker/.../client/net/Broker2Client.java
 * (#callClient: a 10 s synchronous call; #getConsumeStatus: 5 s per client).
 */
export function consumerProcessors(bc: BrokerContext): [number, Processor][] {
  return [
    [RequestCode.GET_CONSUMER_CONNECTION_LIST, (ctx) => consumerConnections(bc, ctx)],
    [RequestCode.GET_PRODUCER_CONNECTION_LIST, (ctx) => producerConnections(bc, ctx)],
    [RequestCode.GET_ALL_PRODUCER_INFO, (ctx) => allProducerInfo(bc, ctx)],
    [RequestCode.GET_CONSUMER_RUNNING_INFO, (ctx) => runningInfo(bc, ctx)],
    [RequestCode.CONSUME_MESSAGE_DIRECTLY, (ctx) => consumeMessageDirectly(bc, ctx)],
    [RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS, (ctx) => consumerStatus(bc, ctx)],
    [RequestCode.QUERY_SUBSCRIPTION_BY_CONSUMER, (ctx) => subscriptionByConsumer(bc, ctx)],
  ];
}

/** Java Broker2Client#callClient timeout. */
export const CALL_CLIENT_TIMEOUT_MS = 10_000;
/** Java Broker2Client#getConsumeStatus timeout per client. */
export const CONSUMER_STATUS_TIMEOUT_MS = 5_000;

function consumerConnections(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, GetConsumerConnectionListRequestHeader);
  if (!h.ok) return h.response;
  const g = bc.consumers.get(h.value.consumerGroup);
  if (g === undefined) return reply(ctx, ResponseCode.CONSUMER_NOT_ONLINE, `the consumer group[${h.value.consumerGroup}] not online`);
  const body = ConsumerConnection.encode({
    connectionSet: [...g.channels.values()].map(connectionOf),
    consumeFromWhere: g.consumeFromWhere,
    consumeType: g.consumeType,
    messageModel: g.messageModel,
    subscriptionTable: new Map(g.subscriptions),
  });
  return ok(ctx, null, body);
}

function producerConnections(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, GetProducerConnectionListRequestHeader);
  if (!h.ok) return h.response;
  const channels = bc.producers.channels(h.value.producerGroup);
  if (channels.length === 0) return reply(ctx, ResponseCode.SYSTEM_ERROR, `the producer group[${h.value.producerGroup}] not exist`);
  return ok(ctx, null, ProducerConnection.encode({ connectionSet: channels.map(connectionOf) }));
}

/** GET_ALL_PRODUCER_INFO (328): ProducerTableInfo {"data":{group:[ProducerInfo]}}. */
function allProducerInfo(bc: BrokerContext, ctx: RequestContext) {
  const data: [string, Out][] = [];
  for (const group of bc.producers.groupNames()) {
    const infos = bc.producers.channels(group).map((c) => {
      const language = languageName(c.language);
      return outBean({
        clientId: c.clientId,
        language,
        lastUpdateTimestamp: c.lastUpdateTimestamp,
        remoteIP: c.connection.remoteAddress,
        version: c.version,
      });
    });
    data.push([group, outList(infos)]);
  }
  return ok(ctx, null, javaUtf8(writeJson(outBean({ data: outMap(data) }))));
}

/**
 * Java AdminBrokerProcessor#callConsumer: forwards the admin's request (same ext fields and body, the broker's own
 * opaque, version and language) to the client's connection and relays its answer verbatim.
 */
async function callConsumer(bc: BrokerContext, ctx: RequestContext, code: number, group: string, clientId: string, ext: Map<string, string> | null, body: Buffer | null) {
  const c = bc.consumers.findChannel(group, clientId);
  if (c === undefined) return reply(ctx, ResponseCode.SYSTEM_ERROR, `The Consumer <${group}> <${clientId}> not online`);
  if (c.version < MQVersionGate.V3_1_8_SNAPSHOT) {
    return reply(
      ctx,
      ResponseCode.SYSTEM_ERROR,
      `The Consumer <${clientId}> Version <${mqVersionDesc(c.version)}> too low to finish, please upgrade it to V3_1_8_SNAPSHOT`,
    );
  }
  try {
    const r = await bc.toClient.call(c.connection, code, ext, body, CALL_CLIENT_TIMEOUT_MS);
    return reply(ctx, r.code, r.remark, r.extFields, r.body);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (e instanceof RemotingError && e.kind === 'TIMEOUT') {
      return reply(ctx, ResponseCode.CONSUME_MSG_TIMEOUT, `consumer <${group}> <${clientId}> Timeout: ${msg}`);
    }
    return reply(ctx, ResponseCode.SYSTEM_ERROR, `invoke consumer <${group}> <${clientId}> Exception: ${msg}`);
  }
}

function runningInfo(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, GetConsumerRunningInfoRequestHeader);
  if (!h.ok) return h.response;
  const ext = ctx.request.extFields === null ? null : new Map(ctx.request.extFields);
  return callConsumer(bc, ctx, RequestCode.GET_CONSUMER_RUNNING_INFO, h.value.consumerGroup, h.value.clientId, ext, ctx.request.body);
}

/**
 * CONSUME_MESSAGE_DIRECTLY (309, mqadmin consumeMessage): the broker adds brokerName, topicSysFlag and
 * groupSysFlag, replaces the body with the stored message named by the offset msgId, and forwards it to the client.
 */
async function consumeMessageDirectly(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, ConsumeMessageDirectlyResultRequestHeader);
  if (!h.ok) return h.response;
  const ext = new Map(ctx.request.extFields ?? []);
  ext.set('brokerName', bc.config.brokerName);
  const topic = h.value.topic;
  if (topic !== undefined && topic !== '') {
    const tc = bc.topics.get(topic);
    if (tc !== undefined) ext.set('topicSysFlag', String(tc.topicSysFlag));
  }
  const g = bc.groups.get(h.value.consumerGroup);
  if (g !== undefined) ext.set('groupSysFlag', String(g.groupSysFlag ?? 0));
  let body = ctx.request.body;
  if (h.value.msgId !== undefined) {
    let offset: number | undefined;
    try {
      offset = decodeOffsetMsgId(h.value.msgId).offset;
    } catch {
      offset = undefined; // Java: an undecodable id leaves the body as it was
    }
    if (offset !== undefined && offset >= 0) {
      const rec = await bc.store.lookMessageByOffset(offset);
      if (rec !== undefined) body = rec;
    }
  }
  return callConsumer(bc, ctx, RequestCode.CONSUME_MESSAGE_DIRECTLY, h.value.consumerGroup, h.value.clientId ?? '', ext, body);
}

/**
 * INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223): GET_CONSUMER_STATUS_FROM_CLIENT (221) to each online client (or the
 * one named by clientAddr, which Java compares with the clientId), answered as {"consumerTable":{clientId:{mq:offset}}}.
 * Clients are asked in parallel; one that fails or times out is left out, as in Java.
 */
async function consumerStatus(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, GetConsumerStatusRequestHeader);
  if (!h.ok) return h.response;
  const { topic, group, clientAddr } = h.value;
  const channels = [...(bc.consumers.get(group)?.channels.values() ?? [])];
  if (channels.length === 0) return reply(ctx, ResponseCode.SYSTEM_ERROR, `No Any Consumer online in the consumer group: [${group}]`);
  for (const c of channels) {
    if (c.version < MQVersionGate.V3_0_7_SNAPSHOT) {
      return reply(ctx, ResponseCode.SYSTEM_ERROR, `the client does not support this feature. version=${mqVersionDesc(c.version)}`);
    }
  }
  const wanted = clientAddr === undefined || clientAddr.trim() === '' ? channels : channels.filter((c) => c.clientId === clientAddr).slice(0, 1);
  const ext = encodeHeader(GetConsumerStatusRequestHeader, { topic, group });
  const table = new Map<string, QueueMap<number>>();
  await Promise.all(
    wanted.map(async (c) => {
      try {
        const r = await bc.toClient.call(c.connection, RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT, new Map(ext), null, CONSUMER_STATUS_TIMEOUT_MS);
        if (r.code !== ResponseCode.SUCCESS || r.body === null) return;
        const d = GetConsumerStatusBody.decode(r.body);
        if (d.ok) table.set(c.clientId, d.value.messageQueueTable);
        else bc.logger.warn({ group, clientId: c.clientId, err: d.error }, '[get-consumer-status] bad client answer');
      } catch (e) {
        bc.logger.warn({ group, clientId: c.clientId, err: (e as Error).message }, '[get-consumer-status] client call failed');
      }
    }),
  );
  return ok(ctx, null, GetConsumerStatusBody.encode({ consumerTable: table, messageQueueTable: [] }));
}

/** QUERY_SUBSCRIPTION_BY_CONSUMER (345): QuerySubscriptionResponseBody {group, subscriptionData, topic}. */
function subscriptionByConsumer(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, QuerySubscriptionByConsumerRequestHeader);
  if (!h.ok) return h.response;
  const { group, topic } = h.value;
  const sub = topic === undefined ? undefined : bc.consumers.findSubscription(group, topic);
  const body = outBean({ group, subscriptionData: sub === undefined ? undefined : SubscriptionData.codec.write(sub), topic });
  return ok(ctx, null, javaUtf8(writeJson(body)));
}
