import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { LoopDelayMonitor, silentLogger } from '../common';
import { BrokerMetrics, MetricsRegistry, parseExposition, PrometheusServer, registerProcessMetrics, type BrokerMetricsSources, type ParsedFamily } from './index';

/** Captured from a real Apache RocketMQ 5.5.0 broker (metricsExporterType=PROM) after 5 sends and 8 pulls. */
const JAVA_FIXTURE = path.join(__dirname, '..', '..', '..', 'lib', 'metrics', 'fixtures', 'apache-5.5.0-broker.prom');

function sources(over: Partial<BrokerMetricsSources> = {}): BrokerMetricsSources {
  return {
    brokerPermission: () => 6,
    topicCount: () => 16,
    groupCount: () => 9,
    processorWatermark: () => [['send', 0], ['pull', 0]],
    producerConnections: () => [{ language: 'java', version: 'v5_5_0', count: 1 }],
    consumerConnections: () => [{ group: 'G', language: 'java', version: 'v5_5_0', consumeMode: 'push', isSystem: false, count: 2 }],
    lag: () => Promise.resolve([{ group: 'MetricsG', topic: 'MetricsT', isRetry: false, isSystem: false, lag: 3, earliestUnconsumedTimestamp: 1000, inflight: 1, earliestUnpulledTimestamp: 0, ready: 2 }]),
    storage: () => Promise.resolve({ usedDiskBytes: 1e10, flushBehindBytes: 0, dispatchBehindBytes: 0, earliestMessageTime: 500 }),
    now: () => 2000,
    ...over,
  };
}

function labelNames(f: ParsedFamily): string[] {
  return [...new Set(f.samples.flatMap((s) => Object.keys(s.labels)))].sort();
}

describe('lib/metrics', () => {
  it('renders text format 0.0.4 that a strict parser reads back: counters, gauges, cumulative histogram buckets', async () => {
    const r = new MetricsRegistry({ constLabels: { cluster: 'c"1\\x' } });
    const c = r.counter('t_total', 'help with \\ and\nnewline', ['topic']);
    c.add(['a'], 2);
    c.add(['a'], 3);
    c.add(['b']);
    const h = r.histogram('t_size', 'sizes', ['topic'], [1024, 4096]);
    h.record(['a'], 10);
    h.record(['a'], 1024);
    h.record(['a'], 5000);
    r.gauge('t_gauge', 'g', ['k'], (emit) => emit(['v\n"'], 1.5));
    const fams = parseExposition(await r.render());
    assert.deepEqual(
      fams.get('t_total')!.samples.map((s) => [s.labels.topic, s.value, s.labels.cluster]),
      [['a', 5, 'c"1\\x'], ['b', 1, 'c"1\\x']],
    );
    const buckets = fams.get('t_size')!.samples.filter((s) => s.name === 't_size_bucket');
    assert.deepEqual(buckets.map((s) => [s.labels.le, s.value]), [['1024.0', 2], ['4096.0', 2], ['+Inf', 3]]);
    assert.equal(fams.get('t_size')!.samples.find((s) => s.name === 't_size_sum')!.value, 6034);
    assert.equal(fams.get('t_gauge')!.samples[0]!.labels.k, 'v\n"');
    assert.equal(fams.get('t_total')!.type, 'counter');
  });

  it('the parser rejects malformed exposition (so the test above can fail)', () => {
    assert.throws(() => parseExposition('x{a="1} 1\n'), /unterminated/);
    assert.throws(() => parseExposition('x 1'), /newline/);
    assert.throws(() => parseExposition('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n'), /cumulative/);
    assert.throws(() => parseExposition('x{a="1",a="2"} 1\n'), /duplicate/);
    assert.throws(() => parseExposition('x abc\n'), /bad value/);
  });

  it('seriesMax bounds the label combinations of each metric; the rest are counted as dropped', async () => {
    const r = new MetricsRegistry({ seriesMax: 2 });
    const c = r.counter('x_total', 'x', ['k']);
    for (const k of ['a', 'b', 'c', 'd']) c.add([k]);
    c.add(['a']);
    const fams = parseExposition(await r.render());
    assert.equal(fams.get('x_total')!.samples.length, 2);
    assert.equal(c.value(['a']), 2);
    assert.equal(fams.get('apogee_metrics_series_dropped_total')!.samples[0]!.value, 2);
  });

  it('a gauge whose source throws is left out of the scrape, the rest is served', async () => {
    const r = new MetricsRegistry();
    r.gauge('bad', 'b', [], () => {
      throw new Error('boom');
    });
    r.gauge('good', 'g', [], (emit) => emit([], 1));
    const seen: string[] = [];
    const fams = parseExposition(await r.render((n) => seen.push(n)));
    assert.deepEqual(seen, ['bad']);
    assert.equal(fams.has('bad'), false);
    assert.equal(fams.get('good')!.samples[0]!.value, 1);
  });

  it("Java 5.5.0's exposition (fixture) parses with the same reader", () => {
    const fams = parseExposition(fs.readFileSync(JAVA_FIXTURE, 'utf8'));
    assert.equal(fams.get('rocketmq_messages_in_total')!.samples[0]!.value, 5);
  });

  it("broker metrics carry Java 5.5.0's family names, types and label names (fixture of a real broker)", async () => {
    const java = parseExposition(fs.readFileSync(JAVA_FIXTURE, 'utf8'));
    const m = new BrokerMetrics({ cluster: 'DefaultCluster', brokerName: 'broker-a', sources: sources() });
    m.in('MetricsT', 'normal', false, 5, 21565);
    m.out('MetricsT', 'MetricsG', false, 5, 21565);
    m.rpc('send_message_v2', 'success', false, 'success', 2);
    const ours = parseExposition(await m.registry.render());
    const shared = [
      'rocketmq_messages_in_total', 'rocketmq_messages_out_total', 'rocketmq_throughput_in_total', 'rocketmq_throughput_out_total',
      'rocketmq_message_size', 'rocketmq_rpc_latency_milliseconds', 'rocketmq_consumer_lag_messages', 'rocketmq_consumer_lag_latency_milliseconds',
      'rocketmq_consumer_inflight_messages', 'rocketmq_consumer_queueing_latency_milliseconds', 'rocketmq_consumer_ready_messages',
      'rocketmq_processor_watermark', 'rocketmq_broker_permission', 'rocketmq_topic_number', 'rocketmq_consumer_group_number',
      'rocketmq_storage_size_bytes', 'rocketmq_storage_flush_behind_bytes', 'rocketmq_storage_dispatch_behind_bytes',
      'rocketmq_storage_message_reserve_time_milliseconds',
    ];
    for (const name of shared) {
      const j = java.get(name);
      const o = ours.get(name);
      assert.ok(j !== undefined, `${name} missing from the Java fixture`);
      assert.ok(o !== undefined, `${name} missing from Apogee's exposition`);
      assert.equal(o.type, j.type, `${name} type`);
      assert.equal(o.help, j.help, `${name} help`);
      assert.deepEqual(labelNames(o), labelNames(j), `${name} label names`);
    }
    const le = (f: ParsedFamily): string[] => f.samples.filter((s) => s.name.endsWith('_bucket')).map((s) => s.labels.le!);
    assert.deepEqual(le(ours.get('rocketmq_message_size')!).slice(0, 7), le(java.get('rocketmq_message_size')!).slice(0, 7));
    const inJ = java.get('rocketmq_messages_in_total')!.samples[0]!.labels;
    assert.deepEqual(ours.get('rocketmq_messages_in_total')!.samples[0]!.labels, inJ);
    assert.equal(ours.get('rocketmq_consumer_lag_latency_milliseconds')!.samples[0]!.value, 1000);
    assert.equal(ours.get('rocketmq_storage_message_reserve_time_milliseconds')!.samples[0]!.value, 1500);
  });

  it('metricsLabel pairs and metricsInDelta become labels of every series (Java BrokerMetricsManager#init)', async () => {
    const m = new BrokerMetrics({ cluster: 'C', brokerName: 'b', metricsLabel: 'region:eu,bad,zone:z1', inDelta: true, sources: sources() });
    const l = parseExposition(await m.registry.render()).get('rocketmq_broker_permission')!.samples[0]!.labels;
    assert.deepEqual(l, { aggregation: 'delta', cluster: 'C', node_id: 'b', node_type: 'broker', otel_scope_name: 'broker-meter', region: 'eu', zone: 'z1' });
  });

  it('process metrics: RSS, heap, GC histogram and event-loop delay are exported', async () => {
    const r = new MetricsRegistry();
    const p = registerProcessMetrics(r);
    try {
      const fams = parseExposition(await r.render());
      for (const n of ['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_eventloop_lag_max_seconds']) {
        assert.ok(fams.get(n)!.samples[0]!.value >= 0, n);
      }
      assert.ok(fams.get('process_resident_memory_bytes')!.samples[0]!.value > 0);
    } finally {
      p.stop();
    }
  });

  it('process metrics: a blocked event loop shows in nodejs_eventloop_lag_max_seconds / _p99_ at the next scrape', async function () {
    this.timeout(10_000);
    const loop = new LoopDelayMonitor({ resolutionMs: 5, windowMs: 1000, sliceMs: 100 });
    const r = new MetricsRegistry();
    const p = registerProcessMetrics(r, loop);
    try {
      await r.render();
      await new Promise((res) => setTimeout(res, 30));
      const end = Date.now() + 120;
      while (Date.now() < end) {
        /* hold the event loop */
      }
      await new Promise((res) => setTimeout(res, 30));
      const fams = parseExposition(await r.render());
      const max = fams.get('nodejs_eventloop_lag_max_seconds')!.samples[0]!.value;
      const p99 = fams.get('nodejs_eventloop_lag_p99_seconds')!.samples[0]!.value;
      assert.ok(max >= 0.06, `max ${max} s after a 120 ms block`);
      assert.ok(p99 > 0 && p99 <= max, `p99 ${p99} s`);
    } finally {
      p.stop();
      loop.stop();
    }
  });

  it('the HTTP endpoint serves the exposition with the 0.0.4 content type and refuses POST', async () => {
    const r = new MetricsRegistry();
    r.counter('hits_total', 'h').add([], 7);
    const s = new PrometheusServer(r, silentLogger());
    const port = await s.listen('127.0.0.1', 0);
    try {
      const get = (method: string): Promise<{ status: number; type: string; body: string }> =>
        new Promise((resolve, reject) => {
          const req = http.request({ host: '127.0.0.1', port, path: '/metrics', method }, (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
          });
          req.on('error', reject);
          req.end();
        });
      const ok = await get('GET');
      assert.equal(ok.status, 200);
      assert.equal(ok.type, 'text/plain; version=0.0.4; charset=utf-8');
      assert.equal(parseExposition(ok.body).get('hits_total')!.samples[0]!.value, 7);
      assert.equal((await get('POST')).status, 405);
    } finally {
      await s.close();
    }
  });
});
