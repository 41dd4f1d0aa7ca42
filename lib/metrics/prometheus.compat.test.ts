import { strict as assert } from 'node:assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../broker/processors/testing/java-tools';
import { RocketClient } from '../client';
import { silentLogger } from '../common';
import { JAVA_FAMILIES_NOT_EXPORTED, parseExposition } from '.';

/**
 * A REAL Prometheus (Debian package `prometheus`, run here as a plain process on 127.0.0.1 with a generated config
 * and a temporary storage dir — not its systemd service) scrapes an Apogee started as `apogee start` with
 * metricsExporterType=PROM; the test sends and pulls with lib/client, then asks Prometheus's HTTP API
 * (/api/v1/query) for the Java-named series and their labels. This is what the upstream Grafana dashboards do.
 *
 * Needs: `npx tsc -p .` done and the `prometheus` binary (apt-get install prometheus; .ci/run installs it).
 * Missing prerequisites skip the suite with the reason printed. Every process started here is killed in `after`.
 */
const APOGEE = path.join(__dirname, '..', 'bin', 'apogee.js');

function which(bin: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function getJson(port: number, p: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: p }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          try {
            resolve(JSON.parse(body));
          } catch (e) {
            reject(new Error(`${p}: ${res.statusCode} ${body.slice(0, 200)} (${String(e)})`));
          }
        });
      })
      .on('error', reject);
  });
}

interface PromResult {
  metric: Record<string, string>;
  value: [number, string];
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last !== undefined ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function kill(p: ChildProcess | undefined): Promise<void> {
  if (p === undefined || p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
    p.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    p.kill('SIGTERM');
  });
}

describe('lib/metrics: a real Prometheus scrapes Apogee (compat)', function () {
  this.timeout(180_000);
  const prometheusBin = which('prometheus');
  const skipReason = !fs.existsSync(APOGEE)
    ? `${APOGEE} missing: run npx tsc -p . first`
    : prometheusBin === undefined
      ? 'the prometheus binary is not on PATH (apt-get install prometheus)'
      : undefined;
  let dir = '';
  let apogee: ChildProcess | undefined;
  let prom: ChildProcess | undefined;
  let promPort = 0;
  let promLog = '';

  before(async function () {
    if (skipReason !== undefined) {
      console.log(`      skipped: ${skipReason}`);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-prometheus-'));
    const nsPort = await freePort();
    const brokerPort = await freePort(true);
    const metricsPort = await freePort();
    promPort = await freePort();
    const conf = path.join(dir, 'broker.conf');
    fs.writeFileSync(conf, ['brokerClusterName=PromCluster', 'brokerName=prom-broker', 'metricsExporterType=PROM', 'metricsPromExporterHost=127.0.0.1', `metricsPromExporterPort=${metricsPort}`, ''].join('\n'));
    apogee = spawn('node', [APOGEE, 'start', '--dataDir', path.join(dir, 'data'), '--namesrvPort', String(nsPort), '--brokerPort', String(brokerPort), '--brokerConfig', conf], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, APOGEE_LOG_LEVEL: 'warn' },
    });
    let started = '';
    apogee.stdout!.on('data', (d: Buffer) => (started += d.toString()));
    apogee.stderr!.on('data', (d: Buffer) => (started += d.toString()));
    await waitFor(`apogee start (${started})`, 30_000, () => Promise.resolve(started.includes(`broker 127.0.0.1:${brokerPort}`) ? true : undefined));
    const client = new RocketClient({ namesrvAddr: `127.0.0.1:${nsPort}`, logger: silentLogger() });
    try {
      for (let i = 0; i < 5; i++) assert.equal((await client.send('PromTopic', Buffer.alloc(100 + i * 1000, 'x'), { queueId: 0 })).code, 0);
      // One timer message (Java's setDelayTimeSec) for the timer families.
      assert.equal((await client.send('PromTimerTopic', Buffer.from('t'), { queueId: 0, properties: { TIMER_DELAY_SEC: '1' } })).code, 0);
      const addr = `127.0.0.1:${brokerPort}`;
      assert.equal((await client.pull(addr, 'PromGroup', 'PromTopic', 0, 0)).messages.length, 5);
      await client.pull(addr, 'PromGroup', 'PromTopic', 0, 5, { commitOffset: 2 });
    } finally {
      client.close();
    }
    const yml = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(
      yml,
      ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', 'scrape_configs:', '  - job_name: apogee', '    static_configs:', `      - targets: ['127.0.0.1:${metricsPort}']`, ''].join('\n'),
    );
    prom = spawn(prometheusBin!, [`--config.file=${yml}`, `--storage.tsdb.path=${path.join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    prom.stderr!.on('data', (d: Buffer) => (promLog = (promLog + d.toString()).slice(-4000)));
    await waitFor(`prometheus to scrape Apogee (${promLog})`, 60_000, async () => {
      const r = (await getJson(promPort, '/api/v1/targets')) as { data: { activeTargets: { health: string; lastError: string }[] } };
      const t = r.data.activeTargets[0];
      if (t !== undefined && t.health !== 'up' && t.lastError !== '') throw new Error(`target ${t.health}: ${t.lastError}`);
      return t?.health === 'up' ? true : undefined;
    });
  });

  after(async () => {
    await kill(prom);
    await kill(apogee);
    if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
  });

  async function query(q: string): Promise<PromResult[]> {
    return waitFor(`a result for ${q}`, 20_000, async () => {
      const r = (await getJson(promPort, `/api/v1/query?query=${encodeURIComponent(q)}`)) as { status: string; data: { result: PromResult[] } };
      assert.equal(r.status, 'success');
      return r.data.result.length > 0 ? r.data.result : undefined;
    });
  }

  it('rocketmq_messages_in_total / rocketmq_throughput_in_total carry the sends with Java labels', async () => {
    const [r] = await query('rocketmq_messages_in_total{topic="PromTopic"}');
    assert.equal(r!.value[1], '5');
    for (const [k, v] of Object.entries({ cluster: 'PromCluster', node_id: 'prom-broker', node_type: 'broker', message_type: 'normal', is_system: 'false', job: 'apogee' })) {
      assert.equal(r!.metric[k], v, k);
    }
    const [t] = await query('rocketmq_throughput_in_total{topic="PromTopic"}');
    assert.ok(Number(t!.value[1]) > 5 * 100);
  });

  it('rocketmq_messages_out_total / rocketmq_throughput_out_total carry the pulls per consumer_group', async () => {
    const [r] = await query('rocketmq_messages_out_total{topic="PromTopic",consumer_group="PromGroup"}');
    assert.equal(r!.value[1], '5');
    await query('rocketmq_throughput_out_total{consumer_group="PromGroup"}');
  });

  it('histograms work with histogram_quantile: message size and rpc latency', async () => {
    const [q] = await query('histogram_quantile(0.5, sum by (le) (rocketmq_message_size_bucket{topic="PromTopic"}))');
    assert.ok(Number(q!.value[1]) > 0 && Number(q!.value[1]) <= 4096, q!.value[1]);
    const rpc = await query('rocketmq_rpc_latency_milliseconds_count{request_code="send_message_v2",response_code="success"}');
    assert.equal(rpc[0]!.value[1], '6', 'five plain sends and the timer message');
  });

  it('consumer lag, ready and inflight per group and topic (commit 2 of 5: lag 3)', async () => {
    const [lag] = await query('rocketmq_consumer_lag_messages{consumer_group="PromGroup",topic="PromTopic"}');
    assert.equal(lag!.value[1], '3');
    assert.equal(lag!.metric.is_retry, 'false');
    await query('rocketmq_consumer_lag_latency_milliseconds{consumer_group="PromGroup"}');
    await query('rocketmq_consumer_inflight_messages{consumer_group="PromGroup"}');
    const [ready] = await query('rocketmq_consumer_ready_messages{consumer_group="PromGroup"}');
    assert.equal(ready!.value[1], '0');
  });

  it("every family a real Java 5.5.0 broker exposes returns data through Prometheus (fixture; JAVA_FAMILIES_NOT_EXPORTED excepted)", async () => {
    const fixture = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'lib', 'metrics', 'fixtures', 'apache-5.5.0-broker.prom'), 'utf8');
    const families = [...parseExposition(fixture).keys()].filter((n) => JAVA_FAMILIES_NOT_EXPORTED[n] === undefined);
    assert.ok(families.length >= 25, `fixture families: ${families.join(', ')}`);
    for (const name of families) {
      const f = parseExposition(fixture).get(name)!;
      await query(f.type === 'histogram' ? `${name}_count` : name);
    }
  });

  it('the timer message is counted: rocketmq_timer_enqueue_total, rocketmq_timer_dequeue_total and the set latency per topic', async () => {
    const [enq] = await query('rocketmq_timer_enqueue_total{topic="PromTimerTopic",storage_type="local",storage_medium="disk"}');
    assert.equal(enq!.value[1], '1');
    const [deq] = await query('rocketmq_timer_dequeue_total{topic="PromTimerTopic"}');
    assert.equal(deq!.value[1], '1');
    await query('rocketmq_delay_message_latency_seconds_count{topic="PromTimerTopic"}');
  });

  it('storage, watermark, broker meta and Apogee process series are present', async () => {
    for (const q of [
      'rocketmq_storage_size_bytes{storage_type="local",storage_medium="disk"}',
      'rocketmq_storage_flush_behind_bytes',
      'rocketmq_storage_dispatch_behind_bytes',
      'rocketmq_processor_watermark{processor="send"}',
      'rocketmq_broker_permission',
      'rocketmq_topic_number',
      'rocketmq_consumer_group_number',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      await query(q);
    }
  });
});
