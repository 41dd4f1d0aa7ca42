/**
 * gRPC benchmark (issue 15, "Performance"): apache.rocketmq.v2.MessagingService through Apogee's native endpoint
 * (lib/grpc, `apogee start --grpcPort`, one process) vs the official rocketmq-proxy 5.5.0 in cluster mode in front
 * of an Apache RocketMQ 5.5.0 NameServer + broker (three JVMs), side by side (bench/grpc/stack.ts). The load comes
 * from this process over @grpc/grpc-js with lib/grpc's protos (bench/grpc/client.ts), per leg on a fresh system:
 *
 *   prime    a SIMPLE_CONSUMER's first ReceiveMessage waits while one message is sent, so the new group's POP
 *            offset starts at the head of the topic on both sides (both proxies pop with ConsumeInitMode.MAX)
 *   send     SENDERS callers each awaiting SendMessage (one BODY_BYTES message), WARMUP_S s unmeasured, then
 *            --seconds measured: msg/s, p50 / p99 of the call; then unmeasured sends until the topic holds at
 *            least --receive messages, so both sides drain the same backlog
 *   receive  RECEIVERS loops of ReceiveMessage (batch RECEIVE_BATCH, long polling POLL_MS, invisible INVISIBLE_MS)
 *            + one AckMessage per batch, until --receive messages are acknowledged (the same count on both sides,
 *            whatever their send rates; the last batch may overshoot it): msg/s from the first receive
 *            to the last ack, and receive→ack p99 (the receive stream's end to the ack's answer, one
 *            sample per acknowledged message)
 *   pop      the broker's own POP over remoting on a fresh topic with a backlog of --receive messages, no proxy
 *            (bench/grpc/pop.ts, as the 5.x push consumer in POP mode): POP+ack msg/s and POP → ack p50 / p99
 *   memory   the peak RSS (VmHWM) of the side's server processes, read just before they stop
 *
 * Rounds alternate the order of the systems. Output: a markdown report (--out).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { arg } from '../harness/args';
import { createRoutedTopic, helpOr, javaServerClasspath, ROOT, runBench, stopAll, type SystemName } from '../harness/legs';
import { benchClient } from '../harness/ops';
import { memInfo } from '../harness/proc';
import { fmtInt, fmtNum, median, Samples, sleep } from '../harness/stats';
import { BenchGrpcClient } from './client';
import { POP_BATCH, POP_LOOPS, popLeg } from './pop';
import { ackedCount, drain, sideRssMiB } from './receive';
import { proxyClasspath, startApogeeGrpc, startJavaGrpc, type GrpcSide } from './stack';

const USAGE = 'npm run build && node dist/bench/grpc/run.js [--rounds 2] [--seconds 10] [--receive 10000] [--out bench/results/DATE-grpc.md] [--note "text for the report"] [--only Apogee|Java] [--apogeeNodeArgs "--cpu-prof --cpu-prof-dir DIR"] [--apogeeConf KEY=VALUE,...]';
export const SENDERS = 16;
export const RECEIVERS = 8;
export const BODY_BYTES = 1024;
export const RECEIVE_BATCH = 32;
/** Long-polling timeout of a ReceiveMessage, ms (the Java proxy's smallest is 5 s). */
export const POLL_MS = 5_000;
/** Invisible time of received messages, ms (longer than any drain: no redelivery inside a leg). */
export const INVISIBLE_MS = 120_000;
/** Unmeasured sends before the window, s (JIT of the JVMs; as bench/harness/legs.ts WARMUP_S). */
export const WARMUP_S = 6;
/** How long the prime may take, ms. */
export const PRIME_MS = 30_000;
const QUEUES = 8;
const PROTO_DIR = path.join(ROOT, '.cache', 'rocketmq-apis');

interface Leg {
  system: SystemName;
  round: number;
  sendMsgsPerSec: number;
  sendP50Us: number;
  sendP99Us: number;
  sendErrors: number;
  backlog: number;
  recvMsgsPerSec: number;
  ackP50Us: number;
  ackP99Us: number;
  acked: number;
  recvErrors: number;
  /** The broker's own POP over remoting, no proxy (bench/grpc/pop.ts). */
  popMsgsPerSec: number;
  popP50Us: number;
  popP99Us: number;
  popErrors: number;
  rssMiB: number;
  procs: number;
}

async function prime(prod: BenchGrpcClient, cons: BenchGrpcClient, topic: string, group: string, broker: unknown): Promise<void> {
  const until = Date.now() + PRIME_MS;
  const first = cons.receive(topic, group, broker, RECEIVE_BATCH, POLL_MS, INVISIBLE_MS);
  await sleep(500);
  const code = await prod.send(topic, Buffer.alloc(BODY_BYTES, 0x70));
  if (code !== 'OK') throw new Error(`prime send: ${code}`);
  let r = await first.done;
  while (r.handles.length === 0) {
    if (Date.now() > until) throw new Error(`prime: the consumer group never saw the prime message (last ${r.code} ${r.message})`);
    r = await cons.receive(topic, group, broker, RECEIVE_BATCH, POLL_MS, INVISIBLE_MS).done;
  }
  if (ackedCount(await cons.ack(topic, group, r.handles)) !== r.handles.length) throw new Error('prime: ack refused');
}

async function sendPhase(prod: BenchGrpcClient, topic: string, seconds: number, atLeast: number): Promise<{ msgsPerSec: number; p50Us: number; p99Us: number; errors: number; sent: number }> {
  const body = Buffer.alloc(BODY_BYTES, 0x61);
  const lat = new Samples();
  let sent = 0;
  let errors = 0;
  let measured = 0;
  const t0 = Date.now();
  const measureFrom = t0 + WARMUP_S * 1000;
  const end = measureFrom + seconds * 1000;
  const caller = async (): Promise<void> => {
    while (Date.now() < end || sent < atLeast) {
      const s = process.hrtime.bigint();
      const code = await prod.send(topic, body).catch((e: unknown) => `GRPC ${(e as Error).message}`);
      const now = Date.now();
      if (code === 'OK') {
        sent++;
        if (now >= measureFrom && now < end) {
          measured++;
          lat.add(Number(process.hrtime.bigint() - s) / 1000);
        }
      } else if (errors++ === 0) console.log(`    send error: ${code}`);
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, caller));
  const l = lat.summary();
  return { msgsPerSec: measured / seconds, p50Us: l.p50Ms * 1000, p99Us: l.p99Ms * 1000, errors, sent };
}

async function receivePhase(cons: BenchGrpcClient, topic: string, group: string, broker: unknown, target: number, limitMs: number): Promise<{ msgsPerSec: number; p50Us: number; p99Us: number; acked: number; errors: number }> {
  const inFlight = new Set<{ cancel(): void }>();
  let failures = 0;
  let acked = 0;
  const r = await drain(RECEIVERS, target, limitMs, async () => {
    const call = cons.receive(topic, group, broker, RECEIVE_BATCH, POLL_MS, INVISIBLE_MS);
    inFlight.add(call);
    const got = await call.done;
    inFlight.delete(call);
    if (got.handles.length === 0) {
      if (got.code !== 'MESSAGE_NOT_FOUND' && acked < target && failures++ === 0) console.log(`    receive: ${got.code} ${got.message}`);
      return undefined;
    }
    const t = process.hrtime.bigint();
    const n = ackedCount(await cons.ack(topic, group, got.handles).catch(() => undefined));
    acked += n;
    // The others' long polls once the target is reached: nothing left to wait for.
    if (acked >= target) for (const c of inFlight) c.cancel();
    return { acked: n, received: got.handles.length, us: Number(process.hrtime.bigint() - t) / 1000 };
  });
  return { ...r, errors: r.errors + failures };
}

/** BENCH_PHASES=1: one line per phase start with Date.now(), to line up with bench/rss/probe.cjs's MEM_PROBE_TRACE samples. */
function phase(name: string): void {
  if (process.env.BENCH_PHASES === '1') console.log(`phase ${name} ${Date.now()}`);
}

async function leg(system: SystemName, round: number, sys: GrpcSide, seconds: number, receiveN: number): Promise<Leg> {
  const topic = `BenchGrpc_${round}`;
  const group = `BenchGrpcGroup_${round}`;
  const admin = benchClient(sys.namesrv, 5000);
  try {
    await createRoutedTopic(admin, sys, topic);
  } finally {
    admin.close();
  }
  const prod = new BenchGrpcClient(sys.grpc, PROTO_DIR);
  const cons = new BenchGrpcClient(sys.grpc, PROTO_DIR);
  try {
    await prod.handshake('PRODUCER', topic);
    await cons.handshake('SIMPLE_CONSUMER', topic, group);
    const broker = await cons.brokerOf(topic);
    await prime(prod, cons, topic, group, broker);
    phase('send');
    const s = await sendPhase(prod, topic, seconds, receiveN);
    phase('receive');
    const r = await receivePhase(cons, topic, group, broker, Math.min(s.sent, receiveN), 60_000 + seconds * 4000);
    phase('pop');
    const p = await popLeg(sys, round, receiveN, Buffer.alloc(BODY_BYTES, 0x62), 60_000 + seconds * 4000);
    phase('end');
    const pids = sys.procs.map((p) => p.pid).filter((x): x is number => x !== undefined);
    const rss = sideRssMiB(pids.map((p) => memInfo(p)?.hwmMiB ?? NaN));
    return {
      system, round, sendMsgsPerSec: s.msgsPerSec, sendP50Us: s.p50Us, sendP99Us: s.p99Us, sendErrors: s.errors, backlog: s.sent,
      recvMsgsPerSec: r.msgsPerSec, ackP50Us: r.p50Us, ackP99Us: r.p99Us, acked: r.acked, recvErrors: r.errors,
      popMsgsPerSec: p.msgsPerSec, popP50Us: p.p50Us, popP99Us: p.p99Us, popErrors: p.errors, rssMiB: rss, procs: pids.length,
    };
  } finally {
    prod.close();
    cons.close();
  }
}

function report(legs: readonly Leg[], o: { rounds: number; seconds: number; receiveN: number; note: string; apogeeConf: readonly string[] }): string {
  const med = (s: SystemName, k: keyof Leg): number => median(legs.filter((l) => l.system === s).map((l) => l[k] as number));
  const r = (k: keyof Leg): string => fmtNum(med('Apogee', k) / med('Java', k), 2);
  const lines = [
    `# gRPC MessagingService: Apogee native endpoint vs rocketmq-proxy 5.5.0 + Apache RocketMQ 5.5.0 (${new Date().toISOString().slice(0, 16)}Z)`,
    '',
    `Command: \`npm run build && node dist/bench/grpc/run.js --rounds ${o.rounds} --seconds ${o.seconds} --receive ${o.receiveN}${o.apogeeConf.length === 0 ? '' : ` --apogeeConf ${o.apogeeConf.join(',')}`}\``,
    `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (shared with other work: treat small differences as noise).`,
    ...(o.note === '' ? [] : [`Note: ${o.note}`]),
    `Load: @grpc/grpc-js from the bench process, one channel per client, x-mq-* metadata + Telemetry settings as rocketmq-client-java 5.x. Send: ${SENDERS} callers awaiting SendMessage of one ${BODY_BYTES} B NORMAL message, ${WARMUP_S} s warm-up + ${o.seconds} s measured. Receive: ${RECEIVERS} loops of ReceiveMessage (batch ${RECEIVE_BATCH}, long polling ${POLL_MS / 1000} s, invisible ${INVISIBLE_MS / 1000} s) + one AckMessage per batch until ${fmtInt(o.receiveN)} messages are acknowledged, from a backlog of at least that many (after the window the senders go on, unmeasured, until it is there), timed from the first receive to the last ack; receive→ack = the receive stream's end to the ack's answer. ${QUEUES}-queue topic, ASYNC_FLUSH, each leg a fresh system, rounds alternate the order.`,
    'Systems: Apogee = `apogee start --grpcPort` (one Node process). Java = rocketmq-proxy 5.5.0 `-pm cluster` (-Xms256m -Xmx512m) + BrokerStartup (-Xms1g -Xmx1g, 1 GiB direct) + NamesrvStartup (-Xms256m -Xmx256m), three JVMs on Java 17. Peak RSS = the sum of the VmHWM of those processes at the end of the leg.',
    '',
    '| System | send msg/s | send p50 µs | send p99 µs | receive+ack msg/s | receive→ack p50 µs | receive→ack p99 µs | peak RSS MiB |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const s of ['Apogee', 'Java'] as SystemName[]) {
    lines.push(`| ${s} | ${fmtInt(med(s, 'sendMsgsPerSec'))} | ${fmtInt(med(s, 'sendP50Us'))} | ${fmtInt(med(s, 'sendP99Us'))} | ${fmtInt(med(s, 'recvMsgsPerSec'))} | ${fmtInt(med(s, 'ackP50Us'))} | ${fmtInt(med(s, 'ackP99Us'))} | ${fmtInt(med(s, 'rssMiB'))} |`);
  }
  lines.push(
    '',
    `Apogee / Java (medians): send ${r('sendMsgsPerSec')}× throughput, p99 ${r('sendP99Us')}×; receive+ack ${r('recvMsgsPerSec')}× throughput, receive→ack p99 ${r('ackP99Us')}×; peak RSS ${r('rssMiB')}× (goal: ≥ 1.5× throughput, a fraction of the memory).`,
    '',
    `POP over remoting straight to each side's broker (no proxy; bench/grpc/pop.ts: ${POP_LOOPS} loops of POP_MESSAGE on queue -1, ${POP_BATCH} per POP, one ACK_MESSAGE per message as the 5.x push consumer in POP mode, ${fmtInt(o.receiveN)} messages of ${BODY_BYTES} B from a backlog put first; POP answer → ack answer per message):`,
    '',
    '| System | POP+ack msg/s | POP→ack p50 µs | POP→ack p99 µs |',
    '|---|---|---|---|',
    ...(['Apogee', 'Java'] as SystemName[]).map((s) => `| ${s} | ${fmtInt(med(s, 'popMsgsPerSec'))} | ${fmtInt(med(s, 'popP50Us'))} | ${fmtInt(med(s, 'popP99Us'))} |`),
    '',
    `Apogee / Java (medians): POP+ack ${r('popMsgsPerSec')}× throughput, POP→ack p99 ${r('popP99Us')}×.`,
    '',
    '## Every leg',
    '',
    '| Round | System | send msg/s | send p99 µs | send errors | backlog | acked | receive+ack msg/s | receive→ack p99 µs | receive errors | POP+ack msg/s | POP→ack p99 µs | POP errors | peak RSS MiB (processes) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const l of legs) {
    lines.push(`| ${l.round} | ${l.system} | ${fmtInt(l.sendMsgsPerSec)} | ${fmtInt(l.sendP99Us)} | ${l.sendErrors} | ${fmtInt(l.backlog)} | ${fmtInt(l.acked)} | ${fmtInt(l.recvMsgsPerSec)} | ${fmtInt(l.ackP99Us)} | ${l.recvErrors} | ${fmtInt(l.popMsgsPerSec)} | ${fmtInt(l.popP99Us)} | ${l.popErrors} | ${fmtInt(l.rssMiB)} (${l.procs}) |`);
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  helpOr(USAGE);
  const rounds = Number(arg('rounds', '2'));
  const seconds = Number(arg('seconds', '10'));
  const receiveN = Number(arg('receive', '10000'));
  const note = arg('note', '');
  // Profiling aids: one side only, and node flags for the Apogee server process (e.g. --cpu-prof; written on exit).
  const only = arg('only', '');
  const apogeeNodeArgs = arg('apogeeNodeArgs', '').split(' ').filter((x) => x !== '');
  // Broker.conf lines for the Apogee server (an A/B of a setting).
  const apogeeConf = arg('apogeeConf', '').split(',').filter((kv) => kv.includes('='));
  const serverCp = javaServerClasspath();
  const proxyCp = proxyClasspath();
  const legs: Leg[] = [];
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-bench-grpc-'));
  try {
    for (let round = 1; round <= rounds; round++) {
      const order: SystemName[] = round % 2 === 1 ? ['Apogee', 'Java'] : ['Java', 'Apogee'];
      for (const system of order.filter((x) => only === '' || x === only)) {
        const dir = path.join(base, `${system}-${round}`);
        fs.mkdirSync(dir, { recursive: true });
        const sys = system === 'Apogee' ? await startApogeeGrpc(dir, apogeeNodeArgs, apogeeConf) : await startJavaGrpc(dir, serverCp, proxyCp);
        try {
          const l = await leg(system, round, sys, seconds, receiveN);
          console.log(`round ${round}: ${system}: send ${fmtInt(l.sendMsgsPerSec)} msg/s p99 ${fmtInt(l.sendP99Us)} µs; receive+ack ${fmtInt(l.recvMsgsPerSec)} msg/s (${l.acked}/${l.backlog}) p99 ${fmtInt(l.ackP99Us)} µs; POP+ack ${fmtInt(l.popMsgsPerSec)} msg/s p99 ${fmtInt(l.popP99Us)} µs; RSS ${fmtInt(l.rssMiB)} MiB`);
          legs.push(l);
        } finally {
          await stopAll(sys);
        }
      }
    }
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
  const out = arg('out', path.join(ROOT, 'bench', 'results', `${new Date().toISOString().slice(0, 10)}-grpc.md`));
  fs.writeFileSync(out, report(legs, { rounds, seconds, receiveN, note, apogeeConf }));
  console.log(`wrote ${out}`);
}

runBench('bench/grpc', main);
