import { strict as assert } from 'node:assert';
import { appendMsgOffsetInfo, appendStartOffsetInfo, buildExtraInfo, parseExtraInfo, parseNormalTopic, popRetryTopic, realTopic, retryMark } from './pop-extra-info';

/**
 * ExtraInfoUtil's strings (Java: remoting/.../header/ExtraInfoUtil.java) and KeyBuilder's POP retry topics. The
 * examples are what the 5.5.0 client parses: MQClientAPIImpl#processPopResponse splits startOffsetInfo and
 * msgOffsetInfo on ";" and " ", and DefaultMQPushConsumerImpl#ackAsync sends POP_CK back as extraInfo.
 */
describe('protocol/message/pop-extra-info', () => {
  it('retry topics: v1 %RETRY%<group>_<topic> (Java default), v2 %RETRY%<group>+<topic>, marks 0/1/2', () => {
    assert.equal(popRetryTopic('T', 'G', false), '%RETRY%G_T');
    assert.equal(popRetryTopic('T', 'G', true), '%RETRY%G+T');
    assert.equal(retryMark('T'), '0');
    assert.equal(retryMark('%RETRY%G_T'), '1');
    assert.equal(retryMark('%RETRY%G+T'), '2');
    assert.equal(parseNormalTopic('%RETRY%G_T', 'G'), 'T');
    assert.equal(parseNormalTopic('%RETRY%G+T', 'G'), 'T');
    assert.equal(realTopic('T', 'G', '1'), '%RETRY%G_T');
    assert.equal(realTopic('T', 'G', 'x'), undefined);
  });

  it('extraInfo: "ck popTime invisible reviveQid retry broker queueId[ msgOffset]" and back', () => {
    const s = buildExtraInfo(5, 1700000000000, 60000, 3, '%RETRY%G_T', 'broker-a', 0, 7);
    assert.equal(s, '5 1700000000000 60000 3 1 broker-a 0 7');
    const p = parseExtraInfo(s);
    assert.ok(p.ok);
    assert.deepEqual(p.value, { ckQueueOffset: 5, popTime: 1700000000000, invisibleTime: 60000, reviveQid: 3, retry: '1', brokerName: 'broker-a', queueId: 0, msgQueueOffset: 7 });
    assert.equal(buildExtraInfo(5, 1, 2, 0, 'T', 'b', 1), '5 1 2 0 0 b 1');
  });

  it('a malformed extraInfo is an error naming the field, never an exception', () => {
    for (const bad of ['', 'x 1 2 3 0 b 0', '1 2 3', '1 2 3 4 0 b q']) {
      const p = parseExtraInfo(bad);
      assert.equal(p.ok, false, bad);
    }
  });

  it('startOffsetInfo and msgOffsetInfo: ";"-joined "retry queueId offset(s)"', () => {
    let so = appendStartOffsetInfo('', 'T', 0, 5);
    so = appendStartOffsetInfo(so, '%RETRY%G_T', 0, 2);
    assert.equal(so, '0 0 5;1 0 2');
    let mo = appendMsgOffsetInfo('', 'T', 0, [5, 6, 8]);
    mo = appendMsgOffsetInfo(mo, '%RETRY%G_T', 0, [2]);
    assert.equal(mo, '0 0 5,6,8;1 0 2');
  });
});
