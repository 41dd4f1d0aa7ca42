/**
 * Issue 13, consumers on mixed pairs (real processes, one JVM at a time) behind an Apogee NameServer: a Java 5.5.0
 * master with an Apogee SLAVE (haMasterAddress = the Java HA port), and an Apogee master with a Java 5.5.0 SLAVE
 * (which learns the HA address from the register answer); slaveReadEnable on the slaves. The official Go push
 * consumer (compat-tests/go/haslave_test.go, build tag haslave) reads the first FIRST messages from the master, is
 * stopped (SIGSTOP) while the rest are sent and replicated and the master is SIGKILLed, then resumed: it consumes
 * every remaining message from the slave, whose pull statistics show it served them. Same protocol as
 * lib/ha/slave-read.compat.test.ts (Apogee master + Apogee slave).
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { RocketClient } from '../../lib/client';
import { createLogger, silentLogger } from '../../lib/common';
import { fullRunOnly } from '../../lib/common/testing/skip';
import { stopChild } from '../../lib/common/testing/child';
import { ApacheBroker } from './apache';
import { ApogeeProcess } from './apogee';
import { goSuitesDir, repoRoot } from './paths';
import { freeBrokerPorts } from './ports';
import { RunContext } from './run';

const FIRST = 100;
const N = 300;
/** The Go consumer's pull batch size, in messages (HaSlavePullBatch in compat-tests/go/haslave_test.go). */
const PULL_BATCH = 4;

async function until(cond: () => Promise<boolean> | boolean, what: string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await Promise.resolve().then(cond).catch(() => false)) return;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function spawnLogged(cmd: string, args: string[], log: string, cwd?: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  const fd = fs.openSync(log, 'a');
  return spawn(cmd, args, { stdio: ['ignore', fd, fd], cwd, env: { ...process.env, APOGEE_LOG_LEVEL: 'info', ...env } });
}

interface MixedPair {
  ns: string;
  masterAddr: string;
  slaveAddr: string;
  /** SIGKILL the master. */
  killMaster(): Promise<void>;
}

/**
 * The Go consumer scenario on a started pair: FIRST messages read from the master, the consumer stopped, the rest
 * sent and replicated, the master killed, the consumer resumed; every message consumed, the slave's pull count
 * showing it served all but what the master could have answered before it died.
 */
async function goReadsFromSlave(dir: string, p: MixedPair, what: { master: string; slave: string }): Promise<void> {
  let go: ChildProcess | undefined;
  const client = new RocketClient({ namesrvAddr: p.ns, logger: silentLogger(), timeoutMs: 10_000 });
  try {
    const maxOffset = async (addr: string): Promise<number> => Number(/"commitLogMaxOffset":"(\d+)"/.exec((await client.call(addr, RequestCode.GET_BROKER_RUNTIME_INFO)).body?.toString() ?? '')?.[1] ?? -1);
    // Java's rule: a slave reporting 0 gets the master's last file only; connect before the sends to get them all.
    await until(async () => {
      const r = await client.call(p.masterAddr, RequestCode.GET_BROKER_HA_STATUS);
      return r.code === ResponseCode.SUCCESS && (JSON.parse(r.body!.toString()) as { haConnectionInfo: unknown[] }).haConnectionInfo.length === 1;
    }, `the ${what.slave} slave connected to the ${what.master} master`);
    const topic = `HaReadM${Date.now() % 100000}`;
    const send = async (i: number): Promise<boolean> => (await client.send(topic, Buffer.from(`ha-slave #${i}`)).catch(() => ({ code: -1 }))).code === ResponseCode.SUCCESS;
    await until(() => send(0), 'the first send (the topic is auto-created on the master)');
    for (let i = 1; i < FIRST; i++) assert.ok(await send(i), `send #${i}`);
    // SlaveSynchronize copies topic configs 10 s after start, then every 60 s (Java and Apogee).
    await until(async () => ((await client.call(p.slaveAddr, RequestCode.GET_ALL_TOPIC_CONFIG)).body?.toString() ?? '').includes(`"${topic}"`), `the ${what.slave} slave copied the topic config`, 150_000);
    const bin = path.join(dir, 'haslave.test');
    const build = spawnLogged('go', ['test', '-c', '-tags', 'haslave', '-o', bin, '.'], path.join(dir, 'go-build.log'), goSuitesDir(), { GOFLAGS: '-mod=mod' });
    assert.equal(await new Promise((r) => build.once('exit', r)), 0, fs.readFileSync(path.join(dir, 'go-build.log'), 'utf8'));
    const ready = path.join(dir, 'go-ready');
    const goLog = path.join(dir, 'go.log');
    go = spawnLogged(bin, ['-test.run', 'TestHaSlaveConsume', '-test.v', '-test.timeout', '300s', '-namesrv', p.ns, '-workdir', path.join(dir, 'go'), '-haslave-topic', topic, '-haslave-first', String(FIRST), '-haslave-count', String(N), '-haslave-ready', ready], goLog, goSuitesDir());
    const g = go;
    const exited = new Promise<number | null>((r) => g.once('exit', (code) => r(code)));
    await until(() => fs.existsSync(ready), `the Go consumer read the first messages from the ${what.master} master`);
    g.kill('SIGSTOP');
    for (let i = FIRST; i < N; i++) assert.ok(await send(i), `send #${i}`);
    const end = await maxOffset(p.masterAddr);
    await until(async () => (await maxOffset(p.slaveAddr)) === end, `the ${what.slave} slave holds everything the master has`);
    const queues = (await client.routeOf(topic, 0))?.queueDatas[0]?.readQueueNums ?? 0;
    assert.ok(queues > 0);
    await p.killMaster();
    await until(async () => ![...((await client.routeOf(topic, 0))?.brokerDatas[0]?.brokerAddrs.keys() ?? [0])].includes(0), 'the master gone from the route');
    g.kill('SIGCONT');
    const code = await exited;
    const out = fs.readFileSync(goLog, 'utf8');
    assert.equal(code, 0, `the Go consumer failed (logs in ${dir}):\n${out.slice(-3000)}`);
    assert.match(out, /--- PASS: TestHaSlaveConsume/);
    const info = (await client.call(p.slaveAddr, RequestCode.GET_BROKER_RUNTIME_INFO)).body?.toString() ?? '';
    const served = Number(/"msgGetTotalTodayNow":"(\d+)"/.exec(info)?.[1] ?? -1);
    // At most one held pull per queue (queues x PULL_BATCH messages) was answered by the master before it died.
    assert.ok(served >= N - FIRST - queues * PULL_BATCH, `the ${what.slave} slave served ${served} messages`);
  } finally {
    client.close();
    if (go !== undefined && go.exitCode === null && go.signalCode === null) go.kill('SIGCONT');
    await stopChild(go);
  }
}

/** An Apogee broker (mqbroker) with `lines` in `d`. */
function apogeeBroker(d: string, ns: string, lines: string[]): ChildProcess {
  fs.mkdirSync(d, { recursive: true });
  const conf = path.join(d, 'broker.conf');
  fs.writeFileSync(conf, [...lines, `storePathRootDir=${path.join(d, 'store')}`, 'slaveReadEnable=true', 'brokerIP1=127.0.0.1', 'bindAddress=127.0.0.1', ''].join('\n'));
  return spawnLogged(process.execPath, [path.join(repoRoot(), 'dist', 'lib', 'bin', 'mqbroker.js'), '-c', conf, '-n', ns], path.join(d, 'broker.log'));
}

describe('compat: the official Go consumer reads from the slave of a mixed pair after its master died', function () {
  this.timeout(15 * 60_000);
  let ctx: RunContext;
  before(function () {
    if (!(process.env.PATH ?? '').split(':').some((d) => fs.existsSync(path.join(d, 'go')))) {
      console.log('      skipped: needs the go toolchain (compat-tests/go)');
      this.skip();
    }
    ctx = RunContext.create({ logger: createLogger({ name: 'compat', fd: 2, level: 'warn' }) });
  });

  it('Java 5.5.0 master -> Apogee slave: every message consumed, the last ones from the Apogee slave', async () => {
    const dir = ctx.subdir('ha-read-java-master');
    const ns = await ApogeeProcess.start(ctx, { dir: path.join(dir, 'ns'), name: 'apogee-ns/ha-read', namesrvOnly: true });
    let java: ApacheBroker | undefined;
    let slave: ChildProcess | undefined;
    try {
      java = await ApacheBroker.start(ctx, { version: '5.5.0', dir: path.join(dir, 'java-master'), namesrvAddr: ns.namesrvAddr, name: 'apache-5.5.0/ha-read-master', config: {} });
      const ports = await freeBrokerPorts();
      slave = apogeeBroker(path.join(dir, 'apogee-slave'), ns.namesrvAddr, ['brokerRole=SLAVE', 'brokerId=1', `listenPort=${ports.listenPort}`, `haMasterAddress=127.0.0.1:${java.ports.haListenPort}`]);
      const j = java;
      await goReadsFromSlave(dir, {
        ns: ns.namesrvAddr,
        masterAddr: j.addr,
        slaveAddr: `127.0.0.1:${ports.listenPort}`,
        killMaster: async () => {
          await j.kill();
          java = undefined;
        },
      }, { master: 'Java', slave: 'Apogee' });
    } finally {
      await stopChild(slave);
      await java?.stop();
      await ns.stop();
    }
  });

  it('Apogee master -> Java 5.5.0 slave: every message consumed, the last ones from the Java slave', async function () {
    fullRunOnly(this, 'the Java master -> Apogee slave case above, and ha-mixed.compat (Apogee master -> Java slave, byte-identical logs)');
    const dir = ctx.subdir('ha-read-apogee-master');
    const ns = await ApogeeProcess.start(ctx, { dir: path.join(dir, 'ns'), name: 'apogee-ns/ha-read-2', namesrvOnly: true });
    let java: ApacheBroker | undefined;
    let master: ChildProcess | undefined;
    try {
      const ports = await freeBrokerPorts();
      master = apogeeBroker(path.join(dir, 'apogee-master'), ns.namesrvAddr, ['brokerRole=ASYNC_MASTER', `listenPort=${ports.listenPort}`, `haListenPort=${ports.haListenPort}`]);
      // No haMasterAddress: the Java slave learns the HA address from the NameServer's register answer (as in
      // ha-mixed.compat.ts).
      java = await ApacheBroker.start(ctx, { version: '5.5.0', dir: path.join(dir, 'java-slave'), namesrvAddr: ns.namesrvAddr, name: 'apache-5.5.0/ha-read-slave', config: { brokerRole: 'SLAVE', brokerId: 1, slaveReadEnable: true } });
      const m = master;
      await goReadsFromSlave(dir, {
        ns: ns.namesrvAddr,
        masterAddr: `127.0.0.1:${ports.listenPort}`,
        slaveAddr: java.addr,
        killMaster: async () => {
          const gone = new Promise<void>((r) => m.once('exit', () => r()));
          m.kill('SIGKILL');
          await gone;
        },
      }, { master: 'Apogee', slave: 'Java' });
    } finally {
      await java?.stop();
      await stopChild(master);
      await ns.stop();
    }
  });
});
