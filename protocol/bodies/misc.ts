import { formatJavaProperties, parseJavaProperties } from '../codec';
import type { Decoded } from '../headers';
import { queueMapOf, type QueueMap } from './message-queue';
import { raw } from './json';
import {
  beanBody,
  beanOf,
  bool,
  dflt,
  double,
  enumOf,
  int,
  long,
  mapOf,
  opt,
  prim,
  setOf,
  str,
  stringKey,
  type BeanBody,
  type BeanCodec,
  type BodyInput,
} from './schema';
import { subscriptionData, type SubscriptionData } from './heartbeat';

/**
 * Remaining bodies. Java: remoting/.../protocol/body/{KVTable,ConsumeMessageDirectlyResult,CMResult,
 * ConsumerRunningInfo,ProcessQueueInfo,PopProcessQueueInfo,ConsumeStatus,BrokerStatsData,BrokerStatsItem}.java,
 * common/.../MixAll.java (properties2String / string2Properties).
 */

/** KVTable: {"table":{"k":"v"}} (GET_KVLIST_BY_NAMESPACE 219, GET_BROKER_RUNTIME_INFO 28, REGISTER_BROKER reply). */
export interface KVTable {
  table: Map<string, string>;
}
export const KVTable = beanBody('KVTable', beanOf<KVTable>({ table: dflt(mapOf(stringKey, str), () => new Map<string, string>()) }));

export const CMResults = ['CR_SUCCESS', 'CR_LATER', 'CR_ROLLBACK', 'CR_COMMIT', 'CR_THROW_EXCEPTION', 'CR_RETURN_NULL'] as const;
export type CMResult = (typeof CMResults)[number];

/** CONSUME_MESSAGE_DIRECTLY (309) client response. Go sends consumeResult as its ordinal (read as the name). */
export interface ConsumeMessageDirectlyResult {
  autoCommit: boolean;
  consumeResult?: CMResult;
  order: boolean;
  remark?: string;
  spentTimeMills: number;
}
export const ConsumeMessageDirectlyResult = beanBody(
  'ConsumeMessageDirectlyResult',
  beanOf<ConsumeMessageDirectlyResult>({
    autoCommit: prim(bool, true),
    consumeResult: opt(enumOf(CMResults)),
    order: prim(bool, false),
    remark: opt(str),
    spentTimeMills: prim(long, 0),
  }),
);

// ------------------------------------------------------------------------------------------------ running info

export interface ProcessQueueInfo {
  cachedMsgCount: number;
  cachedMsgMaxOffset: number;
  cachedMsgMinOffset: number;
  cachedMsgSizeInMiB: number;
  commitOffset: number;
  /** Java spelling (Go writes "dropped", which is ignored like any unknown key). */
  droped: boolean;
  lastConsumeTimestamp: number;
  lastLockTimestamp: number;
  lastPullTimestamp: number;
  locked: boolean;
  transactionMsgCount: number;
  transactionMsgMaxOffset: number;
  transactionMsgMinOffset: number;
  tryUnlockTimes: number;
}
export const processQueueInfo = beanOf<ProcessQueueInfo>({
  cachedMsgCount: prim(int, 0),
  cachedMsgMaxOffset: prim(long, 0),
  cachedMsgMinOffset: prim(long, 0),
  cachedMsgSizeInMiB: prim(int, 0),
  commitOffset: prim(long, 0),
  droped: prim(bool, false),
  lastConsumeTimestamp: prim(long, 0),
  lastLockTimestamp: prim(long, 0),
  lastPullTimestamp: prim(long, 0),
  locked: prim(bool, false),
  transactionMsgCount: prim(int, 0),
  transactionMsgMaxOffset: prim(long, 0),
  transactionMsgMinOffset: prim(long, 0),
  tryUnlockTimes: prim(long, 0),
});

export interface PopProcessQueueInfo {
  droped: boolean;
  lastPopTimestamp: number;
  waitAckCount: number;
}
export const popProcessQueueInfo = beanOf<PopProcessQueueInfo>({
  droped: prim(bool, false),
  lastPopTimestamp: prim(long, 0),
  waitAckCount: prim(int, 0),
});

export interface ConsumeStatus {
  consumeFailedMsgs: number;
  consumeFailedTPS: number;
  consumeOKTPS: number;
  consumeRT: number;
  pullRT: number;
  pullTPS: number;
}
export const consumeStatus = beanOf<ConsumeStatus>({
  consumeFailedMsgs: prim(long, 0),
  consumeFailedTPS: prim(double, 0),
  consumeOKTPS: prim(double, 0),
  consumeRT: prim(double, 0),
  pullRT: prim(double, 0),
  pullTPS: prim(double, 0),
});

/**
 * GET_CONSUMER_RUNNING_INFO (307) client response, relayed by the broker to mqadmin. Read tolerantly (Java's
 * and Go's hand-built variant, which has spaces, Go key order and Go key spellings). decode() keeps the body text
 * in `source`, and encode() of a value that has a source writes that text unchanged (passthrough: the relay
 * forwards what the client sent). A value Apogee builds has no source and is written from its properties.
 */
export interface ConsumerRunningInfo {
  jstack?: string;
  /** 5.x only. */
  mqPopTable?: QueueMap<PopProcessQueueInfo>;
  mqTable: QueueMap<ProcessQueueInfo>;
  /** java.util.Properties (PROP_CONSUME_TYPE, PROP_CLIENT_VERSION, ...). */
  properties: Map<string, string>;
  statusTable: Map<string, ConsumeStatus>;
  subscriptionSet: SubscriptionData[];
  /** 5.x only. */
  userConsumerInfo?: Map<string, string>;
  /** The body text this value was decoded from, re-emitted verbatim by encode. */
  source?: string;
}
const runningFields = beanOf<Omit<ConsumerRunningInfo, 'source'>>({
  jstack: opt(str),
  mqPopTable: opt(queueMapOf(popProcessQueueInfo)),
  mqTable: dflt(queueMapOf(processQueueInfo), () => []),
  properties: dflt(mapOf(stringKey, str), () => new Map<string, string>()),
  statusTable: dflt(mapOf(stringKey, consumeStatus), () => new Map<string, ConsumeStatus>()),
  subscriptionSet: dflt(setOf(subscriptionData), () => []),
  userConsumerInfo: opt(mapOf(stringKey, str)),
});
const runningCodec: BeanCodec<ConsumerRunningInfo> = {
  desc: { t: 'bean', specs: { ...runningFields.specs, source: opt(str) } },
  specs: { ...runningFields.specs, source: opt(str) },
  read: (v) => runningFields.read(v),
  write(v) {
    if (v.source !== undefined) return raw(v.source);
    const { source: _ignored, ...rest } = v;
    return runningFields.write(rest);
  },
  make(init) {
    const { source, ...rest } = init;
    const x: ConsumerRunningInfo = runningFields.make(rest);
    if (source !== undefined) x.source = source;
    return x;
  },
};
const runningBody = beanBody('ConsumerRunningInfo', runningCodec);
export const ConsumerRunningInfo: BeanBody<ConsumerRunningInfo> = {
  ...runningBody,
  decode(b, limits) {
    const d = runningBody.decode(b, limits);
    if (!d.ok || b === null || b === undefined) return d;
    return { ok: true, value: { ...d.value, source: typeof b === 'string' ? b : Buffer.from(b).toString('utf8') } };
  },
};

// ------------------------------------------------------------------------------------------------ broker stats

export interface BrokerStatsItem {
  avgpt: number;
  sum: number;
  tps: number;
}
export const brokerStatsItem = beanOf<BrokerStatsItem>({ avgpt: prim(double, 0), sum: prim(long, 0), tps: prim(double, 0) });

/** VIEW_BROKER_STATS_DATA (315) response. */
export interface BrokerStatsData {
  statsDay?: BrokerStatsItem;
  statsHour?: BrokerStatsItem;
  statsMinute?: BrokerStatsItem;
}
export const BrokerStatsData = beanBody(
  'BrokerStatsData',
  beanOf<BrokerStatsData>({ statsDay: opt(brokerStatsItem), statsHour: opt(brokerStatsItem), statsMinute: opt(brokerStatsItem) }),
);

// ------------------------------------------------------------------------------------------------ properties text

/**
 * The Java Properties text of GET/UPDATE_BROKER_CONFIG (26/25) and GET/UPDATE_NAMESRV_CONFIG (319/318).
 *
 * decode = MixAll.string2Properties(new String(body, UTF-8)): the text is turned back into UTF-8 bytes and
 * loaded with Properties.load(InputStream), which reads ISO-8859-1 — so the body bytes are taken as Latin-1
 * (a raw "é" arrives as "Ã©"; "\u00e9" arrives as "é"), with load()'s comments, continuations and escapes.
 *
 * encode = MixAll.properties2String(props, isSort) as UTF-8: "key=value\n" per entry, no escaping at all, keys
 * sorted (5.x Configuration.getAllConfigsInternal sorts; 4.9.x writes Hashtable order, not reproduced).
 */
export const PropertiesBody = {
  name: 'Properties',
  decode(body: BodyInput): Decoded<Map<string, string>> {
    if (body === null || body === undefined) return { ok: false, error: 'Properties: no body' };
    const text = typeof body === 'string' ? Buffer.from(body, 'utf8').toString('latin1') : Buffer.from(body).toString('latin1');
    // Properties.load throws on a malformed \uXXXX (string2Properties then returns null: the broker answers
    // SYSTEM_ERROR "string2Properties error").
    if (hasMalformedUnicodeEscape(text)) return { ok: false, error: 'Properties: Malformed \\uxxxx encoding.' };
    return { ok: true, value: parseJavaProperties(text) };
  },
  encode(entries: Iterable<[string, string]>): Buffer {
    return Buffer.from(formatJavaProperties(entries), 'utf8');
  },
};

/** True when a non-comment line has a backslash-u escape without 4 hex digits (java.util.Properties.loadConvert). */
function hasMalformedUnicodeEscape(text: string): boolean {
  if (!text.includes('\\u')) return false;
  let continuation = false;
  for (const line of text.split(/\r\n|\r|\n/)) {
    const t = line.replace(/^[ \t\f]+/, '');
    const comment: boolean = !continuation && (t.startsWith('#') || t.startsWith('!'));
    let trailing = 0;
    for (let i = t.length - 1; i >= 0 && t[i] === '\\'; i--) trailing++;
    if (!comment) {
      for (let i = 0; i < t.length; i++) {
        if (t[i] !== '\\') continue;
        if (t[i + 1] === 'u' && !/^[0-9a-fA-F]{4}$/.test(t.slice(i + 2, i + 6))) return true;
        i++;
      }
    }
    continuation = !comment && trailing % 2 === 1;
  }
  return false;
}
