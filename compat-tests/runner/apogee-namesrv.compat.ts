/**
 * Issue 3's proofs: real Apache RocketMQ brokers (5.5.0 and 4.9.7, from Maven Central) register with Apogee's
 * NameServer (`apogee start --noBroker`), and the official Java client, Go client and mqadmin route through it.
 * Broker removal is proven with real processes: a SIGKILLed broker disappears at once (its connection closes);
 * a frozen one (SIGSTOP) expires after its heartbeat timeout and comes back when it resumes.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { createLogger } from '../../lib/common';
import { ApacheBroker } from './apache';
import { ApogeeProcess } from './apogee';
import { assertAllPassed, record } from './compat-assert';
import { runGoSuite } from './go-suite';
import { runJavaSuite } from './java-suite';
import { runMqadminSuite } from './mqadmin-suite';
import { Probe, waitFor } from './probe';
import { liveProcessNames } from './process';
import { RunContext } from './run';
import { GO_SCENARIOS, MQADMIN_SCENARIOS } from './scenarios';
import type { Target } from './target';
import type { ApacheServerVersion, JavaClientVersion } from './paths';
import { fullRunOnly } from '../../lib/common/testing/skip';

const NS_JAVA_SCENARIOS = ['ns.route-lookup', 'ns.send-consume', 'ns.topic-autocreate-tbw102'];

function mixedTarget(name: string, ns: ApogeeProcess, broker: ApacheBroker): Target {
  return {
    name,
    kind: 'apogee',
    description: `Apogee NameServer + Apache RocketMQ broker (local processes)`,
    namesrvAddr: ns.namesrvAddr,
    brokerAddr: broker.addr,
    brokerName: broker.brokerName,
    clusterName: broker.clusterName,
    logs: [{ name: 'apogee.log', path: ns.logFile }, { name: 'broker.log', path: broker.logFile }],
    control: { signalBroker: (sig) => broker.signal(sig) },
    async stop() {
      await broker.stop();
      await ns.stop();
    },
  };
}

for (const [brokerVersion, clientVersion] of [['5.5.0', '5.5.0'], ['4.9.7', '4.9.8']] as [ApacheServerVersion, JavaClientVersion][]) {
  describe(`compat: Apache RocketMQ ${brokerVersion} broker with Apogee's NameServer`, function () {
    this.timeout(10 * 60_000);
    let ctx: RunContext;
    let ns: ApogeeProcess;
    let broker: ApacheBroker;
    let target: Target;

    before(async function () {
      this.timeout(5 * 60_000);
      ctx = RunContext.create({ logger: createLogger({ name: 'compat', fd: 2, level: 'warn' }) });
      const dir = ctx.subdir(`apogee-ns-broker-${brokerVersion}`);
      ns = await ApogeeProcess.start(ctx, { dir: path.join(dir, 'apogee'), name: `apogee-ns/${brokerVersion}`, namesrvOnly: true });
      broker = await ApacheBroker.start(ctx, {
        version: brokerVersion,
        dir: path.join(dir, 'broker-a'),
        namesrvAddr: ns.namesrvAddr,
        name: `apache-${brokerVersion}/broker`,
        // Acting-master mode makes the broker send heartbeatTimeoutMillis (5 s here) and BROKER_HEARTBEAT every
        // second (5.x), so expiry is observable in seconds rather than the 120 s default.
        config: brokerVersion === '5.5.0' ? { enableSlaveActingMaster: true, brokerNotActiveTimeoutMillis: 5000 } : {},
      });
      target = mixedTarget(`apogee-ns+apache-${brokerVersion}`, ns, broker);
    });

    after(async function () {
      this.timeout(2 * 60_000);
      await target?.stop();
      assert.deepEqual(liveProcessNames(), [], 'every process the harness started has exited');
    });

    it(`the ${brokerVersion} broker registers: Apogee lists it, routes TBW102 to it`, async () => {
      const probe = new Probe();
      try {
        const info = await probe.clusterInfo(ns.namesrvAddr);
        assert.deepEqual([...info.brokers.get('broker-a')!.addrs.entries()], [[0, broker.addr]]);
        const route = await probe.route(ns.namesrvAddr, 'TBW102');
        assert.ok(route !== null && route.queueDatas.length === 1, JSON.stringify(route));
        assert.equal((await probe.brokerRuntimeInfo(broker.addr))['brokerVersionDesc'], `V${brokerVersion.replace(/\./g, '_')}`);
      } finally {
        probe.close();
      }
    });

    it(`Java client ${clientVersion}: route lookup, send and consume through the Java broker`, async () => {
      const run = await runJavaSuite(ctx, { clientVersion, target, groups: ['nameserver'] });
      record(ctx, run);
      assertAllPassed(run, NS_JAVA_SCENARIOS);
    });

    it('mqadmin: every NameServer command of issue 3, output checked', async function () {
      if (brokerVersion !== '5.5.0') fullRunOnly(this, 'the same mqadmin checks with the Apache 5.5.0 broker behind Apogee\'s NameServer (above)');
      const run = await runMqadminSuite(ctx, { target, brokerCommands: false });
      record(ctx, run);
      assertAllPassed(run, MQADMIN_SCENARIOS);
    });

    if (brokerVersion === '5.5.0') {
      it('Go client v2 resolves routes through Apogee and produces/consumes via the Java broker', async () => {
        const run = await runGoSuite(ctx, { target });
        record(ctx, run);
        assertAllPassed(run, GO_SCENARIOS);
      });

      it('a frozen broker (SIGSTOP) expires after its heartbeat timeout; resumed, it registers again', async function () {
        this.timeout(3 * 60_000);
        const probe = new Probe();
        try {
          broker.signal('SIGSTOP');
          await waitFor('broker-a removed from the cluster info', async () => ((await probe.clusterInfo(ns.namesrvAddr)).brokers.has('broker-a') ? undefined : true), { timeoutMs: 40_000, intervalMs: 500 });
          assert.equal(await probe.route(ns.namesrvAddr, 'TBW102'), null, 'its topics left with it');
          broker.signal('SIGCONT');
          await waitFor('broker-a registered again', async () => ((await probe.clusterInfo(ns.namesrvAddr)).brokers.get('broker-a')?.addrs.get(0) === broker.addr ? true : undefined), { timeoutMs: 90_000, intervalMs: 500 });
        } finally {
          try {
            broker.signal('SIGCONT');
          } catch {
            /* not running */
          }
          probe.close();
        }
      });
    }

    it('a SIGKILLed broker is removed at once (its connection closed), and re-registers on restart', async function () {
      this.timeout(3 * 60_000);
      const probe = new Probe();
      try {
        const t0 = Date.now();
        await broker.kill();
        await waitFor('broker-a removed after SIGKILL', async () => ((await probe.clusterInfo(ns.namesrvAddr)).brokers.has('broker-a') ? undefined : true), { timeoutMs: 10_000, intervalMs: 100 });
        assert.ok(Date.now() - t0 < 10_000, 'removed on connection close, not by expiry');
        await broker.start();
        assert.equal((await probe.clusterInfo(ns.namesrvAddr)).brokers.get('broker-a')?.addrs.get(0), broker.addr);
      } finally {
        probe.close();
      }
    });
  });
}
