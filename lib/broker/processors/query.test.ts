import { strict as assert } from 'node:assert';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { decodeMessages, decodeOffsetMsgId } from '../../../protocol/message';
import { BrokerHarness } from './testing/harness';

/** QUERY_MESSAGE (12) and VIEW_MESSAGE_BY_ID (33) over a real socket. Java: QueryMessageProcessor. */
describe('lib/broker/processors/query QUERY_MESSAGE and VIEW_MESSAGE_BY_ID', () => {
  let h: BrokerHarness;
  const topic = 'QueryTopic';
  const uniq = '7F00000100002A9F0000000000000001';
  let offsetMsgId = '';

  before(async () => {
    h = await BrokerHarness.start();
    const c = await h.call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic, defaultTopic: 'TBW102', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicFilterType: 'SINGLE_TAG', order: false });
    assert.equal(c.code, ResponseCode.SUCCESS, c.remark ?? '');
    const s1 = await h.send(topic, 'hello-1', { KEYS: 'k1 shared', UNIQ_KEY: uniq });
    assert.equal(s1.code, ResponseCode.SUCCESS, s1.remark ?? '');
    offsetMsgId = s1.extFields!.get('msgId')!;
    const s2 = await h.send(topic, 'hello-2', { KEYS: 'k2 shared' }, 1);
    assert.equal(s2.code, ResponseCode.SUCCESS, s2.remark ?? '');
  });

  after(async () => {
    await h.close();
  });

  const query = (key: string, extra: Record<string, string | number> = {}) =>
    h.call(RequestCode.QUERY_MESSAGE, { topic, key, maxNum: 32, beginTimestamp: 0, endTimestamp: '9223372036854775807', ...extra });

  it('finds messages by key: SUCCESS, index header fields, body = stored records (Java QueryMessageProcessor#queryMessage)', async () => {
    const r = await query('shared');
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    assert.ok(Number(r.extFields!.get('indexLastUpdateTimestamp')) > 0);
    assert.ok(r.extFields!.has('indexLastUpdatePhyoffset'));
    const msgs = decodeMessages(r.body!);
    assert.deepEqual(msgs.map((m) => Buffer.from(m.body).toString()).sort(), ['hello-1', 'hello-2']);
    const one = await query('k1');
    assert.deepEqual(decodeMessages(one.body!).map((m) => Buffer.from(m.body).toString()), ['hello-1']);
  });

  it('finds a message by UNIQ_KEY with _UNIQUE_KEY_QUERY=true, whatever maxNum says', async () => {
    const r = await query(uniq, { _UNIQUE_KEY_QUERY: 'true', maxNum: 0 });
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    assert.equal(decodeMessages(r.body!)[0]!.properties.get('UNIQ_KEY'), uniq);
  });

  it('answers QUERY_NOT_FOUND with the Java remark, still carrying the index header', async () => {
    const r = await query('nothing-here');
    assert.equal(r.code, ResponseCode.QUERY_NOT_FOUND);
    assert.equal(r.remark, 'can not find message, maybe time range not correct');
    assert.ok(r.extFields!.has('indexLastUpdateTimestamp'));
    assert.equal(r.body, null);
  });

  it('a missing header field is SYSTEM_ERROR naming it, never an exception', async () => {
    const r = await h.call(RequestCode.QUERY_MESSAGE, { topic, maxNum: 1, beginTimestamp: 0, endTimestamp: 1 });
    assert.equal(r.code, ResponseCode.SYSTEM_ERROR);
    assert.match(r.remark!, /<key> is null/);
  });

  it('views a message by the commit log offset inside its offset msgId', async () => {
    const { offset } = decodeOffsetMsgId(offsetMsgId);
    const r = await h.call(RequestCode.VIEW_MESSAGE_BY_ID, { offset, topic });
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const [m] = decodeMessages(r.body!);
    assert.equal(Buffer.from(m!.body).toString(), 'hello-1');
    assert.equal(m!.commitLogOffset, offset);
  });

  it('an offset with no message is SYSTEM_ERROR "can not find message by the offset, N" (Java)', async () => {
    for (const offset of [123456789, 7, -5]) {
      const r = await h.call(RequestCode.VIEW_MESSAGE_BY_ID, { offset });
      assert.equal(r.code, ResponseCode.SYSTEM_ERROR);
      assert.equal(r.remark, `can not find message by the offset, ${offset}`);
    }
  });
});
