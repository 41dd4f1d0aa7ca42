import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeStoreIO } from './io';
import { loadNonZeroPages, SPARSE_READ_BYTES, TABLE_PAGE_BYTES } from './sparse-load';

describe('store/sparse-load: loadNonZeroPages', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-sparse-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the read bytes add up: a page is TABLE_PAGE_BYTES and the scratch buffer a whole number of pages', () => {
    assert.equal(TABLE_PAGE_BYTES, 4096);
    assert.equal(SPARSE_READ_BYTES % TABLE_PAGE_BYTES, 0);
  });

  it('copies the non-zero pages and leaves all-zero pages of the target unwritten (they stay non-resident)', async () => {
    const io = new NodeStoreIO();
    const file = path.join(dir, 'table');
    const headerBytes = 40;
    const pages = 2 * (SPARSE_READ_BYTES / TABLE_PAGE_BYTES) + 3; // spans three reads, the last one short
    const bytes = pages * TABLE_PAGE_BYTES;
    const onDisk = Buffer.alloc(headerBytes + bytes);
    const nonZero = [0, 5, SPARSE_READ_BYTES / TABLE_PAGE_BYTES, pages - 1];
    for (const p of nonZero) onDisk.writeInt32BE(p + 1, headerBytes + p * TABLE_PAGE_BYTES + 100);
    onDisk[headerBytes + 7 * TABLE_PAGE_BYTES + TABLE_PAGE_BYTES - 1] = 9; // the last byte of a page counts too
    nonZero.push(7);
    fs.writeFileSync(file, onDisk);
    // A sentinel shows which pages were written: the helper's contract is that zero pages are never touched.
    const target = Buffer.alloc(bytes, 0xee);
    const h = await io.open(file, false);
    const got = await loadNonZeroPages(io, h, target, bytes, headerBytes);
    await io.close(h);
    assert.equal(got, bytes);
    for (let p = 0; p < pages; p++) {
      const page = target.subarray(p * TABLE_PAGE_BYTES, (p + 1) * TABLE_PAGE_BYTES);
      if (nonZero.includes(p)) assert.ok(page.equals(onDisk.subarray(headerBytes + p * TABLE_PAGE_BYTES, headerBytes + (p + 1) * TABLE_PAGE_BYTES)), `page ${p} copied`);
      else assert.ok(page.every((x) => x === 0xee), `page ${p} left unwritten`);
    }
  });

  it('a file shorter than the table: resolves with the bytes there and leaves the rest as it was', async () => {
    const io = new NodeStoreIO();
    const file = path.join(dir, 'short');
    const onDisk = Buffer.alloc(TABLE_PAGE_BYTES + 10, 3);
    fs.writeFileSync(file, onDisk);
    const target = Buffer.alloc(4 * TABLE_PAGE_BYTES);
    const h = await io.open(file, false);
    const got = await loadNonZeroPages(io, h, target, target.length, 0);
    await io.close(h);
    assert.equal(got, onDisk.length);
    assert.ok(target.subarray(0, onDisk.length).every((x) => x === 3));
    assert.ok(target.subarray(onDisk.length).every((x) => x === 0));
  });
});
