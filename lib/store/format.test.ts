import * as assert from 'node:assert/strict';
import {
  BLANK_MAGIC_CODE,
  MAGIC_CODE_V1,
  decodeStoredMessage,
  encodeStoredMessage,
  storedMessageSize,
} from '../../protocol/message';
import { javaStringHashCode } from '../../protocol/codec';
import {
  CHECKPOINT_CONFIRM_PHY_OFFSET_POS,
  CHECKPOINT_FILE_SIZE,
  CHECKPOINT_INDEX_MSG_TIMESTAMP_POS,
  CHECKPOINT_LOGICS_MSG_TIMESTAMP_POS,
  CHECKPOINT_MASTER_FLUSHED_OFFSET_POS,
  CHECKPOINT_PHYSIC_MSG_TIMESTAMP_POS,
  CHECKPOINT_USED_BYTES,
  encodeCheckpoint,
} from './checkpoint';
import { CQ_OFFSET_POS, CQ_SIZE_POS, CQ_STORE_UNIT_SIZE, CQ_TAGS_CODE_POS, writeCqUnit } from './consume-queue';
import {
  INDEX_BEGIN_PHY_OFFSET_POS,
  INDEX_BEGIN_TIMESTAMP_POS,
  INDEX_END_PHY_OFFSET_POS,
  INDEX_END_TIMESTAMP_POS,
  INDEX_ENTRY_KEY_HASH_POS,
  INDEX_ENTRY_PHY_OFFSET_POS,
  INDEX_ENTRY_PREV_POS,
  INDEX_ENTRY_SIZE,
  INDEX_ENTRY_TIME_DIFF_POS,
  INDEX_HASH_SLOT_COUNT_POS,
  INDEX_HASH_SLOT_SIZE,
  INDEX_HEADER_SIZE,
  INDEX_INDEX_COUNT_POS,
  encodeIndexHeader,
  indexFileSize,
  indexKeyHash,
  timeMillisToHumanString,
} from './index-file';
import { offset2FileName } from './mapped-file';
import { MessageStore } from './message-store';
import type { PutMessageResult } from './types';
import { FaultIO } from './testing/fault-io';
import { makeRecord, testConfig } from './testing/records';

/**
 * Java's on-disk layout, byte by byte (Java: CommitLog$DefaultAppendMessageCallback#doAppend, ConsumeQueue,
 * IndexFile/IndexHeader, StoreCheckpoint, UtilAll#offset2FileName / #timeMillisToHumanString): the store writes
 * it, and a store directory built by hand in that layout (as a Java broker leaves it) is served.
 */

const T0 = 1_700_000_000_000;
function clockAt(t: number): { now(): number; t: number } {
  const c = { t, now: () => c.t };
  return c;
}

function long(b: Buffer, p: number): number {
  return Number(b.readBigInt64BE(p));
}

describe('store format: Java layout', () => {
  it('rule: layout constants add up (CQ unit 8+4+8, index header 4 longs + 2 ints, checkpoint 5 longs)', () => {
    assert.equal(CQ_OFFSET_POS + 8, CQ_SIZE_POS);
    assert.equal(CQ_SIZE_POS + 4, CQ_TAGS_CODE_POS);
    assert.equal(CQ_TAGS_CODE_POS + 8, CQ_STORE_UNIT_SIZE);
    assert.equal(CQ_STORE_UNIT_SIZE, 20);
    assert.deepEqual(
      [INDEX_BEGIN_TIMESTAMP_POS, INDEX_END_TIMESTAMP_POS, INDEX_BEGIN_PHY_OFFSET_POS, INDEX_END_PHY_OFFSET_POS, INDEX_HASH_SLOT_COUNT_POS, INDEX_INDEX_COUNT_POS],
      [0, 8, 16, 24, 32, 36],
    );
    assert.equal(INDEX_INDEX_COUNT_POS + 4, INDEX_HEADER_SIZE);
    assert.equal(INDEX_HEADER_SIZE, 40);
    assert.deepEqual([INDEX_ENTRY_KEY_HASH_POS, INDEX_ENTRY_PHY_OFFSET_POS, INDEX_ENTRY_TIME_DIFF_POS, INDEX_ENTRY_PREV_POS], [0, 4, 12, 16]);
    assert.equal(INDEX_ENTRY_PREV_POS + 4, INDEX_ENTRY_SIZE);
    assert.equal(INDEX_HASH_SLOT_SIZE, 4);
    assert.equal(indexFileSize(5_000_000, 20_000_000), 40 + 5_000_000 * 4 + 20_000_000 * 20);
    assert.deepEqual(
      [CHECKPOINT_PHYSIC_MSG_TIMESTAMP_POS, CHECKPOINT_LOGICS_MSG_TIMESTAMP_POS, CHECKPOINT_INDEX_MSG_TIMESTAMP_POS, CHECKPOINT_MASTER_FLUSHED_OFFSET_POS, CHECKPOINT_CONFIRM_PHY_OFFSET_POS],
      [0, 8, 16, 24, 32],
    );
    assert.equal(CHECKPOINT_CONFIRM_PHY_OFFSET_POS + 8, CHECKPOINT_USED_BYTES);
    assert.equal(CHECKPOINT_FILE_SIZE, 4096);
  });

  it('Java: UtilAll#offset2FileName and #timeMillisToHumanString', () => {
    assert.equal(offset2FileName(0), '00000000000000000000');
    assert.equal(offset2FileName(1073741824), '00000000001073741824');
    const d = new Date(2024, 0, 2, 3, 4, 5, 6);
    assert.equal(timeMillisToHumanString(d.getTime()), '20240102030405006');
  });

  it('Java: IndexFile#indexKeyHashMethod: |String#hashCode|, Integer.MIN_VALUE -> 0', () => {
    assert.equal(indexKeyHash('T#k1'), Math.abs(javaStringHashCode('T#k1')));
    // "polygenelubricants".hashCode() == Integer.MIN_VALUE
    assert.equal(javaStringHashCode('polygenelubricants'), -2147483648);
    assert.equal(indexKeyHash('polygenelubricants'), 0);
  });

  it('commit log: files named by their 20-digit start offset, full size (sparse), records at their offsets with QUEUEOFFSET, PHYSICALOFFSET and STORETIMESTAMP patched', async () => {
    const io = new FaultIO();
    const clock = clockAt(T0);
    const cfg = testConfig('/s', { mappedFileSizeCommitLog: 4096 });
    const store = await MessageStore.open(cfg, { io, clock });
    const results: PutMessageResult[] = [];
    for (let i = 0; i < 60; i++) {
      clock.t = T0 + i;
      results.push(await store.putMessage(makeRecord({ topic: 'FmtTopic', queueId: i % 2, body: `body-${i}`.padEnd(40, '.'), tags: 'TagA' })));
    }
    await store.shutdown();
    const files = io.paths().filter((p) => p.startsWith('/s/commitlog/'));
    assert.ok(files.length >= 2, 'the log rolled');
    files.forEach((f, i) => {
      assert.equal(f, `/s/commitlog/${offset2FileName(i * 4096)}`);
      assert.equal(io.fileBytes(f)!.length, 4096);
    });
    const perQueue = [0, 0];
    for (let i = 0; i < results.length; i++) {
      const r = results[i]!;
      assert.equal(r.status, 'PUT_OK');
      const file = io.fileBytes(`/s/commitlog/${offset2FileName(r.wroteOffset - (r.wroteOffset % 4096))}`)!;
      const { message, size } = decodeStoredMessage(file, r.wroteOffset % 4096, { checkCrc: true });
      assert.equal(size, r.wroteBytes);
      assert.equal(file.readInt32BE(r.wroteOffset % 4096 + 4), MAGIC_CODE_V1);
      assert.equal(message.physicalOffset, r.wroteOffset);
      assert.equal(message.queueOffset, perQueue[i % 2]!++);
      assert.equal(message.queueOffset, r.queueOffset);
      assert.equal(message.storeTimestamp, T0 + i);
      assert.equal(message.topic, 'FmtTopic');
    }
  });

  it('commit log: a blank record (TOTALSIZE = bytes left, MAGICCODE 0xCBD43194) ends a file when record + 8 bytes do not fit', async () => {
    const fileSize = 4096;
    const probe = makeRecord({ topic: 'B', body: Buffer.alloc(0) });
    const base = probe.length; // record size with an empty body
    for (const slack of [0, 1]) {
      const io = new FaultIO();
      const store = await MessageStore.open(testConfig('/s', { mappedFileSizeCommitLog: fileSize }), { io });
      // First record leaves exactly `rest` bytes; the second needs rest - 8 (fits) or rest - 7 (does not).
      const first = await store.putMessage(makeRecord({ topic: 'B', body: Buffer.alloc(1000) }));
      const rest = fileSize - first.wroteBytes;
      const secondSize = rest - 8 + slack;
      const second = await store.putMessage(makeRecord({ topic: 'B', body: Buffer.alloc(secondSize - base) }));
      assert.equal(second.wroteBytes, secondSize);
      await store.shutdown();
      const f0 = io.fileBytes(`/s/commitlog/${offset2FileName(0)}`)!;
      if (slack === 0) {
        assert.equal(second.wroteOffset, first.wroteBytes, 'record + 8 == space left: it fits');
        assert.ok(io.fileBytes(`/s/commitlog/${offset2FileName(fileSize)}`) === undefined);
      } else {
        assert.equal(second.wroteOffset, fileSize, 'one byte more: next file');
        assert.equal(f0.readInt32BE(first.wroteBytes), rest, 'blank TOTALSIZE = the bytes left');
        assert.equal(f0.readInt32BE(first.wroteBytes + 4), BLANK_MAGIC_CODE);
        assert.equal(BLANK_MAGIC_CODE, 0xcbd43194 | 0);
      }
    }
  });

  it('consume queue: unit n at byte n*20 = (commit log offset int64, size int32, tagsCode int64 = String#hashCode sign-extended); files of mappedFileSizeConsumeQueue named by byte offset', async () => {
    const io = new FaultIO();
    const store = await MessageStore.open(testConfig('/s', { mappedFileSizeConsumeQueue: 20 * 10 }), { io });
    const tags = ['TagA', 'polygenelubricants', undefined, 'zzz'];
    const rs = [];
    for (let i = 0; i < 25; i++) rs.push(await store.putMessage(makeRecord({ topic: 'CqT', queueId: 3, body: `m${i}`, ...(tags[i % 4] !== undefined ? { tags: tags[i % 4] } : {}) })));
    await store.shutdown();
    const dir = '/s/consumequeue/CqT/3/';
    const files = io.paths().filter((p) => p.startsWith(dir));
    assert.deepEqual(files, [0, 200, 400].map((o) => dir + offset2FileName(o)));
    for (const f of files) assert.equal(io.fileBytes(f)!.length, 200);
    for (let i = 0; i < rs.length; i++) {
      const file = io.fileBytes(dir + offset2FileName(Math.floor(i / 10) * 200))!;
      const at = (i % 10) * 20;
      assert.equal(long(file, at), rs[i]!.wroteOffset);
      assert.equal(file.readInt32BE(at + 8), rs[i]!.wroteBytes);
      const t = tags[i % 4];
      assert.equal(long(file, at + 12), t === undefined ? 0 : javaStringHashCode(t));
    }
    // The negative hash is sign-extended to 64 bits.
    assert.equal(io.fileBytes(dir + offset2FileName(0))!.readInt32BE(20 + 12), -1);
  });

  it('consume queue: SCHEDULE_TOPIC_XXXX tagsCode is the deliver time (store time + delay of the DELAY level, clamped)', async () => {
    const io = new FaultIO();
    const clock = clockAt(T0);
    const store = await MessageStore.open(testConfig('/s'), { io, clock });
    await store.putMessage(makeRecord({ topic: 'SCHEDULE_TOPIC_XXXX', queueId: 2, body: 'x', delay: 3, tags: 'T' }));
    await store.putMessage(makeRecord({ topic: 'SCHEDULE_TOPIC_XXXX', queueId: 2, body: 'y', delay: 99 }));
    await store.shutdown();
    const cq = io.fileBytes(`/s/consumequeue/SCHEDULE_TOPIC_XXXX/2/${offset2FileName(0)}`)!;
    assert.equal(long(cq, 12), T0 + 10_000, 'level 3 = 10s');
    assert.equal(long(cq, 20 + 12), T0 + 2 * 3600_000, 'level 99 clamps to 18 = 2h');
  });

  it('index: header, hash slots and 20-byte entries as Java (keys and UNIQ_KEY as topic#key, chained newest first)', async () => {
    const io = new FaultIO();
    const clock = clockAt(T0);
    const slots = 64;
    const num = 32;
    const store = await MessageStore.open(testConfig('/s', { maxHashSlotNum: slots, maxIndexNum: num }), { io, clock });
    const r1 = await store.putMessage(makeRecord({ topic: 'IdxT', body: 'a', keys: 'order-1', uniqKey: 'U1' }));
    clock.t = T0 + 5_000;
    const r2 = await store.putMessage(makeRecord({ topic: 'IdxT', body: 'b', keys: 'order-1' }));
    await store.shutdown();
    const files = io.paths().filter((p) => p.startsWith('/s/index/'));
    assert.equal(files.length, 1);
    assert.equal(files[0], `/s/index/${timeMillisToHumanString(T0)}`);
    const f = io.fileBytes(files[0]!)!;
    assert.equal(f.length, indexFileSize(slots, num));
    // header
    assert.equal(long(f, INDEX_BEGIN_TIMESTAMP_POS), T0);
    assert.equal(long(f, INDEX_END_TIMESTAMP_POS), T0 + 5_000);
    assert.equal(long(f, INDEX_BEGIN_PHY_OFFSET_POS), r1.wroteOffset);
    assert.equal(long(f, INDEX_END_PHY_OFFSET_POS), r2.wroteOffset);
    assert.equal(f.readInt32BE(INDEX_INDEX_COUNT_POS), 4, 'entry 0 unused + 3 keys');
    const entry = (n: number): number => INDEX_HEADER_SIZE + slots * 4 + n * INDEX_ENTRY_SIZE;
    const slotOf = (key: string): number => INDEX_HEADER_SIZE + (indexKeyHash(key) % slots) * 4;
    // UNIQ_KEY first, then KEYS (Java: IndexService#buildIndex).
    assert.equal(f.readInt32BE(entry(1)), indexKeyHash('IdxT#U1'));
    assert.equal(long(f, entry(1) + 4), r1.wroteOffset);
    assert.equal(f.readInt32BE(entry(2)), indexKeyHash('IdxT#order-1'));
    assert.equal(f.readInt32BE(entry(2) + 12), 0, 'time diff of the first keys is 0 s');
    assert.equal(f.readInt32BE(entry(3)), indexKeyHash('IdxT#order-1'));
    assert.equal(long(f, entry(3) + 4), r2.wroteOffset);
    assert.equal(f.readInt32BE(entry(3) + 12), 5, 'time diff in seconds from beginTimestamp');
    assert.equal(f.readInt32BE(entry(3) + 16), 2, 'chained to the previous entry of the slot');
    assert.equal(f.readInt32BE(slotOf('IdxT#order-1')), 3, 'the slot points at the newest entry');
    assert.equal(f.readInt32BE(slotOf('IdxT#U1')), 1);
    const distinctSlots = new Set([indexKeyHash('IdxT#U1') % slots, indexKeyHash('IdxT#order-1') % slots]).size;
    assert.equal(f.readInt32BE(INDEX_HASH_SLOT_COUNT_POS), distinctSlots);
  });

  it('checkpoint: a 4 KiB file, five int64 (physic, logics, index timestamps, masterFlushedOffset, confirmPhyOffset); abort file while open', async () => {
    const io = new FaultIO();
    const clock = clockAt(T0);
    const store = await MessageStore.open(testConfig('/s'), { io, clock });
    assert.ok(io.fileBytes('/s/abort') !== undefined, 'abort file exists while the store runs');
    assert.equal(io.fileBytes('/s/abort')!.toString(), String(process.pid));
    clock.t = T0 + 42;
    await store.putMessage(makeRecord({ topic: 'CkT', body: 'x', keys: 'k' }));
    await store.shutdown();
    assert.equal(io.fileBytes('/s/abort'), undefined, 'a clean shutdown removes it');
    const cp = io.fileBytes('/s/checkpoint')!;
    assert.equal(cp.length, 4096);
    assert.equal(long(cp, 0), T0 + 42);
    assert.equal(long(cp, 8), T0 + 42);
    assert.equal(long(cp, 16), T0 + 42);
    assert.equal(long(cp, 24), 0);
    assert.equal(long(cp, 32), 0);
    assert.deepEqual(encodeCheckpoint({ physicMsgTimestamp: 1, logicsMsgTimestamp: 2, indexMsgTimestamp: 3, masterFlushedOffset: 4, confirmPhyOffset: 5 }).toString('hex'),
      ['1', '2', '3', '4', '5'].map((n) => n.padStart(16, '0')).join(''));
  });

  it('a store directory laid out by hand as a Java broker leaves it is served: records, blank record, consume queue, index, checkpoint', async () => {
    const io = new FaultIO();
    const fileSize = 2048;
    const root = '/java';
    await io.mkdirp(`${root}/commitlog`);
    const host = { ip: Buffer.from([192, 168, 0, 2]), port: 10911 };
    const born = { ip: Buffer.from([192, 168, 0, 10]), port: 53872 };
    // Commit log: records written the way Java's doAppend writes them, then a blank record.
    const files = [Buffer.alloc(fileSize)];
    const units: Buffer[] = [];
    const phys: number[] = [];
    let pos = 0;
    let cur = files[0]!;
    let base = 0;
    for (let i = 0; i < 20; i++) {
      const props = `TAGS\u0001A\u0002KEYS\u0001key-${i}\u0002UNIQ_KEY\u0001ID${i}\u0002`;
      const body = Buffer.from(`Hello ${i}`.padEnd(100, '*'));
      const size = storedMessageSize(0, body.length, 9, Buffer.byteLength(props));
      if (pos + size + 8 > fileSize) {
        cur.writeInt32BE(fileSize - pos, pos);
        cur.writeInt32BE(BLANK_MAGIC_CODE, pos + 4);
        cur = Buffer.alloc(fileSize);
        files.push(cur);
        base += fileSize;
        pos = 0;
      }
      const rec = encodeStoredMessage({
        queueId: 0, queueOffset: i, physicalOffset: base + pos, bornTimestamp: T0, bornHost: born,
        storeTimestamp: T0 + i * 1000, storeHost: host, body, topic: 'TopicTest', properties: props,
      });
      rec.copy(cur, pos);
      phys.push(base + pos);
      const u = Buffer.alloc(20);
      writeCqUnit(u, 0, base + pos, rec.length, javaStringHashCode('A'));
      units.push(u);
      pos += rec.length;
    }
    assert.ok(files.length >= 3);
    for (let i = 0; i < files.length; i++) {
      const h = await io.open(`${root}/commitlog/${offset2FileName(i * fileSize)}`, true);
      await io.write(h, [files[i]!], 0);
    }
    // Consume queue (one file of 300000 units would be 6 MB; use the configured size).
    await io.mkdirp(`${root}/consumequeue/TopicTest/0`);
    const cqh = await io.open(`${root}/consumequeue/TopicTest/0/${offset2FileName(0)}`, true);
    await io.truncate(cqh, 20 * 100);
    await io.write(cqh, [Buffer.concat(units)], 0);
    // Index: one file with the UNIQ_KEY of message 7, built with Java's rules.
    const slots = 16;
    const num = 8;
    await io.mkdirp(`${root}/index`);
    const ih = await io.open(`${root}/index/${timeMillisToHumanString(T0)}`, true);
    await io.truncate(ih, indexFileSize(slots, num));
    const key = 'TopicTest#ID7';
    await io.write(ih, [encodeIndexHeader({ beginTimestamp: T0 + 7000, endTimestamp: T0 + 7000, beginPhyOffset: phys[7]!, endPhyOffset: phys[7]!, hashSlotCount: 1, indexCount: 2 })], 0);
    const slot = Buffer.alloc(4);
    slot.writeInt32BE(1);
    await io.write(ih, [slot], 40 + (indexKeyHash(key) % slots) * 4);
    const entry = Buffer.alloc(20);
    entry.writeInt32BE(indexKeyHash(key), 0);
    entry.writeBigInt64BE(BigInt(phys[7]!), 4);
    await io.write(ih, [entry], 40 + slots * 4 + 20);
    // Checkpoint of a clean shutdown (no abort file).
    const cph = await io.open(`${root}/checkpoint`, true);
    await io.truncate(cph, 4096);
    await io.write(cph, [encodeCheckpoint({ physicMsgTimestamp: T0 + 19000, logicsMsgTimestamp: T0 + 19000, indexMsgTimestamp: T0 + 7000, masterFlushedOffset: 0, confirmPhyOffset: 0 })], 0);

    const store = await MessageStore.open(
      testConfig(root, { mappedFileSizeCommitLog: fileSize, mappedFileSizeConsumeQueue: 20 * 100, maxHashSlotNum: slots, maxIndexNum: num, messageIndexEnable: true }),
      { io, clock: clockAt(T0 + 60_000) },
    );
    assert.equal(store.getMinOffsetInQueue('TopicTest', 0), 0);
    assert.equal(store.getMaxOffsetInQueue('TopicTest', 0), 20);
    assert.equal(store.getMaxPhyOffset(), base + pos);
    const g = await store.getMessage('TopicTest', 0, 0, 32);
    assert.equal(g!.status, 'FOUND');
    const all = [...g!.messages];
    let next = g!.nextBeginOffset;
    while (next < 20) {
      const more = await store.getMessage('TopicTest', 0, next, 32);
      all.push(...more!.messages);
      next = more!.nextBeginOffset;
    }
    assert.equal(all.length, 20);
    all.forEach((b, i) => assert.equal(decodeStoredMessage(b).message.body.toString(), `Hello ${i}`.padEnd(100, '*')));
    const q = await store.queryMessage('TopicTest', 'ID7', 32, 0, T0 + 100_000);
    assert.equal(q.messages.length, 1);
    assert.equal(decodeStoredMessage(q.messages[0]!).message.queueOffset, 7);
    assert.equal(await store.getOffsetInQueueByTime('TopicTest', 0, T0 + 5000), 5);
    // New messages continue the Java queue.
    const r = await store.putMessage(makeRecord({ topic: 'TopicTest', queueId: 0, body: 'after' }));
    assert.equal(r.queueOffset, 20);
    assert.equal(r.wroteOffset, base + pos);
    await store.shutdown();
  });
});
