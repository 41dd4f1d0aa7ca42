import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RequestCode } from '../../protocol/codes';
import { RocketClient } from '../client';
import { silentLogger } from '../common';
import { stopChild as stop } from '../common/testing/child';
import { fullRunOnly, skipBecause } from '../common/testing/skip';
import { freeBrokerPort, freePort } from '../remoting/testing/ports';

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

/** An Apogee NameServer, ASYNC_MASTER and SLAVE (slaveReadEnable on both, plus `extra` lines) in `dir`. */
interface Pair {
  ns: string;
  c: RocketClient;
  masterAddr: string;
  slaveAddr: string;
  procs: Record<string, ChildProcess | undefined>;
  /** Sends "ha-slave #from".."#to-1" to `topic`, each acknowledged. */
  sendRange(topic: string, from: number, to: number): Promise<void>;
  /** The slave's commit log equals the master's byte for byte. */
  same(): boolean;
  /** Waits until the slave serves `topic` (routed, and its config copied by SlaveSynchronize). */
  slaveServes(topic: string): Promise<void>;
  /** messages the slave's pulls transferred (runtime info msgGetTotalTodayNow). */
  served(addr: string): Promise<number>;
  /** Builds the haslave Go test binary and runs `test` with `args`; resolves with the process and its exit. */
  go(test: string, args: string[]): Promise<{ p: ChildProcess; exited: Promise<number | null>; log: string }>;
}

async function startPair(dir: string, procs: Record<string, ChildProcess | undefined>, extra: string[]): Promise<Pair> {
  const nsPort = await freePort();
  const masterPort = await freeBrokerPort();
  const slavePort = await freeBrokerPort();
  const ns = `127.0.0.1:${nsPort}`;
  const conf = (name: string, lines: string[]): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, [...lines, ...extra, 'brokerIP1=127.0.0.1', 'slaveReadEnable=true', `namesrvAddr=${ns}`, ''].join('\n'));
    return f;
  };
  const masterConf = conf('master.conf', ['brokerRole=ASYNC_MASTER', `listenPort=${masterPort}`, `storePathRootDir=${path.join(dir, 'master')}`]);
  const slaveConf = conf('slave.conf', ['brokerRole=SLAVE', 'brokerId=1', `listenPort=${slavePort}`, `storePathRootDir=${path.join(dir, 'slave')}`]);
  procs.ns = run(dir, process.execPath, [path.join(BIN, 'apogee.js'), 'start', '--noBroker', '--namesrvPort', String(nsPort), '--dataDir', path.join(dir, 'ns')], 'ns.log');
  procs.master = run(dir, process.execPath, [path.join(BIN, 'mqbroker.js'), '-c', masterConf], 'master.log');
  procs.slave = run(dir, process.execPath, [path.join(BIN, 'mqbroker.js'), '-c', slaveConf], 'slave.log');
  const c = new RocketClient({ namesrvAddr: ns, logger: silentLogger(), timeoutMs: 10_000 });
  const slaveAddr = `127.0.0.1:${slavePort}`;
  const masterLog = path.join(dir, 'master', 'commitlog');
  const slaveLog = path.join(dir, 'slave', 'commitlog');
  return {
    ns,
    c,
    masterAddr: `127.0.0.1:${masterPort}`,
    slaveAddr,
    procs,
    async sendRange(topic, from, to) {
      if (from === 0) {
        await until(async () => (await c.send(topic, Buffer.from('ha-slave #0'))).code === 0, 'the first send');
        from = 1;
      }
      for (let i = from; i < to; i++) {
        const r = await c.send(topic, Buffer.from(`ha-slave #${i}`));
        assert.equal(r.code, 0, `send #${i}: ${r.remark}`);
      }
    },
    same() {
      const names = fs.readdirSync(masterLog).sort();
      return names.join() === fs.readdirSync(slaveLog).sort().join() && names.every((n) => fs.readFileSync(path.join(masterLog, n)).equals(fs.readFileSync(path.join(slaveLog, n))));
    },
    async slaveServes(topic) {
      await until(async () => [...((await c.routeOf(topic, 0))?.brokerDatas[0]?.brokerAddrs.keys() ?? [])].includes(1), 'the NameServer routes the topic to the slave', 120_000);
      // A slave answers pulls of a topic only once SlaveSynchronize copied its config (10 s after start, then every
      // 60 s, as Java): until then TOPIC_NOT_EXIST, as a Java slave.
      await until(async () => ((await c.call(slaveAddr, RequestCode.GET_ALL_TOPIC_CONFIG)).body?.toString() ?? '').includes(`"${topic}"`), 'the slave copied the topic config', 120_000);
    },
    async served(addr) {
      const info = (await c.call(addr, RequestCode.GET_BROKER_RUNTIME_INFO)).body?.toString() ?? '';
      return Number(/"msgGetTotalTodayNow":"(\d+)"/.exec(info)?.[1] ?? -1);
    },
    async go(test, args) {
      // A compiled test binary, so that SIGSTOP reaches the process that consumes.
      const bin = path.join(dir, 'haslave.test');
      if (!fs.existsSync(bin)) {
        const build = run(dir, 'go', ['test', '-c', '-tags', 'haslave', '-o', bin, '.'], 'go-build.log', GO_DIR, { GOFLAGS: '-mod=mod' });
        assert.equal(await new Promise((r) => build.once('exit', r)), 0, fs.readFileSync(path.join(dir, 'go-build.log'), 'utf8'));
      }
      const log = `go-${test}.log`;
      const p = run(dir, bin, ['-test.run', test, '-test.v', '-test.timeout', '300s', '-namesrv', ns, '-workdir', path.join(dir, 'go'), ...args], log, GO_DIR);
      procs.go = p;
      return { p, exited: new Promise<number | null>((r) => p.once('exit', (code) => r(code))), log: path.join(dir, log) };
    },
  };
}

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

  it('every message sent to the master is consumed from the slave by a Go push consumer once the master is killed', async () => {
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
