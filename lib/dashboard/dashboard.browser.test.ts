import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConsumeStats, HeartbeatData, SubscriptionGroupConfig } from '../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { runCommand, COMMANDS } from '../admin';
import { RocketClient } from '../client';
import { silentLogger } from '../common';
import { stopChild } from '../common/testing/child';
import { skipBecause } from '../common/testing/skip';
import { freeBrokerPort, freePort } from '../remoting/testing/ports';
import { Chromium, findChromium } from './testing/chromium';

/**
 * The dashboard in a real headless Chromium against a real `apogee start --dashboardPort` process: the rendered
 * DOM shows what mqadmin shows (topicStatus message counts, GET_CONSUME_STATS lag per queue, clusterList
 * brokers), a key lookup shows a GBK body decoded when GBK is chosen, and the send and reset-offset forms act on
 * the cluster. Skipped, with the reason printed, when no chromium is installed (Debian: apt-get install chromium).
 */
const APOGEE = path.join(__dirname, '..', 'bin', 'apogee.js');
const TOPIC = 'DashTopic';
const GROUP = 'DashGroup';
/** "你好世界" in GBK (the bytes a Java producer sends for body.getBytes("GBK")). */
const GBK_BODY = Buffer.from('c4e3bac3cac0bde7', 'hex');
const GBK_TEXT = '你好世界';
const QUEUES = 4;
const CLIENT_ID = '127.0.0.1@dashboard-test';
const PRODUCER_GROUP = 'DashProducerGroup';

async function mqadmin(ns: string, name: string, opts: [string, string][] = []): Promise<string[]> {
  const cmd = COMMANDS.find((c) => c.name === name)!;
  const lines: string[] = [];
  await runCommand(cmd, ns, new Map(opts), silentLogger(), (l) => lines.push(l));
  return lines;
}

/** The queue rows of mqadmin topicStatus (Java's layout: a header, one row per queue, a blank line, `Topic Put TPS`). */
async function topicStatusRows(ns: string, topic: string): Promise<string[]> {
  return (await mqadmin(ns, 'topicStatus', [['topic', topic]])).slice(1).filter((l) => /^\S+\s+\d+\s+\d+\s+\d+/.test(l.trim()));
}

/** mqadmin topicStatus -t: messages held = sum over queues of max - min. */
async function topicMessages(ns: string, topic: string): Promise<number> {
  let n = 0;
  for (const l of await topicStatusRows(ns, topic)) {
    const [, , min, max] = l.trim().split(/\s+/);
    n += Number(max) - Number(min);
  }
  return n;
}

/** mqadmin consumerProgress's source: GET_CONSUME_STATS, lag per queue id. */
async function lagPerQueue(c: RocketClient, broker: string, group: string): Promise<Map<number, number>> {
  const r = await c.call(broker, RequestCode.GET_CONSUME_STATS, new Map([['consumerGroup', group], ['topic', TOPIC]]));
  assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
  const d = ConsumeStats.decode(r.body!);
  assert.ok(d.ok);
  return new Map(d.value.offsetTable.map(([mq, w]) => [mq.queueId, w.brokerOffset - w.consumerOffset]));
}

describe('dashboard in headless Chromium (real apogee process)', function () {
  this.timeout(180_000);
  let chromiumBin: string | undefined;
  let apogee: ChildProcess | undefined;
  let browser: Chromium | undefined;
  let client: RocketClient | undefined;
  let dir = '';
  let ns = '';
  let broker = '';
  let url = '';

  before(async function () {
    chromiumBin = findChromium();
    if (chromiumBin === undefined) skipBecause(this, 'no chromium on PATH (Debian: apt-get install chromium); the dashboard browser test needs it');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-dashboard-'));
    const nsPort = await freePort();
    const brokerPort = await freeBrokerPort();
    const dashPort = await freePort();
    ns = `127.0.0.1:${nsPort}`;
    broker = `127.0.0.1:${brokerPort}`;
    apogee = spawn(process.execPath, [APOGEE, 'start', '--dataDir', dir, '--namesrvPort', String(nsPort), '--brokerPort', String(brokerPort), '--dashboardPort', String(dashPort)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, APOGEE_LOG_LEVEL: 'warn', APOGEE_LOG_FORMAT: 'json' },
    });
    let out = '';
    apogee.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    apogee.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    for (let i = 0; i < 300 && !/dashboard http:\/\//.test(out); i++) {
      if (apogee.exitCode !== null) throw new Error(`apogee exited: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const m = /dashboard (http:\/\/\S+?)(,|\s)/.exec(out);
    assert.ok(m, `no dashboard URL in the start line: ${out}`);
    url = m[1]!;

    // The cluster's content: a topic of 4 queues, 10 messages keyed k0..k9, a GBK body with key gbk-key, a group
    // that committed 1 message on queue 0 and none elsewhere.
    client = new RocketClient({ namesrvAddr: ns, logger: silentLogger() });
    await mqadmin(ns, 'updateTopic', [['topic', TOPIC], ['brokerAddr', broker], ['readQueueNums', String(QUEUES)], ['writeQueueNums', String(QUEUES)]]);
    for (let i = 0; i < 10; i++) assert.equal((await client.send(TOPIC, Buffer.from(`m${i}`), { keys: `k${i}`, queueId: i % QUEUES })).code, ResponseCode.SUCCESS);
    assert.equal((await client.send(TOPIC, GBK_BODY, { keys: 'gbk-key', queueId: 1 })).code, ResponseCode.SUCCESS);
    const g: { code: number; remark: string | null } = await client.call(broker, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, null, SubscriptionGroupConfig.encode(SubscriptionGroupConfig.make({ groupName: GROUP })));
    assert.equal(g.code, ResponseCode.SUCCESS, g.remark ?? '');
    for (let q = 0; q < QUEUES; q++) {
      const u: { code: number; remark: string | null } = await client.call(broker, RequestCode.UPDATE_CONSUMER_OFFSET, new Map([['consumerGroup', GROUP], ['topic', TOPIC], ['queueId', String(q)], ['commitOffset', q === 0 ? '1' : '0']]));
      assert.equal(u.code, ResponseCode.SUCCESS, u.remark ?? '');
    }
    // One consumer of the group online (a heartbeat over this client's connection), as a push consumer sends it.
    const hb = HeartbeatData.encode(
      HeartbeatData.make({
        clientID: CLIENT_ID,
        producerDataSet: [{ groupName: PRODUCER_GROUP }],
        consumerDataSet: [
          {
            groupName: GROUP,
            consumeType: 'CONSUME_PASSIVELY',
            messageModel: 'CLUSTERING',
            consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
            unitMode: false,
            subscriptionDataSet: [{ topic: TOPIC, subString: '*', classFilterMode: false, codeSet: [], expressionType: 'TAG', subVersion: 1n, tagsSet: [] }],
          },
        ],
      }),
    );
    const h: { code: number; remark: string | null } = await client.call(broker, RequestCode.HEART_BEAT, null, hb);
    assert.equal(h.code, ResponseCode.SUCCESS, h.remark ?? '');
    browser = await Chromium.launch(chromiumBin!);
    await browser.navigate(url);
  });

  after(async () => {
    await browser?.close();
    client?.close();
    await stopChild(apogee);
    if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
  });

  const cell = (sel: string): string => `(document.querySelector(${JSON.stringify(sel)}) || {}).textContent`;

  it('the page loads and lists the brokers clusterList lists', async () => {
    await browser!.waitFor(`document.body.getAttribute('data-refreshes')`, 'a first refresh');
    const addrs = await browser!.eval<string[]>(`[...document.querySelectorAll('#brokers tr[data-broker]')].map(r => r.getAttribute('data-broker'))`);
    const listed = (await mqadmin(ns, 'clusterList')).slice(1).map((l) => l.trim().split(/\s+/)[3]);
    assert.deepEqual(addrs, listed);
    assert.deepEqual(addrs, [broker]);
  });

  it('topic message counts match mqadmin topicStatus', async () => {
    const expected = await topicMessages(ns, TOPIC);
    assert.equal(expected, 11);
    const shown = await browser!.waitFor<string>(cell(`#topics tr[data-topic="${TOPIC}"] .messages`), `the ${TOPIC} row`);
    assert.equal(Number(shown), expected);
    assert.equal(Number(await browser!.eval(cell(`#topics tr[data-topic="${TOPIC}"] .queues`))), QUEUES);
  });

  it('clicking a topic shows each queue\'s min and max offset as mqadmin topicStatus prints them', async () => {
    const expected = (await topicStatusRows(ns, TOPIC)).map((l) => l.trim().split(/\s+/).slice(1, 4).map(Number));
    await browser!.eval(`document.querySelector('#topics tr[data-topic="${TOPIC}"] td.name').click()`);
    const shown = await browser!.waitFor<number[][]>(
      `(() => { const r = [...document.querySelectorAll('#queues tr[data-queue]')].map(t => [Number(t.getAttribute('data-queue')), Number(t.querySelector('.min').textContent), Number(t.querySelector('.max').textContent)]); return r.length ? r : null; })()`,
      'the queue rows',
    );
    assert.equal(expected.length, QUEUES);
    assert.deepEqual(shown, expected);
  });

  it('consumer lag per queue matches GET_CONSUME_STATS (mqadmin consumerProgress)', async () => {
    const expected = await lagPerQueue(client!, broker, GROUP);
    assert.deepEqual([...expected].sort((a, b) => a[0] - b[0]), [[0, 2], [1, 4], [2, 2], [3, 2]]);
    await browser!.waitFor(`document.querySelector('#groups tr[data-group="${GROUP}"][data-queue]')`, `lag rows of ${GROUP}`);
    const shown = await browser!.eval<[string, string][]>(
      `[...document.querySelectorAll('#groups tr[data-group="${GROUP}"][data-topic="${TOPIC}"]')].map(r => [r.getAttribute('data-queue'), r.querySelector('.lag').textContent])`,
    );
    assert.deepEqual(new Map(shown.map(([q, l]) => [Number(q), Number(l)])), expected);
  });

  it('the group\'s online client shows under connections (GET_CONSUMER_CONNECTION_LIST)', async () => {
    const shown = await browser!.waitFor<string>(cell(`#connections tr[data-group="${GROUP}"][data-client="${CLIENT_ID}"]`), 'the connection row');
    assert.match(shown, /dashboard-test/);
  });

  it('producer connections of a group asked for (GET_PRODUCER_CONNECTION_LIST)', async () => {
    await browser!.eval(`(() => { document.querySelector('#producers-group').value = ${JSON.stringify(PRODUCER_GROUP)}; document.querySelector('#producers-button').click(); })()`);
    const shown = await browser!.waitFor<string>(cell(`#producers tr[data-client="${CLIENT_ID}"]`), 'the producer row');
    assert.match(shown, /dashboard-test/);
  });

  it('a lookup by key shows the body decoded with the chosen charset (GBK), and not when UTF-8 is chosen', async () => {
    const look = async (charset: string): Promise<string> => {
      await browser!.eval(`(() => { document.querySelector('#message-results').replaceChildren();
        document.querySelector('#lookup-topic').value = ${JSON.stringify(TOPIC)}; document.querySelector('#lookup-key').value = 'gbk-key';
        document.querySelector('#lookup-id').value = ''; document.querySelector('#lookup-charset').value = ${JSON.stringify(charset)};
        document.querySelector('#lookup-button').click(); })()`);
      return browser!.waitFor<string>(cell('#message-results .msg .body'), `the looked-up body (${charset})`);
    };
    assert.equal(await look('GBK'), GBK_TEXT);
    assert.notEqual(await look('UTF-8'), GBK_TEXT);
  });

  it('a lookup of an unknown charset shows the server\'s error', async () => {
    await browser!.navigate(`${url}?topic=${TOPIC}&key=gbk-key&charset=no-such-charset`);
    const err = await browser!.waitFor<string>(cell('#message-results .err'), 'the charset error');
    assert.match(err, /unknown charset 'no-such-charset'/);
  });

  it('send a test message through the page: the broker has it (topicStatus grows, lookup by its key and by its id finds it)', async () => {
    await browser!.navigate(url);
    const before = await topicMessages(ns, TOPIC);
    await browser!.eval(`(() => { document.querySelector('#send-topic').value = ${JSON.stringify(TOPIC)}; document.querySelector('#send-keys').value = 'sent-from-page';
      document.querySelector('#send-body').value = 'hello from the page'; document.querySelector('#send-button').click(); })()`);
    const res = await browser!.waitFor<string>(`(document.querySelector('#send-result.ok') || document.querySelector('#send-result.err') || {}).textContent`, 'the send result');
    assert.match(res, /^SEND_OK msgId [0-9A-F]{32}/);
    assert.equal(await topicMessages(ns, TOPIC), before + 1);
    await browser!.navigate(`${url}?topic=${TOPIC}&key=sent-from-page`);
    assert.equal(await browser!.waitFor<string>(cell('#message-results .msg .body'), 'the sent message'), 'hello from the page');
    // And by its id (the client UNIQ_KEY the page reported), as mqadmin queryMsgById -t does.
    const id = /msgId ([0-9A-F]{32})/.exec(res)![1]!;
    await browser!.navigate(`${url}?topic=${TOPIC}&id=${id}`);
    assert.equal(await browser!.waitFor<string>(cell(`#message-results .msg[data-msgid="${id}"] .body`), 'the message by id'), 'hello from the page');
  });

  it('each topic row carries a rate (msg/s, derived between two refreshes) and the chart has points', async () => {
    const rate = await browser!.waitFor<string>(
      `(() => { const t = ${cell(`#topics tr[data-topic="${TOPIC}"] .rate`)}; return t && t !== '–' ? t : null; })()`,
      'a second refresh with a rate',
    );
    assert.ok(Number.isFinite(Number(rate)) && Number(rate) >= 0, rate);
    assert.notEqual(await browser!.eval<string>(`document.querySelector('#rate-chart polyline').getAttribute('points')`), '');
  });

  it('reset offset through the page: lag 0 on every queue (GET_CONSUME_STATS), and the page shows it', async () => {
    await browser!.eval(`(() => { document.querySelector('#reset-group').value = ${JSON.stringify(GROUP)}; document.querySelector('#reset-topic').value = ${JSON.stringify(TOPIC)};
      document.querySelector('#reset-timestamp').value = ''; document.querySelector('#reset-button').click(); })()`);
    const res = await browser!.waitFor<string>(`(document.querySelector('#reset-result.ok') || document.querySelector('#reset-result.err') || {}).textContent`, 'the reset result');
    assert.match(res, new RegExp(`^reset ${QUEUES} queues`));
    const lag = await lagPerQueue(client!, broker, GROUP);
    assert.deepEqual([...lag.values()], new Array(QUEUES).fill(0));
    const shown = await browser!.waitFor<string[]>(
      `(() => { const l = [...document.querySelectorAll('#groups tr[data-group="${GROUP}"][data-topic="${TOPIC}"] .lag')].map(c => c.textContent); return l.length === ${QUEUES} && l.every(x => x === '0') ? l : null; })()`,
      'lag 0 on the page',
    );
    assert.equal(shown.length, QUEUES);
  });

  it('reset offset of a group that does not exist: the page shows the broker\'s error', async () => {
    await browser!.eval(`(() => { document.querySelector('#reset-result').textContent = ''; document.querySelector('#reset-group').value = 'NoSuchGroup';
      document.querySelector('#reset-topic').value = ${JSON.stringify(TOPIC)}; document.querySelector('#reset-button').click(); })()`);
    const err = await browser!.waitFor<string>(cell('#reset-result.err'), 'the reset error');
    assert.match(err, /NoSuchGroup/);
  });
});
