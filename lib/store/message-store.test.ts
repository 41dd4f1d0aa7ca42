import * as assert from 'node:assert/strict';
import { MessageSysFlag, decodeStoredMessage } from '../../protocol/message';
import { javaStringHashCode } from '../../protocol/codec';
import { tagsCodeFilter } from './filter';
import { MessageStore } from './message-store';
import { FaultIO } from './testing/fault-io';
import { decode, makeRecord, testConfig } from './testing/records';
import type { MessageArrival, PutMessageResult } from './types';

/** Behaviour of the store API the broker relies on (Java: DefaultMessageStore). */

const T0 = 1_700_000_000_000;
function clockAt(t: number): { now(): number; t: number } {
  const c = { t, now: () => c.t };
  return c;
}

async function open(io = new FaultIO(), overrides = {}, deps = {}): Promise<{ io: FaultIO; store: MessageStore }> {
  const store = await MessageStore.open(testConfig('/s', overrides), { io, ...deps });
  return { io, store };
}

describe('MessageStore: put', () => {
  it('assigns dense queue offsets per (topic, queueId), increasing physical offsets, and patches them into the stored bytes', async () => {
    const { store } = await open();
    const seen = new Map<string, number>();
    let lastPhy = -1;
    for (let i = 0; i < 300; i++) {
      const topic = i % 3 === 0 ? 'A' : 'B';
      const queueId = i % 4;
      const rec = makeRecord({ topic, queueId, body: `m${i}` });
      const r = await store.putMessage(rec);
      assert.equal(r.status, 'PUT_OK');
      const key = `${topic}/${queueId}`;
      assert.equal(r.queueOffset, seen.get(key) ?? 0);
      seen.set(key, r.queueOffset + 1);
      assert.ok(r.wroteOffset > lastPhy);
      lastPhy = r.wroteOffset;
      const m = decode(rec);
      assert.equal(m.queueOffset, r.queueOffset);
      assert.equal(m.physicalOffset, r.wroteOffset);
      assert.equal(m.storeTimestamp, r.storeTimestamp);
    }
    for (const [key, next] of seen) {
      const [topic, q] = key.split('/');
      assert.equal(store.getMaxOffsetInQueue(topic!, Number(q)), next);
      assert.equal(store.getMinOffsetInQueue(topic!, Number(q)), 0);
    }
    await store.shutdown();
  });

  it('a batch goes into one file with consecutive queue offsets and one store timestamp; a batch that does not fit moves whole to the next file', async () => {
    const { store } = await open(undefined, { mappedFileSizeCommitLog: 4096 });
    const first = await store.putMessage(makeRecord({ topic: 'Bt', body: Buffer.alloc(3000) }));
    const batch = Array.from({ length: 5 }, (_, i) => makeRecord({ topic: 'Bt', body: `b${i}`.padEnd(200, '.') }));
    const r = await store.putMessages(batch);
    assert.equal(r.status, 'PUT_OK');
    assert.equal(r.msgNum, 5);
    assert.deepEqual(r.queueOffsets, [1, 2, 3, 4, 5]);
    assert.equal(r.physicalOffsets[0], 4096, 'rolled as a whole');
    for (let i = 1; i < 5; i++) assert.equal(r.physicalOffsets[i], r.physicalOffsets[i - 1]! + batch[i - 1]!.length);
    assert.equal(r.wroteBytes, batch.reduce((n, b) => n + b.length, 0));
    for (const b of batch) assert.equal(decode(b).storeTimestamp, r.storeTimestamp);
    assert.equal(first.wroteOffset, 0);
    await store.shutdown();
  });

  it('PREPARED and ROLLBACK records get queue offset 0 and no consume queue entry; COMMIT records are queued (Java: doAppend, CommitLogDispatcherBuildConsumeQueue)', async () => {
    const { store } = await open();
    const a = await store.putMessage(makeRecord({ topic: 'Tx', body: 'normal' }));
    const p = await store.putMessage(makeRecord({ topic: 'Tx', body: 'half', sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE, uniqKey: 'H1' }));
    const rb = await store.putMessage(makeRecord({ topic: 'Tx', body: 'rb', sysFlag: MessageSysFlag.TRANSACTION_ROLLBACK_TYPE, uniqKey: 'R1' }));
    const c = await store.putMessage(makeRecord({ topic: 'Tx', body: 'commit', sysFlag: MessageSysFlag.TRANSACTION_COMMIT_TYPE }));
    assert.deepEqual([a.queueOffset, p.queueOffset, rb.queueOffset, c.queueOffset], [0, 0, 0, 1]);
    assert.equal(store.getMaxOffsetInQueue('Tx', 0), 2);
    const g = await store.getMessage('Tx', 0, 0, 32);
    assert.deepEqual(g!.messages.map((b) => decode(b).body.toString()), ['normal', 'commit']);
    // The half message is indexed (Java indexes PREPARED, not ROLLBACK) and readable by offset.
    assert.equal((await store.queryMessage('Tx', 'H1', 10, 0, Number.MAX_SAFE_INTEGER)).messages.length, 1);
    assert.equal((await store.queryMessage('Tx', 'R1', 10, 0, Number.MAX_SAFE_INTEGER)).messages.length, 0);
    assert.equal(decode((await store.lookMessageByOffset(p.wroteOffset))!).body.toString(), 'half');
    await store.shutdown();
  });

  it('refuses malformed, oversized and mis-checksummed records with MESSAGE_ILLEGAL and assigns nothing', async () => {
    const { store } = await open(undefined, { maxMessageSize: 1000 });
    const good = makeRecord({ topic: 'Il', body: 'ok' });
    const badCrc = makeRecord({ topic: 'Il', body: 'ok' });
    badCrc.writeInt32BE(12345, 8);
    const truncated = good.subarray(0, good.length - 1);
    const big = makeRecord({ topic: 'Il', body: Buffer.alloc(1001) });
    const badTopic = makeRecord({ topic: '../etc', body: 'x' });
    for (const rec of [badCrc, truncated, big, badTopic]) {
      const r = await store.putMessage(rec);
      assert.equal(r.status, 'MESSAGE_ILLEGAL');
      assert.ok(r.remark !== undefined && r.remark.length > 0);
    }
    assert.equal((await store.putMessages([good, badCrc])).status, 'MESSAGE_ILLEGAL', 'one bad record refuses the batch');
    assert.equal((await store.putMessage(makeRecord({ topic: 'Il', body: 'ok' }))).queueOffset, 0);
    assert.equal(store.stats().putMessageFailedTimes, 6);
    await store.shutdown();
  });

  it('ASYNC_FLUSH: puts in the same event-loop turn share one write(2) (no syscall per message)', async () => {
    const { io, store } = await open();
    const before = io.stats.writes;
    const rs = await Promise.all(Array.from({ length: 500 }, (_, i) => store.putMessage(makeRecord({ topic: 'Co', queueId: i % 8, body: `x${i}` }))));
    assert.ok(rs.every((r) => r.status === 'PUT_OK'));
    const writes = io.stats.writes - before;
    assert.ok(writes <= 3, `500 puts took ${writes} writes`);
    await store.shutdown();
  });

  it('SYNC_FLUSH: a put is acknowledged only after fsync, and concurrent puts share fsyncs (group commit)', async () => {
    const io = new FaultIO();
    io.syncDelayMs = 2;
    const { store } = await open(io, { flushDiskType: 'SYNC_FLUSH' });
    const syncsBefore = io.stats.syncs;
    const puts: Promise<PutMessageResult>[] = [];
    for (let wave = 0; wave < 20; wave++) {
      for (let i = 0; i < 50; i++) puts.push(store.putMessage(makeRecord({ topic: 'Gc', queueId: i % 4, body: `w${wave}-${i}` })));
      await new Promise((r) => setImmediate(r));
    }
    const rs = await Promise.all(puts);
    assert.ok(rs.every((r) => r.status === 'PUT_OK'));
    const syncs = io.stats.syncs - syncsBefore;
    assert.ok(syncs < 1000 / 10, `1000 SYNC_FLUSH puts took ${syncs} fsyncs`);
    assert.ok(store.stats().syncFlushedPuts === 1000);
    // Acknowledged means durable: a machine crash loses none of them.
    store.closeAbruptly();
    const s2 = await MessageStore.open(testConfig('/s', { flushDiskType: 'SYNC_FLUSH' }), { io: io.crash('drop') });
    let n = 0;
    for (let q = 0; q < 4; q++) n += s2.getMaxOffsetInQueue('Gc', q);
    assert.equal(n, 1000);
    await s2.shutdown();
  });

  it('SYNC_FLUSH with WAIT=false acknowledges after the write, without waiting for fsync', async () => {
    const io = new FaultIO();
    const { store } = await open(io, { flushDiskType: 'SYNC_FLUSH' });
    await store.putMessage(makeRecord({ topic: 'W', body: 'first' }));
    io.syncDelayMs = 200;
    const t = Date.now();
    const r = await store.putMessage(makeRecord({ topic: 'W', body: 'x' }), { waitStoreMsgOK: false });
    assert.equal(r.status, 'PUT_OK');
    assert.ok(Date.now() - t < 150);
    io.syncDelayMs = 0;
    await store.shutdown();
  });

  it('SYNC_FLUSH: a put not fsynced within syncFlushTimeout answers FLUSH_DISK_TIMEOUT (the message stays appended)', async () => {
    const io = new FaultIO();
    const { store } = await open(io, { flushDiskType: 'SYNC_FLUSH', syncFlushTimeout: 30 });
    io.syncDelayMs = 150;
    const r = await store.putMessage(makeRecord({ topic: 'Ft', body: 'slow' }));
    assert.equal(r.status, 'FLUSH_DISK_TIMEOUT');
    assert.equal(r.queueOffset, 0);
    io.syncDelayMs = 0;
    await store.shutdown();
    const s2 = await MessageStore.open(testConfig('/s'), { io });
    assert.equal(s2.getMaxOffsetInQueue('Ft', 0), 1);
    await s2.shutdown();
  });

  it('rule putPendingBytesMax: beyond it puts answer OS_PAGE_CACHE_BUSY instead of queueing without bound', async () => {
    const io = new FaultIO();
    const { store } = await open(io, { putPendingBytesMax: 1024 * 1024 });
    const body = Buffer.alloc(60 * 1024);
    const rs = await Promise.all(Array.from({ length: 40 }, () => store.putMessage(makeRecord({ topic: 'Bp', body }))));
    const busy = rs.filter((r) => r.status === 'OS_PAGE_CACHE_BUSY').length;
    assert.ok(busy > 0 && busy < 40, `${busy} busy`);
    const ok = rs.filter((r) => r.status === 'PUT_OK').map((r) => r.queueOffset);
    assert.deepEqual(ok, ok.map((_, i) => i), 'offsets stay dense');
    await store.shutdown();
  });
});

describe('MessageStore: bounds', () => {
  it('rule consumeQueueTailUnitsMax: written units beyond it leave memory and are read from the file', async () => {
    const io = new FaultIO();
    // The background flush is pushed out of the way (an hour) so that only the explicit flushLogics below writes:
    // on a loaded machine the default test interval could fire between the puts and the first assertion.
    const { store } = await open(io, { consumeQueueTailUnitsMax: 10, mappedFileSizeConsumeQueue: 20 * 1000, flushIntervalConsumeQueue: 3_600_000 });
    for (let i = 0; i < 100; i++) await store.putMessage(makeRecord({ topic: 'Cu', body: `c${i}` }));
    const cq = store.findConsumeQueue('Cu', 0)!;
    assert.equal(cq.cachedUnits, 100, 'not written yet: all in memory');
    await store.flushLogics(false);
    assert.ok(cq.cachedUnits <= 10, `${cq.cachedUnits} units cached`);
    const before = io.stats.reads;
    const tail = await store.getMessage('Cu', 0, 95, 5);
    assert.equal(tail!.messageCount, 5);
    const cqReads = io.stats.reads - before;
    const old = await store.getMessage('Cu', 0, 0, 5);
    assert.deepEqual(old!.messages.map((b) => decode(b).body.toString()), ['c0', 'c1', 'c2', 'c3', 'c4']);
    assert.ok(io.stats.reads - before > cqReads, 'old units come from the file');
    await store.shutdown();
  });

  it('rule commitLogWriteBatchBytesMax: one write carries at most that much (whole puts)', async () => {
    const io = new FaultIO();
    const { store } = await open(io, { commitLogWriteBatchBytesMax: 64 * 1024, mappedFileSizeCommitLog: 4 * 1024 * 1024 });
    const before = io.stats.writes;
    const rs = await Promise.all(Array.from({ length: 256 }, () => store.putMessage(makeRecord({ topic: 'Wb', body: Buffer.alloc(1000) }))));
    assert.ok(rs.every((r) => r.status === 'PUT_OK'));
    const bytes = rs.reduce((n, r) => n + r.wroteBytes, 0);
    const writes = io.stats.writes - before;
    assert.ok(writes >= Math.floor(bytes / (64 * 1024 + 1100)), `${writes} writes for ${bytes} bytes`);
    assert.ok(writes <= Math.ceil(bytes / (64 * 1024)) + 2);
    await store.shutdown();
  });
});

describe('MessageStore: getMessage (Java: DefaultMessageStore#getMessage)', () => {
  it('statuses and nextBeginOffset: NO_MESSAGE_IN_QUEUE, OFFSET_TOO_SMALL, OFFSET_OVERFLOW_ONE, OFFSET_OVERFLOW_BADLY, FOUND', async () => {
    const { store } = await open();
    let g = await store.getMessage('G', 0, 5, 32);
    assert.deepEqual([g!.status, g!.nextBeginOffset, g!.minOffset, g!.maxOffset], ['NO_MESSAGE_IN_QUEUE', 0, 0, 0]);
    for (let i = 0; i < 10; i++) await store.putMessage(makeRecord({ topic: 'G', body: `g${i}` }));
    g = await store.getMessage('G', 0, 10, 32);
    assert.deepEqual([g!.status, g!.nextBeginOffset], ['OFFSET_OVERFLOW_ONE', 10]);
    g = await store.getMessage('G', 0, 15, 32);
    assert.deepEqual([g!.status, g!.nextBeginOffset], ['OFFSET_OVERFLOW_BADLY', 10]);
    g = await store.getMessage('G', 0, 3, 4);
    assert.deepEqual([g!.status, g!.nextBeginOffset, g!.messageCount], ['FOUND', 7, 4]);
    assert.deepEqual(g!.messageQueueOffsets, [3, 4, 5, 6]);
    assert.deepEqual(g!.messages.map((b) => decode(b).body.toString()), ['g3', 'g4', 'g5', 'g6']);
    assert.equal(g!.bufferTotalSize, g!.messages.reduce((n, b) => n + b.length, 0));
    await store.shutdown();
    // OFFSET_TOO_SMALL needs a min offset > 0: see retention.
  });

  it('a SLAVE keeps the requested offset as nextBeginOffset (Java: nextOffsetCorrection) unless offsetCheckInSlave', async () => {
    const { store } = await open(undefined, { brokerRole: 'SLAVE' });
    for (let i = 0; i < 3; i++) await store.putMessage(makeRecord({ topic: 'S', body: 'x' }));
    assert.equal((await store.getMessage('S', 0, 9, 32))!.nextBeginOffset, 9);
    await store.shutdown();
  });

  it('tag filter by consume queue tagsCode: non-matching units are skipped; NO_MATCHED_MESSAGE with nextBeginOffset past them', async () => {
    const { store } = await open();
    const tags = ['A', 'B', 'A', 'C', 'B', 'A'];
    for (const t of tags) await store.putMessage(makeRecord({ topic: 'F', body: t, tags: t }));
    let g = await store.getMessage('F', 0, 0, 32, undefined, tagsCodeFilter([javaStringHashCode('B')]));
    assert.deepEqual(g!.messages.map((b) => decode(b).body.toString()), ['B', 'B']);
    assert.equal(g!.nextBeginOffset, 6);
    g = await store.getMessage('F', 0, 0, 32, undefined, tagsCodeFilter([javaStringHashCode('Z')]));
    assert.deepEqual([g!.status, g!.nextBeginOffset, g!.messageCount], ['NO_MATCHED_MESSAGE', 6, 0]);
    g = await store.getMessage('F', 0, 0, 32, undefined, tagsCodeFilter('*'));
    assert.equal(g!.messageCount, 6);
    const sql = { isMatchedByConsumeQueue: () => true, isMatchedByCommitLog: (r: Buffer) => decode(r).body.toString() === 'C' };
    g = await store.getMessage('F', 0, 0, 32, undefined, sql);
    assert.deepEqual([g!.messageCount, g!.filterMessageCount], [1, 5]);
    await store.shutdown();
  });

  it('transfer limits: maxMsgNums, maxTotalMsgSize, and Java\'s in-memory (32 msgs / 256 KiB) vs on-disk (8 msgs / 64 KiB) caps', async () => {
    const { store } = await open(undefined, { mappedFileSizeCommitLog: 1024 * 1024 });
    for (let i = 0; i < 50; i++) await store.putMessage(makeRecord({ topic: 'L', body: Buffer.alloc(1000) }));
    assert.equal((await store.getMessage('L', 0, 0, 100))!.messageCount, 32, 'maxTransferCountOnMessageInMemory');
    assert.equal((await store.getMessage('L', 0, 0, 5))!.messageCount, 5);
    const one = (await store.getMessage('L', 0, 0, 1))!.bufferTotalSize;
    assert.equal((await store.getMessage('L', 0, 0, 100, one * 3))!.messageCount, 3, 'maxTotalMsgSize');
    await store.shutdown();
    const { store: cold } = await open(new FaultIO(), { mappedFileSizeCommitLog: 1024 * 1024 }, { totalMemoryBytes: 0 });
    for (let i = 0; i < 50; i++) await cold.putMessage(makeRecord({ topic: 'L', body: Buffer.alloc(1000) }));
    const g = await cold.getMessage('L', 0, 0, 100);
    assert.equal(g!.messageCount, 8, 'maxTransferCountOnMessageInDisk');
    assert.equal(g!.suggestPullingFromSlave, true);
    await cold.shutdown();
  });

  it('rule commitLogTailCacheBytesMax: recent records come from memory, older ones from disk, each checked; the cache stays bounded', async () => {
    const io = new FaultIO();
    const { store } = await open(io, { commitLogTailCacheBytesMax: 8 * 1024, mappedFileSizeCommitLog: 1024 * 1024 });
    // A consumer is reading (commitLogTailCacheUnreadReleaseMs): its first pull is answered from the file.
    await store.putMessage(makeRecord({ topic: 'Tw', body: 'w' }));
    assert.equal((await store.getMessage('Tw', 0, 0, 1))!.messageCount, 1);
    for (let i = 0; i < 200; i++) await store.putMessage(makeRecord({ topic: 'Tc', queueId: i % 2, body: `v${i}`.padEnd(200, '-') }));
    assert.ok(store.stats().tailCacheBytes <= 8 * 1024 + 1024);
    const readsBefore = io.stats.reads;
    const tail = await store.getMessage('Tc', 0, 95, 5);
    assert.equal(tail!.messageCount, 5);
    assert.equal(io.stats.reads, readsBefore, 'a tail pull reads no file');
    const old = await store.getMessage('Tc', 0, 0, 8);
    assert.deepEqual(old!.messages.map((b) => decode(b).body.toString().trimEnd().replace(/-+$/, '')), [0, 2, 4, 6, 8, 10, 12, 14].map((i) => `v${i}`));
    assert.ok(io.stats.reads - readsBefore <= 2, `an old pull coalesces its reads (${io.stats.reads - readsBefore})`);
    await store.shutdown();
  });
  it('rule commitLogTailCacheUnreadReleaseMs: writes nobody reads are not cached; a read turns the cache on, and it goes after that long without one', async () => {
    const io = new FaultIO();
    const clock = clockAt(T0);
    const { store } = await open(io, { commitLogTailCacheUnreadReleaseMs: 5000 }, { clock });
    const put = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) await store.putMessage(makeRecord({ topic: 'Un', body: 'b'.repeat(100) }));
    };
    await put(20);
    assert.equal(store.stats().tailCacheBytes, 0, 'no reader yet: nothing copied');
    let reads = io.stats.reads;
    assert.equal((await store.getMessage('Un', 0, 19, 1))!.messageCount, 1);
    assert.ok(io.stats.reads > reads, 'the first pull reads the file');
    await put(20);
    assert.ok(store.stats().tailCacheBytes > 0, 'a reader came: writes are copied');
    reads = io.stats.reads;
    assert.equal((await store.getMessage('Un', 0, 25, 10))!.messageCount, 10);
    assert.equal(io.stats.reads, reads, 'a tail pull now reads no file');
    clock.t += 4999;
    await put(1);
    assert.ok(store.stats().tailCacheBytes > 0, 'within the window');
    clock.t += 5000;
    await put(1);
    assert.equal(store.stats().tailCacheBytes, 0, 'no read for 5 s: released at the next write');
    const old = await store.getMessage('Un', 0, 30, 12);
    assert.equal(old!.messageCount, 12, 'everything is still read from the file');
    await store.shutdown();
  });

  it('a backlog written before anyone read it is read back into the tail cache at the first read of it (TailCache#prime), then re-read from memory', async () => {
    const io = new FaultIO();
    const { store } = await open(io, { commitLogTailCacheBytesMax: 64 * 1024 });
    for (let i = 0; i < 100; i++) await store.putMessage(makeRecord({ topic: 'Bk', body: `b${i}`.padEnd(150, '.') }));
    assert.equal(store.stats().tailCacheBytes, 0);
    let reads = io.stats.reads;
    assert.equal((await store.getMessage('Bk', 0, 0, 32))!.messageCount, 32);
    assert.ok(io.stats.reads > reads);
    for (let i = 0; i < 100 && store.stats().tailCacheBytes === 0; i++) await new Promise((r) => setImmediate(r));
    assert.ok(store.stats().tailCacheBytes > 0, 'read back');
    reads = io.stats.reads;
    const bodies: string[] = [];
    for (let from = 0; from < 100; ) {
      const g = (await store.getMessage('Bk', 0, from, 32))!;
      assert.ok(g.messageCount > 0);
      bodies.push(...g.messages.map((b) => decode(b).body.toString().replace(/\.+$/, '')));
      from += g.messageCount;
    }
    assert.deepEqual(bodies, Array.from({ length: 100 }, (_, i) => `b${i}`));
    assert.equal(io.stats.reads, reads, 'the whole backlog from memory');
    await store.shutdown();
  });
});

describe('MessageStore: lookups, queries, time', () => {
  it('offset by time (LOWER / UPPER), store time of an offset, earliest message time', async () => {
    const clock = clockAt(T0);
    const { store } = await open(undefined, {}, { clock });
    const times = [0, 0, 1000, 1000, 1000, 3000];
    for (const dt of times) {
      clock.t = T0 + dt;
      await store.putMessage(makeRecord({ topic: 'Tm', body: String(dt) }));
    }
    assert.equal(await store.getOffsetInQueueByTime('Tm', 0, T0 + 1000, 'LOWER'), 2);
    assert.equal(await store.getOffsetInQueueByTime('Tm', 0, T0 + 1000, 'UPPER'), 4);
    assert.equal(await store.getOffsetInQueueByTime('Tm', 0, T0 + 2000, 'LOWER'), 5);
    assert.equal(await store.getOffsetInQueueByTime('Tm', 0, T0 + 2000, 'UPPER'), 4);
    assert.equal(await store.getOffsetInQueueByTime('Tm', 0, T0 - 5), 0);
    assert.equal(await store.getOffsetInQueueByTime('Tm', 0, T0 + 9999), 6);
    assert.equal(await store.getMessageStoreTimeStamp('Tm', 0, 3), T0 + 1000);
    assert.equal(await store.getMessageStoreTimeStamp('Tm', 0, 30), -1);
    assert.equal(await store.getEarliestMessageTime('Tm', 0), T0);
    assert.equal(await store.getEarliestMessageTimeOfStore(), T0);
    await store.shutdown();
  });

  it('store timestamps never go backwards, even when the clock does', async () => {
    const clock = clockAt(T0);
    const { store } = await open(undefined, {}, { clock });
    const a = await store.putMessage(makeRecord({ topic: 'Mo', body: 'a' }));
    clock.t = T0 - 60_000;
    const b = await store.putMessage(makeRecord({ topic: 'Mo', body: 'b' }));
    assert.equal(b.storeTimestamp, a.storeTimestamp);
    await store.shutdown();
  });

  it('lookMessageByOffset returns the record, or undefined for an offset that is not a record start', async () => {
    const { store } = await open();
    const r = await store.putMessage(makeRecord({ topic: 'Lk', body: 'look' }));
    await store.putMessage(makeRecord({ topic: 'Lk', body: 'next' }));
    assert.equal(decode((await store.lookMessageByOffset(r.wroteOffset))!).body.toString(), 'look');
    assert.equal(decode((await store.lookMessageByOffset(r.wroteOffset, r.wroteBytes))!).body.toString(), 'look');
    assert.equal(await store.lookMessageByOffset(r.wroteOffset + 4), undefined);
    assert.equal(await store.lookMessageByOffset(1 << 30), undefined);
    await store.shutdown();
  });

  it('queryMessage by KEYS and UNIQ_KEY within a time range, across index files (topic#key, Java hashing)', async () => {
    const clock = clockAt(T0);
    const { store } = await open(undefined, { maxIndexNum: 16, maxHashSlotNum: 8 }, { clock });
    for (let i = 0; i < 30; i++) {
      clock.t = T0 + i * 1000;
      await store.putMessage(makeRecord({ topic: 'Q', body: `q${i}`, keys: `k${i % 5} common`, uniqKey: `U${i}` }));
    }
    await store.putMessage(makeRecord({ topic: 'Other', body: 'o', keys: 'k1' }));
    await store.flush();
    assert.ok(store.index.files.length > 2, 'several index files');
    const byKey = await store.queryMessage('Q', 'k1', 32, 0, T0 + 100_000);
    assert.deepEqual(byKey.messages.map((b) => decode(b).body.toString()).sort(), ['q1', 'q11', 'q16', 'q21', 'q26', 'q6'].sort());
    const byId = await store.queryMessage('Q', 'U17', 32, 0, T0 + 100_000);
    assert.deepEqual(byId.messages.map((b) => decode(b).body.toString()), ['q17']);
    const ranged = await store.queryMessage('Q', 'k1', 32, T0 + 10_000, T0 + 20_000);
    assert.deepEqual(ranged.messages.map((b) => decode(b).body.toString()).sort(), ['q11', 'q16']);
    const capped = await store.queryMessage('Q', 'common', 4, 0, T0 + 100_000);
    assert.equal(capped.messages.length, 4);
    assert.ok(byKey.indexLastUpdateTimestamp >= T0 + 29_000);
    await store.shutdown();
  });

  it('the arrival listener hears every queued message with the new max offset, tagsCode, store time and the record (long polling)', async () => {
    const { store } = await open(undefined, { commitLogTailCacheUnreadReleaseMs: 0 });
    const heard: MessageArrival[] = [];
    store.onMessageArriving((a) => heard.push(a));
    const r = await store.putMessage(makeRecord({ topic: 'Ar', queueId: 2, body: 'x', tags: 'T1' }));
    await store.putMessage(makeRecord({ topic: 'Ar', queueId: 2, body: 'y', sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE }));
    assert.deepEqual(
      heard.map(({ record: _r, ...a }) => a),
      [{ topic: 'Ar', queueId: 2, logicOffset: 1, tagsCode: javaStringHashCode('T1'), storeTimestamp: r.storeTimestamp }],
    );
    // The stored record itself, while in memory (held SQL92 pulls match on its properties before they wake).
    const rec = heard[0]!.record();
    assert.ok(rec !== undefined);
    assert.equal(decode(rec).body.toString(), 'x');
    await store.shutdown();
  });

  it('the message is visible (max offset) by the time its put resolves', async () => {
    const { store } = await open();
    const r = await store.putMessage(makeRecord({ topic: 'Vi', body: 'x' }));
    assert.equal(store.getMaxOffsetInQueue('Vi', 0), r.queueOffset + 1);
    await store.shutdown();
    const sync = await open(new FaultIO(), { flushDiskType: 'SYNC_FLUSH' });
    const r2 = await sync.store.putMessage(makeRecord({ topic: 'Vi', body: 'x' }));
    assert.equal(sync.store.getMaxOffsetInQueue('Vi', 0), r2.queueOffset + 1);
    await sync.store.shutdown();
  });

  it('deleteTopics removes the consume queues and restarts the topic\'s offsets; a clean restart does not bring it back', async () => {
    const { io, store } = await open();
    for (let i = 0; i < 5; i++) await store.putMessage(makeRecord({ topic: 'Del', queueId: i % 2, body: 'x' }));
    await store.putMessage(makeRecord({ topic: 'Keep', body: 'k' }));
    await store.flush();
    assert.equal(await store.deleteTopics(['Del', 'Nope']), 1);
    assert.equal(store.getMaxOffsetInQueue('Del', 0), 0);
    assert.ok(!io.paths().some((p) => p.startsWith('/s/consumequeue/Del/')));
    assert.equal((await store.putMessage(makeRecord({ topic: 'Del', body: 'again' }))).queueOffset, 0);
    await store.shutdown();
    const s2 = await MessageStore.open(testConfig('/s'), { io });
    assert.equal(s2.getMaxOffsetInQueue('Del', 0), 1);
    assert.equal(s2.getMaxOffsetInQueue('Del', 1), 0);
    assert.equal(s2.getMaxOffsetInQueue('Keep', 0), 1);
    await s2.shutdown();
  });
});

describe('MessageStore: faults', () => {
  it('short writes are completed transparently', async () => {
    const io = new FaultIO({ seed: 7 });
    io.shortWriteProbability = 0.5;
    const { store } = await open(io);
    const rs = await Promise.all(Array.from({ length: 200 }, (_, i) => store.putMessage(makeRecord({ topic: 'Sw', body: `s${i}`.repeat(20) }))));
    assert.ok(rs.every((r) => r.status === 'PUT_OK'));
    await store.shutdown();
    io.shortWriteProbability = 0;
    const s2 = await MessageStore.open(testConfig('/s'), { io });
    const g = await s2.getMessage('Sw', 0, 0, 32);
    assert.deepEqual(g!.messages.map((b) => decode(b).body.toString()), Array.from({ length: 32 }, (_, i) => `s${i}`.repeat(20)));
    assert.equal(s2.getMaxOffsetInQueue('Sw', 0), 200);
    await s2.shutdown();
  });

  it('ENOSPC: puts fail with SERVICE_NOT_AVAILABLE (disk full), reads go on, offsets roll back; writes resume once space is free', async () => {
    const io = new FaultIO({ capacityBytes: 1 << 30 });
    const { store } = await open(io, { mappedFileSizeCommitLog: 1024 * 1024, diskSpaceWarningLevelRatio: 100, diskMaxUsedSpaceRatio: 100, diskSpaceCleanForciblyRatio: 100 });
    for (let i = 0; i < 10; i++) await store.putMessage(makeRecord({ topic: 'Ns', body: Buffer.alloc(500) }));
    io.capacityBytes = io.usedBytes() + 2000;
    const rs = await Promise.all(Array.from({ length: 10 }, () => store.putMessage(makeRecord({ topic: 'Ns', body: Buffer.alloc(500) }))));
    const ok = rs.filter((r) => r.status === 'PUT_OK');
    const failed = rs.filter((r) => r.status !== 'PUT_OK');
    assert.ok(ok.length >= 1 && failed.length >= 1, `${ok.length} ok, ${failed.length} failed`);
    assert.ok(failed.every((r) => r.status === 'SERVICE_NOT_AVAILABLE' && /disk is full/.test(r.remark ?? '')));
    assert.equal(store.stats().diskFull, true);
    const refused = await store.putMessage(makeRecord({ topic: 'Ns', body: 'x' }));
    assert.equal(refused.status, 'SERVICE_NOT_AVAILABLE');
    assert.equal((await store.getMessage('Ns', 0, 0, 32))!.messageCount, 10 + ok.length, 'reads go on');
    io.capacityBytes = 1 << 30;
    await store.checkDiskSpace();
    const again = await store.putMessage(makeRecord({ topic: 'Ns', body: 'after' }));
    assert.equal(again.status, 'PUT_OK');
    assert.equal(again.queueOffset, 10 + ok.length, 'no hole where the failed puts were');
    await store.shutdown();
    const s2 = await MessageStore.open(testConfig('/s', { mappedFileSizeCommitLog: 1024 * 1024 }), { io });
    assert.equal(s2.getMaxOffsetInQueue('Ns', 0), 11 + ok.length);
    await s2.shutdown();
  });

  it('disk usage above diskSpaceWarningLevelRatio marks the store disk-full (SERVICE_NOT_AVAILABLE) until usage drops', async () => {
    const io = new FaultIO({ capacityBytes: 300_000 });
    const { store } = await open(io, { diskSpaceWarningLevelRatio: 50, mappedFileSizeCommitLog: 256 * 1024 });
    await store.putMessage(makeRecord({ topic: 'Dr', body: Buffer.alloc(200_000) }));
    await store.checkDiskSpace();
    assert.ok(store.stats().commitLogDiskRatio > 0.5);
    assert.equal((await store.putMessage(makeRecord({ topic: 'Dr', body: 'x' }))).status, 'SERVICE_NOT_AVAILABLE');
    assert.equal((await store.getMessage('Dr', 0, 0, 1))!.status, 'FOUND');
    io.capacityBytes = 10_000_000;
    await store.checkDiskSpace();
    assert.equal((await store.putMessage(makeRecord({ topic: 'Dr', body: 'x' }))).status, 'PUT_OK');
    await store.shutdown();
  });

  it('an fsync error fails waiting SYNC_FLUSH puts (FLUSH_DISK_TIMEOUT) and stops writes; reads go on; a restart recovers', async () => {
    const io = new FaultIO();
    const { store } = await open(io, { flushDiskType: 'SYNC_FLUSH' });
    const ok = await store.putMessage(makeRecord({ topic: 'Fe', body: 'durable' }));
    assert.equal(ok.status, 'PUT_OK');
    io.failNext({ op: 'sync', code: 'EIO', pathIncludes: 'commitlog' });
    const bad = await store.putMessage(makeRecord({ topic: 'Fe', body: 'unknown' }));
    assert.equal(bad.status, 'FLUSH_DISK_TIMEOUT');
    const after = await store.putMessage(makeRecord({ topic: 'Fe', body: 'refused' }));
    assert.equal(after.status, 'SERVICE_NOT_AVAILABLE');
    assert.equal((await store.getMessage('Fe', 0, 0, 32))!.messages.length, 1);
    assert.equal(store.stats().writable, false);
    await store.shutdown();
    assert.ok(io.fileBytes('/s/abort') !== undefined, 'not a clean shutdown');
    const s2 = await MessageStore.open(testConfig('/s', { flushDiskType: 'SYNC_FLUSH' }), { io });
    assert.ok(s2.getMaxOffsetInQueue('Fe', 0) >= 1);
    assert.equal(decode((await s2.getMessage('Fe', 0, 0, 1))!.messages[0]!).body.toString(), 'durable');
    await s2.shutdown();
  });

  for (const failing of [0, 1]) {
    it(`two writes in flight, the ${failing === 0 ? 'first' : 'second'} fails: earlier puts succeed, later ones fail even if written, their bytes are zeroed, offsets roll back`, async () => {
      const io = new FaultIO({ capacityBytes: 1 << 30 });
      // Thread-pool writes only (commitLogWriteInlineBytesMax 0): an inline write is never in flight beside another.
      const cfg = { commitLogWriteBatchBytesMax: 64 * 1024, commitLogWriteInlineBytesMax: 0, mappedFileSizeCommitLog: 4 * 1024 * 1024, diskSpaceWarningLevelRatio: 100, diskMaxUsedSpaceRatio: 100 };
      const { store } = await open(io, cfg);
      await store.putMessage(makeRecord({ topic: 'Pf', body: 'first' }));
      io.failNext({ op: 'write', code: 'ENOSPC', pathIncludes: 'commitlog', skip: failing });
      const rs = await Promise.all(Array.from({ length: 200 }, (_, i) => store.putMessage(makeRecord({ topic: 'Pf', body: `p${i}`.padEnd(1000, '.') }))));
      const ok = rs.filter((r) => r.status === 'PUT_OK');
      const bad = rs.filter((r) => r.status !== 'PUT_OK');
      assert.ok(bad.length > 0);
      if (failing === 1) assert.ok(ok.length > 0, 'the first write succeeded');
      assert.deepEqual(ok.map((r) => r.queueOffset), ok.map((_, i) => i + 1), 'acknowledged puts are a prefix');
      assert.ok(bad.every((r) => r.status === 'SERVICE_NOT_AVAILABLE'));
      await store.checkDiskSpace();
      const again = await store.putMessage(makeRecord({ topic: 'Pf', body: 'again' }));
      assert.equal(again.queueOffset, ok.length + 1);
      store.closeAbruptly();
      const s2 = await MessageStore.open(testConfig('/s', cfg), { io: io.crash('kill') });
      assert.equal(s2.getMaxOffsetInQueue('Pf', 0), ok.length + 2, 'no failed put came back');
      const last = await s2.getMessage('Pf', 0, ok.length + 1, 1);
      assert.equal(decode(last!.messages[0]!).body.toString(), 'again');
      await s2.shutdown();
    });
  }

  it('a write error other than ENOSPC fails the puts and stops writes until a restart', async () => {
    const io = new FaultIO();
    const { store } = await open(io);
    io.failNext({ op: 'write', code: 'EIO', pathIncludes: 'commitlog' });
    const r = await store.putMessage(makeRecord({ topic: 'We', body: 'x' }));
    assert.equal(r.status, 'UNKNOWN_ERROR');
    assert.equal((await store.putMessage(makeRecord({ topic: 'We', body: 'y' }))).status, 'SERVICE_NOT_AVAILABLE');
    await store.shutdown();
  });
});

describe('MessageStore: retention (Java: CleanCommitLogService, CleanConsumeQueueService)', () => {
  it('deletes commit log files older than fileReservedTime (never the last), then consume queue and index files below the new min offset; pulls below it answer OFFSET_TOO_SMALL', async () => {
    const clock = clockAt(T0);
    const io = new FaultIO({ now: () => clock.t });
    const cfg = { mappedFileSizeCommitLog: 4096, mappedFileSizeConsumeQueue: 20 * 20, fileReservedTime: 1, maxIndexNum: 8, maxHashSlotNum: 4 };
    const { store } = await open(io, cfg, { clock });
    for (let i = 0; i < 100; i++) {
      clock.t = T0 + i * 1000;
      await store.putMessage(makeRecord({ topic: 'Rt', body: `r${i}`.padEnd(200, '.'), keys: `key${i}` }));
    }
    await store.flush();
    const files = store.commitLog.files.segments.length;
    assert.ok(files >= 5);
    // Not expired yet, not the deleteWhen hour: nothing happens.
    await store.runRetention();
    assert.equal(store.commitLog.files.segments.length, files);
    // Two hours later, forced (executeDeleteFilesManually): files older than one hour go, except the last.
    clock.t = T0 + 3 * 3600_000;
    store.executeDeleteFilesManually();
    await store.runRetention();
    assert.equal(store.commitLog.files.segments.length, 1);
    const minPhy = store.getMinPhyOffset();
    assert.equal(minPhy, (files - 1) * 4096);
    // Consume queue files below the new min offset are gone and the min offset moved.
    const min = store.getMinOffsetInQueue('Rt', 0);
    assert.ok(min > 0);
    const g = await store.getMessage('Rt', 0, 0, 32);
    assert.deepEqual([g!.status, g!.nextBeginOffset], ['OFFSET_TOO_SMALL', min]);
    const first = await store.getMessage('Rt', 0, min, 1);
    assert.equal(first!.status, 'FOUND');
    assert.ok(decode(first!.messages[0]!).physicalOffset >= minPhy);
    const cqFiles = io.paths().filter((p) => p.startsWith('/s/consumequeue/Rt/0/'));
    assert.ok(cqFiles.length < 5, `${cqFiles.length} consume queue files left`);
    assert.ok(store.index.files.every((f, i) => i === store.index.files.length - 1 || f.header.endPhyOffset >= minPhy));
    await store.shutdown();
    const s2 = await MessageStore.open(testConfig('/s', cfg), { io, clock });
    assert.equal(s2.getMinOffsetInQueue('Rt', 0), min);
    assert.equal(s2.getMaxOffsetInQueue('Rt', 0), 100);
    await s2.shutdown();
  });

  it('isItTimeToDo: files expire at the deleteWhen hours only', async () => {
    const { isItTimeToDo } = await import('./config');
    const at = new Date(2024, 0, 1, 4, 30).getTime();
    assert.equal(isItTimeToDo('04', at), true);
    assert.equal(isItTimeToDo('01;04', at), true);
    assert.equal(isItTimeToDo('05', at), false);
  });
});

void decodeStoredMessage;
