/**
 * The transaction families of Java 5.5.0's broker metrics (broker/metrics/BrokerMetricsManager#initTransactionMetrics,
 * on with Java's default enableTransactionMetrics=true): rocketmq_commit_messages_total and
 * rocketmq_rollback_messages_total per topic (EndTransactionProcessor), rocketmq_finish_message_latency (unit "ms",
 * exported as _milliseconds; Java records (now - born time) / 1000, i.e. seconds, into it, with buckets 5 s, 1 min,
 * 10 min, 1 h, 12 h, 24 h — Apogee records the same value) and the rocketmq_half_messages gauge per topic (Java
 * TransactionMetrics, read at scrape time through `halfMessages`).
 */
import type { Counter, Histogram, MetricsRegistry } from './registry';

/** Java BrokerMetricsManager#registerMetricsView commitLatencyBuckets: 5 s, 1 min, 10 min, 1 h, 12 h, 24 h (as recorded: seconds). */
export const FINISH_LATENCY_BUCKETS = [5, 60, 600, 3600, 12 * 3600, 24 * 3600] as const;

export interface TransactionSources {
  /** [real topic, half messages pending] (Java TransactionMetrics#getTransactionCounts). */
  halfMessages?: () => [string, number][];
}

export class TransactionFamilies {
  readonly commits: Counter;
  readonly rollbacks: Counter;
  readonly finishLatency: Histogram;

  constructor(r: MetricsRegistry, s: TransactionSources) {
    this.commits = r.counter('rocketmq_commit_messages_total', 'default view for counter.', ['topic']);
    this.rollbacks = r.counter('rocketmq_rollback_messages_total', 'default view for counter.', ['topic']);
    this.finishLatency = r.histogram('rocketmq_finish_message_latency_milliseconds', 'Transaction finish latency', ['topic'], FINISH_LATENCY_BUCKETS);
    const half = s.halfMessages;
    if (half !== undefined) {
      r.gauge('rocketmq_half_messages', 'default view for gauge.', ['topic'], (emit) => {
        for (const [topic, n] of half()) emit([topic], n);
      });
    }
  }

  /** A commit: counted, and its latency recorded as Java records it ((now - born) / 1000). */
  committed(topic: string, sinceBornMs: number): void {
    this.commits.add([topic], 1);
    this.finishLatency.record([topic], Math.trunc(sinceBornMs / 1000));
  }

  rolledBack(topic: string): void {
    this.rollbacks.add([topic], 1);
  }
}
