/**
 * Issue 13, read from the slave with the official Java consumer 5.5.0 while the master is alive (real processes,
 * no JVM server): an Apogee NameServer, ASYNC_MASTER and SLAVE, both brokers with slaveReadEnable=true and
 * accessMessageInMemoryMaxRatio=0, so a lagging consumer is sent to the slave by the master's suggestWhichBrokerId
 * (Java PullMessageProcessor) — HaSlaveReadTest in compat-tests/java/suites (tag "cluster", -Dcompat.haSlaveRead).
 * The Java consumer reading from a slave whose master was killed is ClusterTest's
 * cluster.consume-from-slave-after-master-killed (cluster.compat.ts).
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLogger } from '../../lib/common';
import { stopChild } from '../../lib/common/testing/child';
import { ApogeeProcess } from './apogee';
import { runJavaSuite } from './java-suite';
import { repoRoot } from './paths';
import { freeBrokerPorts } from './ports';
import { RunContext } from './run';
import type { Target } from './target';

describe('compat: the official Java consumer 5.5.0 reads from an Apogee slave when it lags (slaveReadEnable)', function () {
  this.timeout(15 * 60_000);
  let ctx: RunContext;
  before(() => {
    ctx = RunContext.create({ logger: createLogger({ name: 'compat', fd: 2, level: 'warn' }) });
  });

  it('Apogee master + Apogee slave: the lagging consumer is sent to the slave and reads every message', async () => {
    const dir = ctx.subdir('ha-read-java-consumer');
    const ns = await ApogeeProcess.start(ctx, { dir: path.join(dir, 'ns'), name: 'apogee-ns/ha-read-java', namesrvOnly: true });
    const brokers: ChildProcess[] = [];
    try {
      const mp = await freeBrokerPorts();
      const sp = await freeBrokerPorts();
      const start = (name: string, lines: string[]): void => {
        const d = path.join(dir, name);
        fs.mkdirSync(d, { recursive: true });
        const conf = path.join(d, 'broker.conf');
        fs.writeFileSync(conf, [...lines, `storePathRootDir=${path.join(d, 'store')}`, 'slaveReadEnable=true', 'accessMessageInMemoryMaxRatio=0',
          'brokerIP1=127.0.0.1', 'bindAddress=127.0.0.1', `namesrvAddr=${ns.namesrvAddr}`, ''].join('\n'));
        const log = fs.openSync(path.join(d, 'broker.log'), 'a');
        brokers.push(spawn(process.execPath, [path.join(repoRoot(), 'dist', 'lib', 'bin', 'mqbroker.js'), '-c', conf], { stdio: ['ignore', log, log], env: { ...process.env, APOGEE_LOG_LEVEL: 'info' } }));
      };
      start('master', ['brokerRole=ASYNC_MASTER', `listenPort=${mp.listenPort}`, `haListenPort=${mp.haListenPort}`]);
      start('slave', ['brokerRole=SLAVE', 'brokerId=1', `listenPort=${sp.listenPort}`, `haMasterAddress=127.0.0.1:${mp.haListenPort}`]);
      const target: Target = {
        name: 'apogee-ha-pair',
        kind: 'apogee',
        description: 'Apogee NameServer + ASYNC_MASTER + SLAVE (slaveReadEnable, accessMessageInMemoryMaxRatio=0)',
        namesrvAddr: ns.namesrvAddr,
        brokerAddr: `127.0.0.1:${mp.listenPort}`,
        clusterName: 'DefaultCluster',
        control: {},
        logs: [],
        stop: async () => undefined,
      };
      const run = await runJavaSuite(ctx, {
        clientVersion: '5.5.0',
        target,
        groups: ['cluster'],
        test: 'HaSlaveReadTest',
        timeoutMs: 10 * 60_000,
        props: { 'compat.excludedGroups': 'none', 'compat.haSlaveRead': 'true' },
      });
      const r = run.results.find((x) => x.id === 'ha.slave-read-when-lagging');
      assert.ok(r !== undefined, `ha.slave-read-when-lagging ran (${run.error ?? 'see ' + run.logDir})`);
      assert.equal(r.status, 'passed', JSON.stringify(r));
    } finally {
      for (const b of brokers.reverse()) await stopChild(b);
      await ns.stop();
    }
  });
});
