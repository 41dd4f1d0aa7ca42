/**
 * Master–slave replication benchmark (issue 13), Apogee (lib/ha) and Apache RocketMQ 5.5.0 ("Java tuned" heap,
 * bench/harness/systems.ts) side by side in one run, rounds alternated (order reversed every round). Each system
 * runs as a master broker and a slave broker, two processes of the same system, registered with one Apogee
 * NameServer started for the whole run (the same for both; no third Java process). Every broker is fresh per phase.
 *
 *   sync     SYNC_MASTER with inSyncReplicas=2 on master and slave (Java 5.5.0 CommitLog#handleHA only waits for
 *            the slave when inSyncReplicas > 1; with the default 1 a SYNC_MASTER answers at once) + one slave:
 *            bench/loadgen.ts send (lib/client, 16 callers, 1 KiB), msg/s and p99 of the acknowledged sends.
 *   catchup  ASYNC_MASTER alone, pre-filled with --mib MiB of 1 KiB bodies (loadgen fill), then a fresh slave is
 *            spawned: time from spawn, and from its HA connection appearing on the master, until the master's
 *            GET_BROKER_HA_STATUS shows slaveAckOffset = masterCommitLogMaxOffset. A slave reporting 0 starts at
 *            the master's last commit log file (Java DefaultHAService rule, 1 GiB files): the bytes moved are shown.
 *   lag      the same master, its slave caught up, under full-speed ASYNC_MASTER sends (loadgen send): the
 *            master–slave offset difference (masterCommitLogMaxOffset - slaveAckOffset, GET_BROKER_HA_STATUS)
 *            sampled every --sampleMs; max and final (last sample of the load), and the time from the end of the
 *            load until the difference is 0.
 *
 * Results are observations, nothing is asserted.
 *
 *   npm run build && node dist/bench/ha/run.js [--rounds 2] [--mib 256 | --gib1 (880 MiB of bodies: about 1 GiB of log)] [--seconds 10] [--out FILE.md]
 *       [--cpuProf DIR]   (Apogee brokers run with node --cpu-prof, profiles written into DIR)
 *       [--systems apogee,java]   (one of them only: for profiling; the report then has no ratios)
 *       [--phases sync,catchup,lag]   (a subset; lag needs catchup; the summary leaves out skipped phases' rows)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApacheBroker, ApogeeProcess, BROKER_JVM_ARGS, ManagedProcess, RunContext, ensureClasspath, freeBrokerPorts, LOOPBACK, repoRoot, type BrokerPorts } from '../../compat-tests/runner';
import { RocketClient } from '../../lib/client';
import { createLogger } from '../../lib/common';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { benchClient, createTopic } from '../harness/ops';
import { fmtInt, fmtNum, median, sleep } from '../harness/stats';
import { runLoadgen } from '../harness/workloads';
import { arg } from '../harness/args';

type Sys = 'apogee' | 'java';
type Role = 'SYNC_MASTER' | 'ASYNC_MASTER' | 'SLAVE';

/** Concurrent lib/client senders of the sync and lag phases. */
const CALLERS = 16;
/** Body size of every send, in bytes. */
const SIZE_BYTES = 1024;
/** Give up waiting for a slave to connect, to catch up or to drain, in ms. */
const WAIT_LIMIT_MS = 300_000;

interface Broker {
  addr: string;
  pid(): number | undefined;
  stop(): Promise<void>;
}

interface Env {
  ctx: RunContext;
  namesrvAddr: string;
  cpuProf: string;
  /** Slaves of a SYNC_MASTER get inSyncReplicas=2 too. */
  syncSlave?: boolean;
}

/** A master (brokerId 0) or slave (brokerId 1) of `brokerName`; resolves once it answers (Java: registered). */
async function startBroker(env: Env, sys: Sys, dir: string, brokerName: string, role: Role, master?: { ports: BrokerPorts }): Promise<Broker & { ports: BrokerPorts }> {
  fs.mkdirSync(dir, { recursive: true });
  const ports = await freeBrokerPorts();
  const common: Record<string, string | number | boolean> = {
    brokerClusterName: 'HaBench', brokerName, brokerId: role === 'SLAVE' ? 1 : 0, brokerRole: role, flushDiskType: 'ASYNC_FLUSH',
    inSyncReplicas: role === 'SYNC_MASTER' || env.syncSlave === true ? 2 : 1,
  };
  if (sys === 'java') {
    await ensureClasspath(env.ctx, 'server', '5.5.0');
    // The 5.5.0 slave learns the master's HA address from the NameServer's register answer (see ha-mixed.compat.ts).
    const b = await ApacheBroker.start(env.ctx, { version: '5.5.0', dir, namesrvAddr: env.namesrvAddr, brokerName, clusterName: 'HaBench', name: `java/${path.basename(dir)}`, ports, heapArgs: BROKER_JVM_ARGS, config: common as never, readyTimeoutMs: 120_000 });
    return { addr: b.addr, ports, pid: () => b.pid, stop: async () => { await b.kill(); fs.rmSync(dir, { recursive: true, force: true }); } };
  }
  const conf = path.join(dir, 'broker.conf');
  const lines = Object.entries({
    ...common, listenPort: ports.listenPort, haListenPort: ports.haListenPort, storePathRootDir: path.join(dir, 'store'), brokerIP1: LOOPBACK, bindAddress: LOOPBACK,
    autoCreateTopicEnable: true, defaultTopicQueueNums: 8, ...(master !== undefined ? { haMasterAddress: `${LOOPBACK}:${master.ports.haListenPort}` } : {}),
  }).map(([k, v]) => `${k}=${v}`);
  fs.writeFileSync(conf, `${lines.join('\n')}\n`);
  const name = `apogee-${path.basename(dir)}`;
  const p = ManagedProcess.start({
    name,
    command: process.execPath,
    args: [...(env.cpuProf !== '' ? ['--cpu-prof', '--cpu-prof-dir', env.cpuProf, '--cpu-prof-name', `${name}-${Date.now()}.cpuprofile`] : []), path.join(repoRoot(), 'dist', 'lib', 'bin', 'mqbroker.js'), '-c', conf, '-n', env.namesrvAddr],
    cwd: dir,
    env: { ...process.env, APOGEE_LOG_LEVEL: 'warn' },
    logFile: path.join(dir, 'broker.log'),
    pidFile: env.ctx.pidFile(name),
    marker: env.ctx.dir,
  });
  const addr = `${LOOPBACK}:${ports.listenPort}`;
  const probe = benchClient(env.namesrvAddr, 1000);
  try {
    const end = Date.now() + 60_000;
    for (;;) {
      const r = await probe.call(addr, RequestCode.GET_BROKER_RUNTIME_INFO, null).catch(() => undefined);
      if (r?.code === ResponseCode.SUCCESS) break;
      if (!p.running || Date.now() > end) {
        await p.kill();
        throw new Error(`${name} did not answer: ${p.tail(20)}`);
      }
      await sleep(50);
    }
  } finally {
    probe.close();
  }
  // SIGTERM (a clean exit writes the --cpu-prof profile), SIGKILL after 30 s.
  return { addr, ports, pid: () => p.pid, stop: async () => { await p.stop(30_000); fs.rmSync(path.join(dir, 'store'), { recursive: true, force: true }); } };
}

interface HaView {
  masterOffset: number;
  /** -1 while no slave is connected. */
  slaveAck: number;
  inSync: number;
}

/** The master's GET_BROKER_HA_STATUS (HARuntimeInfo) for its first slave connection. */
async function haView(client: RocketClient, masterAddr: string): Promise<HaView> {
  const r = await client.call(masterAddr, RequestCode.GET_BROKER_HA_STATUS, null);
  if (r.code !== ResponseCode.SUCCESS || r.body === null) throw new Error(`GET_BROKER_HA_STATUS ${masterAddr}: ${r.code} ${r.remark ?? ''}`);
  const t = r.body.toString('utf8');
  const num = (k: string, def: number): number => {
    const m = new RegExp(`"${k}":(-?\\d+)`).exec(t);
    return m === null ? def : Number(m[1]);
  };
  return { masterOffset: num('masterCommitLogMaxOffset', NaN), slaveAck: num('slaveAckOffset', -1), inSync: num('inSyncSlaveNums', 0) };
}

async function waitFor(what: string, cond: () => Promise<boolean>, everyMs: number): Promise<void> {
  const end = Date.now() + WAIT_LIMIT_MS;
  while (!(await cond().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

interface Result {
  sys: Sys;
  round: number;
  syncMsgs: number;
  syncP99: number;
  syncErrors: number;
  fillMs: number;
  catchupBytes: number;
  spawnToCaughtUpMs: number;
  connectToCaughtUpMs: number;
  lagMsgs: number;
  lagMaxBytes: number;
  lagFinalBytes: number;
  drainMs: number;
  lagSamples: number;
}

interface SendResult {
  msgsPerSec: number;
  errors: number;
  latency: { p99Ms: number };
}

async function sendLoad(env: Env, tag: string, topic: string, seconds: number, serverPids: (number | undefined)[]): Promise<SendResult> {
  const args = ['send', '--namesrv', env.namesrvAddr, '--topic', topic, '--size', String(SIZE_BYTES), '--concurrency', String(CALLERS), '--warmup', '2', '--seconds', String(seconds),
    '--serverPids', serverPids.filter((x) => x !== undefined).join(',')];
  return (await runLoadgen(env.ctx, tag, args, (seconds + 2) * 1000 + 120_000)) as unknown as SendResult;
}

/** SYNC_MASTER + one slave, both inSyncReplicas=2: sends acknowledged per second and their p99. */
async function syncPhase(env: Env, sys: Sys, round: number, base: string, client: RocketClient, seconds: number, started: Broker[]): Promise<SendResult> {
  const syncName = `ha-sync-${sys}-${round}`;
  const sm = await startBroker({ ...env, syncSlave: true }, sys, path.join(base, 'sync-master'), syncName, 'SYNC_MASTER');
  started.push(sm);
  const ss = await startBroker({ ...env, syncSlave: true }, sys, path.join(base, 'sync-slave'), syncName, 'SLAVE', sm);
  started.push(ss);
  await waitFor('the sync slave in sync', async () => (await haView(client, sm.addr)).inSync >= 1, 200);
  const syncTopic = `HaSync_${round}_${sys}`;
  await createTopic(client, sm.addr, syncTopic, 8);
  return sendLoad(env, `${sys}-r${round}-sync`, syncTopic, seconds, [sm.pid(), ss.pid()]);
}

type Phase = 'sync' | 'catchup' | 'lag';

async function oneSystem(env: Env, sys: Sys, round: number, mib: number, seconds: number, sampleMs: number, phases: readonly Phase[]): Promise<Result> {
  const base = env.ctx.suiteDir(`${sys}-round${round}`);
  const client = benchClient(env.namesrvAddr, 10_000);
  const started: Broker[] = [];
  const stopAll = async (): Promise<void> => {
    for (const b of started.splice(0).reverse()) await b.stop().catch(() => undefined);
  };
  try {
    // --- sync: SYNC_MASTER + slave, both inSyncReplicas=2
    const skipped: SendResult = { msgsPerSec: NaN, errors: NaN, latency: { p99Ms: NaN } };
    const sync = phases.includes('sync') ? await syncPhase(env, sys, round, base, client, seconds, started) : skipped;
    await stopAll();
    if (!phases.includes('catchup')) {
      return { sys, round, syncMsgs: sync.msgsPerSec, syncP99: sync.latency.p99Ms, syncErrors: sync.errors, fillMs: NaN, catchupBytes: NaN, spawnToCaughtUpMs: NaN, connectToCaughtUpMs: NaN, lagMsgs: NaN, lagMaxBytes: NaN, lagFinalBytes: NaN, drainMs: NaN, lagSamples: 0 };
    }

    // --- catchup: ASYNC_MASTER pre-filled, then a fresh slave
    const asyncName = `ha-async-${sys}-${round}`;
    const am = await startBroker(env, sys, path.join(base, 'async-master'), asyncName, 'ASYNC_MASTER');
    started.push(am);
    const fillTopic = `HaFill_${round}_${sys}`;
    await createTopic(client, am.addr, fillTopic, 8);
    const fill = (await runLoadgen(env.ctx, `${sys}-r${round}-fill`, ['fill', '--namesrv', env.namesrvAddr, '--topic', fillTopic, '--size', String(SIZE_BYTES), '--mib', String(mib)], 30 * 60_000)) as { ms: number };
    const target = (await haView(client, am.addr)).masterOffset;
    const t0 = Date.now();
    const slaveP = startBroker(env, sys, path.join(base, 'async-slave'), asyncName, 'SLAVE', am);
    let connectedAt = 0;
    let fromOffset = 0;
    let caughtAt = 0;
    try {
      await waitFor('the fresh slave caught up', async () => {
        const v = await haView(client, am.addr);
        if (v.slaveAck >= 0 && connectedAt === 0) {
          connectedAt = Date.now();
          fromOffset = v.slaveAck;
        }
        if (v.slaveAck >= target) caughtAt = Date.now();
        return caughtAt > 0;
      }, 20);
    } finally {
      started.push(await slaveP);
    }

    const catchup = { fillMs: fill.ms, catchupBytes: target - fromOffset, spawnToCaughtUpMs: caughtAt - t0, connectToCaughtUpMs: caughtAt - connectedAt };
    if (!phases.includes('lag')) {
      await stopAll();
      return { sys, round, syncMsgs: sync.msgsPerSec, syncP99: sync.latency.p99Ms, syncErrors: sync.errors, ...catchup, lagMsgs: NaN, lagMaxBytes: NaN, lagFinalBytes: NaN, drainMs: NaN, lagSamples: 0 };
    }

    // --- lag: full-speed ASYNC_MASTER sends with the slave connected
    const lagTopic = `HaLag_${round}_${sys}`;
    await createTopic(client, am.addr, lagTopic, 8);
    let maxLag = 0;
    let lastLag = 0;
    let samples = 0;
    let loading = true;
    const load = sendLoad(env, `${sys}-r${round}-lag`, lagTopic, seconds, [am.pid(), started[started.length - 1]!.pid()]).finally(() => { loading = false; });
    const sampler = (async (): Promise<void> => {
      while (loading) {
        const v = await haView(client, am.addr).catch(() => undefined);
        if (v !== undefined && v.slaveAck >= 0 && loading) {
          const d = v.masterOffset - v.slaveAck;
          maxLag = Math.max(maxLag, d);
          lastLag = d;
          samples++;
        }
        await sleep(sampleMs);
      }
    })();
    const lag = await load;
    await sampler;
    const tEnd = Date.now();
    await waitFor('the slave drained', async () => {
      const v = await haView(client, am.addr);
      return v.slaveAck >= v.masterOffset;
    }, 10);
    const drainMs = Date.now() - tEnd;
    await stopAll();
    return {
      sys, round,
      syncMsgs: sync.msgsPerSec, syncP99: sync.latency.p99Ms, syncErrors: sync.errors,
      ...catchup,
      lagMsgs: lag.msgsPerSec, lagMaxBytes: maxLag, lagFinalBytes: lastLag, drainMs, lagSamples: samples,
    };
  } finally {
    client.close();
    await stopAll();
  }
}

const MIB = 2 ** 20;
/**
 * --gib1: MiB of 1 KiB bodies whose commit log (about 1.155 bytes of log per body byte: record header, topic,
 * properties) stays just under one 1 GiB commit log file, about 1,016 MiB. A fresh slave reports offset 0 and the
 * master starts it at its last file (Java DefaultHAService), so a log past 1 GiB would move only its last file.
 */
const GIB1_BODIES_MIB = 880;

function report(rs: Result[], o: { command: string; started: string; load: string; mib: number; seconds: number; sampleMs: number; phases: readonly Phase[] }): string {
  const on = (ph: Phase, line: string): string[] => (o.phases.includes(ph) ? [line] : []);
  const of = (s: Sys, f: (r: Result) => number): number => median(rs.filter((r) => r.sys === s).map(f));
  const row = (label: string, f: (r: Result) => number, fmt: (x: number) => string, higherBetter: boolean): string => {
    const a = of('apogee', f);
    const j = of('java', f);
    const q = higherBetter ? a / j : j / a;
    return `| ${label} | ${fmt(a)} | ${fmt(j)} | ${fmtNum(q)}× ${higherBetter ? '' : '(Java ÷ Apogee)'} |`;
  };
  const mibs = (x: number): string => fmtNum(x / MIB);
  const L = [
    `# Master–slave replication (issue 13) — Apogee vs Apache RocketMQ 5.5.0, side by side`,
    '',
    `Command: \`${o.command}\``,
    '',
    `${o.started} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'} · node ${process.version} · load average at start ${o.load} (a shared development VM: other sessions were running).`,
    `Each system as master + slave (two processes of that system; Java: Apache 5.5.0 broker jars, ${BROKER_JVM_ARGS.join(' ')} each), one Apogee NameServer for both, ASYNC_FLUSH, every broker fresh per phase, rounds alternated (order reversed every round).`,
    `Sends: bench/loadgen.ts (lib/client), ${CALLERS} callers, ${SIZE_BYTES} B bodies, 2 s warm-up + ${o.seconds} s measured. Pre-fill: ${o.mib} MiB of bodies (loadgen fill). Offsets: the master's GET_BROKER_HA_STATUS (masterCommitLogMaxOffset − slaveAckOffset), lag sampled every ${o.sampleMs} ms.`,
    'SYNC_MASTER runs with inSyncReplicas=2 on master and slave: Java 5.5.0 CommitLog#handleHA only waits for the slave when inSyncReplicas > 1 (with the default 1 a SYNC_MASTER answers without waiting), and Apogee follows it.',
    '',
    '| median of rounds | Apogee | Java | Apogee vs Java |',
    '|---|---|---|---|',
    ...on('sync', row('(a) SYNC_MASTER + 1 slave, acknowledged sends, msg/s', (r) => r.syncMsgs, fmtInt, true)),
    ...on('sync', row('(a) SYNC_MASTER + 1 slave, send p99, ms', (r) => r.syncP99, (x) => fmtNum(x), false)),
    ...on('lag', row('(b) ASYNC_MASTER full-speed sends during the lag phase, msg/s', (r) => r.lagMsgs, fmtInt, true)),
    ...on('lag', row('(b) slave lag, max of the samples, MiB', (r) => r.lagMaxBytes, mibs, false)),
    ...on('lag', row('(b) slave lag, last sample of the load, MiB', (r) => r.lagFinalBytes, mibs, false)),
    ...on('lag', row('(b) end of load → slave level with the master, ms', (r) => r.drainMs, fmtInt, false)),
    ...on('catchup', row(`(c) fresh slave catch-up of ${o.mib} MiB of bodies (${mibs(median(rs.map((r) => r.catchupBytes)))} MiB of log): HA connection → caught up, ms`, (r) => r.connectToCaughtUpMs, fmtInt, false)),
    ...on('catchup', row('(c) … slave process spawn → caught up, ms', (r) => r.spawnToCaughtUpMs, fmtInt, false)),
    ...on('catchup', row('(c) … replicated, MiB/s (connection → caught up)', (r) => (r.catchupBytes / MIB) / (r.connectToCaughtUpMs / 1000), fmtInt, true)),
    '',
    'For throughput above 1 is Apogee ahead; for times, lag and latency the ratio is Java ÷ Apogee, so above 1 is Apogee ahead too.',
    '',
    '| round | system | sync msg/s | sync p99 ms | sync errors | fill ms | catch-up MiB | spawn→caught up ms | connect→caught up ms | lag-phase msg/s | lag max MiB | lag last MiB | drain ms | lag samples |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rs.map((r) => `| ${r.round} | ${r.sys} | ${fmtInt(r.syncMsgs)} | ${fmtNum(r.syncP99)} | ${fmtInt(r.syncErrors)} | ${fmtInt(r.fillMs)} | ${mibs(r.catchupBytes)} | ${fmtInt(r.spawnToCaughtUpMs)} | ${fmtInt(r.connectToCaughtUpMs)} | ${fmtInt(r.lagMsgs)} | ${mibs(r.lagMaxBytes)} | ${mibs(r.lagFinalBytes)} | ${fmtInt(r.drainMs)} | ${r.lagSamples} |`),
    '',
  ];
  return L.join('\n');
}

async function main(): Promise<void> {
  const rounds = Number(arg('rounds', '2'));
  const mib = process.argv.includes('--gib1') ? GIB1_BODIES_MIB : Number(arg('mib', '256'));
  const seconds = Number(arg('seconds', '10'));
  const sampleMs = Number(arg('sampleMs', '50'));
  const out = arg('out', '');
  const cpuProf = arg('cpuProf', '');
  const systems = arg('systems', 'apogee,java').split(',');
  const phases = arg('phases', 'sync,catchup,lag').split(',') as Phase[];
  for (const p of phases) if (!['sync', 'catchup', 'lag'].includes(p)) throw new Error(`--phases: unknown phase ${p} (sync, catchup, lag)`);
  if (phases.includes('lag') && !phases.includes('catchup')) throw new Error('--phases: lag runs on the caught-up slave of catchup, give both');
  if (!fs.existsSync(path.join(repoRoot(), 'dist', 'lib', 'bin', 'mqbroker.js'))) throw new Error('build first: npm run build');
  if (cpuProf !== '') fs.mkdirSync(cpuProf, { recursive: true });
  const ctx = RunContext.create({ keepRuns: 3, logger: createLogger({ name: 'bench-ha', fd: 2, level: 'warn' }) });
  const started = new Date().toISOString();
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  const ns = await ApogeeProcess.start(ctx, { dir: ctx.suiteDir('namesrv'), name: 'apogee-namesrv', namesrvOnly: true, env: { APOGEE_LOG_LEVEL: 'warn' } });
  const results: Result[] = [];
  try {
    const env: Env = { ctx, namesrvAddr: ns.namesrvAddr, cpuProf };
    console.log(`HA bench: ${rounds} round(s), pre-fill ${mib} MiB, ${seconds} s loads, run directory ${ctx.dir}`);
    for (let r = 1; r <= rounds; r++) {
      const order: Sys[] = r % 2 === 1 ? ['apogee', 'java'] : ['java', 'apogee'];
      for (const s of order.filter((x) => systems.includes(x))) {
        const x = await oneSystem(env, s, r, mib, seconds, sampleMs, phases);
        results.push(x);
        console.log(JSON.stringify(x));
      }
    }
  } finally {
    await ns.stop().catch(() => undefined);
  }
  const md = report(results, { command: `npm run build && node dist/bench/ha/run.js ${process.argv.slice(2).join(' ')}`.trim(), started, load, mib, seconds, sampleMs, phases });
  if (out !== '') fs.writeFileSync(out, md);
  console.log(md);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
