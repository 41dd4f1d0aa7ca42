import * as assert from 'node:assert/strict';
import { silentLogger } from '../common';
import { CQ_LOAD_READ_BYTES_MAX, CQ_LOAD_READ_BYTES_MIN, CQ_STORE_UNIT_SIZE, ConsumeQueue } from './consume-queue';
import { FaultIO } from './testing/fault-io';

/**
 * ConsumeQueue#load finds the end of the units in the last file (Java: ConsumeQueue#recover) with reads that grow
 * from CQ_LOAD_READ_BYTES_MIN to CQ_LOAD_READ_BYTES_MAX: the end is found exactly at every chunk boundary, and a
 * short queue costs one small read.
 */
const FILE_UNITS = 200_000; // 4 MB files: several reads of the largest size

function queue(io: FaultIO): ConsumeQueue {
  return new ConsumeQueue({ io, root: '/s/consumequeue', topic: 'T', queueId: 0, fileSize: FILE_UNITS * CQ_STORE_UNIT_SIZE, tailUnitsMax: 100, logger: silentLogger() });
}

async function loadedAfter(units: number): Promise<{ cq: ConsumeQueue; reads: number }> {
  const io = new FaultIO();
  const w = queue(io);
  for (let i = 0; i < units; i++) w.put(1_000 + i * 100, 100, 0, i);
  await w.write();
  const before = io.stats.reads;
  const cq = queue(io);
  await cq.load();
  return { cq, reads: io.stats.reads - before };
}

describe('store/consume-queue load: the end of the units (CQ_LOAD_READ_BYTES_MIN / _MAX bytes per read)', () => {
  const unitsPerMin = Math.floor(CQ_LOAD_READ_BYTES_MIN / CQ_STORE_UNIT_SIZE);
  const unitsPerMax = Math.floor(CQ_LOAD_READ_BYTES_MAX / CQ_STORE_UNIT_SIZE);
  // Ends on and around the first chunk, the doubled ones and the largest, and a full file.
  const ends = [1, unitsPerMin - 1, unitsPerMin, unitsPerMin + 1, 3 * unitsPerMin, 3 * unitsPerMin + 1, unitsPerMax + 7, 3 * unitsPerMax, FILE_UNITS - 1, FILE_UNITS];
  for (const n of ends) {
    it(`finds the end after ${n} units`, async () => {
      const { cq } = await loadedAfter(n);
      assert.equal(cq.maxOffsetInQueue, n);
      assert.equal(cq.maxPhysicOffset, 1_000 + (n - 1) * 100 + 100);
    });
  }

  it('bound: a short queue is found with one read of at most CQ_LOAD_READ_BYTES_MIN; a full file with reads growing to the largest', async () => {
    const short = await loadedAfter(10);
    const full = await loadedAfter(FILE_UNITS);
    // load() reads the last unit again (maxPhysicOffset): one read more than the scan itself.
    assert.ok(short.reads <= 2, `${short.reads} reads`);
    const scanReads = Math.ceil(Math.log2(CQ_LOAD_READ_BYTES_MAX / CQ_LOAD_READ_BYTES_MIN)) + Math.ceil((FILE_UNITS * CQ_STORE_UNIT_SIZE) / CQ_LOAD_READ_BYTES_MAX);
    assert.ok(full.reads <= scanReads + 1, `${full.reads} reads, at most ${scanReads + 1}`);
    assert.ok(full.reads < (FILE_UNITS * CQ_STORE_UNIT_SIZE) / CQ_LOAD_READ_BYTES_MIN, 'fewer reads than at the smallest size');
  });
});
