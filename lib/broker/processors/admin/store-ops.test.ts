import { strict as assert } from 'node:assert';
import { RequestCode, ResponseCode } from '../../../../protocol/codes';
import { UNSUPPORTED_FEATURES } from '../unsupported';
import { BrokerHarness } from '../testing/harness';

/**
 * Cold-data flow control (2001-2003), read-ahead mode (2004), GET_BROKER_LITE_INFO (200074) and the named refusals
 * of LITE, static-topic and POP-rebalance requests, over real sockets. Java (5.5.0): AdminBrokerProcessor
 * #updateColdDataFlowCtrGroupConfig / #removeColdDataFlowCtrGroupConfig / #getColdDataFlowCtrInfo /
 * #setCommitLogReadaheadMode, LiteManagerProcessor#getBrokerLiteInfo.
 */
describe('lib/broker/processors/admin store-ops, lite and unsupported families', () => {
  let h: BrokerHarness;

  before(async () => {
    h = await BrokerHarness.start();
  });

  after(async () => {
    await h.close();
  });

  const info = async (): Promise<Record<string, unknown>> => {
    const r = await h.call(RequestCode.GET_COLD_DATA_FLOW_CTR_INFO);
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    return JSON.parse(r.body!.toString()) as Record<string, unknown>;
  };

  it('GET_COLD_DATA_FLOW_CTR_INFO (2003) answers Java\'s JSON: empty tables, the configured thresholds, globalAcc 0', async () => {
    const r = await h.call(RequestCode.GET_COLD_DATA_FLOW_CTR_INFO);
    assert.equal(r.body!.toString(), '{"runtimeTable":{},"configTable":{},"cgColdReadThreshold":3145728,"globalColdReadThreshold":104857600,"globalAcc":0}');
  });

  it('UPDATE (2001) sets a group threshold from properties text; REMOVE (2002) takes the group name', async () => {
    const u = await h.call(RequestCode.UPDATE_COLD_DATA_FLOW_CTR_CONFIG, {}, Buffer.from('g1=100\ng2=7\n'));
    assert.equal(u.code, ResponseCode.SUCCESS, u.remark ?? '');
    assert.deepEqual((await info())['configTable'], { g1: 100, g2: 7 });
    const rm = await h.call(RequestCode.REMOVE_COLD_DATA_FLOW_CTR_CONFIG, {}, Buffer.from('g1'));
    assert.equal(rm.code, ResponseCode.SUCCESS);
    assert.deepEqual((await info())['configTable'], { g2: 7 });
    const bad = await h.call(RequestCode.UPDATE_COLD_DATA_FLOW_CTR_CONFIG, {}, Buffer.from('g3=lots\n'));
    assert.equal(bad.code, ResponseCode.SYSTEM_ERROR);
    assert.match(bad.remark!, /g3 is not a number/);
  });

  it('SET_COMMITLOG_READ_MODE (2004): mode 0 succeeds with Java\'s remark; 1 is refused naming why; others are Java\'s param errors', async () => {
    const normal = await h.call(RequestCode.SET_COMMITLOG_READ_MODE, { READ_AHEAD_MODE: 0 });
    assert.equal(normal.code, ResponseCode.SUCCESS);
    assert.equal(normal.remark, 'set commitlog readahead mode success, mode: 0');
    const random = await h.call(RequestCode.SET_COMMITLOG_READ_MODE, { READ_AHEAD_MODE: 1 });
    assert.equal(random.code, ResponseCode.SYSTEM_ERROR);
    assert.match(random.remark!, /^set commitlog readahead mode failed: .*pread.*not supported$/);
    const bad = await h.call(RequestCode.SET_COMMITLOG_READ_MODE, { READ_AHEAD_MODE: 5 });
    assert.equal(bad.code, ResponseCode.INVALID_PARAMETER);
    assert.equal(bad.remark, 'set commitlog readahead mode param value error');
    const none = await h.call(RequestCode.SET_COMMITLOG_READ_MODE);
    assert.equal(none.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(none.remark, 'set commitlog readahead mode param error');
  });

  it('GET_BROKER_LITE_INFO (200074): GetBrokerLiteInfoResponseBody with no LITE state and the store facts', async () => {
    assert.equal((await h.send('LiteInfoT', 'x')).code, ResponseCode.SUCCESS);
    const r = await h.call(RequestCode.GET_BROKER_LITE_INFO);
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const b = JSON.parse(r.body!.toString()) as Record<string, unknown>;
    assert.equal(b['storeType'], 'default');
    assert.equal(b['maxLmqNum'], 20000);
    assert.equal(b['currentLmqNum'], 0);
    assert.equal(b['liteSubscriptionCount'], 0);
    assert.ok((b['cqTableSize'] as number) >= 1, 'the topic sent to has a consume queue');
    assert.deepEqual(b['topicMeta'], {});
    assert.deepEqual(b['groupMeta'], {});
  });

  it('LITE and static-topic requests are REQUEST_CODE_NOT_SUPPORTED with a remark naming the feature', async () => {
    const seen = new Set<number>();
    for (const [code] of UNSUPPORTED_FEATURES) {
      const r = await h.call(code, { topic: 'T', consumerGroup: 'G' });
      assert.equal(r.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, `${code}`);
      assert.match(r.remark!, new RegExp(`^ request type ${code} not supported: .+ not supported by Apogee`), `${code}: ${r.remark}`);
      seen.add(code);
    }
    for (const code of [RequestCode.UPDATE_AND_CREATE_STATIC_TOPIC, RequestCode.GET_LITE_TOPIC_INFO]) assert.ok(seen.has(code), `${code}`);
    // Served by lib/broker/pop since issue 15 (peek-notify.ts): no longer in the table.
    for (const code of [RequestCode.PEEK_MESSAGE, RequestCode.NOTIFICATION, RequestCode.POLLING_INFO]) assert.ok(!seen.has(code), `${code}`);
  });

  it('updateTopic with +message.type=LITE or PRIORITY is INVALID_PARAMETER naming the feature (as Java refuses MIXED)', async () => {
    for (const type of ['LITE', 'PRIORITY']) {
      const r = await h.call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: `T_${type}`, defaultTopic: 'TBW102', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicFilterType: 'SINGLE_TAG', order: false, attributes: `+message.type=${type}` });
      assert.equal(r.code, ResponseCode.INVALID_PARAMETER, type);
      assert.match(r.remark!, new RegExp(`^${type} message type is not supported: .* not supported by Apogee`));
      assert.equal(h.broker.ctx.topics.get(`T_${type}`), undefined);
    }
  });
});
