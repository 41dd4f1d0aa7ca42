import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BENCHMARK_CONSUMER_MAIN,
  BENCHMARK_JVM_ARGS,
  BENCHMARK_PRODUCER_MAIN,
  COMMON_JVM_ARGS,
  ManagedProcess,
  ensureClasspath,
  javaProcessLayout,
  parseConsumerOutput,
  parseProducerOutput,
  repoRoot,
  type RunContext,
} from '../../compat-tests/runner';
import { benchClient, brokerTotals, createTopic, storedInTopic } from './ops';
import { cpuSeconds, LOADGEN_NODE_ARGS, memInfo, UsageWindow, type WindowUsage } from './proc';
import { sleep, type ClientLoop, type LatencySummary } from './stats';
import type { FlushMode, RunningSystem } from './systems';

/**
 * The workloads, the same sequence against every system:
 *
 *   producer  the official org.apache.rocketmq.example.benchmark.Producer (rocketmq-example 5.5.0, ROCKETMQ
 *             serialization): sync with -w threads and -s bytes, or async (-y true, one thread, 10,000 in flight)
 *   batch     the official BatchProducer (-b messages per batch)
 *   consumer  the official Consumer (push, -w 20 threads) draining a backlog written beforehand
 *   loadgen   Apogee's load generator on lib/client (bench/loadgen.ts send): `concurrency` callers, latency
 *             percentiles
 *   e2e       bench/loadgen.ts e2e: send at a fixed rate -> long-polling pull, end-to-end latency percentiles
 *   sqlpull   bench/sqlpull.ts: SQL92-filtered pulls over a backlog where one message in `matchEvery` matches,
 *             on every queue; msgsPerSec = matching messages delivered per second (the broker needs
 *             enablePropertyFilter=true). One in ten: a pull finds its 32 within ~320 units; one in a hundred: each
 *             pull walks its 800 units (maxFilterMessageSize) and finds ~8, the walk's cost per unit decides.
 *
 * Throughput of the official tools is counted on the server (messages stored in the topic, GET_TOPIC_STATS_INFO;
 * messages delivered, msgGetTotalTodayNow) over a window that starts `warmup` seconds after the first message
 * was stored, so JVM start-up and JIT warm-up of the tool are outside it and both systems are counted the same way.
 */
export type WorkloadKind = 'producer' | 'async' | 'batch' | 'consumer' | 'loadgen' | 'e2e' | 'sqlpull';

export interface WorkloadDef {
  id: string;
  label: string;
  kind: WorkloadKind;
  size: number;
  threads?: number;
  batch?: number;
  concurrency?: number;
  rate?: number;
  /** Messages in the backlog (consumer, sqlpull). */
  backlog?: number;
  /** sqlpull: one message in this many matches (default 10). */
  matchEvery?: number;
  flush: FlushMode[];
  quick?: boolean;
}

export interface WorkloadResult {
  id: string;
  kind: WorkloadKind;
  msgsPerSec: number;
  /** Measured messages (stored, consumed, or acknowledged in the window). */
  msgs: number;
  seconds: number;
  errors: number;
  /** lib/client: send latency; e2e: send -> receive latency. */
  latency?: LatencySummary;
  sendLatency?: LatencySummary;
  /** lib/client workloads on Apogee: the broker's event-loop delay (ms, p99 and max over its last 60 s). */
  serverLoopDelay?: { p99Ms: number; maxMs: number };
  /** lib/client send workloads: the load generator's own event-loop delay and GC time in the window. */
  clientLoop?: ClientLoop;
  /** The official tool's own last report line (average and max RT over its last 10 s). */
  tool?: { avgRtMs: number; maxRtMs: number; tps: number; sendFailed: number; responseFailed: number; consumeFail?: number; avgB2cMs?: number };
  serverCpuSec: number;
  serverCpuSecPerMillion: number;
  serverRssMaxMiB: number;
  serverAnonMaxMiB: number;
  clientCpuSec: number;
  foreignCores: number;
  machineBusyCores: number;
  loadAvgStart: [number, number, number];
  note?: string;
}

export interface WorkloadTiming {
  warmupSec: number;
  measureSec: number;
}

let topicSeq = 0;

function fromUsage(u: WindowUsage, clientGroup: string): Pick<WorkloadResult, 'serverCpuSec' | 'serverRssMaxMiB' | 'serverAnonMaxMiB' | 'clientCpuSec' | 'foreignCores' | 'machineBusyCores' | 'loadAvgStart'> {
  return {
    serverCpuSec: u.cpu['server'] ?? NaN,
    serverRssMaxMiB: u.rssMaxMiB['server'] ?? NaN,
    serverAnonMaxMiB: u.anonMaxMiB['server'] ?? NaN,
    clientCpuSec: u.cpu[clientGroup] ?? NaN,
    foreignCores: u.foreignCores,
    machineBusyCores: u.machineBusyCores,
    loadAvgStart: u.loadAvgStart,
  };
}

/** The fields every workload result has: rate over the measured window, server CPU per million, usage. */
function measuredResult(w: WorkloadDef, msgs: number, seconds: number, errors: number, usage: WindowUsage, clientGroup: string): WorkloadResult {
  return {
    id: w.id,
    kind: w.kind,
    msgsPerSec: msgs / seconds,
    msgs,
    seconds,
    errors,
    serverCpuSecPerMillion: ((usage.cpu['server'] ?? NaN) / Math.max(1, msgs)) * 1e6,
    ...fromUsage(usage, clientGroup),
  };
}

async function waitUntil<T>(what: string, f: () => Promise<T | undefined>, timeoutMs: number, abort?: () => string | undefined, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const a = abort?.();
    if (a !== undefined) throw new Error(`${what}: ${a}`);
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

function toolProcess(ctx: RunContext, dir: string, name: string, mainClass: string, args: string[], cp: string): ManagedProcess {
  const layout = javaProcessLayout(dir, 'benchmark');
  return ManagedProcess.start({
    name,
    command: 'java',
    args: [...BENCHMARK_JVM_ARGS, ...COMMON_JVM_ARGS, ...layout.jvmArgs, '-cp', cp, mainClass, ...args],
    cwd: dir,
    logFile: path.join(dir, `${name}.out`),
    pidFile: ctx.pidFile(name),
    marker: ctx.dir,
  });
}

const BATCH_PRODUCER_MAIN = 'org.apache.rocketmq.example.benchmark.BatchProducer';

/** The official Producer / BatchProducer against `sys` for warmup + measure seconds. */
async function runOfficialProducer(ctx: RunContext, sys: RunningSystem, w: WorkloadDef, t: WorkloadTiming): Promise<WorkloadResult> {
  const cp = await ensureClasspath(ctx, 'benchmark', '5.5.0');
  const client = benchClient(sys.namesrvAddr);
  const topic = `Bench_${w.id.replace(/[^A-Za-z0-9]/g, '_')}_${++topicSeq}`;
  const dir = ctx.suiteDir(`${sys.def.name}-${w.id}`);
  try {
    await createTopic(client, sys.brokerAddr, topic, 8);
    const args = ['-n', sys.namesrvAddr, '-t', topic, '-s', String(w.size), '-ri', '1000'];
    let main = BENCHMARK_PRODUCER_MAIN;
    if (w.kind === 'async') args.push('-y', 'true');
    else args.push('-w', String(w.threads ?? 16));
    if (w.kind === 'batch') {
      main = BATCH_PRODUCER_MAIN;
      args.push('-b', String(w.batch ?? 16));
    }
    const tool = toolProcess(ctx, dir, w.kind === 'batch' ? 'BatchProducer' : 'Producer', main, args, cp);
    try {
      await waitUntil(`${w.id}: first message stored in ${topic}`, async () => ((await storedInTopic(client, sys.brokerAddr, topic)) > 0 ? true : undefined), 90_000, () =>
        tool.running ? undefined : `the tool exited: ${tool.tail(20)}`,
      );
      await sleep(t.warmupSec * 1000);
      const n1 = await storedInTopic(client, sys.brokerAddr, topic);
      const t1 = Date.now();
      const win = new UsageWindow({ server: sys.pids(), client: [tool.pid] });
      await sleep(t.measureSec * 1000);
      const n2 = await storedInTopic(client, sys.brokerAddr, topic);
      const t2 = Date.now();
      const usage = win.end();
      if (!tool.running) throw new Error(`the tool exited during the run: ${tool.tail(20)}`);
      await tool.stop(3000);
      const out = parseProducerOutput(fs.readFileSync(tool.logFile, 'utf8'));
      const last = out.lines[out.lines.length - 1];
      const msgs = n2 - n1;
      const seconds = (t2 - t1) / 1000;
      const errors = (out.complete?.sendFailed ?? last?.sendFailed ?? 0) + (out.complete?.responseFailed ?? last?.responseFailed ?? 0);
      const r = measuredResult(w, msgs, seconds, errors, usage, 'client');
      if (last !== undefined) r.tool = { avgRtMs: last.avgRtMs, maxRtMs: last.maxRtMs, tps: last.sendTps, sendFailed: last.sendFailed, responseFailed: last.responseFailed };
      return r;
    } finally {
      await tool.kill();
    }
  } finally {
    client.close();
  }
}

/** Runs bench/loadgen.js as a child process and returns its RESULT object. */
export async function runLoadgen(ctx: RunContext, name: string, args: string[], timeoutMs: number): Promise<Record<string, unknown>> {
  const dir = ctx.suiteDir(name);
  const p = ManagedProcess.start({
    name,
    command: process.execPath,
    args: [...LOADGEN_NODE_ARGS, path.join(repoRoot(), 'dist', 'bench', 'loadgen.js'), ...args],
    cwd: dir,
    logFile: path.join(dir, 'loadgen.out'),
    pidFile: ctx.pidFile(name),
    marker: ctx.dir,
  });
  const exit = await p.waitExit(timeoutMs);
  const text = fs.readFileSync(p.logFile, 'utf8');
  const line = text.split('\n').find((l) => l.startsWith('RESULT '));
  if (exit.code !== 0 || line === undefined) throw new Error(`loadgen ${args[0]} failed (exit ${exit.code}): ${p.tail(20)}`);
  return JSON.parse(line.slice(7)) as Record<string, unknown>;
}

async function runLibClient(ctx: RunContext, sys: RunningSystem, w: WorkloadDef, t: WorkloadTiming): Promise<WorkloadResult> {
  const client = benchClient(sys.namesrvAddr);
  const topic = `Bench_${w.id.replace(/[^A-Za-z0-9]/g, '_')}_${++topicSeq}`;
  try {
    await createTopic(client, sys.brokerAddr, topic, 8);
  } finally {
    client.close();
  }
  const common = ['--namesrv', sys.namesrvAddr, '--topic', topic, '--size', String(w.size), '--warmup', String(t.warmupSec), '--seconds', String(t.measureSec), '--serverPids', sys.pids().join(',')];
  if (w.kind === 'sqlpull') {
    const r = (await runLoadgen(ctx, `${sys.def.name}-${w.id}`, ['sqlpull', ...common, '--msgs', String(w.backlog ?? 20_000), '--matchEvery', String(w.matchEvery ?? 10)], (t.warmupSec + t.measureSec) * 1000 + 5 * 60_000)) as {
      matched: number;
      errors: number;
      seconds: number;
      usage: WindowUsage;
    };
    return measuredResult(w, r.matched, r.seconds, r.errors, r.usage, 'loadgen');
  }
  if (w.kind === 'e2e') {
    const r = (await runLoadgen(ctx, `${sys.def.name}-${w.id}`, ['e2e', ...common, '--rate', String(w.rate ?? 2000)], (t.warmupSec + t.measureSec) * 1000 + 60_000)) as {
      sent: number;
      received: number;
      errors: number;
      seconds: number;
      e2e: LatencySummary;
      send: LatencySummary;
      usage: WindowUsage;
      serverLoopDelay?: { p99Ms: number; maxMs: number };
    };
    return {
      ...measuredResult(w, r.received, r.seconds, r.errors + Math.max(0, r.sent - r.received), r.usage, 'loadgen'),
      latency: r.e2e,
      sendLatency: r.send,
      ...(r.serverLoopDelay !== undefined ? { serverLoopDelay: r.serverLoopDelay } : {}),
    };
  }
  const r = (await runLoadgen(ctx, `${sys.def.name}-${w.id}`, ['send', ...common, '--concurrency', String(w.concurrency ?? 16), '--batch', String(w.batch ?? 0)], (t.warmupSec + t.measureSec) * 1000 + 60_000)) as {
    sent: number;
    errors: number;
    seconds: number;
    msgsPerSec: number;
    latency: LatencySummary;
    usage: WindowUsage;
    serverLoopDelay?: { p99Ms: number; maxMs: number };
    clientLoop?: ClientLoop;
  };
  return {
    ...measuredResult(w, r.sent, r.seconds, r.errors, r.usage, 'loadgen'),
    latency: r.latency,
    ...(r.serverLoopDelay !== undefined ? { serverLoopDelay: r.serverLoopDelay } : {}),
    ...(r.clientLoop !== undefined ? { clientLoop: r.clientLoop } : {}),
  };
}

/** Fills `topic` with `mib` MiB of `size`-byte messages (batches of 32) with the load generator. */
export async function fillTopic(ctx: RunContext, sys: RunningSystem, topic: string, mib: number, size = 1024): Promise<{ msgs: number; ms: number; errors: number }> {
  const r = (await runLoadgen(ctx, `${sys.def.name}-fill`, ['fill', '--namesrv', sys.namesrvAddr, '--topic', topic, '--size', String(size), '--mib', String(mib), '--batch', '32', '--concurrency', '8'], 30 * 60_000)) as {
    msgs: number;
    ms: number;
    errors: number;
  };
  return r;
}

async function runOfficialConsumer(ctx: RunContext, sys: RunningSystem, w: WorkloadDef, t: WorkloadTiming): Promise<WorkloadResult> {
  const cp = await ensureClasspath(ctx, 'benchmark', '5.5.0');
  const client = benchClient(sys.namesrvAddr);
  const topic = `Bench_${w.id.replace(/[^A-Za-z0-9]/g, '_')}_${++topicSeq}`;
  const backlog = w.backlog ?? 100_000;
  const dir = ctx.suiteDir(`${sys.def.name}-${w.id}`);
  try {
    await createTopic(client, sys.brokerAddr, topic, 8);
    const mib = (backlog * w.size) / 2 ** 20;
    await fillTopic(ctx, sys, topic, mib, w.size);
    const stored = await storedInTopic(client, sys.brokerAddr, topic);
    await sleep(1000);
    const g0 = (await brokerTotals(client, sys.brokerAddr)).get;
    const group = `bench_consumer_${topicSeq}`;
    const tool = toolProcess(ctx, dir, 'Consumer', BENCHMARK_CONSUMER_MAIN, ['-n', sys.namesrvAddr, '-t', topic, '-g', group, '-ri', '1000'], cp);
    try {
      // The window opens at the first delivered message and closes when the whole backlog was delivered.
      await waitUntil(`${w.id}: first message delivered`, async () => ((await brokerTotals(client, sys.brokerAddr)).get > g0 ? true : undefined), 90_000, () =>
        tool.running ? undefined : `the tool exited: ${tool.tail(20)}`,
        50,
      );
      const t1 = Date.now();
      const gStart = (await brokerTotals(client, sys.brokerAddr)).get;
      const win = new UsageWindow({ server: sys.pids(), client: [tool.pid] });
      let got = gStart;
      const limitMs = Math.max(60_000, t.measureSec * 10_000);
      let note: string | undefined;
      try {
        await waitUntil(`${w.id}: backlog of ${stored} delivered`, async () => {
          got = (await brokerTotals(client, sys.brokerAddr)).get;
          return got - g0 >= stored ? true : undefined;
        }, limitMs, undefined, 50);
      } catch {
        note = `only ${got - g0} of ${stored} delivered within ${limitMs / 1000} s`;
      }
      const t2 = Date.now();
      const usage = win.end();
      await sleep(1500); // the tool's last stats line
      const lines = parseConsumerOutput(fs.readFileSync(tool.logFile, 'utf8'));
      await tool.stop(3000);
      const msgs = got - gStart;
      const seconds = (t2 - t1) / 1000;
      const last = lines[lines.length - 1];
      const r = measuredResult(w, msgs, seconds, lines.reduce((s, l) => s + l.consumeFail, 0), usage, 'client');
      if (note !== undefined) r.note = note;
      if (last !== undefined) r.tool = { avgRtMs: NaN, maxRtMs: last.maxB2cMs, tps: last.consumeTps, sendFailed: 0, responseFailed: 0, consumeFail: last.consumeFail, avgB2cMs: last.avgB2cMs };
      return r;
    } finally {
      await tool.kill();
    }
  } finally {
    client.close();
  }
}

export async function runWorkload(ctx: RunContext, sys: RunningSystem, w: WorkloadDef, t: WorkloadTiming): Promise<WorkloadResult> {
  switch (w.kind) {
    case 'producer':
    case 'async':
    case 'batch':
      return runOfficialProducer(ctx, sys, w, t);
    case 'consumer':
      return runOfficialConsumer(ctx, sys, w, t);
    case 'loadgen':
    case 'e2e':
    case 'sqlpull':
      return runLibClient(ctx, sys, w, t);
  }
}

/** Peak memory of the server processes now: the sum of their VmHWM (kernel's high-water mark) and current anon. */
export function serverMemory(sys: RunningSystem): { hwmMiB: number; rssMiB: number; anonMiB: number; perProcess: { pid: number; hwmMiB: number; anonMiB: number; fileMiB: number }[] } {
  const per = sys.pids().map((pid) => ({ pid, m: memInfo(pid) }));
  const ok = per.filter((x) => x.m !== undefined);
  return {
    hwmMiB: ok.reduce((s, x) => s + x.m!.hwmMiB, 0),
    rssMiB: ok.reduce((s, x) => s + x.m!.rssMiB, 0),
    anonMiB: ok.reduce((s, x) => s + x.m!.anonMiB, 0),
    perProcess: ok.map((x) => ({ pid: x.pid, hwmMiB: x.m!.hwmMiB, anonMiB: x.m!.anonMiB, fileMiB: x.m!.fileMiB })),
  };
}

export function serverCpuTotal(sys: RunningSystem): number {
  return sys.pids().reduce((s, p) => s + (cpuSeconds(p) || 0), 0);
}
