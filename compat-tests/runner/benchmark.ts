import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMON_JVM_ARGS, javaProcessLayout } from './apache';
import { ensureClasspath } from './paths';
import { Probe, waitFor } from './probe';
import { ManagedProcess } from './process';
import type { ScenarioResult, SuiteRun } from './results';
import type { RunContext } from './run';
import type { Target } from './target';

/**
 * The official benchmark tools (rocketmq-example 5.5.0: org.apache.rocketmq.example.benchmark.Producer and
 * Consumer; both force ROCKETMQ binary serialization) against a target, for `seconds` of sending:
 *
 *   1. the Consumer starts first (group <group>, subscribed to <topic>);
 *   2. the Producer sends for `seconds` and is then stopped (SIGTERM; it has no duration flag);
 *   3. the harness waits until the group's committed offsets reach the topic's max offsets (GET_TOPIC_STATS_INFO
 *      and GET_CONSUME_STATS on the broker), i.e. every message stored was consumed;
 *   4. the Consumer is stopped.
 *
 * The tools print a stats line every reportInterval (-ri 1000) once they hold 10 one-second snapshots, so runs
 * shorter than ~11 s print none; failure counts in producer lines are cumulative.
 */
export const BENCHMARK_PRODUCER_MAIN = 'org.apache.rocketmq.example.benchmark.Producer';
export const BENCHMARK_CONSUMER_MAIN = 'org.apache.rocketmq.example.benchmark.Consumer';
/**
 * The tools' heap as the distribution's benchmark/runclass.sh gives it (-Xms1g -Xmx1g -Xmn256m; its CMS flags are gone
 * from Java 17, so G1). With -Xmx512m the async Producer (-y true: up to 10,000 queued and 65,535 in flight) ran out of
 * heap within seconds (OutOfMemoryError in its threads, every send timed out) and stored nothing on any server.
 */
export const BENCHMARK_JVM_ARGS: readonly string[] = ['-Xms1g', '-Xmx1g', '-Xmn256m', '-XX:+UseG1GC'];

export interface ProducerStats {
  sendTps: number;
  maxRtMs: number;
  avgRtMs: number;
  sendFailed: number;
  responseFailed: number;
}

export interface ConsumerStats {
  consumeTps: number;
  avgB2cMs: number;
  avgS2cMs: number;
  maxB2cMs: number;
  maxS2cMs: number;
  consumeFail: number;
}

export interface ProducerComplete {
  sendTotal: number;
  sendFailed: number;
  responseFailed: number;
}

const PRODUCER_LINE = /Send TPS: (\d+) \| Max RT\(ms\): (\d+) \| Average RT\(ms\):\s*([\d.NaInfity-]+) \| Send Failed: (\d+) \| Response Failed: (\d+)/;
const PRODUCER_COMPLETE = /\[Complete\] Send Total: (\d+)(?: \|.*?)? \|? ?Send Failed: (\d+) \|? ?Response Failed: (\d+)/;
const CONSUMER_LINE =
  /Consume TPS: (\d+) \| AVG\(B2C\) RT\(ms\):\s*([\d.NaInfity-]+) \| AVG\(S2C\) RT\(ms\):\s*([\d.NaInfity-]+) \| MAX\(B2C\) RT\(ms\): (\d+) \| MAX\(S2C\) RT\(ms\): (\d+) \| Consume Fail: (\d+)/;

export function parseProducerOutput(text: string): { lines: ProducerStats[]; complete?: ProducerComplete } {
  const lines: ProducerStats[] = [];
  let complete: ProducerComplete | undefined;
  for (const l of text.split('\n')) {
    const c = PRODUCER_COMPLETE.exec(l);
    if (c !== null) {
      complete = { sendTotal: Number(c[1]), sendFailed: Number(c[2]), responseFailed: Number(c[3]) };
      continue;
    }
    const m = PRODUCER_LINE.exec(l);
    if (m !== null) {
      lines.push({ sendTps: Number(m[1]), maxRtMs: Number(m[2]), avgRtMs: Number(m[3]), sendFailed: Number(m[4]), responseFailed: Number(m[5]) });
    }
  }
  return complete === undefined ? { lines } : { lines, complete };
}

export function parseConsumerOutput(text: string): ConsumerStats[] {
  const out: ConsumerStats[] = [];
  for (const l of text.split('\n')) {
    const m = CONSUMER_LINE.exec(l);
    if (m !== null) {
      out.push({
        consumeTps: Number(m[1]),
        avgB2cMs: Number(m[2]),
        avgS2cMs: Number(m[3]),
        maxB2cMs: Number(m[4]),
        maxS2cMs: Number(m[5]),
        consumeFail: Number(m[6]),
      });
    }
  }
  return out;
}

export interface BenchmarkOptions {
  target: Target;
  /** How long the Producer sends. */
  seconds: number;
  topic?: string;
  group?: string;
  /** Producer -w (default 8: a 2-core machine shared with the broker). */
  threads?: number;
  /** Producer -s, bytes (default 1024). */
  messageSize?: number;
  /** Consumer -w (default 8). */
  consumerThreads?: number;
  /** After the Producer stops, how long to wait for the Consumer to catch up (default 90 s). */
  drainTimeoutMs?: number;
  javaBin?: string;
}

export interface BenchmarkResult {
  topic: string;
  group: string;
  seconds: number;
  producer: { stats: ProducerStats[]; complete?: ProducerComplete; sendFailed: number; responseFailed: number; maxSendTps: number; log: string };
  consumer: { stats: ConsumerStats[]; consumeFail: number; maxConsumeTps: number; log: string };
  /** Messages stored in the topic (sum of max offsets). */
  storedTotal: number;
  /** Messages the group committed as consumed (sum of consumer offsets). */
  consumedTotal: number;
  allConsumed: boolean;
  durationMs: number;
}

export async function runBenchmark(ctx: RunContext, opts: BenchmarkOptions): Promise<BenchmarkResult> {
  const t0 = Date.now();
  const dir = ctx.suiteDir('benchmark');
  const layout = javaProcessLayout(dir, 'benchmark');
  const cp = await ensureClasspath(ctx, 'benchmark', '5.5.0');
  const stamp = Date.now().toString(36);
  const topic = opts.topic ?? `BenchmarkTest_${stamp}`;
  const group = opts.group ?? `benchmark_consumer_${stamp}`;
  const java = opts.javaBin ?? 'java';
  const jvm = [...BENCHMARK_JVM_ARGS, ...COMMON_JVM_ARGS, ...layout.jvmArgs, '-cp', cp];
  const probe = new Probe();
  const consumerLog = path.join(dir, 'consumer.out');
  const producerLog = path.join(dir, 'producer.out');
  let consumer: ManagedProcess | undefined;
  let producer: ManagedProcess | undefined;
  try {
    consumer = ManagedProcess.start({
      name: 'benchmark Consumer',
      command: java,
      args: [...jvm, BENCHMARK_CONSUMER_MAIN, '-n', opts.target.namesrvAddr, '-t', topic, '-g', group, '-w', String(opts.consumerThreads ?? 8), '-ri', '1000'],
      cwd: dir,
      logFile: consumerLog,
      pidFile: ctx.pidFile('benchmark-consumer'),
      marker: ctx.dir,
    });
    await waitFor('the benchmark Consumer printed "Consumer Started."', async () => (fs.readFileSync(consumerLog, 'utf8').includes('Consumer Started.') ? true : undefined), {
      timeoutMs: 60_000,
      abortIf: () => (consumer!.running ? undefined : `the Consumer exited: ${consumer!.tail(30)}`),
    });
    producer = ManagedProcess.start({
      name: 'benchmark Producer',
      command: java,
      args: [
        ...jvm,
        BENCHMARK_PRODUCER_MAIN,
        '-n',
        opts.target.namesrvAddr,
        '-t',
        topic,
        '-w',
        String(opts.threads ?? 8),
        '-s',
        String(opts.messageSize ?? 1024),
        '-ri',
        '1000',
      ],
      cwd: dir,
      logFile: producerLog,
      pidFile: ctx.pidFile('benchmark-producer'),
      marker: ctx.dir,
    });
    await new Promise((r) => setTimeout(r, opts.seconds * 1000)); // the run length itself, not a synchronisation
    if (!producer.running) throw new Error(`the benchmark Producer exited early: ${producer.tail(30)}`);
    await producer.stop(10_000);

    // Everything stored must be consumed.
    const route = await waitFor(`route of ${topic}`, async () => (await probe.route(opts.target.namesrvAddr, topic)) ?? undefined, { timeoutMs: 30_000 });
    const brokers = route.brokerDatas.map((b) => b.addrs.get(0)).filter((a): a is string => a !== undefined);
    const stored = async (): Promise<number> => {
      let n = 0;
      for (const b of brokers) for (const q of await probe.topicStats(b, topic)) n += q.maxOffset;
      return n;
    };
    const consumed = async (): Promise<number> => {
      let n = 0;
      for (const b of brokers) for (const q of await probe.consumeStats(b, group, topic)) n += q.consumerOffset;
      return n;
    };
    const storedTotal = await stored();
    let consumedTotal = 0;
    let allConsumed = false;
    try {
      await waitFor(
        `group ${group} consumed all ${storedTotal} messages of ${topic}`,
        async () => {
          consumedTotal = await consumed();
          return consumedTotal >= storedTotal ? true : undefined;
        },
        { timeoutMs: opts.drainTimeoutMs ?? 90_000, intervalMs: 500 },
      );
      allConsumed = true;
    } catch {
      allConsumed = false;
    }
    await consumer.stop(10_000);

    const p = parseProducerOutput(fs.readFileSync(producerLog, 'utf8'));
    const cstats = parseConsumerOutput(fs.readFileSync(consumerLog, 'utf8'));
    const lastP = p.lines[p.lines.length - 1];
    const result: BenchmarkResult = {
      topic,
      group,
      seconds: opts.seconds,
      producer: {
        stats: p.lines,
        sendFailed: p.complete?.sendFailed ?? lastP?.sendFailed ?? 0,
        responseFailed: p.complete?.responseFailed ?? lastP?.responseFailed ?? 0,
        maxSendTps: Math.max(0, ...p.lines.map((l) => l.sendTps)),
        log: producerLog,
      },
      consumer: {
        stats: cstats,
        consumeFail: cstats.reduce((s, l) => s + l.consumeFail, 0),
        maxConsumeTps: Math.max(0, ...cstats.map((l) => l.consumeTps)),
        log: consumerLog,
      },
      storedTotal,
      consumedTotal,
      allConsumed,
      durationMs: Date.now() - t0,
    };
    if (p.complete !== undefined) result.producer.complete = p.complete;
    fs.writeFileSync(path.join(dir, 'result.json'), JSON.stringify(result, null, 2));
    return result;
  } finally {
    probe.close();
    await producer?.kill();
    await consumer?.kill();
  }
}

/** What makes a benchmark run a failure for compatibility purposes (empty = pass). */
export function benchmarkProblems(r: BenchmarkResult): string[] {
  const p: string[] = [];
  if (r.storedTotal <= 0) p.push('no message was stored');
  if (r.producer.stats.length === 0 && r.producer.complete === undefined) p.push('the Producer printed no stats line (run shorter than ~11 s?)');
  if (r.producer.sendFailed !== 0) p.push(`Send Failed: ${r.producer.sendFailed}`);
  if (r.producer.responseFailed !== 0) p.push(`Response Failed: ${r.producer.responseFailed}`);
  if (!r.allConsumed) p.push(`consumed ${r.consumedTotal} of ${r.storedTotal} stored messages`);
  if (r.consumer.consumeFail !== 0) p.push(`Consume Fail: ${r.consumer.consumeFail}`);
  return p;
}

/** The benchmark as a one-scenario suite ("benchmark.producer-consumer"), for reports and matrices. */
export async function runBenchmarkSuite(ctx: RunContext, opts: BenchmarkOptions): Promise<SuiteRun & { benchmark?: BenchmarkResult }> {
  const t0 = Date.now();
  const id = 'benchmark.producer-consumer';
  try {
    const b = await runBenchmark(ctx, opts);
    const problems = benchmarkProblems(b);
    const summary = `${opts.seconds} s: stored ${b.storedTotal}, consumed ${b.consumedTotal}, max send TPS ${b.producer.maxSendTps}, max consume TPS ${b.consumer.maxConsumeTps}`;
    const result: ScenarioResult =
      problems.length === 0
        ? { suite: 'benchmark', id, status: 'passed', durationMs: b.durationMs }
        : { suite: 'benchmark', id, status: 'failed', durationMs: b.durationMs, failure: `${problems.join('; ')} (${summary}); logs ${b.producer.log}, ${b.consumer.log}` };
    ctx.logger.info({ target: opts.target.name, summary }, 'benchmark done');
    return { suite: 'benchmark', target: opts.target.name, results: [result], durationMs: Date.now() - t0, exitCode: 0, logDir: path.dirname(b.producer.log), benchmark: b };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return {
      suite: 'benchmark',
      target: opts.target.name,
      results: [{ suite: 'benchmark', id, status: 'failed', durationMs: Date.now() - t0, failure: msg }],
      durationMs: Date.now() - t0,
      exitCode: null,
      logDir: ctx.dir,
      error: msg,
    };
  }
}
