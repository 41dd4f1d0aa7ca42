import { strict as assert } from 'node:assert';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { decodeMessages, MessageConst } from '../../../protocol/message';
import type { RemotingCommand } from '../../../protocol/command';
import { BrokerHarness } from '../processors/testing/harness';

/**
 * POP over real sockets against an in-process broker (Java 5.5: PopMessageProcessor, AckMessageProcessor,
 * ChangeInvisibleTimeProcessor, PopReviveService): a POP takes messages once and writes a checkpoint; acked messages
 * never come back; an un-acked one comes back from %RETRY%<group>_<topic> after its invisible time with
 * reconsumeTimes + 1 and a POP_CK; CHANGE_MESSAGE_INVISIBLETIME postpones it; headers as the 5.5.0 client reads them.
 */
describe('lib/broker/pop POP, ack, revive (in-process broker)', function () {
  this.timeout(60_000);
  let h: BrokerHarness;

  before(async () => {
    h = await BrokerHarness.start({ config: { reviveInterval: 200 } });
  });
  after(async () => {
    await h.close();
  });

  const pop = (topic: string, group: string, n: number, invisibleTime: number, pollTime = 0): Promise<RemotingCommand> =>
    h.call(RequestCode.POP_MESSAGE, { consumerGroup: group, topic, queueId: -1, maxMsgNums: n, invisibleTime, pollTime, bornTime: Date.now(), initMode: 0, order: false }, null, { timeoutMs: 20_000 });

  const extraOf = (r: RemotingCommand, i: number): { extra: string; queueId: number; offset: number; topic: string } => {
    const m = decodeMessages(r.body!)[i]!;
    const so = r.extFields!.get('startOffsetInfo')!.split(';').map((x) => x.split(' '));
    const pt = r.extFields!.get('popTime')!;
    const it = r.extFields!.get('invisibleTime')!;
    const rq = r.extFields!.get('reviveQid')!;
    const ck = m.properties.get(MessageConst.PROPERTY_POP_CK);
    if (ck !== undefined) return { extra: ck, queueId: m.queueId, offset: m.queueOffset, topic: m.topic };
    const start = so.find((x) => x[0] === '0' && Number(x[1]) === m.queueId)![2]!;
    return { extra: [start, pt, it, rq, '0', 'broker-a', m.queueId, m.queueOffset].join(' '), queueId: m.queueId, offset: m.queueOffset, topic: m.topic };
  };

  it('pops each message once, writes offsets past them, and an un-acked one comes back after its invisible time', async () => {
    const topic = 'PopT1';
    const group = 'PopG1';
    for (let i = 0; i < 3; i++) assert.equal((await h.send(topic, `m${i}`, {}, 0)).code, ResponseCode.SUCCESS);
    const r = await pop(topic, group, 32, 2000);
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    assert.equal(r.remark, 'FOUND');
    const ms = decodeMessages(r.body!);
    assert.deepEqual(ms.map((m) => m.body.toString()), ['m0', 'm1', 'm2']);
    assert.equal(r.extFields!.get('invisibleTime'), '2000');
    assert.equal(r.extFields!.get('startOffsetInfo'), '0 0 0');
    assert.equal(r.extFields!.get('msgOffsetInfo'), '0 0 0,1,2');
    assert.equal(h.broker.ctx.offsets.queryOffset(group, topic, 0), 3, 'the consumer offset moved past the popped messages');
    // A second POP finds nothing (they are invisible, not re-delivered).
    const again = await pop(topic, group, 32, 2000);
    assert.equal(again.code, ResponseCode.POLLING_TIMEOUT);
    // Ack m0 and m2; m1 is left un-acked.
    for (const i of [0, 2]) {
      const x = extraOf(r, i);
      const a = await h.call(RequestCode.ACK_MESSAGE, { consumerGroup: group, topic, queueId: x.queueId, extraInfo: x.extra, offset: x.offset });
      assert.equal(a.code, ResponseCode.SUCCESS, a.remark ?? '');
    }
    let back: RemotingCommand | undefined;
    for (let t = 0; t < 40 && back === undefined; t++) {
      const p = await pop(topic, group, 32, 60_000);
      if (p.code === ResponseCode.SUCCESS) back = p;
      else await new Promise((res) => setTimeout(res, 500));
    }
    assert.ok(back !== undefined, 'm1 came back');
    const bm = decodeMessages(back.body!);
    assert.deepEqual(bm.map((m) => m.body.toString()), ['m1'], 'only the un-acked message is revived');
    assert.equal(bm[0]!.reconsumeTimes, 1);
    assert.equal(bm[0]!.topic, topic, 'a retry message is answered under the requested topic');
    const ck = bm[0]!.properties.get(MessageConst.PROPERTY_POP_CK)!;
    assert.match(ck, new RegExp(`^\\d+ \\d+ 60000 \\d+ 1 broker-a 0 \\d+$`), 'POP_CK names the retry topic (mark 1) and the message offset');
    assert.ok(bm[0]!.properties.get(MessageConst.PROPERTY_FIRST_POP_TIME) !== undefined);
    assert.equal(bm[0]!.properties.get('ORIGIN_GROUP'), group, '5.5.0 reviveRetry sets ORIGIN_GROUP');
    assert.ok(h.broker.ctx.topics.get(`%RETRY%${group}_${topic}`) !== undefined, 'the POP retry topic was created');
  });

  it('CHANGE_MESSAGE_INVISIBLETIME answers the new popTime/invisibleTime and the message comes back after the new time', async () => {
    const topic = 'PopT2';
    const group = 'PopG2';
    assert.equal((await h.send(topic, 'c0', {}, 0)).code, ResponseCode.SUCCESS);
    const r = await pop(topic, group, 1, 60_000);
    assert.equal(r.code, ResponseCode.SUCCESS);
    const x = extraOf(r, 0);
    const c = await h.call(RequestCode.CHANGE_MESSAGE_INVISIBLETIME, { consumerGroup: group, topic, queueId: x.queueId, extraInfo: x.extra, offset: x.offset, invisibleTime: 1000 });
    assert.equal(c.code, ResponseCode.SUCCESS, c.remark ?? '');
    assert.equal(c.extFields!.get('invisibleTime'), '1000');
    assert.ok(Number(c.extFields!.get('popTime')) >= Number(r.extFields!.get('popTime')));
    let back: RemotingCommand | undefined;
    for (let t = 0; t < 40 && back === undefined; t++) {
      const p = await pop(topic, group, 32, 60_000);
      if (p.code === ResponseCode.SUCCESS) back = p;
      else await new Promise((res) => setTimeout(res, 500));
    }
    assert.ok(back !== undefined, 'the message came back after the changed (shorter) invisible time, not 60 s');
    assert.equal(decodeMessages(back.body!)[0]!.body.toString(), 'c0');
  });

  it('a POP that finds nothing is held until a message arrives (long polling)', async () => {
    const topic = 'PopT3';
    const group = 'PopG3';
    assert.equal((await h.send(topic, 'first', {}, 0)).code, ResponseCode.SUCCESS);
    assert.equal((await pop(topic, group, 32, 60_000)).code, ResponseCode.SUCCESS);
    const held = pop(topic, group, 32, 60_000, 15_000);
    await new Promise((res) => setTimeout(res, 300));
    assert.equal((await h.send(topic, 'later', {}, 0)).code, ResponseCode.SUCCESS);
    const r = await held;
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    assert.equal(decodeMessages(r.body!)[0]!.body.toString(), 'later');
  });

  it('a POP that finds messages with more left (restNum > 0) wakes the held POPs of the topic; one that takes the rest does not (Java PopMessageProcessor#processRequest notifyMessageArriving)', async () => {
    const topic = 'PopTWake';
    const group = 'PopGWake';
    for (let i = 0; i < 3; i++) assert.equal((await h.send(topic, `w${i}`, {}, 0)).code, ResponseCode.SUCCESS);
    const svc = (h.broker as unknown as { pop: { service: { onArrive: (t: string) => void } } }).pop.service;
    const woken: string[] = [];
    const orig = svc.onArrive;
    svc.onArrive = (t) => {
      woken.push(t);
      orig(t);
    };
    try {
      const one = await pop(topic, group, 1, 60_000);
      assert.equal(one.code, ResponseCode.SUCCESS, one.remark ?? '');
      assert.equal(one.extFields!.get('restNum'), '2');
      assert.deepEqual(woken, [topic]);
      const rest = await pop(topic, group, 32, 60_000);
      assert.equal(decodeMessages(rest.body!).length, 2);
      assert.deepEqual(woken, [topic], 'nothing left: no wake-up');
    } finally {
      svc.onArrive = orig;
    }
  });

  it('BATCH_ACK_MESSAGE (a BitSet of offsets from startOffset, base64) acks them all: nothing comes back', async () => {
    const topic = 'PopT5';
    const group = 'PopG5';
    for (let i = 0; i < 3; i++) assert.equal((await h.send(topic, `b${i}`, {}, 0)).code, ResponseCode.SUCCESS);
    const r = await pop(topic, group, 32, 1500);
    assert.equal(r.code, ResponseCode.SUCCESS);
    const start = Number(r.extFields!.get('startOffsetInfo')!.split(' ')[2]);
    const body = {
      acks: [{ c: group, t: topic, r: '0', so: start, q: 0, rq: Number(r.extFields!.get('reviveQid')), pt: Number(r.extFields!.get('popTime')), it: 1500, b: Buffer.from([0b111]).toString('base64') }],
      brokerName: 'broker-a',
    };
    const a = await h.call(RequestCode.BATCH_ACK_MESSAGE, {}, Buffer.from(JSON.stringify(body)));
    assert.equal(a.code, ResponseCode.SUCCESS, a.remark ?? '');
    // Beyond the invisible time and the revive margins (ackTimeInterval + 1 s, idle 3 s), nothing is revived.
    await new Promise((res) => setTimeout(res, 7000));
    const again = await pop(topic, group, 32, 60_000);
    assert.equal(again.code, ResponseCode.POLLING_TIMEOUT, again.code === ResponseCode.SUCCESS ? decodeMessages(again.body!).map((m) => m.body.toString()).join(',') : '');
    const empty = await h.call(RequestCode.BATCH_ACK_MESSAGE, {}, Buffer.from('{"acks":[]}'));
    assert.equal(empty.code, ResponseCode.NO_MESSAGE);
  });

  it('bad input: a malformed extraInfo is SYSTEM_ERROR naming the field; an offset outside the queue is NO_MESSAGE', async () => {
    assert.equal((await h.send('PopT4', 'x', {}, 0)).code, ResponseCode.SUCCESS);
    const a = await h.call(RequestCode.ACK_MESSAGE, { consumerGroup: 'G', topic: 'PopT4', queueId: 0, extraInfo: 'garbage', offset: 0 });
    assert.equal(a.code, ResponseCode.SYSTEM_ERROR);
    assert.match(a.remark!, /ckQueueOffset/);
    const b = await h.call(RequestCode.ACK_MESSAGE, { consumerGroup: 'G', topic: 'PopT4', queueId: 0, extraInfo: '0 1 2 0 0 b 0', offset: 99 });
    assert.equal(b.code, ResponseCode.NO_MESSAGE);
    const p = await h.call(RequestCode.POP_MESSAGE, { consumerGroup: 'G', topic: 'PopT4', queueId: -1, maxMsgNums: 33, invisibleTime: 1000, pollTime: 0, bornTime: Date.now(), initMode: 0 });
    assert.equal(p.code, ResponseCode.INVALID_PARAMETER);
  });
});
