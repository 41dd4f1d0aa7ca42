import { strict as assert } from 'node:assert';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { decodeMessages } from '../../../protocol/message';
import { parseExposition, type ParsedFamily } from '../../metrics';
import { BrokerHarness, waitUntil } from '../processors/testing/harness';

/**
 * POP's metrics with metricsExporterType=PROM (Java PopMetricsManager): a POP writes a checkpoint
 * (rocketmq_pop_revive_in_message_total, CK), an ack writes an ack record (ACK), the revive service reads both
 * back (rocketmq_pop_revive_out_message_total per revive queue_id) and revives the un-acked message into its retry
 * topic (rocketmq_pop_revive_retry_messages_total, labelled with the original topic); the revive gauges exist for
 * every revive queue.
 */
describe('lib/broker/pop metrics (PopMetricsManager)', function () {
  this.timeout(60_000);
  let h: BrokerHarness;

  before(async () => {
    h = await BrokerHarness.start({ config: { reviveInterval: 200, metricsExporterType: 'PROM', metricsPromExporterPort: 0, metricsPromExporterHost: '127.0.0.1' } });
  });
  after(async () => {
    await h.close();
  });

  const scrape = async (): Promise<Map<string, ParsedFamily>> => parseExposition(await h.broker.ctx.metrics!.registry.render());
  const sum = (f: Map<string, ParsedFamily>, name: string, labels: Record<string, string>): number =>
    (f.get(name)?.samples ?? []).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);

  it('checkpoint and ack records are counted in, read back out, and the un-acked message counted as revived to retry', async () => {
    const topic = 'PopMetricsT';
    const group = 'PopMetricsG';
    for (let i = 0; i < 2; i++) assert.equal((await h.send(topic, `m${i}`, {}, 0)).code, ResponseCode.SUCCESS);
    const r = await h.call(RequestCode.POP_MESSAGE, { consumerGroup: group, topic, queueId: 0, maxMsgNums: 2, invisibleTime: 1000, pollTime: 0, bornTime: Date.now(), initMode: 0, order: false });
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const m0 = decodeMessages(r.body!)[0]!;
    const [, start] = r.extFields!.get('startOffsetInfo')!.split(' ');
    const extra = [start, r.extFields!.get('popTime'), r.extFields!.get('invisibleTime'), r.extFields!.get('reviveQid'), '0', 'broker-a', m0.queueId, m0.queueOffset].join(' ');
    const a = await h.call(RequestCode.ACK_MESSAGE, { consumerGroup: group, topic, queueId: m0.queueId, extraInfo: extra, offset: m0.queueOffset });
    assert.equal(a.code, ResponseCode.SUCCESS, a.remark ?? '');
    let f = await scrape();
    const ours = { consumer_group: group, topic };
    assert.equal(sum(f, 'rocketmq_pop_revive_in_message_total', { ...ours, revive_message_type: 'CK', put_status: 'PUT_OK' }), 1);
    assert.equal(sum(f, 'rocketmq_pop_revive_in_message_total', { ...ours, revive_message_type: 'ACK', put_status: 'PUT_OK' }), 1);
    const retried = async (): Promise<boolean> => sum(await scrape(), 'rocketmq_pop_revive_retry_messages_total', { ...ours, put_status: 'PUT_OK' }) === 1;
    let done = false;
    await waitUntil(() => {
      void retried().then((v) => (done = v));
      return done;
    }, 30_000);
    f = await scrape();
    assert.ok(sum(f, 'rocketmq_pop_revive_out_message_total', { ...ours, revive_message_type: 'CK' }) >= 1, 'the checkpoint was read back');
    assert.ok(sum(f, 'rocketmq_pop_revive_out_message_total', { ...ours, revive_message_type: 'ACK' }) >= 1, 'the ack was read back');
    const lag = f.get('rocketmq_pop_revive_lag_milliseconds')!;
    assert.deepEqual(lag.samples.map((s) => s.labels.queue_id), ['0', '1', '2', '3', '4', '5', '6', '7'], 'one series per revive queue (reviveQueueNum 8)');
    assert.ok(f.has('rocketmq_pop_revive_latency_milliseconds'));
  });
});
