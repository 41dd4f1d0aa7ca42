/**
 * The side-by-side send legs shared by bench/acl and bench/tls: start Apogee (`apogee start`, one process) or the
 * Apache RocketMQ 5.5.0 broker (BrokerStartup, `-Xms1g -Xmx1g -XX:MaxDirectMemorySize=1g`, G1, registered with an
 * Apogee mqnamesrv so the NameServer is not what is measured), wait until TBW102 is routed, create the leg's topic,
 * drive bench/loadgen.ts `send` (CALLERS callers each awaiting its send, BODY_BYTES bodies, ROCKETMQ serialization,
 * one connection; WARMUP_S s unmeasured, then the window), stop the processes, and write the report of medians and
 * every leg. Each bench keeps its own leg order (ACL: a fresh broker per leg; TLS: one broker, two legs) and settings.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { freeBrokerPorts, freePort } from '../../compat-tests/runner';
import { benchClient, createTopicFields } from './ops';
import { LOADGEN_NODE_ARGS } from './proc';
import { fmtInt, fmtNum, median, sleep } from './stats';

export const ROOT = path.join(__dirname, '..', '..', '..');
export const DIST = path.join(ROOT, 'dist');
export const CALLERS = 16;
export const BODY_BYTES = 1024;
export const QUEUES = 8;
/** Unmeasured load before each window, s: long enough for the JVM's JIT (a 2 s warm-up left Java's first leg cold). */
export const WARMUP_S = 6;
/** How long a system may take to route TBW102 after its spawn, ms. */
export const READY_MS = 120_000;
/** How long a stopped process gets after SIGTERM before SIGKILL, ms. */
export const STOP_GRACE_MS = 10_000;

export type SystemName = 'Apogee' | 'Java';
export interface Running {
  namesrv: string;
  broker: string;
  procs: ChildProcess[];
}
export interface LegResult {
  msgsPerSec: number;
  p50Us: number;
  p99Us: number;
  errors: number;
}
/** One measured leg; `on` is the bench's feature (ACL on, TLS) against its baseline. */
export interface Leg extends LegResult {
  system: SystemName;
  round: number;
  on: boolean;
}

/** Prints the usage text and exits when --help is given (the benches take only --name value flags). */
export function helpOr(usage: string): void {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(usage);
    process.exit(0);
  }
}

export function javaServerClasspath(): string {
  return fs.readFileSync(path.join(ROOT, 'compat-tests', 'java', 'apache-dist', 'target', 'classpath', 'server-5.5.0.txt'), 'utf8').trim();
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProc(p: ChildProcess, graceMs = STOP_GRACE_MS): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise<void>((r) => p.once('exit', () => r()));
  p.kill('SIGTERM');
  const t = setTimeout(() => p.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(t);
}

export async function stopAll(sys: Running): Promise<void> {
  for (const p of sys.procs) await stopProc(p);
}

async function waitRouted(namesrv: string, procs: ChildProcess[]): Promise<void> {
  const c = benchClient(namesrv, 3000);
  const until = Date.now() + READY_MS;
  try {
    while ((await c.routeOf('TBW102', 0).catch(() => undefined)) === undefined) {
      if (Date.now() > until || procs.some((p) => p.exitCode !== null)) throw new Error(`not ready within ${READY_MS} ms`);
      await sleep(300);
    }
  } finally {
    c.close();
  }
}

export interface StartOptions {
  /** broker.conf lines. */
  conf: string[];
  /** Extra environment (e.g. JAVA_OPT with TLS system properties, which Apogee reads as Java does). */
  env?: Record<string, string>;
  /** Extra JVM arguments for the Java broker. */
  jvm?: string[];
}

/**
 * The environment and node flags a bin's `#!/usr/bin/env -S K=V node --flag ...` line gives it, so that the bench
 * runs `node <bin>` as `./<bin>` (and npm start) run it: glibc's mmap threshold, --expose-gc, the semi-space bound, the old-generation growing factor.
 */
export function shebangRun(bin: string): { env: Record<string, string>; nodeArgs: string[] } {
  const first = fs.readFileSync(bin, 'utf8').split('\n', 1)[0] ?? '';
  const m = /^#!\/usr\/bin\/env -S (.*)$/.exec(first);
  const env: Record<string, string> = {};
  const nodeArgs: string[] = [];
  if (m === null) return { env, nodeArgs };
  let seenNode = false;
  for (const w of m[1]!.trim().split(/\s+/)) {
    if (seenNode) nodeArgs.push(w);
    else if (w === 'node') seenNode = true;
    else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) env[w.slice(0, w.indexOf('='))] = w.slice(w.indexOf('=') + 1);
  }
  return { env, nodeArgs };
}

export async function startApogee(dir: string, o: StartOptions): Promise<Running> {
  const ns = await freePort();
  const bp = (await freeBrokerPorts()).listenPort;
  fs.writeFileSync(path.join(dir, 'broker.conf'), o.conf.length === 0 ? '' : o.conf.join('\n') + '\n');
  const log = fs.openSync(path.join(dir, 'apogee.log'), 'a');
  const bin = path.join(DIST, 'lib', 'bin', 'apogee.js');
  const run = shebangRun(bin);
  const p = spawn(process.execPath, [...run.nodeArgs, bin, 'start', '--dataDir', path.join(dir, 'data'), '--namesrvPort', String(ns), '--brokerPort', String(bp), '--brokerConfig', path.join(dir, 'broker.conf')], {
    stdio: ['ignore', log, log],
    env: { ...process.env, ...run.env, APOGEE_LOG_LEVEL: 'warn', ...o.env },
  });
  const r = { namesrv: `127.0.0.1:${ns}`, broker: `127.0.0.1:${bp}`, procs: [p] };
  await waitRouted(r.namesrv, r.procs).catch(async (e: unknown) => {
    await stopAll(r);
    throw e;
  });
  return r;
}

export async function startJava(dir: string, cp: string, brokerName: string, o: StartOptions): Promise<Running> {
  const ns = await freePort();
  const bp = (await freeBrokerPorts()).listenPort;
  const nsLog = fs.openSync(path.join(dir, 'mqnamesrv.log'), 'a');
  fs.mkdirSync(path.join(dir, 'home'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'rmqhome', 'conf'), { recursive: true }); // ROCKETMQ_HOME: the broker refuses to start without it
  const n = spawn(process.execPath, [path.join(DIST, 'lib', 'bin', 'mqnamesrv.js'), '--listenPort', String(ns)], {
    stdio: ['ignore', nsLog, nsLog],
    env: { ...process.env, HOME: path.join(dir, 'home'), APOGEE_LOG_LEVEL: 'warn', ...o.env },
  });
  const file = path.join(dir, 'broker.conf');
  fs.writeFileSync(file, [
    'brokerClusterName=DefaultCluster', `brokerName=${brokerName}`, 'brokerId=0', `namesrvAddr=127.0.0.1:${ns}`, 'brokerIP1=127.0.0.1',
    `listenPort=${bp}`, `haListenPort=${bp + 1}`, `storePathRootDir=${path.join(dir, 'store')}`, 'flushDiskType=ASYNC_FLUSH', ...o.conf, '',
  ].join('\n'));
  const bLog = fs.openSync(path.join(dir, 'broker.out'), 'a');
  const jvm = ['-server', '-Xms1g', '-Xmx1g', '-XX:MaxDirectMemorySize=1g', '-XX:+UseG1GC', `-Duser.home=${path.join(dir, 'home')}`, `-Drocketmq.home.dir=${path.join(dir, 'rmqhome')}`, ...(o.jvm ?? [])];
  const b = spawn('java', [...jvm, '-cp', cp, 'org.apache.rocketmq.broker.BrokerStartup', '-c', file], { cwd: dir, stdio: ['ignore', bLog, bLog] });
  const r = { namesrv: `127.0.0.1:${ns}`, broker: `127.0.0.1:${bp}`, procs: [b, n] };
  await waitRouted(r.namesrv, r.procs).catch(async (e: unknown) => {
    await stopAll(r);
    throw e;
  });
  return r;
}

/** One admin call that must succeed (`what` names it in the error). */
export async function mustCall(c: ReturnType<typeof benchClient>, addr: string, code: number, fields: Map<string, string>, body: object | null, what: string): Promise<void> {
  const r = await c.call(addr, code, fields, body === null ? null : Buffer.from(JSON.stringify(body), 'utf8'));
  if (r.code !== ResponseCode.SUCCESS) throw new Error(`${what}: ${r.code} ${r.remark ?? ''}`);
}

/** Creates the leg's QUEUES-queue topic with `c` and waits until the NameServer routes it. */
export async function createRoutedTopic(c: ReturnType<typeof benchClient>, sys: Running, topic: string): Promise<void> {
  await mustCall(c, sys.broker, RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicFields(topic, QUEUES), null, `create ${topic}`);
  const until = Date.now() + 30_000;
  while ((await c.routeOf(topic, 0).catch(() => undefined)) === undefined) {
    if (Date.now() > until) throw new Error(`${topic} not routed`);
    await sleep(200);
  }
}

/** bench/loadgen.ts send against `sys`, with the bench's extra flags (credentials, --tls). */
export function loadgenSend(sys: Running, topic: string, seconds: number, extra: string[]): LegResult {
  const args = [path.join(DIST, 'bench', 'loadgen.js'), 'send', '--namesrv', sys.namesrv, '--topic', topic, '--size', String(BODY_BYTES), '--concurrency', String(CALLERS), '--warmup', String(WARMUP_S), '--seconds', String(seconds), ...extra];
  const r = spawnSync(process.execPath, [...LOADGEN_NODE_ARGS, ...args], { encoding: 'utf8', timeout: (seconds + 60) * 1000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (line === undefined) throw new Error(`loadgen failed: ${r.stderr}`);
  const j = JSON.parse(line.slice(7)) as { msgsPerSec: number; errors: number; errorCodes?: Record<string, number>; latency: { p50Ms: number; p99Ms: number } };
  if (j.errors > 0) console.log(`    errors: ${JSON.stringify(j.errorCodes ?? {})}`);
  return { msgsPerSec: j.msgsPerSec, p50Us: j.latency.p50Ms * 1000, p99Us: j.latency.p99Ms * 1000, errors: j.errors };
}

export interface ReportText {
  title: string;
  command: string;
  /** The measured window per leg, s. */
  seconds: number;
  load: string;
  /** The leg's name: e.g. "ACL on" / "ACL off", "TLS" / "plaintext". */
  legName: (on: boolean) => string;
  ratioHeader: string;
  /** "Apogee / Java with ACL on" ... */
  summaryOn: string;
  summaryOff: string;
  /** Extra lines under the machine line (e.g. who else used the machine). */
  notes?: string[];
}

/** The load average when the bench process started, before any leg: the reading of whether other work shared the machine. */
const LOAD_AT_START = os.loadavg();

export function legsReport(legs: readonly Leg[], t: ReportText): string {
  const med = (s: SystemName, on: boolean, k: 'msgsPerSec' | 'p99Us' | 'p50Us'): number => median(legs.filter((l) => l.system === s && l.on === on).map((l) => l[k]));
  const lines = [
    `# ${t.title} (${new Date().toISOString().slice(0, 16)}Z)`,
    '',
    `Command: \`${t.command}\``,
    `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average at the start ${LOAD_AT_START.map((x) => x.toFixed(1)).join(' ')}, at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (the end counts the bench's own processes; a start above ~1 means other work shared the machine: treat small differences as noise).`,
    ...(t.notes ?? []),
    `Load: lib/client, ${CALLERS} callers, ${BODY_BYTES} B bodies, one connection, ${QUEUES}-queue topic, ASYNC_FLUSH, ${WARMUP_S} s warm-up + ${t.seconds} s measured. ${t.load}`,
    '',
    `| System | Leg | msg/s (median) | p50 µs | p99 µs | ${t.ratioHeader} |`,
    '|---|---|---|---|---|---|',
  ];
  for (const s of ['Apogee', 'Java'] as SystemName[]) {
    for (const on of [false, true]) {
      const ratio = on ? fmtNum(med(s, true, 'msgsPerSec') / med(s, false, 'msgsPerSec'), 2) : '';
      lines.push(`| ${s} | ${t.legName(on)} | ${fmtInt(med(s, on, 'msgsPerSec'))} | ${fmtInt(med(s, on, 'p50Us'))} | ${fmtInt(med(s, on, 'p99Us'))} | ${ratio} |`);
    }
  }
  lines.push('', `${t.summaryOn}: ${fmtNum(med('Apogee', true, 'msgsPerSec') / med('Java', true, 'msgsPerSec'), 2)} (throughput); ${t.summaryOff}: ${fmtNum(med('Apogee', false, 'msgsPerSec') / med('Java', false, 'msgsPerSec'), 2)}.`, '', '## Every leg', '', '| Round | System | Leg | msg/s | p50 µs | p99 µs | errors |', '|---|---|---|---|---|---|---|');
  for (const l of legs) lines.push(`| ${l.round} | ${l.system} | ${t.legName(l.on)} | ${fmtInt(l.msgsPerSec)} | ${fmtInt(l.p50Us)} | ${fmtInt(l.p99Us)} | ${l.errors} |`);
  return lines.join('\n') + '\n';
}

/** The bench's entry: runs main, exits 0, or prints the error under the bench's name and exits 1. */
export function runBench(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(`${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exit(1);
    },
  );
}
