import * as assert from 'node:assert/strict';
import { silentLogger } from '../common';
import { ConsumeQueue, CQ_STORE_UNIT_SIZE, readCqPhy } from './consume-queue';
import { CQ_READ_BLOCK_BYTES, CqReadCache } from './cq-read-cache';
import { FaultIO } from './testing/fault-io';

const UNITS = 4_000;
const TAIL_UNITS_MAX = 100;

async function filledQueue(io: FaultIO, cache: CqReadCache | undefined): Promise<ConsumeQueue> {
  const cq = new ConsumeQueue({
    io,
    root: '/s/consumequeue',
    topic: 'T',
    queueId: 0,
    fileSize: 6_000 * CQ_STORE_UNIT_SIZE,
    tailUnitsMax: TAIL_UNITS_MAX,
    logger: silentLogger(),
    ...(cache !== undefined ? { readCache: cache } : {}),
  });
  for (let i = 0; i < UNITS; i++) cq.put(1_000 + i * 100, 100, 0, i);
  await cq.write();
  return cq;
}

/** Walks the units behind the in-memory tail, 32 at a time, as a consumer does; checks each unit's offset. */
async function walk(cq: ConsumeQueue, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 32) {
    const units = await cq.readUnits(i, 32);
    assert.ok(units !== undefined);
    for (let k = 0; k + CQ_STORE_UNIT_SIZE <= units.length; k += CQ_STORE_UNIT_SIZE) assert.equal(readCqPhy(units, k), 1_000 + (i + k / CQ_STORE_UNIT_SIZE) * 100);
  }
}

describe('CqReadCache (consumeQueueReadCacheBytesMax)', () => {
  it('a consumer walking units behind the tail reads each 64 KiB block once instead of once per pull', async () => {
    const without = new FaultIO();
    await walk(await filledQueue(without, undefined), 0, UNITS - TAIL_UNITS_MAX);
    const withCache = new FaultIO();
    const cache = new CqReadCache(1024 * 1024);
    await walk(await filledQueue(withCache, cache), 0, UNITS - TAIL_UNITS_MAX);
    const blocks = Math.ceil(((UNITS - TAIL_UNITS_MAX) * CQ_STORE_UNIT_SIZE) / CQ_READ_BLOCK_BYTES);
    assert.equal(without.stats.reads, Math.ceil((UNITS - TAIL_UNITS_MAX) / 32));
    assert.ok(withCache.stats.reads <= blocks + 1, `${withCache.stats.reads} reads for ${blocks} blocks`);
  });

  it('holds at most bytesMax, dropping the least recently used queue block', () => {
    const cache = new CqReadCache(250);
    const a = {};
    const b = {};
    const c = {};
    cache.put(a, { start: 0, buf: Buffer.alloc(100) });
    cache.put(b, { start: 0, buf: Buffer.alloc(100) });
    assert.ok(cache.get(a, 0, 100) !== undefined); // a is now the most recent
    cache.put(c, { start: 0, buf: Buffer.alloc(100) });
    assert.equal(cache.bytes, 200);
    assert.equal(cache.get(b, 0, 10), undefined);
    assert.ok(cache.get(a, 0, 10) !== undefined);
    assert.ok(cache.get(c, 0, 10) !== undefined);
    cache.put(a, { start: 0, buf: Buffer.alloc(251) }); // bigger than the bound: not kept, the old block dropped
    assert.equal(cache.get(a, 0, 10), undefined);
    assert.equal(cache.bytes, 100);
  });

  it('a truncated queue never serves its old units from the cache', async () => {
    const io = new FaultIO();
    const cache = new CqReadCache(1024 * 1024);
    const cq = await filledQueue(io, cache);
    await walk(cq, 0, 64);
    assert.ok(cache.bytes > 0);
    await cq.truncateTo(10);
    // Units 10.. are written again with other offsets: reads see the new ones.
    for (let i = 10; i < UNITS; i++) cq.put(900_000 + i * 100, 100, 0, i);
    await cq.write();
    const u = await cq.readUnits(10, 1);
    assert.ok(u !== undefined);
    assert.equal(readCqPhy(u, 0), 900_000 + 10 * 100);
  });
});
