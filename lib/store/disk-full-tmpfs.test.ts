import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { MessageStore } from './message-store';
import { makeRecord, testConfig } from './testing/records';
import { fillUntilAvailable, mountTmpfs, tmpfsUnavailable, unmount } from './testing/tmpfs';
import { skipBecause } from '../common/testing/skip';

describe('disk full on a real file system (a 24 MiB tmpfs, real ENOSPC)', () => {
  it('puts are refused with the real usage, and accepted again within the re-check interval after space is freed', async function () {
    const dir = mountTmpfs(24 * 1024 * 1024);
    if (dir === undefined) skipBecause(this, tmpfsUnavailable() ?? 'mount -t tmpfs failed (no permission to mount here)');
    const store = await MessageStore.open(testConfig(dir, { mappedFileSizeCommitLog: 1024 * 1024, diskSpaceWarningLevelRatio: 100, diskMaxUsedSpaceRatio: 100, diskSpaceCleanForciblyRatio: 100 }));
    try {
      const filler = fillUntilAvailable(dir, 256 * 1024);
      let refused: Awaited<ReturnType<MessageStore['putMessage']>> | undefined;
      for (let i = 0; i < 200 && refused === undefined; i++) {
        const r = await store.putMessage(makeRecord({ topic: 'Tf', body: Buffer.alloc(32 * 1024) }));
        if (r.status !== 'PUT_OK') refused = r;
      }
      assert.ok(refused !== undefined, 'the tmpfs filled up');
      assert.equal(refused.status, 'SERVICE_NOT_AVAILABLE');
      await store.diskWatch.check();
      const again = await store.putMessage(makeRecord({ topic: 'Tf', body: 'x' }));
      assert.match(again.remark ?? '', /disk is full.*\[(9\d|100)\.\d% used, \d+ MiB available, measured \d+ ms ago\]/);
      const checks = store.diskWatch.checks;
      fs.unlinkSync(filler);
      const deadline = Date.now() + 5000;
      while (store.stats().diskFull && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(store.stats().diskFull, false, 'space came back');
      assert.ok(store.diskWatch.checks > checks, 'seen by the watch, not by a retention run');
      assert.equal((await store.putMessage(makeRecord({ topic: 'Tf', body: 'after' }))).status, 'PUT_OK');
    } finally {
      await store.shutdown().catch(() => undefined);
      unmount(dir);
    }
  });
});
