import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SlotTable, SLOTS_PER_PAGE, SPARSE_SLOTS_DIVISOR } from './index-slots';
import { NodeStoreIO } from './io';

/** A deterministic stream of slot numbers (LCG), so a failure repeats. */
function slotsOf(n: number, slotNum: number, seed = 7): number[] {
  const out: number[] = [];
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out.push((x >>> 4) % slotNum);
  }
  return out;
}

/** What the file should hold for `ref` (slot -> value): every slot big-endian, 0 where unset. */
function fileBytes(ref: Map<number, number>, slotNum: number): Buffer {
  const b = Buffer.alloc(slotNum * 4);
  for (const [s, v] of ref) b.writeInt32BE(v, s * 4);
  return b;
}

/** Puts `slots` in order with values 1, 2, ... into both the table and a reference map; each set returns the old value. */
function fill(t: SlotTable, ref: Map<number, number>, slots: number[], from = 1): void {
  slots.forEach((s, i) => {
    assert.equal(t.set(s, from + i), ref.get(s) ?? 0, `slot ${s} held its previous value`);
    ref.set(s, from + i);
  });
}

function assertSame(t: SlotTable, ref: Map<number, number>, slotNum: number): void {
  for (let s = 0; s < slotNum; s++) assert.equal(t.get(s), ref.get(s) ?? 0, `slot ${s}`);
  const want = fileBytes(ref, slotNum);
  // Whole table, and ranges that start and end inside pages (a flush writes runs of pages, the last one short).
  const into = Buffer.alloc(slotNum * 4 + 64, 0xee);
  assert.ok(t.copyBigEndian(0, slotNum, into).equals(want), 'the whole table as the file holds it');
  for (const [a, b] of [[0, SLOTS_PER_PAGE], [SLOTS_PER_PAGE - 3, 2 * SLOTS_PER_PAGE + 5], [slotNum - 17, slotNum]] as const) {
    into.fill(0xee);
    assert.ok(t.copyBigEndian(a, b, into).equals(want.subarray(a * 4, b * 4)), `slots [${a}, ${b})`);
  }
}

describe('store/index-slots: SlotTable', () => {
  const slotNum = 40 * SLOTS_PER_PAGE + 123; // a short last page
  const sparseMax = Math.floor(slotNum / SPARSE_SLOTS_DIVISOR);

  it('while few slots are in use it stays sparse and answers, overwrites and copies every slot as a dense table would', () => {
    const t = new SlotTable(slotNum);
    const ref = new Map<number, number>();
    // Repeats included (a slot's chain head moves on), and a page filled well past its first list size.
    fill(t, ref, [...slotsOf(sparseMax / 2, slotNum), ...slotsOf(200, SLOTS_PER_PAGE), ...slotsOf(sparseMax / 4, slotNum, 99)]);
    assert.ok(ref.size <= sparseMax);
    assert.equal(t.isDense, false);
    assert.equal(t.slotsInUse, ref.size);
    assertSame(t, ref, slotNum);
  });

  it('past slotNum / SPARSE_SLOTS_DIVISOR slots in use it turns dense, keeping every value', () => {
    const t = new SlotTable(slotNum);
    const ref = new Map<number, number>();
    const slots = [...new Set(slotsOf(4 * sparseMax, slotNum))];
    fill(t, ref, slots.slice(0, sparseMax));
    assert.equal(t.isDense, false, `${sparseMax} slots: still sparse`);
    fill(t, ref, slots.slice(sparseMax, sparseMax + 1), sparseMax + 1);
    assert.equal(t.isDense, true, 'one more: dense');
    fill(t, ref, slots.slice(sparseMax + 1), sparseMax + 2);
    assertSame(t, ref, slotNum);
  });

  it('loads a file\'s slot region: only its non-zero slots, sparse when few, dense when many', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-slots-'));
    const io = new NodeStoreIO();
    try {
      // 1M slots: the region spans four 1 MiB reads, the last one short.
      const bigNum = 1_000_003;
      for (const n of [50, Math.floor(bigNum / SPARSE_SLOTS_DIVISOR) * 2]) {
        const ref = new Map<number, number>();
        slotsOf(n, bigNum, n).forEach((s, i) => ref.set(s, i + 1));
        ref.set(bigNum - 1, 77); // the table's very last slot
        const file = path.join(dir, `slots-${n}`);
        fs.writeFileSync(file, Buffer.concat([Buffer.alloc(40, 0xff), fileBytes(ref, bigNum)]));
        const t = new SlotTable(bigNum);
        const h = await io.open(file, false);
        await t.load(io, h, 40);
        await io.close(h);
        assert.equal(t.isDense, n > 50, `${n} keys: ${n > 50 ? 'dense' : 'sparse'}`);
        for (const [s, v] of ref) assert.equal(t.get(s), v, `slot ${s}`);
        const into = Buffer.alloc(bigNum * 4);
        assert.ok(t.copyBigEndian(0, bigNum, into).equals(fileBytes(ref, bigNum)), 'every other slot 0');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The point of the sparse table, measured: RSS of a process whose index file (Java's default 5M slots) took 60,000
 * keys with scattered hashes, written out by a flush. A dense table has some slot of every page written by then.
 * The child runs with --expose-gc so that the garbage of the puts is gone before RSS is read.
 */
describe('store/index-slots: RSS of an index file with 60,000 keys (a child process)', function () {
  this.timeout(60_000);
  it('RSS grows by less than 6 MiB (a dense table: 12.7-13.2 MiB in the same process)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-slots-rss-'));
    // Keys whose hashes spread over the whole table ("k<n>" for consecutive n hash into a few pages).
    const script = `
      const { IndexService } = require('./index-service');
      const { NodeStoreIO } = require('./io');
      const { buildIndexKey, indexKeyHash } = require('./index-layout');
      const { silentLogger } = require('../common');
      const settle = async () => { gc(); gc(); await new Promise((r) => setTimeout(r, 100)); gc(); };
      (async () => {
        const svc = new IndexService({ io: new NodeStoreIO(), dir: ${JSON.stringify(dir)}, hashSlotNum: 5000000, indexNum: 20000000, maxMsgsNumBatch: 64, logger: silentLogger(), now: () => 1700000000000 });
        const key = (n) => 'k' + ((n * 2654435761) % 4294967296).toString(36);
        const req = (i) => ({ topic: 'T', queueId: 0, queueOffset: i, physicalOffset: 1000 + i * 100, size: 100, tagsCode: 0, storeTimestamp: 1700000000000, indexHashes: [indexKeyHash(buildIndexKey('T', key(i)))], sysFlag: 0 });
        svc.buildIndex(req(0));
        await svc.flush(false);
        const reqs = [];
        for (let i = 1; i <= 60000; i++) reqs.push(req(i));
        await settle();
        const before = process.memoryUsage.rss();
        for (const r of reqs) svc.buildIndex(r);
        await svc.flush(false);
        await settle();
        const after = process.memoryUsage.rss();
        const found = await svc.queryOffset('T', key(31337), 32, 0, Number.MAX_SAFE_INTEGER);
        console.log(JSON.stringify({ grewBytes: after - before, tableBytes: svc.files[0].slotTableBytes, found: found.phyOffsets }));
        await svc.close();
      })();`;
    try {
      // glibc's mmap threshold fixed as the bins fix it (lib/bin): freed large buffers leave RSS.
      const r = spawnSync(process.execPath, ['--expose-gc', '-e', script], { cwd: __dirname, encoding: 'utf8', env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '131072' } });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { grewBytes: number; tableBytes: number; found: number[] };
      assert.deepEqual(out.found, [1000 + 31337 * 100], 'a key is found through the sparse table');
      assert.ok(out.tableBytes < 4 * 1024 * 1024, `the table holds ${out.tableBytes} bytes`);
      // Dense, this read 12.7-13.2 MiB in three runs; sparse -5.7 to -2.6 (the heap gave back more than the index took).
      assert.ok(out.grewBytes < 6 * 1024 * 1024, `RSS grew ${(out.grewBytes / 1048576).toFixed(1)} MiB`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
