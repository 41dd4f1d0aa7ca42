import * as assert from 'node:assert/strict';
import { ScanReader } from './scan-reader';

/**
 * The recovery scan's reader (scan-reader.ts): whatever positions the scan asks for — inside the current chunk,
 * across a chunk end (the carried bytes), a record longer than the carry headroom, the end of the file — `buf`
 * holds exactly the file's bytes from there, and no buffer handed out changes while a read ahead is in flight.
 */

const FROM = 1 << 20;

function fileOf(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 131 + (i >> 8)) & 0xff;
  return b;
}

/** A SegmentQueue#read over one file at FROM that resolves later (so reads ahead are really in flight). */
function filesOver(file: Buffer, failAt?: number) {
  let reads = 0;
  return {
    get reads() {
      return reads;
    },
    async read(offset: number, length: number, target?: Buffer): Promise<Buffer | undefined> {
      reads++;
      await new Promise((r) => setImmediate(r));
      const pos = offset - FROM;
      if (failAt !== undefined && pos >= failAt) return undefined;
      const n = Math.min(length, file.length - pos);
      if (n <= 0) return undefined;
      const out = target !== undefined && target.length >= n ? target : Buffer.allocUnsafe(n);
      file.copy(out, 0, pos, pos + n);
      return out.subarray(0, n);
    },
  };
}

function expectAt(r: ScanReader, file: Buffer, p: number, min: number): void {
  assert.equal(r.bufPos, p);
  const want = Math.min(min, file.length - p);
  assert.ok(r.buf.length >= want, `at ${p}: ${r.buf.length} bytes, wanted ${want}`);
  assert.ok(p + r.buf.length <= file.length);
  assert.ok(r.buf.equals(file.subarray(p, p + r.buf.length)), `bytes at ${p}`);
}

describe('store/scan-reader: sequential chunks with one read ahead for the recovery scan', () => {
  it('gives the file bytes at every position asked, carrying a record cut by a chunk end into the next chunk', async () => {
    const file = fileOf(10_000);
    const files = filesOver(file);
    const r = new ScanReader(files, { from: FROM }, file.length, 1000, 64);
    await r.fill(0, 0);
    expectAt(r, file, 0, 1000);
    // Walk "records" of varying sizes the way CommitLog#scan does: refill when fewer than `size` bytes remain.
    let pos = 0;
    let step = 0;
    while (pos < file.length) {
      const size = 20 + ((step++ * 37) % 300); // up to 319 B: longer than the 64 B headroom sometimes
      if (r.buf.length - (pos - r.bufPos) < size) {
        await r.fill(pos, size);
        expectAt(r, file, pos, size);
      }
      const rel = pos - r.bufPos;
      const have = Math.min(size, file.length - pos);
      assert.ok(r.buf.subarray(rel, rel + have).equals(file.subarray(pos, pos + have)), `record at ${pos}`);
      pos += size;
    }
    await r.close();
  });

  it('a buffer handed out keeps its bytes while the next chunk is read ahead', async () => {
    const file = fileOf(5000);
    const r = new ScanReader(filesOver(file), { from: FROM }, file.length, 1000, 100);
    await r.fill(0, 0);
    const first = r.buf;
    const copy = Buffer.from(first);
    await new Promise((res) => setImmediate(res));
    await new Promise((res) => setImmediate(res));
    assert.ok(first.equals(copy));
    await r.fill(950, 10); // carried 50 B, the rest from the read ahead
    expectAt(r, file, 950, 1000);
    await r.fill(1900, 2000); // longer than a chunk: read again directly
    expectAt(r, file, 1900, 2000);
    await r.close();
  });

  it('the end of the file and a failed read end the buffer early (the scan then stops there)', async () => {
    const file = fileOf(3000);
    const r = new ScanReader(filesOver(file, 2000), { from: FROM }, file.length, 1000, 100);
    await r.fill(0, 0);
    await r.fill(1000, 8);
    expectAt(r, file, 1000, 1000);
    await r.fill(1990, 8);
    assert.equal(r.bufPos, 1990);
    assert.equal(r.buf.length, 10); // the read of [2000, 3000) failed: only the carried bytes
    await r.close();
    const e = new ScanReader(filesOver(file), { from: FROM }, file.length, 1000, 100);
    await e.fill(2995, 100);
    expectAt(e, file, 2995, 5);
    assert.equal(e.buf.length, 5);
    await e.close();
  });
});
