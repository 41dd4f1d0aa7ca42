import { strict as assert } from 'node:assert';
import { silentLogger } from '../common';
import { INDEX_ENTRY_PHY_OFFSET_POS, INDEX_ENTRY_SIZE, INDEX_HASH_SLOT_SIZE, INDEX_HEADER_SIZE, INDEX_INDEX_COUNT_POS, buildIndexKey, indexKeyHash } from './index-layout';
import { IndexService } from './index-service';
import type { DispatchRequest } from './record';
import { FaultIO } from './testing/fault-io';

const SLOTS = 512 * 1024; // 2 MiB of slots: two INDEX_FLUSH_CHUNK_PAGES chunks
const T = 1_700_000_000_000;

function req(key: string, physicalOffset: number): DispatchRequest {
  return { topic: 'T', queueId: 0, queueOffset: 0, physicalOffset, size: 100, tagsCode: 0, storeTimestamp: T, indexHashes: [indexKeyHash(buildIndexKey('T', key))], sysFlag: 0 };
}

/** Keys whose hashes spread over the whole table ("k<n>" for consecutive n hash into a few pages). */
const scattered = (n: number): string => `k${((n * 2654435761) % 4294967296).toString(36)}`;

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Writes that take a turn of the event loop, as real ones do, so that keys arrive between a flush's writes. */
class SlowWriteIO extends FaultIO {
  override async write(...a: Parameters<FaultIO['write']>): Promise<number> {
    await tick();
    return super.write(...a);
  }
}

/**
 * The index file's flush writes its slot table in chunks while keys keep arriving (index-file.ts flush). Whatever
 * the moment a process dies, every slot must point at an entry the file holds: below its header's indexCount (the
 * next entry's number; Java's IndexFile reads a slot beyond it as empty, which would cut the chain off).
 */
describe('store/index-file: a flush in chunks, killed at any write, leaves a readable file', function () {
  this.timeout(60_000);
  for (let killAt = 1; killAt <= 9; killAt++) {
    it(`rule: killed after ${killAt} write(s) of a flush while keys arrive, every slot points at an entry the file holds`, async () => {
      const io = new SlowWriteIO();
      const svc = new IndexService({ io, dir: '/s/index', hashSlotNum: SLOTS, indexNum: 4 * SLOTS, maxMsgsNumBatch: 64, logger: silentLogger(), now: () => T });
      let n = 0;
      const put = (k: number): void => {
        for (let i = 0; i < k; i++, n++) svc.buildIndex(req(scattered(n), 1000 + n));
      };
      put(20_000);
      await svc.flush(false); // the file exists: what follows counts only the next flush's writes
      put(20_000);
      io.freezeAfter(killAt);
      void svc.flush(false).catch(() => undefined);
      for (let i = 0; i < 50; i++) {
        await tick();
        put(200); // keys arriving between the flush's writes
      }
      const disk = io.crash('kill');
      const file = disk.fileBytes(svc.files[0]!.file)!;
      const count = file.readInt32BE(INDEX_INDEX_COUNT_POS);
      let past = 0;
      for (let s = 0; s < SLOTS; s++) if (file.readInt32BE(INDEX_HEADER_SIZE + s * INDEX_HASH_SLOT_SIZE) >= count) past++;
      assert.equal(past, 0, `slots pointing at or past indexCount ${count} (the next entry's number)`);
      const entries = INDEX_HEADER_SIZE + SLOTS * INDEX_HASH_SLOT_SIZE;
      let missing = 0;
      for (let e = 1; e < count; e++) if (file.readBigInt64BE(entries + e * INDEX_ENTRY_SIZE + INDEX_ENTRY_PHY_OFFSET_POS) === 0n) missing++;
      assert.equal(missing, 0, `entries below indexCount ${count} not in the file`);
      assert.ok(count >= 20_000, 'the first flush is in the file');
    });
  }
});

/**
 * A flush copies its slot chunks into one buffer, each written before the next is copied, and moves the entries put
 * during a write to the front of the buffer it keeps (index-file.ts flush, dropWritten). Whatever arrives between
 * writes, the file ends up with every entry in order and every slot as the table has it.
 */
describe('store/index-file: flushes while keys arrive write every chunk and entry as put', function () {
  this.timeout(60_000);
  it('rule: after flushes interleaved with keys, each entry holds its own record offset and each slot its last entry', async () => {
    const io = new SlowWriteIO();
    const svc = new IndexService({ io, dir: '/s/index', hashSlotNum: SLOTS, indexNum: 4 * SLOTS, maxMsgsNumBatch: 64, logger: silentLogger(), now: () => T });
    const lastEntry = new Map<number, number>(); // slot -> the entry number its last key got
    let n = 0;
    const put = (k: number): void => {
      for (let i = 0; i < k; i++, n++) {
        const key = scattered(n);
        svc.buildIndex(req(key, 1000 + n));
        lastEntry.set(indexKeyHash(buildIndexKey('T', key)) % SLOTS, n + 1);
      }
    };
    for (let round = 0; round < 4; round++) {
      put(round === 0 ? 30_000 : 5_000 * round);
      const flushing = svc.flush(false);
      for (let i = 0; i < 30; i++) {
        await tick();
        put(150);
      }
      await flushing;
    }
    await svc.flush(true);
    const file = io.crash('kill').fileBytes(svc.files[0]!.file)!;
    const count = file.readInt32BE(INDEX_INDEX_COUNT_POS);
    assert.equal(count, n + 1, 'indexCount is the next entry number');
    const entries = INDEX_HEADER_SIZE + SLOTS * INDEX_HASH_SLOT_SIZE;
    let wrong = 0;
    for (let e = 1; e < count; e++) if (file.readBigInt64BE(entries + e * INDEX_ENTRY_SIZE + INDEX_ENTRY_PHY_OFFSET_POS) !== BigInt(999 + e)) wrong++;
    assert.equal(wrong, 0, 'entries whose record offset is not their own');
    let badSlots = 0;
    for (let s = 0; s < SLOTS; s++) if (file.readInt32BE(INDEX_HEADER_SIZE + s * INDEX_HASH_SLOT_SIZE) !== (lastEntry.get(s) ?? 0)) badSlots++;
    assert.equal(badSlots, 0, 'slots that differ from the last entry put for them');
  });
});
