import { TextDecoder } from 'node:util';
import {
  ClusterInfo,
  ConsumeStats,
  ConsumerConnection,
  KVTable,
  ProducerConnection,
  ResetOffsetBody,
  SubscriptionGroupWrapper,
  TopicStatsTable,
} from '../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { decodeMessages, decodeOffsetMsgId, formatHost, type MessageView } from '../../protocol/message';
import { MASTER_ID } from '../../protocol/naming';
import type { RocketClient } from '../client';

/**
 * The dashboard's data, fetched the way a dashboard (or mqadmin) does: remoting calls through lib/client against
 * the NameServer and the brokers it names, so a cluster of Java brokers shows the same. Nothing here reaches
 * into a broker's memory. Java: rocketmq-dashboard ClusterServiceImpl, TopicServiceImpl, ConsumerServiceImpl,
 * MessageServiceImpl; tools/.../admin/DefaultMQAdminExtImpl (examineConsumeStats, resetOffsetByTimestamp,
 * queryMessage, viewMessage).
 *
 * Every function throws an ApiError (HTTP status + an actionable message) for what the user can fix, and lets a
 * plain Error through for everything else (the server answers 502: the cluster did not answer as expected).
 */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Most messages one key lookup returns per broker (Java MQAdmin queryMessage maxNum; mqadmin uses 64). */
export const QUERY_MESSAGES_MAX = 64;
/** Most topics whose stats one overview fetches (the page shows at most this many). */
export const OVERVIEW_TOPICS_MAX = 500;
/** Most consumer groups one groups page fetches stats for. */
export const GROUPS_MAX = 200;

/** Names of the groups and topics the brokers create for themselves (hidden unless asked for). */
export function isSystemGroup(g: string): boolean {
  return /^(CID_RMQ_SYS_|CID_ONSAPI_|TOOLS_CONSUMER|FILTERSRV_CONSUMER|SELF_TEST_C_GROUP|CID_SYS_RMQ_TRANS|CID_ONS-HTTP-PROXY|__MONITOR_CONSUMER|CLIENT_INNER_PRODUCER|DEFAULT_CONSUMER|RMQ_SYS_|SCHEDULE_CONSUMER)/.test(g);
}
export function isSystemTopic(t: string, clusterOrBrokerNames: ReadonlySet<string>): boolean {
  return clusterOrBrokerNames.has(t) || t === 'TBW102' || t.startsWith('RMQ_SYS_') || t.startsWith('rmq_sys_') || t === 'SELF_TEST_TOPIC' || t === 'OFFSET_MOVED_EVENT' || t === 'SCHEDULE_TOPIC_XXXX' || t.startsWith('%RETRY%') || t.startsWith('%DLQ%') || t === 'BenchmarkTest' || t.endsWith('_REPLY_TOPIC');
}

function must(r: { code: number; remark: string | null; body: Buffer | null }, what: string): Buffer {
  if (r.code !== ResponseCode.SUCCESS || r.body === null) throw new Error(`${what}: CODE ${r.code} ${r.remark ?? ''}`.trim());
  return r.body;
}

function decoded<T>(d: { ok: true; value: T } | { ok: false; error: string }, what: string): T {
  if (!d.ok) throw new Error(`${what}: ${d.error}`);
  return d.value;
}

export interface BrokerRow {
  cluster: string;
  brokerName: string;
  brokerId: number;
  addr: string;
  version: string;
  putTps: number;
  getTps: number;
  /** Error text when the broker did not answer GET_BROKER_RUNTIME_INFO. */
  error?: string;
}

export interface Masters {
  info: ClusterInfo;
  masters: { brokerName: string; addr: string }[];
}

export async function masters(c: RocketClient): Promise<Masters> {
  const info = await c.clusterInfo();
  const out: { brokerName: string; addr: string }[] = [];
  for (const [name, bd] of [...info.brokerAddrTable].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const addr = bd.brokerAddrs.get(MASTER_ID);
    if (addr !== undefined) out.push({ brokerName: name, addr });
  }
  return { info, masters: out };
}

/** clusterList: every broker of every cluster with its version and TPS (GET_BROKER_RUNTIME_INFO). */
export async function cluster(c: RocketClient): Promise<{ brokers: BrokerRow[] }> {
  const info = await c.clusterInfo();
  const rows: BrokerRow[] = [];
  for (const cl of [...info.clusterAddrTable.keys()].sort()) {
    for (const name of [...(info.clusterAddrTable.get(cl) ?? [])].sort()) {
      for (const [id, addr] of [...(info.brokerAddrTable.get(name)?.brokerAddrs ?? new Map<number, string>())].sort((a, b) => a[0] - b[0])) {
        const row: BrokerRow = { cluster: cl, brokerName: name, brokerId: id, addr, version: '', putTps: 0, getTps: 0 };
        try {
          const t = decoded(KVTable.decode(must(await c.call(addr, RequestCode.GET_BROKER_RUNTIME_INFO), `GET_BROKER_RUNTIME_INFO ${addr}`)), 'KVTable').table;
          row.version = t.get('brokerVersionDesc') ?? '';
          row.putTps = Number((t.get('putTps') ?? '0').split(' ')[0]) || 0;
          row.getTps = Number((t.get('getTransferredTps') ?? '0').split(' ')[0]) || 0;
        } catch (e) {
          row.error = (e as Error).message;
        }
        rows.push(row);
      }
    }
  }
  return { brokers: rows };
}

export interface TopicRow {
  topic: string;
  system: boolean;
  queues: number;
  /** Sum over queues of maxOffset - minOffset: the messages the topic holds (mqadmin topicStatus). */
  messages: number;
  /** Sum of maxOffset over queues: grows by one per message ever written (the page derives rates from it). */
  maxOffsetSum: number;
  error?: string;
}

/** topicList + topicStatus of each: queue offsets from every broker the route names (GET_TOPIC_STATS_INFO). */
export async function topics(c: RocketClient): Promise<{ topics: TopicRow[]; truncated: boolean }> {
  const { info } = await masters(c);
  const names = new Set<string>([...info.clusterAddrTable.keys(), ...info.brokerAddrTable.keys()]);
  const all = (await c.topicList()).sort();
  const out: TopicRow[] = [];
  for (const topic of all.slice(0, OVERVIEW_TOPICS_MAX)) {
    const row: TopicRow = { topic, system: isSystemTopic(topic, names), queues: 0, messages: 0, maxOffsetSum: 0 };
    try {
      for (const q of await topicQueues(c, topic)) {
        row.queues++;
        row.messages += q.maxOffset - q.minOffset;
        row.maxOffsetSum += q.maxOffset;
      }
    } catch (e) {
      row.error = (e as Error).message;
    }
    out.push(row);
  }
  return { topics: out, truncated: all.length > OVERVIEW_TOPICS_MAX };
}

export interface QueueRow {
  brokerName: string;
  queueId: number;
  minOffset: number;
  maxOffset: number;
}

/** mqadmin topicStatus: each queue's min and max offset. */
export async function topicQueues(c: RocketClient, topic: string): Promise<QueueRow[]> {
  const route = await c.routeOf(topic, 0);
  if (route === undefined) throw new ApiError(404, `topic ${topic} has no route on the NameServer (mqadmin topicList lists the topics)`);
  const out: QueueRow[] = [];
  for (const bd of route.brokerDatas) {
    const addr = bd.brokerAddrs.get(MASTER_ID) ?? [...bd.brokerAddrs.values()][0];
    if (addr === undefined) continue;
    const r = await c.call(addr, RequestCode.GET_TOPIC_STATS_INFO, new Map([['topic', topic]]));
    const t = decoded(TopicStatsTable.decode(must(r, `GET_TOPIC_STATS_INFO ${topic} from ${addr}`)), 'TopicStatsTable');
    for (const [mq, off] of t.offsetTable) out.push({ brokerName: mq.brokerName, queueId: mq.queueId, minOffset: off.minOffset, maxOffset: off.maxOffset });
  }
  return out.sort((a, b) => (a.brokerName === b.brokerName ? a.queueId - b.queueId : a.brokerName < b.brokerName ? -1 : 1));
}

export interface LagRow {
  topic: string;
  brokerName: string;
  queueId: number;
  brokerOffset: number;
  consumerOffset: number;
  lag: number;
}

export interface GroupRow {
  group: string;
  system: boolean;
  lag: number;
  queues: LagRow[];
  connections: { clientId: string; clientAddr: string; language: string; version: number }[];
  messageModel: string;
  consumeType: string;
}

/** Every subscription group of every master (GET_ALL_SUBSCRIPTIONGROUP_CONFIG). */
export async function groupNames(c: RocketClient): Promise<string[]> {
  const { masters: ms } = await masters(c);
  const names = new Set<string>();
  for (const m of ms) {
    const w = decoded(SubscriptionGroupWrapper.decode(must(await c.call(m.addr, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG), `GET_ALL_SUBSCRIPTIONGROUP_CONFIG from ${m.addr}`)), 'SubscriptionGroupWrapper');
    for (const g of w.subscriptionGroupTable.keys()) names.add(g);
  }
  return [...names].sort();
}

/** mqadmin consumerProgress -g: per queue, broker offset, consumer offset and the lag; plus consumerConnection. */
export async function group(c: RocketClient, name: string): Promise<GroupRow> {
  const { masters: ms } = await masters(c);
  const row: GroupRow = { group: name, system: isSystemGroup(name), lag: 0, queues: [], connections: [], messageModel: '', consumeType: '' };
  for (const m of ms) {
    const r = await c.call(m.addr, RequestCode.GET_CONSUME_STATS, new Map([['consumerGroup', name]]));
    if (r.code === ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST) continue;
    const s = decoded(ConsumeStats.decode(must(r, `GET_CONSUME_STATS ${name} from ${m.addr}`)), 'ConsumeStats');
    for (const [mq, w] of s.offsetTable) {
      const lag = Math.max(0, w.brokerOffset - Math.max(0, w.consumerOffset));
      row.queues.push({ topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId, brokerOffset: w.brokerOffset, consumerOffset: w.consumerOffset, lag });
      row.lag += lag;
    }
  }
  row.queues.sort((a, b) => (a.topic !== b.topic ? (a.topic < b.topic ? -1 : 1) : a.brokerName !== b.brokerName ? (a.brokerName < b.brokerName ? -1 : 1) : a.queueId - b.queueId));
  for (const m of ms) {
    const r = await c.call(m.addr, RequestCode.GET_CONSUMER_CONNECTION_LIST, new Map([['consumerGroup', name]]));
    if (r.code !== ResponseCode.SUCCESS || r.body === null) continue; // CONSUMER_NOT_ONLINE: no client of the group is connected there
    const cc = decoded(ConsumerConnection.decode(r.body), 'ConsumerConnection');
    row.messageModel = cc.messageModel ?? row.messageModel;
    row.consumeType = cc.consumeType ?? row.consumeType;
    for (const x of cc.connectionSet) {
      if (!row.connections.some((y) => y.clientId === x.clientId)) row.connections.push({ clientId: x.clientId, clientAddr: x.clientAddr, language: x.language ?? '', version: x.version });
    }
  }
  return row;
}

export async function groups(c: RocketClient): Promise<{ groups: GroupRow[]; truncated: boolean }> {
  const names = await groupNames(c);
  const out: GroupRow[] = [];
  for (const n of names.slice(0, GROUPS_MAX)) out.push(await group(c, n));
  return { groups: out, truncated: names.length > GROUPS_MAX };
}

export interface ConnectionRow {
  clientId: string;
  clientAddr: string;
  language: string;
  version: number;
}

/**
 * mqadmin producerConnection -g: the producers of a group connected to each master (GET_PRODUCER_CONNECTION_LIST).
 * Producer groups are not listed anywhere on the wire, so the group is asked for (as Java's dashboard does).
 */
export async function producers(c: RocketClient, groupName: string): Promise<{ connections: ConnectionRow[] }> {
  const { masters: ms } = await masters(c);
  const out: ConnectionRow[] = [];
  for (const m of ms) {
    const r = await c.call(m.addr, RequestCode.GET_PRODUCER_CONNECTION_LIST, new Map([['producerGroup', groupName]]));
    if (r.code !== ResponseCode.SUCCESS || r.body === null) continue; // no producer of the group on that broker
    for (const x of decoded(ProducerConnection.decode(r.body), 'ProducerConnection').connectionSet) {
      if (!out.some((y) => y.clientId === x.clientId)) out.push({ clientId: x.clientId, clientAddr: x.clientAddr, language: x.language ?? '', version: x.version });
    }
  }
  return { connections: out };
}

export interface MessageRow {
  msgId: string;
  offsetMsgId: string;
  topic: string;
  tags: string;
  keys: string;
  queueId: number;
  queueOffset: number;
  bornTimestamp: number;
  storeTimestamp: number;
  storeHost: string;
  properties: Record<string, string>;
  bodyBytes: number;
  /** The body decoded with the chosen charset (WHATWG TextDecoder: UTF-8, GBK, GB18030, Big5, Shift_JIS, ...). */
  body: string;
  bodyBase64: string;
}

/** A TextDecoder for `charset`, or an ApiError naming the charsets that work. */
export function decoderFor(charset: string): TextDecoder {
  try {
    return new TextDecoder(charset);
  } catch {
    throw new ApiError(400, `unknown charset '${charset}': use a WHATWG encoding label such as UTF-8, GBK, GB18030, Big5, Shift_JIS, EUC-KR, ISO-8859-1`);
  }
}

function row(m: MessageView, dec: TextDecoder): MessageRow {
  return {
    msgId: m.properties.get('UNIQ_KEY') ?? m.offsetMsgId,
    offsetMsgId: m.offsetMsgId,
    topic: m.topic,
    tags: m.tags ?? '',
    keys: m.keys ?? '',
    queueId: m.queueId,
    queueOffset: m.queueOffset,
    bornTimestamp: m.bornTimestamp,
    storeTimestamp: m.storeTimestamp,
    storeHost: m.storeHost,
    properties: Object.fromEntries(m.properties),
    bodyBytes: m.body.length,
    body: dec.decode(m.body),
    bodyBase64: m.body.toString('base64'),
  };
}

async function queryByKey(c: RocketClient, topic: string, key: string, unique: boolean): Promise<MessageView[]> {
  const route = await c.routeOf(topic, 0);
  if (route === undefined) throw new ApiError(404, `topic ${topic} has no route on the NameServer`);
  const out: MessageView[] = [];
  for (const bd of route.brokerDatas) {
    const addr = bd.brokerAddrs.get(MASTER_ID) ?? [...bd.brokerAddrs.values()][0];
    if (addr === undefined) continue;
    const ext = new Map([
      ['topic', topic],
      ['key', key],
      ['maxNum', String(QUERY_MESSAGES_MAX)],
      ['beginTimestamp', '0'],
      ['endTimestamp', String(Number.MAX_SAFE_INTEGER)],
    ]);
    if (unique) ext.set('_UNIQUE_KEY_QUERY', 'true');
    const r = await c.call(addr, RequestCode.QUERY_MESSAGE, ext);
    if (r.code === ResponseCode.QUERY_NOT_FOUND) continue;
    out.push(...decodeMessages(must(r, `QUERY_MESSAGE ${topic} key ${key} on ${addr}`)));
  }
  // An index entry is a hash: keep only the messages that really carry the key (Java MQAdminImpl#queryMessage).
  return out.filter((m) => (unique ? m.properties.get('UNIQ_KEY') === key : (m.keys ?? '').split(' ').includes(key)));
}

/** mqadmin queryMsgByKey -t -k: every message of `topic` with key `key`. */
export async function messagesByKey(c: RocketClient, topic: string, key: string, charset: string): Promise<MessageRow[]> {
  const dec = decoderFor(charset);
  return (await queryByKey(c, topic, key, false)).map((m) => row(m, dec));
}

/**
 * mqadmin queryMsgById: an offset msgId (store host + commit-log offset) is read with VIEW_MESSAGE_BY_ID from that
 * broker when it is one of the cluster's; otherwise the id is a client (UNIQ_KEY) id, looked up in `topic`'s index.
 */
export async function messageById(c: RocketClient, id: string, topic: string | undefined, charset: string): Promise<MessageRow[]> {
  const dec = decoderFor(charset);
  if (!/^[0-9A-Fa-f]{32}$/.test(id)) throw new ApiError(400, `message id '${id}' is not 32 hex digits (an offset msgId or a client UNIQ_KEY)`);
  const { info } = await masters(c);
  const known = new Set<string>([...info.brokerAddrTable.values()].flatMap((b) => [...b.brokerAddrs.values()]));
  try {
    const o = decodeOffsetMsgId(id);
    const addr = formatHost(o.host);
    if (known.has(addr)) {
      const r = await c.call(addr, RequestCode.VIEW_MESSAGE_BY_ID, new Map([['offset', String(o.offset)]]));
      if (r.code === ResponseCode.SUCCESS && r.body !== null) return decodeMessages(r.body).map((m) => row(m, dec));
    }
  } catch {
    // not an offset msgId of this cluster: try it as a UNIQ_KEY below
  }
  if (topic === undefined || topic === '') throw new ApiError(400, `message ${id} is not an offset msgId of this cluster; give its topic to look it up as a client id (UNIQ_KEY)`);
  return (await queryByKey(c, topic, id.toUpperCase(), true)).map((m) => row(m, dec));
}

/**
 * mqadmin resetOffsetByTime -g -t -s: INVOKE_BROKER_TO_RESET_OFFSET on every master the route names. When the
 * broker answers CONSUMER_NOT_ONLINE (classic reset through the clients), the offsets are committed directly as
 * mqadmin's resetOffsetByTimestampOld does (SEARCH_OFFSET_BY_TIMESTAMP, UPDATE_CONSUMER_OFFSET).
 */
export async function resetOffset(c: RocketClient, groupName: string, topic: string, timestamp: number): Promise<{ queues: { brokerName: string; queueId: number; offset: number }[] }> {
  const route = await c.routeOf(topic, 0);
  if (route === undefined) throw new ApiError(404, `topic ${topic} has no route on the NameServer`);
  const out: { brokerName: string; queueId: number; offset: number }[] = [];
  for (const bd of route.brokerDatas) {
    const addr = bd.brokerAddrs.get(MASTER_ID);
    if (addr === undefined) continue;
    const ext = new Map([['topic', topic], ['group', groupName], ['timestamp', String(timestamp)], ['isForce', 'true'], ['queueId', '-1']]);
    const r = await c.call(addr, RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, ext);
    if (r.code === ResponseCode.SUCCESS) {
      const b = r.body === null ? [] : decoded(ResetOffsetBody.decode(r.body), 'ResetOffsetBody').offsetTable;
      for (const [mq, off] of b) out.push({ brokerName: mq.brokerName, queueId: mq.queueId, offset: off });
      continue;
    }
    if (r.code !== ResponseCode.CONSUMER_NOT_ONLINE) {
      const status = r.code === ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST || r.code === ResponseCode.TOPIC_NOT_EXIST ? 404 : 502;
      throw new ApiError(status, `reset offset of ${groupName} on ${topic} at ${addr}: CODE ${r.code} ${r.remark ?? ''}`.trim());
    }
    const qd = route.queueDatas.find((q) => q.brokerName === bd.brokerName);
    for (let q = 0; q < (qd?.readQueueNums ?? 0); q++) {
      const offset = timestamp < 0 ? await c.maxOffset(addr, topic, q) : await offsetAt(c, addr, topic, q, timestamp);
      const u = await c.call(addr, RequestCode.UPDATE_CONSUMER_OFFSET, new Map([['consumerGroup', groupName], ['topic', topic], ['queueId', String(q)], ['commitOffset', String(offset)]]));
      if (u.code !== ResponseCode.SUCCESS) throw new ApiError(502, `commit offset ${offset} of ${groupName} ${topic}#${q} at ${addr}: CODE ${u.code} ${u.remark ?? ''}`.trim());
      out.push({ brokerName: bd.brokerName, queueId: q, offset });
    }
  }
  return { queues: out.sort((a, b) => (a.brokerName === b.brokerName ? a.queueId - b.queueId : a.brokerName < b.brokerName ? -1 : 1)) };
}

/** SEARCH_OFFSET_BY_TIMESTAMP (29): the queue offset of the first message stored at or after `timestamp`. */
async function offsetAt(c: RocketClient, addr: string, topic: string, queueId: number, timestamp: number): Promise<number> {
  const r = await c.call(addr, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, new Map([['topic', topic], ['queueId', String(queueId)], ['timestamp', String(timestamp)]]));
  if (r.code !== ResponseCode.SUCCESS) throw new ApiError(502, `search offset of ${topic}#${queueId} at ${timestamp} on ${addr}: CODE ${r.code} ${r.remark ?? ''}`.trim());
  return Number(r.extFields?.get('offset') ?? 0);
}
