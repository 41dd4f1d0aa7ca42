/**
 * lib/timer benchmark (issue 12): N timers due in the same second, put straight into rmq_sys_wheel_timer (as the
 * broker's send hook leaves them) on a real store; reports how long the enqueue into the wheel took and how late
 * after their time the last of them reached its topic. Apogee only (no Java side by side yet).
 *
 *   npm run build && node dist/bench/timer/run.js [--n 10000] [--rounds 3] [--dir DIR]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '../../lib/common';
import { MessageStore, defaultStoreConfig } from '../../lib/store';
import { TimerMessageStore, TIMER_TOPIC } from '../../lib/timer';
import { encodeStoredMessage } from '../../protocol/message';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : def;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function round(n: number, base: string): Promise<{ putMs: number; enqueueMs: number; lateMs: number }> {
  const dir = fs.mkdtempSync(path.join(base, 'round-'));
  const config = defaultStoreConfig({ storePathRootDir: dir, mappedFileSizeCommitLog: 256 * 1024 * 1024 });
  const store = await MessageStore.open(config, { logger: silentLogger() });
  const timer = await TimerMessageStore.open({ store, config, logger: silentLogger() });
  timer.start();
  const due = Math.ceil((Date.now() + 4000) / 1000) * 1000;
  const host = { ip: new Uint8Array([127, 0, 0, 1]), port: 1 };
  const t0 = Date.now();
  const puts = [];
  for (let i = 0; i < n; i++) {
    const properties = `UNIQ_KEY\u0001k${i}\u0002TIMER_OUT_MS\u0001${due - 1000}\u0002REAL_TOPIC\u0001BenchTimer\u0002REAL_QID\u00010\u0002`;
    puts.push(store.putMessage(encodeStoredMessage({ queueId: 0, bornTimestamp: t0, bornHost: host, storeHost: host, body: Buffer.alloc(128), topic: TIMER_TOPIC, properties })));
  }
  await Promise.all(puts);
  const putMs = Date.now() - t0;
  while (timer.progress().queueOffset < n) await sleep(5);
  const enqueueMs = Date.now() - t0;
  while (store.getMaxOffsetInQueue('BenchTimer', 0) < n) await sleep(2);
  const lateMs = Date.now() - due;
  await timer.shutdown();
  await store.shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
  return { putMs, enqueueMs, lateMs };
}

async function main(): Promise<void> {
  const n = Number(arg('n', '10000'));
  const rounds = Number(arg('rounds', '3'));
  const base = arg('dir', fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-bench-timer-')));
  console.log(`timers due in the same second: n=${n}, precision 1000 ms (load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')})`);
  for (let r = 1; r <= rounds; r++) {
    const x = await round(n, base);
    console.log(`round ${r}: put ${x.putMs} ms, in the wheel after ${x.enqueueMs} ms, last delivered ${x.lateMs} ms after its time`);
  }
}

void main();
