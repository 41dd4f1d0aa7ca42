/**
 * The official clients and tools against Apogee (`apogee start`, local processes): the same suites, scenario by
 * scenario, that pass against Apache RocketMQ 5.5.0 in apache-5.5.0.compat.ts. Part of `npm test` through
 * npm run test:compat. A failure here is a compatibility bug in Apogee.
 */
import * as assert from 'node:assert/strict';
import { createLogger } from '../../lib/common';
import { runBenchmarkSuite } from './benchmark';
import { assertAllPassed, record } from './compat-assert';
import { runGoSuite } from './go-suite';
import { runJavaSuite } from './java-suite';
import { runMqadminSuite } from './mqadmin-suite';
import { Probe, waitFor } from './probe';
import { liveProcessNames } from './process';
import { RunContext } from './run';
import { BENCHMARK_SCENARIOS, GO_SCENARIOS, JAVA_SCENARIOS, MQADMIN_SCENARIOS } from './scenarios';
import { startApogeeTarget, type Target } from './target';

describe('compat: Apogee (apogee start) with the official clients and tools', function () {
  this.timeout(10 * 60_000);
  let ctx: RunContext;
  let target: Target;

  before(async function () {
    this.timeout(5 * 60_000);
    ctx = RunContext.create({ logger: createLogger({ name: 'compat', fd: 2, level: 'warn' }) });
    target = await startApogeeTarget(ctx);
  });

  after(async function () {
    this.timeout(2 * 60_000);
    await target?.stop();
    assert.deepEqual(liveProcessNames(), [], 'every process the harness started has exited');
  });

  describe('harness', () => {
    it('the NameServer answers, lists the broker at 127.0.0.1 and routes TBW102', async () => {
      const probe = new Probe();
      try {
        const info = await probe.clusterInfo(target.namesrvAddr);
        assert.deepEqual([...info.brokers.get(target.brokerName!)!.addrs.entries()], [[0, target.brokerAddr]]);
        assert.deepEqual(info.clusters.get(target.clusterName), [target.brokerName]);
        const route = await probe.route(target.namesrvAddr, 'TBW102');
        assert.ok(route !== null && route.queueDatas.length === 1, `TBW102 route: ${JSON.stringify(route)}`);
        assert.equal((await probe.brokerRuntimeInfo(target.brokerAddr!))['brokerVersionDesc'], 'V5_5_0');
      } finally {
        probe.close();
      }
    });

    it('SIGSTOP freezes the broker (requests time out) and SIGCONT resumes it', async () => {
      const probe = new Probe();
      try {
        target.control.signalBroker!('SIGSTOP');
        await assert.rejects(probe.request(target.brokerAddr!, 28, {}, 1500), (e: unknown) => (e as { kind?: string }).kind === 'TIMEOUT');
        target.control.signalBroker!('SIGCONT');
        await waitFor('the broker answers again after SIGCONT', async () => (await probe.brokerRuntimeInfo(target.brokerAddr!), true), { timeoutMs: 30_000 });
      } finally {
        target.control.signalBroker!('SIGCONT');
        probe.close();
      }
    });

    it('SIGKILL + restart brings the broker back on the same address, registered again', async function () {
      this.timeout(3 * 60_000);
      const probe = new Probe();
      try {
        const before = (await probe.brokerRuntimeInfo(target.brokerAddr!))['bootTimestamp'];
        await target.control.killAndRestartBroker!();
        const after = (await probe.brokerRuntimeInfo(target.brokerAddr!))['bootTimestamp'];
        assert.notEqual(after, before, 'a new broker process (bootTimestamp changed)');
        const info = await probe.clusterInfo(target.namesrvAddr);
        assert.equal(info.brokers.get(target.brokerName!)?.addrs.get(0), target.brokerAddr);
      } finally {
        probe.close();
      }
    });
  });

  it('mqadmin (rocketmq-tools 5.5.0): every NameServer command of issue 3, output checked', async () => {
    const run = await runMqadminSuite(ctx, { target });
    record(ctx, run);
    assertAllPassed(run, MQADMIN_SCENARIOS);
  });

  it('Java suite with rocketmq-client 5.5.0: every scenario passes', async function () {
    this.timeout(35 * 60_000);
    const run = await runJavaSuite(ctx, { clientVersion: '5.5.0', target });
    record(ctx, run);
    assertAllPassed(run, JAVA_SCENARIOS);
  });

  it('Java suite with rocketmq-client 4.9.8: every scenario passes', async function () {
    this.timeout(35 * 60_000);
    const run = await runJavaSuite(ctx, { clientVersion: '4.9.8', target });
    record(ctx, run);
    assertAllPassed(run, JAVA_SCENARIOS);
  });

  it('Go suite (rocketmq-client-go/v2): every scenario passes', async function () {
    this.timeout(20 * 60_000);
    const run = await runGoSuite(ctx, { target });
    record(ctx, run);
    assertAllPassed(run, GO_SCENARIOS);
  });

  it('benchmark Producer/Consumer (rocketmq-example 5.5.0), 30 s: zero send failures, every message consumed', async function () {
    this.timeout(5 * 60_000);
    const run = await runBenchmarkSuite(ctx, { target, seconds: 30 });
    record(ctx, run);
    assertAllPassed(run, BENCHMARK_SCENARIOS);
  });
});
