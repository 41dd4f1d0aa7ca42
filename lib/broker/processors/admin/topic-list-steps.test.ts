import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
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
 * The largest event-loop block is printed (a measurement, not asserted: the machine is shared).
 */
const EXISTING = 10_000;
const LIST = 1_000;

const tc = (topicName: string): TopicConfig => ({ topicName, readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false, attributes: new Map() });
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
    await h.call(RequestCode.GET_BROKER_RUNTIME_INFO, {}, null, { via: other }); // connection open
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    let bigDone = false;
    const big = h.call(RequestCode.UPDATE_AND_CREATE_TOPIC_LIST, {}, body, { timeoutMs: 30_000 }).then((r) => {
      bigDone = true;
      return r;
    });
    // Once the broker has put the first topic of the list, ask something else on another connection.
    while (h.broker.ctx.topics.get('Big0') === undefined) await new Promise((r) => setImmediate(r));
    const asked = await h.call(RequestCode.GET_BROKER_RUNTIME_INFO, {}, null, { via: other });
    const lastWhenAnswered = h.broker.ctx.topics.get(last) !== undefined;
    assert.equal(asked.code, ResponseCode.SUCCESS);
    assert.equal(bigDone, false, 'answered before the list request');
    assert.equal(lastWhenAnswered, false, 'answered while the list was still being applied');
    const r = await big;
    loop.disable();
    console.log(`      largest event-loop block ${(loop.max / 1e6).toFixed(1)} ms (p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms) for ${LIST} topics over ${EXISTING} (test process: broker + NameServer + clients)`);
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
