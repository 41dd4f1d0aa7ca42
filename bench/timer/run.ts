/**
 * Timer benchmark (issue 12), Apogee and Apache RocketMQ 5.5.0 ("Java tuned", bench/harness/systems.ts) side by side
 * in one run: N timer messages due in the same second, sent over the wire by lib/client (16 callers, 128 B, the
 * TIMER_DELIVER_MS property the Java client's setDeliverTimeMs sets) to a fresh 8-queue topic, then
 *
 *   send      the time until every send was acknowledged (the broker's timer enqueue path: the message goes to
 *             rmq_sys_wheel_timer), as messages per second;
 *   first     how late after the asked second the first of them was stored in its topic;
 *   last      how late after the asked second the last of them was (Java's rule: a 1 s slot is delivered once it is
 *             over, so up to one tick of 1 000 ms is expected on both).
 *
 * The due second is set far enough ahead (--leadMs) that every send is acknowledged before it; a round where that
 * did not hold says so. Both systems start fresh for every round (same broker.conf, ASYNC_FLUSH), the order is
 * reversed every round, and the report shows each round and the medians with Apogee/Java ratios.
 *
 *   npm run build && node dist/bench/timer/run.js [--n 10000] [--rounds 3] [--leadMs 15000] [--out FILE.md]
 *     [--only apogee|java-tuned] [--apogeeNodeArgs "--cpu-prof --cpu-prof-dir DIR"]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunContext, repoRoot } from '../../compat-tests/runner';
import { createLogger } from '../../lib/common';
import { ResponseCode } from '../../protocol/codes';
import { benchClient, createTopic, storedInTopic } from '../harness/ops';
import { fmtInt, fmtNum, median, sleep } from '../harness/stats';
import { startSystem, systemDefs, type RunningSystem, type SystemName } from '../harness/systems';
import { arg } from '../harness/args';

/** Concurrent senders (lib/client callers). */
const CALLERS = 16;
/** How often the topic's stored count is read while waiting for the deliveries, in ms. */
const POLL_MS = 20;
/** Sends answered SYSTEM_BUSY (flow control) retried per round before the round fails, and the wait before each, ms. */
const BUSY_RETRIES_MAX = 10_000;
const BUSY_RETRY_WAIT_MS = 20;
/** Give up waiting for the deliveries this long after the due second, in ms. */
const DELIVERY_LIMIT_MS = 120_000;

interface Round {
  system: SystemName;
  round: number;
  sendMs: number;
  sendPerSec: number;
  firstLateMs: number;
  lastLateMs: number;
  delivered: number;
  note?: string;
}

async function timerRound(sys: RunningSystem, n: number, leadMs: number, round: number): Promise<Round> {
  const client = benchClient(sys.namesrvAddr, 15_000);
  try {
    const topic = `BenchTimer_${round}_${Date.now().toString(36)}`;
    await createTopic(client, sys.brokerAddr, topic, 8);
    await client.send(topic, Buffer.alloc(16)); // route known, connection open: outside the measurement
    const base = await storedInTopic(client, sys.brokerAddr, topic);
    const due = Math.ceil((Date.now() + leadMs) / 1000) * 1000;
    const body = Buffer.alloc(128, 0x74);
    let next = 0;
    let busy = 0;
    const t0 = Date.now();
    const sender = async (): Promise<void> => {
      while (next < n) {
        next++;
        for (;;) {
          const r = await client.send(topic, body, { properties: { TIMER_DELIVER_MS: String(due) } });
          if (r.code === ResponseCode.SUCCESS) break;
          // Broker flow control on a loaded machine (Java: TIMEOUT_CLEAN_QUEUE): the official client retries it too.
          if (r.code !== ResponseCode.SYSTEM_BUSY || ++busy > BUSY_RETRIES_MAX) throw new Error(`timer send answered ${r.code} ${r.remark ?? ''}`);
          await sleep(BUSY_RETRY_WAIT_MS);
        }
      }
    };
    await Promise.all(Array.from({ length: CALLERS }, sender));
    const sendMs = Date.now() - t0;
    const note = Date.now() >= due ? `the sends ended ${Date.now() - due} ms after the due second (raise --leadMs)` : undefined;
    const early = (await storedInTopic(client, sys.brokerAddr, topic)) - base;
    let firstAt: number | undefined;
    let stored = early;
    while (stored < n && Date.now() < due + DELIVERY_LIMIT_MS) {
      await sleep(POLL_MS);
      stored = (await storedInTopic(client, sys.brokerAddr, topic)) - base;
      if (firstAt === undefined && stored > 0) firstAt = Date.now();
    }
    const lastAt = Date.now();
    const notes = [note, busy > 0 ? `${busy} sends answered SYSTEM_BUSY (flow control) and were retried` : undefined, early > 0 ? `${early} delivered before the sends ended` : undefined, stored < n ? `only ${stored} of ${n} delivered` : undefined].filter((x) => x !== undefined);
    return {
      system: sys.def.name,
      round,
      sendMs,
      sendPerSec: (n * 1000) / sendMs,
      firstLateMs: (firstAt ?? lastAt) - due,
      lastLateMs: lastAt - due,
      delivered: stored,
      ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    };
  } finally {
    client.close();
  }
}

function report(rounds: Round[], n: number, command: string, started: string, load: string): string {
  const sys = (s: SystemName): Round[] => rounds.filter((r) => r.system === s);
  const med = (s: SystemName, k: 'sendPerSec' | 'firstLateMs' | 'lastLateMs'): number => median(sys(s).map((r) => r[k]));
  const a = (k: 'sendPerSec' | 'firstLateMs' | 'lastLateMs'): number => med('apogee', k);
  const j = (k: 'sendPerSec' | 'firstLateMs' | 'lastLateMs'): number => med('java-tuned', k);
  const lines = [
    `# Timer messages: ${fmtInt(n)} due in the same second — Apogee vs Apache RocketMQ 5.5.0, side by side`,
    '',
    `Command: \`${command}\``,
    '',
    `${started} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'} · node ${process.version} · load average at start ${load} (a shared development VM: other sessions were running).`,
    `Systems started fresh every round, order reversed every round, ASYNC_FLUSH, the bench's broker.conf; Java = "Java tuned" (${systemDefs()['java-tuned'].description}).`,
    `Workload: lib/client, ${CALLERS} callers, 128 B bodies with TIMER_DELIVER_MS = one whole second ahead, to a fresh 8-queue topic; the topic's stored count (GET_TOPIC_STATS_INFO) read every ${POLL_MS} ms.`,
    '',
    '| median of rounds | Apogee | Java | Apogee vs Java |',
    '|---|---|---|---|',
    `| timer sends acknowledged, msg/s | ${fmtInt(a('sendPerSec'))} | ${fmtInt(j('sendPerSec'))} | ${fmtNum(a('sendPerSec') / j('sendPerSec'))}× |`,
    `| first delivered, ms after the due second | ${fmtInt(a('firstLateMs'))} | ${fmtInt(j('firstLateMs'))} | ${fmtNum(j('firstLateMs') / Math.max(1, a('firstLateMs')))}× sooner |`,
    `| last delivered, ms after the due second | ${fmtInt(a('lastLateMs'))} | ${fmtInt(j('lastLateMs'))} | ${fmtNum(j('lastLateMs') / Math.max(1, a('lastLateMs')))}× sooner |`,
    '',
    '"× sooner": Java ÷ Apogee (above 1 = Apogee delivers earlier).',
    '',
    '| round | system | sends (ms) | msg/s | first late (ms) | last late (ms) | delivered | note |',
    '|---|---|---|---|---|---|---|---|',
    ...rounds.map((r) => `| ${r.round} | ${r.system} | ${fmtInt(r.sendMs)} | ${fmtInt(r.sendPerSec)} | ${fmtInt(r.firstLateMs)} | ${fmtInt(r.lastLateMs)} | ${fmtInt(r.delivered)} | ${r.note ?? ''} |`),
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const n = Number(arg('n', '10000'));
  const rounds = Number(arg('rounds', '3'));
  const leadMs = Number(arg('leadMs', '15000'));
  const out = arg('out', '');
  /** Only this system's legs (apogee or java-tuned), e.g. to profile Apogee with --apogeeNodeArgs "--cpu-prof --cpu-prof-dir DIR". */
  const only = arg('only', '');
  const apogeeNodeArgs = arg('apogeeNodeArgs', '').split(' ').filter((a) => a !== '');
  if (!fs.existsSync(path.join(repoRoot(), 'dist', 'lib', 'bin', 'apogee.js'))) throw new Error('build first: npm run build');
  const ctx = RunContext.create({ keepRuns: 3, logger: createLogger({ name: 'bench-timer', fd: 2, level: 'warn' }) });
  const defs = systemDefs();
  const started = new Date().toISOString();
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  const results: Round[] = [];
  console.log(`timers due in the same second: n=${n}, ${rounds} round(s), run directory ${ctx.dir}`);
  for (let r = 1; r <= rounds; r++) {
    const order: SystemName[] = r % 2 === 1 ? ['apogee', 'java-tuned'] : ['java-tuned', 'apogee'];
    for (const name of order.filter((x) => only === '' || x === only)) {
      let sys: RunningSystem | undefined;
      try {
        const nodeArgs = name === 'apogee' ? apogeeNodeArgs : [];
        sys = await startSystem(ctx, defs[name], ctx.suiteDir(`${name}-round${r}`), { flush: 'ASYNC_FLUSH', ...(nodeArgs.length > 0 ? { nodeArgs } : {}) });
        const x = await timerRound(sys, n, leadMs, r);
        results.push(x);
        console.log(`round ${r} ${name}: sends ${x.sendMs} ms (${fmtInt(x.sendPerSec)} msg/s), first ${x.firstLateMs} ms and last ${x.lastLateMs} ms after the due second, ${x.delivered}/${n}${x.note !== undefined ? ` (${x.note})` : ''}`);
        if (name === 'apogee' && apogeeNodeArgs.length > 0) await sys.stopGracefully(60_000); // writes a --cpu-prof profile
      } finally {
        await sys?.stop().catch(() => undefined);
      }
    }
  }
  const md = report(results, n, `npm run build && node dist/bench/timer/run.js ${process.argv.slice(2).join(' ')}`.trim(), started, load);
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
