import { crc32 } from 'node:zlib';
import { MQVersionGate, RequestCode, ResponseCode } from '../../../protocol/codes';
import {
  BrokerHeartbeatRequestHeader,
  GetBrokerMemberGroupRequestHeader,
  QueryDataVersionRequestHeader,
  QueryDataVersionResponseHeader,
  RegisterBrokerRequestHeader,
  RegisterBrokerResponseHeader,
  UnRegisterBrokerRequestHeader,
  type ValueOf,
} from '../../../protocol/headers';

type RegisterBrokerRequestHeaderValue = ValueOf<typeof RegisterBrokerRequestHeader>;
import { NAMESPACE_ORDER_TOPIC_CONFIG, ZONE_NAME_EXT } from '../../../protocol/naming';
import { ok, okWith, reply, requestHeader, type Processor, type RequestContext } from '../../remoting';
import * as codec from '../codec';
import type { NamesrvContext } from '../context';

/**
 * Broker-facing codes: REGISTER_BROKER (103), UNREGISTER_BROKER (104), QUERY_DATA_VERSION (322),
 * BROKER_HEARTBEAT (904), GET_BROKER_MEMBER_GROUP (901). Java: namesrv/.../processor/DefaultRequestProcessor.java.
 */
export function brokerRegistrationProcessors(nc: NamesrvContext): [number, Processor][] {
  const recent = new RecentBodies();
  const pending = new PendingByBroker();
  return [
    [RequestCode.REGISTER_BROKER, (ctx) => registerBroker(nc, ctx, recent, pending)],
    [RequestCode.UNREGISTER_BROKER, (ctx) => unregisterBroker(nc, ctx)],
    [RequestCode.QUERY_DATA_VERSION, (ctx) => queryDataVersion(nc, ctx)],
    [RequestCode.BROKER_HEARTBEAT, (ctx) => brokerHeartbeat(nc, ctx)],
    [RequestCode.GET_BROKER_MEMBER_GROUP, (ctx) => brokerMemberGroup(nc, ctx)],
  ];
}

/** UtilAll#crc32: CRC32 & 0x7FFFFFFF; 0 for no body. */
function javaCrc32(body: Buffer | null): number {
  if (body === null || body.length === 0) return 0;
  return (crc32(body) & 0x7fffffff) >>> 0;
}

/**
 * The last decoded REGISTER_BROKER body per broker address, keyed by its CRC32 and length: a broker's periodic full
 * registration repeats the same bytes while its topics do not change, and decoding 10k topics again every 30 s
 * would hold the event loop for 50-150 ms (issue 14). Bounded by RECENT_BODIES_MAX brokers.
 */
export const RECENT_BODIES_MAX = 4096;

class RecentBodies {
  private readonly m = new Map<string, { crc: number; length: number; version: number; compressed: boolean; value: unknown }>();

  get<T>(addr: string, crc: number, length: number, version: number, compressed: boolean): T | undefined {
    const e = this.m.get(addr);
    return e !== undefined && e.crc === crc && e.length === length && e.version === version && e.compressed === compressed ? (e.value as T) : undefined;
  }

  set(addr: string, crc: number, length: number, version: number, compressed: boolean, value: unknown): void {
    if (!this.m.has(addr) && this.m.size >= RECENT_BODIES_MAX) this.m.clear();
    this.m.set(addr, { crc, length, version, compressed, value });
  }
}

/**
 * Registrations of one broker whose body is still being decoded in steps: a later registration of the same broker
 * waits for them, so that registrations are applied in arrival order (as Java's registerBroker under its lock).
 */
class PendingByBroker {
  private readonly m = new Map<string, Promise<unknown>>();

  run<T>(key: string, f: () => T | Promise<T>): T | Promise<T> {
    const prev = this.m.get(key);
    const r = prev === undefined ? f() : prev.then(f);
    if (!(r instanceof Promise)) return r;
    const tail = r.then(
      () => undefined,
      () => undefined,
    );
    this.m.set(key, tail);
    void tail.then(() => {
      if (this.m.get(key) === tail) this.m.delete(key);
    });
    return r;
  }
}

function registerBroker(nc: NamesrvContext, ctx: RequestContext, recent: RecentBodies, pending: PendingByBroker) {
  const h = requestHeader(ctx, RegisterBrokerRequestHeader);
  if (!h.ok) return h.response;
  const hdr = h.value;
  const body = ctx.request.body;
  const crc = javaCrc32(body);
  if (hdr.bodyCrc32 !== 0 && crc !== hdr.bodyCrc32) {
    nc.logger.warn({ remote: ctx.connection.remoteAddress, brokerAddr: hdr.brokerAddr }, 'REGISTER_BROKER: crc32 not match');
    return reply(ctx, ResponseCode.SYSTEM_ERROR, 'crc32 not match');
  }
  const length = body?.length ?? 0;
  const key = `${hdr.clusterName}/${hdr.brokerAddr}`;
  type D = ReturnType<typeof codec.decodeRegisterBrokerBody>;
  const version = ctx.request.version;
  return pending.run(key, () => {
    const cached = length > 0 ? recent.get<D>(key, crc, length, version, hdr.compressed) : undefined;
    if (cached !== undefined) return applyRegistration(nc, ctx, hdr, cached);
    const decoded = version >= MQVersionGate.V3_0_11 ? codec.decodeRegisterBrokerBodySliced(body, hdr.compressed, version) : codec.decodeTopicConfigWrapper(body);
    const apply = (d: D) => {
      if (d.ok && length > 0) recent.set(key, crc, length, version, hdr.compressed, d);
      return applyRegistration(nc, ctx, hdr, d);
    };
    return decoded instanceof Promise ? decoded.then(apply) : apply(decoded);
  });
}

function applyRegistration(nc: NamesrvContext, ctx: RequestContext, hdr: RegisterBrokerRequestHeaderValue, decoded: ReturnType<typeof codec.decodeRegisterBrokerBody>) {
  if (!decoded.ok) {
    return reply(ctx, ResponseCode.SYSTEM_ERROR, `Failed to decode RegisterBrokerBody: ${decoded.error}`);
  }
  const zone = ctx.request.extFields?.get(ZONE_NAME_EXT);
  const result = nc.routes.registerBroker({
    clusterName: hdr.clusterName,
    brokerAddr: hdr.brokerAddr,
    brokerName: hdr.brokerName,
    brokerId: hdr.brokerId,
    haServerAddr: hdr.haServerAddr,
    ...(zone !== undefined ? { zoneName: zone } : {}),
    ...(hdr.heartbeatTimeoutMillis !== undefined ? { heartbeatTimeoutMillis: hdr.heartbeatTimeoutMillis } : {}),
    ...(hdr.enableActingMaster !== undefined ? { enableActingMaster: hdr.enableActingMaster } : {}),
    dataVersion: decoded.value.dataVersion,
    topicConfigs: decoded.value.topicConfigs,
    filterServerList: decoded.value.filterServerList,
    channel: ctx.connection,
  });
  if (!result.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, result.reason);
  let respBody: Buffer | null = null;
  if (nc.config.returnOrderTopicConfigToBroker) {
    const kv = nc.kv.list(NAMESPACE_ORDER_TOPIC_CONFIG);
    if (kv !== undefined) respBody = codec.encodeKvTable(kv);
  }
  return okWith(
    ctx,
    RegisterBrokerResponseHeader,
    {
      ...(result.haServerAddr !== undefined ? { haServerAddr: result.haServerAddr } : {}),
      ...(result.masterAddr !== undefined ? { masterAddr: result.masterAddr } : {}),
    },
    respBody,
  );
}

function unregisterBroker(nc: NamesrvContext, ctx: RequestContext) {
  const h = requestHeader(ctx, UnRegisterBrokerRequestHeader);
  if (!h.ok) return h.response;
  nc.routes.unregisterBroker(h.value.clusterName, h.value.brokerAddr, h.value.brokerName, h.value.brokerId);
  return ok(ctx);
}

function queryDataVersion(nc: NamesrvContext, ctx: RequestContext) {
  const h = requestHeader(ctx, QueryDataVersionRequestHeader);
  if (!h.ok) return h.response;
  const dv = codec.decodeDataVersion(ctx.request.body);
  if (!dv.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, `QUERY_DATA_VERSION: bad DataVersion body: ${dv.error}`);
  const { clusterName, brokerAddr } = h.value;
  const changed = nc.routes.isBrokerTopicConfigChanged(clusterName, brokerAddr, dv.value);
  nc.routes.updateBrokerInfoUpdateTimestamp(clusterName, brokerAddr);
  const mine = nc.routes.queryBrokerTopicConfig(clusterName, brokerAddr);
  return okWith(ctx, QueryDataVersionResponseHeader, { changed }, mine === undefined ? null : codec.encodeDataVersion(mine));
}

function brokerHeartbeat(nc: NamesrvContext, ctx: RequestContext) {
  const h = requestHeader(ctx, BrokerHeartbeatRequestHeader);
  if (!h.ok) return h.response;
  nc.routes.updateBrokerInfoUpdateTimestamp(h.value.clusterName, h.value.brokerAddr);
  return ok(ctx);
}

function brokerMemberGroup(nc: NamesrvContext, ctx: RequestContext) {
  const h = requestHeader(ctx, GetBrokerMemberGroupRequestHeader);
  if (!h.ok) return h.response;
  const g = nc.routes.brokerMemberGroup(h.value.clusterName, h.value.brokerName);
  return ok(ctx, null, codec.encodeBrokerMemberGroup(g));
}
