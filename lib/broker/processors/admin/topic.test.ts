import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CreateTopicListRequestBody,
  DataVersion,
  GroupList,
  TopicConfigAndMappingSerializeWrapper,
  TopicConfigAndQueueMapping,
  TopicList,
  TopicRouteData,
  TopicStatsTable,
} from '../../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../../protocol/codes';
import { BrokerHarness, waitUntil, type Fields } from '../testing/harness';

/**
 * Topic administration over a real socket. Java: AdminBrokerProcessor#updateAndCreateTopic, #deleteTopic,
 * #getAllTopicConfig, #getTopicConfig (P13), #getTopicStatsInfo, #queryTopicConsumeByWho, ...
 */
describe('lib/broker/processors/admin topic family', () => {
  let h: BrokerHarness;

  before(async () => {
    h = await BrokerHarness.start();
  });

  after(async () => {
    await h.close();
  });

  const create = (topic: string, o: Fields = {}) =>
    h.call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic, defaultTopic: 'TBW102', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG', order: false, ...o });

  it('UPDATE_AND_CREATE_TOPIC (17): creates the topic, persists it (journal topics.json.changes, fsync\'d before the answer; topics.json rewritten in the background) and registers it at once (the route exists when the call returns)', async () => {
    const r = await create('T17', { attributes: '+message.type=FIFO' });
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const route = await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T17' }, null, { to: h.nsAddr });
    assert.equal(route.code, ResponseCode.SUCCESS, route.remark ?? '');
    const d = TopicRouteData.decode(route.body!);
    assert.ok(d.ok);
    assert.equal(d.value.queueDatas[0]!.writeQueueNums, 4);
    const journal = fs.readFileSync(path.join(h.dir, 'store', 'config', 'topics.json.changes'), 'utf8');
    assert.match(journal, /"T17"/);
    const tc = await h.call(RequestCode.GET_TOPIC_CONFIG, { topic: 'T17' });
    const v = TopicConfigAndQueueMapping.decode(tc.body!);
    assert.ok(v.ok);
    assert.deepEqual([...v.value.attributes!], [['message.type', 'FIFO']]);
  });

  it('UPDATE_AND_CREATE_TOPIC (17): updates an existing topic; an identical request is an idempotent SUCCESS', async () => {
    assert.equal((await create('T17', { writeQueueNums: 2 })).code, ResponseCode.SUCCESS);
    assert.equal((await create('T17', { writeQueueNums: 2 })).code, ResponseCode.SUCCESS);
    const v = TopicConfigAndQueueMapping.decode((await h.call(RequestCode.GET_TOPIC_CONFIG, { topic: 'T17' })).body!);
    assert.ok(v.ok);
    assert.equal(v.value.writeQueueNums, 2);
    assert.deepEqual([...v.value.attributes!], [['message.type', 'FIFO']]);
  });

  it('UPDATE_AND_CREATE_TOPIC (17): refuses invalid names and system topics with INVALID_PARAMETER and Java remarks', async () => {
    const bad = await create('bad topic!');
    assert.equal(bad.code, ResponseCode.INVALID_PARAMETER);
    assert.equal(bad.remark, 'The specified topic: bad topic!, contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$');
    for (const t of ['SCHEDULE_TOPIC_XXXX', 'rmq_sys_anything', 'DefaultCluster']) {
      const sys = await create(t);
      assert.equal(sys.code, ResponseCode.INVALID_PARAMETER, t);
      assert.equal(sys.remark, `The topic[${t}] is conflict with system topic.`);
    }
    const long = await create('x'.repeat(128));
    assert.equal(long.code, ResponseCode.INVALID_PARAMETER);
  });

  it('UPDATE_AND_CREATE_TOPIC (17): validates attributes as Java AttributeUtil does', async () => {
    const mixed = await create('TMixed', { attributes: '+message.type=MIXED' });
    assert.equal(mixed.code, ResponseCode.INVALID_PARAMETER);
    assert.equal(mixed.remark, 'MIXED message type is not supported.');
    const unknown = await create('TAttr', { attributes: '+nope=1' });
    assert.equal(unknown.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(unknown.remark, 'unsupported key: nope');
    const del = await create('TAttr', { attributes: '-message.type' });
    assert.equal(del.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(del.remark, 'only add attribute is supported while creating topic. key: message.type');
    const format = await create('TAttr', { attributes: 'message.type=FIFO' });
    assert.equal(format.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(format.remark, 'add/alter attribute format is wrong: message.type');
    const unchangeable = await create('T17', { writeQueueNums: 2, attributes: '+queue.type=BatchCQ' });
    assert.equal(unchangeable.remark, 'attempt to update an unchangeable attribute. key: queue.type');
  });

  it('UPDATE_AND_CREATE_TOPIC (17): refuses a bad topicFilterType, a missing header field and out-of-range queue counts', async () => {
    const f = await create('TF', { topicFilterType: 'NOPE' });
    assert.equal(f.code, ResponseCode.SYSTEM_ERROR);
    assert.match(f.remark!, /SINGLE_TAG or MULTI_TAG/);
    const miss = await h.call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: 'TM' });
    assert.equal(miss.code, ResponseCode.SYSTEM_ERROR);
    assert.match(miss.remark!, /the custom field <defaultTopic> is null/);
    const neg = await create('TNeg', { readQueueNums: -1 });
    assert.equal(neg.code, ResponseCode.INVALID_PARAMETER);
    assert.match(neg.remark!, /readQueueNums=-1/);
  });

  it('UPDATE_AND_CREATE_TOPIC_LIST (18) creates every topic of the body, or none when one is invalid', async () => {
    const tc = (topicName: string) => ({ topicName, readQueueNums: 2, writeQueueNums: 2, perm: 6, topicFilterType: 'SINGLE_TAG' as const, topicSysFlag: 0, order: false });
    const bad = await h.call(RequestCode.UPDATE_AND_CREATE_TOPIC_LIST, {}, CreateTopicListRequestBody.encode({ topicConfigList: [tc('L1'), tc('bad name')] }));
    assert.equal(bad.code, ResponseCode.INVALID_PARAMETER);
    assert.equal((await h.call(RequestCode.GET_TOPIC_CONFIG, { topic: 'L1' })).code, ResponseCode.TOPIC_NOT_EXIST);
    const r = await h.call(RequestCode.UPDATE_AND_CREATE_TOPIC_LIST, {}, CreateTopicListRequestBody.encode({ topicConfigList: [tc('L1'), tc('L2')] }));
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    for (const t of ['L1', 'L2']) assert.equal((await h.call(RequestCode.GET_TOPIC_CONFIG, { topic: t })).code, ResponseCode.SUCCESS);
    const none = await h.call(RequestCode.UPDATE_AND_CREATE_TOPIC_LIST, {});
    assert.equal(none.code, ResponseCode.SYSTEM_ERROR);
  });

  it('GET_TOPIC_CONFIG (351): TopicConfig JSON; unknown -> TOPIC_NOT_EXIST, never 3 (P13)', async () => {
    const r = await h.call(RequestCode.GET_TOPIC_CONFIG, { topic: 'TBW102' });
    assert.equal(r.code, ResponseCode.SUCCESS);
    assert.match(r.body!.toString(), /"topicName":"TBW102"/);
    const u = await h.call(RequestCode.GET_TOPIC_CONFIG, { topic: 'Unknown' });
    assert.equal(u.code, ResponseCode.TOPIC_NOT_EXIST);
    assert.equal(u.remark, 'No topic in this broker. topic: Unknown');
  });

  it('GET_ALL_TOPIC_CONFIG (21): without paging fields returns every topic (4.9.x slaves, Go admin) and totalTopicNum', async () => {
    const r = await h.call(RequestCode.GET_ALL_TOPIC_CONFIG);
    assert.equal(r.code, ResponseCode.SUCCESS);
    const d = TopicConfigAndMappingSerializeWrapper.decode(r.body!);
    assert.ok(d.ok);
    assert.ok(d.value.topicConfigTable.has('TBW102'));
    assert.equal(Number(r.extFields!.get('totalTopicNum')), d.value.topicConfigTable.size);
  });

  it('GET_ALL_TOPIC_CONFIG (21): pages as 5.x MQClientAPIImpl#getAllTopicConfig asks, restarting when the dataVersion changed', async () => {
    const first = await h.call(RequestCode.GET_ALL_TOPIC_CONFIG, { topicSeq: 0, maxTopicNum: 3, dataVersion: '' });
    const d1 = TopicConfigAndMappingSerializeWrapper.decode(first.body!);
    assert.ok(d1.ok);
    assert.equal(d1.value.topicConfigTable.size, 3);
    const total = Number(first.extFields!.get('totalTopicNum'));
    const seen = new Set(d1.value.topicConfigTable.keys());
    const dv = DataVersion.toJson(d1.value.dataVersion);
    for (let seq = 3; seq < total; seq += 3) {
      const page = TopicConfigAndMappingSerializeWrapper.decode((await h.call(RequestCode.GET_ALL_TOPIC_CONFIG, { topicSeq: seq, maxTopicNum: 3, dataVersion: dv })).body!);
      assert.ok(page.ok);
      for (const k of page.value.topicConfigTable.keys()) seen.add(k);
    }
    assert.equal(seen.size, total);
    const stale = TopicConfigAndMappingSerializeWrapper.decode(
      (await h.call(RequestCode.GET_ALL_TOPIC_CONFIG, { topicSeq: 3, maxTopicNum: 3, dataVersion: '{"counter":-1,"timestamp":1}' })).body!,
    );
    assert.ok(stale.ok);
    assert.deepEqual([...stale.value.topicConfigTable.keys()], [...d1.value.topicConfigTable.keys()]);
  });

  it('GET_TOPIC_STATS_INFO (202): MessageQueue object keys, min/max, lastUpdateTimestamp of the last message', async () => {
    assert.equal((await create('TStats', { readQueueNums: 2, writeQueueNums: 2 })).code, ResponseCode.SUCCESS);
    assert.equal((await h.send('TStats', 'x', {}, 1)).code, ResponseCode.SUCCESS);
    const r = await h.call(RequestCode.GET_TOPIC_STATS_INFO, { topic: 'TStats' });
    assert.equal(r.code, ResponseCode.SUCCESS);
    assert.match(r.body!.toString(), /\{\{"brokerName":"broker-a","queueId":0,"topic":"TStats"\}:\{/);
    const d = TopicStatsTable.decode(r.body!);
    assert.ok(d.ok);
    const byQ = new Map(d.value.offsetTable.map(([q, o]) => [q.queueId, o]));
    assert.deepEqual(byQ.get(0), { lastUpdateTimestamp: 0, maxOffset: 0, minOffset: 0 });
    assert.equal(byQ.get(1)!.maxOffset, 1);
    assert.ok(byQ.get(1)!.lastUpdateTimestamp > Date.now() - 60_000);
    const u = await h.call(RequestCode.GET_TOPIC_STATS_INFO, { topic: 'Nope' });
    assert.equal(u.code, ResponseCode.TOPIC_NOT_EXIST);
    assert.equal(u.remark, 'topic[Nope] not exist');
  });

  it('GET_SYSTEM_TOPIC_LIST_FROM_BROKER (305) lists the fixed system topics and those this broker added', async () => {
    const d = TopicList.decode((await h.call(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER)).body!);
    assert.ok(d.ok);
    for (const t of ['TBW102', 'SCHEDULE_TOPIC_XXXX', 'DefaultCluster', 'broker-a', 'RMQ_SYS_TRANS_HALF_TOPIC']) assert.ok(d.value.topicList.includes(t), t);
    assert.ok(!d.value.topicList.includes('T17'));
  });

  it('QUERY_TOPIC_CONSUME_BY_WHO (300) and QUERY_TOPICS_BY_CONSUMER (343) from the offset table', async () => {
    h.broker.ctx.groups.find('GWho'); // as a consumer's heartbeat creates it
    const u = await h.call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'GWho', topic: 'T17', queueId: 0, commitOffset: 0 });
    assert.equal(u.code, ResponseCode.SUCCESS, u.remark ?? '');
    const who = GroupList.decode((await h.call(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, { topic: 'T17' })).body!);
    assert.ok(who.ok);
    assert.deepEqual(who.value.groupList, ['GWho']);
    const topics = TopicList.decode((await h.call(RequestCode.QUERY_TOPICS_BY_CONSUMER, { group: 'GWho' })).body!);
    assert.ok(topics.ok);
    assert.deepEqual(topics.value.topicList, ['T17']);
    assert.equal(topics.value.brokerAddr, h.broker.brokerAddr);
  });

  it('DELETE_TOPIC_IN_BROKER (215): removes the config, the offsets and the consume queues', async () => {
    assert.equal((await create('TDel')).code, ResponseCode.SUCCESS);
    assert.equal((await h.send('TDel', 'x')).code, ResponseCode.SUCCESS);
    await h.call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'GDel', topic: 'TDel', queueId: 0, commitOffset: 1 });
    const cq = path.join(h.dir, 'store', 'consumequeue', 'TDel');
    await waitUntil(() => fs.existsSync(cq));
    const r = await h.call(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: 'TDel' });
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    assert.equal((await h.call(RequestCode.GET_TOPIC_CONFIG, { topic: 'TDel' })).code, ResponseCode.TOPIC_NOT_EXIST);
    assert.ok(!fs.existsSync(cq));
    const q = await h.call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'GDel', topic: 'TDel', queueId: 0, setZeroIfNotFound: false });
    assert.equal(q.code, ResponseCode.QUERY_NOT_FOUND);
  });

  it('DELETE_TOPIC_IN_BROKER (215): refuses a blank topic and system topics (Java remarks); an unknown topic is a SUCCESS', async () => {
    const blank = await h.call(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: ' ' });
    assert.equal(blank.code, ResponseCode.INVALID_PARAMETER);
    assert.equal(blank.remark, 'The specified topic is blank.');
    const sys = await h.call(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: 'TBW102' });
    assert.equal(sys.code, ResponseCode.INVALID_PARAMETER);
    assert.equal(sys.remark, 'The topic[TBW102] is conflict with system topic.');
    assert.equal((await h.call(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: 'NeverWas' })).code, ResponseCode.SUCCESS);
  });

  it('CLEAN_UNUSED_TOPIC (316), CLEAN_EXPIRED_CONSUMEQUEUE (306), DELETE_EXPIRED_COMMITLOG (329) answer SUCCESS and keep live queues', async () => {
    assert.equal((await h.call(RequestCode.CLEAN_UNUSED_TOPIC)).code, ResponseCode.SUCCESS);
    assert.equal((await h.call(RequestCode.CLEAN_EXPIRED_CONSUMEQUEUE)).code, ResponseCode.SUCCESS);
    assert.equal((await h.call(RequestCode.DELETE_EXPIRED_COMMITLOG)).code, ResponseCode.SUCCESS);
    const d = TopicStatsTable.decode((await h.call(RequestCode.GET_TOPIC_STATS_INFO, { topic: 'TStats' })).body!);
    assert.ok(d.ok);
    assert.equal(d.value.offsetTable.find(([q]) => q.queueId === 1)![1].maxOffset, 1);
  });

  it('QUERY_CONSUME_QUEUE (321): units from an index, bounded by count; unknown queue -> SYSTEM_ERROR', async () => {
    const r = await h.call(RequestCode.QUERY_CONSUME_QUEUE, { topic: 'TStats', queueId: 1, index: 0, count: 10, consumerGroup: 'GX' });
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const body = JSON.parse(r.body!.toString()) as { maxQueueIndex: number; queueData: { physicSize: number; eval: boolean }[]; filterData: string };
    assert.equal(body.maxQueueIndex, 1);
    assert.equal(body.queueData.length, 1);
    assert.ok(body.queueData[0]!.physicSize > 0);
    assert.equal(body.filterData, 'GX@TStats is not online!');
    const out = await h.call(RequestCode.QUERY_CONSUME_QUEUE, { topic: 'TStats', queueId: 1, index: 5, count: 1 });
    assert.equal(out.code, ResponseCode.SUCCESS);
    assert.equal(out.remark, 'Index 5 of 1@TStats is not exist!');
    const none = await h.call(RequestCode.QUERY_CONSUME_QUEUE, { topic: 'TStats', queueId: 9, index: 0, count: 1 });
    assert.equal(none.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(none.remark, '9@TStats is not exist!');
  });
});
