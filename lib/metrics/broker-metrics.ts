/**
 * The broker's metrics under Java 5.x's names and labels, so the upstream Grafana dashboards and alert rules work
 * unchanged. Java: broker/metrics/BrokerMetricsConstant.java + BrokerMetricsManager.java (instruments, views,
 * labels), remoting/metrics/RemotingMetricsConstant.java + RemotingMetricsManager.java (rpc latency),
 * store/metrics/DefaultStoreMetricsConstant.java + DefaultStoreMetricsManager.java (storage gauges; their labels
 * add storage_type="local", storage_medium="disk").
 *
 * Names are as Java's OpenTelemetry Prometheus exporter writes them: an instrument with a unit gets it appended
 * (rocketmq_rpc_latency, unit "milliseconds" -> rocketmq_rpc_latency_milliseconds; rocketmq_storage_size, unit
 * "bytes" -> rocketmq_storage_size_bytes), counters keep their _total; every series carries cluster, node_id
 * (brokerName), node_type="broker" and otel_scope_name="broker-meter" (fixtures/apache-5.5.0-broker.prom, captured
 * from a real 5.5.0 broker with metricsExporterType=PROM).
 *
 * Hot path: send and pull call in()/out() (one counter add per metric); the rpc histogram is recorded once per
 * response. Gauges read the broker through `sources` only when scraped.
 */
import { PopTimerMetrics, type PopTimerSources } from './pop-timer-metrics';
import { MetricsRegistry, type Counter, type Histogram } from './registry';
import { TransactionFamilies, type TransactionSources } from './transaction-metrics';

/** Java BrokerMetricsManager#registerMetricsView: 1k, 4k, 512k, 1M, 2M, 4M (bytes). */
export const MESSAGE_SIZE_BUCKETS_BYTES = [1024, 4096, 512 * 1024, 1024 * 1024, 2 * 1024 * 1024, 4 * 1024 * 1024] as const;
/** Java RemotingMetricsManager#getMetricsView: 1, 3, 5, 7, 10, 100 ms, 1, 2, 3 s (ms). */
export const RPC_LATENCY_BUCKETS_MS = [1, 3, 5, 7, 10, 100, 1000, 2000, 3000] as const;

/** Java BrokerMetricsManager#registerMetricsView createTimeBuckets: 10, 100 ms, 1, 3, 5 s (ms). */
export const CREATE_TIME_BUCKETS_MS = [10, 100, 1000, 3000, 5000] as const;

/** Gauges Java reports as "default view for gauge." (HELP text of the exporter). */
const GAUGE_HELP = 'default view for gauge.';
const COUNTER_HELP = 'default view for counter.';

/** Java's TopicMessageType#getMetricsValue. */
export type MessageTypeLabel = 'normal' | 'fifo' | 'delay' | 'transaction';

export interface LagResult {
  group: string;
  topic: string;
  isRetry: boolean;
  isSystem: boolean;
  /** Messages not yet committed (Java ConsumerLagCalculator#getConsumerLagStats). */
  lag: number;
  /** Store time of the earliest unconsumed message, 0 when none. */
  earliestUnconsumedTimestamp: number;
  /** Pulled but not committed (#getInFlightMsgStats). */
  inflight: number;
  /** Store time of the earliest unpulled message, 0 when none. */
  earliestUnpulledTimestamp: number;
  /** Not yet pulled (#getAvailableMsgCount). */
  ready: number;
}

/** What the gauges read, called at scrape time only (the broker implements it). */
export interface BrokerMetricsSources extends PopTimerSources, TransactionSources {
  brokerPermission(): number;
  topicCount(): number;
  groupCount(): number;
  /** Java: request queue sizes per processor; Apogee has no thread pools: requests being processed per family. */
  processorWatermark(): [processor: string, queued: number][];
  producerConnections(): { language: string; version: string; count: number }[];
  consumerConnections(): { group: string; language: string; version: string; consumeMode: string; isSystem: boolean; count: number }[];
  lag(): Promise<LagResult[]>;
  storage(): Promise<{ usedDiskBytes: number | undefined; flushBehindBytes: number; dispatchBehindBytes: number; earliestMessageTime: number }>;
  now(): number;
}

export interface BrokerMetricsOptions {
  cluster: string;
  brokerName: string;
  /** Java metricsLabel: "k1:v1,k2:v2" added to every series. */
  metricsLabel?: string;
  /** Java metricsInDelta: adds aggregation="delta". */
  inDelta?: boolean;
  seriesMax?: number;
  sources: BrokerMetricsSources;
}

/** Java BrokerMetricsManager#init: metricsLabel pairs, aggregation, node_type, cluster, node_id. */
export function constLabelsOf(o: Pick<BrokerMetricsOptions, 'cluster' | 'brokerName' | 'metricsLabel' | 'inDelta'>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const item of (o.metricsLabel ?? '').split(',')) {
    if (item === '') continue;
    const kv = item.split(':');
    if (kv.length === 2 && /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(kv[0]!)) labels[kv[0]!] = kv[1]!;
  }
  if (o.inDelta === true) labels.aggregation = 'delta';
  labels.node_type = 'broker';
  labels.cluster = o.cluster;
  labels.node_id = o.brokerName;
  labels.otel_scope_name = 'broker-meter';
  return labels;
}

const b = (v: boolean): string => (v ? 'true' : 'false');

export class BrokerMetrics {
  readonly registry: MetricsRegistry;
  readonly messagesIn: Counter;
  readonly messagesOut: Counter;
  readonly throughputIn: Counter;
  readonly throughputOut: Counter;
  readonly messageSize: Histogram;
  readonly rpcLatency: Histogram;
  readonly sendToDlq: Counter;
  readonly topicCreateTime: Histogram;
  readonly groupCreateTime: Histogram;
  /** POP revive and timer families (pop-timer-metrics.ts). */
  readonly popTimer: PopTimerMetrics;
  /** Commit/rollback counters, finish latency, half messages (transaction-metrics.ts). */
  readonly transactions: TransactionFamilies;

  constructor(o: BrokerMetricsOptions) {
    const r = (this.registry = new MetricsRegistry({ constLabels: constLabelsOf(o), ...(o.seriesMax !== undefined ? { seriesMax: o.seriesMax } : {}) }));
    const s = o.sources;
    // Java #initRequestMetrics: topic, message_type, is_system (in); topic, consumer_group, is_system (out).
    this.messagesIn = r.counter('rocketmq_messages_in_total', COUNTER_HELP, ['topic', 'message_type', 'is_system']);
    this.throughputIn = r.counter('rocketmq_throughput_in_total', COUNTER_HELP, ['topic', 'message_type', 'is_system']);
    this.messagesOut = r.counter('rocketmq_messages_out_total', COUNTER_HELP, ['topic', 'consumer_group', 'is_system']);
    this.throughputOut = r.counter('rocketmq_throughput_out_total', COUNTER_HELP, ['topic', 'consumer_group', 'is_system']);
    this.messageSize = r.histogram('rocketmq_message_size', 'Incoming messages size', ['topic', 'message_type', 'is_system'], MESSAGE_SIZE_BUCKETS_BYTES);
    this.sendToDlq = r.counter('rocketmq_send_to_dlq_messages_total', COUNTER_HELP, ['consumer_group', 'topic', 'is_system']);
    // Java AdminBrokerProcessor#updateAndCreateTopic(List) / #updateAndCreateSubscriptionGroup(List).
    this.topicCreateTime = r.histogram('rocketmq_topic_create_execution_time_milliseconds', 'The distribution of create topic time', ['invocation_status', 'is_system'], CREATE_TIME_BUCKETS_MS);
    this.groupCreateTime = r.histogram('rocketmq_consumer_group_create_execution_time_milliseconds', 'The distribution of create subscription time', ['invocation_status'], CREATE_TIME_BUCKETS_MS);
    // Java NettyRemotingAbstract#writeResponse.
    this.rpcLatency = r.histogram(
      'rocketmq_rpc_latency_milliseconds',
      'Rpc latency',
      ['protocol_type', 'request_code', 'response_code', 'is_long_polling', 'result'],
      RPC_LATENCY_BUCKETS_MS,
    );
    // Java #initStatsMetrics.
    r.gauge('rocketmq_processor_watermark', GAUGE_HELP, ['processor'], (emit) => {
      for (const [p, n] of s.processorWatermark()) emit([p], n);
    });
    r.gauge('rocketmq_broker_permission', GAUGE_HELP, [], (emit) => emit([], s.brokerPermission()));
    r.gauge('rocketmq_topic_number', GAUGE_HELP, [], (emit) => emit([], s.topicCount()));
    r.gauge('rocketmq_consumer_group_number', GAUGE_HELP, [], (emit) => emit([], s.groupCount()));
    // Java #initConnectionMetrics.
    r.gauge('rocketmq_producer_connections', GAUGE_HELP, ['language', 'version', 'protocol_type'], (emit) => {
      for (const c of s.producerConnections()) emit([c.language, c.version, 'remoting'], c.count);
    });
    r.gauge('rocketmq_consumer_connections', GAUGE_HELP, ['consumer_group', 'language', 'version', 'consume_mode', 'protocol_type', 'is_system'], (emit) => {
      for (const c of s.consumerConnections()) emit([c.group, c.language, c.version, c.consumeMode, 'remoting', b(c.isSystem)], c.count);
    });
    // Java #initLagAndDlqMetrics: one lag computation per scrape feeds the five gauges.
    let lagAt = -1;
    let lagCache: Promise<LagResult[]> = Promise.resolve([]);
    const lag = (): Promise<LagResult[]> => {
      const now = s.now();
      if (now !== lagAt) {
        lagAt = now;
        lagCache = s.lag();
      }
      return lagCache;
    };
    const lagLabels = ['consumer_group', 'topic', 'is_retry', 'is_system'];
    const lagGauge = (name: string, value: (l: LagResult, now: number) => number): void => {
      r.gauge(name, GAUGE_HELP, lagLabels, async (emit) => {
        const now = s.now();
        for (const l of await lag()) emit([l.group, l.topic, b(l.isRetry), b(l.isSystem)], value(l, now));
      });
    };
    lagGauge('rocketmq_consumer_lag_messages', (l) => l.lag);
    lagGauge('rocketmq_consumer_lag_latency_milliseconds', (l, now) => (l.earliestUnconsumedTimestamp !== 0 ? now - l.earliestUnconsumedTimestamp : 0));
    lagGauge('rocketmq_consumer_inflight_messages', (l) => l.inflight);
    lagGauge('rocketmq_consumer_queueing_latency_milliseconds', (l, now) => (l.earliestUnpulledTimestamp !== 0 ? now - l.earliestUnpulledTimestamp : 0));
    lagGauge('rocketmq_consumer_ready_messages', (l) => l.ready);
    // Java DefaultStoreMetricsManager#init (labels storage_type, storage_medium).
    type Storage = Awaited<ReturnType<BrokerMetricsSources['storage']>>;
    const storageGauge = (name: string, value: (st: Storage) => number | undefined): void => {
      r.gauge(name, GAUGE_HELP, ['storage_type', 'storage_medium'], async (emit) => {
        const v = value(await s.storage());
        if (v !== undefined) emit(['local', 'disk'], v);
      });
    };
    storageGauge('rocketmq_storage_size_bytes', (st) => st.usedDiskBytes);
    storageGauge('rocketmq_storage_flush_behind_bytes', (st) => st.flushBehindBytes);
    storageGauge('rocketmq_storage_dispatch_behind_bytes', (st) => st.dispatchBehindBytes);
    storageGauge('rocketmq_storage_message_reserve_time_milliseconds', (st) => {
      const t = st.earliestMessageTime;
      return t > 0 ? s.now() - t : undefined;
    });
    this.popTimer = new PopTimerMetrics(r, s);
    this.transactions = new TransactionFamilies(r, s);
  }

  /** Java SendMessageProcessor#handlePutMessageResult (not for %RETRY%/%DLQ% topics: the caller checks). */
  in(topic: string, messageType: MessageTypeLabel, isSystem: boolean, msgNum: number, wroteBytes: number): void {
    const l = [topic, messageType, b(isSystem)];
    this.messagesIn.add(l, msgNum);
    this.throughputIn.add(l, wroteBytes);
    if (msgNum > 0) this.messageSize.record(l, Math.floor(wroteBytes / msgNum));
  }

  /** Java DefaultPullMessageResultHandler#handle, SUCCESS (not for %RETRY%/%DLQ% topics: the caller checks). */
  out(topic: string, group: string, isSystem: boolean, count: number, bytes: number): void {
    const l = [topic, group, b(isSystem)];
    this.messagesOut.add(l, count);
    this.throughputOut.add(l, bytes);
  }

  /** Java NettyRemotingAbstract#writeResponse: request and response code names lower-cased. */
  rpc(requestCode: string, responseCode: string, longPolling: boolean, result: 'success' | 'oneway' | 'write_channel_failed', ms: number): void {
    this.rpcLatency.record(['remoting', requestCode, responseCode, b(longPolling), result], ms);
  }
}

/** Java BrokerMetricsManager#isRetryOrDlqTopic. */
export function isRetryOrDlqTopic(topic: string): boolean {
  return topic.startsWith('%RETRY%') || topic.startsWith('%DLQ%');
}
