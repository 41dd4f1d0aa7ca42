import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { offset2FileName } from './mapped-file';
import { MessageStore } from './message-store';
import { StoreError } from './status';
import { FaultIO, type CrashMode } from './testing/fault-io';
import { decode, makeRecord, testConfig } from './testing/records';
import { Workload, verifyRecovered, type Op } from './testing/workload';
import type { StoreConfig } from './config';
import { decodeCheckpoint, encodeReplayPoint } from './checkpoint';

/**
 * Crash recovery on the fault-injecting I/O (Java: CommitLog#recoverNormally / #recoverAbnormally,
 * ConsumeQueue#recover, IndexService#load). Crash models: 'kill' (process killed: written data survives), 'drop'
 * (machine crash: un-fsynced data lost), 'torn' (machine crash: a random prefix of un-fsynced writes survives,
 * cut at a random byte).
 *
 * Invariants after any crash: acknowledged SYNC_FLUSH messages are all there (and ASYNC_FLUSH ones after a process
 * kill); no message read back is corrupt or different from what was put at that offset; queue offsets are dense;
 * the store takes new messages at the recovered max offsets; recovering again changes nothing.
 */

const CFG: Partial<StoreConfig> = {
  mappedFileSizeCommitLog: 4096,
  mappedFileSizeConsumeQueue: 20 * 16,
  maxHashSlotNum: 16,
  maxIndexNum: 40,
  flushIntervalCommitLog: 1,
  flushIntervalConsumeQueue: 2,
  flushConsumeQueueThoroughInterval: 5,
  flushCommitLogThoroughInterval: 5,
};

function config(sync: boolean): StoreConfig {
  return testConfig('/s', { ...CFG, flushDiskType: sync ? 'SYNC_FLUSH' : 'ASYNC_FLUSH' });
}

async function crashRun(io: FaultIO, sync: boolean, ops: readonly Op[], freezeAfter: number | undefined, mode: CrashMode): Promise<{ io: FaultIO; w: Workload }> {
  const store = await MessageStore.open(config(sync), { io });
  if (freezeAfter !== undefined) io.freezeAfter(freezeAfter);
  const w = new Workload();
  await w.run(store, ops, () => io.frozen);
  store.closeAbruptly();
  return { io: io.crash(mode), w };
}

async function checkAfterCrash(io: FaultIO, sync: boolean, w: Workload, mode: CrashMode): Promise<void> {
  const mustHave = sync || mode === 'kill' ? w.acked : [];
  const store = await MessageStore.open(config(sync), { io });
  const found = await verifyRecovered(store, w, mustHave);
  // New messages continue each queue at its recovered max offset.
  const more = new Workload('N');
  const maxBefore = new Map(w.queues().map((q) => [`${q.topic}/${q.queueId}`, store.getMaxOffsetInQueue(q.topic, q.queueId)]));
  await more.run(store, w.queues().map((q) => ({ kind: 'put', topic: q.topic, queueId: q.queueId, size: 50 }) as Op));
  for (const e of more.sent.values()) {
    assert.equal(e.status, 'PUT_OK');
    assert.equal(e.queueOffset, maxBefore.get(`${e.topic}/${e.queueId}`));
  }
  // A second crash (process kill) right away loses nothing acknowledged and nothing found.
  store.closeAbruptly();
  const io2 = io.crash('kill');
  const again = await MessageStore.open(config(sync), { io: io2 });
  const all = new Workload();
  for (const [k, v] of [...w.sent, ...more.sent]) all.sent.set(k, v);
  const found2 = await verifyRecovered(again, all, [...more.sent.values()]);
  for (const u of found) assert.ok(found2.has(u), `${u} vanished on the second recovery`);
  await again.shutdown();
}

const WORKLOAD: Op[] = [
  { kind: 'put', topic: 'A', queueId: 0, size: 300, keys: true },
  { kind: 'put', topic: 'A', queueId: 1, size: 100 },
  { kind: 'batch', topic: 'B', queueId: 0, n: 3, size: 200 },
  { kind: 'tick' },
  { kind: 'put', topic: 'A', queueId: 0, size: 900 },
  { kind: 'put', topic: 'B', queueId: 0, size: 50, keys: true },
  { kind: 'put', topic: 'A', queueId: 1, size: 700 },
  { kind: 'tick' },
  { kind: 'batch', topic: 'A', queueId: 0, n: 4, size: 150 },
  { kind: 'put', topic: 'B', queueId: 1, size: 1200 },
  { kind: 'tick' },
  { kind: 'put', topic: 'A', queueId: 1, size: 10, keys: true },
  { kind: 'put', topic: 'A', queueId: 0, size: 500 },
  { kind: 'batch', topic: 'B', queueId: 1, n: 2, size: 800 },
  { kind: 'tick' },
  { kind: 'put', topic: 'B', queueId: 0, size: 333 },
  { kind: 'put', topic: 'A', queueId: 1, size: 444, keys: true },
];

describe('store recovery: crash at every step (fault-injecting I/O)', () => {
  for (const sync of [true, false]) {
    it(`${sync ? 'SYNC_FLUSH' : 'ASYNC_FLUSH'}: for every I/O step of a write sequence, and each crash model, recovery keeps every acknowledged message and nothing corrupt`, async function () {
      this.timeout(120_000);
      // Count the steps of the sequence once.
      const dry = new FaultIO({ seed: 3 });
      const s = await MessageStore.open(config(sync), { io: dry });
      const startOps = dry.opCount;
      const w = new Workload();
      await w.run(s, WORKLOAD);
      const total = dry.opCount - startOps;
      s.closeAbruptly();
      assert.ok(total > 20, `${total} steps`);
      let runs = 0;
      for (let n = 0; n <= total + 2; n++) {
        for (const mode of ['kill', 'drop', 'torn'] as CrashMode[]) {
          const io = new FaultIO({ seed: n * 7 + 1 });
          const { io: after, w: wl } = await crashRun(io, sync, WORKLOAD, n, mode);
          try {
            await checkAfterCrash(after, sync, wl, mode);
          } catch (e) {
            (e as Error).message = `crash after step ${n}/${total}, mode ${mode}: ${(e as Error).message}`;
            throw e;
          }
          runs++;
        }
      }
      assert.ok(runs >= 3 * total);
    });
  }
});

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('put' as const), topic: fc.constantFrom('A', 'B', 'C'), queueId: fc.integer({ min: 0, max: 2 }), size: fc.integer({ min: 0, max: 1500 }), keys: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('batch' as const), topic: fc.constantFrom('A', 'B'), queueId: fc.integer({ min: 0, max: 2 }), n: fc.integer({ min: 1, max: 5 }), size: fc.integer({ min: 0, max: 600 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'tick' as const }) },
);

describe('store recovery: properties (fast-check)', () => {
  it('any workload, crashed at any step under any crash model, recovers dense, intact, with every acknowledged message', async function () {
    this.timeout(120_000);
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          sync: fc.boolean(),
          mode: fc.constantFrom<CrashMode>('kill', 'drop', 'torn'),
          freezeAfter: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
          shortWrites: fc.boolean(),
          ops: fc.array(opArb, { minLength: 1, maxLength: 60 }),
        }),
        async ({ seed, sync, mode, freezeAfter, shortWrites, ops }) => {
          const io = new FaultIO({ seed });
          if (shortWrites) io.shortWriteProbability = 0.3;
          const { io: after, w } = await crashRun(io, sync, ops, freezeAfter, mode);
          await checkAfterCrash(after, sync, w, mode);
        },
      ),
      { numRuns: 60, seed: 20240601 },
    );
  });
});

describe('store recovery: damaged files', () => {
  async function filled(io: FaultIO, n = 30): Promise<Workload> {
    const s = await MessageStore.open(config(false), { io });
    const w = new Workload();
    await w.run(s, Array.from({ length: n }, (_, i) => ({ kind: 'put', topic: 'D', queueId: i % 2, size: 200, keys: i % 3 === 0 }) as Op));
    await s.shutdown();
    return w;
  }

  it('a record with a bad body CRC ends the log: it and everything after it are truncated (Java: checkMessageAndReturnSize)', async () => {
    const io = new FaultIO();
    const w = await filled(io);
    const victim = [...w.sent.values()][20]!;
    io.poke(`/s/commitlog/${offset2FileName(victim.phy - (victim.phy % 4096))}`, (victim.phy % 4096) + victim.body.length + 70, Buffer.from('XX'));
    io.poke('/s/abort', 0, Buffer.from('1'));
    // Without Apogee's replay point (a store Java wrote last): Java's rule replays the whole file.
    await io.unlink('/s/checkpoint.apogee');
    const store = await MessageStore.open(config(false), { io });
    const found = await verifyRecovered(store, w, [...w.sent.values()].slice(0, 20));
    assert.equal(found.size, 20);
    assert.equal(store.getMaxPhyOffset(), victim.phy);
    assert.equal((await store.putMessage(makeRecord({ topic: 'D', body: 'new' }))).wroteOffset, victim.phy);
    await store.shutdown();
  });

  it('a torn consume queue unit is detected against the commit log and rebuilt', async () => {
    const io = new FaultIO();
    const w = await filled(io);
    const cqFile = `/s/consumequeue/D/0/${offset2FileName(0)}`;
    // Damage unit 14 of queue 0 (in its first file of 16 units) and mark a crash.
    io.poke(cqFile, 14 * 20, Buffer.from([0, 0, 0, 0, 0, 0, 0x12, 0x34]));
    io.poke('/s/abort', 0, Buffer.from('1'));
    // The checkpoint says nothing is durable: replay from the first file.
    io.poke('/s/checkpoint', 0, Buffer.alloc(24));
    const store = await MessageStore.open(config(false), { io });
    await verifyRecovered(store, w, [...w.sent.values()]);
    await store.shutdown();
  });

  it('deleted consume queues are rebuilt from the commit log (clean shutdown and crash)', async () => {
    for (const crashed of [false, true]) {
      const io = new FaultIO();
      const w = await filled(io, 40);
      for (const p of io.paths()) if (p.startsWith('/s/consumequeue/')) await io.unlink(p);
      if (crashed) io.poke('/s/abort', 0, Buffer.from('1'));
      const store = await MessageStore.open(config(false), { io });
      await verifyRecovered(store, w, [...w.sent.values()]);
      assert.equal(store.getMaxOffsetInQueue('D', 0), 20);
      await store.shutdown();
    }
  });

  it('after a crash, index files newer than the checkpoint are dropped and rebuilt by the replay', async () => {
    const io = new FaultIO();
    await filled(io, 30);
    io.poke('/s/abort', 0, Buffer.from('1'));
    io.poke('/s/checkpoint', 0, Buffer.alloc(24));
    const store = await MessageStore.open(config(false), { io });
    const q = await store.queryMessage('D', 'k-M27', 10, 0, Number.MAX_SAFE_INTEGER);
    assert.equal(q.messages.length, 1);
    assert.equal(decode(q.messages[0]!).body.toString().split(':')[0], 'M27');
    await store.shutdown();
  });

  it('without commit log files the consume queues are destroyed (Java: "the commitlog files are deleted")', async () => {
    const io = new FaultIO();
    await filled(io, 10);
    for (const p of io.paths()) if (p.startsWith('/s/commitlog/')) await io.unlink(p);
    const store = await MessageStore.open(config(false), { io });
    assert.equal(store.getMaxOffsetInQueue('D', 0), 0);
    assert.equal((await store.putMessage(makeRecord({ topic: 'D', body: 'x' }))).queueOffset, 0);
    await store.shutdown();
  });

  it('a zero-length last commit log file is deleted; a file of the wrong size refuses to open (Java: MappedFileQueue#doLoad)', async () => {
    const io = new FaultIO();
    await filled(io, 10);
    const h = await io.open(`/s/commitlog/${offset2FileName(1 << 20)}`, true);
    void h;
    const store = await MessageStore.open(config(false), { io });
    assert.equal(io.fileBytes(`/s/commitlog/${offset2FileName(1 << 20)}`), undefined);
    await store.shutdown();
    const h2 = await io.open(`/s/commitlog/${offset2FileName(0)}`, false);
    await io.truncate(h2, 1000);
    await assert.rejects(MessageStore.open(config(false), { io }), (e: unknown) => e instanceof StoreError && /configured file size/.test((e as Error).message));
  });
});

describe('store recovery: Apogee replay point (checkpoint.apogee)', () => {
  // Logics flushes only when the test asks, so the replay point stays where the test put it.
  const quiet = (): StoreConfig => testConfig('/s', { ...CFG, flushIntervalConsumeQueue: 3_600_000, flushConsumeQueueThoroughInterval: 3_600_000 });
  const puts = (n: number): Op[] => Array.from({ length: n }, (_, i) => ({ kind: 'put', topic: 'D', queueId: i % 2, size: 200, keys: i % 3 === 0 }) as Op);

  /** 20 messages made durable (replay point after them), 20 more only written, then a process kill. */
  async function killedAfterPoint(io: FaultIO): Promise<{ io: FaultIO; w: Workload; point: number }> {
    const s = await MessageStore.open(quiet(), { io });
    const w = new Workload();
    await w.run(s, puts(20));
    await s.flush();
    await w.run(s, puts(20));
    s.closeAbruptly();
    const crashed = io.crash('kill');
    const rp = crashed.fileBytes('/s/checkpoint.apogee')!;
    return { io: crashed, w, point: Number(rp.readBigInt64BE(8)) };
  }

  it('is written with the checkpoint bytes it belongs to; Java ignores it (the checkpoint keeps its 40-byte layout)', async () => {
    const { io, w, point } = await killedAfterPoint(new FaultIO());
    const sent = [...w.sent.values()];
    assert.equal(point, sent[20]!.phy);
    const cp = io.fileBytes('/s/checkpoint')!;
    assert.deepEqual(io.fileBytes('/s/checkpoint.apogee'), encodeReplayPoint(point, cp.subarray(0, 40)));
    assert.ok(decodeCheckpoint(cp).logicsMsgTimestamp > 0);
  });

  it('rule: a checkpoint write that cannot advance the point (a consume queue not yet durable) still carries the last point, so the companion never goes stale', async () => {
    const io = new FaultIO();
    const s = await MessageStore.open(quiet(), { io });
    const w = new Workload();
    await w.run(s, puts(20));
    await s.flush();
    const before = io.fileBytes('/s/checkpoint')!.subarray(0, 40);
    const point = io.fileBytes('/s/checkpoint.apogee')!.readBigInt64BE(8);
    // A later millisecond, so that the new record's store time (what physicMsgTimestamp records) differs from the
    // last one's: in the same millisecond the checkpoint's bytes did not change (failed ~1 run in 10).
    await new Promise((r) => setTimeout(r, 5));
    await w.run(s, [{ kind: 'put', topic: 'D', queueId: 0, size: 200 }]);
    // The commit log flush (every 1 ms) moves physicMsgTimestamp; wait for it, however loaded the machine.
    for (let i = 0; i < 500 && s.commitLog.flushedOffset < s.commitLog.maxOffset; i++) await new Promise((r) => setTimeout(r, 10));
    await s.flushLogics(false); // one dirty unit < flushConsumeQueueLeastPages: not every queue durable
    await s.checkpoint.flush(); // settles a write still in flight (as the admin command's flush does)
    const after = io.fileBytes('/s/checkpoint')!.subarray(0, 40);
    assert.notDeepEqual(after, before, 'the checkpoint was rewritten');
    const rp = io.fileBytes('/s/checkpoint.apogee')!;
    assert.equal(rp.readBigInt64BE(8), point);
    assert.deepEqual(rp.subarray(16, 56), after);
    await s.shutdown();
  });

  it('rule (recoveryReplayLagBytesMax): a queue\'s units not yet fsynced hold the point back; beyond the bound that queue is fsynced and the point moves on', async () => {
    for (const lag of [1 << 30, 1000]) {
      const io = new FaultIO();
      const s = await MessageStore.open(testConfig('/s', { ...CFG, flushIntervalConsumeQueue: 3_600_000, flushConsumeQueueThoroughInterval: 3_600_000, recoveryReplayLagBytesMax: lag }), { io });
      const w = new Workload();
      await w.run(s, puts(25));
      // One unit on a queue that then stays idle (below flushConsumeQueueLeastPages, never crossing a file)...
      await w.run(s, [{ kind: 'put', topic: 'X', queueId: 0, size: 200 }]);
      const x = [...w.sent.values()].find((e) => e.topic === 'X')!.phy;
      // ... while D's queues cross their 16-unit files, so each flush fsyncs them.
      await w.run(s, puts(40));
      await new Promise((r) => setTimeout(r, 50)); // the commit log flush (1 ms)
      await s.flushLogics(false);
      await s.checkpoint.flush();
      const point = Number(io.fileBytes('/s/checkpoint.apogee')!.readBigInt64BE(8));
      if (lag > 1000) assert.equal(point, x, 'held back by X\'s unit');
      else assert.equal(point, s.getMaxPhyOffset(), 'X fsynced, the point at the end');
      await s.shutdown();
    }
  });

  it('rule: every record after the point is validated and dispatched again (none skipped, their consume queue units were never written)', async () => {
    const { io, w } = await killedAfterPoint(new FaultIO());
    const store = await MessageStore.open(quiet(), { io });
    const found = await verifyRecovered(store, w, w.acked);
    assert.equal(found.size, 40);
    assert.equal(store.getMaxOffsetInQueue('D', 0) + store.getMaxOffsetInQueue('D', 1), 40);
    const q = await store.queryMessage('D', 'k-M38', 10, 0, Number.MAX_SAFE_INTEGER);
    assert.equal(q.messages.length, 1, 'the key of a record after the point is indexed once');
    await store.shutdown();
  });

  it('rule: a damaged record after the point (torn tail) ends the log; nothing after it is trusted', async () => {
    const { io, w, point } = await killedAfterPoint(new FaultIO());
    const sent = [...w.sent.values()];
    const victim = sent[30]!;
    assert.ok(victim.phy > point);
    io.poke(`/s/commitlog/${offset2FileName(victim.phy - (victim.phy % 4096))}`, (victim.phy % 4096) + victim.body.length + 70, Buffer.from('XX'));
    const store = await MessageStore.open(quiet(), { io });
    const found = await verifyRecovered(store, w, sent.slice(0, 30));
    assert.equal(found.size, 30);
    assert.equal(store.getMaxPhyOffset(), victim.phy);
    assert.equal(store.getMaxOffsetInQueue('D', 0) + store.getMaxOffsetInQueue('D', 1), 30);
    assert.equal((await store.putMessage(makeRecord({ topic: 'D', body: 'new' }))).wroteOffset, victim.phy);
    await store.shutdown();
  });

  it('a companion that no longer matches the checkpoint (a Java broker ran since) is ignored: Java\'s rule replays the file', async () => {
    const { io, w } = await killedAfterPoint(new FaultIO());
    const sent = [...w.sent.values()];
    // Damage before the point: only a replay from the file's start (Java's rule) sees it.
    const victim = sent[5]!;
    io.poke(`/s/commitlog/${offset2FileName(victim.phy - (victim.phy % 4096))}`, (victim.phy % 4096) + victim.body.length + 70, Buffer.from('XX'));
    const cp = io.fileBytes('/s/checkpoint')!;
    const ts = cp.readBigInt64BE(0);
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(ts + 1n);
    io.poke('/s/checkpoint', 0, b);
    const store = await MessageStore.open(quiet(), { io });
    assert.equal(store.getMaxPhyOffset(), victim.phy);
    await store.shutdown();
  });
});
