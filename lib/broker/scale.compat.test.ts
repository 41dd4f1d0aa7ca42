import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateTopicListRequestBody, KVTable, SubscriptionGroupConfig, SubscriptionGroupList } from '../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { RocketClient } from '../client';
import { silentLogger } from '../common';
import { skipBecause } from '../common/testing/skip';
import { freeBrokerPort, freePort } from '../remoting/testing/ports';
import { startApogee, waitApogeeReady } from './processors/testing/apogee-process';

/**
 * Scale sweep (issue 14), `apogee start` as a real process: 10,000 idle connections held open to the NameServer,
 * 10,000 topics, 1,000 subscription groups, a periodic full REGISTER_BROKER of all of them, then the requests that
 * walk everything (GET_ALL_TOPIC_CONFIG, GET_ALL_SUBSCRIPTIONGROUP_CONFIG, GET_ALL_TOPIC_LIST_FROM_NAMESERVER).
 * Asserted: properties only — no idle connection dropped, a new client's route lookups answered throughout, every
 * request SUCCESS, and the server's event-loop delay measured (GET_BROKER_RUNTIME_INFO eventLoopDelay* keys present).
 * Reported, not asserted (no wall-clock assertions): per phase, the worst round trip of a route lookup loop run by
 * another client meanwhile (an upper bound of the server's stall), and the server's own event-loop delay figures.
 * In the slow set (mocharc.compat.json): about 20 s and 10,500 file descriptors (skipped, with the reason, below that).
 */
const IDLE_CONNECTIONS = 10_000;
const TOPICS = 10_000;
const GROUPS = 1_000;
/** Topics per UPDATE_AND_CREATE_TOPIC_LIST request. */
const TOPICS_PER_REQUEST = 1_000;
/** Connections opened at once (the listen backlog is 511). */
const CONNECT_BATCH = 250;
/** File descriptors the test process needs beyond its idle connections (mocha, clients, logs). */
const FD_MARGIN = 500;
/** The broker's full re-registration period asked for (Java's minimum, ms). */
const REGISTER_PERIOD_MS = 10_000;

function fdLimit(): number {
  const m = /Max open files\s+(\d+|unlimited)/.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
  return m === null ? 0 : m[1] === 'unlimited' ? Infinity : Number(m[1]);
}

/** A loop of route lookups on its own connection; `phase()` returns the worst and p99 round trip since the last call. */
class Pinger {
  private samples: number[] = [];
  private stopped = false;
  failures = 0;
  readonly done: Promise<void>;

  constructor(private readonly client: RocketClient) {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const t = performance.now();
      const r = await this.client.call(this.client.nameServers[0]!, RequestCode.GET_ROUTEINFO_BY_TOPIC, new Map([['topic', 'TBW102']])).catch(() => undefined);
      if (r === undefined || r.code !== ResponseCode.SUCCESS) this.failures++;
      this.samples.push(performance.now() - t);
      await new Promise((res) => setTimeout(res, 2));
    }
  }

  phase(): { maxMs: number; p99Ms: number; n: number } {
    const s = this.samples.sort((a, b) => a - b);
    this.samples = [];
    return { maxMs: s[s.length - 1] ?? 0, p99Ms: s[Math.floor(s.length * 0.99)] ?? 0, n: s.length };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }
}

describe('scale sweep: 10k idle NameServer connections, 10k topics, 1k groups (slow set)', function () {
  this.timeout(300_000);

  it('no idle connection is dropped, route lookups are answered throughout, the event-loop delay is measured', async function () {
    if (process.platform !== 'linux') skipBecause(this, 'reads /proc/self/limits (Linux)');
    const limit = fdLimit();
    if (limit < IDLE_CONNECTIONS + FD_MARGIN) skipBecause(this, `ulimit -n is ${limit}; ${IDLE_CONNECTIONS + FD_MARGIN} needed (raise it: ulimit -n 20000)`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-scale-'));
    const conf = path.join(dir, 'broker.conf');
    fs.writeFileSync(conf, `mappedFileSizeCommitLog=4194304\nregisterNameServerPeriod=${REGISTER_PERIOD_MS}\n`);
    const nsPort = await freePort();
    const brokerPort = await freeBrokerPort();
    const brokerAddr = `127.0.0.1:${brokerPort}`;
    // Default settings: connectionsMax (50,000) leaves room for new clients beside the 10,000 idle ones (issue 14).
    const proc: ChildProcess = startApogee(dir, nsPort, brokerPort, conf, 'warn');
    const admin = new RocketClient({ namesrvAddr: `127.0.0.1:${nsPort}`, logger: silentLogger(), timeoutMs: 30_000 });
    const pingClient = new RocketClient({ namesrvAddr: `127.0.0.1:${nsPort}`, logger: silentLogger(), timeoutMs: 30_000 });
    const idle: net.Socket[] = [];
    let dropped = 0;
    const report: string[] = [];
    let pinger: Pinger | undefined;
    try {
      await waitApogeeReady(admin);
      pinger = new Pinger(pingClient);
      const ping = pinger;
      const phase = async (name: string, run: () => Promise<void>): Promise<void> => {
        ping.phase();
        const t = performance.now();
        await run();
        const p = ping.phase();
        report.push(`${name}: ${(performance.now() - t).toFixed(0)} ms; route lookups meanwhile ${p.n}, worst ${p.maxMs.toFixed(1)} ms, p99 ${p.p99Ms.toFixed(1)} ms`);
        console.log(`      ${report[report.length - 1]}`);
      };

      await phase(`${IDLE_CONNECTIONS} idle connections to the NameServer`, async () => {
        for (let i = 0; i < IDLE_CONNECTIONS; i += CONNECT_BATCH) {
          const batch = Array.from({ length: Math.min(CONNECT_BATCH, IDLE_CONNECTIONS - i) }, () => {
            const s = net.connect({ host: '127.0.0.1', port: nsPort });
            idle.push(s);
            s.on('error', () => undefined);
            return new Promise<void>((res, rej) => {
              s.once('connect', () => {
                s.once('close', () => dropped++);
                res();
              });
              s.once('error', rej);
            });
          });
          await Promise.all(batch);
        }
      });

      await phase(`${TOPICS} topics (UPDATE_AND_CREATE_TOPIC_LIST × ${TOPICS / TOPICS_PER_REQUEST})`, async () => {
        for (let i = 0; i < TOPICS; i += TOPICS_PER_REQUEST) {
          const list = Array.from({ length: TOPICS_PER_REQUEST }, (_, j) => ({ topicName: `Scale${i + j}`, readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG' as const, topicSysFlag: 0, order: false }));
          const r = await admin.call(brokerAddr, RequestCode.UPDATE_AND_CREATE_TOPIC_LIST, null, CreateTopicListRequestBody.encode({ topicConfigList: list }));
          assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
        }
      });

      await phase(`${GROUPS} groups (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST)`, async () => {
        const body = SubscriptionGroupList.encode({ groupConfigList: Array.from({ length: GROUPS }, (_, i) => SubscriptionGroupConfig.make({ groupName: `ScaleG${i}` })) });
        const r = await admin.call(brokerAddr, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST, null, body);
        assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
      });

      await phase(`a periodic full REGISTER_BROKER of ${TOPICS} topics (waiting ${REGISTER_PERIOD_MS + 2000} ms)`, () => new Promise((res) => setTimeout(res, REGISTER_PERIOD_MS + 2000)));

      await phase('GET_ALL_TOPIC_CONFIG', async () => {
        const r = await admin.call(brokerAddr, RequestCode.GET_ALL_TOPIC_CONFIG);
        assert.equal(r.code, ResponseCode.SUCCESS);
        assert.ok(r.body!.includes(`"Scale${TOPICS - 1}"`));
      });
      await phase('GET_ALL_SUBSCRIPTIONGROUP_CONFIG', async () => {
        const r = await admin.call(brokerAddr, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG);
        assert.equal(r.code, ResponseCode.SUCCESS);
        assert.ok(r.body!.includes(`"ScaleG${GROUPS - 1}"`));
      });
      await phase('GET_ALL_TOPIC_LIST_FROM_NAMESERVER', async () => {
        const r = await admin.callNamesrv(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER);
        assert.equal(r.code, ResponseCode.SUCCESS);
        assert.ok(r.body!.includes(`"Scale${TOPICS - 1}"`));
      });
      await phase('a new client looks up routes', async () => {
        const fresh = new RocketClient({ namesrvAddr: `127.0.0.1:${nsPort}`, logger: silentLogger(), timeoutMs: 30_000 });
        try {
          for (const t of ['Scale0', `Scale${TOPICS - 1}`]) assert.ok((await fresh.routeOf(t, 0))?.queueDatas.length === 1, `route of ${t}`);
        } finally {
          fresh.close();
        }
      });
      await pinger.stop();

      const info = await admin.call(brokerAddr, RequestCode.GET_BROKER_RUNTIME_INFO);
      const kv = KVTable.decode(info.body!);
      assert.ok(kv.ok);
      const delay = ['eventLoopDelayP99Ms', 'eventLoopDelayMaxMs', 'eventLoopDelayP99MsSinceStart', 'eventLoopDelayMaxMsSinceStart'].map((k) => `${k}=${kv.value.table.get(k)}`);
      for (const d of delay) assert.match(d, /=\d+(\.\d+)?$/, 'the event-loop delay is measured');
      console.log(`      server event-loop delay (last 60 s / since start): ${delay.join(' ')}`);
      assert.equal(pinger.failures, 0, 'every route lookup answered SUCCESS');
      assert.equal(dropped, 0, 'no idle connection was closed');
    } finally {
      await pinger?.stop();
      for (const s of idle) s.destroy();
      admin.close();
      pingClient.close();
      proc.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
