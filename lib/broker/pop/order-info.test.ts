import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '../../common';
import { buildOffsetList, CLEAN_SPAN_FROM_LAST_MS, ConsumerOrderInfoManager, nextOffset } from './order-info';

/**
 * ConsumerOrderInfoManager as Java's (broker/.../offset/ConsumerOrderInfoManager.java): blocking while a batch is
 * invisible, commitAndNext, consumed counts in orderCountInfo, next visible times, the consumerOrderInfo.json form.
 */
describe('lib/broker/pop/order-info ConsumerOrderInfoManager', () => {
  let dir: string;
  let now: number;
  const freed: [string, number][] = [];
  const make = (o: { topics?: Record<string, number>; groups?: string[] } = {}): ConsumerOrderInfoManager =>
    new ConsumerOrderInfoManager({
      storePathRootDir: dir,
      logger: silentLogger(),
      now: () => now,
      onLockFree: (t, _g, q, at) => freed.push([`${t}:${q}`, at]),
      ...(o.topics !== undefined ? { readQueueNums: (t: string) => o.topics![t] } : {}),
      ...(o.groups !== undefined ? { groupExists: (g: string) => o.groups!.includes(g) } : {}),
    });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-order-'));
    now = 1_000_000;
    freed.length = 0;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('buildOffsetList keeps the first offset and the distances from it (Java OrderInfo#buildOffsetList)', () => {
    assert.deepEqual(buildOffsetList([7]), [7]);
    assert.deepEqual(buildOffsetList([5, 6, 9]), [5, 1, 4]);
  });

  it('a queue is blocked while its batch is invisible and un-acked; acks commit the first un-acked offset', () => {
    const m = make();
    const info = m.update(undefined, 'T', 'G', 0, now, 10_000, [5, 6, 7], '');
    assert.equal(info, '0 0 0', 'first delivery: only the queueId entry with count 0');
    assert.deepEqual(freed, [['T:0', now + 10_000]], 'the lock-free wake-up is due at popTime + invisibleTime');
    assert.equal(m.checkBlock(undefined, 'T', 'G', 0, 10_000), true);
    assert.equal(m.checkBlock(undefined, 'T', 'G', 1, 10_000), false, 'other queues are free');
    assert.equal(m.commitAndNext('T', 'G', 0, 6, now), 5, 'acking the middle one leaves the first un-acked');
    assert.equal(m.commitAndNext('T', 'G', 0, 5, now), 7);
    assert.equal(m.commitAndNext('T', 'G', 0, 9, now), -1, 'an offset outside the batch is illegal');
    assert.equal(m.commitAndNext('T', 'G', 0, 7, now - 1), -2, 'an older popTime commits nothing');
    assert.equal(m.checkBlock(undefined, 'T', 'G', 0, 10_000), true);
    assert.equal(m.commitAndNext('T', 'G', 0, 7, now), 8, 'all acked: past the batch');
    assert.equal(m.checkBlock(undefined, 'T', 'G', 0, 10_000), false, 'all acked: unblocked');
  });

  it('the block ends at the invisible time; the same attemptId is never blocked', () => {
    const m = make();
    m.update('a1', 'T', 'G', 0, now, 10_000, [0, 1], '');
    assert.equal(m.checkBlock('a1', 'T', 'G', 0, 10_000), false, 'a retried request with the same attemptId');
    assert.equal(m.checkBlock('a2', 'T', 'G', 0, 10_000), true);
    now += 10_000;
    assert.equal(m.checkBlock('a2', 'T', 'G', 0, 10_000), false);
  });

  it('a redelivered batch counts one more delivery per offset it shares with the previous one (orderCountInfo)', () => {
    const m = make();
    m.update(undefined, 'T', 'G', 2, now, 1000, [3, 4], '');
    now += 2000;
    const info = m.update(undefined, 'T', 'G', 2, now, 1000, [3, 4, 5], 'prev');
    assert.equal(info, 'prev;0 qo2%3 1;0 qo2%4 1;0 2 0', 'offset 5 is new: the queue minimum stays 0');
    now += 2000;
    assert.equal(m.update(undefined, 'T', 'G', 2, now, 1000, [3, 4], ''), '0 qo2%3 2;0 qo2%4 2;0 2 2');
  });

  it('CHANGE_MESSAGE_INVISIBLETIME moves one message\'s next visible time (updateNextVisibleTime)', () => {
    const m = make();
    m.update(undefined, 'T', 'G', 0, now, 1000, [0], '');
    m.updateNextVisibleTime('T', 'G', 0, 0, now, now + 60_000);
    now += 5000;
    assert.equal(m.checkBlock(undefined, 'T', 'G', 0, 1000), true, 'still invisible after the original time');
    assert.deepEqual(freed.at(-1), ['T:0', now - 5000 + 60_000]);
  });

  it('clearBlock (an offset reset) unblocks; nextOffset of an empty batch is -2', () => {
    const m = make();
    m.update(undefined, 'T', 'G', 0, now, 60_000, [0], '');
    m.clearBlock('T', 'G', 0);
    assert.equal(m.checkBlock(undefined, 'T', 'G', 0, 60_000), false);
    assert.equal(nextOffset({ popTime: 0, offsetList: [], lastConsumeTimestamp: 0, commitOffsetBit: 0 }), -2);
  });

  it('writes consumerOrderInfo.json in fastjson form and reads it back (a Java broker reads the same file)', () => {
    const m = make();
    m.update('att', 'T', 'G', 1, now, 60_000, [5, 6], '');
    m.commitAndNext('T', 'G', 1, 6, now);
    m.updateNextVisibleTime('T', 'G', 1, 5, now, now + 5);
    assert.equal(m.encode(), `{"orderInfoCount":1,"orderedConsumptionLevel":"QUEUE","table":{"T@G":{1:{"a":"att","cm":2,"i":60000,"l":${now},"o":[5,1],"ot":{5:${now + 5}},"popTime":${now}}}}}`);
    // Java 5.5.0 QueueLevelConsumerManager#encode(true) of the same state, captured from the rocketmq-broker 5.5.0 jar
    // (update("att2", ..., [5, 6, 7]) after the batch [5, 6]; lastConsumeTimestamp replaced).
    m.update('att2', 'T', 'G', 1, 2000, 60_000, [5, 6, 7], '');
    m.get('T', 'G', 1)!.lastConsumeTimestamp = 1796374731639;
    const java = '{\n\t"orderInfoCount":1,\n\t"orderedConsumptionLevel":"QUEUE",\n\t"table":{\n\t\t"T@G":{\n\t\t\t1:{\n\t\t\t\t"a":"att2",\n\t\t\t\t"cm":0,\n\t\t\t\t"i":60000,\n\t\t\t\t"l":1796374731639,\n\t\t\t\t"o":[5,1,2],\n\t\t\t\t"oc":{\n\t\t\t\t\t5:1,\n\t\t\t\t\t6:1\n\t\t\t\t},\n\t\t\t\t"popTime":2000\n\t\t\t}\n\t\t}\n\t}\n}';
    now = 1796374731639;
    assert.equal(m.encode(true), java);
    m.persist();
    assert.equal(fs.readFileSync(path.join(dir, 'config', 'consumerOrderInfo.json'), 'utf8'), java, 'persisted in PrettyFormat as Java\'s ConfigManager#persist');
    freed.length = 0;
    const back = make();
    assert.deepEqual(back.get('T', 'G', 1), m.get('T', 'G', 1));
    assert.deepEqual(freed, [['T:1', now]], 'loading schedules the wake-ups (Java recover): this batch is visible again, so now');
    assert.equal(back.commitAndNext('T', 'G', 1, 6, 2000), 5, 'the restored entry: offset 6 acked, 5 is next');
  });

  it('autoClean before a write drops gone topics, groups, queues and entries idle for CLEAN_SPAN_FROM_LAST_MS', () => {
    const m = make({ topics: { T: 2, U: 4 }, groups: ['G'] });
    m.update(undefined, 'T', 'G', 0, now, 1000, [0], '');
    m.update(undefined, 'T', 'G', 3, now, 1000, [0], '');
    m.update(undefined, 'Gone', 'G', 0, now, 1000, [0], '');
    m.update(undefined, 'T', 'NoGroup', 0, now, 1000, [0], '');
    m.update(undefined, 'U', 'G', 0, now - CLEAN_SPAN_FROM_LAST_MS - 1, 1000, [0], '');
    now += 1;
    const u = m.get('U', 'G', 0)!;
    u.lastConsumeTimestamp = now - CLEAN_SPAN_FROM_LAST_MS - 1;
    const json = m.encode();
    assert.match(json, /^\{"orderInfoCount":2,"orderedConsumptionLevel":"QUEUE","table":\{"T@G":\{0:\{/);
    assert.equal(m.get('T', 'G', 3), undefined, 'queue 3 is beyond readQueueNums 2');
    assert.equal(m.get('Gone', 'G', 0), undefined);
    assert.equal(m.get('T', 'NoGroup', 0), undefined);
    assert.equal(m.get('U', 'G', 0), undefined, 'idle for more than a day');
  });
});
