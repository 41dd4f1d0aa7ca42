/**
 * Scale bench (issue 18: "topic creation ≥ Java", "10k connections' RSS ≤ Java's"): Apogee and Apache RocketMQ
 * 5.5.0 ("Java tuned", bench/harness/systems.ts) side by side, both started fresh every round (same broker.conf,
 * ASYNC_FLUSH), the order reversed every round.
 *
 *   topics       --topics N topics created one by one with UPDATE_AND_CREATE_TOPIC, 8 queues (the request
 *                `mqadmin updateTopic -b` sends; each awaited before the next): creates per second and the per-create
 *                p50 / p99; then how long after the last answer the NameServer routes the last topic.
 *   connections  --connections C client connections to the broker, opened --batch at a time; each sends one
 *                HEART_BEAT (a client's heartbeat with no producer or consumer yet) and stays open. The server
 *                processes' RSS (VmRSS; Java = NameServer + broker) is read before, --settleS seconds after the last
 *                answer, and --settleS seconds after they all closed. Reported: RSS with the connections and what
 *                they added, per connection.
 *
 *   npm run build && node dist/bench/scale/run.js [--rounds 3] [--topics 2000] [--connections 10000] [--batch 250]
 *     [--settleS 3] [--out FILE.md]
 *
 * Nothing is asserted: the report is the result.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { RunContext, repoRoot } from '../../compat-tests/runner';
import { SERVER_VERSION, createLogger } from '../../lib/common';
import { createRequest, decodeCommand, encodeCommand, SerializeType } from '../../protocol/command';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { arg } from '../harness/args';
import { benchClient, createTopicFields } from '../harness/ops';
import { memInfo } from '../harness/proc';
import { fmtInt, fmtNum, median, Samples, sleep } from '../harness/stats';
import { startSystem, systemDefs, type RunningSystem, type SystemName } from '../harness/systems';

/** A connection that has not been answered this long after its batch started counts as failed, ms. */
const CONNECT_ANSWER_TIMEOUT_MS = 30_000;
/** How long the NameServer may take to route the last topic before the round notes it, ms. */
const ROUTE_WAIT_MS = 60_000;

interface Round {
  system: SystemName;
  round: number;
  topics: number;
  createsPerSec: number;
  createP50Ms: number;
  createP99Ms: number;
  lastRoutedMs: number;
  connections: number;
  failed: number;
  dropped: number;
  openMs: number;
  rssBeforeMiB: number;
  rssWithMiB: number;
  anonWithMiB: number;
  rssAfterCloseMiB: number;
}

function rssOf(sys: RunningSystem): { rss: number; anon: number } {
  const m = sys.pids().map((p) => memInfo(p));
  return { rss: m.reduce((s, x) => s + (x?.rssMiB ?? NaN), 0), anon: m.reduce((s, x) => s + (x?.anonMiB ?? NaN), 0) };
}

async function topicPhase(sys: RunningSystem, n: number, round: number): Promise<Pick<Round, 'topics' | 'createsPerSec' | 'createP50Ms' | 'createP99Ms' | 'lastRoutedMs'>> {
  const admin = benchClient(sys.namesrvAddr, 30_000);
  try {
    const create = new Samples();
    const name = (i: number): string => `BenchScale_${round}_${i}`;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const r = await admin.call(sys.brokerAddr, RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicFields(name(i), 8));
      if (r.code !== ResponseCode.SUCCESS) throw new Error(`${sys.def.label}: create ${name(i)}: ${r.code} ${r.remark ?? ''}`);
      create.add((performance.now() - t) * 1000);
    }
    const tEnd = performance.now();
    let lastRoutedMs = NaN;
    while (performance.now() - tEnd < ROUTE_WAIT_MS) {
      const route = await admin.routeOf(name(n - 1), 0).catch(() => undefined);
      if (route !== undefined && route.queueDatas.length > 0) {
        lastRoutedMs = performance.now() - tEnd;
        break;
      }
      await sleep(20);
    }
    const s = create.summary();
    return { topics: n, createsPerSec: n / ((tEnd - t0) / 1000), createP50Ms: s.p50Ms, createP99Ms: s.p99Ms, lastRoutedMs };
  } finally {
    admin.close();
  }
}

/** One HEART_BEAT frame of client `i` (ROCKETMQ serialization, as the benchmark tools send). */
function heartbeatFrame(i: number, opaque: number): Buffer {
  const body = Buffer.from(JSON.stringify({ clientID: `127.0.0.1@bench-scale-${i}`, consumerDataSet: [], producerDataSet: [] }));
  return encodeCommand(createRequest({ code: RequestCode.HEART_BEAT, opaque, version: SERVER_VERSION, body, serializeType: SerializeType.ROCKETMQ }));
}

/** Opens one connection, sends its heartbeat and resolves once the whole answer arrived (rejects on a refusal). */
function openClient(host: string, port: number, i: number, sockets: net.Socket[], onDrop: () => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const s = net.connect({ host, port });
    sockets.push(s);
    let got = Buffer.alloc(0);
    let answered = false;
    const timer = setTimeout(() => reject(new Error(`connection ${i}: no answer within ${CONNECT_ANSWER_TIMEOUT_MS} ms`)), CONNECT_ANSWER_TIMEOUT_MS);
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.once('close', () => {
      clearTimeout(timer);
      if (answered) onDrop();
      else reject(new Error(`connection ${i} closed before its answer`));
    });
    s.once('connect', () => s.write(heartbeatFrame(i, i + 1)));
    s.on('data', (d: Buffer) => {
      if (answered) return;
      got = Buffer.concat([got, d]);
      if (got.length < 4 || got.length < 4 + got.readInt32BE(0)) return;
      answered = true;
      clearTimeout(timer);
      const cmd = decodeCommand(got.subarray(4, 4 + got.readInt32BE(0)));
      if (cmd.code === ResponseCode.SUCCESS) resolve();
      else reject(new Error(`connection ${i}: HEART_BEAT answered ${cmd.code} ${cmd.remark ?? ''}`));
    });
  });
}

async function connectionPhase(sys: RunningSystem, n: number, batch: number, settleS: number): Promise<Pick<Round, 'connections' | 'failed' | 'dropped' | 'openMs' | 'rssBeforeMiB' | 'rssWithMiB' | 'anonWithMiB' | 'rssAfterCloseMiB'>> {
  const [host, portText] = sys.brokerAddr.split(':') as [string, string];
  await sleep(settleS * 1000);
  const before = rssOf(sys);
  const sockets: net.Socket[] = [];
  let failed = 0;
  let dropped = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i += batch) {
    const opened = await Promise.allSettled(Array.from({ length: Math.min(batch, n - i) }, (_, j) => openClient(host, Number(portText), i + j, sockets, () => dropped++)));
    for (const o of opened) if (o.status === 'rejected') failed++;
    if (failed > 0 && failed === i + opened.length) throw new Error(`${sys.def.label}: no connection answered (${String((opened[0] as PromiseRejectedResult).reason)})`);
  }
  const openMs = performance.now() - t0;
  await sleep(settleS * 1000);
  const withConns = rssOf(sys);
  const droppedWhileOpen = dropped;
  for (const s of sockets) s.destroy();
  await sleep(settleS * 1000);
  const after = rssOf(sys);
  return { connections: n, failed, dropped: droppedWhileOpen, openMs, rssBeforeMiB: before.rss, rssWithMiB: withConns.rss, anonWithMiB: withConns.anon, rssAfterCloseMiB: after.rss };
}

function report(rounds: Round[], command: string, started: string, load: string): string {
  type K = 'createsPerSec' | 'createP99Ms' | 'lastRoutedMs' | 'openMs' | 'rssBeforeMiB' | 'rssWithMiB' | 'anonWithMiB' | 'rssAfterCloseMiB' | 'perConnKiB';
  const val = (r: Round, k: K): number => (k === 'perConnKiB' ? ((r.rssWithMiB - r.rssBeforeMiB) * 1024) / Math.max(1, r.connections - r.failed) : r[k]);
  const med = (s: SystemName, k: K): number => median(rounds.filter((r) => r.system === s).map((r) => val(r, k)));
  const row = (label: string, k: K, better: 'higher' | 'lower', digits = 0): string => {
    const a = med('apogee', k);
    const j = med('java-tuned', k);
    const f = (x: number): string => (digits === 0 ? fmtInt(x) : fmtNum(x, digits));
    const x = better === 'higher' ? a / j : j / a;
    return `| ${label} | ${f(a)} | ${f(j)} | ${fmtNum(x)}× |`;
  };
  const first = rounds[0];
  return [
    '# Topic creation and client connections — Apogee vs Apache RocketMQ 5.5.0, side by side (issue 18)',
    '',
    `Command: \`${command}\``,
    '',
    `${started} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'} · node ${process.version} · load average at start ${load}.`,
    `Systems started fresh every round, order reversed every round, ASYNC_FLUSH, the bench's broker.conf; Java = "Java tuned" (${systemDefs()['java-tuned'].description}).`,
    `Topics: ${fmtInt(first?.topics ?? 0)} created one by one (UPDATE_AND_CREATE_TOPIC, 8 queues, each awaited). Connections: ${fmtInt(first?.connections ?? 0)} to the broker, each sent one HEART_BEAT and stayed open; RSS = VmRSS summed over the server processes (Java: NameServer + broker).`,
    '',
    '| median of rounds | Apogee | Java | × better (Apogee ÷ Java for rates, Java ÷ Apogee for times and memory; above 1 = Apogee better) |',
    '|---|---|---|---|',
    row('topics created per second', 'createsPerSec', 'higher'),
    row('per-create p99, ms', 'createP99Ms', 'lower', 2),
    row('last topic routed by the NameServer, ms after its create answer', 'lastRoutedMs', 'lower'),
    row('opening the connections (each answered), ms', 'openMs', 'lower'),
    row('RSS before the connections, MiB', 'rssBeforeMiB', 'lower'),
    row('RSS with the connections open, MiB', 'rssWithMiB', 'lower'),
    row('… of which anonymous, MiB', 'anonWithMiB', 'lower'),
    row('RSS the connections added, KiB per connection', 'perConnKiB', 'lower', 1),
    row('RSS after they closed, MiB', 'rssAfterCloseMiB', 'lower'),
    '',
    '| round | system | creates/s | create p50 / p99 ms | last routed ms | connections (failed, dropped) | open ms | RSS before / with / after close MiB |',
    '|---|---|---|---|---|---|---|---|',
    ...rounds.map(
      (r) =>
        `| ${r.round} | ${r.system} | ${fmtInt(r.createsPerSec)} | ${fmtNum(r.createP50Ms)} / ${fmtNum(r.createP99Ms)} | ${fmtInt(r.lastRoutedMs)} | ${fmtInt(r.connections)} (${r.failed}, ${r.dropped}) | ${fmtInt(r.openMs)} | ${fmtInt(r.rssBeforeMiB)} / ${fmtInt(r.rssWithMiB)} / ${fmtInt(r.rssAfterCloseMiB)} |`,
    ),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const rounds = Number(arg('rounds', '3'));
  const topics = Number(arg('topics', '2000'));
  const connections = Number(arg('connections', '10000'));
  const batch = Number(arg('batch', '250'));
  const settleS = Number(arg('settleS', '3'));
  const out = arg('out', path.join(repoRoot(), 'bench', 'results', `${new Date().toISOString().slice(0, 10)}-scale.md`));
  if (!fs.existsSync(path.join(repoRoot(), 'dist', 'lib', 'bin', 'apogee.js'))) throw new Error('build first: npm run build');
  const ctx = RunContext.create({ keepRuns: 3, logger: createLogger({ name: 'bench-scale', fd: 2, level: 'warn' }) });
  const defs = systemDefs();
  const started = new Date().toISOString();
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  const results: Round[] = [];
  console.log(`scale: ${topics} topics, ${connections} connections, ${rounds} round(s), run directory ${ctx.dir}`);
  for (let r = 1; r <= rounds; r++) {
    const order: SystemName[] = r % 2 === 1 ? ['apogee', 'java-tuned'] : ['java-tuned', 'apogee'];
    for (const name of order) {
      let sys: RunningSystem | undefined;
      try {
        sys = await startSystem(ctx, defs[name], ctx.suiteDir(`${name}-round${r}`), { flush: 'ASYNC_FLUSH' });
        console.log(`round ${r} ${name}: creating ${topics} topics`);
        const t = await topicPhase(sys, topics, r);
        console.log(`  ${fmtInt(t.createsPerSec)} creates/s (p99 ${fmtNum(t.createP99Ms)} ms), last routed ${fmtInt(t.lastRoutedMs)} ms after; opening ${connections} connections`);
        const c = await connectionPhase(sys, connections, batch, settleS);
        console.log(`  ${c.connections - c.failed} answered (${c.failed} failed, ${c.dropped} dropped) in ${fmtInt(c.openMs)} ms; RSS ${fmtInt(c.rssBeforeMiB)} -> ${fmtInt(c.rssWithMiB)} -> ${fmtInt(c.rssAfterCloseMiB)} MiB`);
        results.push({ system: name, round: r, ...t, ...c });
      } finally {
        await sys?.stop().catch(() => undefined);
      }
    }
  }
  const md = report(results, `npm run build && node dist/bench/scale/run.js ${process.argv.slice(2).join(' ')}`.trim(), started, load);
  fs.writeFileSync(out, md);
  fs.writeFileSync(out.replace(/\.md$/, '.json'), `${JSON.stringify({ command: `node dist/bench/scale/run.js ${process.argv.slice(2).join(' ')}`.trim(), started, load, rounds: results }, null, 2)}\n`);
  console.log(md);
  console.log(`wrote ${out}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
