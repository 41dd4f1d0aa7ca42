import { strict as assert } from 'node:assert';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { decodeMessages, decodeRecallHandle, encodeRecallHandle, PullSysFlag, type MessageView } from '../../../protocol/message';
import { BrokerHarness } from './testing/harness';

/**
 * RECALL_MESSAGE (370) over real sockets (Java: RecallMessageProcessor, SendMessageProcessor#attachRecallHandle,
 * TimerMessageStore's delete units): a timer send answers with a recall handle; recalling it keeps the message from
 * its topic while a timer sent alongside is delivered; every refusal has Java's code and remark.
 */
describe('lib/broker/processors/recall RECALL_MESSAGE', function () {
  this.timeout(30_000);
  let h: BrokerHarness;
  const T = 'RecallT';

  afterEach(async () => {
    await h.close();
  });

  const start = (recallMessageEnable = true): Promise<BrokerHarness> => BrokerHarness.start({ config: { recallMessageEnable }, store: { timerPrecisionMs: 100 } });
  const recall = (topic: string, recallHandle: string | undefined): ReturnType<BrokerHarness['call']> =>
    h.call(RequestCode.RECALL_MESSAGE, { producerGroup: 'PG_TEST', topic, recallHandle });

  async function pullAll(topic: string): Promise<MessageView[]> {
    const p = await h.call(RequestCode.PULL_MESSAGE, { consumerGroup: 'g', topic, queueId: 0, queueOffset: 0, maxMsgNums: 32, sysFlag: PullSysFlag.FLAG_SUBSCRIPTION, commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 0, expressionType: 'TAG' });
    return p.code === ResponseCode.SUCCESS ? decodeMessages(p.body!) : [];
  }

  it('rule: a timer send answers with a recall handle; a recalled timer is never delivered, one sent alongside is', async () => {
    h = await start();
    const plain = await h.send(T, 'plain');
    assert.equal(plain.code, ResponseCode.SUCCESS, plain.remark ?? '');
    assert.equal(plain.extFields!.get('recallHandle'), undefined, 'no handle for a message that is not a timer');
    const doomed = await h.send(T, 'recalled', { TIMER_DELAY_MS: '1500' });
    assert.equal(doomed.code, ResponseCode.SUCCESS, doomed.remark ?? '');
    const handle = doomed.extFields!.get('recallHandle')!;
    const d = decodeRecallHandle(handle);
    assert.ok(d.ok, handle);
    assert.equal(d.value.topic, T);
    assert.equal(d.value.brokerName, 'broker-a');
    assert.equal(d.value.messageId, doomed.extFields!.get('transactionId'), 'the message id the client knows (UNIQ_KEY)');
    assert.equal(Number(d.value.timestampStr) % 100, 1, 'TIMER_OUT_MS (a slot boundary) + 1, as Java');
    const kept = await h.send(T, 'kept', { TIMER_DELAY_MS: '1800' });
    assert.equal(kept.code, ResponseCode.SUCCESS);

    const r = await recall(T, handle);
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    assert.equal(r.extFields!.get('msgId'), d.value.messageId);
    assert.equal(r.extFields!.get('MSG_REGION'), 'DefaultRegion');

    let got: MessageView[] = [];
    while (!got.some((m) => Buffer.from(m.body).toString() === 'kept')) {
      await new Promise((res) => setTimeout(res, 200));
      got = await pullAll(T);
    }
    await new Promise((res) => setTimeout(res, 500)); // a slot or more after 'kept': 'recalled' (earlier) is not coming
    got = await pullAll(T);
    assert.deepEqual(got.map((m) => Buffer.from(m.body).toString()), ['plain', 'kept']);
  });

  it("bad input: each refusal has Java's code and remark, in Java's order", async () => {
    h = await start();
    await h.send(T, 'x');
    await h.send('Other', 'x');
    const future = String(Date.now() + 60_000);
    const good = encodeRecallHandle({ topic: T, brokerName: 'broker-a', timestampStr: future, messageId: 'ID' });
    const cases: [string, string | undefined, number, string][] = [
      ['NoSuchTopic', good, ResponseCode.TOPIC_NOT_EXIST, 'recall failed, the topic[NoSuchTopic] not exist'],
      [T, 'not base64!', ResponseCode.ILLEGAL_OPERATION, 'recall handle is invalid'],
      ['Other', good, ResponseCode.ILLEGAL_OPERATION, 'recall failed, topic not match'],
      [T, encodeRecallHandle({ topic: T, brokerName: 'broker-b', timestampStr: future, messageId: 'ID' }), ResponseCode.ILLEGAL_OPERATION, 'recall failed, broker service not available'],
      [T, encodeRecallHandle({ topic: T, brokerName: 'broker-a', timestampStr: String(Date.now() - 1), messageId: 'ID' }), ResponseCode.ILLEGAL_OPERATION, 'recall failed, timestamp invalid'],
      [T, encodeRecallHandle({ topic: T, brokerName: 'broker-a', timestampStr: 'soon', messageId: 'ID' }), ResponseCode.ILLEGAL_OPERATION, 'recall failed, timestamp invalid'],
      [T, encodeRecallHandle({ topic: T, brokerName: 'broker-a', timestampStr: String(Date.now() + 3 * 86_400_000 + 60_000), messageId: 'ID' }), ResponseCode.ILLEGAL_OPERATION, 'recall failed, timestamp invalid'],
    ];
    for (const [topic, handle, code, remark] of cases) {
      const r = await recall(topic, handle);
      assert.deepEqual([r.code, r.remark], [code, remark], `${topic} ${handle}`);
    }
    const missing = await recall(T, undefined);
    assert.equal(missing.code, ResponseCode.SYSTEM_ERROR, 'no recallHandle: the header does not decode');
    assert.match(missing.remark ?? '', /recallHandle/);
    // A handle naming no pending message succeeds, as in Java (the marker cancels nothing).
    assert.equal((await recall(T, good)).code, ResponseCode.SUCCESS);
  });

  it('rule: recallMessageEnable=false (Java default) answers NO_PERMISSION "recall failed, operation is forbidden"', async () => {
    h = await start(false);
    const r = await recall(T, 'anything');
    assert.deepEqual([r.code, r.remark], [ResponseCode.NO_PERMISSION, 'recall failed, operation is forbidden']);
  });

  it('rule: a broker that forbids writes still recalls (allowRecallWhenBrokerNotWriteable=true), else SERVICE_NOT_AVAILABLE', async () => {
    h = await BrokerHarness.start({ config: { recallMessageEnable: true, brokerPermission: 4, allowRecallWhenBrokerNotWriteable: false } });
    const r = await recall(T, 'anything');
    assert.deepEqual([r.code, r.remark], [ResponseCode.SERVICE_NOT_AVAILABLE, 'recall failed, broker service not available']);
  });
});
