import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stopChild as stop } from '../common/testing/child';
import { fullRunOnly, skipBecause } from '../common/testing/skip';
import { goAvailable, startPair, until, type Pair } from './testing/real-pair';

/**
 * Read from the slave with the official Go consumer (issue 13; slow: run by the compat mocha config): an Apogee
 * NameServer (`apogee start --noBroker`), an Apogee ASYNC_MASTER and an Apogee SLAVE (`mqbroker`, slaveReadEnable
 * as Java needs for pulls from a slave, PullMessageProcessor#rejectRequest). N messages are sent to the master;
 * a Go push consumer (compat-tests/go/haslave_test.go, rocketmq-client-go/v2) reads the first FIRST from the
 * master, is stopped (SIGSTOP) while the rest are sent and replicated and the master is SIGKILLed, then resumed: it
 * consumes every remaining message from the slave. (The Go client cannot start a queue with its master down: it
 * asks only the master for the starting offset — see the Go file.) Second scenario, the master alive: a consumer
 * that lags (accessMessageInMemoryMaxRatio=0: any unread rest counts as "out of memory") is sent to the slave by the
 * master's suggestWhichBrokerId (Java's slaveReadEnable rule, PullMessageProcessor) and reads there. The Java consumer's same scenario is ClusterTest's
 * cluster.consume-from-slave-after-master-killed (compat-tests/runner/cluster.compat.ts).
 */
/** Messages read from the master before it dies, and in all (the rest only the slave has). */
const FIRST = 100;
const N = 300;
/** The Go consumer's pull batch size, in messages (HaSlavePullBatch in compat-tests/go/haslave_test.go). */
const PULL_BATCH = 4;

describe('lib/ha read from the slave with the official Go consumer (Apogee master + slave)', function () {
  this.timeout(600_000);
  let procs: Record<string, ChildProcess | undefined> = {};
  let pair: Pair | undefined;
  let dir = '';
  let passed = false;
  before(function () {
    if (!goAvailable()) skipBecause(this, 'needs the go toolchain and compat-tests/go (compat-tests/setup.sh)');
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-ha-read-'));
    procs = {};
    passed = false;
  });
  afterEach(async () => {
    pair?.c.close();
    pair = undefined;
    for (const k of ['go', 'slave', 'master', 'ns']) await stop(procs[k]);
    // Keep the logs of a failed run for diagnosis.
    if (passed) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('every message sent to the master is consumed from the slave by a Go push consumer once the master is killed', async function () {
    fullRunOnly(this, 'the lagging consumer sent to the slave (below; Go and Java consumers read every message from an Apogee slave) and lib/ha/faults.compat (master restarted, the slave reconnects)');
    const p = (pair = await startPair(dir, procs, []));
    const topic = `HaRead${Date.now() % 100000}`;
    await p.sendRange(topic, 0, FIRST);
    await p.slaveServes(topic);
    // The Go consumer reads the first messages from the master, then is stopped while the rest are sent and the
    // master is killed.
    const ready = path.join(dir, 'go-ready');
    const go = await p.go('TestHaSlaveConsume', ['-haslave-topic', topic, '-haslave-first', String(FIRST), '-haslave-count', String(N), '-haslave-ready', ready]);
    await until(() => fs.existsSync(ready), 'the Go consumer read the first messages from the master', 120_000);
    go.p.kill('SIGSTOP');
    await p.sendRange(topic, FIRST, N);
    await until(() => p.same(), 'the slave log equals the master log byte for byte');
    const queues = (await p.c.routeOf(topic, 0))?.queueDatas[0]?.readQueueNums ?? 0;
    assert.ok(queues > 0);
    await stop(procs.master, 0);
    await until(async () => ![...((await p.c.routeOf(topic, 0))?.brokerDatas[0]?.brokerAddrs.keys() ?? [0])].includes(0), 'the master gone from the route');
    go.p.kill('SIGCONT');
    const code = await go.exited;
    const out = fs.readFileSync(go.log, 'utf8');
    assert.equal(code, 0, `the Go consumer failed (logs in ${dir}):\n${out.slice(-3000)}`);
    assert.match(out, /--- PASS: TestHaSlaveConsume/);
    // The slave served them: at most one held pull per queue (queues x PULL_BATCH messages) can have been answered by
    // the master into the stopped consumer's socket before the kill; everything else came from the slave.
    const served = await p.served(p.slaveAddr);
    assert.ok(served >= N - FIRST - queues * PULL_BATCH, `the slave served ${served} messages`);
    passed = true;
  });

  it('slaveReadEnable, master alive: a lagging Go consumer is sent to the slave (suggestWhichBrokerId) and reads there', async function () {
    fullRunOnly(this, 'the lagging Java consumer of ha-slave-read-java.compat takes the same suggestWhichBrokerId path');
    const p = (pair = await startPair(dir, procs, ['accessMessageInMemoryMaxRatio=0']));
    const topic = `HaLag${Date.now() % 100000}`;
    await p.sendRange(topic, 0, N);
    await p.slaveServes(topic);
    await until(() => p.same(), 'the slave log equals the master log byte for byte');
    const go = await p.go('TestHaSlaveReadWhenLagging', ['-haslave-topic', topic, '-haslave-count', String(N)]);
    const code = await go.exited;
    const out = fs.readFileSync(go.log, 'utf8');
    assert.equal(code, 0, `the Go consumer failed (logs in ${dir}):\n${out.slice(-3000)}`);
    const fromSlave = await p.served(p.slaveAddr);
    const fromMaster = await p.served(p.masterAddr);
    assert.ok(fromSlave > 0, `the slave served ${fromSlave} messages, the master ${fromMaster}`);
    assert.ok(fromMaster < N, `the master did not serve everything (${fromMaster} of ${N}; the slave ${fromSlave})`);
    passed = true;
  });
});
