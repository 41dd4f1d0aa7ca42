import { strict as assert } from 'node:assert';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { silentLogger } from '../common';
import { GroupCommit } from './commit-log-flush';
import type { CommitLogOptions, CommitLogState, PutWaiter } from './commit-log-state';
import { PutMessageStatus } from './status';
import type { SegmentQueue } from './mapped-file';

// A full GC on demand: --expose-gc at run time (the unit suite runs without it).
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function groupCommit(): { gc: GroupCommit; s: CommitLogState } {
  const s = { writtenOffset: 0, flushedOffset: 0, failed: false, writtenStoreTimestamp: 0, flushedStoreTimestamp: 0, stats: { fsyncs: 0, flushedPuts: 0 }, hooks: undefined } as unknown as CommitLogState;
  const files = { segments: [{ from: 0 }], sync: async () => undefined } as unknown as SegmentQueue;
  const o = { fileSize: 1 << 30, now: () => Date.now(), logger: silentLogger(), syncFlushTimeout: 5000 } as unknown as CommitLogOptions;
  return { gc: new GroupCommit(s, files, o), s };
}

/** A waiter whose continuation holds 64 KiB, as a put's holds its request and record; the WeakRef watches it. */
function addHoldingWaiter(g: GroupCommit, end: number): WeakRef<object> {
  const payload = { bytes: Buffer.alloc(64 * 1024) };
  g.addSyncWaiter({ sync: true, end, deadline: Date.now() + 5000, resolve: () => void payload.bytes.length });
  return new WeakRef(payload);
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('GroupCommit (SYNC_FLUSH acknowledgements)', () => {
  it('acknowledges each waiter once the fsync covers its end, oldest first, and keeps the later ones waiting', async () => {
    const { gc: g, s } = groupCommit();
    const got: string[] = [];
    const waiter = (name: string, end: number): PutWaiter => ({ sync: true, end, deadline: Date.now() + 5000, resolve: (st) => got.push(`${name}:${st}`) });
    g.addSyncWaiter(waiter('a', 100));
    g.addSyncWaiter(waiter('b', 200));
    s.writtenOffset = 100;
    g.startFlush();
    await settle();
    assert.deepEqual(got, [`a:${PutMessageStatus.PUT_OK}`]);
    s.writtenOffset = 200;
    g.startFlush();
    await settle();
    assert.deepEqual(got, [`a:${PutMessageStatus.PUT_OK}`, `b:${PutMessageStatus.PUT_OK}`]);
  });

  // Rule: a waiter is released as soon as it is acknowledged. Under steady load the queue rarely drains to empty;
  // slots kept until compaction held up to 4,096 finished puts (request, message, record) for V8 to promote.
  it('does not keep an acknowledged waiter (and what its continuation holds) while later ones still wait', async () => {
    const { gc: g, s } = groupCommit();
    const held = addHoldingWaiter(g, 100);
    g.addSyncWaiter({ sync: true, end: 200, deadline: Date.now() + 5000, resolve: () => undefined });
    s.writtenOffset = 100;
    g.startFlush();
    await settle();
    await settle();
    gc();
    assert.equal(held.deref(), undefined, 'the acknowledged waiter is still referenced by the group commit');
  });
});
