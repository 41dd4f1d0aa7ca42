/**
 * The store side of the SQL92-filtered pull (issue 12), without network: the backlog of bench/sqlpull.ts (records
 * as the broker stores a lib/client send: k=hit|miss, UNIQ_KEY, WAIT, CLUSTER, MSG_REGION, TRACE_ON; the same
 * hit pattern) read again and again by `getMessage` with the pull's filter for `k = 'hit'`, 32 per call, one
 * reader per queue in turn. Prints main-thread CPU microseconds per examined unit and per match, to compare
 * store/filter changes without the noise of the loopback bench.
 *
 *   npm run build && node dist/bench/store/sqlpull.js [--msgs 20000] [--seconds 5] [--rounds 3] [--startOffset 4294967296]
 *                                                      [--matchEvery 100] [--prewriteMiB 2500]
 *                                                      [--cpu-prof ...]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeStoredMessage, stringifyProperties } from '../../protocol/message';
import { sql92MessageFilter } from '../../lib/broker';
import { compileSql92 } from '../../lib/filter';
import { MessageStore, defaultStoreConfig, offset2FileName, storePaths } from '../../lib/store';
import { arg } from '../harness/args';
import { isSqlPullHit } from '../sqlpull';

const QUEUES = 8;
const TOPIC = 'Bench_sqlpull';
const PREWRITE_TOPIC = 'Bench_prewrite';
const msgs = Number(arg('msgs', '20000'));
const seconds = Number(arg('seconds', '5'));
const rounds = Number(arg('rounds', '3'));
/**
 * Where the commit log starts, in bytes (a multiple of the 1 GiB file size): its first file is created empty under
 * that name, as a broker that has deleted its older files has. From 2^31 on every physical offset the walk handles
 * is a heap number, not a small integer, as on any broker that has stored more than 2 GiB.
 */
const startOffset = Number(arg('startOffset', '0'));
/** One record in this many matches (the broker rows: sqlpull-1in10-128b, sqlpull-1in100-128b). */
const matchEvery = Number(arg('matchEvery', '10'));
/**
 * MiB of 1 KiB-body records written to another topic before the backlog, as the full sequence's producer rows write
 * before its SQL92 rows (the walk is slower there: bench/results/2026-12-07-sqlpull-in-sequence.md).
 */
const prewriteMiB = Number(arg('prewriteMiB', '0'));

function record(i: number, queueId: number, topic = TOPIC, bodyBytes = 128): Buffer {
  const hit = isSqlPullHit(i, matchEvery);
  const uniq = `7F000001${i.toString(16).toUpperCase().padStart(24, '0')}`;
  const props = stringifyProperties([
    ['k', hit ? 'hit' : 'miss'],
    ['UNIQ_KEY', uniq],
    ['WAIT', 'true'],
    ['CLUSTER', 'DefaultCluster'],
    ['MSG_REGION', 'DefaultRegion'],
    ['TRACE_ON', 'true'],
  ]);
  const host = { ip: Buffer.from([127, 0, 0, 1]), port: 10911 };
  return encodeStoredMessage({ queueId, bornTimestamp: Date.now(), bornHost: host, storeHost: host, body: Buffer.alloc(bodyBytes, 0x61), topic, properties: props });
}

/** As the bench's 16 senders: `n` records (round robin over the queues, by `make`), 16 in flight together. */
async function fill(store: MessageStore, n: number, make: (i: number) => Buffer): Promise<void> {
  const puts: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    puts.push(store.putMessage(make(i)));
    if (puts.length >= 16) await Promise.all(puts.splice(0));
  }
  await Promise.all(puts);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-bench-sqlpull-'));
  const config = defaultStoreConfig({ storePathRootDir: dir });
  if (startOffset > 0) {
    if (startOffset % config.mappedFileSizeCommitLog !== 0) throw new Error(`--startOffset ${startOffset}: not a multiple of the commit log file size ${config.mappedFileSizeCommitLog}`);
    const first = path.join(storePaths(config).commitLog, offset2FileName(startOffset));
    fs.mkdirSync(path.dirname(first), { recursive: true });
    fs.writeFileSync(first, '');
    fs.truncateSync(first, config.mappedFileSizeCommitLog);
  }
  const store = await MessageStore.open(config);
  try {
    if (prewriteMiB > 0) {
      const t0 = Date.now();
      const n = Math.ceil((prewriteMiB * 1024 * 1024) / record(0, 0, PREWRITE_TOPIC, 1024).length);
      await fill(store, n, (i) => record(i, i % QUEUES, PREWRITE_TOPIC, 1024));
      console.log(`prewrite: ${n} records of 1 KiB bodies in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    await fill(store, msgs, (i) => record(i, i % QUEUES));
    console.log(`backlog: ${msgs} records in the commit log at [${store.commitLog.minOffset}, ${store.getMaxPhyOffset()})`);
    const compiled = compileSql92("k = 'hit'");
    if (!compiled.ok) throw new Error(compiled.error);
    const offsets = new Array<number>(QUEUES).fill(0);
    const ends = Array.from({ length: QUEUES }, (_, q) => store.getMaxOffsetInQueue(TOPIC, q));
    for (let r = 0; r < rounds; r++) {
      let matched = 0;
      let examined = 0;
      const cpu0 = process.cpuUsage();
      const t0 = Date.now();
      while (Date.now() - t0 < seconds * 1000) {
        for (let q = 0; q < QUEUES; q++) {
          // A filter per pull, as the pull processor makes one.
          const g = (await store.getMessage(TOPIC, q, offsets[q]!, 32, undefined, sql92MessageFilter(compiled.filter)))!;
          matched += g.messageCount;
          examined += g.nextBeginOffset - offsets[q]!;
          offsets[q] = g.nextBeginOffset >= ends[q]! ? 0 : g.nextBeginOffset;
        }
      }
      const c = process.cpuUsage(cpu0);
      const us = c.user + c.system;
      console.log(
        `round ${r + 1}: ${matched} matched, ${examined} examined in ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
          `CPU ${(us / examined).toFixed(3)} us per unit examined, ${(us / Math.max(1, matched)).toFixed(2)} us per match (${(us / 1e6 / (Math.max(1, matched) / 1e6)).toFixed(1)} s per 1M matches)`,
      );
    }
  } finally {
    await store.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
