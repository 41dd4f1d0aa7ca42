/**
 * SLOW (≈12 min): an Apache RocketMQ 4.9.7 broker behind the 5.5.0 NameServer (issue 3: "also 4.9.x"), and
 * every suite against that pair. Part of `npm test`: the slow mocha run (compat-tests/runner/mocharc.compat.json).
 */
import * as assert from 'node:assert/strict';
import { createLogger } from '../../lib/common';
import { fullRunOnly } from '../../lib/common/testing/skip';
import { assertAllPassed, record } from './compat-assert';
import { runGoSuite } from './go-suite';
import { runJavaSuite } from './java-suite';
import { Mqadmin, parseClusterList } from './mqadmin';
import { runMqadminSuite } from './mqadmin-suite';
import { Probe } from './probe';
import { liveProcessNames } from './process';
import { RunContext } from './run';
import { GO_SCENARIOS, JAVA_5_SCENARIOS, JAVA_SCENARIOS, MQADMIN_SCENARIOS } from './scenarios';
import { startApacheTarget, type Target } from './target';

describe('compat: Apache RocketMQ 4.9.7 broker registered with a 5.5.0 NameServer', function () {
  this.timeout(10 * 60_000);
  // Apache 4.9.x has no timer wheel (timer messages arrived in 5.0), stores no MSG_REGION, and answers a new group's
  // first heartbeat without waiting for its retry topic's registration: those scenarios skip themselves
  // (Versions.assumeBroker5) and say so.
  const SKIPS_ON_4X: Record<string, RegExp> = {
    'push.retry-topic-routed-at-first-heartbeat': /not supported by Apache RocketMQ broker/,
    'trace.pub-subbefore-subafter': /not supported by Apache RocketMQ broker/,
    'timer.deliver-at-1s-and-6s': /not supported by Apache RocketMQ broker/,
    'timer.beyond-max-delay-refused': /not supported by Apache RocketMQ broker/,
    'timer.survives-broker-sigkill': /not supported by Apache RocketMQ broker/,
    'timer.just-under-max-delay-parked': /not supported by Apache RocketMQ broker/,
    // full-run-only (scenarios.ts JAVA_FULL_RUN_ONLY): skipped as such here (no -Dcompat.full), or as a 5.x feature
    'timer.deliver-at-60s': /not supported by Apache RocketMQ broker|^full run only/,
  };
  let ctx: RunContext;
  let target: Target;

  before(async function () {
    this.timeout(5 * 60_000);
    ctx = RunContext.create({ logger: createLogger({ name: 'compat', fd: 2, level: 'warn' }) });
    target = await startApacheTarget(ctx, { namesrvVersion: '5.5.0', brokerVersion: '4.9.7' });
  });

  after(async function () {
    this.timeout(2 * 60_000);
    await target?.stop();
    assert.deepEqual(liveProcessNames(), [], 'every process the harness started has exited');
  });

  it('the 4.9.7 broker registers: cluster info, runtime version V4_9_7, TBW102 route, mqadmin clusterList', async () => {
    const probe = new Probe();
    try {
      const info = await probe.clusterInfo(target.namesrvAddr);
      assert.equal(info.brokers.get(target.brokerName!)?.addrs.get(0), target.brokerAddr);
      assert.equal((await probe.brokerRuntimeInfo(target.brokerAddr!))['brokerVersionDesc'], 'V4_9_7');
      const route = await probe.route(target.namesrvAddr, 'TBW102');
      assert.ok(route !== null && route.brokerDatas[0]?.addrs.get(0) === target.brokerAddr, `TBW102 route: ${JSON.stringify(route)}`);
    } finally {
      probe.close();
    }
    const r = await new Mqadmin(ctx, { namesrvAddr: target.namesrvAddr }).run('clusterList');
    const rows = parseClusterList(r.stdout);
    assert.deepEqual(
      rows.map((x) => [x.cluster, x.brokerName, x.brokerId, x.addr, x.version]),
      [[target.clusterName, target.brokerName, 0, target.brokerAddr, 'V4_9_7']],
      r.stdout,
    );
  });

  it('mqadmin (rocketmq-tools 5.5.0): every NameServer command of issue 3, output checked', async function () {
    fullRunOnly(this, 'the same mqadmin checks run against Apogee\'s NameServer with an Apache 5.5.0 broker (apogee-namesrv.compat) and in the matrix');
    const run = await runMqadminSuite(ctx, { target, brokerCommands: false });
    record(ctx, run);
    assertAllPassed(run, MQADMIN_SCENARIOS);
  });

  it('Java suite with rocketmq-client 4.9.8: every scenario passes', async function () {
    fullRunOnly(this, 'the 4.9.8 client\'s NameServer scenarios run against Apogee\'s NameServer (apogee-namesrv.compat), the 5.5.0 client suite against Apogee and Apache 5.5.0 in the matrix; this case checks Apache 4.9.7 itself');
    this.timeout(35 * 60_000);
    const run = await runJavaSuite(ctx, { clientVersion: '4.9.8', target });
    record(ctx, run);
    assertAllPassed(run, JAVA_SCENARIOS, SKIPS_ON_4X);
  });

  it('Java suite with rocketmq-client 5.5.0: every scenario passes (lite pull skipped: Apache 4.9.x lacks LITE_PULL_MESSAGE)', async function () {
    fullRunOnly(this, 'the 4.9.8 client suite above runs against the same 4.9.7 broker, and the 5.5.0 suite against Apogee and Apache 5.5.0 in the matrix');
    this.timeout(35 * 60_000);
    const run = await runJavaSuite(ctx, { clientVersion: '5.5.0', target });
    record(ctx, run);
    // Apache itself: the 5.x lite pull consumer pulls with LITE_PULL_MESSAGE (361), unknown to 4.9.x brokers.
    assertAllPassed(run, JAVA_5_SCENARIOS, {
      'litepull.subscribe-commit': /LITE_PULL_MESSAGE \(361\)/,
      // POP (issue 15) is a 5.x broker feature: Versions.assumeBroker5 skips it on a 4.9.x broker.
      'pop.push-consume-once': /POP consumption is a 5\.x broker feature/,
      'pop.reconsume-later-back-after-invisible-time': /POP consumption is a 5\.x broker feature/,
      'pop.orderly-one-batch-per-queue-in-order': /POP consumption is a 5\.x broker feature/,
      'pop.peek-notification-polling-info': /POP consumption is a 5\.x broker feature/,
      'pop.dlq-via-send-back-as-the-proxy': /POP consumption is a 5\.x broker feature/,
      'recall.timer-message-not-delivered': /RECALL_MESSAGE\) is a 5\.x broker feature/,
      'litepull.assign-seek-commit': /LITE_PULL_MESSAGE \(361\)/,
      ...SKIPS_ON_4X,
    });
  });

  it('Go suite (rocketmq-client-go/v2): every scenario passes', async function () {
    this.timeout(20 * 60_000);
    const run = await runGoSuite(ctx, { target });
    record(ctx, run);
    assertAllPassed(run, GO_SCENARIOS);
  });
});
