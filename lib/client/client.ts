import { ClusterInfo, KVTable, TopicList, TopicRouteData, type QueueData } from '../../protocol/bodies';
import type { ConnectionOptions } from 'node:tls';
import { signFields, type Credentials } from './acl-sign';
import { createRequest, type RemotingCommand, SerializeType } from '../../protocol/command';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import {
  encodeHeader,
  encodeSendMessageHeaderV2,
  GetMaxOffsetRequestHeader,
  PullMessageRequestHeader,
  type HeaderSpec,
  type Fields,
  type HeaderValue,
} from '../../protocol/headers';
import { decodeMessages, encodeBatch, PullSysFlag, stringifyProperties, UniqIdGenerator, type MessageView } from '../../protocol/message';
import { AUTO_CREATE_TOPIC, isWriteable, MASTER_ID } from '../../protocol/naming';
import { SERVER_VERSION, type Logger } from '../common';
import { RemotingClient } from '../remoting';

/**
 * A small RocketMQ client over lib/remoting: route lookup (with the TBW102 fallback clients use for new topics),
 * send (single, batch; queue chosen round-robin or given), pull, and the admin calls the CLI, tests and
 * benchmarks need. It is not a full client (no rebalance, no push consumer); the official clients are proven
 * separately in compat-tests.
 */
export interface ClientOptions {
  namesrvAddr: string;
  logger: Logger;
  /** Request timeout, ms. */
  timeoutMs?: number;
  serializeType?: SerializeType;
  producerGroup?: string;
  /** Connect over TLS with these node:tls options (Java ClientConfig.useTLS); absent: plaintext. */
  tls?: ConnectionOptions;
  /** Sign every request as Java's AclClientRPCHook does (ACL authentication); absent: unsigned. */
  credentials?: Credentials;
}

export interface SendOptions {
  tags?: string;
  keys?: string;
  properties?: Record<string, string>;
  /** Force a queue; default round-robin over the writable queues. */
  queueId?: number;
  /** With queueId: the queue of this broker (default: the first broker's). */
  brokerName?: string;
  delayLevel?: number;
  flag?: number;
}

export interface SendResult {
  code: number;
  remark: string | null;
  msgId: string;
  offsetMsgId: string;
  queueId: number;
  queueOffset: number;
  brokerName: string;
}

export interface PublishQueue {
  brokerName: string;
  brokerAddr: string;
  queueId: number;
}

export class RocketClient {
  readonly remoting: RemotingClient;
  private readonly namesrvs: string[];
  private nsIndex = 0;
  private readonly routes = new Map<string, { route: TopicRouteData; at: number }>();
  /** The publish queues derived from each topic's cached route (rebuilt when the route object changes). */
  private readonly pubQueues = new Map<string, { route: TopicRouteData; queues: readonly PublishQueue[] }>();
  private readonly rr = new Map<string, number>();
  private readonly timeoutMs: number;
  private readonly type: SerializeType;
  private readonly uniq: UniqIdGenerator;

  constructor(private readonly o: ClientOptions) {
    this.namesrvs = o.namesrvAddr.split(';').map((s) => s.trim()).filter((s) => s !== '');
    if (this.namesrvs.length === 0) throw new Error('no NameServer address: pass -n host:port');
    this.remoting = new RemotingClient({ logger: o.logger, version: SERVER_VERSION, ...(o.tls !== undefined ? { tls: o.tls } : {}) });
    this.timeoutMs = o.timeoutMs ?? 5000;
    this.type = o.serializeType ?? SerializeType.JSON;
    this.uniq = new UniqIdGenerator({ ip: new Uint8Array([127, 0, 0, 1]), pid: process.pid });
  }

  close(): void {
    this.remoting.close();
  }

  /** A request to `addr` with a typed header (or raw ext fields) and optional body. */
  async call<F extends Fields>(
    addr: string,
    code: number,
    header?: { spec: HeaderSpec<F>; value: Partial<HeaderValue<F>> } | Map<string, string> | null,
    body: Buffer | null = null,
    timeoutMs = this.timeoutMs,
  ): Promise<RemotingCommand> {
    let ext = header === undefined || header === null ? null : 'spec' in header ? encodeHeader(header.spec, header.value) : header;
    if (this.o.credentials !== undefined) ext = signFields(new Map(ext ?? []), body, this.o.credentials);
    return this.remoting.invoke(addr, createRequest({ code, opaque: 0, version: SERVER_VERSION, extFields: ext, body, serializeType: this.type }), timeoutMs);
  }

  /** A request to the NameServers, trying each in turn until one answers. */
  async callNamesrv(code: number, ext: Map<string, string> | null = null, body: Buffer | null = null): Promise<RemotingCommand> {
    let last: unknown;
    for (let i = 0; i < this.namesrvs.length; i++) {
      const addr = this.namesrvs[(this.nsIndex + i) % this.namesrvs.length]!;
      try {
        const r = await this.call(addr, code, ext, body);
        this.nsIndex = (this.nsIndex + i) % this.namesrvs.length;
        return r;
      } catch (e) {
        last = e;
      }
    }
    throw new Error(`no NameServer answered (${this.namesrvs.join(';')}): ${(last as Error)?.message ?? last}`);
  }

  get nameServers(): readonly string[] {
    return this.namesrvs;
  }

  async routeOf(topic: string, maxAgeMs = 30_000): Promise<TopicRouteData | undefined> {
    const c = this.routes.get(topic);
    if (c !== undefined && Date.now() - c.at < maxAgeMs) return c.route;
    const r = await this.callNamesrv(RequestCode.GET_ROUTEINFO_BY_TOPIC, new Map([['topic', topic]]));
    if (r.code === ResponseCode.TOPIC_NOT_EXIST) return undefined;
    if (r.code !== ResponseCode.SUCCESS || r.body === null) throw new Error(`GET_ROUTEINFO_BY_TOPIC ${topic}: ${r.code} ${r.remark ?? ''}`);
    const d = TopicRouteData.decode(r.body);
    if (!d.ok) throw new Error(`bad route for ${topic}: ${d.error}`);
    this.routes.set(topic, { route: d.value, at: Date.now() });
    return d.value;
  }

  /**
   * Writable queues of a topic (Java topicRouteData2TopicPublishInfo); for a new topic, TBW102's with 4 queues. Made
   * once per route the cache holds (Java keeps a TopicPublishInfo per route update), not on every send.
   */
  async publishQueues(topic: string): Promise<readonly PublishQueue[]> {
    let route = await this.routeOf(topic);
    let limit = Infinity;
    if (route === undefined) {
      route = await this.routeOf(AUTO_CREATE_TOPIC);
      limit = 4;
      if (route === undefined) throw new Error(`No route info of this topic: ${topic} (and no ${AUTO_CREATE_TOPIC} for auto-create)`);
    }
    const made = this.pubQueues.get(topic);
    if (made !== undefined && made.route === route) return made.queues;
    const out: PublishQueue[] = [];
    const qds = [...route.queueDatas].sort((a: QueueData, b: QueueData) => (a.brokerName < b.brokerName ? -1 : 1));
    for (const qd of qds) {
      if (!isWriteable(qd.perm)) continue;
      const bd = route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
      const master = bd?.brokerAddrs.get(MASTER_ID);
      if (master === undefined) continue;
      const n = Math.min(qd.writeQueueNums, limit);
      for (let q = 0; q < n; q++) out.push({ brokerName: qd.brokerName, brokerAddr: master, queueId: q });
    }
    if (out.length === 0) throw new Error(`No writable queue for topic ${topic}`);
    this.pubQueues.set(topic, { route, queues: out });
    return out;
  }

  private buildProps(o: SendOptions): { props: string; uniqKey: string } {
    const p: [string, string][] = [];
    if (o.tags !== undefined) p.push(['TAGS', o.tags]);
    if (o.keys !== undefined) p.push(['KEYS', o.keys]);
    if (o.delayLevel !== undefined && o.delayLevel > 0) p.push(['DELAY', String(o.delayLevel)]);
    for (const [k, v] of Object.entries(o.properties ?? {})) p.push([k, v]);
    const uniqKey = this.uniq.next();
    p.push(['UNIQ_KEY', uniqKey], ['WAIT', 'true']);
    return { props: stringifyProperties(p), uniqKey };
  }

  private async pickQueue(topic: string, o: SendOptions): Promise<PublishQueue> {
    const qs = await this.publishQueues(topic);
    if (o.queueId !== undefined) {
      const q = qs.find((x) => x.queueId === o.queueId && (o.brokerName === undefined || x.brokerName === o.brokerName)) ?? qs.find((x) => o.brokerName === undefined || x.brokerName === o.brokerName);
      if (q === undefined) throw new Error(`broker ${o.brokerName} serves no writable queue of ${topic}`);
      return { ...q, queueId: o.queueId };
    }
    const i = (this.rr.get(topic) ?? 0) % qs.length;
    this.rr.set(topic, i + 1);
    return qs[i]!;
  }

  async send(topic: string, body: Buffer, o: SendOptions = {}): Promise<SendResult> {
    const q = await this.pickQueue(topic, o);
    const { props, uniqKey } = this.buildProps(o);
    const ext = encodeSendMessageHeaderV2({
      producerGroup: this.o.producerGroup ?? 'APOGEE_CLIENT',
      topic,
      defaultTopic: AUTO_CREATE_TOPIC,
      defaultTopicQueueNums: 4,
      queueId: q.queueId,
      sysFlag: 0,
      bornTimestamp: Date.now(),
      flag: o.flag ?? 0,
      properties: props,
      reconsumeTimes: 0,
      unitMode: false,
      batch: false,
      bname: q.brokerName,
    });
    const r = await this.call(q.brokerAddr, RequestCode.SEND_MESSAGE_V2, ext, body);
    return this.sendResult(r, uniqKey, q);
  }

  async sendBatch(topic: string, bodies: Buffer[], o: SendOptions = {}): Promise<SendResult> {
    const q = await this.pickQueue(topic, o);
    const uniqs: string[] = [];
    const batch = encodeBatch(
      bodies.map((b) => {
        const { props, uniqKey } = this.buildProps(o);
        uniqs.push(uniqKey);
        return { body: b, properties: props };
      }),
    );
    const ext = encodeSendMessageHeaderV2({
      producerGroup: this.o.producerGroup ?? 'APOGEE_CLIENT',
      topic,
      defaultTopic: AUTO_CREATE_TOPIC,
      defaultTopicQueueNums: 4,
      queueId: q.queueId,
      sysFlag: 0,
      bornTimestamp: Date.now(),
      flag: 0,
      properties: '',
      reconsumeTimes: 0,
      unitMode: false,
      batch: true,
      bname: q.brokerName,
    });
    const r = await this.call(q.brokerAddr, RequestCode.SEND_BATCH_MESSAGE, ext, batch);
    return this.sendResult(r, uniqs.join(','), q);
  }

  private sendResult(r: RemotingCommand, uniqKey: string, q: PublishQueue): SendResult {
    const e = r.extFields;
    return {
      code: r.code,
      remark: r.remark,
      msgId: uniqKey,
      offsetMsgId: e?.get('msgId') ?? '',
      queueId: Number(e?.get('queueId') ?? q.queueId),
      queueOffset: Number(e?.get('queueOffset') ?? -1),
      brokerName: q.brokerName,
    };
  }

  /** One pull; `suspendMs` > 0 lets the broker hold it (long polling). */
  async pull(
    brokerAddr: string,
    group: string,
    topic: string,
    queueId: number,
    offset: number,
    opts: { maxMsgNums?: number; suspendMs?: number; subscription?: string; expressionType?: 'TAG' | 'SQL92'; commitOffset?: number } = {},
  ): Promise<{ code: number; remark: string | null; nextBeginOffset: number; minOffset: number; maxOffset: number; messages: MessageView[] }> {
    const suspend = opts.suspendMs ?? 0;
    let sysFlag = PullSysFlag.FLAG_SUBSCRIPTION;
    if (suspend > 0) sysFlag |= PullSysFlag.FLAG_SUSPEND;
    if (opts.commitOffset !== undefined) sysFlag |= PullSysFlag.FLAG_COMMIT_OFFSET;
    const r = await this.call(
      brokerAddr,
      RequestCode.PULL_MESSAGE,
      {
        spec: PullMessageRequestHeader,
        value: {
          consumerGroup: group,
          topic,
          queueId,
          queueOffset: offset,
          maxMsgNums: opts.maxMsgNums ?? 32,
          sysFlag,
          commitOffset: opts.commitOffset ?? 0,
          suspendTimeoutMillis: suspend,
          subscription: opts.subscription ?? '*',
          subVersion: 0,
          expressionType: opts.expressionType ?? 'TAG',
        },
      },
      null,
      suspend + this.timeoutMs,
    );
    const num = (k: string): number => Number(r.extFields?.get(k) ?? -1);
    return {
      code: r.code,
      remark: r.remark,
      nextBeginOffset: num('nextBeginOffset'),
      minOffset: num('minOffset'),
      maxOffset: num('maxOffset'),
      messages: r.code === ResponseCode.SUCCESS && r.body !== null ? decodeMessages(r.body) : [],
    };
  }

  async maxOffset(brokerAddr: string, topic: string, queueId: number): Promise<number> {
    const r = await this.call(brokerAddr, RequestCode.GET_MAX_OFFSET, { spec: GetMaxOffsetRequestHeader, value: { topic, queueId } });
    return Number(r.extFields?.get('offset') ?? 0);
  }

  async clusterInfo(): Promise<ClusterInfo> {
    const r = await this.callNamesrv(RequestCode.GET_BROKER_CLUSTER_INFO);
    if (r.code !== ResponseCode.SUCCESS || r.body === null) throw new Error(`GET_BROKER_CLUSTER_INFO: ${r.code} ${r.remark ?? ''}`);
    const d = ClusterInfo.decode(r.body);
    if (!d.ok) throw new Error(d.error);
    return d.value;
  }

  async topicList(): Promise<string[]> {
    const r = await this.callNamesrv(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER);
    if (r.code !== ResponseCode.SUCCESS || r.body === null) throw new Error(`GET_ALL_TOPIC_LIST_FROM_NAMESERVER: ${r.code} ${r.remark ?? ''}`);
    const d = TopicList.decode(r.body);
    if (!d.ok) throw new Error(d.error);
    return d.value.topicList;
  }

  async kvList(namespace: string): Promise<Map<string, string>> {
    const r = await this.callNamesrv(RequestCode.GET_KVLIST_BY_NAMESPACE, new Map([['namespace', namespace]]));
    if (r.code === ResponseCode.QUERY_NOT_FOUND) return new Map();
    if (r.body === null) throw new Error(`GET_KVLIST_BY_NAMESPACE: ${r.code} ${r.remark ?? ''}`);
    const d = KVTable.decode(r.body);
    if (!d.ok) throw new Error(d.error);
    return d.value.table;
  }
}

