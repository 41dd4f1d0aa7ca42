import { strict as assert } from 'node:assert';
import { SubscriptionGroupConfig } from '../../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../../protocol/codes';
import { parseExposition } from '../../../metrics';
import { BrokerHarness } from '../testing/harness';

/**
 * Java AdminBrokerProcessor times topic and subscription-group creation into rocketmq_topic_create_execution_time
 * (invocation_status, is_system) and rocketmq_consumer_group_create_execution_time (invocation_status), with
 * metricsExporterType=PROM: a created topic counts as success, a refused system topic as failure with is_system.
 */
describe('lib/broker/processors/admin creation timings (metrics)', () => {
  let h: BrokerHarness;

  before(async () => {
    h = await BrokerHarness.start({ config: { metricsExporterType: 'PROM', metricsPromExporterPort: 0, metricsPromExporterHost: '127.0.0.1' } });
  });

  after(async () => {
    await h.close();
  });

  it('a created topic, a refused system topic and a created group are each recorded once with Java labels', async () => {
    const topic = (name: string) => h.call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: name, defaultTopic: 'TBW102', readQueueNums: 1, writeQueueNums: 1, perm: 6, topicFilterType: 'SINGLE_TAG', order: false });
    assert.equal((await topic('CreateTimedT')).code, ResponseCode.SUCCESS);
    assert.notEqual((await topic('SCHEDULE_TOPIC_XXXX')).code, ResponseCode.SUCCESS, 'validateSystemTopicWhenUpdateTopic refuses a system topic');
    const g = await h.call(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, SubscriptionGroupConfig.encode(SubscriptionGroupConfig.make({ groupName: 'CreateTimedG' })));
    assert.equal(g.code, ResponseCode.SUCCESS);
    const f = parseExposition(await h.broker.ctx.metrics!.registry.render());
    const count = (name: string, labels: Record<string, string>): number | undefined =>
      f.get(name)?.samples.find((s) => s.name === `${name}_count` && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    assert.equal(count('rocketmq_topic_create_execution_time_milliseconds', { invocation_status: 'success', is_system: 'false' }), 1);
    assert.equal(count('rocketmq_topic_create_execution_time_milliseconds', { invocation_status: 'failure', is_system: 'true' }), 1);
    assert.equal(count('rocketmq_consumer_group_create_execution_time_milliseconds', { invocation_status: 'success' }), 1);
  });
});
