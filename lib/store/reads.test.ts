import * as assert from 'node:assert/strict';
import { MessageStore } from './message-store';
import { FaultIO } from './testing/fault-io';
import { decode, makeRecord, testConfig } from './testing/records';
import { GetMessageStatus } from './status';
import type { MessageFilter } from './types';
import { MSG_PHYSICAL_OFFSET_OFFSET } from '../../protocol/message';

/**
 * getMessage with a commit-log filter (SQL92): the transfer limits count the records that match, not the
 * candidates, so one call reads on past refused records (Java: DefaultMessageStore#getMessage checks
 * isMatchedByCommitLog inside its consume-queue loop). Records are read ahead in runs; these tests pin the results,
 * whatever the run lengths.
 */

async function open(overrides = {}, deps = {}): Promise<MessageStore> {
  return MessageStore.open(testConfig('/s', overrides), { io: new FaultIO(), ...deps });
}

/** Matches the records whose body is in `bodies`; counts the records it was asked about. */
function bodyFilter(pred: (body: string) => boolean): MessageFilter & { asked: number } {
  const f = {
    asked: 0,
    isMatchedByConsumeQueue: () => true,
    isMatchedByCommitLog: (r: Buffer) => {
      f.asked++;
      return pred(decode(r).body.toString());
    },
  };
  return f;
}

/** The same predicate through isMatchedByCommitLogAt: the record at `pos` of a shared buffer (tail cache or a disk run). */
function bodyFilterAt(pred: (body: string) => boolean): MessageFilter & { views: number } {
  const f = {
    views: 0,
    isMatchedByConsumeQueue: () => true,
    acceptsAllByConsumeQueue: true,
    isMatchedByCommitLogAt: (buf: Buffer, pos: number) => pred(decode(buf.subarray(pos, pos + buf.readInt32BE(pos))).body.toString()),
    isMatchedByCommitLog: () => {
      f.views++;
      return false;
    },
  };
  return f;
}

describe('store getMessage with a commit-log filter', () => {
  it('rule: isMatchedByCommitLogAt decides on records in place, from the tail cache and from disk, as isMatchedByCommitLog does', async () => {
    for (const tail of [16 * 1024 * 1024, 4 * 1024]) {
      const store = await open({ commitLogTailCacheBytesMax: tail, mappedFileSizeCommitLog: 64 * 1024 });
      for (let i = 0; i < 600; i++) await store.putMessage(makeRecord({ topic: 'Q', body: `m${i}`.padEnd(100, '-') }));
      const pred = (b: string) => /^m\d*7-/.test(b);
      const at = bodyFilterAt(pred);
      const g = (await store.getMessage('Q', 0, 3, 12, undefined, at))!;
      const h = (await store.getMessage('Q', 0, 3, 12, undefined, bodyFilter(pred)))!;
      assert.equal(at.views, 0, 'isMatchedByCommitLog is not called when isMatchedByCommitLogAt is there');
      assert.deepEqual(g.messages.map((b) => decode(b).body.toString().replace(/-+$/, '')), ['m7', 'm17', 'm27', 'm37', 'm47', 'm57', 'm67', 'm77', 'm87', 'm97', 'm107', 'm117']);
      assert.deepEqual(g.messages, h.messages);
      assert.deepEqual([g.nextBeginOffset, g.filterMessageCount, g.messageQueueOffsets[0]], [h.nextBeginOffset, h.filterMessageCount, 7]);
      await store.shutdown();
    }
  });

  it('rule: maxMsgNums counts matches; nextBeginOffset is right after the last match taken', async () => {
    const store = await open();
    for (let i = 0; i < 300; i++) await store.putMessage(makeRecord({ topic: 'Q', body: `m${i}` }));
    const every10 = bodyFilter((b) => Number(b.slice(1)) % 10 === 0);
    const g = (await store.getMessage('Q', 0, 1, 5, undefined, every10))!;
    assert.equal(g.status, 'FOUND');
    assert.deepEqual(g.messages.map((b) => decode(b).body.toString()), ['m10', 'm20', 'm30', 'm40', 'm50']);
    assert.deepEqual(g.messageQueueOffsets, [10, 20, 30, 40, 50]);
    assert.equal(g.nextBeginOffset, 51);
    assert.equal(g.filterMessageCount, 45);
    assert.equal(every10.asked, 50, 'the filter is asked about each record up to the last match, no further');
    await store.shutdown();
  });

  it('rule: maxTransferCountOnMessageInMemory (32) counts matches too', async () => {
    const store = await open();
    for (let i = 0; i < 400; i++) await store.putMessage(makeRecord({ topic: 'Q', body: `m${i}` }));
    const g = (await store.getMessage('Q', 0, 0, 100, undefined, bodyFilter((b) => Number(b.slice(1)) % 3 === 0)))!;
    assert.equal(g.messageCount, 32);
    assert.equal(g.nextBeginOffset, 31 * 3 + 1);
    await store.shutdown();
  });

  it('rule: maxFilterMessageSize bounds the units examined (20 B each); no match -> NO_MATCHED_MESSAGE past them', async () => {
    const store = await open({ maxFilterMessageSize: 20 * 50 });
    for (let i = 0; i < 120; i++) await store.putMessage(makeRecord({ topic: 'Q', body: `m${i}` }));
    const none = bodyFilter(() => false);
    const g = (await store.getMessage('Q', 0, 0, 32, undefined, none))!;
    assert.deepEqual([g.status, g.nextBeginOffset, g.messageCount, g.filterMessageCount], ['NO_MATCHED_MESSAGE', 50, 0, 50]);
    const late = (await store.getMessage('Q', 0, 0, 32, undefined, bodyFilter((b) => b === 'm49' || b === 'm50')))!;
    assert.deepEqual(late.messages.map((b) => decode(b).body.toString()), ['m49']);
    await store.shutdown();
  });

  it('rule: records that are not in the tail cache are read from disk and filtered the same', async () => {
    const store = await open({ commitLogTailCacheBytesMax: 4 * 1024, mappedFileSizeCommitLog: 64 * 1024 });
    for (let i = 0; i < 600; i++) await store.putMessage(makeRecord({ topic: 'Q', body: `m${i}`.padEnd(100, '-') }));
    const g = (await store.getMessage('Q', 0, 0, 8, undefined, bodyFilter((b) => b.startsWith('m7'))))!;
    assert.deepEqual(
      g.messages.map((b) => decode(b).body.toString().replace(/-+$/, '')),
      ['m7', 'm70', 'm71', 'm72', 'm73', 'm74', 'm75', 'm76'],
    );
    assert.equal(g.nextBeginOffset, 77);
    await store.shutdown();
  });

  it('rule: a record a commit-log filter keeps is checked (TOTALSIZE, magic, PHYSICALOFFSET) before it is returned, the refused ones are not', async () => {
    const store = await open({ commitLogTailCacheBytesMax: 16 * 1024 * 1024 });
    for (let i = 0; i < 3; i++) await store.putMessage(makeRecord({ topic: 'Q', body: `m${i}` }));
    const all = (await store.getMessage('Q', 0, 0, 3))!;
    const second = all.messages[1]!;
    const phy = Number(second.readBigInt64BE(MSG_PHYSICAL_OFFSET_OFFSET));
    // Break the tail cache's copy of the second record: it no longer says it sits at its offset.
    const at = store.commitLog.locateCached(phy, second.length);
    assert.ok(at >= 0, 'the record is in the tail cache');
    store.commitLog.cached.writeBigInt64BE(BigInt(phy + 1), at + MSG_PHYSICAL_OFFSET_OFFSET);
    // Kept: not returned; as a record gone, the walk goes on in the next commit log file (Java: getMessage null).
    const kept = (await store.getMessage('Q', 0, 0, 3, undefined, bodyFilterAt(() => true)))!;
    assert.deepEqual(kept.messages.map((b) => decode(b).body.toString()), ['m0']);
    assert.equal(kept.nextBeginOffset, 3);
    const alone = (await store.getMessage('Q', 0, 1, 3, undefined, bodyFilterAt(() => true)))!;
    assert.equal(alone.status, GetMessageStatus.MESSAGE_WAS_REMOVING);
    assert.equal(alone.messages.length, 0);
    // Refused: the filter decided without the check, and the walk went on to the third record.
    const refused = (await store.getMessage('Q', 0, 0, 3, undefined, bodyFilterAt((b) => b !== 'm1')))!;
    assert.deepEqual(refused.messages.map((b) => decode(b).body.toString()), ['m0', 'm2']);
    assert.equal(refused.filterMessageCount, 1);
    await store.shutdown();
  });
});
