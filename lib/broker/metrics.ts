/**
 * The broker's side of lib/metrics: what the Java-named gauges read (BrokerMetricsSources over the broker
 * context), the per-message recording helpers the send and pull processors call, and the remoting observer that
 * records rpc latency. Everything here is a no-op when metricsExporterType is not PROM (ctx.metrics undefined).
 * Java: broker/metrics/BrokerMetricsManager.java, ConsumerLagCalculator.java; store/metrics/DefaultStoreMetricsManager.java.
 */
import * as fs from 'node:fs';
import { languageName, mqVersionDesc, requestCodeName, ResponseCode, responseCodeName } from '../../protocol/codes';
import { MessageConst } from '../../protocol/message';
import { isRetryOrDlqTopic, type BrokerMetricsSources, type LagResult, type MessageTypeLabel, type MetricsRegistry, type ReviveRecordType, type TimerGaugeValues } from '../metrics';
import { timerDistSnapshot, type TimerMessageStore } from '../timer';
import type { RemotingCommand } from '../../protocol/command';
import type { Processor, RemotingServer, RequestContext } from '../remoting';
import type { BrokerContext } from './context';

/** Java MixAll.isSysConsumerGroup / BrokerMetricsManager#isSystemGroup prefixes. */
const SYSTEM_GROUP_PREFIXES = ['cid_rmq_sys_', 'cid_onsapi_', 'cid_onsqa_', 'cid_ons-http-proxy', 'cid_sys_rmq_trans'];

export function isSystemGroup(group: string): boolean {
  const g = group.toLowerCase();
  return SYSTEM_GROUP_PREFIXES.some((p) => g.startsWith(p));
}

const SEP1 = '\u0001';
const SEP2 = '\u0002';
function hasProperty(props: string, key: string): string | undefined {
  const at = props.startsWith(key + SEP1) ? 0 : props.indexOf(SEP2 + key + SEP1);
  if (at < 0) return undefined;
  const from = (at === 0 ? 0 : at + 1) + key.length + 1;
  const end = props.indexOf(SEP2, from);
  return props.slice(from, end < 0 ? undefined : end);
}

/** Java BrokerMetricsManager#getMessageType over the request header's properties string. */
export function messageTypeOf(properties: string): MessageTypeLabel {
  if (properties === '') return 'normal';
  if (hasProperty(properties, MessageConst.PROPERTY_TRANSACTION_PREPARED)?.toLowerCase() === 'true') return 'transaction';
  if (hasProperty(properties, '__SHARDINGKEY') !== undefined) return 'fifo';
  for (const k of ['__STARTDELIVERTIME', MessageConst.PROPERTY_DELAY_TIME_LEVEL, 'TIMER_DELIVER_MS', 'TIMER_DELAY_SEC', 'TIMER_DELAY_MS']) {
    if (hasProperty(properties, k) !== undefined) return 'delay';
  }
  return 'normal';
}

/** Java SendMessageProcessor#handlePutMessageResult, on a successful put. */
export function recordIn(bc: BrokerContext, topic: string, properties: string, msgNum: number, wroteBytes: number): void {
  const m = bc.metrics;
  if (m === undefined || isRetryOrDlqTopic(topic)) return;
  m.in(topic, messageTypeOf(properties), bc.topics.isSystemTopic(topic), msgNum, wroteBytes);
}

/** Java DefaultPullMessageResultHandler#handle, on SUCCESS. */
export function recordOut(bc: BrokerContext, topic: string, group: string, count: number, bytes: number): void {
  const m = bc.metrics;
  if (m === undefined || isRetryOrDlqTopic(topic)) return;
  m.out(topic, group, bc.topics.isSystemTopic(topic) || isSystemGroup(group), count, bytes);
}

/** Java AbstractSendMessageProcessor#consumerSendMsgBack / SendMessageProcessor#handleRetryAndDLQ: one message to the DLQ. */
export function recordDlq(bc: BrokerContext, group: string, topic: string): void {
  bc.metrics?.sendToDlq.add([group, topic, String(bc.topics.isSystemTopic(topic) || isSystemGroup(group))], 1);
}

/**
 * A topic or subscription-group creation processor timed as Java's AdminBrokerProcessor times it
 * (rocketmq_topic_create_execution_time / rocketmq_consumer_group_create_execution_time, invocation_status
 * success|failure from the answer; is_system for a single topic). A no-op wrapper cost when metrics are off.
 */
export function timedCreation(bc: BrokerContext, kind: 'topic' | 'group', p: Processor, isSystemOf: (ctx: RequestContext) => boolean = () => false): Processor {
  return async (ctx) => {
    const started = bc.now();
    const r = await p(ctx);
    const m = bc.metrics;
    if (m !== undefined && typeof r !== 'symbol') {
      const status = r.code === ResponseCode.SUCCESS ? 'success' : 'failure';
      if (kind === 'topic') m.topicCreateTime.record([status, String(isSystemOf(ctx))], bc.now() - started);
      else m.groupCreateTime.record([status], bc.now() - started);
    }
    return r;
  };
}

/** Java EndTransactionProcessor: rocketmq_commit_messages_total or _rollback_; a commit records its finish latency. */
export function recordTransactionEnd(bc: BrokerContext, realTopic: string, commit: boolean, bornTimestamp: number): void {
  const m = bc.metrics;
  if (m === undefined) return;
  if (commit) m.transactions.committed(realTopic, bc.now() - bornTimestamp);
  else m.transactions.rolledBack(realTopic);
}

/** A POP record put through PopService#put, for Java's revive put / retry counters. */
export interface PopPutMetric {
  kind: ReviveRecordType | 'RETRY';
  group: string;
  /** The checkpoint's or ack's topic (Java labels the original topic, also for a retry). */
  topic: string;
}

/** Java PopMetricsManager#incPopReviveCkPutCount / #incPopReviveAckPutCount / #incPopReviveRetryMessageCount. */
export function recordPopPut(bc: BrokerContext, m: PopPutMetric, putStatus: string): void {
  const pt = bc.metrics?.popTimer;
  if (pt === undefined) return;
  if (m.kind === 'RETRY') pt.reviveRetried(m.group, m.topic, putStatus);
  else pt.revivePut(m.group, m.topic, m.kind, putStatus);
}

/** Java PopMetricsManager#incPopReviveCkGetCount / #incPopReviveAckGetCount. */
export function recordPopReviveGot(bc: BrokerContext, group: string, topic: string, queueId: number, type: ReviveRecordType): void {
  bc.metrics?.popTimer.reviveGot(group, topic, queueId, type);
}

/** The timer gauges' values (Java DefaultStoreMetricsManager's timer callbacks), read at scrape time. */
export function timerGauges(t: TimerMessageStore, now: number): TimerGaugeValues {
  const s = t.stats();
  return {
    enqueueBehindMessages: s.offsetBehind,
    enqueueBehindMs: s.enqueueBehindMs,
    dequeueBehindMessages: s.congestNum,
    dequeueBehindSec: s.readBehindSec,
    timing: [...t.metrics.timingCount].map(([topic, m]) => [topic, m.count]),
    snapshot: timerDistSnapshot(t.wheel, now, t.precisionMs),
  };
}

/** Distinct request or response codes whose label value is cached (unknown codes from clients are not). */
const CODE_NAMES_MAX = 1024;

/** The remoting observer: Java NettyRemotingAbstract#writeResponse's rpc latency. */
export function rpcObserver(bc: BrokerContext): (request: RemotingCommand, response: RemotingCommand, startedAt: number, suspended: boolean, oneway: boolean) => void {
  // Label values per code, computed once (Java RemotingHelper's REQUEST_CODE_MAP / RESPONSE_CODE_MAP).
  const reqNames = new Map<number, string>();
  const resNames = new Map<number, string>();
  const nameOf = (names: Map<number, string>, code: number, lookup: (c: number) => string | undefined): string => {
    let n = names.get(code);
    if (n === undefined) {
      n = lookup(code)?.toLowerCase() ?? String(code);
      if (names.size < CODE_NAMES_MAX) names.set(code, n);
    }
    return n;
  };
  return (request, response, startedAt, suspended, oneway) => {
    const m = bc.metrics;
    if (m === undefined) return;
    const req = nameOf(reqNames, request.code, requestCodeName);
    const res = nameOf(resNames, response.code, responseCodeName);
    m.rpc(req, res, suspended, oneway ? 'oneway' : 'success', Date.now() - startedAt);
  };
}

const CONSUME_MODE: Record<string, string> = { CONSUME_ACTIVELY: 'pull', CONSUME_PASSIVELY: 'push', CONSUME_POP: 'pop' };

/** Java ConsumerLagCalculator (pull consumers; estimateAccumulation's filter estimate is not applied: count = to - from). */
async function lagOf(bc: BrokerContext): Promise<LagResult[]> {
  const out: LagResult[] = [];
  const perm = bc.config.brokerPermission;
  for (const g of bc.groups.all()) {
    const group = g.groupName;
    const live = bc.consumers.get(group);
    const topics = live !== undefined ? [...live.subscriptions.keys()] : bc.offsets.topicsOfGroup(group);
    for (const topic of topics) {
      if (topic.startsWith('%RETRY%')) continue;
      const tc = bc.topics.get(topic);
      if (tc === undefined || ((tc.perm & perm) & 6) === 0) continue;
      const l: LagResult = { group, topic, isRetry: false, isSystem: bc.topics.isSystemTopic(topic) || isSystemGroup(group), lag: 0, earliestUnconsumedTimestamp: 0, inflight: 0, earliestUnpulledTimestamp: 0, ready: 0 };
      let earliestUnconsumed = Infinity;
      let earliestUnpulled = Infinity;
      for (let q = 0; q < tc.writeQueueNums; q++) {
        const max = Math.max(0, bc.store.getMaxOffsetInQueue(topic, q));
        const committed0 = bc.offsets.queryOffset(group, topic, q);
        const committed = committed0 < 0 ? max : committed0;
        l.lag += max - committed;
        const pulled0 = bc.offsets.queryPullOffset(group, topic, q);
        const pulledForInflight = pulled0 < 0 ? 0 : pulled0;
        l.inflight += pulledForInflight - (committed0 < 0 ? pulledForInflight : committed0);
        const pulled = pulled0 < 0 ? max : pulled0;
        l.ready += max - pulled;
        if (committed < max) earliestUnconsumed = Math.min(earliestUnconsumed, await storeTime(bc, topic, q, committed));
        if (pulledForInflight < max) earliestUnpulled = Math.min(earliestUnpulled, await storeTime(bc, topic, q, pulledForInflight));
      }
      l.earliestUnconsumedTimestamp = Number.isFinite(earliestUnconsumed) ? earliestUnconsumed : 0;
      l.earliestUnpulledTimestamp = Number.isFinite(earliestUnpulled) ? earliestUnpulled : 0;
      out.push(l);
    }
  }
  return out;
}

/** Java ConsumerLagCalculator#getStoreTimeStamp: Infinity (Long.MAX_VALUE) when unknown. */
async function storeTime(bc: BrokerContext, topic: string, q: number, offset: number): Promise<number> {
  const t = await bc.store.getMessageStoreTimeStamp(topic, q, offset);
  return t > 0 ? t : Infinity;
}

export function metricsSources(bc: BrokerContext, inFlight: () => [string, number][]): BrokerMetricsSources {
  return {
    now: bc.now,
    brokerPermission: () => bc.config.brokerPermission,
    topicCount: () => bc.topics.names().length,
    groupCount: () => [...bc.groups.all()].length,
    processorWatermark: inFlight,
    producerConnections: () => {
      const counts = new Map<string, { language: string; version: string; count: number }>();
      for (const group of bc.producers.groupNames()) {
        for (const c of bc.producers.channels(group)) {
          const language = (languageName(c.language) ?? String(c.language)).toLowerCase();
          const version = mqVersionDesc(c.version).toLowerCase();
          const k = `${language}\u0001${version}`;
          const e = counts.get(k);
          if (e === undefined) counts.set(k, { language, version, count: 1 });
          else e.count++;
        }
      }
      return [...counts.values()];
    },
    consumerConnections: () => {
      const out: ReturnType<BrokerMetricsSources['consumerConnections']> = [];
      for (const group of bc.consumers.groupNames()) {
        const g = bc.consumers.get(group);
        if (g === undefined) continue;
        const counts = new Map<string, (typeof out)[number]>();
        for (const c of g.channels.values()) {
          const language = (languageName(c.language) ?? String(c.language)).toLowerCase();
          const version = mqVersionDesc(c.version).toLowerCase();
          const k = `${language}\u0001${version}`;
          const e = counts.get(k);
          if (e === undefined) counts.set(k, { group, language, version, consumeMode: CONSUME_MODE[g.consumeType] ?? 'push', isSystem: isSystemGroup(group), count: 1 });
          else e.count++;
        }
        out.push(...counts.values());
      }
      return out;
    },
    lag: () => lagOf(bc),
    halfMessages: () => [...bc.halfCounts.counts].map(([topic, c]) => [topic, c.count]),
    ...(bc.timer !== undefined ? { timer: () => timerGauges(bc.timer!, bc.now()) } : {}),
    storage: async () => {
      let usedDiskBytes: number | undefined;
      try {
        const s = fs.statfsSync(bc.storeConfig.storePathRootDir);
        usedDiskBytes = (s.blocks - s.bfree) * s.bsize;
      } catch {
        usedDiskBytes = undefined;
      }
      const st = bc.store.stats();
      return { usedDiskBytes, flushBehindBytes: st.flushBehindBytes, dispatchBehindBytes: st.dispatchBehindBytes, earliestMessageTime: await bc.store.getEarliestMessageTimeOfStore() };
    },
  };
}

/**
 * Java's rocketmq_processor_watermark reports the queue length of each request thread pool. Apogee has no request
 * queues (processors run on the event loop as requests arrive), so each is 0; nodejs_eventloop_lag_* shows the
 * equivalent pressure.
 */
export function javaProcessorNames(): [string, number][] {
  return ['send', 'async_put', 'pull', 'ack', 'query_message', 'client_manager', 'heartbeat', 'lite_pull', 'transaction', 'consumer_manager', 'admin', 'reply'].map((p) => [p, 0]);
}

/** Apogee's own: open connections and bytes queued for writing per server (broker, broker-vip), read at scrape time. */
export function registerConnectionGauges(r: MetricsRegistry, servers: () => [name: string, server: RemotingServer][]): void {
  r.gauge('apogee_remoting_connections', 'Open client connections', ['server'], (emit) => {
    for (const [name, s] of servers()) emit([name], s.connections.size);
  });
  r.gauge('apogee_remoting_write_buffered_bytes', 'Bytes queued for writing, summed over connections (max: the largest one)', ['server', 'stat'], (emit) => {
    for (const [name, s] of servers()) {
      let sum = 0;
      let max = 0;
      for (const c of s.connections) {
        const n = c.socket.writableLength;
        sum += n;
        if (n > max) max = n;
      }
      emit([name, 'sum'], sum);
      emit([name, 'max'], max);
    }
  });
}
