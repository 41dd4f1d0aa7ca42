/**
 * Test helpers of the lib/ha unit tests: wait for a condition, fill a store with seeded mixed-size records, read its
 * commit log bytes back (what a slave must hold byte for byte).
 */
import * as assert from 'node:assert/strict';
import type { MessageStore } from '../../store';
import { seededRandom } from '../../store/testing/fault-io';
import { makeRecord } from '../../store/testing/records';

/** Polls `cond` every 20 ms; fails naming `what` after `ms`. */
export async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `n` records on topics T0/T1, bodies of 1..7000 bytes from `seed`, filled with `firstByte + i % 250`. */
export async function fill(store: MessageStore, n: number, seed: number, firstByte = 0): Promise<void> {
  const rnd = seededRandom(seed);
  for (let i = 0; i < n; i++) {
    const r = await store.putMessage(makeRecord({ topic: `T${i % 2}`, body: Buffer.alloc(1 + Math.floor(rnd() * 7000), firstByte + (i % 250)) }));
    assert.equal(r.status, 'PUT_OK');
  }
}

/** The commit log bytes in [from, to), read as a slave's source would (replica reads of up to 1 MiB). */
export async function logBytes(store: MessageStore, from: number, to = Number.MAX_SAFE_INTEGER): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let at = from; at < to; ) {
    const d = await store.replica.read(at, Math.min(1 << 20, to - at));
    if (d === undefined) break;
    parts.push(d);
    at += d.length;
  }
  return Buffer.concat(parts);
}
