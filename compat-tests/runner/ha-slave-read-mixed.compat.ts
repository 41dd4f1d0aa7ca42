/**
 * Issue 13, consumers on a mixed pair (real processes, one JVM): a Java 5.5.0 master (Apache dist) with an Apogee
 * SLAVE (mqbroker, slaveReadEnable, haMasterAddress = the Java HA port) behind an Apogee NameServer. The official
 * Go push consumer (compat-tests/go/haslave_test.go, build tag haslave) reads the first FIRST messages from the
 * Java master, is stopped (SIGSTOP) while the rest are sent and replicated to the Apogee slave and the Java master
 * is SIGKILLed, then resumed: it consumes every remaining message from the Apogee slave, whose pull statistics
 * show it served them. Same protocol as lib/ha/slave-read.compat.test.ts (Apogee master + Apogee slave).
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { RocketClient } from '../../lib/client';
import { createLogger, silentLogger } from '../../lib/common';
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

/** SIGTERM, SIGKILL after 10 s; resolves once exited (as ha-mixed.compat.ts's). */
async function stopChild(p: ChildProcess | undefined): Promise<void> {
  if (p === undefined || p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise<void>((r) => p.once('exit', () => r()));
  p.kill('SIGTERM');
  const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(t);
}

function spawnLogged(cmd: string, args: string[], log: string, cwd?: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  const fd = fs.openSync(log, 'a');
  return spawn(cmd, args, { stdio: ['ignore', fd, fd], cwd, env: { ...process.env, APOGEE_LOG_LEVEL: 'info', ...env } });
}

describe('compat: the official Go consumer reads from an Apogee slave after its Java 5.5.0 master died', function () {
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
    let go: ChildProcess | undefined;
    const client = new RocketClient({ namesrvAddr: ns.namesrvAddr, logger: silentLogger(), timeoutMs: 10_000 });
    try {
      java = await ApacheBroker.start(ctx, { version: '5.5.0', dir: path.join(dir, 'java-master'), namesrvAddr: ns.namesrvAddr, name: 'apache-5.5.0/ha-read-master', config: {} });
      const ports = await freeBrokerPorts();
      const slaveDir = path.join(dir, 'apogee-slave');
      fs.mkdirSync(slaveDir, { recursive: true });
      const conf = path.join(slaveDir, 'broker.conf');
      fs.writeFileSync(conf, ['brokerRole=SLAVE', 'brokerId=1', `listenPort=${ports.listenPort}`, `storePathRootDir=${path.join(slaveDir, 'store')}`, 'slaveReadEnable=true',
        `haMasterAddress=127.0.0.1:${java.ports.haListenPort}`, 'brokerIP1=127.0.0.1', 'bindAddress=127.0.0.1', ''].join('\n'));
      slave = spawnLogged(process.execPath, [path.join(repoRoot(), 'dist', 'lib', 'bin', 'mqbroker.js'), '-c', conf, '-n', ns.namesrvAddr], path.join(slaveDir, 'slave.log'));
      const slaveAddr = `127.0.0.1:${ports.listenPort}`;
      const masterAddr = java.addr;
      const maxOffset = async (addr: string): Promise<number> => Number(/"commitLogMaxOffset":"(\d+)"/.exec((await client.call(addr, RequestCode.GET_BROKER_RUNTIME_INFO)).body?.toString() ?? '')?.[1] ?? -1);
      // Java's rule: a slave reporting 0 gets the master's last file only; connect before the sends to get them all.
      await until(async () => {
        const r = await client.call(masterAddr, RequestCode.GET_BROKER_HA_STATUS);
        return r.code === ResponseCode.SUCCESS && (JSON.parse(r.body!.toString()) as { haConnectionInfo: unknown[] }).haConnectionInfo.length === 1;
      }, 'the Apogee slave connected to the Java master');
      const topic = `HaReadJ${Date.now() % 100000}`;
      const send = async (i: number): Promise<boolean> => (await client.send(topic, Buffer.from(`ha-slave #${i}`)).catch(() => ({ code: -1 }))).code === ResponseCode.SUCCESS;
      await until(() => send(0), 'the first send (the topic is auto-created on the Java master)');
      for (let i = 1; i < FIRST; i++) assert.ok(await send(i), `send #${i}`);
      await until(async () => ((await client.call(slaveAddr, RequestCode.GET_ALL_TOPIC_CONFIG)).body?.toString() ?? '').includes(`"${topic}"`), 'the Apogee slave copied the topic config from the Java master');
      const bin = path.join(dir, 'haslave.test');
      const build = spawnLogged('go', ['test', '-c', '-tags', 'haslave', '-o', bin, '.'], path.join(dir, 'go-build.log'), goSuitesDir(), { GOFLAGS: '-mod=mod' });
      assert.equal(await new Promise((r) => build.once('exit', r)), 0, fs.readFileSync(path.join(dir, 'go-build.log'), 'utf8'));
      const ready = path.join(dir, 'go-ready');
      const goLog = path.join(dir, 'go.log');
      go = spawnLogged(bin, ['-test.run', 'TestHaSlaveConsume', '-test.v', '-test.timeout', '300s', '-namesrv', ns.namesrvAddr, '-workdir', path.join(dir, 'go'), '-haslave-topic', topic, '-haslave-first', String(FIRST), '-haslave-count', String(N), '-haslave-ready', ready], goLog, goSuitesDir());
      const g = go;
      const exited = new Promise<number | null>((r) => g.once('exit', (code) => r(code)));
      await until(() => fs.existsSync(ready), 'the Go consumer read the first messages from the Java master');
      g.kill('SIGSTOP');
      for (let i = FIRST; i < N; i++) assert.ok(await send(i), `send #${i}`);
      const end = await maxOffset(masterAddr);
      await until(async () => (await maxOffset(slaveAddr)) === end, 'the Apogee slave holds everything the Java master has');
      const queues = (await client.routeOf(topic, 0))?.queueDatas[0]?.readQueueNums ?? 0;
      assert.ok(queues > 0);
      await java.kill();
      java = undefined;
      await until(async () => ![...((await client.routeOf(topic, 0))?.brokerDatas[0]?.brokerAddrs.keys() ?? [0])].includes(0), 'the Java master gone from the route');
      g.kill('SIGCONT');
      const code = await exited;
      const out = fs.readFileSync(goLog, 'utf8');
      assert.equal(code, 0, `the Go consumer failed (logs in ${dir}):\n${out.slice(-3000)}`);
      assert.match(out, /--- PASS: TestHaSlaveConsume/);
      const info = (await client.call(slaveAddr, RequestCode.GET_BROKER_RUNTIME_INFO)).body?.toString() ?? '';
      const served = Number(/"msgGetTotalTodayNow":"(\d+)"/.exec(info)?.[1] ?? -1);
      // At most one held pull per queue (queues x PULL_BATCH messages) was answered by the master before it died.
      assert.ok(served >= N - FIRST - queues * PULL_BATCH, `the Apogee slave served ${served} messages`);
    } finally {
      client.close();
      if (go !== undefined && go.exitCode === null && go.signalCode === null) go.kill('SIGCONT');
      await stopChild(go);
      await stopChild(slave);
      await java?.stop();
      await ns.stop();
    }
  });
});
