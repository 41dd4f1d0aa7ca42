import { strict as assert } from 'node:assert';
import { HeartbeatData, type TopicRouteData } from '../../protocol/bodies';
import type { RemotingCommand } from '../../protocol/command';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { tagsCode } from '../../protocol/message';
import type { RocketClient } from '../client';
import { silentLogger } from '../common';
import { CLIENTS_MAX, GrpcClients, registrationOf, subscriptionOf } from './clients';
import { Code } from './convert';

/**
 * gRPC clients registered with the broker as the Java proxy does (ClientActivity#heartbeat, #registerProducer,
 * #registerConsumer, #buildSubscriptionDataSet, #notifyClientTermination), with a scripted broker.
 */
describe('lib/grpc/clients', () => {
  const producer = { clientType: 'PRODUCER', publishing: { topics: [{ name: 'T' }, { name: 'U' }] } };
  const push = { clientType: 'PUSH_CONSUMER', subscription: { group: { name: 'G' }, subscriptions: [{ topic: { name: 'T' }, expression: { type: 'TAG', expression: 'a || b' } }] } };

  it('a producer registers one producer group per publishing topic (the topic name, as the proxy)', () => {
    const r = registrationOf('C1', producer, undefined);
    assert.ok(r.ok);
    assert.deepEqual(r.data, { clientID: 'C1', producerDataSet: [{ groupName: 'T' }, { groupName: 'U' }], consumerDataSet: [] });
    assert.deepEqual(r.topics, ['T', 'U']);
  });

  it('a push consumer is CONSUME_PASSIVELY, a simple one CONSUME_ACTIVELY, CLUSTERING from the last offset, with the Settings subscriptions', () => {
    const r = registrationOf('C2', push, 'G');
    assert.ok(r.ok);
    const cd = r.data.consumerDataSet[0]!;
    assert.deepEqual([cd.groupName, cd.consumeType, cd.messageModel, cd.consumeFromWhere], ['G', 'CONSUME_PASSIVELY', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET']);
    assert.deepEqual(cd.subscriptionDataSet.map((s) => [s.topic, s.expressionType, s.tagsSet, s.codeSet]), [['T', 'TAG', ['a', 'b'], [tagsCode('a'), tagsCode('b')]]]);
    const simple = registrationOf('C3', { ...push, clientType: 'SIMPLE_CONSUMER' }, 'G');
    assert.ok(simple.ok);
    assert.equal(simple.data.consumerDataSet[0]!.consumeType, 'CONSUME_ACTIVELY');
  });

  it('subscriptions: an empty TAG expression is "*", SQL is SQL92 with no tags', () => {
    assert.equal(subscriptionOf({ topic: { name: 'T' }, expression: { type: 'TAG', expression: '' } }).subString, '*');
    const sql = subscriptionOf({ topic: { name: 'T' }, expression: { type: 'SQL', expression: 'a > 1' } });
    assert.deepEqual([sql.expressionType, sql.subString, sql.tagsSet], ['SQL92', 'a > 1', []]);
  });

  it('without Settings a heartbeat is UNRECOGNIZED_CLIENT_TYPE; a consumer without group ILLEGAL_CONSUMER_GROUP', () => {
    const none = registrationOf('C', undefined, 'G');
    assert.ok(!none.ok);
    assert.equal(none.status.code, Code.UNRECOGNIZED_CLIENT_TYPE);
    const nogroup = registrationOf('C', { clientType: 'SIMPLE_CONSUMER', subscription: { subscriptions: [] } }, undefined);
    assert.ok(!nogroup.ok);
    assert.equal(nogroup.status.code, Code.ILLEGAL_CONSUMER_GROUP);
    const unknown = registrationOf('C', { clientType: 'LITE_PUSH_CONSUMER' }, 'G');
    assert.ok(!unknown.ok);
    assert.equal(unknown.status.code, Code.UNRECOGNIZED_CLIENT_TYPE);
  });

  const route: TopicRouteData = {
    brokerDatas: [
      { brokerName: 'b1', cluster: 'c', brokerAddrs: new Map([[0, '127.0.0.1:10911'], [1, '127.0.0.1:10921']]) },
      { brokerName: 'b2', cluster: 'c', brokerAddrs: new Map([[0, '127.0.0.1:10931']]) },
    ],
    filterServerTable: new Map(),
    queueDatas: [],
  };

  function harness(code: number = ResponseCode.SUCCESS) {
    const sent: { addr: string; code: number; header: unknown; body: Buffer | null }[] = [];
    const client = {
      routeOf: async (topic: string) => (topic === 'T' ? route : undefined),
      call: async (addr: string, c: number, header: unknown, body: Buffer | null) => {
        sent.push({ addr, code: c, header, body });
        return { code, remark: 'why', extFields: new Map(), body: null } as unknown as RemotingCommand;
      },
    } as unknown as RocketClient;
    return { clients: new GrpcClients({ client, logger: silentLogger(), requestTimeoutMs: 3000 }), sent };
  }

  it('Settings then Heartbeat send HEART_BEAT to every master of the topics; termination sends UNREGISTER_CLIENT and forgets the client', async () => {
    const { clients, sent } = harness();
    assert.equal((await clients.heartbeat('C', 'G')).code, Code.UNRECOGNIZED_CLIENT_TYPE);
    assert.equal(sent.length, 0);
    assert.equal((await clients.remember('C', push)).code, Code.OK);
    assert.equal((await clients.heartbeat('C', 'G')).code, Code.OK);
    assert.deepEqual(sent.map((s) => [s.code, s.addr]), [
      [RequestCode.HEART_BEAT, '127.0.0.1:10911'], [RequestCode.HEART_BEAT, '127.0.0.1:10931'],
      [RequestCode.HEART_BEAT, '127.0.0.1:10911'], [RequestCode.HEART_BEAT, '127.0.0.1:10931'],
    ]);
    const hb = HeartbeatData.decode(sent[0]!.body!);
    assert.ok(hb.ok);
    assert.deepEqual([hb.value.clientID, hb.value.consumerDataSet[0]!.groupName], ['C', 'G']);
    sent.length = 0;
    assert.equal((await clients.terminate('C', 'G')).code, Code.OK);
    assert.deepEqual(sent.map((s) => s.code), [RequestCode.UNREGISTER_CLIENT, RequestCode.UNREGISTER_CLIENT]);
    assert.deepEqual((sent[0]!.header as { value: unknown }).value, { clientID: 'C', consumerGroup: 'G' });
    assert.equal((await clients.heartbeat('C', 'G')).code, Code.UNRECOGNIZED_CLIENT_TYPE);
  });

  it("requestTimeoutMs: the remembered Settings' request_timeout (it sets ReceiveMessage's polling time); none before Settings", async () => {
    const { clients } = harness();
    assert.equal(clients.requestTimeoutMs('C'), undefined);
    assert.equal(clients.requestTimeoutMs(undefined), undefined);
    await clients.remember('C', { ...push, requestTimeout: { seconds: 3, nanos: 500_000_000 } });
    assert.equal(clients.requestTimeoutMs('C'), 3_500);
  });

  it('a broker refusing HEART_BEAT is INTERNAL_SERVER_ERROR naming the broker', async () => {
    const { clients } = harness(ResponseCode.SYSTEM_ERROR);
    const st = await clients.remember('C', push);
    assert.equal(st.code, Code.INTERNAL_SERVER_ERROR);
    assert.match(st.message, /127\.0\.0\.1:10911/);
  });

  it(`at most CLIENTS_MAX (${CLIENTS_MAX}) Settings are remembered; the oldest is forgotten first`, async () => {
    const { clients } = harness();
    const none = { clientType: 'PRODUCER', publishing: { topics: [] } };
    for (let i = 0; i <= CLIENTS_MAX; i++) await clients.remember(`C${i}`, none);
    assert.equal(clients.size, CLIENTS_MAX);
    assert.equal((await clients.heartbeat('C0', undefined)).code, Code.UNRECOGNIZED_CLIENT_TYPE);
    assert.equal((await clients.heartbeat(`C${CLIENTS_MAX}`, undefined)).code, Code.OK);
  });
});
