import { strict as assert } from 'node:assert';
import { BrokerStatsData, ConsumeStats, KVTable, QueryConsumeTimeSpanBody } from '../../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../../protocol/codes';
import { BrokerHarness, FakeClient } from '../testing/harness';

/**
 * Statistics over a real socket. Java: AdminBrokerProcessor#getBrokerRuntimeInfo (mqadmin clusterList /
 * brokerStatus parse it), #getConsumeStats (consumerProgress), #fetchAllConsumeStatsInBroker, #queryConsumeTimeSpan,
 * #ViewBrokerStatsData.
 */
describe('lib/broker/processors/admin stats family', () => {
  let h: BrokerHarness;
  const topic = 'StatsTopic';

  before(async () => {
    h = await BrokerHarness.start();
    const c = await h.call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic, defaultTopic: 'TBW102', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicFilterType: 'SINGLE_TAG', order: false });
    assert.equal(c.code, ResponseCode.SUCCESS);
    for (let i = 0; i < 3; i++) assert.equal((await h.send(topic, `m${i}`, {}, 0)).code, ResponseCode.SUCCESS);
    h.broker.ctx.groups.find('SG'); // as a consumer's heartbeat creates it
    assert.equal((await h.call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'SG', topic, queueId: 0, commitOffset: 2 })).code, ResponseCode.SUCCESS);
  });

  after(async () => {
    await h.close();
  });

  it('GET_BROKER_RUNTIME_INFO (28): every key clusterList reads is present and parses as it parses it', async () => {
    const r = await h.call(RequestCode.GET_BROKER_RUNTIME_INFO);
    assert.equal(r.code, ResponseCode.SUCCESS);
    const d = KVTable.decode(r.body!);
    assert.ok(d.ok);
    const t = d.value.table;
    const num = (k: string, re: RegExp): void => {
      assert.ok(t.has(k), `missing ${k}`);
      assert.match(t.get(k)!, re, k);
    };
    const long = /^-?\d+$/;
    const dbl = /^-?\d+(\.\d+)?(E-?\d+)?$/;
    for (const k of ['putTps', 'getTransferredTps', 'getTransferedTps', 'getFoundTps', 'getMissTps', 'getTotalTps']) num(k, /^\d+\.\d+ \d+\.\d+ \d+\.\d+$/);
    for (const k of ['sendThreadPoolQueueSize', 'pullThreadPoolQueueSize', 'ackThreadPoolQueueSize', 'sendThreadPoolQueueHeadWaitTimeMills', 'pullThreadPoolQueueHeadWaitTimeMills', 'ackThreadPoolQueueHeadWaitTimeMills', 'pageCacheLockTimeMills']) num(k, long);
    for (const k of ['earliestMessageTimeStamp', 'msgPutTotalYesterdayMorning', 'msgPutTotalTodayMorning', 'msgPutTotalTodayNow', 'msgGetTotalYesterdayMorning', 'msgGetTotalTodayMorning', 'msgGetTotalTodayNow', 'timerReadBehind', 'timerOffsetBehind', 'timerCongestNum', 'bootTimestamp', 'commitLogMaxOffset', 'commitLogMinOffset', 'dispatchBehindBytes']) num(k, long);
    for (const k of ['commitLogDiskRatio', 'consumeQueueDiskRatio', 'timerEnqueueTps', 'timerDequeueTps', 'putMessageAverageSize']) num(k, dbl);
    assert.equal(t.get('brokerActive'), 'true');
    assert.equal(t.get('brokerVersionDesc'), 'V5_5_0');
    assert.equal(Number(t.get('msgPutTotalTodayNow')), 3);
    assert.ok(Number(t.get('earliestMessageTimeStamp')) > Date.now() - 60_000);
    assert.ok(Number(t.get('commitLogMaxOffset')) > 0);
    assert.match(t.get('runtime')!, /^\[ \d+ days, \d+ hours, \d+ minutes, \d+ seconds \]$/);
    // Latencies (StoreStatsService): live maxima; the distribution and percentiles of the last 60 s window, which
    // has not ended yet in a broker this young: Java prints "null" and 0.00 then.
    num('putMessageEntireTimeMax', long);
    num('getMessageEntireTimeMax', long);
    assert.equal(t.get('putMessageDistributeTime'), 'null');
    assert.equal(t.get('putLatency99'), '0.00');
    assert.equal(t.get('putLatency999'), '0.00');
    assert.equal(Number(t.get('putMessageEntireTimeMax')), h.broker.ctx.store.latency.putMessageEntireTimeMax);
  });

  it('GET_CONSUME_STATS (208): ConsumeStats with MessageQueue object keys and Java offset semantics', async () => {
    const r = await h.call(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'SG' });
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const text = r.body!.toString();
    assert.match(text, /^\{"consumeTps":0\.0,"offsetTable":\{\{"brokerName":"broker-a","queueId":0,"topic":"StatsTopic"\}:\{"brokerOffset":3,"consumerOffset":2,"lastTimestamp":\d+,"pullOffset":2\}/);
    const d = ConsumeStats.decode(r.body!);
    assert.ok(d.ok);
    const byQ = new Map(d.value.offsetTable.map(([q, w]) => [q.queueId, w]));
    assert.ok(byQ.get(0)!.lastTimestamp > 0);
    assert.deepEqual(byQ.get(1), { brokerOffset: 0, consumerOffset: 0, lastTimestamp: 0, pullOffset: 0 });
  });

  it('208 honours topic and topicList (5.x), and answers SUCCESS with an empty table for a group without offsets', async () => {
    const one = ConsumeStats.decode((await h.call(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'SG', topic })).body!);
    assert.ok(one.ok);
    assert.equal(one.value.offsetTable.length, 2);
    const list = ConsumeStats.decode((await h.call(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'SG', topicList: `${topic};TBW102` })).body!);
    assert.ok(list.ok);
    assert.equal(list.value.offsetTable.length, 2 + 8);
    const empty = await h.call(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'Nobody' });
    assert.equal(empty.code, ResponseCode.SUCCESS);
    const e = ConsumeStats.decode(empty.body!);
    assert.ok(e.ok);
    assert.deepEqual(e.value.offsetTable, []);
  });

  it('208 drops topics an online group does not subscribe to (Java getTopicsForCollectingConsumeStats)', async () => {
    const c = new FakeClient('127.0.0.1@stats');
    try {
      assert.equal((await c.heartbeat(h.addr, { consumerGroup: 'SG', topics: ['OtherTopic'] })).code, ResponseCode.SUCCESS);
      const d = ConsumeStats.decode((await h.call(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'SG' })).body!);
      assert.ok(d.ok);
      assert.deepEqual(d.value.offsetTable, []);
    } finally {
      c.close();
    }
  });

  it('GET_BROKER_CONSUME_STATS (317): ConsumeStatsList per group with totalDiff', async () => {
    const r = await h.call(RequestCode.GET_BROKER_CONSUME_STATS, { isOrder: false });
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const text = r.body!.toString();
    assert.match(text, /"brokerAddr":"127\.0\.0\.1:\d+"/);
    assert.match(text, /\{"SG":\[\{"consumeTps":0\.0,"offsetTable":\{\{"brokerName":"broker-a","queueId":0,"topic":"StatsTopic"\}/);
    assert.match(text, /"totalDiff":1,/);
    const order = await h.call(RequestCode.GET_BROKER_CONSUME_STATS, { isOrder: true });
    assert.doesNotMatch(order.body!.toString(), /StatsTopic/);
  });

  it('QUERY_CONSUME_TIME_SPAN (303): one QueueTimeSpan per write queue; unknown topic -> TOPIC_NOT_EXIST', async () => {
    const r = await h.call(RequestCode.QUERY_CONSUME_TIME_SPAN, { topic, group: 'SG' });
    assert.equal(r.code, ResponseCode.SUCCESS);
    const d = QueryConsumeTimeSpanBody.decode(r.body!);
    assert.ok(d.ok);
    const q0 = d.value.consumeTimeSpanSet.find((s) => s.messageQueue!.queueId === 0)!;
    assert.ok(q0.minTimeStamp > 0 && q0.maxTimeStamp >= q0.minTimeStamp && q0.consumeTimeStamp >= q0.minTimeStamp);
    assert.ok(q0.delayTime >= 0);
    assert.match(q0.minTimeStampStr!, /^\d{4}-\d\d-\d\d#\d\d:\d\d:\d\d:\d{3}$/);
    const u = await h.call(RequestCode.QUERY_CONSUME_TIME_SPAN, { topic: 'Nope', group: 'SG' });
    assert.equal(u.code, ResponseCode.TOPIC_NOT_EXIST);
    assert.equal(u.remark, 'topic[Nope] not exist');
  });

  it('VIEW_BROKER_STATS_DATA (315) answers as Java does for a stats item it does not have', async () => {
    const r = await h.call(RequestCode.VIEW_BROKER_STATS_DATA, { statsName: 'TOPIC_PUT_NUMS', statsKey: 'NeverSentTo' });
    assert.equal(r.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(r.remark, `The stats <TOPIC_PUT_NUMS> <NeverSentTo> not exist`);
    const other = await h.call(RequestCode.VIEW_BROKER_STATS_DATA, { statsName: 'GROUP_GET_NUMS', statsKey: `${topic}@SG` });
    assert.equal(other.code, ResponseCode.SYSTEM_ERROR);
  });

  it('VIEW_BROKER_STATS_DATA (315) TOPIC_PUT_NUMS of a topic sent to: minute/hour/day views (mqadmin exportMetrics, statsAll)', async () => {
    // The puts are counted at dispatch (asynchronous): sample (the broker samples every second) until all 3 are in.
    for (let i = 0; i < 200; i++) {
      h.broker.ctx.stats.sample();
      if (h.broker.ctx.stats.items.get('TOPIC_PUT_NUMS', topic)?.minute.sum === 3) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const r = await h.call(RequestCode.VIEW_BROKER_STATS_DATA, { statsName: 'TOPIC_PUT_NUMS', statsKey: topic });
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const d = BrokerStatsData.decode(r.body!);
    assert.ok(d.ok);
    for (const v of [d.value.statsMinute, d.value.statsHour, d.value.statsDay]) assert.equal(v?.sum, 3, JSON.stringify(d.value));
    assert.ok(d.value.statsMinute!.tps > 0);
    assert.equal(d.value.statsMinute!.avgpt, 1, 'one message per put');
  });

  it('TOPIC_PUT_NUMS of SCHEDULE_TOPIC_XXXX and RMQ_SYS_TRANS_HALF_TOPIC count delayed and half messages (exportMetrics schedule/transaction counters)', async () => {
    assert.equal((await h.send(topic, 'delayed', { DELAY: '3' })).code, ResponseCode.SUCCESS);
    assert.equal((await h.send(topic, 'half', { TRAN_MSG: 'true', PGROUP: 'PG_TEST' })).code, ResponseCode.SUCCESS);
    // the store dispatches asynchronously; the arrival is counted at dispatch
    for (let i = 0; i < 100 && h.broker.ctx.stats.items.get('TOPIC_PUT_NUMS', 'RMQ_SYS_TRANS_HALF_TOPIC') === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    // The item exists once counted (before it, Java and Apogee answer "not exist"); its views fill at the next
    // 10 s / 10 min / 1 h sampling ticks (stats-items.test.ts checks the views).
    for (const sysTopic of ['SCHEDULE_TOPIC_XXXX', 'RMQ_SYS_TRANS_HALF_TOPIC']) {
      const r = await h.call(RequestCode.VIEW_BROKER_STATS_DATA, { statsName: 'TOPIC_PUT_NUMS', statsKey: sysTopic });
      assert.equal(r.code, ResponseCode.SUCCESS, `${sysTopic}: ${r.remark ?? ''}`);
      assert.ok(BrokerStatsData.decode(r.body!).ok);
    }
  });
});
