import { strict as assert } from 'node:assert';
import { ConsumerOffsetSerializeWrapper, DelayOffsetSerializeWrapper, ResetOffsetBody, ResetOffsetBodyForC } from '../../../../protocol/bodies';
import { LanguageCode, RequestCode, ResponseCode } from '../../../../protocol/codes';
import { PullSysFlag } from '../../../../protocol/message';
import { BrokerHarness, FakeClient, waitUntil, type Fields } from '../testing/harness';

/**
 * Offset administration. Java: AdminBrokerProcessor#resetOffset / #resetOffsetInner (5.x server-side reset),
 * Broker2Client#resetOffset (classic), #cloneGroupOffset, #getAllConsumerOffset, #getAllDelayOffset.
 */
async function setup(h: BrokerHarness, topic: string, group: string): Promise<void> {
  const c = await h.call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic, defaultTopic: 'TBW102', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicFilterType: 'SINGLE_TAG', order: false });
  assert.equal(c.code, ResponseCode.SUCCESS);
  for (let i = 0; i < 3; i++) assert.equal((await h.send(topic, `m${i}`, {}, 0)).code, ResponseCode.SUCCESS);
  h.broker.ctx.groups.find(group); // as a consumer's heartbeat creates it
  assert.equal((await h.call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: group, topic, queueId: 0, commitOffset: 3 })).code, ResponseCode.SUCCESS);
  assert.equal((await h.call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: group, topic, queueId: 1, commitOffset: 0 })).code, ResponseCode.SUCCESS);
}

const offsets = (body: Buffer | null): Map<number, number> => {
  const d = ResetOffsetBody.decode(body);
  assert.ok(d.ok);
  return new Map(d.value.offsetTable.map(([q, o]) => [q.queueId, o]));
};

describe('lib/broker/processors/admin offset family: server-side reset (5.x default)', () => {
  let h: BrokerHarness;
  const reset = (f: Fields) => h.call(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'RT', group: 'RG', timestamp: 0, isForce: true, ...f });

  before(async () => {
    h = await BrokerHarness.start();
    await setup(h, 'RT', 'RG');
  });

  after(async () => {
    await h.close();
  });

  it('resets every queue by time, answers ResetOffsetBody with object keys, and needs no online client', async () => {
    const r = await reset({});
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    assert.match(r.body!.toString(), /^\{"offsetTable":\{\{"brokerName":"broker-a","queueId":\d,"topic":"RT"\}:\d,/);
    assert.deepEqual(offsets(r.body), new Map([[0, 0], [1, 0]]));
    const q = await h.call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'RG', topic: 'RT', queueId: 0 });
    assert.equal(q.extFields!.get('offset'), '0');
  });

  it('until the next pull, the group\'s commits are ignored; that pull is PULL_OFFSET_MOVED to the target', async () => {
    const u = await h.call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'RG', topic: 'RT', queueId: 0, commitOffset: 3 });
    assert.equal(u.code, ResponseCode.SUCCESS);
    assert.equal(u.remark, 'Offset has been previously reset');
    const pull = await h.call(RequestCode.PULL_MESSAGE, {
      consumerGroup: 'RG',
      topic: 'RT',
      queueId: 0,
      queueOffset: 3,
      maxMsgNums: 32,
      sysFlag: PullSysFlag.FLAG_SUBSCRIPTION,
      commitOffset: 0,
      suspendTimeoutMillis: 0,
      subscription: '*',
      subVersion: 0,
      expressionType: 'TAG',
    });
    assert.equal(pull.code, ResponseCode.PULL_OFFSET_MOVED, pull.remark ?? '');
    assert.equal(pull.extFields!.get('nextBeginOffset'), '0');
  });

  it('timestamp -1 resets to the max offset; queueId + offset resets one queue, checked against its range', async () => {
    assert.deepEqual(offsets((await reset({ timestamp: -1 })).body), new Map([[0, 3], [1, 0]]));
    assert.deepEqual(offsets((await reset({ queueId: 0, offset: 2 })).body), new Map([[0, 2]]));
    const bad = await reset({ queueId: 1, offset: 5 });
    assert.equal(bad.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(bad.remark, 'Target offset 5 not in consume queue range [0-0]');
  });

  it('an unknown topic or group is TOPIC_NOT_EXIST / SUBSCRIPTION_GROUP_NOT_EXIST with Java remarks', async () => {
    const t = await reset({ topic: 'Nope' });
    assert.equal(t.code, ResponseCode.TOPIC_NOT_EXIST);
    assert.equal(t.remark, 'Topic Nope does not exist');
    const g = await reset({ group: 'NoGroup' });
    assert.equal(g.code, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);
    assert.equal(g.remark, 'Group NoGroup does not exist');
  });

  it('mqadmin 5.5.0 cloneGroupOffset commits through UPDATE_CONSUMER_OFFSET (15): an unknown destination group is SUBSCRIPTION_GROUP_NOT_EXIST', async () => {
    // Java: CloneGroupOffsetCommand#execute -> updateConsumeOffset; ConsumerManageProcessor#updateConsumerOffset
    const r = await h.call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'NoSuchDest', topic: 'RT', queueId: 0, commitOffset: 1 });
    assert.equal(r.code, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);
    assert.equal(r.remark, 'Group NoSuchDest not exist!');
    assert.equal(h.broker.ctx.groups.has('NoSuchDest'), false, 'the refusal does not create the group');
  });

  it('CLONE_GROUP_OFFSET (314) copies the offsets of one topic, or of every topic of the source group', async () => {
    assert.equal((await h.call(RequestCode.CLONE_GROUP_OFFSET, { srcGroup: 'RG', destGroup: 'RG2', topic: 'RT', offline: false })).code, ResponseCode.SUCCESS);
    const q = await h.call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'RG2', topic: 'RT', queueId: 0 });
    assert.equal(q.extFields!.get('offset'), '2');
    assert.equal((await h.call(RequestCode.CLONE_GROUP_OFFSET, { srcGroup: 'RG', destGroup: 'RG3', offline: true })).code, ResponseCode.SUCCESS);
    assert.equal((await h.call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'RG3', topic: 'RT', queueId: 0 })).extFields!.get('offset'), '2');
  });

  it('GET_ALL_CONSUMER_OFFSET (43) and GET_ALL_DELAY_OFFSET (45) answer the slave-sync JSON, fastjson integer keys', async () => {
    const r = await h.call(RequestCode.GET_ALL_CONSUMER_OFFSET);
    assert.equal(r.code, ResponseCode.SUCCESS);
    assert.match(r.body!.toString(), /"RT@RG":\{0:2,1:0\}/);
    const d = ConsumerOffsetSerializeWrapper.decode(r.body!);
    assert.ok(d.ok);
    assert.equal(d.value.offsetTable.get('RT@RG')!.get(0), 2);
    assert.ok(d.value.dataVersion!.counter > 0);
    const dl = await h.call(RequestCode.GET_ALL_DELAY_OFFSET);
    assert.equal(dl.code, ResponseCode.SUCCESS);
    const dd = DelayOffsetSerializeWrapper.decode(dl.body!);
    assert.ok(dd.ok);
  });
});

describe('lib/broker/processors/admin offset family: classic reset through the clients (useServerSideResetOffset=false)', () => {
  let h: BrokerHarness;
  const reset = (f: Fields, language?: number) =>
    h.call(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'CRT', group: 'CRG', timestamp: 0, isForce: false, ...f }, null, language !== undefined ? { language } : {});

  before(async () => {
    h = await BrokerHarness.start({ config: { useServerSideResetOffset: false } });
    await setup(h, 'CRT', 'CRG');
  });

  after(async () => {
    await h.close();
  });

  it('no online client is CONSUMER_NOT_ONLINE (mqadmin then rewrites the offsets itself); no offsets is SYSTEM_ERROR', async () => {
    const r = await reset({});
    assert.equal(r.code, ResponseCode.CONSUMER_NOT_ONLINE);
    assert.equal(r.remark, 'Consumer not online, so can not reset offset, Group: CRG Topic: CRT Timestamp: 0');
    const n = await reset({ group: 'NoOffsets' });
    assert.equal(n.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(n.remark, 'THe consumer group <NoOffsets> not exist');
    const t = await reset({ topic: 'Nope' });
    assert.equal(t.code, ResponseCode.TOPIC_NOT_EXIST);
    assert.equal(t.remark, '[reset-offset] reset offset failed, no topic in this broker. topic=Nope');
  });

  it('sends RESET_CONSUMER_CLIENT_OFFSET (220) to each online client: older targets win unless isForce', async () => {
    const c = new FakeClient('127.0.0.1@crc');
    try {
      assert.equal((await c.heartbeat(h.addr, { consumerGroup: 'CRG', topics: ['CRT'] })).code, ResponseCode.SUCCESS);
      const r = await reset({});
      assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
      // q0: committed 3, target 0 < 3 -> 0; q1: committed 0, target 0 -> 0
      assert.deepEqual(offsets(r.body), new Map([[0, 0], [1, 0]]));
      await waitUntil(() => c.received.some((m) => m.code === RequestCode.RESET_CONSUMER_CLIENT_OFFSET));
      const sent = c.received.find((m) => m.code === RequestCode.RESET_CONSUMER_CLIENT_OFFSET)!;
      assert.equal(sent.extFields!.get('topic'), 'CRT');
      assert.equal(sent.extFields!.get('group'), 'CRG');
      assert.equal(sent.extFields!.get('timestamp'), '0');
      // Go's parseFastJsonFormat needs this compact shape with plain integer values.
      assert.match(sent.body!.toString(), /^\{"offsetTable":\{\{"brokerName":"broker-a","queueId":\d,"topic":"CRT"\}:0,\{/);
      const max = await reset({ timestamp: -1 });
      assert.deepEqual(offsets(max.body), new Map([[0, 3], [1, 0]]));
      c.received.length = 0;
      const cpp = await reset({}, LanguageCode.CPP);
      assert.equal(cpp.code, ResponseCode.SUCCESS);
      await waitUntil(() => c.received.length > 0);
      const forC = ResetOffsetBodyForC.decode(c.received[0]!.body!);
      assert.ok(forC.ok);
      assert.equal(forC.value.offsetTable.length, 2);
    } finally {
      c.close();
    }
  });
});
