import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '../common';
import { NodeStoreIO } from './io';
import { buildIndexKey, INDEX_HASH_SLOT_SIZE, INDEX_HEADER_SIZE, indexKeyHash } from './index-layout';
import { IndexService } from './index-service';
import type { DispatchRequest } from './record';

const TOPIC = 'T';
const SLOTS = 1024;

function req(key: string, physicalOffset: number, storeTimestamp: number): DispatchRequest {
  return { topic: TOPIC, queueId: 0, queueOffset: 0, physicalOffset, size: 100, tagsCode: 0, storeTimestamp, indexHashes: [indexKeyHash(buildIndexKey(TOPIC, key))], sysFlag: 0 };
}

describe('store/index-service: the slot table is released at rest (coolIdle) and read back for the next key', () => {
  let dir: string;
  let svc: IndexService;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-index-'));
    svc = new IndexService({ io: new NodeStoreIO(), dir, hashSlotNum: SLOTS, indexNum: 4 * SLOTS, maxMsgsNumBatch: 64, logger: silentLogger(), now: () => 1_700_000_000_000 });
  });
  afterEach(async () => {
    await svc.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rule: nothing is released while the file has unwritten changes; after a flush the slot table\'s bytes are', async () => {
    svc.buildIndex(req('a', 100, 1_700_000_000_000));
    assert.equal(svc.coolIdle(), 0, 'unflushed');
    await svc.flush(true);
    const held = svc.files[0]!.slotTableBytes;
    assert.ok(held > 0 && held < SLOTS * 4, `one key: a sparse table (${held} bytes)`);
    assert.equal(svc.coolIdle(), held);
    assert.equal(svc.files[0]!.isHot, false);
    assert.equal(svc.coolIdle(), 0, 'already released');
  });

  it('rule: keys put after the release go to the same file, in order, and queries find old and new keys', async () => {
    const t = 1_700_000_000_000;
    for (let i = 0; i < 50; i++) svc.buildIndex(req(`k${i % 10}`, 1000 + i * 100, t + i));
    await svc.flush(true);
    assert.ok(svc.coolIdle() > 0);
    // Keys arrive while the slots are read back: they wait, then are put in order.
    for (let i = 50; i < 80; i++) svc.buildIndex(req(`k${i % 10}`, 1000 + i * 100, t + i));
    const r = await svc.queryOffset(TOPIC, 'k3', 64, 0, Number.MAX_SAFE_INTEGER);
    assert.equal(svc.files.length, 1, 'no new file');
    assert.ok(svc.files[0]!.isHot);
    const want = Array.from({ length: 8 }, (_, j) => 1000 + (73 - j * 10) * 100);
    assert.deepEqual(r.phyOffsets, want, 'newest first, across the release');
    await svc.flush(true);
    assert.equal(svc.files[0]!.header.indexCount, 81);
  });
});

describe('store/index-file: flushing dirty slot pages in merged runs (INDEX_FLUSH_GAP_PAGES)', () => {
  const WIDE = 64 * 1024; // 64 pages of slots
  let dir: string;
  let svc: IndexService;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-index-'));
    svc = new IndexService({ io: new NodeStoreIO(), dir, hashSlotNum: WIDE, indexNum: 8 * WIDE, maxMsgsNumBatch: 64, logger: silentLogger(), now: () => 1_700_000_000_000 });
  });
  afterEach(async () => {
    await svc.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rule: after flushes of scattered, clustered and single dirty pages, the file holds every slot as Java lays it out', async () => {
    const t = 1_700_000_000_000;
    const want = new Int32Array(WIDE);
    let n = 0;
    const put = (key: string): void => {
      n++;
      svc.buildIndex(req(key, 1000 + n * 100, t + n));
      want[indexKeyHash(buildIndexKey(TOPIC, key)) % WIDE] = n;
    };
    // Flush 1: keys all over the table (runs merged across clean gaps); flush 2: a few keys (far-apart runs);
    // flush 3: one key (a single page) — each flush must leave the slots it did not change as they were.
    for (let i = 0; i < 3000; i++) put(`spread-${i}`);
    await svc.flush(true);
    for (let i = 0; i < 7; i++) put(`few-${i * 7919}`);
    await svc.flush(true);
    put('one');
    await svc.flush(true);
    const file = svc.files[0]!.file;
    const bytes = fs.readFileSync(file);
    let differ = 0;
    for (let s = 0; s < WIDE; s++) if (bytes.readInt32BE(INDEX_HEADER_SIZE + s * INDEX_HASH_SLOT_SIZE) !== want[s]) differ++;
    assert.equal(differ, 0, 'slots on disk that differ from the newest entry of their hash');
    // And read back cold: the released table is loaded from the file and answers the chained queries.
    assert.ok(svc.coolIdle() > 0);
    const r = await svc.queryOffset(TOPIC, 'few-0', 4, 0, Number.MAX_SAFE_INTEGER);
    assert.deepEqual(r.phyOffsets, [1000 + 3001 * 100]);
  });
});
