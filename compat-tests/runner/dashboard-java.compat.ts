/**
 * The dashboard against a cluster with a Java broker: Apogee's NameServer (`apogee start --noBroker`) and an Apache
 * RocketMQ 5.5.0 broker (one Java process), the dashboard in-process pointed at the NameServer. Its JSON endpoints
 * must show what mqadmin's calls show — the broker, topic message counts, lag per queue — decode a GBK body, and
 * its actions (reset offset, send) must act on the Java broker. This proves the dashboard reads the cluster over
 * remoting only (lib/dashboard never reaches into a broker). The page itself is proven in Chromium by
 * lib/dashboard/dashboard.browser.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ConsumeStats, SubscriptionGroupConfig } from '../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { COMMANDS, runCommand } from '../../lib/admin';
import { RocketClient } from '../../lib/client';
import { createLogger, silentLogger } from '../../lib/common';
import { Dashboard } from '../../lib/dashboard';
import { ApacheBroker } from './apache';
import { ApogeeProcess } from './apogee';
import { waitFor } from './probe';
import { liveProcessNames } from './process';
import { RunContext } from './run';

const TOPIC = 'DashJavaTopic';
const GROUP = 'DashJavaGroup';
const QUEUES = 4;
/** "你好世界" in GBK. */
const GBK_BODY = Buffer.from('c4e3bac3cac0bde7', 'hex');

async function mqadmin(ns: string, name: string, opts: [string, string][] = []): Promise<string[]> {
  const lines: string[] = [];
  await runCommand(COMMANDS.find((c) => c.name === name)!, ns, new Map(opts), silentLogger(), (l) => lines.push(l));
  return lines;
}

describe('compat: the dashboard over a cluster with an Apache RocketMQ 5.5.0 broker (Apogee NameServer)', function () {
  this.timeout(10 * 60_000);
  let ns: ApogeeProcess | undefined;
  let broker: ApacheBroker | undefined;
  let dash: Dashboard | undefined;
  let client: RocketClient | undefined;
  let base = '';

  const get = async <T>(p: string): Promise<T> => {
    const r = await fetch(base + p);
    const j = (await r.json()) as T & { error?: string };
    assert.equal(r.status, 200, `${p}: ${j.error ?? ''}`);
    return j;
  };
  const post = async <T>(p: string, body: unknown): Promise<T> => {
    const r = await fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const j = (await r.json()) as T & { error?: string };
    assert.equal(r.status, 200, `${p}: ${j.error ?? ''}`);
    return j;
  };
  const lag = async (): Promise<Map<number, number>> => {
    const r = await client!.call(broker!.addr, RequestCode.GET_CONSUME_STATS, new Map([['consumerGroup', GROUP], ['topic', TOPIC]]));
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const d = ConsumeStats.decode(r.body!);
    assert.ok(d.ok);
    return new Map(d.value.offsetTable.map(([mq, w]) => [mq.queueId, w.brokerOffset - w.consumerOffset]));
  };

  before(async function () {
    this.timeout(5 * 60_000);
    const ctx = RunContext.create({ logger: createLogger({ name: 'compat', fd: 2, level: 'warn' }) });
    const dir = ctx.subdir('dashboard-java');
    ns = await ApogeeProcess.start(ctx, { dir: path.join(dir, 'apogee'), name: 'apogee-ns/dashboard', namesrvOnly: true });
    broker = await ApacheBroker.start(ctx, { version: '5.5.0', dir: path.join(dir, 'broker-a'), namesrvAddr: ns.namesrvAddr, name: 'apache-5.5.0/dashboard-broker' });
    dash = new Dashboard({ port: 0, host: '127.0.0.1', namesrvAddr: ns.namesrvAddr, logger: silentLogger() });
    await dash.start();
    base = dash.url.replace(/\/$/, '');
    client = new RocketClient({ namesrvAddr: ns.namesrvAddr, logger: silentLogger() });
    await mqadmin(ns.namesrvAddr, 'updateTopic', [['topic', TOPIC], ['brokerAddr', broker.addr], ['readQueueNums', String(QUEUES)], ['writeQueueNums', String(QUEUES)]]);
    await waitFor('the topic route on the NameServer', async () => ((await client!.routeOf(TOPIC, 0)) !== undefined ? true : undefined), { timeoutMs: 60_000 });
    for (let i = 0; i < 8; i++) assert.equal((await client.send(TOPIC, Buffer.from(`m${i}`), { keys: `k${i}`, queueId: i % QUEUES })).code, ResponseCode.SUCCESS);
    assert.equal((await client.send(TOPIC, GBK_BODY, { keys: 'gbk-key', queueId: 1 })).code, ResponseCode.SUCCESS);
    const g: { code: number; remark: string | null } = await client.call(broker.addr, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, null, SubscriptionGroupConfig.encode(SubscriptionGroupConfig.make({ groupName: GROUP })));
    assert.equal(g.code, ResponseCode.SUCCESS, g.remark ?? '');
    for (let q = 0; q < QUEUES; q++) {
      const u: { code: number; remark: string | null } = await client.call(broker.addr, RequestCode.UPDATE_CONSUMER_OFFSET, new Map([['consumerGroup', GROUP], ['topic', TOPIC], ['queueId', String(q)], ['commitOffset', q === 0 ? '1' : '0']]));
      assert.equal(u.code, ResponseCode.SUCCESS, u.remark ?? '');
    }
  });

  after(async function () {
    this.timeout(2 * 60_000);
    client?.close();
    await dash?.close();
    await broker?.stop();
    await ns?.stop();
    assert.deepEqual(liveProcessNames(), [], 'every process the harness started has exited');
  });

  it('lists the Java broker as clusterList does', async () => {
    const c = await get<{ brokers: { addr: string; version: string }[] }>('/api/cluster');
    assert.deepEqual(c.brokers.map((b) => b.addr), [broker!.addr]);
    assert.equal(c.brokers[0]!.version, 'V5_5_0');
  });

  it('topic message count = mqadmin topicStatus (sum of max - min)', async () => {
    let expected = 0;
    // Java's layout: a header, one row per queue, a blank line, `Topic Put TPS: ...`
    for (const l of (await mqadmin(ns!.namesrvAddr, 'topicStatus', [['topic', TOPIC]])).slice(1).filter((x) => /^\S+\s+\d+\s+\d+\s+\d+/.test(x.trim()))) {
      const [, , min, max] = l.trim().split(/\s+/);
      expected += Number(max) - Number(min);
    }
    assert.equal(expected, 9);
    const t = await get<{ topics: { topic: string; messages: number; queues: number }[] }>('/api/topics');
    const row = t.topics.find((x) => x.topic === TOPIC);
    assert.deepEqual([row?.messages, row?.queues], [expected, QUEUES]);
  });

  it('lag per queue = the Java broker\'s GET_CONSUME_STATS', async () => {
    const expected = await lag();
    assert.deepEqual([...expected].sort((a, b) => a[0] - b[0]), [[0, 1], [1, 3], [2, 2], [3, 2]]);
    const g = await get<{ groups: { group: string; queues: { topic: string; queueId: number; lag: number }[] }[] }>('/api/groups');
    const mine = g.groups.find((x) => x.group === GROUP);
    assert.ok(mine, 'the group is listed');
    assert.deepEqual(new Map(mine.queues.filter((q) => q.topic === TOPIC).map((q) => [q.queueId, q.lag])), expected);
  });

  it('a key lookup decodes a GBK body when GBK is chosen (the Java broker\'s index)', async () => {
    const body = await waitFor(
      'the key in the Java broker\'s index',
      async () => {
        const r = await get<{ messages: { body: string }[] }>(`/api/message?topic=${TOPIC}&key=gbk-key&charset=GBK`);
        return r.messages[0]?.body;
      },
      { timeoutMs: 30_000 },
    );
    assert.equal(body, '你好世界');
  });

  it('send and reset offset act on the Java broker', async () => {
    const s = await post<{ status: string; queueOffset: number }>('/api/send', { topic: TOPIC, body: 'from the dashboard', keys: 'dash-sent' });
    assert.equal(s.status, 'SEND_OK');
    const r = await post<{ queues: unknown[] }>('/api/reset-offset', { group: GROUP, topic: TOPIC });
    assert.equal(r.queues.length, QUEUES);
    assert.deepEqual([...(await lag()).values()], new Array(QUEUES).fill(0));
  });
});
