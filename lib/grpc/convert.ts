import type { TopicRouteData } from '../../protocol/bodies';
import { ResponseCode } from '../../protocol/codes';
import { crc32, formatExtraInfo, parseExtraInfo, parseNormalTopic, realTopic, retryMark, type ExtraInfo, type MessageView } from '../../protocol/message';
import { isReadable, isWriteable, MASTER_ID } from '../../protocol/naming';

/**
 * Pure mapping between apache.rocketmq.v2 messages (as @grpc/proto-loader hands them over: camelCase fields, enums as
 * names, int64 as number) and RocketMQ's remoting world. No I/O; service.ts calls these.
 * Java: proxy/.../grpc/v2/route/RouteActivity, producer/SendMessageActivity#buildMessage, common/GrpcConverter
 * #buildMessage, consumer ReceiptHandle (common/.../consumer/ReceiptHandle.java), GrpcClientSettingsManager.
 */

/** apache.rocketmq.v2.Code values Apogee answers with (definition.proto). */
export const Code = {
  OK: 20000,
  BAD_REQUEST: 40000,
  ILLEGAL_TOPIC: 40002,
  ILLEGAL_INVISIBLE_TIME: 40011,
  INVALID_TRANSACTION_ID: 40008,
  INVALID_RECEIPT_HANDLE: 40013,
  MESSAGE_PROPERTY_CONFLICT_WITH_TYPE: 40014,
  ILLEGAL_CONSUMER_GROUP: 40003,
  UNRECOGNIZED_CLIENT_TYPE: 40015,
  CLIENT_ID_REQUIRED: 40017,
  TOPIC_NOT_FOUND: 40402,
  MESSAGE_NOT_FOUND: 40401,
  TOO_MANY_REQUESTS: 42900,
  INTERNAL_SERVER_ERROR: 50001,
  ILLEGAL_OFFSET: 40019,
  NOT_IMPLEMENTED: 50100,
  PROXY_TIMEOUT: 50400,
} as const;

export interface Status {
  code: number;
  message: string;
}
export const status = (code: number, message: string): Status => ({ code, message });
export const OK: Status = status(Code.OK, 'OK');

export interface PbResource {
  resourceNamespace?: string;
  name: string;
}
export interface PbDuration {
  seconds: number | string;
  nanos: number;
}
export interface PbEndpoints {
  scheme: string;
  addresses: { host: string; port: number }[];
}

export function durationMs(d: PbDuration | null | undefined): number | undefined {
  if (d === null || d === undefined) return undefined;
  return Number(d.seconds) * 1000 + Math.floor(d.nanos / 1e6);
}
export function toDuration(ms: number): PbDuration {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}
export const toTimestamp = toDuration;

/** Every message type (Java: TopicMessageType MIXED); message-type.ts narrows it to the topic's own. */
export const ACCEPT_ALL_TYPES: readonly string[] = ['NORMAL', 'FIFO', 'DELAY', 'TRANSACTION'];

/**
 * Java RouteActivity#genMessageQueueFromQueueData: per broker (master present), min(read, write) READ_WRITE queues,
 * then READ-only or WRITE-only ones up to the larger count; every queue names the gRPC endpoints the client used.
 */
export function routeToQueues(topic: PbResource, route: TopicRouteData, endpoints: PbEndpoints, acceptMessageTypes: readonly string[] = ACCEPT_ALL_TYPES): unknown[] {
  const out: unknown[] = [];
  for (const qd of route.queueDatas) {
    const bd = route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
    if (bd === undefined || !bd.brokerAddrs.has(MASTER_ID)) continue;
    const broker = { name: qd.brokerName, id: MASTER_ID, endpoints };
    const r = isReadable(qd.perm) ? qd.readQueueNums : 0;
    const w = isWriteable(qd.perm) ? qd.writeQueueNums : 0;
    const both = Math.min(r, w);
    for (let i = 0; i < Math.max(r, w); i++) {
      const permission = i < both ? 'READ_WRITE' : r > w ? 'READ' : 'WRITE';
      out.push({ topic, id: i, permission, broker, acceptMessageTypes });
    }
  }
  return out;
}

/** Java RouteActivity#queryAssignment: one assignment per broker with readable queues, queue id -1 (POP from all). */
export function routeToAssignments(topic: PbResource, route: TopicRouteData, endpoints: PbEndpoints): unknown[] {
  const out: unknown[] = [];
  for (const qd of route.queueDatas) {
    const bd = route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
    if (bd === undefined || !bd.brokerAddrs.has(MASTER_ID) || !isReadable(qd.perm) || qd.readQueueNums <= 0) continue;
    const permission = isWriteable(qd.perm) ? 'READ_WRITE' : 'READ';
    out.push({ messageQueue: { topic, id: -1, permission, broker: { name: qd.brokerName, id: MASTER_ID, endpoints }, acceptMessageTypes: ACCEPT_ALL_TYPES } });
  }
  return out;
}

export interface PbMessage {
  topic: PbResource;
  userProperties: Record<string, string>;
  systemProperties: {
    tag?: string;
    keys: string[];
    messageId: string;
    bodyEncoding?: string;
    messageType?: string;
    bornTimestamp?: PbDuration | null;
    bornHost?: string;
    deliveryTimestamp?: PbDuration | null;
    messageGroup?: string;
    traceContext?: string;
    queueId?: number;
  };
  body: Buffer;
}

/** What SEND_MESSAGE_V2 needs of one gRPC message. */
export interface RemotingSend {
  topic: string;
  body: Buffer;
  properties: Map<string, string>;
  bornTimestamp: number;
  /** The body came gzip-encoded (Java client: bodies over 4 MiB); the service inflates it before storing. */
  gzip: boolean;
  /** A half message (TRAN_MSG; sysFlag TRANSACTION_PREPARED_TYPE) that EndTransaction commits or rolls back. */
  transactional: boolean;
  /** The queue the client chose (Java client: PublishingMessageImpl sets it; FIFO hashes the message group). */
  queueId: number;
}

/** Java SendMessageActivity#buildMessage/buildMessageProperty; undefined + reason when the message is refused. */
export function toRemotingSend(m: PbMessage): { ok: true; value: RemotingSend } | { ok: false; status: Status } {
  const sp = m.systemProperties;
  if (m.topic === undefined || m.topic === null || m.topic.name === '') return { ok: false, status: status(Code.ILLEGAL_TOPIC, 'topic name is empty') };
  if (sp === undefined || sp === null || sp.messageId === '') return { ok: false, status: status(Code.BAD_REQUEST, 'system_properties.message_id is empty') };
  const transactional = sp.messageType === 'TRANSACTION';
  const p = new Map<string, string>();
  for (const [k, v] of Object.entries(m.userProperties ?? {})) p.set(k, v);
  if (transactional) p.set('TRAN_MSG', 'true');
  if (sp.tag !== undefined && sp.tag !== null && sp.tag !== '') p.set('TAGS', sp.tag);
  if (sp.keys.length > 0) p.set('KEYS', sp.keys.join(' '));
  p.set('UNIQ_KEY', sp.messageId);
  if (sp.messageGroup !== undefined && sp.messageGroup !== null && sp.messageGroup !== '') p.set('__SHARDINGKEY', sp.messageGroup);
  const deliver = durationMs(sp.deliveryTimestamp);
  if (deliver !== undefined && deliver > 0) p.set('TIMER_DELIVER_MS', String(deliver));
  if (sp.traceContext !== undefined && sp.traceContext !== null && sp.traceContext !== '') p.set('TRACE_CONTEXT', sp.traceContext);
  if (sp.bornHost !== undefined && sp.bornHost !== '') p.set('__BORNHOST', sp.bornHost);
  return {
    ok: true,
    value: { topic: m.topic.name, body: m.body, properties: p, bornTimestamp: durationMs(sp.bornTimestamp) ?? Date.now(), gzip: sp.bodyEncoding === 'GZIP', queueId: sp.queueId ?? 0, transactional },
  };
}

/**
 * The receipt handle Apogee hands out: the broker's POP_CK extraInfo
 *   "<ckQueueOffset> <popTime> <invisibleTime> <reviveQid> <retry> <brokerName> <queueId> <msgQueueOffset>"
 * followed by " <commitLogOffset>" (Java ReceiptHandle#encode has the same nine fields in this order).
 */
export type ReceiptHandle = Omit<ExtraInfo, 'msgQueueOffset'> & {
  /** The message's queue offset (extraInfo's msgQueueOffset). */
  offset: number;
  commitLogOffset: number;
};

export function encodeReceiptHandle(h: ReceiptHandle): string {
  return `${extraInfoOf(h)} ${h.commitLogOffset}`;
}

/** Undefined unless nine fields: an extraInfo with its message offset (parseExtraInfo), retry 0/1/2, a broker name, then the commit log offset. */
export function decodeReceiptHandle(s: string): ReceiptHandle | undefined {
  const cut = s.lastIndexOf(' ');
  if (cut < 0 || !/^\d{1,19}$/.test(s.slice(cut + 1))) return undefined;
  const head = s.slice(0, cut);
  let spaces = 0;
  for (let i = head.indexOf(' '); i >= 0; i = head.indexOf(' ', i + 1)) spaces++;
  if (spaces !== 7) return undefined; // eight extraInfo fields: parseExtraInfo would ignore more
  const e = parseExtraInfo(head);
  if (!e.ok || e.value.msgQueueOffset === undefined) return undefined;
  const { msgQueueOffset, ...rest } = e.value;
  const commitLogOffset = Number(s.slice(cut + 1));
  if (!Number.isSafeInteger(commitLogOffset) || !['0', '1', '2'].includes(rest.retry) || rest.brokerName === '') return undefined;
  return { ...rest, offset: msgQueueOffset, commitLogOffset };
}

/** The extraInfo an ACK / CHANGE_MESSAGE_INVISIBLETIME header carries: the first eight fields of the handle. */
export function extraInfoOf(h: ReceiptHandle): string {
  return formatExtraInfo({ ckQueueOffset: h.ckQueueOffset, popTime: h.popTime, invisibleTime: h.invisibleTime, reviveQid: h.reviveQid, retry: h.retry, brokerName: h.brokerName, queueId: h.queueId, msgQueueOffset: h.offset });
}

/** The topic the message lives in (Java ExtraInfoUtil#getRealTopic): the POP retry topic when retry is 1 or 2. */
export function storedTopic(topic: string, group: string, retry: string): string {
  return realTopic(topic, group, retry) ?? topic;
}

/** A popped message's receipt handle and delivery count, from the POP response header. */
export interface PopReceipt {
  handle: string;
  reconsumeTimes: number;
}

export interface PopResponseHeader {
  popTime: number;
  invisibleTime: number;
  reviveQid: number;
  startOffsetInfo?: string | null;
  orderCountInfo?: string | null;
}

/** "a b c;d e f" -> Map("a b" -> "c", "d e" -> "f") (startOffsetInfo, orderCountInfo). */
function infoMap(text: string | null | undefined): Map<string, number> {
  const m = new Map<string, number>();
  for (const part of (text ?? '').split(';')) {
    const f = part.split(' ');
    if (f.length === 3) m.set(`${f[0]} ${f[1]}`, Number(f[2]));
  }
  return m;
}

/**
 * Receipt handles and delivery counts for the messages of one POP response, as the Java remoting client derives
 * POP_CK (Java MQClientAPIImpl#processPopResponse): a POP_CK the broker already set wins; else the checkpoint's start offset is the queue's entry of
 * startOffsetInfo; an orderly POP's orderCountInfo gives a per-offset ("<retry> qo<queueId>%<offset>") or per-queue
 * ("<retry> <queueId>") delivery count that replaces reconsumeTimes when positive. Undefined where the header lacks
 * the queue (the message is then delivered without a handle and the client cannot ack it: a broker bug).
 */
export function popReceipts(h: PopResponseHeader, brokerName: string, msgs: readonly MessageView[]): (PopReceipt | undefined)[] {
  const starts = infoMap(h.startOffsetInfo);
  const counts = infoMap(h.orderCountInfo);
  return msgs.map((v) => {
    const ck = v.properties.get('POP_CK');
    if (ck !== undefined) {
      // A retry-topic message: the broker put its POP_CK itself (Java PopMessageProcessor#popMsgFromQueue) and gave it the request's topic.
      const h = decodeReceiptHandle(`${ck} ${v.commitLogOffset}`);
      return h === undefined ? undefined : { handle: encodeReceiptHandle(h), reconsumeTimes: v.reconsumeTimes };
    }
    const mark = retryMark(v.topic);
    const start = starts.get(`${mark} ${v.queueId}`);
    if (start === undefined) return undefined;
    const handle = encodeReceiptHandle({
      ckQueueOffset: start, popTime: h.popTime, invisibleTime: h.invisibleTime, reviveQid: h.reviveQid, retry: mark, brokerName, queueId: v.queueId, offset: v.queueOffset, commitLogOffset: v.commitLogOffset,
    });
    const c = counts.get(`${mark} qo${v.queueId}%${v.queueOffset}`) ?? counts.get(`${mark} ${v.queueId}`);
    return { handle, reconsumeTimes: c !== undefined && c > 0 ? c : v.reconsumeTimes };
  });
}

/** Java GrpcConverter#buildMessage: a popped message as the client reads it; the body digest is CRC32 (hex, upper case). */
export function toPbMessage(v: MessageView, group: string, namespace: string, invisibleMs: number, pop?: PopReceipt): unknown {
  const props = v.properties;
  const user: Record<string, string> = {};
  for (const [k, val] of props) if (!SYSTEM_KEYS.has(k)) user[k] = val;
  const handle = pop?.handle;
  const attempt = (pop?.reconsumeTimes ?? v.reconsumeTimes) + 1;
  const group_ = props.get('__SHARDINGKEY');
  const deliver = props.get('TIMER_DELIVER_MS');
  const keys = (props.get('KEYS') ?? '').split(' ').filter((k) => k !== '');
  const tag = props.get('TAGS');
  return {
    topic: { resourceNamespace: namespace, name: parseNormalTopic(v.topic, group) },
    userProperties: user,
    systemProperties: {
      ...(tag !== undefined ? { tag } : {}),
      keys,
      messageId: v.msgId,
      bodyDigest: { type: 'CRC32', checksum: (crc32(v.body) >>> 0).toString(16).toUpperCase() },
      bodyEncoding: 'IDENTITY',
      messageType: group_ !== undefined ? 'FIFO' : deliver !== undefined ? 'DELAY' : 'NORMAL',
      bornTimestamp: toTimestamp(v.bornTimestamp),
      bornHost: v.bornHost.split(':')[0] ?? v.bornHost,
      storeTimestamp: toTimestamp(v.storeTimestamp),
      storeHost: v.storeHost,
      ...(deliver !== undefined ? { deliveryTimestamp: toTimestamp(Number(deliver)) } : {}),
      ...(handle !== undefined ? { receiptHandle: handle } : {}),
      queueId: v.queueId,
      queueOffset: v.queueOffset,
      invisibleDuration: toDuration(invisibleMs),
      deliveryAttempt: attempt,
      ...(group_ !== undefined ? { messageGroup: group_ } : {}),
      ...(props.has('TRACE_CONTEXT') ? { traceContext: props.get('TRACE_CONTEXT') } : {}),
    },
    body: v.body,
  };
}

/** Properties that travel as system properties (or are broker-internal), not as user properties. */
const SYSTEM_KEYS = new Set([
  'TAGS', 'KEYS', 'UNIQ_KEY', '__SHARDINGKEY', 'TIMER_DELIVER_MS', 'TRACE_CONTEXT', 'POP_CK', 'POP_CK_OFFSET', '1ST_POP_TIME',
  'RETRY_TOPIC', 'REAL_TOPIC', 'REAL_QID', 'ORIGIN_MESSAGE_ID', 'RECONSUME_TIME', 'MAX_RECONSUME_TIMES', 'MIN_OFFSET', 'MAX_OFFSET',
  'CONSUME_START_TIME', 'WAIT', 'DELAY', 'TIMER_OUT_MS', 'TIMER_ENQUEUE_MS', 'TIMER_DEQUEUE_MS', 'TIMER_ROLL_TIMES', 'TIMER_DEL_UNIQKEY',
  '__BORNHOST', 'TRAN_MSG', 'PGROUP', 'CLUSTER', 'INNER_NUM', 'INNER_BASE',
]);

/** A remoting failure as a v2 Status (Java ResponseBuilder#buildStatus(int remotingResponseCode, String remark)). */
export function remotingStatus(code: number, remark: string | null): Status {
  const msg = `broker answered ${code}: ${remark ?? ''}`;
  switch (code) {
    case ResponseCode.TOPIC_NOT_EXIST:
      return status(Code.TOPIC_NOT_FOUND, msg);
    case ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST:
      return status(40403, msg);
    case ResponseCode.MESSAGE_ILLEGAL:
      return status(Code.BAD_REQUEST, msg);
    case ResponseCode.NO_PERMISSION:
      return status(40300, msg);
    case ResponseCode.SYSTEM_BUSY:
      return status(Code.TOO_MANY_REQUESTS, msg);
    default:
      return status(Code.INTERNAL_SERVER_ERROR, msg);
  }
}
