import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { RocketClient } from '../client';
import { silentLogger } from '../common';
import { freeBrokerPort, freePort } from '../remoting/testing/ports';
import { startApogee as start, waitApogeeReady as waitReady } from './processors/testing/apogee-process';

/**
 * Topic creation durability end to end (issue 14), with `apogee start` as a real process: topics created one by
 * one — with UPDATE_AND_CREATE_TOPIC (mqadmin updateTopic's request), or auto-created by a first SEND_MESSAGE
 * (Java createTopicInSendMessageMethod persists before the send answers) — are all there after SIGKILL right after
 * the last answer and after a clean restart; the NameServer routes them.
 */
const TOPICS = 300;
/** Topics auto-created by sends (each send also waits for a NameServer registration: fewer keep the test short). */
const SENT_TOPICS = 100;

function exited(proc: ChildProcess): Promise<void> {
  return new Promise<void>((r) => (proc.exitCode !== null || proc.signalCode !== null ? r() : proc.once('exit', () => r())));
}

async function topicConfig(client: RocketClient, brokerAddr: string, topic: string): Promise<number> {
  const r = await client.call(brokerAddr, RequestCode.GET_TOPIC_CONFIG, new Map([['topic', topic]]));
  return r.code;
}

function createFields(topic: string): Map<string, string> {
  return new Map([
    ['topic', topic],
    ['defaultTopic', 'TBW102'],
    ['readQueueNums', '4'],
    ['writeQueueNums', '4'],
    ['perm', '6'],
    ['topicFilterType', 'SINGLE_TAG'],
    ['topicSysFlag', '0'],
    ['order', 'false'],
  ]);
}

function sendFields(topic: string): Map<string, string> {
  const f: Record<string, string | number> = { producerGroup: 'PG_DURABLE', topic, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 0, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: '', reconsumeTimes: 0 };
  return new Map(Object.entries(f).map(([k, v]) => [k, String(v)]));
}

/**
 * Starts apogee in a fresh dir, runs `create(client, brokerAddr, i)` for topics `${prefix}0..n-1` (each must
 * answer SUCCESS), SIGKILLs at once after the last answer, then checks every topic after the restart and again after
 * a clean restart.
 */
async function survivesKill(prefix: string, n: number, create: (client: RocketClient, brokerAddr: string, topic: string) => Promise<{ code: number; remark: string | null }>): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-topics-durable-'));
  const conf = path.join(dir, 'broker.conf');
  fs.writeFileSync(conf, 'mappedFileSizeCommitLog=4194304\n');
  const nsPort = await freePort();
  const brokerPort = await freeBrokerPort();
  const brokerAddr = `127.0.0.1:${brokerPort}`;
  let proc = start(dir, nsPort, brokerPort, conf);
  let client = new RocketClient({ namesrvAddr: `127.0.0.1:${nsPort}`, logger: silentLogger(), timeoutMs: 5000 });
  try {
    await waitReady(client);
    for (let i = 0; i < n; i++) {
      const r = await create(client, brokerAddr, `${prefix}${i}`);
      assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    }
    // SIGKILL at once after the last answer: no background write of topics.json had to happen.
    proc.kill('SIGKILL');
    await exited(proc);
    client.close();

    for (const how of ['after SIGKILL', 'after a clean restart']) {
      proc = start(dir, nsPort, brokerPort, conf);
      client = new RocketClient({ namesrvAddr: `127.0.0.1:${nsPort}`, logger: silentLogger(), timeoutMs: 5000 });
      await waitReady(client);
      for (let i = 0; i < n; i++) assert.equal(await topicConfig(client, brokerAddr, `${prefix}${i}`), ResponseCode.SUCCESS, `${prefix}${i} ${how}`);
      const route = await client.routeOf(`${prefix}${n - 1}`, 0);
      assert.ok(route !== undefined && route.queueDatas.length === 1, `routed ${how}`);
      client.close();
      proc.kill('SIGTERM');
      await exited(proc);
    }
    return dir;
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  } finally {
    client.close();
    proc.kill('SIGKILL');
  }
}

describe('lib/broker topic creation durability: SIGKILL after the answer, then a clean restart', function () {
  this.timeout(120_000);

  it(`${TOPICS} topics created one by one all survive SIGKILL and a restart, and are routed`, async () => {
    const dir = await survivesKill('Durable', TOPICS, (client, addr, topic) => client.call(addr, RequestCode.UPDATE_AND_CREATE_TOPIC, createFields(topic)));
    try {
      // The clean shutdown folded the journal into topics.json (Java's file, readable by a Java broker).
      const file = fs.readFileSync(path.join(dir, 'data', 'store', 'config', 'topics.json'), 'utf8');
      assert.ok(file.includes(`"Durable${TOPICS - 1}"`));
      assert.equal(fs.readFileSync(path.join(dir, 'data', 'store', 'config', 'topics.json.changes'), 'utf8'), '');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`${SENT_TOPICS} topics auto-created by their first send all survive SIGKILL right after the send's answer`, async () => {
    const dir = await survivesKill('AutoSent', SENT_TOPICS, (client, addr, topic) => client.call(addr, RequestCode.SEND_MESSAGE, sendFields(topic), Buffer.from('x')));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
