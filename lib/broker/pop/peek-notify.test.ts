import { strict as assert } from 'node:assert';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { decodeMessages } from '../../../protocol/message';
import type { RemotingCommand } from '../../../protocol/command';
import { BrokerHarness } from '../processors/testing/harness';

/**
 * PEEK_MESSAGE, NOTIFICATION and POLLING_INFO against an in-process broker (Java 5.5: PeekMessageProcessor,
 * NotificationProcessor, PollingInfoProcessor): PEEK reads from the POP offset without moving it; NOTIFICATION says
 * whether a POP would find something and long-polls like a POP when not; POLLING_INFO counts held POPs.
 */
describe('lib/broker/pop PEEK_MESSAGE, NOTIFICATION, POLLING_INFO (in-process broker)', function () {
  this.timeout(60_000);
  let h: BrokerHarness;

  before(async () => {
    h = await BrokerHarness.start({ config: { reviveInterval: 200 } });
  });
  after(async () => {
    await h.close();
  });

  const peek = (topic: string, group: string, queueId: number, n: number): Promise<RemotingCommand> =>
    h.call(RequestCode.PEEK_MESSAGE, { topic, queueId, maxMsgNums: n, consumerGroup: group });
  const notification = (topic: string, group: string, queueId: number, pollTime: number, order = false): Promise<RemotingCommand> =>
    h.call(RequestCode.NOTIFICATION, { consumerGroup: group, topic, queueId, pollTime, bornTime: Date.now(), order }, null, { timeoutMs: 20_000 });
  const pop = (topic: string, group: string, pollTime: number, order = false): Promise<RemotingCommand> =>
    h.call(RequestCode.POP_MESSAGE, { consumerGroup: group, topic, queueId: 0, maxMsgNums: 32, invisibleTime: 60_000, pollTime, bornTime: Date.now(), initMode: 0, order }, null, { timeoutMs: 20_000 });

  it('PEEK reads the messages a POP would get without popping them (no offset moves); nothing is PULL_NOT_FOUND', async () => {
    const topic = 'PeekT1';
    const group = 'PeekG1';
    for (let i = 0; i < 3; i++) assert.equal((await h.send(topic, `p${i}`, {}, 0)).code, ResponseCode.SUCCESS);
    const r = await peek(topic, group, 0, 2);
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    assert.equal(r.remark, 'FOUND');
    assert.deepEqual(decodeMessages(r.body!).map((m) => m.body.toString()), ['p0', 'p1']);
    assert.equal(r.extFields!.get('restNum'), '3', 'Java counts max - offset of the queue before reading');
    assert.equal(h.broker.ctx.offsets.queryOffset(group, topic, 0), -1, 'PEEK writes no offset');
    const again = await peek(topic, group, -1, 32);
    assert.deepEqual(decodeMessages(again.body!).map((m) => m.body.toString()), ['p0', 'p1', 'p2'], 'the same messages again');
    assert.equal((await pop(topic, group, 0)).code, ResponseCode.SUCCESS);
    const none = await peek(topic, group, 0, 32);
    assert.equal(none.code, ResponseCode.PULL_NOT_FOUND);
    assert.equal(none.remark, 'NO_MESSAGE_IN_QUEUE');
  });

  it('bad input: an unknown topic is TOPIC_NOT_EXIST, a queue beyond readQueueNums INVALID_PARAMETER (Java\'s remarks)', async () => {
    assert.equal((await h.send('PeekT2', 'x', {}, 0)).code, ResponseCode.SUCCESS);
    const t = await peek('NoSuchPeekTopic', 'G', 0, 1);
    assert.equal(t.code, ResponseCode.TOPIC_NOT_EXIST);
    assert.match(t.remark!, /^topic\[NoSuchPeekTopic\] not exist, apply first please!/);
    const q = await notification('PeekT2', 'G', 99, 0);
    assert.equal(q.code, ResponseCode.INVALID_PARAMETER);
    assert.match(q.remark!, /^queueId\[99\] is illegal, topic:\[PeekT2\] topicConfig.readQueueNums:\[\d+\]/);
    const m = await h.call(RequestCode.POLLING_INFO, { consumerGroup: 'G', topic: 'PeekT2' });
    assert.equal(m.code, ResponseCode.SYSTEM_ERROR, 'a missing required header field (queueId) is refused, not a crash');
  });

  it('NOTIFICATION: hasMsg true with a backlog; without one it is held and answered hasMsg true when a message arrives', async () => {
    const topic = 'NotifyT1';
    const group = 'NotifyG1';
    assert.equal((await h.send(topic, 'n0', {}, 0)).code, ResponseCode.SUCCESS);
    const yes = await notification(topic, group, -1, 0);
    assert.equal(yes.code, ResponseCode.SUCCESS);
    assert.equal(yes.extFields!.get('hasMsg'), 'true');
    assert.equal((await pop(topic, group, 0)).code, ResponseCode.SUCCESS, 'drain it');
    const no = await notification(topic, group, 0, 0);
    assert.equal(no.extFields!.get('hasMsg'), 'false', 'pollTime 0: answered at once');
    const held = notification(topic, group, 0, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await h.send(topic, 'n1', {}, 0)).code, ResponseCode.SUCCESS);
    const woke = await held;
    assert.equal(woke.code, ResponseCode.SUCCESS);
    assert.equal(woke.extFields!.get('hasMsg'), 'true');
    const expired = await notification(topic, group, 0, 0);
    assert.equal(expired.extFields!.get('hasMsg'), 'true', 'still not popped');
  });

  it('NOTIFICATION with order=true: a blocked orderly queue has nothing to notify', async () => {
    const topic = 'NotifyT2';
    const group = 'NotifyG2';
    for (let i = 0; i < 2; i++) assert.equal((await h.send(topic, `o${i}`, {}, 0)).code, ResponseCode.SUCCESS);
    const r = await h.call(RequestCode.POP_MESSAGE, { consumerGroup: group, topic, queueId: 0, maxMsgNums: 1, invisibleTime: 60_000, pollTime: 0, bornTime: Date.now(), initMode: 0, order: true });
    assert.equal(r.code, ResponseCode.SUCCESS);
    assert.equal((await notification(topic, group, 0, 0, true)).extFields!.get('hasMsg'), 'false', 'the queue is blocked by its batch in flight');
    assert.equal((await notification(topic, group, 0, 0, false)).extFields!.get('hasMsg'), 'true', 'a backlog without order');
  });

  it('POP_ROLLBACK (200056, mqadmin exportPopRecord) is SUCCESS: there is no KV POP store to move (Java\'s default)', async () => {
    const r = await h.call(RequestCode.POP_ROLLBACK, {});
    assert.equal(r.code, ResponseCode.SUCCESS);
    assert.equal(r.remark ?? null, null);
  });

  it('POLLING_INFO counts the POPs held for (topic, group, queueId)', async () => {
    const topic = 'PollInfoT';
    const group = 'PollInfoG';
    assert.equal((await h.send(topic, 'first', {}, 0)).code, ResponseCode.SUCCESS);
    assert.equal((await pop(topic, group, 0)).code, ResponseCode.SUCCESS, 'drain');
    const info = (): Promise<RemotingCommand> => h.call(RequestCode.POLLING_INFO, { consumerGroup: group, topic, queueId: 0 });
    assert.equal((await info()).extFields!.get('pollingNum'), '0');
    const held = pop(topic, group, 10_000);
    let n = '0';
    for (let i = 0; i < 50 && n === '0'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      n = (await info()).extFields!.get('pollingNum')!;
    }
    assert.equal(n, '1');
    assert.equal((await h.send(topic, 'wake', {}, 0)).code, ResponseCode.SUCCESS);
    assert.equal((await held).code, ResponseCode.SUCCESS);
    assert.equal((await info()).extFields!.get('pollingNum'), '0');
  });
});
