import * as assert from 'node:assert/strict';
import { DISK_AVAILABLE_BYTES_MIN_AFTER_ENOSPC, DISK_FULL_RECHECK_INTERVAL_MS, DISK_RECHECK_MS_MIN } from './disk-watch';
import { MessageStore } from './message-store';
import { FaultIO } from './testing/fault-io';
import { makeRecord, testConfig } from './testing/records';

const cfg = { mappedFileSizeCommitLog: 1024 * 1024, diskSpaceWarningLevelRatio: 100, diskMaxUsedSpaceRatio: 100, diskSpaceCleanForciblyRatio: 100 };

async function waitFor(pred: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('disk full (ENOSPC): re-measured at once, on refusals, and every DISK_FULL_RECHECK_INTERVAL_MS while full', () => {
  it(`rule DISK_FULL_RECHECK_INTERVAL_MS (${DISK_FULL_RECHECK_INTERVAL_MS} <= 1000): puts resume after space comes back with no retention run; the refusal names the measured usage and the ENOSPC`, async () => {
    assert.ok(DISK_FULL_RECHECK_INTERVAL_MS <= 1000 && DISK_RECHECK_MS_MIN < DISK_FULL_RECHECK_INTERVAL_MS);
    const io = new FaultIO({ capacityBytes: 1 << 30 });
    const store = await MessageStore.open(testConfig('/s', cfg), { io });
    try {
      for (let i = 0; i < 5; i++) await store.putMessage(makeRecord({ topic: 'Df', body: Buffer.alloc(500) }));
      io.capacityBytes = io.usedBytes() + 100;
      const failed = await store.putMessage(makeRecord({ topic: 'Df', body: Buffer.alloc(5000) }));
      assert.equal(failed.status, 'SERVICE_NOT_AVAILABLE');
      assert.equal(store.stats().diskFull, true);
      const checksAfterEnospc = store.diskWatch.checks;
      assert.ok(checksAfterEnospc >= 1, 'ENOSPC triggers a measurement at once');
      await store.diskWatch.check();
      const refused = await store.putMessage(makeRecord({ topic: 'Df', body: 'x' }));
      assert.equal(refused.status, 'SERVICE_NOT_AVAILABLE');
      assert.match(refused.remark ?? '', /disk is full \(a commit log write failed with ENOSPC.*\) \[100\.0% used, 0 MiB available, measured \d+ ms ago\]/);
      // Space comes back: nobody calls checkDiskSpace, retention's first run is 60 s away; the watch's timer sees it.
      io.capacityBytes = 1 << 30;
      await waitFor(() => !store.stats().diskFull, 5000);
      assert.ok(store.diskWatch.checks > checksAfterEnospc);
      assert.equal((await store.putMessage(makeRecord({ topic: 'Df', body: 'after' }))).status, 'PUT_OK');
    } finally {
      await store.shutdown();
    }
  });

  it(`rule DISK_AVAILABLE_BYTES_MIN_AFTER_ENOSPC: after an ENOSPC the disk stays full until that much is available, whatever the ratio`, async () => {
    const io = new FaultIO({ capacityBytes: 1 << 30 });
    const store = await MessageStore.open(testConfig('/s', cfg), { io });
    try {
      await store.putMessage(makeRecord({ topic: 'Dm', body: 'a' }));
      io.capacityBytes = io.usedBytes() + 10;
      assert.equal((await store.putMessage(makeRecord({ topic: 'Dm', body: Buffer.alloc(5000) }))).status, 'SERVICE_NOT_AVAILABLE');
      io.capacityBytes = io.usedBytes() + DISK_AVAILABLE_BYTES_MIN_AFTER_ENOSPC - 1;
      await store.diskWatch.check();
      assert.equal(store.stats().diskFull, true);
      io.capacityBytes = io.usedBytes() + DISK_AVAILABLE_BYTES_MIN_AFTER_ENOSPC;
      await store.diskWatch.check();
      assert.equal(store.stats().diskFull, false);
    } finally {
      await store.shutdown();
    }
  });

  it(`rule DISK_RECHECK_MS_MIN: refused puts trigger at most one measurement per ${DISK_RECHECK_MS_MIN} ms`, async () => {
    let t = 1_000_000;
    const io = new FaultIO({ capacityBytes: 1 << 30 });
    const store = await MessageStore.open(testConfig('/s', cfg), { io, clock: { now: () => t } });
    try {
      await store.putMessage(makeRecord({ topic: 'Dr', body: 'a' }));
      io.capacityBytes = io.usedBytes() + 10;
      await store.putMessage(makeRecord({ topic: 'Dr', body: Buffer.alloc(5000) }));
      await store.diskWatch.check();
      const n = store.diskWatch.checks;
      for (let i = 0; i < 20; i++) await store.putMessage(makeRecord({ topic: 'Dr', body: 'x' }));
      await store.diskWatch.check();
      assert.ok(store.diskWatch.checks <= n + 1, `${store.diskWatch.checks - n} measurements for 20 refusals in one instant`);
      t += DISK_RECHECK_MS_MIN;
      await store.putMessage(makeRecord({ topic: 'Dr', body: 'x' }));
      assert.ok(store.diskWatch.checks >= n + 1);
    } finally {
      await store.shutdown();
    }
  });
});
