import { strict as assert } from 'node:assert';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { decodeMessages, MessageConst, stringifyProperties } from '../../../protocol/message';
import type { RemotingCommand } from '../../../protocol/command';
import { BrokerHarness } from '../processors/testing/harness';

/**
 * Where a POP message goes after its retries, as Java 5.5.0 does it. The broker's revive never sends to the DLQ:
 * PopReviveService#reviveRetry puts every un-acked message in the POP retry topic with reconsumeTimes + 1, whatever
 * the count (no maxReconsumeTimes check). The DLQ is the consumer side's decision: the 5.x proxy sends
 * CONSUMER_SEND_MSG_BACK with the message's commit log offset, delayLevel -1 and maxReconsumeTimes 0, then acks
 * (ProducerProcessor#forwardMessageToDeadLetterQueue); the 5.5.0 remoting push consumer in POP mode acks or delays
 * instead (ConsumeMessagePopConcurrentlyService#checkNeedAckOrDelay). Apogee does the same.
 */
describe('lib/broker/pop retries and the DLQ (in-process broker)', function () {
  this.timeout(60_000);
  let h: BrokerHarness;

  before(async () => {
    h = await BrokerHarness.start({ config: { reviveInterval: 200 } });
  });
  after(async () => {
    await h.close();
  });

  const pop = (topic: string, group: string, invisibleTime: number): Promise<RemotingCommand> =>
    h.call(RequestCode.POP_MESSAGE, { consumerGroup: group, topic, queueId: -1, maxMsgNums: 32, invisibleTime, pollTime: 0, bornTime: Date.now(), initMode: 0, order: false });
  const sendWithReconsumeTimes = (topic: string, body: string, reconsumeTimes: number): Promise<RemotingCommand> =>
    h.call(
      RequestCode.SEND_MESSAGE,
      { producerGroup: 'PG_TEST', topic, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 0, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: stringifyProperties([['WAIT', 'true']]), reconsumeTimes },
      Buffer.from(body),
    );

  it('revive of a message already at maxReconsumeTimes (16) still goes to the POP retry topic, not %DLQ% (Java reviveRetry)', async () => {
    const topic = 'PopDlqT1';
    const group = 'PopDlqG1';
    assert.equal((await sendWithReconsumeTimes(topic, 'tired', 16)).code, ResponseCode.SUCCESS);
    const r = await pop(topic, group, 1000);
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    assert.equal(decodeMessages(r.body!)[0]!.reconsumeTimes, 16);
    let back: RemotingCommand | undefined;
    for (let t = 0; t < 40 && back === undefined; t++) {
      const p = await pop(topic, group, 60_000);
      if (p.code === ResponseCode.SUCCESS) back = p;
      else await new Promise((res) => setTimeout(res, 500));
    }
    assert.ok(back !== undefined, 'revived');
    const m = decodeMessages(back.body!)[0]!;
    assert.equal(m.reconsumeTimes, 17);
    assert.match(m.properties.get(MessageConst.PROPERTY_POP_CK)!, / 1 broker-a /, 'from %RETRY%<group>_<topic>');
    assert.equal(h.broker.ctx.topics.get(`%DLQ%${group}`), undefined, 'the broker made no DLQ');
  });

  it('the proxy\'s DLQ path: CONSUMER_SEND_MSG_BACK (commit log offset, delayLevel -1) puts the popped message in %DLQ%<group>', async () => {
    const topic = 'PopDlqT2';
    const group = 'PopDlqG2';
    assert.equal((await h.send(topic, 'to-dlq', {}, 0)).code, ResponseCode.SUCCESS);
    const r = await pop(topic, group, 60_000);
    const m = decodeMessages(r.body!)[0]!;
    const back = await h.call(RequestCode.CONSUMER_SEND_MSG_BACK, { offset: m.commitLogOffset, group, delayLevel: -1, originMsgId: m.msgId, originTopic: topic, maxReconsumeTimes: 0 });
    assert.equal(back.code, ResponseCode.SUCCESS, back.remark ?? '');
    const dlq = `%DLQ%${group}`;
    assert.ok(h.broker.ctx.topics.get(dlq) !== undefined, 'the DLQ topic was created');
    const got = await h.broker.ctx.store.getMessage(dlq, 0, 0, 1);
    assert.equal(got?.messages.length, 1);
    const d = decodeMessages(got!.messages[0]!)[0]!;
    assert.equal(d.body.toString(), 'to-dlq');
    assert.equal(d.properties.get(MessageConst.PROPERTY_RETRY_TOPIC), topic);
  });
});
