import { strict as assert } from 'node:assert';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { decodeMessages } from '../../../protocol/message';
import type { RemotingCommand } from '../../../protocol/command';
import { BrokerHarness } from '../processors/testing/harness';

/**
 * Orderly POP over real sockets against an in-process broker (Java 5.5: PopMessageProcessor with order=true,
 * ConsumerOrderInfoManager, AckMessageProcessor#ackOrderly, ChangeInvisibleTimeProcessor for order): one batch in
 * flight per queue and group, the queue blocked until every message is acked or the invisible time passed, the
 * same batch again after that with orderCountInfo counting the deliveries, acks commit the offset.
 */
describe('lib/broker/pop orderly POP (in-process broker)', function () {
  this.timeout(60_000);
  let h: BrokerHarness;

  before(async () => {
    h = await BrokerHarness.start({ config: { reviveInterval: 200 } });
  });
  after(async () => {
    await h.close();
  });

  const pop = (topic: string, group: string, queueId: number, n: number, invisibleTime: number, pollTime = 0, attemptId?: string): Promise<RemotingCommand> =>
    h.call(
      RequestCode.POP_MESSAGE,
      { consumerGroup: group, topic, queueId, maxMsgNums: n, invisibleTime, pollTime, bornTime: Date.now(), initMode: 0, order: true, ...(attemptId !== undefined ? { attemptId } : {}) },
      null,
      { timeoutMs: 20_000 },
    );
  const extra = (r: RemotingCommand, queueId: number, offset: number): string => {
    const start = r.extFields!.get('startOffsetInfo')!.split(' ')[2]!;
    return [start, r.extFields!.get('popTime'), r.extFields!.get('invisibleTime'), r.extFields!.get('reviveQid'), '0', 'broker-a', queueId, offset].join(' ');
  };
  const ack = (r: RemotingCommand, topic: string, group: string, queueId: number, offset: number): Promise<RemotingCommand> =>
    h.call(RequestCode.ACK_MESSAGE, { consumerGroup: group, topic, queueId, extraInfo: extra(r, queueId, offset), offset });
  const bodies = (r: RemotingCommand): string[] => decodeMessages(r.body!).map((m) => m.body.toString());

  it('blocks the queue while a batch is in flight; acks commit the offset and release the next batch in order', async () => {
    const topic = 'PopOrdT1';
    const group = 'PopOrdG1';
    for (let i = 0; i < 4; i++) assert.equal((await h.send(topic, `m${i}`, {}, 0)).code, ResponseCode.SUCCESS);
    const r = await pop(topic, group, 0, 2, 60_000);
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    assert.deepEqual(bodies(r), ['m0', 'm1']);
    assert.equal(r.extFields!.get('reviveQid'), '999', 'KeyBuilder.POP_ORDER_REVIVE_QUEUE');
    assert.equal(r.extFields!.get('orderCountInfo'), '0 0 0');
    assert.equal(h.broker.ctx.offsets.queryOffset(group, topic, 0), 0, 'the offset stays at the batch until acked');
    const blocked = await pop(topic, group, 0, 2, 60_000);
    assert.equal(blocked.code, ResponseCode.POLLING_TIMEOUT, 'the queue is blocked for another POP');
    assert.equal((await ack(r, topic, group, 0, 1)).code, ResponseCode.SUCCESS);
    assert.equal(h.broker.ctx.offsets.queryOffset(group, topic, 0), 0, 'm0 still un-acked');
    assert.equal((await pop(topic, group, 0, 2, 60_000)).code, ResponseCode.POLLING_TIMEOUT);
    assert.equal((await ack(r, topic, group, 0, 0)).code, ResponseCode.SUCCESS);
    assert.equal(h.broker.ctx.offsets.queryOffset(group, topic, 0), 2);
    const next = await pop(topic, group, 0, 2, 60_000);
    assert.deepEqual(bodies(next), ['m2', 'm3']);
    const bad = await ack(next, topic, group, 0, 9);
    assert.equal(bad.code, ResponseCode.NO_MESSAGE, 'an offset beyond the queue is refused before the order check');
  });

  it('an un-acked batch comes back whole after its invisible time with its delivery count; a held POP is woken then', async () => {
    const topic = 'PopOrdT2';
    const group = 'PopOrdG2';
    for (let i = 0; i < 2; i++) assert.equal((await h.send(topic, `n${i}`, {}, 0)).code, ResponseCode.SUCCESS);
    const first = await pop(topic, group, 0, 32, 1500);
    assert.deepEqual(bodies(first), ['n0', 'n1']);
    // A long-polling POP is held while the queue is blocked and answered when the batch becomes visible again.
    const again = await pop(topic, group, 0, 32, 60_000, 10_000);
    assert.equal(again.code, ResponseCode.SUCCESS, again.remark ?? '');
    assert.deepEqual(bodies(again), ['n0', 'n1'], 'the same batch, in order');
    assert.equal(again.extFields!.get('orderCountInfo'), '0 qo0%0 1;0 qo0%1 1;0 0 1');
    assert.equal(decodeMessages(again.body!)[0]!.reconsumeTimes, 0, 'the stored message is unchanged: the client reads orderCountInfo');
  });

  it('CHANGE_MESSAGE_INVISIBLETIME of an orderly message extends the block; BATCH_ACK of an orderly batch commits', async () => {
    const topic = 'PopOrdT3';
    const group = 'PopOrdG3';
    assert.equal((await h.send(topic, 'x0', {}, 0)).code, ResponseCode.SUCCESS);
    const r = await pop(topic, group, 0, 32, 1000);
    const popTime = Number(r.extFields!.get('popTime'));
    const c = await h.call(RequestCode.CHANGE_MESSAGE_INVISIBLETIME, { consumerGroup: group, topic, queueId: 0, extraInfo: extra(r, 0, 0), offset: 0, invisibleTime: 60_000 });
    assert.equal(c.code, ResponseCode.SUCCESS, c.remark ?? '');
    assert.equal(c.extFields!.get('popTime'), String(popTime), 'the original popTime');
    assert.equal(c.extFields!.get('reviveQid'), '999');
    assert.ok(Number(c.extFields!.get('invisibleTime')) >= 60_000, 'nextVisibleTime - popTime');
    await new Promise((res) => setTimeout(res, 1500));
    assert.equal((await pop(topic, group, 0, 32, 60_000)).code, ResponseCode.POLLING_TIMEOUT, 'still blocked past the first invisible time');
    const bits = Buffer.from([1]).toString('base64');
    const body = JSON.stringify({ acks: [{ c: group, t: topic, r: '0', so: 0, q: 0, rq: 999, pt: popTime, it: 1000, b: bits }], brokerName: 'broker-a' });
    const b = await h.call(RequestCode.BATCH_ACK_MESSAGE, {}, Buffer.from(body));
    assert.equal(b.code, ResponseCode.SUCCESS, b.remark ?? '');
    assert.equal(h.broker.ctx.offsets.queryOffset(group, topic, 0), 1);
    assert.equal((await pop(topic, group, 0, 32, 60_000)).code, ResponseCode.POLLING_TIMEOUT, 'nothing more');
  });
});
