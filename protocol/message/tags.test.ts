import { strict as assert } from 'node:assert';
import { ProtocolError } from '../errors';
import * as T from './tags';

describe('protocol/message tags and delay levels', () => {
  it('tagsCode is String#hashCode, 0 for none or empty (MessageExtBrokerInner#tagsString2tagsCode)', () => {
    assert.equal(T.tagsCode(null), 0);
    assert.equal(T.tagsCode(undefined), 0);
    assert.equal(T.tagsCode(''), 0);
    assert.equal(T.tagsCode('TagA'), 2598919);
    assert.equal(T.tagsCode('polygenelubricants'), -2147483648);
  });

  it('parses the default table into 18 levels (ScheduleMessageService#parseDelayLevel)', () => {
    const t = new T.DelayLevelTable();
    assert.equal(t.maxLevel, 18);
    assert.deepEqual(t.delaysMs.slice(0, 5), [1000, 5000, 10000, 30000, 60000]);
    assert.equal(t.delayMs(17), 3_600_000);
    assert.equal(t.delayMs(18), 7_200_000);
    assert.equal(t.delayMs(0), undefined);
    assert.equal(t.delayMs(19), undefined);
    assert.equal(t.deliverTimestamp(3, 1000), 11000);
    assert.equal(t.deliverTimestamp(99, 1000), 2000); // unknown level: + 1 s
    assert.equal(t.clamp(40), 18);
    assert.equal(T.DelayLevelTable.queueIdOf(3), 2);
    assert.equal(T.DelayLevelTable.levelOfQueueId(2), 3);
    assert.deepEqual(T.parseDelayLevels('2d 1s '), [172_800_000, 1000]);
    assert.deepEqual(T.parseDelayLevels(' '), []); // " ".split(" ") is [] in Java: no levels
    assert.deepEqual(T.parseDelayLevels('+5s -1m'), [5000, -60000]); // Long.parseLong accepts a sign
  });

  it('refuses what Java refuses: empty parts, unknown units, bad numbers', () => {
    for (const bad of ['1s  5s', ' 1s', '1x', 's', '1ms', '1.5s', '']) {
      assert.throws(() => T.parseDelayLevels(bad), (e: unknown) => e instanceof ProtocolError && e.kind === 'BAD_VALUE', bad);
    }
  });

  it('consumeQueueTagsCode: deliver time in SCHEDULE_TOPIC_XXXX, tags hash elsewhere (CommitLog#checkMessageAndReturnSize)', () => {
    const t = new T.DelayLevelTable();
    assert.equal(T.consumeQueueTagsCode({ topic: 'T', tags: 'TagA', delay: '3', storeTimestamp: 5 }, t), 2598919);
    assert.equal(T.consumeQueueTagsCode({ topic: T.SCHEDULE_TOPIC, tags: 'TagA', delay: '3', storeTimestamp: 5 }, t), 10005);
    assert.equal(T.consumeQueueTagsCode({ topic: T.SCHEDULE_TOPIC, tags: null, delay: '99', storeTimestamp: 5 }, t), 7_200_005);
    assert.equal(T.consumeQueueTagsCode({ topic: T.SCHEDULE_TOPIC, tags: 'TagA', delay: '0', storeTimestamp: 5 }, t), 2598919);
    assert.equal(T.consumeQueueTagsCode({ topic: T.SCHEDULE_TOPIC, tags: null, delay: null, storeTimestamp: 5 }, t), 0);
    assert.throws(() => T.consumeQueueTagsCode({ topic: T.SCHEDULE_TOPIC, tags: null, delay: 'x', storeTimestamp: 5 }, t), ProtocolError);
  });
});
