import { strict as assert } from 'node:assert';
import { isSqlPullHit } from './sqlpull';

describe('bench sqlpull: the backlog\'s hits', () => {
  it('one message in `every` is a hit, and every queue of a round-robin fill gets its share', () => {
    const msgs = 20_000;
    for (const every of [10, 7]) {
      for (const queues of [8, 4, 7]) {
        const hits = new Array<number>(queues).fill(0);
        for (let i = 0; i < msgs; i++) if (isSqlPullHit(i, every)) hits[i % queues]!++;
        const total = hits.reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(total - msgs / every) <= msgs / every / 20, `${total} hits of ${msgs}, every ${every}`);
        const share = msgs / queues / every;
        for (let q = 0; q < queues; q++) assert.ok(Math.abs(hits[q]! - share) <= share / 5, `queue ${q} of ${queues}: ${hits[q]} hits, about ${share} expected (every ${every})`);
      }
    }
  });
});
