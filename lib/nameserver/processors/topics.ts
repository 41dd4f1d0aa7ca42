import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { DeleteTopicFromNamesrvRequestHeader, GetTopicsByClusterRequestHeader, RegisterTopicRequestHeader } from '../../../protocol/headers';
import { ok, reply, requestHeader, type Processor, type RequestContext } from '../../remoting';
import * as codec from '../codec';
import type { NamesrvContext } from '../context';

/**
 * Topic-list and topic admin codes: GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206), DELETE_TOPIC_IN_NAMESRV (216),
 * REGISTER_TOPIC_IN_NAMESRV (217), GET_TOPICS_BY_CLUSTER (224), GET_SYSTEM_TOPIC_LIST_FROM_NS (304), and the
 * unit lists 311/312/313. Java: DefaultRequestProcessor.
 */
export function topicProcessors(nc: NamesrvContext): [number, Processor][] {
  const disabled = (ctx: RequestContext) => reply(ctx, ResponseCode.SYSTEM_ERROR, 'disable');
  const unit = (kind: 'unit' | 'unitSub' | 'unitSubNotUnit') => (ctx: RequestContext) =>
    nc.config.enableTopicList ? ok(ctx, null, codec.encodeTopicList(nc.routes.unitTopics(kind))) : disabled(ctx);
  return [
    [
      RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER,
      (ctx) => (nc.config.enableAllTopicList ? ok(ctx, null, codec.encodeTopicList(nc.routes.allTopics())) : disabled(ctx)),
    ],
    [RequestCode.DELETE_TOPIC_IN_NAMESRV, (ctx) => deleteTopic(nc, ctx)],
    [RequestCode.REGISTER_TOPIC_IN_NAMESRV, (ctx) => registerTopic(nc, ctx)],
    [RequestCode.GET_TOPICS_BY_CLUSTER, (ctx) => topicsByCluster(nc, ctx)],
    [
      RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS,
      (ctx) => {
        const s = nc.routes.systemTopicList();
        return ok(ctx, null, codec.encodeTopicList(s.topics, s.brokerAddr));
      },
    ],
    [RequestCode.GET_UNIT_TOPIC_LIST, unit('unit')],
    [RequestCode.GET_HAS_UNIT_SUB_TOPIC_LIST, unit('unitSub')],
    [RequestCode.GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST, unit('unitSubNotUnit')],
  ];
}

function deleteTopic(nc: NamesrvContext, ctx: RequestContext) {
  const h = requestHeader(ctx, DeleteTopicFromNamesrvRequestHeader);
  if (!h.ok) return h.response;
  nc.routes.deleteTopic(h.value.topic, h.value.clusterName);
  nc.logger.info({ topic: h.value.topic, cluster: h.value.clusterName, remote: ctx.connection.remoteAddress }, 'topic deleted');
  return ok(ctx);
}

function registerTopic(nc: NamesrvContext, ctx: RequestContext) {
  const h = requestHeader(ctx, RegisterTopicRequestHeader);
  if (!h.ok) return h.response;
  const qds = codec.decodeRouteQueueDatas(ctx.request.body);
  if (!qds.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, `REGISTER_TOPIC_IN_NAMESRV: bad TopicRouteData body: ${qds.error}`);
  if (qds.value.length > 0) nc.routes.registerTopic(h.value.topic, qds.value);
  return ok(ctx);
}

function topicsByCluster(nc: NamesrvContext, ctx: RequestContext) {
  if (!nc.config.enableTopicList) return reply(ctx, ResponseCode.SYSTEM_ERROR, 'disable');
  const h = requestHeader(ctx, GetTopicsByClusterRequestHeader);
  if (!h.ok) return h.response;
  return ok(ctx, null, codec.encodeTopicList(nc.routes.topicsByCluster(h.value.cluster)));
}
