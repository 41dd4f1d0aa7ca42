import { strict as assert } from 'node:assert';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { CreateTopicRequestHeader } from '../../protocol/headers';
import { BrokerHarness } from '../broker/processors/testing/harness';
import { silentLogger } from '../common';
import { RocketClient } from './client';

/** lib/client against a live NameServer and broker in this process. */
describe('lib/client RocketClient', function () {
  this.timeout(20_000);
  let pair: BrokerHarness;
  let client: RocketClient;

  before(async () => {
    pair = await BrokerHarness.start();
    client = new RocketClient({ namesrvAddr: pair.nsAddr, logger: silentLogger() });
  });

  after(async () => {
    client.close();
    await pair.close();
  });

  /** Creates or updates `topic` with `queues` read and write queues, and waits until the NameServer's route says so. */
  async function topicWithQueues(topic: string, queues: number): Promise<void> {
    const r = await client.call(pair.addr, RequestCode.UPDATE_AND_CREATE_TOPIC, {
      spec: CreateTopicRequestHeader,
      value: { topic, defaultTopic: 'TBW102', readQueueNums: queues, writeQueueNums: queues, perm: 6, topicFilterType: 'SINGLE_TAG' },
    });
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    for (let i = 0; i < 200; i++) {
      // maxAgeMs 0: asks the NameServer and replaces the client's cached route.
      const route = await client.routeOf(topic, 0);
      if (route?.queueDatas[0]?.writeQueueNums === queues) return;
      await new Promise((res) => setTimeout(res, 20));
    }
    assert.fail(`the route of ${topic} never showed ${queues} write queues`);
  }

  it('publishQueues are made once per cached route and again when the route changes', async () => {
    await topicWithQueues('ClientQ', 4);
    const first = await client.publishQueues('ClientQ');
    assert.deepEqual(first.map((q) => q.queueId), [0, 1, 2, 3]);
    assert.equal(await client.publishQueues('ClientQ'), first, 'the same route gives the same queues, not a new list per send');

    await topicWithQueues('ClientQ', 2);
    const after = await client.publishQueues('ClientQ');
    assert.notEqual(after, first);
    assert.deepEqual(after.map((q) => q.queueId), [0, 1]);
    const used = new Set<number>();
    for (let i = 0; i < 4; i++) {
      const s = await client.send('ClientQ', Buffer.from(`m${i}`));
      assert.equal(s.code, ResponseCode.SUCCESS, s.remark ?? '');
      used.add(s.queueId);
    }
    assert.deepEqual([...used].sort(), [0, 1], 'sends go round-robin over the queues of the new route');
  });
});
