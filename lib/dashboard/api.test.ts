import { strict as assert } from 'node:assert';
import { SubscriptionGroupConfig } from '../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import type { Broker } from '../broker';
import { BrokerHarness } from '../broker/processors/testing/harness';
import { RocketClient } from '../client';
import { silentLogger } from '../common';
import type { NameServer } from '../nameserver';
import { ApiError, group, messageById, resetOffset } from './api';

/**
 * api.ts against a live NameServer and a broker that resets offsets the classic way (useServerSideResetOffset=false,
 * Java 4.9.x and 5.x's option): with no consumer online the broker answers CONSUMER_NOT_ONLINE and the dashboard
 * commits the offsets itself, as mqadmin's resetOffsetByTimestampOld does. Java: ResetOffsetByTimeCommand.
 */
describe('lib/dashboard api: reset offset fallback and lookups (live NameServer and broker)', function () {
  this.timeout(20_000);
  const TOPIC = 'ApiResetT';
  const GROUP = 'ApiResetG';
  let ns: NameServer;
  let broker: Broker;
  let nsAddr: string;
  let pair: BrokerHarness;
  let c: RocketClient;
  let addr: string;

  before(async () => {
    pair = await BrokerHarness.start({ config: { useServerSideResetOffset: false } });
    ({ ns, broker, nsAddr } = pair);
    addr = broker.brokerAddr;
    c = new RocketClient({ namesrvAddr: nsAddr, logger: silentLogger() });
    const ext = new Map([['topic', TOPIC], ['defaultTopic', 'TBW102'], ['readQueueNums', '2'], ['writeQueueNums', '2'], ['perm', '6'], ['topicFilterType', 'SINGLE_TAG'], ['topicSysFlag', '0'], ['order', 'false']]);
    assert.equal((await c.call(addr, RequestCode.UPDATE_AND_CREATE_TOPIC, ext)).code, ResponseCode.SUCCESS);
    for (let i = 0; i < 100 && (await ns.routes.pickupTopicRouteData(TOPIC)) === undefined; i++) await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 3; i++) assert.equal((await c.send(TOPIC, Buffer.from(`m${i}`), { queueId: 0 })).code, ResponseCode.SUCCESS);
    const g = await c.call(addr, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, null, SubscriptionGroupConfig.encode(SubscriptionGroupConfig.make({ groupName: GROUP })));
    assert.equal(g.code, ResponseCode.SUCCESS);
    for (const q of [0, 1]) {
      const u: { code: number } = await c.call(addr, RequestCode.UPDATE_CONSUMER_OFFSET, new Map([['consumerGroup', GROUP], ['topic', TOPIC], ['queueId', String(q)], ['commitOffset', '0']]));
      assert.equal(u.code, ResponseCode.SUCCESS);
    }
  });

  after(async () => {
    c.close();
    await pair.close();
  });

  const lagOf = async (): Promise<number[]> => (await group(c, GROUP)).queues.filter((q) => q.topic === TOPIC).map((q) => q.lag);

  it('no consumer online (CONSUMER_NOT_ONLINE): timestamp -1 commits the newest offsets itself; lag 0', async () => {
    assert.deepEqual(await lagOf(), [3, 0]);
    const r = await resetOffset(c, GROUP, TOPIC, -1);
    assert.deepEqual(r.queues.map((q) => [q.queueId, q.offset]), [[0, 3], [1, 0]]);
    assert.deepEqual(await lagOf(), [0, 0]);
  });

  it('a timestamp before every message goes back to the first offset (SEARCH_OFFSET_BY_TIMESTAMP)', async () => {
    const r = await resetOffset(c, GROUP, TOPIC, 1);
    assert.deepEqual(r.queues.map((q) => [q.queueId, q.offset]), [[0, 0], [1, 0]]);
    assert.deepEqual(await lagOf(), [3, 0]);
  });

  it('a topic without a route is ApiError 404 naming it', async () => {
    await assert.rejects(resetOffset(c, GROUP, 'NoSuchTopic', -1), (e: unknown) => e instanceof ApiError && e.status === 404 && /NoSuchTopic/.test(e.message));
  });

  it('an id that is no offset msgId of this cluster, without a topic, is ApiError 400 asking for the topic', async () => {
    await assert.rejects(messageById(c, '0A0B0C0D00002A9F0000000000000000', undefined, 'UTF-8'), (e: unknown) => e instanceof ApiError && e.status === 400 && /give its topic/.test(e.message));
  });
});
