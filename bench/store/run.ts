/**
 * lib/store benchmark: append throughput (1 KiB and 128 B records, single puts and batches of 32, ASYNC_FLUSH),
 * SYNC_FLUSH group commit (messages per fsync), read throughput, recovery time per GiB, beside the disk's
 * sequential write speed measured in the same run with dd.
 *
 *   npm run build && node dist/bench/store/run.js [--dir DIR] [--mib N] [--out bench/results]
 *
 * --dir   where the store and the dd file go (default: a temp dir; the disk under test)
 * --mib   MiB written per ASYNC_FLUSH append scenario (default 1024)
 * --out   directory for the results file (default bench/results); the exact command is recorded in it
 * --only  run only the append scenarios whose name contains this text (no results file then)
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeStoredMessage, stringifyProperties } from '../../protocol/message';
import { MessageStore, defaultStoreConfig, type StoreConfig, type PutMessageResult } from '../../lib/store';
import { arg } from '../harness/args';

const baseDir = arg('dir', fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-bench-store-')));
const mib = Number(arg('mib', '1024'));
const outDir = arg('out', path.join(process.cwd(), 'bench', 'results'));
/** Run only the append scenarios whose name contains this (reads and recovery need "1 KiB single"). */
const only = arg('only', '');
const QUEUES = 8;
const lines: string[] = [];
const results: Record<string, unknown> = {};

function log(s: string): void {
  console.log(s);
  lines.push(s);
}

function mbps(bytes: number, ms: number): number {
  return bytes / (1024 * 1024) / (ms / 1000);
}

function template(size: number, i: number): Buffer {
  const props = stringifyProperties([['TAGS', 'TagA'], ['KEYS', `key-${String(i).padStart(4, '0')}`], ['UNIQ_KEY', `BENCH${String(i).padStart(24, '0')}`]]);
  const probe = encodeStoredMessage({ queueId: 0, bornTimestamp: Date.now(), bornHost: { ip: Buffer.from([127, 0, 0, 1]), port: 1 }, storeHost: { ip: Buffer.from([127, 0, 0, 1]), port: 10911 }, body: Buffer.alloc(0), topic: 'BenchTopic', properties: props });
  const bodyLen = Math.max(1, size - probe.length);
  return encodeStoredMessage({ queueId: i % QUEUES, bornTimestamp: Date.now(), bornHost: { ip: Buffer.from([127, 0, 0, 1]), port: 1 }, storeHost: { ip: Buffer.from([127, 0, 0, 1]), port: 10911 }, body: Buffer.alloc(bodyLen, 0x61 + (i % 26)), topic: 'BenchTopic', properties: props });
}

function config(dir: string, overrides: Partial<StoreConfig> = {}): StoreConfig {
  return defaultStoreConfig({ storePathRootDir: dir, ...overrides });
}

function ddWriteSpeed(dir: string, sizeMiB: number): number {
  const file = path.join(dir, 'dd.bin');
  const t = Date.now();
  execFileSync('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', `count=${sizeMiB}`, 'conv=fdatasync'], { stdio: 'ignore' });
  const ms = Date.now() - t;
  fs.rmSync(file, { force: true });
  return mbps(sizeMiB * 1024 * 1024, ms);
}

interface AppendResult {
  msgs: number;
  bytes: number;
  ackedMs: number;
  durableMs: number;
  fsyncs: number;
  writes: number;
}

/** Puts `count` records of `size` bytes, `inflight` calls in flight, `batch` records per call. */
async function append(store: MessageStore, size: number, count: number, batch: number, inflight: number): Promise<AppendResult> {
  const templates = Array.from({ length: 64 }, (_, i) => template(size, i));
  const recSize = templates[0]!.length;
  // Records are copied out of large slabs, as a broker decodes them out of its request frames (the store patches
  // them in place, so every put needs its own bytes).
  let slab = Buffer.alloc(0);
  let slabPos = 0;
  const fresh = (t: Buffer): Buffer => {
    if (slabPos + t.length > slab.length) {
      slab = Buffer.allocUnsafe(16 * 1024 * 1024);
      slabPos = 0;
    }
    const b = slab.subarray(slabPos, slabPos + t.length);
    slabPos += t.length;
    t.copy(b);
    return b;
  };
  let next = 0;
  const t0 = Date.now();
  const fsyncs0 = store.stats().commitLogFsyncs;
  const writes0 = store.stats().commitLogWrites;
  let failures = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const n = Math.min(batch, count - next);
      const first = next;
      next += n;
      let r: PutMessageResult;
      if (n === 1) r = await store.putMessage(fresh(templates[first % 64]!));
      else {
        // A batch is one queue (as SEND_BATCH_MESSAGE).
        const q = templates[first % QUEUES]!;
        r = await store.putMessages(Array.from({ length: n }, () => fresh(q)));
      }
      if (r.status !== 'PUT_OK') failures++;
    }
  };
  await Promise.all(Array.from({ length: inflight }, worker));
  const ackedMs = Date.now() - t0;
  await store.flush();
  const durableMs = Date.now() - t0;
  if (failures > 0) throw new Error(`${failures} puts failed`);
  const s = store.stats();
  return { msgs: count, bytes: count * recSize, ackedMs, durableMs, fsyncs: s.commitLogFsyncs - fsyncs0, writes: s.commitLogWrites - writes0 };
}

function report(name: string, r: AppendResult, diskMBps: number): void {
  const acked = mbps(r.bytes, r.ackedMs);
  const durable = mbps(r.bytes, r.durableMs);
  log(
    `| ${name} | ${Math.round(r.msgs / (r.ackedMs / 1000)).toLocaleString('en-US')} | ${acked.toFixed(0)} | ${durable.toFixed(0)} | ${((durable / diskMBps) * 100).toFixed(0)}% | ${r.writes} | ${r.fsyncs} | ${(r.msgs / Math.max(1, r.fsyncs)).toFixed(1)} |`,
  );
  results[name] = { ...r, ackedMBps: acked, durableMBps: durable, diskShare: durable / diskMBps, msgsPerFsync: r.msgs / Math.max(1, r.fsyncs) };
}

async function main(): Promise<void> {
  fs.mkdirSync(baseDir, { recursive: true });
  const cmd = `node dist/bench/store/run.js ${process.argv.slice(2).join(' ')}`.trim();
  log(`# lib/store benchmark`);
  log('');
  log(`command: \`npm run build && ${cmd}\``);
  log(`date: ${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.platform()} ${os.release()}`);
  log(`store dir: ${baseDir}; load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (other processes share this machine)`);
  log('');
  const diskMBps = ddWriteSpeed(baseDir, Math.min(2048, Math.max(256, mib)));
  results.ddMBps = diskMBps;
  log(`disk sequential write (dd bs=1M conv=fdatasync, ${Math.min(2048, Math.max(256, mib))} MiB): **${diskMBps.toFixed(0)} MB/s**`);
  log('');
  log('| scenario | msgs/s (acked) | MB/s acked | MB/s durable | durable / dd | write(2) calls | fsyncs | msgs per fsync |');
  log('|---|---|---|---|---|---|---|---|');

  const bytes = mib * 1024 * 1024;
  const scenarios: { name: string; size: number; batch: number; inflight: number; sync: boolean; bytes: number }[] = [
    { name: 'ASYNC_FLUSH 1 KiB single', size: 1024, batch: 1, inflight: 512, sync: false, bytes },
    { name: 'ASYNC_FLUSH 1 KiB batch 32', size: 1024, batch: 32, inflight: 64, sync: false, bytes },
    { name: 'ASYNC_FLUSH 128 B single', size: 128, batch: 1, inflight: 512, sync: false, bytes: bytes / 4 },
    { name: 'ASYNC_FLUSH 128 B batch 32', size: 128, batch: 32, inflight: 64, sync: false, bytes: bytes / 4 },
    { name: 'SYNC_FLUSH 1 KiB single', size: 1024, batch: 1, inflight: 256, sync: true, bytes: bytes / 4 },
    { name: 'SYNC_FLUSH 128 B single', size: 128, batch: 1, inflight: 256, sync: true, bytes: bytes / 16 },
  ];
  let readDir = '';
  let readBytes = 0;
  for (const sc of scenarios) {
    if (only !== '' && !sc.name.includes(only)) continue;
    const dir = path.join(baseDir, sc.name.replace(/[^a-zA-Z0-9]+/g, '-'));
    const store = await MessageStore.open(config(dir, { flushDiskType: sc.sync ? 'SYNC_FLUSH' : 'ASYNC_FLUSH' }));
    const r = await append(store, sc.size, Math.floor(sc.bytes / sc.size), sc.batch, sc.inflight);
    report(sc.name, r, diskMBps);
    await store.shutdown();
    if (readDir === '' && !sc.sync && sc.batch === 1) {
      readDir = dir;
      readBytes = r.bytes;
    } else {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  log('');
  log('"acked": until every put resolved (ASYNC_FLUSH: after write(2); SYNC_FLUSH: after fsync). "durable": until the last fsync');
  log('after the run finished. dd writes through the page cache and fsyncs once at the end, like an ASYNC_FLUSH run measured to');
  log('"durable".');

  if (readDir === '') {
    fs.rmSync(baseDir, { recursive: true, force: true });
    return;
  }
  // ---- reads (a fresh store: the tail cache is empty; the page cache is warm from the writes)
  log('');
  log('| read scenario | msgs/s | MB/s |');
  log('|---|---|---|');
  {
    const store = await MessageStore.open(config(readDir));
    let msgs = 0;
    let got = 0;
    const t = Date.now();
    for (let q = 0; q < QUEUES; q++) {
      let offset = 0;
      const max = store.getMaxOffsetInQueue('BenchTopic', q);
      while (offset < max) {
        const g = await store.getMessage('BenchTopic', q, offset, 32);
        msgs += g!.messageCount;
        got += g!.bufferTotalSize;
        offset = g!.nextBeginOffset;
      }
    }
    const ms = Date.now() - t;
    log(`| pull 32 at a time, all ${QUEUES} queues from offset 0 (file reads) | ${Math.round(msgs / (ms / 1000)).toLocaleString('en-US')} | ${mbps(got, ms).toFixed(0)} |`);
    results.readCold = { msgs, bytes: got, ms };
    // Tail pulls: a consumer that keeps up reads what was just written (from the tail cache).
    const producerMsgs = 200_000;
    const tpl = template(1024, 0);
    const start = store.getMaxOffsetInQueue('BenchTopic', 0);
    let consumed = 0;
    let consumedBytes = 0;
    const t2 = Date.now();
    let produced = 0;
    const producer = (async () => {
      const inflight: Promise<unknown>[] = [];
      for (; produced < producerMsgs; produced++) {
        inflight.push(store.putMessage(Buffer.from(tpl)));
        if (inflight.length >= 256) await Promise.all(inflight.splice(0));
      }
      await Promise.all(inflight);
    })();
    let offset = start;
    while (consumed < producerMsgs) {
      const g = await store.getMessage('BenchTopic', 0, offset, 32);
      if (g!.messageCount === 0) {
        await new Promise((r) => setImmediate(r));
        continue;
      }
      consumed += g!.messageCount;
      consumedBytes += g!.bufferTotalSize;
      offset = g!.nextBeginOffset;
    }
    await producer;
    const ms2 = Date.now() - t2;
    log(`| tail pull 32 at a time while producing (tail cache) | ${Math.round(consumed / (ms2 / 1000)).toLocaleString('en-US')} | ${mbps(consumedBytes, ms2).toFixed(0)} |`);
    results.readTail = { msgs: consumed, bytes: consumedBytes, ms: ms2 };
    await store.shutdown();
  }

  // ---- recovery
  log('');
  log('| recovery of the 1 KiB store | seconds | s per GiB |');
  log('|---|---|---|');
  const gib = readBytes / 2 ** 30;
  {
    let t = Date.now();
    let store = await MessageStore.open(config(readDir));
    let s = (Date.now() - t) / 1000;
    log(`| after a clean shutdown | ${s.toFixed(2)} | ${(s / gib).toFixed(2)} |`);
    results.recoverClean = s;
    // A crash: the abort file stays; the checkpoint is whatever the last flush left.
    store.closeAbruptly();
    await new Promise((r) => setTimeout(r, 100));
    t = Date.now();
    store = await MessageStore.open(config(readDir));
    s = (Date.now() - t) / 1000;
    log(`| after a crash (checkpoint as left) | ${s.toFixed(2)} | ${(s / gib).toFixed(2)} |`);
    results.recoverCrash = s;
    store.closeAbruptly();
    await new Promise((r) => setTimeout(r, 100));
    // Worst case: no usable checkpoint, the whole log is replayed (CRC of every body, consume queues, index).
    fs.writeFileSync(path.join(readDir, 'checkpoint'), Buffer.alloc(4096));
    t = Date.now();
    store = await MessageStore.open(config(readDir));
    s = (Date.now() - t) / 1000;
    log(`| after a crash, full replay (checkpoint zeroed) | ${s.toFixed(2)} | ${(s / gib).toFixed(2)} |`);
    results.recoverFullReplayPerGiB = s / gib;
    await store.shutdown();
  }
  log('');
  log(`data: ${(readBytes / 2 ** 20).toFixed(0)} MiB of 1 KiB records in ${QUEUES} queues, default config (1 GiB commit log files, index on).`);
  log(`load average at end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  fs.rmSync(baseDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const stamp = new Date().toISOString().slice(0, 10);
  fs.writeFileSync(path.join(outDir, `store-${stamp}.md`), lines.join('\n') + '\n');
  fs.writeFileSync(path.join(outDir, `store-${stamp}.json`), JSON.stringify({ command: cmd, results }, null, 2) + '\n');
  log(`\nwritten to ${path.join(outDir, `store-${stamp}.md`)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
