import { strict as assert } from 'node:assert';
import { getProperty, MessageConst } from '../../../protocol/message';
import { bitSetIndexes } from './ack';
import { ackJson, ackMessage, checkPointJson, ckMessage, ckUniqueId, indexOfAck, parseAck, parseCheckPoint, type PopCheckPoint } from './records';

/**
 * The revive-topic records in fastjson's form (Java: PopCheckPoint, AckMsg, BatchAckMsg with @JSONField names,
 * fields sorted, nulls left out, getReviveTime() serialized) and the message around them (tags, TIMER_DELIVER_MS,
 * UNIQ_KEY as PopMessageProcessor#buildCkMsg / AckMessageProcessor#appendAck).
 */
describe('lib/broker/pop/records', () => {
  const ck: PopCheckPoint = {
    startOffset: 5,
    popTime: 1700000000000,
    invisibleTime: 60000,
    bitMap: 0,
    num: 2,
    queueId: 1,
    topic: 'T',
    cid: 'G',
    reviveOffset: 0,
    queueOffsetDiff: [0, 2],
    brokerName: 'broker-a',
  };
  const host = { ip: new Uint8Array([127, 0, 0, 1]), port: 10911 };

  it('a checkpoint is fastjson JSON: keys sorted by JSON name, reviveTime = popTime + invisibleTime, no null rp', () => {
    assert.equal(
      checkPointJson(ck),
      '{"bm":0,"bn":"broker-a","c":"G","d":[0,2],"it":60000,"n":2,"pt":1700000000000,"q":1,"reviveTime":1700000060000,"ro":0,"so":5,"sp":false,"t":"T"}',
    );
    assert.deepEqual(parseCheckPoint(checkPointJson(ck)), ck);
  });

  it('an ack and a batch ack (ao -1, aol) are fastjson JSON; the long alternate names parse too', () => {
    const a = { ackOffset: 7, startOffset: 5, consumerGroup: 'G', topic: 'T', queueId: 1, popTime: 1700000000000, brokerName: 'broker-a' };
    assert.equal(ackJson(a), '{"ao":7,"bn":"broker-a","c":"G","pt":1700000000000,"q":1,"so":5,"t":"T"}');
    assert.equal(ackJson({ ...a, ackOffset: -1, ackOffsetList: [5, 7] }), '{"ao":-1,"aol":[5,7],"bn":"broker-a","c":"G","pt":1700000000000,"q":1,"so":5,"t":"T"}');
    assert.deepEqual(parseAck('{"ackOffset":7,"startOffset":5,"consumerGroup":"G","topic":"T","queueId":1,"popTime":1700000000000,"brokerName":"broker-a"}'), a);
    assert.equal(parseAck('not json'), undefined);
  });

  // Captured from Apache RocketMQ 5.5.0 (broker + client 5.5.0, PopConsumeTest#reconsumeLaterComesBack, revive
  // records read from its commit log: rmq_sys_wheel_timer with REAL_TOPIC=rmq_sys_REVIVE_LOG_DefaultCluster) by
  // `node dist/compat-tests/runner/pop-capture.js` (compat-tests/runner/pop-capture.ts).
  const JAVA_CK = '{"bm":0,"bn":"broker-a","c":"cg_pop_retry_5w5jz330_5","d":[0],"it":10000,"n":1,"pt":1796356341186,"q":1,"reviveTime":1796356351186,"ro":0,"so":0,"sp":false,"t":"pop_retry_5w5jz330_4"}';
  const JAVA_CK_UNIQ = 'pop_retry_5w5jz330_4@1@0@cg_pop_retry_5w5jz330_5@1796356341186@broker-a@ck';
  const JAVA_CK_DELIVER_MS = '1796356350186';
  const JAVA_ACK = '{"ao":0,"bn":"broker-a","c":"cg_pop_retry_5w5jz330_5","pt":1796356353235,"q":0,"so":0,"t":"%RETRY%cg_pop_retry_5w5jz330_5_pop_retry_5w5jz330_4"}';
  const JAVA_ACK_UNIQ = '%RETRY%cg_pop_retry_5w5jz330_5_pop_retry_5w5jz330_4@0@0@cg_pop_retry_5w5jz330_5@1796356353235@broker-a@ack';
  const JAVA_ACK_DELIVER_MS = '1796356413235'; // its checkpoint's popTime + invisibleTime 60000

  it('Java 5.5.0 records: parsed and written back byte for byte, with the same UNIQ_KEY and TIMER_DELIVER_MS', () => {
    const c = parseCheckPoint(JAVA_CK)!;
    assert.equal(checkPointJson(c), JAVA_CK);
    const cm = ckMessage('rmq_sys_REVIVE_LOG_DefaultCluster', 0, c, host, 1).properties();
    assert.equal(getProperty(cm, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX), JAVA_CK_UNIQ);
    assert.equal(getProperty(cm, MessageConst.PROPERTY_TIMER_DELIVER_MS), JAVA_CK_DELIVER_MS);
    const a = parseAck(JAVA_ACK)!;
    assert.equal(ackJson(a), JAVA_ACK);
    const am = ackMessage('rmq_sys_REVIVE_LOG_DefaultCluster', 2, a, 60000, host, 1).properties();
    assert.equal(getProperty(am, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX), JAVA_ACK_UNIQ);
    assert.equal(getProperty(am, MessageConst.PROPERTY_TIMER_DELIVER_MS), JAVA_ACK_DELIVER_MS);
  });

  it('indexOfAck uses the diff list (Java PopCheckPoint#indexOfAck)', () => {
    assert.equal(indexOfAck(ck, 5), 0);
    assert.equal(indexOfAck(ck, 7), 1);
    assert.equal(indexOfAck(ck, 6), -1);
    assert.equal(indexOfAck(ck, 4), -1);
    assert.equal(indexOfAck({ ...ck, queueOffsetDiff: undefined }, 6), 1);
  });

  it('the ck message: tag ck, due 1 s (ackTimeInterval) before the revive time, UNIQ_KEY genCkUniqueId', () => {
    const m = ckMessage('rmq_sys_REVIVE_LOG_C', 3, ck, host, 1);
    assert.equal(m.topic, 'rmq_sys_REVIVE_LOG_C');
    assert.equal(m.queueId, 3);
    const p = m.properties();
    assert.equal(getProperty(p, MessageConst.PROPERTY_TAGS), 'ck');
    assert.equal(getProperty(p, MessageConst.PROPERTY_TIMER_DELIVER_MS), String(1700000060000 - 1000));
    assert.equal(getProperty(p, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX), 'T@1@5@G@1700000000000@broker-a@ck');
    assert.equal(ckUniqueId(ck), 'T@1@5@G@1700000000000@broker-a@ck');
  });

  it('the ack message: tag ack (bAck for a batch), due at popTime + invisibleTime, UNIQ_KEY genAckUniqueId', () => {
    const a = { ackOffset: 7, startOffset: 5, consumerGroup: 'G', topic: 'T', queueId: 1, popTime: 100, brokerName: 'b' };
    const p = ackMessage('R', 0, a, 5000, host, 1).properties();
    assert.equal(getProperty(p, MessageConst.PROPERTY_TAGS), 'ack');
    assert.equal(getProperty(p, MessageConst.PROPERTY_TIMER_DELIVER_MS), '5100');
    assert.equal(getProperty(p, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX), 'T@1@7@G@100@b@ack');
    const b = ackMessage('R', 0, { ...a, ackOffset: -1, ackOffsetList: [5] }, 5000, host, 1).properties();
    assert.equal(getProperty(b, MessageConst.PROPERTY_TAGS), 'bAck');
    // Java appendAck sets UNIQ_KEY to genBatchAckUniqueId, then again to genAckUniqueId: the second stays.
    assert.equal(getProperty(b, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX), 'T@1@-1@G@100@b@ack');
  });

  it('BatchAck bitSet: java.util.BitSet#toByteArray in base64 (fastjson byte[]), little-endian bits', () => {
    // BitSet {0, 2, 9}: bytes [0b00000101, 0b00000010] -> "BQI="
    assert.deepEqual(bitSetIndexes('BQI='), [0, 2, 9]);
    assert.deepEqual(bitSetIndexes(''), []);
  });
});
