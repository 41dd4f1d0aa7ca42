import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BrokerMetrics, JAVA_FAMILIES_NOT_EXPORTED as NOT_EXPORTED, parseExposition, type BrokerMetricsSources, type ParsedFamily } from '.';
import { timerDistSnapshot } from '../timer';

/**
 * The POP and timer families (pop-timer-metrics.ts) and the rule that closes the metrics surface: every family a real
 * Apache RocketMQ 5.5.0 broker exposes (fixtures/apache-5.5.0-broker.prom, captured with metricsExporterType=PROM)
 * is exposed by Apogee with Java's type, HELP text and label names — except the families named in NOT_EXPORTED with
 * their reason.
 */
const JAVA_FIXTURE = path.join(__dirname, '..', '..', '..', 'lib', 'metrics', 'fixtures', 'apache-5.5.0-broker.prom');


function sources(): BrokerMetricsSources {
  return {
    brokerPermission: () => 6,
    topicCount: () => 1,
    groupCount: () => 1,
    processorWatermark: () => [['send', 0]],
    producerConnections: () => [],
    consumerConnections: () => [],
    lag: () => Promise.resolve([{ group: 'G', topic: 'T', isRetry: false, isSystem: false, lag: 1, earliestUnconsumedTimestamp: 1000, inflight: 0, earliestUnpulledTimestamp: 1000, ready: 1 }]),
    storage: () => Promise.resolve({ usedDiskBytes: 1, flushBehindBytes: 0, dispatchBehindBytes: 0, earliestMessageTime: 1000 }),
    now: () => 2000,
    timer: () => ({ enqueueBehindMessages: 3, enqueueBehindMs: 40, dequeueBehindMessages: 5, dequeueBehindSec: 2, timing: [['TimerT', 5]], snapshot: [[5, 1], [60, 4]] }),
    popRevive: () => [0, 1].map((queueId) => ({ queueId, behindMessages: queueId * 10, behindMs: queueId * 100 })),
  };
}

const labelNames = (f: ParsedFamily): string[] => [...new Set(f.samples.flatMap((s) => Object.keys(s.labels)))].sort();
const value = (f: ParsedFamily | undefined, labels: Record<string, string>): number | undefined =>
  f?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('lib/metrics POP and timer families', () => {
  it("every family of a real Java 5.5.0 broker's exposition is exported with Java's type, HELP and label names (NOT_EXPORTED excepted, with reasons)", async () => {
    const java = parseExposition(fs.readFileSync(JAVA_FIXTURE, 'utf8'));
    const m = new BrokerMetrics({ cluster: 'DefaultCluster', brokerName: 'broker-a', sources: sources() });
    m.in('T', 'normal', false, 1, 100);
    m.out('T', 'G', false, 1, 100);
    m.rpc('send_message_v2', 'success', false, 'success', 2);
    const ours = parseExposition(await m.registry.render());
    const missing: string[] = [];
    for (const [name, j] of java) {
      if (NOT_EXPORTED[name] !== undefined) continue;
      const o = ours.get(name);
      if (o === undefined) {
        missing.push(name);
        continue;
      }
      assert.equal(o.type, j.type, `${name} type`);
      assert.equal(o.help, j.help, `${name} help`);
      assert.deepEqual(labelNames(o), labelNames(j), `${name} label names`);
    }
    assert.deepEqual(missing, [], 'families a Java 5.5.0 broker exposes and Apogee does not');
    for (const name of Object.keys(NOT_EXPORTED)) assert.ok(java.has(name), `${name} is listed as not exported but the Java fixture does not have it`);
  });

  it("gauges carry Java's values: revive lag is records behind and latency milliseconds per queue_id; timer dequeue latency is getDequeueBehind (s)", async () => {
    const m = new BrokerMetrics({ cluster: 'c', brokerName: 'b', sources: sources() });
    const f = parseExposition(await m.registry.render());
    assert.equal(value(f.get('rocketmq_pop_revive_lag_milliseconds'), { queue_id: '1' }), 10);
    assert.equal(value(f.get('rocketmq_pop_revive_latency_milliseconds'), { queue_id: '1' }), 100);
    assert.equal(value(f.get('rocketmq_pop_checkpoint_buffer_size'), {}), 0);
    assert.equal(value(f.get('rocketmq_timer_enqueue_lag'), { storage_type: 'local', storage_medium: 'disk' }), 3);
    assert.equal(value(f.get('rocketmq_timer_enqueue_latency_milliseconds'), {}), 40);
    assert.equal(value(f.get('rocketmq_timer_dequeue_lag'), {}), 5);
    assert.equal(value(f.get('rocketmq_timer_dequeue_latency_milliseconds'), {}), 2);
    assert.equal(value(f.get('rocketmq_timing_messages'), { topic: 'TimerT' }), 5);
    assert.equal(value(f.get('rocketmq_timer_message_snapshot'), { timer_bound_s: '60' }), 4);
  });

  it('without a timer (timerWheelEnable=false) no timer family is exported, as Java registers them only with the wheel', async () => {
    const s = sources();
    delete s.timer;
    const m = new BrokerMetrics({ cluster: 'c', brokerName: 'b', sources: s });
    m.popTimer.timerFetched('T', 5000, 1000);
    const names = [...parseExposition(await m.registry.render()).keys()];
    assert.deepEqual(names.filter((n) => n.includes('timer') || n.includes('timing') || n.includes('delay_message')), []);
    assert.ok(names.includes('rocketmq_pop_revive_lag_milliseconds'));
  });

  it('counters: timer enqueue/dequeue per topic with the set latency (delay - born, s); revive put/get/retry with Java labels', async () => {
    const m = new BrokerMetrics({ cluster: 'c', brokerName: 'b', sources: sources() });
    m.popTimer.timerFetched('TimerT', 1_000 + 90_000, 1_000);
    m.popTimer.timerFetched('TimerT', 1_000 + 30_000, 1_000);
    m.popTimer.timerDelivered('TimerT');
    m.popTimer.revivePut('G', 'T', 'CK', 'PUT_OK');
    m.popTimer.revivePut('G', 'T', 'ACK', 'PUT_OK');
    m.popTimer.reviveGot('G', 'T', 3, 'CK');
    m.popTimer.reviveRetried('G', 'T', 'PUT_OK');
    const f = parseExposition(await m.registry.render());
    assert.equal(value(f.get('rocketmq_timer_enqueue_total'), { topic: 'TimerT', storage_type: 'local' }), 2);
    assert.equal(value(f.get('rocketmq_timer_dequeue_total'), { topic: 'TimerT' }), 1);
    const h = f.get('rocketmq_delay_message_latency_seconds')!;
    assert.equal(h.samples.find((s) => s.name.endsWith('_bucket') && s.labels.le === '60.0')?.value, 1, 'the 30 s delay is in le=60');
    assert.equal(h.samples.find((s) => s.name.endsWith('_sum'))?.value, 120);
    assert.equal(value(f.get('rocketmq_pop_revive_in_message_total'), { revive_message_type: 'ACK', put_status: 'PUT_OK', consumer_group: 'G' }), 1);
    assert.equal(value(f.get('rocketmq_pop_revive_out_message_total'), { queue_id: '3', revive_message_type: 'CK' }), 1);
    assert.equal(value(f.get('rocketmq_pop_revive_retry_messages_total'), { topic: 'T', put_status: 'PUT_OK' }), 1);
  });

  it('timer snapshot: each bound counts the slots after the previous bound only (Java GAUGE_TIMER_MESSAGE_SNAPSHOT)', () => {
    const due = new Map<number, number>([[3_000, 2], [10_000, 1], [59_000, 4], [61_000, 8]]);
    const base = 1_000_000;
    const wheel = { numAt: (t: number): number => due.get(t - base) ?? 0 };
    assert.deepEqual(timerDistSnapshot(wheel, base + 400, 1000, [5, 60, 300]), [[5, 2], [60, 5], [300, 8]]);
  });
});
