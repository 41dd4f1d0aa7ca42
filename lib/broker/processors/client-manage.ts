import { CheckClientRequestBody, HeartbeatData } from '../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { UnregisterClientRequestHeader } from '../../../protocol/headers';
import { Perm, retryTopic, TopicSysFlag } from '../../../protocol/naming';
import { isTagType } from '../../filter';
import { ok, reply, requestHeader, type Processor, type RequestContext } from '../../remoting';
import type { ClientChannelInfo } from '../client/channel';
import type { BrokerContext } from '../context';
import { awaitTopicRegistered } from './register-wait';

/**
 * Client management: HEART_BEAT (34), UNREGISTER_CLIENT (35), CHECK_CLIENT_CONFIG (46).
 * Java: broker/.../processor/ClientManageProcessor.java.
 *
 * Heartbeat v2 (5.x, opt-in on the client): Apogee answers IS_SUPPORT_HEART_BEAT_V2=false, so clients keep sending
 * full heartbeats and a restarted broker never misses a subscription (Java answers true and tracks fingerprints).
 */
export function clientManageProcessors(bc: BrokerContext): [number, Processor][] {
  return [
    [RequestCode.HEART_BEAT, (ctx) => heartbeat(bc, ctx)],
    [RequestCode.UNREGISTER_CLIENT, (ctx) => unregister(bc, ctx)],
    [RequestCode.CHECK_CLIENT_CONFIG, (ctx) => checkClientConfig(bc, ctx)],
  ];
}

/**
 * Java ClientManageProcessor#heartBeat. Per consumer group: create %RETRY%<group> and, when it is new, register it
 * with every NameServer and wait for that (TopicConfigManager#createTopicInSendMessageBackMethod ->
 * BrokerController#registerIncrementBrokerData, synchronous) before the consumer is registered — which sends
 * NOTIFY_CONSUMER_IDS_CHANGED — and before the answer: the client's rebalance looks the retry topic up at once, and
 * a route that is not there yet costs it a 30 s route poll (the first retry ~40 s late instead of ~10 s).
 */
async function heartbeat(bc: BrokerContext, ctx: RequestContext) {
  if (ctx.request.body === null) return reply(ctx, ResponseCode.SYSTEM_ERROR, 'HEART_BEAT without a HeartbeatData body');
  const d = HeartbeatData.decode(ctx.request.body);
  if (!d.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, `HEART_BEAT: ${d.error}`);
  const hb = d.value;
  const info = (): ClientChannelInfo => ({
    connection: ctx.connection,
    clientId: hb.clientID,
    language: ctx.request.language,
    version: ctx.request.version,
    lastUpdateTimestamp: bc.now(),
  });
  let subChange = false;
  for (const cd of hb.consumerDataSet) {
    const group = bc.groups.find(cd.groupName);
    if (group === undefined) continue;
    const hasOrderTopicSub = cd.subscriptionDataSet.some((s) => bc.topics.get(s.topic)?.order === true);
    const topicSysFlag = cd.unitMode ? TopicSysFlag.UNIT_SUB : 0;
    const retry = retryTopic(cd.groupName);
    const isNew = bc.topics.get(retry) === undefined;
    const created = bc.topics.createInSendMessageBack(retry, group.retryQueueNums, Perm.READ | Perm.WRITE, topicSysFlag, hasOrderTopicSub);
    if (isNew && created !== undefined) {
      await awaitTopicRegistered(bc);
      // The client went away while the NameServers were asked: nothing to register (its channel is already gone).
      if (ctx.connection.closed) return reply(ctx, ResponseCode.SYSTEM_ERROR, 'the client connection closed during HEART_BEAT');
    }
    const withoutSub = hb.withoutSub === true && (hb.heartbeatFingerprint ?? 0) !== 0;
    if (withoutSub && bc.consumers.get(cd.groupName) === undefined) subChange = true;
    bc.consumers.register(
      cd.groupName,
      info(),
      cd.consumeType ?? 'CONSUME_PASSIVELY',
      cd.messageModel ?? 'CLUSTERING',
      cd.consumeFromWhere ?? 'CONSUME_FROM_LAST_OFFSET',
      withoutSub ? undefined : cd.subscriptionDataSet,
      group.notifyConsumerIdsChangedEnable && bc.config.notifyConsumerIdsChangedEnable,
    );
    // Java: DefaultConsumerIdsChangeListener REGISTER -> ConsumerFilterManager#register (compiles SQL92 subscriptions).
    if (!withoutSub) bc.filters.register(cd.groupName, cd.subscriptionDataSet);
  }
  for (const pd of hb.producerDataSet) bc.producers.register(pd.groupName, info());
  return ok(
    ctx,
    new Map([
      ['IS_SUPPORT_HEART_BEAT_V2', 'false'],
      ['IS_SUB_CHANGE', String(subChange)],
    ]),
  );
}

function unregister(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, UnregisterClientRequestHeader);
  if (!h.ok) return h.response;
  if (h.value.producerGroup !== undefined) bc.producers.unregister(h.value.producerGroup, ctx.connection);
  if (h.value.consumerGroup !== undefined) {
    const g = bc.groups.get(h.value.consumerGroup);
    bc.consumers.unregister(h.value.consumerGroup, ctx.connection, (g?.notifyConsumerIdsChangedEnable ?? true) && bc.config.notifyConsumerIdsChangedEnable);
  }
  return ok(ctx);
}

/**
 * Sent by Java push consumers at start for each non-TAG (SQL92) subscription (MQClientInstance#checkClientInBroker;
 * a refusal makes DefaultMQPushConsumer#start throw MQClientException with this code and remark).
 * Java: ClientManageProcessor#checkClientConfig: TAG -> SUCCESS; enablePropertyFilter=false -> SYSTEM_ERROR;
 * an expression that does not compile -> SUBSCRIPTION_PARSE_FAILED with the parser's message.
 */
function checkClientConfig(bc: BrokerContext, ctx: RequestContext) {
  if (ctx.request.body === null) return ok(ctx);
  const d = CheckClientRequestBody.decode(ctx.request.body);
  if (!d.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, `CHECK_CLIENT_CONFIG: ${d.error}`);
  const sub = d.value.subscriptionData;
  if (sub === undefined || sub === null) return ok(ctx);
  if (isTagType(sub.expressionType)) return ok(ctx);
  if (!bc.config.enablePropertyFilter) {
    return reply(ctx, ResponseCode.SYSTEM_ERROR, `The broker does not support consumer to filter message by ${sub.expressionType}`);
  }
  if (sub.expressionType !== 'SQL92') {
    // Java: FilterFactory has no such type -> NullPointerException, whose message is null.
    return reply(ctx, ResponseCode.SUBSCRIPTION_PARSE_FAILED, null);
  }
  const compiled = bc.filters.compile(sub.subString ?? '');
  if (!compiled.ok) {
    bc.logger.warn({ clientId: d.value.clientId, group: d.value.group, expression: sub.subString, error: compiled.error }, 'client filters by SQL92 but the expression does not compile');
    return reply(ctx, ResponseCode.SUBSCRIPTION_PARSE_FAILED, compiled.error);
  }
  return ok(ctx);
}
