import * as assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { nativeMallocTrim } from '../common';
import { MessageStore } from './message-store';
import { FaultIO } from './testing/fault-io';
import { testConfig } from './testing/records';

/** The store's periodic malloc_trim (heapTrimIntervalMs / heapTrimFreeBytesMin; lib/common/release-memory.ts). */

async function runFor(ms: number, overrides: Record<string, number>): Promise<string[]> {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk: Buffer, _enc, cb) { lines.push(chunk.toString()); cb(); } });
  const store = await MessageStore.open(testConfig('/s', overrides), { io: new FaultIO(), logger: pino({ level: 'debug' }, sink) });
  await new Promise((r) => setTimeout(r, ms));
  await store.shutdown();
  return lines.filter((l) => l.includes('malloc_trim:'));
}

describe('store: glibc heap memory goes back to the OS under load (heapTrimIntervalMs)', () => {
  before(function () {
    if (nativeMallocTrim() === undefined) {
      console.log('      skipped: dist/native/malloc-trim.node is not built here (release-memory.test.ts says why)');
      this.skip();
    }
  });

  it('every heapTrimIntervalMs, when glibc keeps at least heapTrimFreeBytesMin free, it trims and logs what it gave back', async () => {
    const trims = await runFor(400, { heapTrimIntervalMs: 50, heapTrimFreeBytesMin: 0 });
    assert.ok(trims.length >= 3, `${trims.length} trims in 400 ms at a 50 ms interval`);
    const r = JSON.parse(trims[0]!) as { freeBytes: number; rssBeforeBytes: number; rssAfterBytes: number; trimMs: number };
    assert.ok(r.rssBeforeBytes > 0 && r.rssAfterBytes > 0 && r.trimMs >= 0 && r.freeBytes >= 0);
  });

  it('not below heapTrimFreeBytesMin, and never with heapTrimIntervalMs=0', async () => {
    assert.equal((await runFor(300, { heapTrimIntervalMs: 50, heapTrimFreeBytesMin: 2 ** 50 })).length, 0);
    assert.equal((await runFor(300, { heapTrimIntervalMs: 0, heapTrimFreeBytesMin: 0 })).length, 0);
  });
});
