import { MessageConst, MessageSysFlag, type HostAddress } from '../../../protocol/message';
import { InnerMessage } from '../message-build';

/**
 * The records POP writes to the revive topic rmq_sys_REVIVE_LOG_<cluster> (Java: store/.../pop/PopCheckPoint.java,
 * AckMsg.java, BatchAckMsg.java, PopAckConstants.java; written by PopMessageProcessor#buildCkMsg,
 * AckMessageProcessor#appendAck, ChangeInvisibleTimeProcessor). The bodies are fastjson's output: fields sorted by
 * their JSON name, null fields left out, and PopCheckPoint's getReviveTime() serialized as "reviveTime". A Java
 * broker reading an Apogee store (and back) revives the same messages, so these are byte for byte Java's.
 *
 *   ck   {"bm":0,"bn":"b","c":"g","d":[0,1],"it":60000,"n":2,"pt":1,"q":0,"reviveTime":60001,"ro":0,"so":5,"sp":false,"t":"T"}
 *   ack  {"ao":6,"bn":"b","c":"g","pt":1,"q":0,"so":5,"t":"T"}
 *   bAck {"ao":-1,"aol":[5,6],"bn":"b","c":"g","pt":1,"q":0,"so":5,"t":"T"}
 *
 * Tags "ck", "ack", "bAck"; UNIQ_KEY is Java's gen*UniqueId; TIMER_DELIVER_MS is reviveTime - ackTimeInterval for a
 * ck and popTime + invisibleTime for an ack, so the timer wheel makes both appear in the revive queue when due.
 */
export const CK_TAG = 'ck';
export const ACK_TAG = 'ack';
export const BATCH_ACK_TAG = 'bAck';
/** Java PopAckConstants.REVIVE_GROUP: the consumer group whose offsets record revive progress. */
export const REVIVE_GROUP = 'CID_RMQ_SYS_REVIVE_GROUP';
/** Java PopAckConstants.ackTimeInterval (ms): a ck is due in the revive queue this long before its revive time. */
export const ACK_TIME_INTERVAL_MS = 1000;
const SPLIT = '@';

export interface PopCheckPoint {
  startOffset: number;
  popTime: number;
  invisibleTime: number;
  bitMap: number;
  num: number;
  queueId: number;
  topic: string;
  cid: string;
  reviveOffset: number;
  queueOffsetDiff?: number[];
  brokerName?: string;
  rePutTimes?: string;
  /** 5.5.0 PopCheckPoint#suspend ("sp", always written; ChangeInvisibleTime's suspend flag). */
  suspend?: boolean;
}

export interface AckMsg {
  ackOffset: number;
  startOffset: number;
  consumerGroup: string;
  topic: string;
  queueId: number;
  popTime: number;
  brokerName?: string;
  /** BatchAckMsg only. */
  ackOffsetList?: number[];
}

export const reviveTime = (ck: PopCheckPoint): number => ck.popTime + ck.invisibleTime;

/** Java PopCheckPoint#indexOfAck. */
export function indexOfAck(ck: PopCheckPoint, ackOffset: number): number {
  if (ackOffset < ck.startOffset) return -1;
  const d = ck.queueOffsetDiff;
  if (d === undefined || d.length === 0) return ackOffset - ck.startOffset < ck.num ? ackOffset - ck.startOffset : -1;
  return d.indexOf(ackOffset - ck.startOffset);
}

/** Java PopCheckPoint#ackOffsetByIndex. */
export function ackOffsetByIndex(ck: PopCheckPoint, index: number): number {
  const d = ck.queueOffsetDiff;
  return d === undefined || d.length === 0 ? ck.startOffset + index : ck.startOffset + d[index]!;
}

const str = (s: string): string => JSON.stringify(s);

/** fastjson's JSON.toJSONString(PopCheckPoint): keys sorted, nulls left out, reviveTime from the getter. */
export function checkPointJson(ck: PopCheckPoint): string {
  const parts: string[] = [`"bm":${ck.bitMap}`];
  if (ck.brokerName !== undefined) parts.push(`"bn":${str(ck.brokerName)}`);
  parts.push(`"c":${str(ck.cid)}`);
  if (ck.queueOffsetDiff !== undefined) parts.push(`"d":[${ck.queueOffsetDiff.join(',')}]`);
  parts.push(`"it":${ck.invisibleTime}`, `"n":${ck.num}`, `"pt":${ck.popTime}`, `"q":${ck.queueId}`, `"reviveTime":${reviveTime(ck)}`, `"ro":${ck.reviveOffset}`);
  if (ck.rePutTimes !== undefined) parts.push(`"rp":${str(ck.rePutTimes)}`);
  parts.push(`"so":${ck.startOffset}`, `"sp":${ck.suspend === true}`, `"t":${str(ck.topic)}`);
  return `{${parts.join(',')}}`;
}

/** fastjson's JSON.toJSONString(AckMsg | BatchAckMsg). */
export function ackJson(a: AckMsg): string {
  const parts: string[] = [`"ao":${a.ackOffset}`];
  if (a.ackOffsetList !== undefined) parts.push(`"aol":[${a.ackOffsetList.join(',')}]`);
  if (a.brokerName !== undefined) parts.push(`"bn":${str(a.brokerName)}`);
  parts.push(`"c":${str(a.consumerGroup)}`, `"pt":${a.popTime}`, `"q":${a.queueId}`, `"so":${a.startOffset}`, `"t":${str(a.topic)}`);
  return `{${parts.join(',')}}`;
}

type Json = Record<string, unknown>;
function field(o: Json, short: string, long: string): unknown {
  return o[short] ?? o[long];
}
const n = (v: unknown, d = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function parseObject(text: string): Json | undefined {
  try {
    const o: unknown = JSON.parse(text);
    return o !== null && typeof o === 'object' && !Array.isArray(o) ? (o as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** JSON.parseObject(raw, PopCheckPoint.class); undefined when the body is not a JSON object. */
export function parseCheckPoint(text: string): PopCheckPoint | undefined {
  const o = parseObject(text);
  if (o === undefined) return undefined;
  const d = o['d'];
  const ck: PopCheckPoint = {
    startOffset: n(o['so']),
    popTime: n(o['pt']),
    invisibleTime: n(o['it']),
    bitMap: n(o['bm']),
    num: n(o['n']),
    queueId: n(o['q']),
    topic: s(o['t']) ?? '',
    cid: s(o['c']) ?? '',
    reviveOffset: n(o['ro']),
  };
  if (Array.isArray(d)) ck.queueOffsetDiff = d.map((x) => n(x));
  const bn = s(o['bn']);
  if (bn !== undefined) ck.brokerName = bn;
  const rp = s(o['rp']);
  if (rp !== undefined) ck.rePutTimes = rp;
  if (o['sp'] === true) ck.suspend = true;
  return ck;
}

/** JSON.parseObject(raw, AckMsg.class) / BatchAckMsg.class (short names, or the alternate long names). */
export function parseAck(text: string): AckMsg | undefined {
  const o = parseObject(text);
  if (o === undefined) return undefined;
  const a: AckMsg = {
    ackOffset: n(field(o, 'ao', 'ackOffset')),
    startOffset: n(field(o, 'so', 'startOffset')),
    consumerGroup: s(field(o, 'c', 'consumerGroup')) ?? '',
    topic: s(field(o, 't', 'topic')) ?? '',
    queueId: n(field(o, 'q', 'queueId')),
    popTime: n(field(o, 'pt', 'popTime')),
  };
  const bn = s(field(o, 'bn', 'brokerName'));
  if (bn !== undefined) a.brokerName = bn;
  const list = field(o, 'aol', 'ackOffsetList');
  if (Array.isArray(list)) a.ackOffsetList = list.map((x) => n(x));
  return a;
}

/** Java PopMessageProcessor#genCkUniqueId. */
export function ckUniqueId(ck: PopCheckPoint): string {
  return [ck.topic, ck.queueId, ck.startOffset, ck.cid, ck.popTime, ck.brokerName ?? 'null', CK_TAG].join(SPLIT);
}
/** Java PopMessageProcessor#genAckUniqueId. */
export function ackUniqueId(a: AckMsg): string {
  return [a.topic, a.queueId, a.ackOffset, a.consumerGroup, a.popTime, a.brokerName ?? 'null', ACK_TAG].join(SPLIT);
}
/** The merge key PopReviveService uses to pair acks with their ck. */
export function mergeKey(topic: string, group: string, queueId: number, startOffset: number, popTime: number, brokerName: string): string {
  return `${topic}${group}${queueId}${startOffset}${popTime}${brokerName}`;
}

function reviveMessage(reviveTopic: string, reviveQid: number, tag: string, body: string, deliverMs: number, uniq: string, host: HostAddress, now: number): InnerMessage {
  const props = `${MessageConst.PROPERTY_TAGS}\u0001${tag}\u0002${MessageConst.PROPERTY_TIMER_DELIVER_MS}\u0001${deliverMs}\u0002${MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX}\u0001${uniq}\u0002`;
  return new InnerMessage(reviveTopic, reviveQid, 0, MessageSysFlag.TRANSACTION_NOT_TYPE, now, host, host, 0, Buffer.from(body, 'utf8'), props);
}

/** Java PopMessageProcessor#buildCkMsg. */
export function ckMessage(reviveTopic: string, reviveQid: number, ck: PopCheckPoint, host: HostAddress, now: number): InnerMessage {
  return reviveMessage(reviveTopic, reviveQid, CK_TAG, checkPointJson(ck), reviveTime(ck) - ACK_TIME_INTERVAL_MS, ckUniqueId(ck), host, now);
}

/** Java AckMessageProcessor#appendAck (ack or bAck): due at popTime + invisibleTime. */
export function ackMessage(reviveTopic: string, reviveQid: number, a: AckMsg, invisibleTime: number, host: HostAddress, now: number): InnerMessage {
  const batch = a.ackOffsetList !== undefined;
  // Java sets UNIQ_KEY twice for a bAck, the second time to genAckUniqueId: that one stays.
  return reviveMessage(reviveTopic, reviveQid, batch ? BATCH_ACK_TAG : ACK_TAG, ackJson(a), a.popTime + invisibleTime, ackUniqueId(a), host, now);
}
