import { strict as assert } from 'node:assert';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { createRequest, encodeCommand } from '../../protocol/command';
import { RawPeer } from './testing/raw-peer';

const MiB = 1024 * 1024;
const BUDGET_BYTES = 64 * MiB;
const SLOW_READERS = 1000;
const REQUESTS_PER_READER = 8;
const RESPONSE_BYTES = 256 * 1024;

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

function nextLine(child: ChildProcessWithoutNullStreams, prefix: string): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    const on = (c: Buffer): void => {
      buf += c.toString();
      const line = buf.split('\n').find((l) => l.startsWith(prefix));
      if (line !== undefined) {
        child.stdout.off('data', on);
        resolve(line);
      }
    };
    child.stdout.on('data', on);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('process-wide budget with slow readers (real process, real sockets)', function () {
  this.timeout(60_000);
  let child: ChildProcessWithoutNullStreams;

  after(() => child?.kill());

  it(`rule remotingBufferedBytesMax: ${SLOW_READERS} connections that send ${REQUESTS_PER_READER} requests for 256 KiB and never read keep RSS under the budget plus a fixed overhead; another client is served; memory comes back`, async () => {
    const script = path.join(__dirname, 'testing', 'budget-child.js');
    const opts = { bufferedBytesMax: BUDGET_BYTES, limits: { writeBufferHighBytes: 4 * MiB, connectionBufferedBytesMax: 64 * MiB } };
    // As the bin entry points do (their shebang): without a fixed mmap threshold glibc keeps freed 256 KiB buffers
    // in its heap and RSS does not come back (measured: 186 MiB after close without it, 75 MiB with it).
    child = spawn(process.execPath, ['--expose-gc', script, JSON.stringify(opts)], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '131072' } });
    const port = Number((await nextLine(child, 'port ')).split(' ')[1]);
    const good = await RawPeer.connect(port);
    let opaque = 1;
    const roundTrip = async (): Promise<void> => {
      const want = good.frames.length + 1;
      good.socket.write(encodeCommand(createRequest({ code: 2, opaque: opaque++, version: 1 })));
      await good.waitFor(() => good.frames.length >= want, 10_000);
    };
    for (let i = 0; i < 20; i++) await roundTrip();
    const baseline = rssBytes(child.pid!);

    const request = encodeCommand(createRequest({ code: 1, opaque: 0, version: 1, extFields: new Map([['size', String(RESPONSE_BYTES)]]) }));
    const burst = Buffer.concat(Array.from({ length: REQUESTS_PER_READER }, () => request));
    const slow: net.Socket[] = [];
    let peak = 0;
    for (let i = 0; i < SLOW_READERS; i++) {
      const s = net.connect({ host: '127.0.0.1', port });
      s.on('error', () => undefined);
      s.pause(); // never reads
      s.write(burst);
      slow.push(s);
      if (i % 20 === 19) {
        await roundTrip();
        peak = Math.max(peak, rssBytes(child.pid!));
      }
    }
    const stats = async (): Promise<{ line: string; connections: number }> => {
      child.stdin.write('stats\n');
      const line = await nextLine(child, 'connections ');
      return { line, connections: Number(line.split(' ')[1]) };
    };
    // Until every slow reader is being served (accepted, its requests read), and at least 30 round trips.
    let st = await stats();
    for (let i = 0; i < 30 || st.connections < SLOW_READERS + 1; i++) {
      assert.ok(i < 600, `only ${st.connections} connections accepted`);
      await roundTrip(); // other clients keep being served
      await sleep(50);
      peak = Math.max(peak, rssBytes(child.pid!));
      st = await stats();
    }
    await sleep(500);
    peak = Math.max(peak, rssBytes(child.pid!));
    const unbounded = SLOW_READERS * REQUESTS_PER_READER * RESPONSE_BYTES;
    // Fixed overhead: the connections that filled the budget before it was reached (writeBufferHighBytes each at
    // most, i.e. the budget again), then per connection BUDGET_PAUSE_BYTES, the answer being written when it paused,
    // and its socket objects: 512 KiB each is generous and still 10x less than the 2 GB the readers asked for.
    const bound = baseline + 2 * BUDGET_BYTES + SLOW_READERS * 512 * 1024;
    console.log(`      baseline ${(baseline / MiB).toFixed(0)} MiB, peak ${(peak / MiB).toFixed(0)} MiB, bound ${(bound / MiB).toFixed(0)} MiB, asked ${(unbounded / MiB).toFixed(0)} MiB; ${(await stats()).line}`);
    assert.ok(peak < bound, `peak RSS ${peak} over ${bound}`);

    for (const s of slow) s.destroy();
    for (let i = 0; (await stats()).connections > 1; i++) {
      assert.ok(i < 200, 'the server saw the slow readers close');
      await sleep(50);
    }
    for (let i = 0; i < 3; i++) {
      console.log('      ' + (await stats()).line); // each one runs a full GC first
      await sleep(200);
    }
    const after = rssBytes(child.pid!);
    console.log(`      after the slow readers closed: ${(after / MiB).toFixed(0)} MiB`);
    assert.ok(after < baseline + BUDGET_BYTES, `RSS ${after} not returned (baseline ${baseline})`);
    await roundTrip();
    good.end();
    child.stdin.end();
  });
});
