import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '../../common';
import type { MetadataIo } from './coalescing-writer';
import { ConsumerOffsetManager } from './consumer-offset-manager';
import { SubscriptionGroupManager } from './subscription-group-manager';

/** A disk that is full until `free()` is called. */
function fullDisk(): MetadataIo & { free(): void; written: string[] } {
  let full = true;
  const written: string[] = [];
  const fail = (): never => {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  };
  return {
    written,
    free: () => (full = false),
    write: async (file, chunks) => {
      const text = [...chunks].join('');
      if (full) fail();
      written.push(`${path.basename(file)}:${text.length}`);
    },
    writeSync: (file, chunks) => {
      const text = [...chunks].join('');
      if (full) fail();
      written.push(`${path.basename(file)}:${text.length}`);
    },
  };
}

/**
 * Rule (issue 14, disk full): a metadata write that fails must not fail a read. A pull or heartbeat by a new group
 * auto-creates the group and commits offsets: with the disk full neither throws; the admin path (flush) learns the
 * file and errno; once space is back the pending state is written.
 */
describe('lib/broker/metadata: a failed metadata write never fails the request that changed it', () => {
  it('group auto-creation and offset commits succeed on a full disk; the files are written once space is back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-enospc-'));
    const io = fullDisk();
    const groups = new SubscriptionGroupManager({ storePathRootDir: dir, autoCreateSubscriptionGroup: true, groupsMax: 100, logger: silentLogger(), now: Date.now, io });
    const offsets = new ConsumerOffsetManager(dir, silentLogger(), Date.now, 1000, io);
    assert.ok(groups.find('NewGroup') !== undefined, 'auto-created although subscriptionGroup.json cannot be written');
    offsets.commitOffset('NewGroup', 'T', 0, 5);
    offsets.persist();
    await assert.rejects(groups.flush(), /subscriptionGroup\.json.*ENOSPC/);
    assert.equal(groups.get('NewGroup')?.groupName, 'NewGroup', 'still in effect in memory');
    io.free();
    await groups.flush();
    await offsets.flush();
    assert.ok(io.written.some((w) => w.startsWith('subscriptionGroup.json:')));
    assert.ok(io.written.some((w) => w.startsWith('consumerOffset.json:')));
    await groups.close();
    await offsets.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
