import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RequestCode } from '../../protocol/codes';
import { RocketClient } from '../client';
import { silentLogger } from '../common';
import { stopChild as stop } from '../common/testing/child';
import { skipBecause } from '../common/testing/skip';
import { freeBrokerPort, freePort } from '../remoting/testing/ports';

/**
 * Read from the slave with the official Go consumer (issue 13; slow: run by the compat mocha config): an Apogee
 * NameServer (`apogee start --noBroker`), an Apogee ASYNC_MASTER and an Apogee SLAVE (`mqbroker`, slaveReadEnable
 * as Java needs for pulls from a slave, PullMessageProcessor#rejectRequest). N messages are sent to the master;
 * a Go push consumer (compat-tests/go/haslave_test.go, rocketmq-client-go/v2) reads the first FIRST from the
 * master, is stopped (SIGSTOP) while the rest are sent and replicated and the master is SIGKILLed, then resumed: it
 * consumes every remaining message from the slave. (The Go client cannot start a queue with its master down: it
 * asks only the master for the starting offset — see the Go file.) The Java consumer's same scenario is ClusterTest's
 * cluster.consume-from-slave-after-master-killed (compat-tests/runner/cluster.compat.ts).
 */
const BIN = path.join(__dirname, '..', 'bin');
const GO_DIR = path.join(__dirname, '..', '..', '..', 'compat-tests', 'go');
/** Messages read from the master before it dies, and in all (the rest only the slave has). */
const FIRST = 100;
const N = 300;
/** The Go consumer's pull batch size, in messages (HaSlavePullBatch in compat-tests/go/haslave_test.go). */
const PULL_BATCH = 4;

function run(dir: string, cmd: string, args: string[], log: string, cwd?: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  const fd = fs.openSync(path.join(dir, log), 'a');
  return spawn(cmd, args, { stdio: ['ignore', fd, fd], cwd, env: { ...process.env, APOGEE_LOG_LEVEL: 'info', ...env } });
}

async function until(cond: () => Promise<boolean> | boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if (await cond()) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function goAvailable(): boolean {
  return fs.existsSync(path.join(GO_DIR, 'go.mod')) && (process.env.PATH ?? '').split(':').some((d) => fs.existsSync(path.join(d, 'go')));
}

describe('lib/ha read from the slave: the official Go consumer after the master died (Apogee master + slave)', function () {
  this.timeout(600_000);
  const procs: Record<string, ChildProcess | undefined> = {};
  let client: RocketClient | undefined;
  let dir = '';
  let passed = false;
  before(function () {
    if (!goAvailable()) skipBecause(this, 'needs the go toolchain and compat-tests/go (compat-tests/setup.sh)');
  });
  after(async () => {
    client?.close();
    for (const k of ['go', 'slave', 'master', 'ns']) await stop(procs[k]);
    if (dir !== '' && passed) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('every message sent to the master is consumed from the slave by a Go push consumer once the master is killed', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-ha-read-'));
    const nsPort = await freePort();
    const masterPort = await freeBrokerPort();
    const slavePort = await freeBrokerPort();
    const ns = `127.0.0.1:${nsPort}`;
    const conf = (name: string, lines: string[]): string => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, [...lines, 'brokerIP1=127.0.0.1', 'slaveReadEnable=true', `namesrvAddr=${ns}`, ''].join('\n'));
      return f;
    };
    const masterConf = conf('master.conf', ['brokerRole=ASYNC_MASTER', `listenPort=${masterPort}`, `storePathRootDir=${path.join(dir, 'master')}`]);
    const slaveConf = conf('slave.conf', ['brokerRole=SLAVE', 'brokerId=1', `listenPort=${slavePort}`, `storePathRootDir=${path.join(dir, 'slave')}`]);
    procs.ns = run(dir, process.execPath, [path.join(BIN, 'apogee.js'), 'start', '--noBroker', '--namesrvPort', String(nsPort), '--dataDir', path.join(dir, 'ns')], 'ns.log');
    procs.master = run(dir, process.execPath, [path.join(BIN, 'mqbroker.js'), '-c', masterConf], 'master.log');
    procs.slave = run(dir, process.execPath, [path.join(BIN, 'mqbroker.js'), '-c', slaveConf], 'slave.log');
    client = new RocketClient({ namesrvAddr: ns, logger: silentLogger(), timeoutMs: 10_000 });
    const c = client;
    const topic = `HaRead${Date.now() % 100000}`;
    const sendRange = async (from: number, to: number): Promise<void> => {
      for (let i = from; i < to; i++) {
        const r = await c.send(topic, Buffer.from(`ha-slave #${i}`));
        assert.equal(r.code, 0, `send #${i}: ${r.remark}`);
      }
    };
    await until(async () => (await c.send(topic, Buffer.from('ha-slave #0'))).code === 0, 'the first send');
    await sendRange(1, FIRST);
    // The slave holds every byte and serves the topic (SlaveSynchronize copied its config; the slave registered it).
    const masterLog = path.join(dir, 'master', 'commitlog');
    const slaveLog = path.join(dir, 'slave', 'commitlog');
    const same = (): boolean => {
      const names = fs.readdirSync(masterLog).sort();
      return names.join() === fs.readdirSync(slaveLog).sort().join() && names.every((n) => fs.readFileSync(path.join(masterLog, n)).equals(fs.readFileSync(path.join(slaveLog, n))));
    };
    await until(async () => [...((await c.routeOf(topic, 0))?.brokerDatas[0]?.brokerAddrs.keys() ?? [])].includes(1), 'the NameServer routes the topic to the slave', 120_000);
    // A slave answers pulls of a topic only once SlaveSynchronize copied its config (10 s after start, then every
    // 60 s, as Java): until then TOPIC_NOT_EXIST, as a Java slave.
    const slaveAddr = `127.0.0.1:${slavePort}`;
    await until(async () => ((await c.call(slaveAddr, RequestCode.GET_ALL_TOPIC_CONFIG)).body?.toString() ?? '').includes(`"${topic}"`), 'the slave copied the topic config', 120_000);
    // The Go consumer (a compiled test binary, so that SIGSTOP reaches the process that consumes) reads the first
    // messages from the master, then is stopped while the rest are sent and the master is killed.
    const bin = path.join(dir, 'haslave.test');
    const build = run(dir, 'go', ['test', '-c', '-tags', 'haslave', '-o', bin, '.'], 'go-build.log', GO_DIR, { GOFLAGS: '-mod=mod' });
    assert.equal(await new Promise((r) => build.once('exit', r)), 0, fs.readFileSync(path.join(dir, 'go-build.log'), 'utf8'));
    const ready = path.join(dir, 'go-ready');
    procs.go = run(dir, bin, ['-test.run', 'TestHaSlaveConsume', '-test.v', '-test.timeout', '300s', '-namesrv', ns, '-workdir', path.join(dir, 'go'), '-haslave-topic', topic, '-haslave-first', String(FIRST), '-haslave-count', String(N), '-haslave-ready', ready], 'go.log', GO_DIR);
    const go = procs.go;
    const exited = new Promise<number | null>((r) => go.once('exit', (code) => r(code)));
    await until(() => fs.existsSync(ready), 'the Go consumer read the first messages from the master', 120_000);
    go.kill('SIGSTOP');
    await sendRange(FIRST, N);
    await until(same, 'the slave log equals the master log byte for byte');
    const queues = (await c.routeOf(topic, 0))?.queueDatas[0]?.readQueueNums ?? 0;
    assert.ok(queues > 0);
    await stop(procs.master, 0);
    await until(async () => ![...((await c.routeOf(topic, 0))?.brokerDatas[0]?.brokerAddrs.keys() ?? [0])].includes(0), 'the master gone from the route');
    go.kill('SIGCONT');
    const code = await exited;
    const out = fs.readFileSync(path.join(dir, 'go.log'), 'utf8');
    assert.equal(code, 0, `the Go consumer failed (logs in ${dir}):\n${out.slice(-3000)}`);
    assert.match(out, /--- PASS: TestHaSlaveConsume/);
    // The slave served them: at most one held pull per queue (queues x PULL_BATCH messages) can have been answered by the
    // master into the stopped consumer's socket before the kill; everything else came from the slave.
    const info = (await c.call(slaveAddr, RequestCode.GET_BROKER_RUNTIME_INFO)).body?.toString() ?? '';
    const served = Number(/"msgGetTotalTodayNow":"(\d+)"/.exec(info)?.[1] ?? -1);
    assert.ok(served >= N - FIRST - queues * PULL_BATCH, `the slave served ${served} messages (runtime info ${info.slice(0, 200)})`);
    passed = true;
  });
});
