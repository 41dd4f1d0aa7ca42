import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { GetRouteInfoRequestHeader } from '../../../protocol/headers';
import { NAMESPACE_ORDER_TOPIC_CONFIG } from '../../../protocol/naming';
import { ok, reply, requestHeader, type Processor, type RequestContext } from '../../remoting';
import * as codec from '../codec';
import type { NamesrvContext } from '../context';

/** Java FAQUrl.suggestTodo(FAQUrl.APPLY_TOPIC_URL), appended to TOPIC_NOT_EXIST remarks. */
const APPLY_TOPIC_HINT = '\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.';

/**
 * Client-facing route codes: GET_ROUTEINFO_BY_TOPIC (105, Java ClientRequestProcessor) and
 * GET_BROKER_CLUSTER_INFO (106).
 *
 * Routes are always written as compact standard JSON (quoted brokerId keys), which every client in scope parses;
 * Java writes fastjson's non-standard {0:"addr"} for clients older than 4.9.4 — a deliberate difference.
 */
export function routeProcessors(nc: NamesrvContext): [number, Processor][] {
  return [
    [RequestCode.GET_ROUTEINFO_BY_TOPIC, (ctx) => routeInfo(nc, ctx)],
    [RequestCode.GET_BROKER_CLUSTER_INFO, (ctx) => ok(ctx, null, codec.encodeClusterInfo(nc.routes.clusterInfo()))],
  ];
}

function routeInfo(nc: NamesrvContext, ctx: RequestContext) {
  const h = requestHeader(ctx, GetRouteInfoRequestHeader);
  if (!h.ok) return h.response;
  const topic = h.value.topic;
  if (nc.config.needWaitForService && nc.now() - nc.startedAt < nc.config.waitSecondsForService * 1000) {
    return reply(ctx, ResponseCode.SYSTEM_ERROR, 'name server not ready');
  }
  const route = nc.routes.pickupTopicRouteData(topic);
  if (route === undefined) {
    return reply(ctx, ResponseCode.TOPIC_NOT_EXIST, `No topic route info in name server for the topic: ${topic}${APPLY_TOPIC_HINT}`);
  }
  if (nc.config.orderMessageEnable) {
    const conf = nc.kv.get(NAMESPACE_ORDER_TOPIC_CONFIG, topic);
    if (conf !== undefined) route.orderTopicConf = conf;
  }
  return ok(ctx, null, codec.encodeRouteData(route));
}
