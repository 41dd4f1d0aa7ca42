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
  const cache = new RouteBodyCache(nc.routes);
  return [
    [RequestCode.GET_ROUTEINFO_BY_TOPIC, (ctx) => routeInfo(nc, cache, ctx)],
    [RequestCode.GET_BROKER_CLUSTER_INFO, (ctx) => ok(ctx, null, codec.encodeClusterInfo(nc.routes.clusterInfo()))],
  ];
}

/**
 * Encoded routes by topic, valid while the route registry's version stays the same: clients ask for the same
 * routes every 30 s per producer/consumer and brokers re-register every 30 s without changing anything, so most
 * lookups are a map hit. Emptied at once when the registry changes; holds at most one body per routed topic
 * (bounded by routeTopicsMax). Not used for topics with an ORDER_TOPIC_CONFIG (their body carries the KV value).
 */
class RouteBodyCache {
  private readonly bodies = new Map<string, Buffer | null>();
  private version = -1;

  constructor(private readonly routes: NamesrvContext['routes']) {}

  /** The route body of `topic`, or null when it has no route. */
  get(topic: string): Buffer | null {
    if (this.version !== this.routes.version) {
      this.bodies.clear();
      this.version = this.routes.version;
    }
    let body = this.bodies.get(topic);
    if (body === undefined) {
      const route = this.routes.pickupTopicRouteData(topic);
      body = route === undefined ? null : codec.encodeRouteData(route);
      // Misses are not kept: a client asking for random absent topics must not grow the map.
      if (body !== null) this.bodies.set(topic, body);
    }
    return body;
  }
}

function routeInfo(nc: NamesrvContext, cache: RouteBodyCache, ctx: RequestContext) {
  const h = requestHeader(ctx, GetRouteInfoRequestHeader);
  if (!h.ok) return h.response;
  const topic = h.value.topic;
  if (nc.config.needWaitForService && nc.now() - nc.startedAt < nc.config.waitSecondsForService * 1000) {
    return reply(ctx, ResponseCode.SYSTEM_ERROR, 'name server not ready');
  }
  const notExist = () => reply(ctx, ResponseCode.TOPIC_NOT_EXIST, `No topic route info in name server for the topic: ${topic}${APPLY_TOPIC_HINT}`);
  const orderConf = nc.config.orderMessageEnable ? nc.kv.get(NAMESPACE_ORDER_TOPIC_CONFIG, topic) : undefined;
  if (orderConf !== undefined) {
    const route = nc.routes.pickupTopicRouteData(topic);
    if (route === undefined) return notExist();
    route.orderTopicConf = orderConf;
    return ok(ctx, null, codec.encodeRouteData(route));
  }
  const body = cache.get(topic);
  return body === null ? notExist() : ok(ctx, null, body);
}
