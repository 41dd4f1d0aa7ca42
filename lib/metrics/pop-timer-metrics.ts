/**
 * The POP and timer families of Java 5.5.0's broker metrics, under the exporter's names (unit appended):
 *  - POP (Java broker/metrics/PopMetricsManager + PopMetricsConstant): rocketmq_pop_offset_buffer_size and
 *    rocketmq_pop_checkpoint_buffer_size (PopBufferMergeService's buffers: Apogee has none — it writes each
 *    checkpoint to the revive topic at once, as Java does with enablePopBufferMerge=false, its default — so both
 *    are 0 and rocketmq_pop_buffer_scan_time_consume is not exported: no scans happen), rocketmq_pop_revive_lag and
 *    rocketmq_pop_revive_latency per revive queue_id (unit "milliseconds" on both, as Java; lag holds the revive
 *    records behind, latency the milliseconds — Java's #calculatePopReviveLag / #calculatePopReviveLatency),
 *    rocketmq_pop_revive_in_message_total (checkpoint and ack records put to the revive topic),
 *    rocketmq_pop_revive_out_message_total (read back by the revive service), rocketmq_pop_revive_retry_messages_total
 *    (revived into %RETRY%).
 *  - Timer (Java store/metrics/DefaultStoreMetricsManager, registered when timerWheelEnable; labels add
 *    storage_type="local", storage_medium="disk"): rocketmq_timer_enqueue_lag / _enqueue_latency /
 *    _dequeue_lag / _dequeue_latency (Java records getDequeueBehind(), in seconds, under the "milliseconds" name),
 *    rocketmq_timing_messages per topic, rocketmq_timer_message_snapshot per timer_bound_s,
 *    rocketmq_timer_enqueue_total / _dequeue_total per topic, rocketmq_delay_message_latency (seconds histogram of
 *    the asked delay).
 * Gauges read `sources` at scrape time only; counters are added by the POP and timer code through the broker.
 */
import type { Counter, Histogram, MetricsRegistry } from './registry';

const GAUGE_HELP = 'default view for gauge.';
const COUNTER_HELP = 'default view for counter.';
const STORAGE = ['local', 'disk'] as const;

/** Java DefaultStoreMetricsManager#getMetricsView: 1 min, 10 min, 1 h, 12 h, 1 day, 3 days (seconds). */
export const DELAY_MESSAGE_LATENCY_BUCKETS_SEC = [60, 600, 3600, 12 * 3600, 24 * 3600, 3 * 24 * 3600] as const;

/** Families a real Java 5.5.0 broker exposes that Apogee does not, with the reason (fixtures/apache-5.5.0-broker.prom). */
export const JAVA_FAMILIES_NOT_EXPORTED: Readonly<Record<string, string>> = {
  rocketmq_pop_buffer_scan_time_consume_milliseconds:
    'Apogee has no PopBufferMergeService (Java default enablePopBufferMerge=false: checkpoints go to the revive topic at once), so there are no buffer scans to time',
  target_info: "OpenTelemetry's resource series (no RocketMQ labels), not a broker metric",
};

export interface TimerGaugeValues {
  /** Java getEnqueueBehindMessages. */
  enqueueBehindMessages: number;
  /** Java getEnqueueBehindMillis. */
  enqueueBehindMs: number;
  /** Java getDequeueBehindMessages. */
  dequeueBehindMessages: number;
  /** Java getDequeueBehind (seconds). */
  dequeueBehindSec: number;
  /** Java TimerMetrics#getTimingCount: [real topic, timers pending]. */
  timing: [string, number][];
  /** [timer_bound_s, timers due in that band]. */
  snapshot: [number, number][];
}

export interface PopTimerSources {
  /** Undefined when the broker has no timer (timerWheelEnable=false): no timer family is exported then. */
  timer?: () => TimerGaugeValues;
  /** One entry per revive queue (Java PopReviveService#getReviveBehindMessages / #getReviveBehindMillis). */
  popRevive?: () => { queueId: number; behindMessages: number; behindMs: number }[];
}

export type ReviveRecordType = 'CK' | 'ACK';

export class PopTimerMetrics {
  readonly popReviveIn: Counter;
  readonly popReviveOut: Counter;
  readonly popReviveRetry: Counter;
  readonly timerEnqueued: Counter | undefined;
  readonly timerDequeued: Counter | undefined;
  readonly delayLatency: Histogram | undefined;
  private revive: NonNullable<PopTimerSources['popRevive']>;

  constructor(r: MetricsRegistry, s: PopTimerSources) {
    r.gauge('rocketmq_pop_offset_buffer_size', GAUGE_HELP, [], (emit) => emit([], 0));
    r.gauge('rocketmq_pop_checkpoint_buffer_size', GAUGE_HELP, [], (emit) => emit([], 0));
    this.revive = s.popRevive ?? (() => []);
    r.gauge('rocketmq_pop_revive_lag_milliseconds', GAUGE_HELP, ['queue_id'], (emit) => {
      for (const q of this.revive()) emit([String(q.queueId)], q.behindMessages);
    });
    r.gauge('rocketmq_pop_revive_latency_milliseconds', GAUGE_HELP, ['queue_id'], (emit) => {
      for (const q of this.revive()) emit([String(q.queueId)], q.behindMs);
    });
    this.popReviveIn = r.counter('rocketmq_pop_revive_in_message_total', COUNTER_HELP, ['consumer_group', 'topic', 'revive_message_type', 'put_status']);
    this.popReviveOut = r.counter('rocketmq_pop_revive_out_message_total', COUNTER_HELP, ['consumer_group', 'topic', 'queue_id', 'revive_message_type']);
    this.popReviveRetry = r.counter('rocketmq_pop_revive_retry_messages_total', COUNTER_HELP, ['consumer_group', 'topic', 'put_status']);
    const timer = s.timer;
    if (timer === undefined) {
      this.timerEnqueued = this.timerDequeued = this.delayLatency = undefined;
      return;
    }
    const storageGauge = (name: string, value: (t: TimerGaugeValues) => number): void => {
      r.gauge(name, GAUGE_HELP, ['storage_type', 'storage_medium'], (emit) => emit(STORAGE, value(timer())));
    };
    storageGauge('rocketmq_timer_enqueue_lag', (t) => t.enqueueBehindMessages);
    storageGauge('rocketmq_timer_enqueue_latency_milliseconds', (t) => t.enqueueBehindMs);
    storageGauge('rocketmq_timer_dequeue_lag', (t) => t.dequeueBehindMessages);
    storageGauge('rocketmq_timer_dequeue_latency_milliseconds', (t) => t.dequeueBehindSec);
    r.gauge('rocketmq_timing_messages', GAUGE_HELP, ['storage_type', 'storage_medium', 'topic'], (emit) => {
      for (const [topic, n] of timer().timing) emit([...STORAGE, topic], n);
    });
    r.gauge('rocketmq_timer_message_snapshot', GAUGE_HELP, ['storage_type', 'storage_medium', 'timer_bound_s'], (emit) => {
      for (const [bound, n] of timer().snapshot) emit([...STORAGE, String(bound)], n);
    });
    this.timerEnqueued = r.counter('rocketmq_timer_enqueue_total', COUNTER_HELP, ['storage_type', 'storage_medium', 'topic']);
    this.timerDequeued = r.counter('rocketmq_timer_dequeue_total', COUNTER_HELP, ['storage_type', 'storage_medium', 'topic']);
    this.delayLatency = r.histogram('rocketmq_delay_message_latency_seconds', 'Timer message set latency distribution', ['storage_type', 'storage_medium', 'topic'], DELAY_MESSAGE_LATENCY_BUCKETS_SEC);
  }

  /** The revive service exists once the broker starts its services, after the metrics: it is plugged in then. */
  readReviveFrom(source: NonNullable<PopTimerSources['popRevive']>): void {
    this.revive = source;
  }

  /** Java PopMetricsManager#incPopRevivePutCount (a checkpoint or ack record put to the revive topic). */
  revivePut(group: string, topic: string, type: ReviveRecordType, putStatus: string): void {
    this.popReviveIn.add([group, topic, type, putStatus], 1);
  }

  /** Java PopMetricsManager#incPopReviveGetCount (a record read back by the revive service). */
  reviveGot(group: string, topic: string, queueId: number, type: ReviveRecordType): void {
    this.popReviveOut.add([group, topic, String(queueId), type], 1);
  }

  /** Java PopMetricsManager#incPopReviveRetryMessageCount (an un-acked message put to its retry topic). */
  reviveRetried(group: string, topic: string, putStatus: string): void {
    this.popReviveRetry.add([group, topic, putStatus], 1);
  }

  /** Java TimerMessageStore#enqueue: incTimerEnqueueCount and the set latency (delay minus born time, seconds). */
  timerFetched(realTopic: string | undefined, delayedMs: number, bornTimestamp: number): void {
    const l = [...STORAGE, realTopic ?? ''];
    this.timerEnqueued?.add(l, 1);
    this.delayLatency?.record(l, Math.trunc((delayedMs - bornTimestamp) / 1000));
  }

  /** Java TimerDequeuePutMessageService: incTimerDequeueCount. */
  timerDelivered(realTopic: string | undefined): void {
    this.timerDequeued?.add([...STORAGE, realTopic ?? ''], 1);
  }
}
