/**
 * Test fixture of the lib/ha real-process tests (slow: run by the compat mocha config): an Apogee NameServer
 * (`apogee start --noBroker`), an Apogee ASYNC_MASTER and an Apogee SLAVE (`mqbroker`, slaveReadEnable on both as
 * Java needs for pulls from a slave, PullMessageProcessor#rejectRequest) in one directory, their logs beside them,
 * and the official Go client's haslave test binary (compat-tests/go/haslave_test.go) run as processes of it. Every
 * process goes into the caller's `procs` map, which its afterEach stops (lib/common/testing stopChild).
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RequestCode } from '../../../protocol/codes';
import { AUTO_CREATE_TOPIC, MASTER_ID } from '../../../protocol/naming';
import { RocketClient } from '../../client';
import { silentLogger } from '../../common';
import { freeBrokerPort, freePort } from '../../remoting/testing/ports';

const BIN = path.join(__dirname, '..', '..', 'bin');
const GO_DIR = path.join(__dirname, '..', '..', '..', '..', 'compat-tests', 'go');

/** `cmd args` with stdout and stderr appended to `dir/log`. */
export function run(dir: string, cmd: string, args: string[], log: string, cwd?: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  const fd = fs.openSync(path.join(dir, log), 'a');
  return spawn(cmd, args, { stdio: ['ignore', fd, fd], cwd, env: { ...process.env, APOGEE_LOG_LEVEL: 'info', ...env } });
}

/** Polls `cond` every 200 ms (a throw counts as not yet); fails naming `what` after `ms`. */
export async function until(cond: () => Promise<boolean> | boolean, what: string, ms = 60_000): Promise<void> {
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

/** The go toolchain and compat-tests/go are there (compat-tests/setup.sh). */
export function goAvailable(): boolean {
  return fs.existsSync(path.join(GO_DIR, 'go.mod')) && (process.env.PATH ?? '').split(':').some((d) => fs.existsSync(path.join(d, 'go')));
}

export interface Pair {
  ns: string;
  c: RocketClient;
  masterAddr: string;
  slaveAddr: string;
  procs: Record<string, ChildProcess | undefined>;
  masterStore: string;
  /** Waits until the NameServer routes the auto-create topic to the master, and the client holds that route. */
  masterRouted(): Promise<void>;
  /** Starts the master again from its config and store (same ports), logging into `log`. */
  restartMaster(log: string): void;
  /** Starts the slave again from its config and store (same ports), logging into `log`. */
  restartSlave(log: string): void;
  /** The broker's commitLogMaxOffset (runtime info); -1 when it does not answer with one. */
  maxOffset(addr: string): Promise<number>;
  /** Sends "ha-slave #from".."#to-1" to `topic`, each acknowledged. */
  sendRange(topic: string, from: number, to: number): Promise<void>;
  /** The slave's commit log equals the master's byte for byte. */
  same(): boolean;
  /** Waits until the slave serves `topic` (routed, and its config copied by SlaveSynchronize). */
  slaveServes(topic: string): Promise<void>;
  /** The broker ids the NameServer routes `topic` to (0 the master, 1 the slave). */
  routedIds(topic: string): Promise<number[]>;
  /** messages the broker's pulls transferred (runtime info msgGetTotalTodayNow). */
  served(addr: string): Promise<number>;
  /** Builds the haslave Go test binary once and runs `test` with `args` as `procs[key]`. */
  go(test: string, args: string[], key?: string): Promise<{ p: ChildProcess; exited: Promise<number | null>; log: string }>;
}

export interface PairOptions {
  /** The slave's storePathRootDir (default `dir`/slave). */
  slaveStore?: string;
  /** More lines for the slave's config only, given the master's port. */
  slaveExtra?: (masterPort: number) => string[];
}

/**
 * An Apogee NameServer, ASYNC_MASTER and SLAVE (slaveReadEnable on both, plus `extra` lines) in `dir`; the master's
 * store is `dir`/master.
 */
export async function startPair(dir: string, procs: Record<string, ChildProcess | undefined>, extra: string[], o: PairOptions = {}): Promise<Pair> {
  const nsPort = await freePort();
  const masterPort = await freeBrokerPort();
  const slavePort = await freeBrokerPort();
  const ns = `127.0.0.1:${nsPort}`;
  const conf = (name: string, lines: string[]): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, [...lines, ...extra, 'brokerIP1=127.0.0.1', 'slaveReadEnable=true', `namesrvAddr=${ns}`, ''].join('\n'));
    return f;
  };
  const masterStore = path.join(dir, 'master');
  const masterConf = conf('master.conf', ['brokerRole=ASYNC_MASTER', `listenPort=${masterPort}`, `storePathRootDir=${masterStore}`]);
  const slaveStore = o.slaveStore ?? path.join(dir, 'slave');
  const slaveConf = conf('slave.conf', ['brokerRole=SLAVE', 'brokerId=1', `listenPort=${slavePort}`, `storePathRootDir=${slaveStore}`, ...(o.slaveExtra?.(masterPort) ?? [])]);
  procs.ns = run(dir, process.execPath, [path.join(BIN, 'apogee.js'), 'start', '--noBroker', '--namesrvPort', String(nsPort), '--dataDir', path.join(dir, 'ns')], 'ns.log');
  const c = new RocketClient({ namesrvAddr: ns, logger: silentLogger(), timeoutMs: 10_000 });
  // The brokers register at start and then 10 s later (Java's first periodic round): start them once the NameServer
  // answers, so their first registration is not refused.
  await until(async () => (await c.call(ns, RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER)).code === 0, 'the NameServer answers', 30_000);
  procs.master = run(dir, process.execPath, [path.join(BIN, 'mqbroker.js'), '-c', masterConf], 'master.log');
  procs.slave = run(dir, process.execPath, [path.join(BIN, 'mqbroker.js'), '-c', slaveConf], 'slave.log');
  const slaveAddr = `127.0.0.1:${slavePort}`;
  const masterLog = path.join(masterStore, 'commitlog');
  const slaveLog = path.join(slaveStore, 'commitlog');
  const routedIds = async (topic: string): Promise<number[]> => [...((await c.routeOf(topic, 0))?.brokerDatas[0]?.brokerAddrs.keys() ?? [])];
  // Each try reads a fresh route: one read while only the slave had registered (no writable queue) would otherwise
  // stay cached for 30 s, as in the Java client.
  const masterRouted = (): Promise<void> => until(async () => (await routedIds(AUTO_CREATE_TOPIC)).includes(MASTER_ID), `the NameServer routes ${AUTO_CREATE_TOPIC} to the master`);
  return {
    ns,
    c,
    masterAddr: `127.0.0.1:${masterPort}`,
    slaveAddr,
    procs,
    masterStore,
    masterRouted,
    restartMaster(log) {
      procs.master = run(dir, process.execPath, [path.join(BIN, 'mqbroker.js'), '-c', masterConf], log);
    },
    restartSlave(log) {
      procs.slave = run(dir, process.execPath, [path.join(BIN, 'mqbroker.js'), '-c', slaveConf], log);
    },
    maxOffset: async (addr) => Number(/"commitLogMaxOffset":"(\d+)"/.exec((await c.call(addr, RequestCode.GET_BROKER_RUNTIME_INFO)).body?.toString() ?? '')?.[1] ?? -1),
    async sendRange(topic, from, to) {
      if (from === 0) {
        await masterRouted();
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
      await until(async () => (await routedIds(topic)).includes(1), 'the NameServer routes the topic to the slave', 120_000);
      // A slave answers pulls of a topic only once SlaveSynchronize copied its config (10 s after start, then every
      // 60 s, as Java): until then TOPIC_NOT_EXIST, as a Java slave.
      await until(async () => ((await c.call(slaveAddr, RequestCode.GET_ALL_TOPIC_CONFIG)).body?.toString() ?? '').includes(`"${topic}"`), 'the slave copied the topic config', 120_000);
    },
    routedIds,
    async served(addr) {
      const info = (await c.call(addr, RequestCode.GET_BROKER_RUNTIME_INFO)).body?.toString() ?? '';
      return Number(/"msgGetTotalTodayNow":"(\d+)"/.exec(info)?.[1] ?? -1);
    },
    async go(test, args, key = 'go') {
      // A compiled test binary, so that SIGSTOP reaches the process that consumes.
      const bin = path.join(dir, 'haslave.test');
      if (!fs.existsSync(bin)) {
        const build = run(dir, 'go', ['test', '-c', '-tags', 'haslave', '-o', bin, '.'], 'go-build.log', GO_DIR, { GOFLAGS: '-mod=mod' });
        assert.equal(await new Promise((r) => build.once('exit', r)), 0, fs.readFileSync(path.join(dir, 'go-build.log'), 'utf8'));
      }
      const log = `go-${test}.log`;
      const p = run(dir, bin, ['-test.run', `^${test}$`, '-test.v', '-test.timeout', '600s', '-namesrv', ns, '-workdir', path.join(dir, `go-${key}`), ...args], log, GO_DIR);
      procs[key] = p;
      return { p, exited: new Promise<number | null>((r) => p.once('exit', (code) => r(code))), log: path.join(dir, log) };
    },
  };
}
