import * as assert from 'node:assert/strict';
import { HELD_BLOCK_BYTES_MIN, PRIME_CHUNK_RECORDS, SEGMENT_BYTES, TailCache } from './tail-cache';

/** Records of the given sizes, each a slice of one shared slab (as Node's 8 KiB pool hands out small buffers). */
function pooled(sizes: number[], fill = 1): Buffer[] {
  const slab = Buffer.alloc(8192);
  const out: Buffer[] = [];
  let at = 0;
  for (const n of sizes) {
    const b = slab.subarray(at, at + n);
    b.fill(fill++);
    out.push(b);
    at += n;
  }
  return out;
}

describe('store/tail-cache: the last written records in memory', () => {
  it('holds what `bytes` says: records (slices of shared slabs) are copied into whole segments it counts', () => {
    const t = new TailCache(8 * SEGMENT_BYTES);
    t.add(1000, pooled([100, 50, 70]));
    assert.equal(t.bytes, SEGMENT_BYTES, 'one segment');
    const r = t.get(1100, 50)!;
    assert.equal(r.length, 50);
    assert.ok(r.every((x) => x === 2));
    assert.equal(r.buffer.byteLength, SEGMENT_BYTES, 'a view of the segment, not of the 8 KiB slab');
    t.add(1220, pooled([300]));
    assert.equal(t.get(1220, 300)!.buffer, r.buffer, 'writes fill the same segment');
    assert.equal(t.bytes, SEGMENT_BYTES);
  });

  it(`rule (wholeBlock, HELD_BLOCK_BYTES_MIN ${HELD_BLOCK_BYTES_MIN} bytes): in-order views of one block of at least that size they fill at least half of are held without a copy, counted by the whole block`, () => {
    const K = HELD_BLOCK_BYTES_MIN;
    const block = Buffer.alloc(4 * K, 9);
    const recs = [block.subarray(0, K), block.subarray(K, 2 * K), block.subarray(2 * K, 3 * K)];
    const t = new TailCache(64 * SEGMENT_BYTES);
    t.add(0, recs);
    assert.equal(t.get(K, K)!.buffer, block.buffer, 'a view of the written block itself');
    assert.equal(t.bytes, 4 * K, 'the whole block is held');
    assert.equal(t.get(2 * K, 500)!.length, 500);
    t.add(3 * K, [block.subarray(3 * K, 3 * K + 100)]);
    assert.notEqual(t.get(3 * K, 100)!.buffer, block.buffer, 'a small view of a big block is copied');
    const under = Buffer.alloc(K / 2, 5);
    t.add(4 * K, [under]);
    assert.notEqual(t.get(4 * K, K / 2)!.buffer, under.buffer, 'a block under HELD_BLOCK_BYTES_MIN is copied');
    const c = Buffer.alloc(2 * K, 3);
    const small = pooled([100, 200]);
    const d = Buffer.alloc(K, 4);
    const at = 8 * K;
    t.add(at, [small[0]!, c.subarray(0, K + 7), c.subarray(K + 7, 2 * K), small[1]!, d]);
    assert.equal(t.get(at + 100, K + 7)!.buffer, c.buffer, 'a write of several appends: each whole run held');
    assert.equal(t.get(at + 100 + K + 7, K - 7)![0], 3);
    assert.deepEqual([t.get(at, 100)![0], t.get(at + 100 + 2 * K, 200)![0]], [1, 2], 'the records around them copied, in place');
    assert.notEqual(t.get(at, 100)!.buffer, small[0]!.buffer);
    assert.equal(t.get(at + 300 + 2 * K, K)!.buffer, d.buffer);
    assert.equal(t.get(at + 50, 10), undefined, 'not a record start');
  });

  it('a write bigger than a segment gets a segment of its own; memory stays within bytesMax', () => {
    const t = new TailCache(3 * SEGMENT_BYTES);
    let at = 0;
    for (let i = 0; i < 20; i++) {
      const b = Buffer.alloc(i % 5 === 0 ? SEGMENT_BYTES + 10 : 400_000, i);
      t.add(at, [b]);
      at += b.length;
      assert.ok(t.bytes <= 3 * SEGMENT_BYTES + SEGMENT_BYTES + 10, `held ${t.bytes}`);
    }
    assert.equal(t.get(at - 400_000, 400_000)![0], 19);
  });

  it('answers only record starts, and a size no longer than the record (a prefix is a view)', () => {
    const t = new TailCache(1 << 20);
    t.add(0, pooled([100, 50]));
    assert.equal(t.get(0, 100)!.length, 100);
    assert.equal(t.get(0, 10)!.length, 10);
    assert.equal(t.get(0, 101), undefined, 'past the record');
    assert.equal(t.get(100, 51), undefined, 'past the last record');
    assert.equal(t.get(1, 10), undefined, 'not a record start');
    assert.equal(t.get(150, 1), undefined, 'not cached');
  });

  it('drops the oldest chunks beyond bytesMax (whole segments), the newest stays even if larger', () => {
    const half = SEGMENT_BYTES / 2;
    const t = new TailCache(16 * SEGMENT_BYTES);
    assert.equal(t.segmentBytes, SEGMENT_BYTES);
    for (let i = 0; i < 32; i++) t.add(i * half, [Buffer.alloc(4 * half, i).subarray(0, half)]);
    assert.equal(t.bytes, 16 * SEGMENT_BYTES);
    assert.ok(t.get(0, half) !== undefined);
    t.add(32 * half, [Buffer.alloc(4 * half, 32).subarray(0, half)]); // a 17th segment: the first one (both its chunks) goes
    assert.equal(t.bytes, 16 * SEGMENT_BYTES);
    assert.equal(t.get(0, half), undefined);
    assert.equal(t.get(half, half), undefined);
    assert.equal(t.get(2 * half, half)![0], 2);
    assert.equal(new TailCache(8 * 1024).segmentBytes, 4096, 'a small bytesMax gets small segments');
    const tiny = new TailCache(250);
    tiny.add(0, pooled([100]));
    tiny.add(100, pooled([100]));
    assert.equal(tiny.get(0, 100), undefined, 'over bytesMax: only the newest chunk stays');
    assert.ok(tiny.get(100, 100) !== undefined);
  });

  it('rule: lookups through the last-chunk hint (forward walks, jumps back, after truncation and drops) answer as a search does', () => {
    const t = new TailCache(64 * 1024);
    const sizes = [30, 40, 50];
    const fills = new Map<number, number>(); // record start -> its fill byte
    let at = 0;
    for (let c = 0; c < 300; c++) {
      const bufs = pooled(sizes.slice(0, 1 + (c % 3)), c % 200);
      t.add(at, bufs);
      for (const b of bufs) {
        fills.set(at, b[0]!);
        at += b.length;
      }
    }
    assert.ok(t.bytes < 64 * 1024, 'everything is still cached');
    const check = (offset: number): void => {
      const b = t.get(offset, 1);
      if (fills.has(offset)) assert.equal(b?.[0], fills.get(offset), `record at ${offset}`);
      else assert.equal(b, undefined, `${offset} is not a record start`);
    };
    const starts = [...fills.keys()];
    for (const o of starts) check(o); // forward walk
    for (let i = 0; i < starts.length; i += 37) check(starts[(i * 7919) % starts.length]!); // jumps
    check(starts[starts.length - 1]! + 1);
    const cut = starts[starts.length - 20]!;
    t.truncateFrom(cut);
    for (const o of starts.slice(-40)) {
      if (o >= cut) assert.equal(t.get(o, 1), undefined, `truncated ${o}`);
      else check(o);
    }
    t.add(cut, pooled([30], 250));
    assert.equal(t.get(cut, 30)![0], 250, 'written again after the cut, found through the hint');
    t.dropBefore(starts[starts.length - 60]!);
    assert.equal(t.get(starts[0]!, 1), undefined, 'dropped');
    assert.equal(t.get(starts[starts.length - 50]!, 1)![0], fills.get(starts[starts.length - 50]!));
  });

  it('truncateFrom cuts whole records: inside a record keeps it, at a record start drops it and what follows', () => {
    const t = new TailCache(1 << 20);
    t.add(0, pooled([100, 50, 70]));
    t.truncateFrom(160); // inside the last record: it stays
    assert.equal(t.get(150, 70)!.length, 70);
    t.truncateFrom(150);
    assert.equal(t.get(150, 70), undefined);
    assert.equal(t.get(100, 50)!.length, 50);
    t.truncateFrom(0);
    assert.equal(t.get(0, 100), undefined);
    t.add(0, pooled([10]));
    assert.equal(t.get(0, 10)!.length, 10, 'written again after the cut');
  });

  it('releaseIfIdle drops everything only after idleMs without a write; 0 means never', () => {
    let now = 1000;
    const t = new TailCache(1 << 20, () => now);
    t.add(0, pooled([100]));
    now += 29_999;
    assert.equal(t.releaseIfIdle(30_000), 0);
    assert.equal(t.releaseIfIdle(0), 0);
    now += 1;
    assert.equal(t.releaseIfIdle(30_000), t.segmentBytes);
    assert.equal(t.bytes, 0);
    assert.equal(t.get(0, 100), undefined);
    t.add(100, pooled([10]));
    assert.equal(t.releaseIfIdle(30_000), 0, 'a new write restarts the idle time');
  });
  it('rule (unreadReleaseMs): it copies writes only while bulk reads (locate) come; it starts off, a miss turns it on, and it drops everything at the first write after the window; 0 means always', () => {
    let now = 1000;
    const t = new TailCache(1 << 20, () => now, 5000);
    assert.equal(t.dormant, true);
    t.add(0, pooled([100]));
    assert.equal(t.bytes, 0, 'no lookup yet: not copied');
    assert.equal(t.get(0, 100), undefined);
    t.add(100, pooled([50]));
    assert.equal(t.bytes, 0, 'a one-off get() is not a read of the tail');
    assert.equal(t.locate(0, 100), -1, 'a miss, but a bulk read');
    t.add(150, pooled([50]));
    assert.equal(t.dormant, false);
    assert.equal(t.get(150, 50)![0], 1, 'copied from the write after the read on');
    now += 4999;
    t.add(200, pooled([10]));
    assert.ok(t.bytes > 0, 'within the window');
    assert.ok(t.locate(200, 10) >= 0);
    now += 4999;
    t.add(210, pooled([10]));
    assert.ok(t.bytes > 0, 'that read was seen by this write');
    now += 5000;
    t.add(220, pooled([10]));
    assert.equal(t.dormant, true);
    assert.equal(t.bytes, 0, '5 s after the write that saw the last read: released');
    assert.equal(t.get(200, 10), undefined);
    const far = new TailCache(1000, () => now, 5000);
    far.add(0, pooled([100]));
    far.add(5000, pooled([100]));
    assert.equal(far.locate(0, 100), -1, 'a read more than bytesMax before the last write');
    far.add(5100, pooled([100]));
    assert.equal(far.bytes, 0, 'is not a read of the tail');
    assert.equal(far.locate(4100, 100), -1, 'one within bytesMax');
    far.add(5200, pooled([100]));
    assert.ok(far.bytes > 0, 'is');
    const always = new TailCache(1 << 20, () => now);
    always.add(0, pooled([100]));
    assert.equal(always.get(0, 100)!.length, 100, 'unreadReleaseMs 0: copies without reads');
  });
  it('prime: a bulk read of the tail that finds it empty asks for a read-back; the records read back are kept as the oldest chunk, unless stale or overlapping', () => {
    const t = new TailCache(1 << 20, () => 1000, 5000);
    const asked: [number, number][] = [];
    t.onEmptyTailLookup = (offset, epoch) => asked.push([offset, epoch]);
    t.add(0, pooled([100, 100, 100]));
    t.get(100, 100);
    assert.equal(asked.length, 0, 'get() does not ask');
    assert.equal(t.locate(100, 100), -1);
    assert.equal(asked.length, 1);
    const [off, epoch] = asked[0]!;
    assert.equal(off, 100);
    const back = Buffer.concat(pooled([100, 100], 7));
    assert.equal(t.prime(off, back, [0, 100], 200, epoch), true);
    assert.equal(t.get(200, 100)![0], 8, 'the second record read back');
    assert.equal(t.get(100, 50)![0], 7);
    assert.equal(t.bytes, 200);
    assert.equal(t.prime(off, back, [0, 100], 200, epoch), false, 'overlaps what is cached');
    t.locate(300, 1);
    assert.equal(asked.length, 1, 'not empty: no read-back asked');
    t.add(300, pooled([40], 9));
    assert.equal(t.get(300, 40)![0], 9, 'new writes go after it');
    assert.equal(t.get(100, 100)![0], 7);
    t.truncateFrom(0);
    t.locate(300, 40);
    assert.equal(asked.length, 2);
    t.truncateFrom(0);
    assert.equal(t.prime(asked[1]![0], back, [0, 100], 200, asked[1]![1]), false, 'a truncation since the read makes it stale');
    assert.equal(t.prime(asked[1]![0], back, [0, 100], 200, asked[1]![1] + 1), true, 'the current epoch');
  });
  it(`prime: a long read-back is cut into chunks of ${PRIME_CHUNK_RECORDS} records over one buffer; every record is found, and the buffer counts once until its last chunk goes`, () => {
    const n = 3 * PRIME_CHUNK_RECORDS + 5;
    const buf = Buffer.alloc(n * 10);
    const rel: number[] = [];
    for (let i = 0; i < n; i++) {
      rel.push(i * 10);
      buf.fill(i % 251, i * 10, i * 10 + 10);
    }
    const t = new TailCache(buf.length + 4096, () => 0, 5000);
    t.onEmptyTailLookup = () => undefined;
    assert.equal(t.prime(1000, buf, rel, n * 10, 0), true);
    assert.equal(t.bytes, buf.length);
    for (let i = n - 1; i >= 0; i--) assert.equal(t.get(1000 + i * 10, 10)![9], i % 251, `record ${i}`);
    assert.equal(t.get(1005, 5), undefined, 'not a record start');
    t.dropBefore(1000 + (n - 1) * 10);
    assert.equal(t.bytes, buf.length, 'its last chunk still holds the buffer');
    assert.equal(t.get(1000 + (n - 1) * 10, 10)![0], (n - 1) % 251);
    t.dropBefore(1000 + n * 10);
    assert.equal(t.bytes, 0);
  });
  it('rule: `located` never pins a buffer the cache has dropped (a read-back, a segment), nor anything after clear()', () => {
    const bytesMax = 4 * 4096;
    const t = new TailCache(bytesMax, () => 0, 5000);
    t.onEmptyTailLookup = () => undefined;
    const back = Buffer.alloc(4096, 3);
    assert.equal(t.prime(0, back, [0, 2048], 4096, 0), true);
    assert.ok(t.locate(2048, 10) >= 0);
    assert.equal(t.located, back, 'found in the read-back');
    // writes after it push it out: no lookup comes in between, as when the only reader has gone
    let at = 4096;
    const write = (n: number, fill: number): number => {
      for (let i = 0; i < n; i++, at += 100) t.add(at, pooled([100], fill));
      return at - 100;
    };
    let last = write(2 * bytesMax / 100, 5);
    assert.equal(t.get(2048, 10), undefined, 'the read-back is dropped');
    assert.notEqual(t.located, back, 'and not held through located');
    assert.equal(t.located.length, 0);
    assert.ok(t.locate(last, 100) >= 0);
    const seg = t.located;
    assert.equal(seg.length, t.segmentBytes);
    last = write(2 * bytesMax / 100, 6);
    assert.notEqual(t.located, seg, 'a dropped segment is not held either');
    assert.ok(t.locate(last, 100) >= 0);
    assert.ok(t.located.length > 0);
    t.clear();
    assert.equal(t.located.length, 0, 'clear() lets go of it');
  });

  it('rule: lookups that skip records (one queue of several) find every record within and past HINT_LOOKAHEAD_CHUNKS, and nothing between records', () => {
    const t = new TailCache(8 * SEGMENT_BYTES);
    const starts: number[] = [];
    let off = 0;
    for (let b = 0; b < 200; b++) {
      const sizes = Array.from({ length: 1 + (b % 3) }, (_, k) => 40 + k);
      t.add(off, pooled(sizes, 1 + (b % 200)));
      for (const n of sizes) {
        starts.push(off);
        off += n;
      }
    }
    for (const step of [1, 3, 8, 40]) {
      for (let q = 0; q < step; q++) {
        for (let i = q; i < starts.length; i += step) {
          const at = t.locate(starts[i]!, 40);
          assert.ok(at >= 0, `record ${i} (step ${step})`);
          assert.equal(t.located[at], t.get(starts[i]!, 40)![0]);
          assert.equal(t.locate(starts[i]! + 1, 10), -1, 'not a record start');
        }
      }
    }
  });
});
