/**
 * SQL92-filtered pull (issue 12): a backlog where one message in `matchEvery` carries k=hit, read again and again
 * by pulls with the subscription `k = 'hit'` (PULL_MESSAGE with FLAG_SUBSCRIPTION, expressionType SQL92), one
 * reader per queue, 32 messages per pull. Counts the matching messages delivered per second (and the backlog
 * messages examined per second). The broker must have enablePropertyFilter=true (Apogee's default; the bench and
 * compat harnesses set it for Java).
 *
 *   node dist/bench/loadgen.js sqlpull --namesrv A --topic T --msgs 20000 --size 128 --matchEvery 10
 *                                      --warmup 2 --seconds 10 [--serverPids 1,2]
 */
import { ResponseCode } from '../protocol/codes';
import { benchClient } from './harness/ops';
import type { WindowUsage } from './harness/proc';
import { sleep } from './harness/stats';

/** The load generator's warm-up / measure / stop cycle (bench/loadgen.ts `measured`), handed in by it. */
export type Measure = (
  gate: { measuring: boolean; stop: boolean },
  warmupMs: number,
  measureMs: number,
  start: () => Promise<void>[],
) => Promise<{ seconds: number; usage: WindowUsage }>;

export interface SqlPullResultJson {
  mode: 'sqlpull';
  matched: number;
  scanned: number;
  pulls: number;
  errors: number;
  errorCodes: Record<string, number>;
  seconds: number;
  matchedPerSec: number;
  scannedPerSec: number;
  usage: WindowUsage;
}

/**
 * Whether message `i` of the backlog carries k=hit: one in `every`, scattered pseudo-randomly (the same set every
 * run) so that every queue gets its share. Fibonacci hashing, the top of i * 0x9e3779b1 (mod 2^32) as a fraction:
 * until 2026-12-07 the bench took that product modulo `every` instead, and since the product of an odd i is odd,
 * no odd i was a hit. The sends go round robin over the topic's 8 queues, so half the queues held no hit at all
 * (and the others one in five): half the readers walked 800 units per pull and matched nothing.
 */
export function isSqlPullHit(i: number, every: number): boolean {
  return Math.floor(((Math.imul(i, 0x9e3779b1) >>> 0) * every) / 2 ** 32) === 0;
}

export async function modeSqlPull(arg: (name: string, def?: string) => string, measured: Measure): Promise<SqlPullResultJson> {
  const num = (n: string, d: number): number => Number(arg(n, String(d)));
  const namesrv = arg('namesrv');
  const topic = arg('topic');
  const msgs = num('msgs', 20_000);
  const size = num('size', 128);
  const every = num('matchEvery', 10);
  const warmupMs = num('warmup', 2) * 1000;
  const measureMs = num('seconds', 10) * 1000;
  const client = benchClient(namesrv, 10_000);
  const body = Buffer.alloc(Math.max(1, size), 0x61);

  // The backlog: `msgs` messages spread over the topic's queues by the client.
  let next = 0;
  const fill = async (): Promise<void> => {
    while (next < msgs) {
      const i = next++;
      const hit = isSqlPullHit(i, every);
      const r = await client.send(topic, body, { properties: { k: hit ? 'hit' : 'miss' } });
      if (r.code !== ResponseCode.SUCCESS) throw new Error(`fill: send ${i} answered ${r.code} ${r.remark ?? ''}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, fill));

  const queues = await client.publishQueues(topic);
  const gate = { measuring: false, stop: false };
  let matched = 0;
  let scanned = 0;
  let pulls = 0;
  let errors = 0;
  const codes: Record<string, number> = {};
  const group = `apogee_bench_sql_${Date.now().toString(36)}`;
  const reader = async (q: (typeof queues)[number]): Promise<void> => {
    const end = await client.maxOffset(q.brokerAddr, topic, q.queueId);
    let offset = 0;
    while (!gate.stop) {
      try {
        const r = await client.pull(q.brokerAddr, group, topic, q.queueId, offset, { subscription: "k = 'hit'", expressionType: 'SQL92', maxMsgNums: 32 });
        if (r.code === ResponseCode.SUCCESS || r.code === ResponseCode.PULL_RETRY_IMMEDIATELY) {
          if (gate.measuring) {
            pulls++;
            matched += r.messages.length;
            scanned += Math.max(0, r.nextBeginOffset - offset);
          }
          offset = r.nextBeginOffset >= end ? 0 : r.nextBeginOffset;
        } else if (r.code === ResponseCode.PULL_NOT_FOUND || r.code === ResponseCode.PULL_OFFSET_MOVED) {
          offset = 0;
        } else {
          errors++;
          codes[r.code] = (codes[r.code] ?? 0) + 1;
          await sleep(10);
        }
      } catch (e) {
        errors++;
        const k = (e as Error).message.slice(0, 60);
        codes[k] = (codes[k] ?? 0) + 1;
        await sleep(50);
      }
    }
  };
  const { seconds, usage } = await measured(gate, warmupMs, measureMs, () => queues.map(reader));
  client.close();
  return { mode: 'sqlpull', matched, scanned, pulls, errors, errorCodes: codes, seconds, matchedPerSec: matched / seconds, scannedPerSec: scanned / seconds, usage };
}
