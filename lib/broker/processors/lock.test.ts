import { strict as assert } from 'node:assert';
import { LockBatchRequestBody, LockBatchResponseBody, type MessageQueue } from '../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { BrokerHarness } from './testing/harness';

/** LOCK_BATCH_MQ (41) / UNLOCK_BATCH_MQ (42). Java: AdminBrokerProcessor#lockBatchMQ, RebalanceLockManager. */
describe('lib/broker/processors/lock LOCK_BATCH_MQ and UNLOCK_BATCH_MQ', () => {
  let h: BrokerHarness;
  const q = (queueId: number): MessageQueue => ({ topic: 'OrderTopic', brokerName: 'broker-a', queueId });

  before(async () => {
    h = await BrokerHarness.start();
  });

  after(async () => {
    await h.close();
  });

  const lock = (clientId: string, mqSet: MessageQueue[], group = 'OG') =>
    h.call(RequestCode.LOCK_BATCH_MQ, {}, LockBatchRequestBody.encode({ consumerGroup: group, clientId, mqSet, onlyThisBroker: false }));
  const unlock = (clientId: string, mqSet: MessageQueue[], group = 'OG') =>
    h.call(RequestCode.UNLOCK_BATCH_MQ, {}, LockBatchRequestBody.encode({ consumerGroup: group, clientId, mqSet }));

  it('locks free queues for the caller; the answer has numeric queueIds (Go parses it with strict jsoniter)', async () => {
    const r = await lock('c1', [q(0), q(1)]);
    assert.equal(r.code, ResponseCode.SUCCESS);
    const text = r.body!.toString();
    assert.match(text, /"queueId":0/);
    assert.doesNotMatch(text, /"queueId":"/);
    const d = LockBatchResponseBody.decode(r.body);
    assert.ok(d.ok);
    assert.deepEqual(d.value.lockOKMQSet.map((m) => m.queueId).sort(), [0, 1]);
  });

  it('does not hand a held queue to another client; the holder re-locks (refresh) it', async () => {
    const other = LockBatchResponseBody.decode((await lock('c2', [q(0), q(2)])).body);
    assert.ok(other.ok);
    assert.deepEqual(other.value.lockOKMQSet.map((m) => m.queueId), [2]);
    const again = LockBatchResponseBody.decode((await lock('c1', [q(0)])).body);
    assert.ok(again.ok);
    assert.deepEqual(again.value.lockOKMQSet.map((m) => m.queueId), [0]);
  });

  it('unlock frees the queue for others; unlocking someone else\'s queue changes nothing', async () => {
    assert.equal((await unlock('c2', [q(0)])).code, ResponseCode.SUCCESS);
    let d = LockBatchResponseBody.decode((await lock('c2', [q(0)])).body);
    assert.ok(d.ok);
    assert.deepEqual(d.value.lockOKMQSet, []);
    const u = await unlock('c1', [q(0)]);
    assert.equal(u.code, ResponseCode.SUCCESS);
    assert.equal(u.body, null);
    d = LockBatchResponseBody.decode((await lock('c2', [q(0)])).body);
    assert.ok(d.ok);
    assert.deepEqual(d.value.lockOKMQSet.map((m) => m.queueId), [0]);
  });

  it('a queue named twice is answered once (Java mqSet is a HashSet)', async () => {
    const d = LockBatchResponseBody.decode((await lock('c9', [q(5), q(5)], 'OG2')).body);
    assert.ok(d.ok);
    assert.equal(d.value.lockOKMQSet.length, 1);
  });

  it('a missing or malformed body is SYSTEM_ERROR with a remark, never a crash', async () => {
    for (const body of [null, Buffer.from('{"consumerGroup":')]) {
      for (const code of [RequestCode.LOCK_BATCH_MQ, RequestCode.UNLOCK_BATCH_MQ]) {
        const r = await h.call(code, {}, body);
        assert.equal(r.code, ResponseCode.SYSTEM_ERROR);
        assert.match(r.remark!, /BATCH_MQ: /);
      }
    }
  });
});
