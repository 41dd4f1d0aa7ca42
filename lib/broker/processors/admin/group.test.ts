import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataVersion, SubscriptionGroupConfig, SubscriptionGroupList, SubscriptionGroupWrapper } from '../../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../../protocol/codes';
import { BrokerHarness } from '../testing/harness';

/**
 * Subscription group administration over a real socket. Java: AdminBrokerProcessor#updateAndCreateSubscriptionGroup,
 * #getAllSubscriptionGroup, #getSubscriptionGroup, #deleteSubscriptionGroup, #updateAndGetGroupForbidden.
 */
describe('lib/broker/processors/admin group family', () => {
  let h: BrokerHarness;

  before(async () => {
    h = await BrokerHarness.start({ config: { autoCreateSubscriptionGroup: false } });
  });

  after(async () => {
    await h.close();
  });

  const group = (groupName: string, o: Partial<SubscriptionGroupConfig> = {}) => SubscriptionGroupConfig.encode(SubscriptionGroupConfig.make({ groupName, ...o }));

  it('UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200) creates and updates a group, persisted in subscriptionGroup.json', async () => {
    const r = await h.call(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, group('G1', { retryMaxTimes: 3 }));
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const u = await h.call(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, group('G1', { retryMaxTimes: 5, consumeBroadcastEnable: false }));
    assert.equal(u.code, ResponseCode.SUCCESS);
    const g = await h.call(RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, { group: 'G1' });
    assert.equal(g.code, ResponseCode.SUCCESS);
    const d = SubscriptionGroupConfig.decode(g.body!);
    assert.ok(d.ok);
    assert.equal(d.value.retryMaxTimes, 5);
    assert.equal(d.value.consumeBroadcastEnable, false);
    assert.match(fs.readFileSync(path.join(h.dir, 'store', 'config', 'subscriptionGroup.json'), 'utf8'), /"G1"/);
  });

  it('200 refuses an invalid group name (INVALID_PARAMETER, Java remark), bad JSON (SYSTEM_ERROR) and attributes it does not know', async () => {
    const bad = await h.call(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, group('bad group'));
    assert.equal(bad.code, ResponseCode.INVALID_PARAMETER);
    assert.equal(bad.remark, 'The specified group: bad group, contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$');
    const junk = await h.call(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, Buffer.from('{"groupName":'));
    assert.equal(junk.code, ResponseCode.SYSTEM_ERROR);
    const attr = await h.call(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, group('GA', { attributes: new Map([['+x', '1']]) }));
    assert.equal(attr.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(attr.remark, 'unsupported key: x');
    // Java: no body is a no-op SUCCESS
    assert.equal((await h.call(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP)).code, ResponseCode.SUCCESS);
  });

  it('UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST (225) creates every group of the list', async () => {
    const body = SubscriptionGroupList.encode({ groupConfigList: ['GL1', 'GL2'].map((g) => SubscriptionGroupConfig.make({ groupName: g })) });
    assert.equal((await h.call(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST, {}, body)).code, ResponseCode.SUCCESS);
    for (const g of ['GL1', 'GL2']) assert.equal((await h.call(RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, { group: g })).code, ResponseCode.SUCCESS);
  });

  it('GET_SUBSCRIPTIONGROUP_CONFIG (352) of an unknown group (auto-create off) is SUBSCRIPTION_GROUP_NOT_EXIST', async () => {
    const r = await h.call(RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, { group: 'Nope' });
    assert.equal(r.code, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);
    assert.equal(r.remark, 'No group in this broker');
  });

  it('GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201): every group with totalGroupNum; pages by groupSeq/maxGroupNum/dataVersion', async () => {
    const all = await h.call(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG);
    assert.equal(all.code, ResponseCode.SUCCESS);
    const d = SubscriptionGroupWrapper.decode(all.body!);
    assert.ok(d.ok);
    assert.ok(d.value.subscriptionGroupTable.has('G1'));
    assert.ok(d.value.subscriptionGroupTable.has('TOOLS_CONSUMER'));
    const total = Number(all.extFields!.get('totalGroupNum'));
    assert.equal(total, d.value.subscriptionGroupTable.size);
    const dv = DataVersion.toJson(d.value.dataVersion);
    const seen = new Set<string>();
    for (let seq = 0; seq < total; seq += 2) {
      const p = SubscriptionGroupWrapper.decode((await h.call(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, { groupSeq: seq, maxGroupNum: 2, dataVersion: dv })).body!);
      assert.ok(p.ok);
      assert.ok(p.value.subscriptionGroupTable.size <= 2);
      for (const k of p.value.subscriptionGroupTable.keys()) seen.add(k);
    }
    assert.equal(seen.size, total);
  });

  it('UPDATE_AND_GET_GROUP_FORBIDDEN (353) sets and reads the read-forbidden bit: {"group","readable","topic"}', async () => {
    const set = await h.call(RequestCode.UPDATE_AND_GET_GROUP_FORBIDDEN, { group: 'G1', topic: 'T', readable: false });
    assert.equal(set.code, ResponseCode.SUCCESS);
    assert.equal(set.body!.toString(), '{"group":"G1","readable":false,"topic":"T"}');
    const get = await h.call(RequestCode.UPDATE_AND_GET_GROUP_FORBIDDEN, { group: 'G1', topic: 'T' });
    assert.equal(get.body!.toString(), '{"group":"G1","readable":false,"topic":"T"}');
    const clear = await h.call(RequestCode.UPDATE_AND_GET_GROUP_FORBIDDEN, { group: 'G1', topic: 'T', readable: true });
    assert.equal(clear.body!.toString(), '{"group":"G1","readable":true,"topic":"T"}');
    const unknown = await h.call(RequestCode.UPDATE_AND_GET_GROUP_FORBIDDEN, { group: 'NoSuchGroup', topic: 'T', readable: false });
    assert.equal(unknown.code, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);
  });

  it('DELETE_SUBSCRIPTIONGROUP (207) keeps offsets by default, removes them with cleanOffset (5.x) or removeOffset (4.9.x)', async () => {
    const commit = (g: string) => h.call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: g, topic: 'TBW102', queueId: 0, commitOffset: 0 });
    const offset = (g: string) => h.call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: g, topic: 'TBW102', queueId: 0, setZeroIfNotFound: false });
    for (const [g, flags, kept] of [
      ['GL1', {}, true],
      ['GL2', { cleanOffset: true }, false],
      ['G1', { removeOffset: true }, false],
    ] as const) {
      assert.equal((await commit(g)).code, ResponseCode.SUCCESS, g);
      const r = await h.call(RequestCode.DELETE_SUBSCRIPTIONGROUP, { groupName: g, ...flags });
      assert.equal(r.code, ResponseCode.SUCCESS);
      assert.equal((await h.call(RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, { group: g })).code, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);
      assert.equal((await offset(g)).code, kept ? ResponseCode.SUCCESS : ResponseCode.QUERY_NOT_FOUND, g);
    }
    // An unknown group: SUCCESS, as Java.
    assert.equal((await h.call(RequestCode.DELETE_SUBSCRIPTIONGROUP, { groupName: 'Never' })).code, ResponseCode.SUCCESS);
  });
});
