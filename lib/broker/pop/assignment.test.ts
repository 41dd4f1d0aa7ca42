import { strict as assert } from 'node:assert';
import { allocate4Pop, allocateAveragely, allocateByCircle } from './assignment';

/**
 * Server-side allocation (Java: AllocateMessageQueueAveragely, AllocateMessageQueueAveragelyByCircle and
 * QueryAssignmentProcessor#allocate4Pop).
 */
describe('lib/broker/pop/assignment allocation', () => {
  const mqs = [0, 1, 2, 3, 4].map((queueId) => ({ topic: 'T', brokerName: 'b', queueId }));
  const ids = (l: { queueId: number }[]): number[] => l.map((q) => q.queueId);

  it('AVG: contiguous ranges, the first (mq % cids) clients one more', () => {
    assert.deepEqual(ids(allocateAveragely(mqs, ['c0', 'c1'], 'c0')), [0, 1, 2]);
    assert.deepEqual(ids(allocateAveragely(mqs, ['c0', 'c1'], 'c1')), [3, 4]);
    assert.deepEqual(ids(allocateAveragely(mqs, ['c0', 'c1'], 'cX')), []);
  });

  it('AVG_BY_CIRCLE: every n-th queue', () => {
    assert.deepEqual(ids(allocateByCircle(mqs, ['c0', 'c1'], 'c1')), [1, 3]);
  });

  it('POP with popShareQueueNum <= 0: one queue per broker with queueId -1 (pop every queue)', () => {
    assert.deepEqual(allocate4Pop(allocateAveragely, mqs, ['c0', 'c1'], 'c0', 0), [{ topic: 'T', brokerName: 'b', queueId: -1 }]);
    assert.deepEqual(allocate4Pop(allocateAveragely, mqs, ['c0', 'c1'], 'c1', -1), [{ topic: 'T', brokerName: 'b', queueId: -1 }]);
  });

  it('POP with popShareQueueNum 1 among 3 clients: its own queues plus the next client\'s', () => {
    assert.deepEqual(ids(allocate4Pop(allocateAveragely, mqs, ['c0', 'c1', 'c2'], 'c0', 1)), [0, 1, 2, 3]);
  });
});
