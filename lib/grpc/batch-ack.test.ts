import { strict as assert } from 'node:assert';
import { bitSetIndexes, parseBatchAckBody } from '../broker/pop/ack';
import { decodeReceiptHandle, type ReceiptHandle } from './convert';
import { BATCH_ACK_SPAN_MAX, bitSetBytes, planBatchAck } from './batch-ack';

describe('grpc/batch-ack: AckMessage entries as BATCH_ACK_MESSAGE bodies (Java BatchAckMessageRequestBody)', () => {
  const h = (s: string): ReceiptHandle => decodeReceiptHandle(s)!;

  it('bitSetBytes is java.util.BitSet#toByteArray (the broker reads it back)', () => {
    assert.deepEqual([...bitSetBytes([0, 3, 9])], [0b1001, 0b10]);
    assert.deepEqual(bitSetIndexes(bitSetBytes([0, 3, 9, 64]).toString('base64')), [0, 3, 9, 64]);
    assert.equal(bitSetBytes([]).length, 0);
  });

  it('one body per broker, one BatchAck per checkpoint (retry, queue, start, popTime, invisible, revive queue), read back by the broker parser', () => {
    const plan = planBatchAck('G', 'T', [
      h('10 100 5000 2 0 b 1 10 1'), h('10 100 5000 2 0 b 1 12 1'), h('20 100 5000 2 0 b 3 21 1'), h('5 100 5000 2 1 b 1 5 1'), h('7 100 5000 2 0 c 0 7 1'),
    ]);
    assert.deepEqual(plan.single, [4], "broker c's only entry goes alone");
    assert.deepEqual([...plan.batches.keys()], ['b']);
    assert.deepEqual(plan.batches.get('b')!.indexes, [0, 1, 2, 3]);
    const body = parseBatchAckBody(plan.batches.get('b')!.body)!;
    assert.equal(body.brokerName, 'b');
    assert.deepEqual(body.acks.map((a) => [a.consumerGroup, a.topic, a.retry, a.queueId, a.startOffset, a.popTime, a.invisibleTime, a.reviveQueueId, a.bits]), [
      ['G', 'T', '0', 1, 10, 100, 5000, 2, [0, 2]],
      ['G', 'T', '0', 3, 20, 100, 5000, 2, [1]],
      ['G', 'T', '1', 1, 5, 100, 5000, 2, [0]],
    ]);
  });

  it('unreadable, orderly (revive queue 999), before-checkpoint and over-BATCH_ACK_SPAN_MAX entries, and a broker\'s only entry, are acked one by one', () => {
    const plan = planBatchAck('G', 'T', [undefined, h('10 100 5000 999 0 b 1 10 1'), h('10 100 5000 2 0 b 1 9 1'), h(`0 100 5000 2 0 b 1 ${BATCH_ACK_SPAN_MAX + 1} 1`), h(`0 100 5000 2 0 b 1 ${BATCH_ACK_SPAN_MAX} 1`), h('0 100 5000 2 0 b 1 3 1'), h('0 100 5000 2 0 c 1 3 1')]);
    assert.deepEqual(plan.single, [0, 1, 2, 3, 6], "and broker c's only entry");
    assert.deepEqual([...plan.batches.keys()], ['b']);
    assert.deepEqual(plan.batches.get('b')!.indexes, [4, 5]);
  });
});
