import { HeartbeatData, type ConsumerData, type SubscriptionData } from '../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { UnregisterClientRequestHeader } from '../../protocol/headers';
import { tagsCode } from '../../protocol/message';
import { MASTER_ID } from '../../protocol/naming';
import type { RocketClient } from '../client';
import type { Logger } from '../common';
import { Code, durationMs, OK, status, type Status } from './convert';
import type { ClientSettings } from './settings';

/**
 * gRPC clients registered with the broker, as the Java proxy registers them (Java: proxy/.../grpc/v2/client/
 * ClientActivity#heartbeat, #processAndWriteClientSettings, #notifyClientTermination, #registerProducer,
 * #registerConsumer, #buildSubscriptionDataSet; ClusterTransactionService#scanProducerHeartBeat):
 *   - a client's Settings (its Telemetry handshake) are remembered under its client id (header x-mq-client-id);
 *   - on those Settings and on every Heartbeat RPC, a remoting HEART_BEAT goes to every master broker of the client's
 *     topics: a producer as one ProducerData per publishing topic (the proxy uses the topic name as the producer
 *     group, also for sends and transactions), a push/simple consumer as ConsumerData of the Heartbeat's group
 *     (CONSUME_PASSIVELY / CONSUME_ACTIVELY, CLUSTERING, CONSUME_FROM_LAST_OFFSET, subscriptions from the Settings).
 *     So mqadmin consumerConnection / producerConnection list gRPC clients and the broker's transaction check finds
 *     a producer of the group;
 *   - a Heartbeat from a client whose Settings are unknown is UNRECOGNIZED_CLIENT_TYPE (as the proxy answers);
 *   - NotifyClientTermination sends UNREGISTER_CLIENT and forgets the Settings.
 * Differences from the Java proxy: its cluster mode keeps consumers in its own ClusterConsumerManager (the broker does
 * not list them) and sends the broker producer heartbeats only for TRANSACTION topics, under one client id
 * (ClusterTransactionService#scanProducerHeartBeat); Apogee registers every gRPC client with the broker under its own
 * client id, so the broker's connection lists (mqadmin consumerConnection / producerConnection) show them. Every gRPC client reaches the broker over the same loopback connection, and the
 * broker keys a group's members by connection, so several gRPC clients of one group show as one connection (the
 * client id of the latest heartbeat), and one client's termination removes that connection until the next heartbeat.
 */
export interface GrpcClientsOptions {
  client: RocketClient;
  logger: Logger;
  /** Remoting request timeout, ms. */
  requestTimeoutMs: number;
}

/** Client Settings remembered at once; the oldest is forgotten beyond (it heartbeats UNRECOGNIZED_CLIENT_TYPE until its Telemetry sends Settings again). */
export const CLIENTS_MAX = 10_000;

/** How old a cached topic route may be when heartbeats look up the brokers, ms. */
export const ROUTE_MAX_AGE_MS = 3_000;

/** Java ClientActivity#buildConsumeType. */
const CONSUME_TYPES: Record<string, ConsumerData['consumeType']> = { PUSH_CONSUMER: 'CONSUME_PASSIVELY', SIMPLE_CONSUMER: 'CONSUME_ACTIVELY' };

type Registration = { ok: true; topics: string[]; data: HeartbeatData; unregister: { producerGroup?: string; consumerGroup?: string }[] } | { ok: false; status: Status };

/** Java FilterAPI#build for one SubscriptionEntry of the Settings (TAG: tags split on "||"; SQL: SQL92). */
export function subscriptionOf(e: { topic?: { name?: string }; expression?: { type?: string; expression?: string } }): SubscriptionData {
  const topic = e.topic?.name ?? '';
  const expr = e.expression?.expression ?? '';
  const sub: SubscriptionData = { topic, subString: expr === '' ? '*' : expr, expressionType: 'TAG', classFilterMode: false, tagsSet: [], codeSet: [], subVersion: BigInt(Date.now()) };
  if (e.expression?.type === 'SQL') return { ...sub, expressionType: 'SQL92' };
  if (sub.subString === '*') return sub;
  for (const t of expr.split('||')) {
    const tag = t.trim();
    if (tag === '') continue;
    sub.tagsSet.push(tag);
    sub.codeSet.push(tagsCode(tag));
  }
  return sub;
}

/** The HEART_BEAT a client's Settings amount to (group: the Heartbeat request's group, for consumers). */
export function registrationOf(clientId: string, s: ClientSettings | undefined, group: string | undefined): Registration {
  if (s === undefined) return { ok: false, status: status(Code.UNRECOGNIZED_CLIENT_TYPE, 'cannot find client settings for this client: open the Telemetry stream and send Settings first') };
  if (s.clientType === 'PRODUCER') {
    const topics = (s.publishing?.topics ?? []).map((t) => (t as { name?: string }).name ?? '').filter((t) => t !== '');
    return { ok: true, topics, data: { clientID: clientId, producerDataSet: topics.map((t) => ({ groupName: t })), consumerDataSet: [] }, unregister: topics.map((t) => ({ producerGroup: t })) };
  }
  const consumeType = CONSUME_TYPES[s.clientType ?? ''];
  if (consumeType === undefined) return { ok: false, status: status(Code.UNRECOGNIZED_CLIENT_TYPE, `client type ${s.clientType ?? 'CLIENT_TYPE_UNSPECIFIED'} is not served (PRODUCER, PUSH_CONSUMER, SIMPLE_CONSUMER are)`) };
  const g = group ?? s.subscription?.group?.name ?? '';
  if (g === '') return { ok: false, status: status(Code.ILLEGAL_CONSUMER_GROUP, 'a consumer heartbeat needs its group') };
  const subs = (s.subscription?.subscriptions ?? []).map((e) => subscriptionOf(e as never)).filter((x) => x.topic !== '');
  const cd: ConsumerData = { groupName: g, consumeType, messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', subscriptionDataSet: subs, unitMode: false };
  return { ok: true, topics: subs.map((x) => x.topic), data: { clientID: clientId, producerDataSet: [], consumerDataSet: [cd] }, unregister: [{ consumerGroup: g }] };
}

export class GrpcClients {
  private readonly settings = new Map<string, ClientSettings>();

  constructor(private readonly o: GrpcClientsOptions) {}

  /** Remembers a client's Settings (Telemetry) and registers it at once, as the proxy does on Settings. */
  async remember(clientId: string, s: ClientSettings): Promise<Status> {
    this.settings.delete(clientId);
    if (this.settings.size >= CLIENTS_MAX) this.settings.delete(this.settings.keys().next().value!);
    this.settings.set(clientId, s);
    return this.heartbeat(clientId, undefined);
  }

  /** A client's Settings.request_timeout, ms (undefined before its Settings or without one). */
  requestTimeoutMs(clientId: string | undefined): number | undefined {
    if (clientId === undefined) return undefined;
    const ms = durationMs(this.settings.get(clientId)?.requestTimeout);
    return ms !== undefined && ms > 0 ? ms : undefined;
  }

  /** Java ClientActivity#heartbeat: HEART_BEAT to every master broker of the client's topics. */
  async heartbeat(clientId: string, group: string | undefined): Promise<Status> {
    const r = registrationOf(clientId, this.settings.get(clientId), group);
    if (!r.ok) return r.status;
    const body = HeartbeatData.encode(r.data);
    for (const addr of await this.brokersOf(r.topics)) {
      const resp = await this.o.client.call(addr, RequestCode.HEART_BEAT, null, body, this.o.requestTimeoutMs);
      if (resp.code !== ResponseCode.SUCCESS) return status(Code.INTERNAL_SERVER_ERROR, `broker ${addr} answered HEART_BEAT with ${resp.code}: ${resp.remark ?? ''}`);
    }
    return OK;
  }

  /** Java ClientActivity#notifyClientTermination: UNREGISTER_CLIENT for each group, then the Settings are forgotten. */
  async terminate(clientId: string, group: string | undefined): Promise<Status> {
    const r = registrationOf(clientId, this.settings.get(clientId), group);
    this.settings.delete(clientId);
    if (!r.ok) return r.status;
    for (const addr of await this.brokersOf(r.topics)) {
      for (const u of r.unregister) {
        const resp = await this.o.client.call(addr, RequestCode.UNREGISTER_CLIENT, { spec: UnregisterClientRequestHeader, value: { clientID: clientId, ...u } }, null, this.o.requestTimeoutMs);
        if (resp.code !== ResponseCode.SUCCESS) this.o.logger.warn({ addr, code: resp.code, remark: resp.remark, clientId }, 'UNREGISTER_CLIENT refused');
      }
    }
    return OK;
  }

  get size(): number {
    return this.settings.size;
  }

  private async brokersOf(topics: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (const t of new Set(topics)) {
      const r = await this.o.client.routeOf(t, ROUTE_MAX_AGE_MS);
      for (const b of r?.brokerDatas ?? []) {
        const a = b.brokerAddrs.get(MASTER_ID);
        if (a !== undefined) out.add(a);
      }
    }
    return out;
  }
}
