export { MetricsRegistry, Counter, Histogram, Gauge, formatValue, EXPOSITION_CONTENT_TYPE } from './registry';
export type { Emit, Collect, RegistryOptions } from './registry';
export { BrokerMetrics, constLabelsOf, isRetryOrDlqTopic, MESSAGE_SIZE_BUCKETS_BYTES, RPC_LATENCY_BUCKETS_MS } from './broker-metrics';
export type { BrokerMetricsOptions, BrokerMetricsSources, LagResult, MessageTypeLabel } from './broker-metrics';
export { registerProcessMetrics } from './process-metrics';
export type { ProcessMetrics } from './process-metrics';
export { PrometheusServer } from './server';
export { parseExposition } from './parse';
export type { ParsedFamily, Sample } from './parse';
