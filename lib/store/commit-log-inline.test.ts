import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageStore } from './message-store';
import { FaultIO } from './testing/fault-io';
import { decode, makeRecord, testConfig } from './testing/records';

/**
 * rule commitLogWriteInlineBytesMax (commit-log-writer.ts writeInline): a small commit log write with no other in
 * flight is done on the event loop's thread; bigger ones, and any while another is in flight, go to the thread pool.
 * Either way the records, their order and the failure handling are the same.
 */
describe('lib/store commit log: inline writes (commitLogWriteInlineBytesMax)', () => {
  const big = { mappedFileSizeCommitLog: 4 * 1024 * 1024 };

  it('rule: a write of at most commitLogWriteInlineBytesMax alone is inline; a bigger one is not; 0 turns it off', async () => {
    const io = new FaultIO();
    const store = await MessageStore.open(testConfig('/s', { ...big, commitLogWriteInlineBytesMax: 4096 }), { io });
    const s0 = store.stats();
    assert.equal((await store.putMessage(makeRecord({ topic: 'In', body: 'small' }))).status, 'PUT_OK');
    const s1 = store.stats();
    assert.equal(s1.commitLogWrites - s0.commitLogWrites, 1);
    assert.equal(s1.commitLogInlineWrites - s0.commitLogInlineWrites, 1, 'the small write was inline');
    assert.equal((await store.putMessage(makeRecord({ topic: 'In', body: Buffer.alloc(8000, 1) }))).status, 'PUT_OK');
    const s2 = store.stats();
    assert.equal(s2.commitLogWrites - s1.commitLogWrites, 1);
    assert.equal(s2.commitLogInlineWrites, s1.commitLogInlineWrites, 'a write over the limit went to the thread pool');
    await store.shutdown();

    const off = await MessageStore.open(testConfig('/s', { ...big, commitLogWriteInlineBytesMax: 0 }), { io });
    assert.equal((await off.putMessage(makeRecord({ topic: 'In', body: 'off' }))).status, 'PUT_OK');
    assert.equal(off.stats().commitLogInlineWrites, 0);
    const bodies: string[] = [];
    for (let at = 0; at < 3; at++) bodies.push(decode((await off.getMessage('In', 0, at, 1))!.messages[0]!).body.toString().slice(0, 5));
    assert.deepEqual(bodies, ['small', '\u0001'.repeat(5), 'off']);
    await off.shutdown();
  });

  it('while a thread-pool write is in flight, later small writes wait for it and go out as one write after it, in order', async () => {
    const io = new FaultIO();
    io.writeDelayMs = 20; // the thread-pool write stays in flight while the small puts arrive
    const store = await MessageStore.open(testConfig('/s', { ...big, commitLogWriteInlineBytesMax: 4096 }), { io });
    const s0 = store.stats();
    const puts = [store.putMessage(makeRecord({ topic: 'Or', body: Buffer.alloc(10_000, 7) }))];
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 20; i++) {
      puts.push(store.putMessage(makeRecord({ topic: 'Or', body: `s${i}` })));
      if (i % 5 === 4) await new Promise((r) => setImmediate(r));
    }
    const rs = await Promise.all(puts);
    const s1 = store.stats();
    assert.equal(s1.commitLogWrites - s0.commitLogWrites, 2, 'the big write, then the 20 small puts together');
    assert.equal(s1.commitLogInlineWrites - s0.commitLogInlineWrites, 1, 'only the second was inline');
    assert.deepEqual(rs.map((r) => r.queueOffset), rs.map((_, i) => i));
    assert.ok(rs.every((r, i) => i === 0 || r.wroteOffset > rs[i - 1]!.wroteOffset));
    store.closeAbruptly();
    const again = await MessageStore.open(testConfig('/s', big), { io: io.crash('kill') });
    const got = (await again.getMessage('Or', 0, 1, 32))!.messages.map((b) => decode(b).body.toString());
    assert.deepEqual(got, Array.from({ length: 20 }, (_, i) => `s${i}`), 'a process kill keeps every acknowledged put, in order');
    await again.shutdown();
  });

  it('an inline write that fails (ENOSPC) fails its puts with SERVICE_NOT_AVAILABLE and rolls back; a short inline write is completed', async () => {
    const io = new FaultIO({ capacityBytes: 1 << 30, seed: 3 });
    const cfg = { ...big, diskSpaceWarningLevelRatio: 100, diskMaxUsedSpaceRatio: 100, diskSpaceCleanForciblyRatio: 100 };
    const store = await MessageStore.open(testConfig('/s', cfg), { io });
    assert.equal((await store.putMessage(makeRecord({ topic: 'Fi', body: 'one' }))).queueOffset, 0);
    io.failNext({ op: 'write', code: 'ENOSPC', pathIncludes: 'commitlog' });
    const bad = await store.putMessage(makeRecord({ topic: 'Fi', body: 'lost' }));
    assert.equal(bad.status, 'SERVICE_NOT_AVAILABLE');
    await store.checkDiskSpace();
    io.shortWriteProbability = 1;
    const inlineBefore = store.stats().commitLogInlineWrites;
    const ok = await store.putMessage(makeRecord({ topic: 'Fi', body: 'two'.repeat(50) }));
    io.shortWriteProbability = 0;
    assert.equal(ok.status, 'PUT_OK');
    assert.equal(ok.queueOffset, 1, 'no hole where the failed put was');
    assert.equal(store.stats().commitLogInlineWrites, inlineBefore + 1);
    await store.shutdown();
    const again = await MessageStore.open(testConfig('/s', cfg), { io });
    assert.deepEqual((await again.getMessage('Fi', 0, 0, 8))!.messages.map((b) => decode(b).body.toString()), ['one', 'two'.repeat(50)]);
    await again.shutdown();
  });

  it('node:fs: inline writes reach the file (a reopened store reads every put)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-inline-'));
    try {
      const store = await MessageStore.open(testConfig(dir, big));
      const rs = [];
      for (let i = 0; i < 50; i++) rs.push(await store.putMessage(makeRecord({ topic: 'Nf', queueId: i % 2, body: `n${i}` })));
      assert.ok(rs.every((r) => r.status === 'PUT_OK'));
      assert.ok(store.stats().commitLogInlineWrites >= 50, `${store.stats().commitLogInlineWrites} inline writes`);
      store.closeAbruptly();
      const again = await MessageStore.open(testConfig(dir, big));
      const q0 = (await again.getMessage('Nf', 0, 0, 32))!.messages.map((b) => decode(b).body.toString());
      assert.deepEqual(q0, Array.from({ length: 25 }, (_, i) => `n${2 * i}`));
      await again.shutdown();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
