import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateTopicListRequestBody, type TopicConfig } from '../../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../../protocol/codes';
import { RemotingClient } from '../../../remoting';
import { silentLogger } from '../../../common';
import { BrokerHarness } from '../testing/harness';
import { TOPIC_LIST_STEP_TOPICS } from './topic';

/**
 * Rule (issue 14): UPDATE_AND_CREATE_TOPIC_LIST of 1,000 topics, with 10,000 topics already there, is done in
 * steps of TOPIC_LIST_STEP_TOPICS topics that yield to the event loop, so another client's request is answered
 * while the list is being applied (not after it), and the answer still comes once the list is durable (journal
 * fsync) and registered (the routes exist), as Java AdminBrokerProcessor#updateAndCreateTopicList answers after
 * TopicConfigManager#updateTopicConfigList + registerIncrementBrokerData.
 * The largest event-loop block is printed (a measurement, not asserted: the machine is shared): the longest gap
 * between two 1 ms timer turns, with the process CPU time spent during it (a gap far above its CPU time is the
 * process waiting for a core, not a block).
 */
const EXISTING = 10_000;
const LIST = 1_000;

const tc = (topicName: string): TopicConfig => ({ topicName, readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false, attributes: new Map() });
/** Longest gap between timer turns (wall ms) and the process CPU ms during that gap. */
function gapSampler(): { stop: () => { wallMs: number; cpuMs: number; maxCpuMs: number } } {
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let wallMs = 0;
  let cpuMs = 0;
  let maxCpuMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const c = (cpu.user + cpu.system - lastCpu.user - lastCpu.system) / 1000;
    if (now - last > wallMs) [wallMs, cpuMs] = [now - last, c];
    maxCpuMs = Math.max(maxCpuMs, c);
    last = now;
    lastCpu = cpu;
  }, 1);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      return { wallMs, cpuMs, maxCpuMs };
    },
  };
}

const listBody = (prefix: string, n: number): Buffer => CreateTopicListRequestBody.encode({ topicConfigList: Array.from({ length: n }, (_, i) => tc(`${prefix}${i}`)) });

describe('lib/broker/processors/admin UPDATE_AND_CREATE_TOPIC_LIST in steps (issue 14)', function () {
  this.timeout(120_000);
  let h: BrokerHarness;
  let other: RemotingClient;

  before(async () => {
    h = await BrokerHarness.start();
    other = new RemotingClient({ logger: silentLogger(), version: 479 });
    for (let i = 0; i < EXISTING; i += LIST) {
      const r = await h.call(RequestCode.UPDATE_AND_CREATE_TOPIC_LIST, {}, listBody(`Existing${i}_`, LIST), { timeoutMs: 30_000 });
      assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    }
  });

  after(async () => {
    other.close();
    await h.close();
  });

  it(`a request on another connection is answered while ${LIST} topics are being applied; the answer comes once they are durable and routed`, async () => {
    assert.ok(TOPIC_LIST_STEP_TOPICS < LIST / 4, 'the list spans several steps');
    const body = listBody('Big', LIST);
    const last = `Big${LIST - 1}`;
    await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Existing0_0' }, null, { via: other, to: h.nsAddr }); // connection open
    const loop = gapSampler();
    let bigDone = false;
    const big = h.call(RequestCode.UPDATE_AND_CREATE_TOPIC_LIST, {}, body, { timeoutMs: 30_000 }).then((r) => {
      bigDone = true;
      return r;
    });
    // Once the broker has put the first topic of the list, ask something else on another connection.
    while (h.broker.ctx.topics.get('Big0') === undefined) await new Promise((r) => setImmediate(r));
    // A route lookup, as a client does (the NameServer shares this process and its event loop).
    const asked = await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Existing0_0' }, null, { via: other, to: h.nsAddr });
    const lastWhenAnswered = h.broker.ctx.topics.get(last) !== undefined;
    assert.equal(asked.code, ResponseCode.SUCCESS, asked.remark ?? '');
    assert.equal(bigDone, false, 'answered before the list request');
    assert.equal(lastWhenAnswered, false, 'answered while the list was still being applied');
    const r = await big;
    const g = loop.stop();
    console.log(`      ${LIST} topics over ${EXISTING} (one process: broker, NameServer, clients): longest loop gap ${g.wallMs.toFixed(1)} ms wall (${g.cpuMs.toFixed(1)} ms CPU in it), most CPU in one gap ${g.maxCpuMs.toFixed(1)} ms`);
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    // Durable and routed before the answer (Java's order).
    // The background rewrite of topics.json (1 s later) empties the journal: the topic is in one of the two.
    const config = path.join(h.dir, 'store', 'config');
    const onDisk = ['topics.json.changes', 'topics.json'].map((f) => (fs.existsSync(path.join(config, f)) ? fs.readFileSync(path.join(config, f), 'utf8') : '')).join('');
    assert.ok(onDisk.includes(`"${last}"`), 'the last topic is on disk when the answer comes');
    const route = await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: last }, null, { to: h.nsAddr });
    assert.equal(route.code, ResponseCode.SUCCESS, route.remark ?? '');
  });
});
