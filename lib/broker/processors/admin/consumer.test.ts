import { strict as assert } from 'node:assert';
import { ConsumerConnection, GetConsumerStatusBody, ProducerConnection } from '../../../../protocol/bodies';
import type { RemotingCommand } from '../../../../protocol/command';
import { RequestCode, ResponseCode } from '../../../../protocol/codes';
import { decodeMessages } from '../../../../protocol/message';
import { reply, SUSPENDED } from '../../../remoting';
import { BrokerHarness, FakeClient } from '../testing/harness';

/**
 * Connections and calls the broker forwards to clients, over real sockets with a fake client that heart-beats and
 * answers. Java: AdminBrokerProcessor#getConsumerConnectionList, #getProducerConnectionList, #getAllProducerInfo,
 * #callConsumer (307/309), Broker2Client#getConsumeStatus (223), #querySubscriptionByConsumer (345).
 */
describe('lib/broker/processors/admin consumer family', () => {
  let h: BrokerHarness;
  let c: FakeClient;
  let seen: RemotingCommand[];
  const clientId = '127.0.0.1@fake#1';

  before(async () => {
    h = await BrokerHarness.start();
    seen = [];
    c = new FakeClient(clientId, [
      [
        RequestCode.GET_CONSUMER_RUNNING_INFO,
        (ctx) => {
          seen.push(ctx.request);
          return reply(ctx, ResponseCode.SUCCESS, 'from-client', new Map([['x', 'y']]), Buffer.from('{"properties":{"PROP_CONSUME_TYPE":"CONSUME_PASSIVELY"}}'));
        },
      ],
      [
        RequestCode.CONSUME_MESSAGE_DIRECTLY,
        (ctx) => {
          seen.push(ctx.request);
          return reply(ctx, ResponseCode.SUCCESS, null, null, Buffer.from('{"autoCommit":true,"consumeResult":"CR_SUCCESS","order":false,"spentTimeMills":1}'));
        },
      ],
      [
        RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT,
        (ctx) => {
          seen.push(ctx.request);
          const body = GetConsumerStatusBody.encode({ consumerTable: new Map(), messageQueueTable: [[{ topic: 'CT', brokerName: 'broker-a', queueId: 0 }, 7]] });
          return reply(ctx, ResponseCode.SUCCESS, null, null, body);
        },
      ],
    ]);
    assert.equal((await c.heartbeat(h.addr, { consumerGroup: 'CG', topics: ['CT'], producerGroup: 'PG' })).code, ResponseCode.SUCCESS);
  });

  after(async () => {
    c.close();
    await h.close();
  });

  it('GET_CONSUMER_CONNECTION_LIST (203): connections, subscriptions and the group model', async () => {
    const r = await h.call(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'CG' });
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const d = ConsumerConnection.decode(r.body!);
    assert.ok(d.ok);
    assert.equal(d.value.connectionSet.length, 1);
    const conn = d.value.connectionSet[0]!;
    assert.equal(conn.clientId, clientId);
    assert.equal(conn.language, 'JAVA');
    assert.equal(conn.version, 479);
    assert.match(conn.clientAddr, /^127\.0\.0\.1:\d+$/);
    assert.equal(d.value.messageModel, 'CLUSTERING');
    assert.equal(d.value.consumeFromWhere, 'CONSUME_FROM_FIRST_OFFSET');
    assert.ok(d.value.subscriptionTable.has('CT'));
  });

  it('203 for a group with no online consumer is CONSUMER_NOT_ONLINE with the Java remark', async () => {
    const r = await h.call(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'Offline' });
    assert.equal(r.code, ResponseCode.CONSUMER_NOT_ONLINE);
    assert.equal(r.remark, 'the consumer group[Offline] not online');
  });

  it('GET_PRODUCER_CONNECTION_LIST (204) and GET_ALL_PRODUCER_INFO (328)', async () => {
    const r = await h.call(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: 'PG' });
    assert.equal(r.code, ResponseCode.SUCCESS);
    const d = ProducerConnection.decode(r.body!);
    assert.ok(d.ok);
    assert.equal(d.value.connectionSet[0]!.clientId, clientId);
    const none = await h.call(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: 'Nope' });
    assert.equal(none.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(none.remark, 'the producer group[Nope] not exist');
    const all = await h.call(RequestCode.GET_ALL_PRODUCER_INFO);
    assert.equal(all.code, ResponseCode.SUCCESS);
    const j = JSON.parse(all.body!.toString()) as { data: Record<string, { clientId: string; language: string; remoteIP: string; version: number }[]> };
    assert.equal(j.data['PG']![0]!.clientId, clientId);
    assert.equal(j.data['PG']![0]!.language, 'JAVA');
  });

  it('GET_CONSUMER_RUNNING_INFO (307) is forwarded with the same ext fields and relayed verbatim', async () => {
    seen.length = 0;
    const r = await h.call(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: 'CG', clientId, jstackEnable: true });
    assert.equal(r.code, ResponseCode.SUCCESS);
    assert.equal(r.remark, 'from-client');
    assert.equal(r.extFields!.get('x'), 'y');
    assert.equal(r.body!.toString(), '{"properties":{"PROP_CONSUME_TYPE":"CONSUME_PASSIVELY"}}');
    assert.equal(seen.length, 1);
    assert.deepEqual(Object.fromEntries(seen[0]!.extFields!), { consumerGroup: 'CG', clientId, jstackEnable: 'true' });
  });

  it('307 to a client that is not online is SYSTEM_ERROR "The Consumer <g> <id> not online"', async () => {
    const r = await h.call(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: 'CG', clientId: 'ghost', jstackEnable: false });
    assert.equal(r.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(r.remark, 'The Consumer <CG> <ghost> not online');
  });

  it('CONSUME_MESSAGE_DIRECTLY (309): the stored message named by the msgId is sent, with brokerName added', async () => {
    const t = await h.call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: 'CT', defaultTopic: 'TBW102', readQueueNums: 1, writeQueueNums: 1, perm: 6, topicFilterType: 'SINGLE_TAG', order: false });
    assert.equal(t.code, ResponseCode.SUCCESS);
    const s = await h.send('CT', 'direct-body');
    assert.equal(s.code, ResponseCode.SUCCESS);
    seen.length = 0;
    const r = await h.call(RequestCode.CONSUME_MESSAGE_DIRECTLY, { consumerGroup: 'CG', clientId, msgId: s.extFields!.get('msgId')!, topic: 'CT' });
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    assert.match(r.body!.toString(), /CR_SUCCESS/);
    const fwd = seen[0]!;
    assert.equal(fwd.extFields!.get('brokerName'), 'broker-a');
    assert.equal(fwd.extFields!.get('topicSysFlag'), '0');
    assert.equal(fwd.extFields!.get('groupSysFlag'), '0');
    assert.equal(Buffer.from(decodeMessages(fwd.body!)[0]!.body).toString(), 'direct-body');
  });

  it('INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223) asks every client (221) and answers {"consumerTable":{clientId:{mq:offset}}}', async () => {
    seen.length = 0;
    const r = await h.call(RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS, { topic: 'CT', group: 'CG' });
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const d = GetConsumerStatusBody.decode(r.body!);
    assert.ok(d.ok);
    assert.deepEqual(d.value.consumerTable.get(clientId), [[{ brokerName: 'broker-a', queueId: 0, topic: 'CT' }, 7]]);
    assert.equal(seen[0]!.extFields!.get('group'), 'CG');
    const none = await h.call(RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS, { topic: 'CT', group: 'Nobody' });
    assert.equal(none.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(none.remark, 'No Any Consumer online in the consumer group: [Nobody]');
  });

  it('QUERY_SUBSCRIPTION_BY_CONSUMER (345) answers {group, subscriptionData, topic}', async () => {
    const r = await h.call(RequestCode.QUERY_SUBSCRIPTION_BY_CONSUMER, { group: 'CG', topic: 'CT' });
    const j = JSON.parse(r.body!.toString()) as { group: string; topic: string; subscriptionData?: { subString: string } };
    assert.equal(j.group, 'CG');
    assert.equal(j.subscriptionData!.subString, '*');
    const none = JSON.parse((await h.call(RequestCode.QUERY_SUBSCRIPTION_BY_CONSUMER, { group: 'CG', topic: 'X' })).body!.toString()) as object;
    assert.deepEqual(none, { group: 'CG', topic: 'X' });
  });

  it('a client too old for 307/309 is refused; a client that drops the call is SYSTEM_ERROR "invoke consumer ..."', async () => {
    const old = new FakeClient('127.0.0.1@old', [], 10);
    const rude = new FakeClient('127.0.0.1@rude', [
      [
        RequestCode.GET_CONSUMER_RUNNING_INFO,
        (ctx) => {
          ctx.connection.close('rude client');
          return SUSPENDED;
        },
      ],
    ]);
    try {
      assert.equal((await old.heartbeat(h.addr, { consumerGroup: 'OldG', topics: ['CT'] })).code, ResponseCode.SUCCESS);
      const r = await h.call(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: 'OldG', clientId: '127.0.0.1@old', jstackEnable: false });
      assert.equal(r.code, ResponseCode.SYSTEM_ERROR);
      assert.match(r.remark!, /^The Consumer <127\.0\.0\.1@old> Version <V3_0_\d+.*> too low to finish, please upgrade it to V3_1_8_SNAPSHOT$/);
      assert.equal((await rude.heartbeat(h.addr, { consumerGroup: 'RudeG', topics: ['CT'] })).code, ResponseCode.SUCCESS);
      const d = await h.call(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: 'RudeG', clientId: '127.0.0.1@rude', jstackEnable: false });
      assert.equal(d.code, ResponseCode.SYSTEM_ERROR);
      assert.match(d.remark!, /^invoke consumer <RudeG> <127\.0\.0\.1@rude> Exception: /);
    } finally {
      old.close();
      rude.close();
    }
  });

  it('a client that does not answer within 10 s is CONSUME_MSG_TIMEOUT (Java callConsumer)', async function () {
    this.timeout(20_000);
    const slow = new FakeClient('127.0.0.1@slow', [[RequestCode.GET_CONSUMER_RUNNING_INFO, () => SUSPENDED]]);
    try {
      assert.equal((await slow.heartbeat(h.addr, { consumerGroup: 'SlowG', topics: ['CT'] })).code, ResponseCode.SUCCESS);
      const t = await h.call(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: 'SlowG', clientId: '127.0.0.1@slow', jstackEnable: false }, null, { timeoutMs: 15_000 });
      assert.equal(t.code, ResponseCode.CONSUME_MSG_TIMEOUT);
      assert.match(t.remark!, /^consumer <SlowG> <127\.0\.0\.1@slow> Timeout: /);
    } finally {
      slow.close();
    }
  });
});
