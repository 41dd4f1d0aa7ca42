import { createRequest, type RemotingCommand } from '../../protocol/command';
import { mqVersion, RequestCode, ResponseCode } from '../../protocol/codes';
import { silentLogger, type Logger } from '../../lib/common';
import { RemotingClient } from '../../lib/remoting';
import { asArray, asNumber, asObject, asString, parseFastjson, type FjObject } from './util/fastjson';

/**
 * Speaks the RocketMQ remoting protocol to a target to observe it: NameServer liveness, cluster membership,
 * routes, broker runtime info, topic and consumer offsets. This is how the harness waits for real readiness
 * signals instead of sleeping, and how it checks outcomes the official tools do not print.
 *
 * Requests are JSON-serialized and carry the 5.5.0 client version, as the official 5.5.0 Java client's do.
 */
export interface BrokerEntry {
  cluster: string;
  brokerName: string;
  /** brokerId -> "ip:port" (0 = master). */
  addrs: Map<number, string>;
}

export interface ClusterInfo {
  brokers: Map<string, BrokerEntry>;
  /** cluster name -> broker names */
  clusters: Map<string, string[]>;
}

export interface QueueData {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag: number;
}

export interface TopicRoute {
  queueDatas: QueueData[];
  brokerDatas: BrokerEntry[];
}

export interface QueueOffsets {
  brokerName: string;
  topic: string;
  queueId: number;
  minOffset: number;
  maxOffset: number;
}

export interface ConsumerQueueOffsets {
  brokerName: string;
  topic: string;
  queueId: number;
  brokerOffset: number;
  consumerOffset: number;
}

export class RemotingFailure extends Error {
  constructor(
    readonly code: number,
    readonly remark: string | null,
    what: string,
  ) {
    super(`${what}: response code ${code}${remark === null ? '' : ` (${remark})`}`);
    this.name = 'RemotingFailure';
  }
}

export class Probe {
  private readonly client: RemotingClient;

  constructor(logger: Logger = silentLogger()) {
    this.client = new RemotingClient({ logger, version: mqVersion('V5_5_0'), connectTimeoutMs: 2000 });
  }

  close(): void {
    this.client.close();
  }

  async request(addr: string, code: number, ext: Record<string, string> = {}, timeoutMs = 5000): Promise<RemotingCommand> {
    const req = createRequest({
      code,
      opaque: this.client.nextOpaque(),
      version: mqVersion('V5_5_0'),
      extFields: new Map(Object.entries(ext)),
    });
    return this.client.invoke(addr, req, timeoutMs);
  }

  private async ok(addr: string, code: number, ext: Record<string, string>, what: string, timeoutMs = 5000): Promise<RemotingCommand> {
    const res = await this.request(addr, code, ext, timeoutMs);
    if (res.code !== ResponseCode.SUCCESS) throw new RemotingFailure(res.code, res.remark, what);
    return res;
  }

  /** GET_BROKER_CLUSTER_INFO (106) from a NameServer. */
  async clusterInfo(namesrv: string): Promise<ClusterInfo> {
    const res = await this.ok(namesrv, RequestCode.GET_BROKER_CLUSTER_INFO, {}, `GET_BROKER_CLUSTER_INFO from ${namesrv}`);
    const body = asObject(parseFastjson(bodyText(res)), 'ClusterInfo');
    const brokers = new Map<string, BrokerEntry>();
    const table = body['brokerAddrTable'] === undefined || body['brokerAddrTable'] === null ? {} : asObject(body['brokerAddrTable'], 'brokerAddrTable');
    for (const [name, v] of Object.entries(table)) brokers.set(name, brokerEntry(asObject(v, `brokerAddrTable.${name}`)));
    const clusters = new Map<string, string[]>();
    const ct = body['clusterAddrTable'] === undefined || body['clusterAddrTable'] === null ? {} : asObject(body['clusterAddrTable'], 'clusterAddrTable');
    for (const [c, names] of Object.entries(ct)) clusters.set(c, asArray(names, `clusterAddrTable.${c}`).map((n) => asString(n, 'broker name')));
    return { brokers, clusters };
  }

  /** GET_ROUTEINFO_BY_TOPIC (105); null when the NameServer answers TOPIC_NOT_EXIST. */
  async route(namesrv: string, topic: string): Promise<TopicRoute | null> {
    const res = await this.request(namesrv, RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic });
    if (res.code === ResponseCode.TOPIC_NOT_EXIST) return null;
    if (res.code !== ResponseCode.SUCCESS) throw new RemotingFailure(res.code, res.remark, `GET_ROUTEINFO_BY_TOPIC ${topic}`);
    const body = asObject(parseFastjson(bodyText(res)), 'TopicRouteData');
    return {
      queueDatas: asArray(body['queueDatas'] ?? [], 'queueDatas').map((q) => {
        const o = asObject(q, 'QueueData');
        return {
          brokerName: asString(o['brokerName'], 'brokerName'),
          readQueueNums: asNumber(o['readQueueNums'], 'readQueueNums'),
          writeQueueNums: asNumber(o['writeQueueNums'], 'writeQueueNums'),
          perm: asNumber(o['perm'], 'perm'),
          topicSysFlag: asNumber(o['topicSysFlag'] ?? 0, 'topicSysFlag'),
        };
      }),
      brokerDatas: asArray(body['brokerDatas'] ?? [], 'brokerDatas').map((b) => brokerEntry(asObject(b, 'BrokerData'))),
    };
  }

  /** GET_KV_CONFIG (101) from a NameServer: the value, or null when it answers QUERY_NOT_FOUND. */
  async kvConfig(namesrv: string, namespace: string, key: string): Promise<string | null> {
    const res = await this.request(namesrv, RequestCode.GET_KV_CONFIG, { namespace, key });
    if (res.code === ResponseCode.QUERY_NOT_FOUND) return null;
    if (res.code !== ResponseCode.SUCCESS) throw new RemotingFailure(res.code, res.remark, `GET_KV_CONFIG ${namespace}/${key}`);
    const v = res.extFields?.get('value');
    if (v === undefined) throw new Error(`GET_KV_CONFIG ${namespace}/${key}: SUCCESS without a value field`);
    return v;
  }

  /** GET_BROKER_RUNTIME_INFO (28) from a broker: its KV table. */
  async brokerRuntimeInfo(broker: string): Promise<Record<string, string>> {
    const res = await this.ok(broker, RequestCode.GET_BROKER_RUNTIME_INFO, {}, `GET_BROKER_RUNTIME_INFO from ${broker}`);
    const table = asObject(asObject(parseFastjson(bodyText(res)), 'KVTable')['table'], 'KVTable.table');
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(table)) out[k] = String(v);
    return out;
  }

  /** GET_TOPIC_STATS_INFO (202) from a broker: min/max offset per queue. */
  async topicStats(broker: string, topic: string): Promise<QueueOffsets[]> {
    const res = await this.ok(broker, RequestCode.GET_TOPIC_STATS_INFO, { topic }, `GET_TOPIC_STATS_INFO ${topic} from ${broker}`);
    const table = asObject(asObject(parseFastjson(bodyText(res)), 'TopicStatsTable')['offsetTable'], 'offsetTable');
    return Object.entries(table).map(([k, v]) => {
      const mq = asObject(parseFastjson(k), 'MessageQueue key');
      const o = asObject(v, 'TopicOffset');
      return {
        brokerName: asString(mq['brokerName'], 'brokerName'),
        topic: asString(mq['topic'], 'topic'),
        queueId: asNumber(mq['queueId'], 'queueId'),
        minOffset: asNumber(o['minOffset'], 'minOffset'),
        maxOffset: asNumber(o['maxOffset'], 'maxOffset'),
      };
    });
  }

  /** GET_CONSUME_STATS (208) from a broker: broker and committed consumer offset per queue of a group. */
  async consumeStats(broker: string, group: string, topic?: string): Promise<ConsumerQueueOffsets[]> {
    const ext: Record<string, string> = { consumerGroup: group };
    if (topic !== undefined) ext['topic'] = topic;
    const res = await this.ok(broker, RequestCode.GET_CONSUME_STATS, ext, `GET_CONSUME_STATS ${group} from ${broker}`);
    const table = asObject(asObject(parseFastjson(bodyText(res)), 'ConsumeStats')['offsetTable'], 'offsetTable');
    return Object.entries(table).map(([k, v]) => {
      const mq = asObject(parseFastjson(k), 'MessageQueue key');
      const o = asObject(v, 'OffsetWrapper');
      return {
        brokerName: asString(mq['brokerName'], 'brokerName'),
        topic: asString(mq['topic'], 'topic'),
        queueId: asNumber(mq['queueId'], 'queueId'),
        brokerOffset: asNumber(o['brokerOffset'], 'brokerOffset'),
        consumerOffset: asNumber(o['consumerOffset'], 'consumerOffset'),
      };
    });
  }
}

function bodyText(res: RemotingCommand): string {
  if (res.body === null) throw new Error(`response ${res.code} has no body`);
  return res.body.toString('utf8');
}

function brokerEntry(o: FjObject): BrokerEntry {
  const addrs = new Map<number, string>();
  const raw = o['brokerAddrs'] === undefined || o['brokerAddrs'] === null ? {} : asObject(o['brokerAddrs'], 'brokerAddrs');
  for (const [id, a] of Object.entries(raw)) addrs.set(Number(id), asString(a, `brokerAddrs.${id}`));
  return {
    cluster: typeof o['cluster'] === 'string' ? o['cluster'] : '',
    brokerName: asString(o['brokerName'], 'brokerName'),
    addrs,
  };
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Checked before each attempt: a string aborts the wait with that reason (e.g. "the process exited"). */
  abortIf?: () => string | undefined;
}

/**
 * Polls `attempt` until it returns a value (not undefined), or fails after timeoutMs with the last error or
 * observation. This is how readiness is awaited: each attempt asks the target a real question.
 */
export async function waitFor<T>(what: string, attempt: () => Promise<T | undefined>, opts: WaitOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 250;
  let last = 'no attempt made';
  for (;;) {
    const abort = opts.abortIf?.();
    if (abort !== undefined) throw new Error(`${what}: ${abort}`);
    try {
      const v = await attempt();
      if (v !== undefined) return v;
      last = 'condition not met yet';
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() >= deadline) throw new Error(`${what}: not reached within ${opts.timeoutMs} ms (last: ${last})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}
