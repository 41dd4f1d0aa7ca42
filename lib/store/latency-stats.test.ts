import * as assert from 'node:assert/strict';
import { LatencyStats, LATENCY_ROLL_INTERVAL_MS, PERCENTILE_BUCKETS_MS } from './latency-stats';
import { MessageStore } from './message-store';
import { FaultIO } from './testing/fault-io';
import { makeRecord, testConfig } from './testing/records';

/** Java: StoreStatsService#setPutMessageEntireTimeMax, #findPutMessageEntireTimePX, #printTps, #getRuntimeInfo. */
describe('lib/store/latency-stats LatencyStats', () => {
  const T0 = 1_700_000_000_000;
  const clock = (): { t: number; now: () => number } => {
    const c = { t: T0, now: () => c.t };
    return c;
  };

  it('the percentile buckets are Java PUT_MESSAGE_ENTIRE_TIME_BUCKETS: 1..20 by 1, ..50 by 2, ..100 by 5, ..200 by 10, ..500 by 50, ..1000 by 100, ..10000 by 1000, then max', () => {
    assert.equal(PERCENTILE_BUCKETS_MS.length, 20 + 15 + 10 + 10 + 6 + 5 + 9 + 1);
    for (const v of [1, 20, 22, 50, 55, 100, 110, 200, 250, 500, 600, 1000, 2000, 10000]) assert.ok(PERCENTILE_BUCKETS_MS.includes(v), `${v}`);
    assert.equal(PERCENTILE_BUCKETS_MS[PERCENTILE_BUCKETS_MS.length - 2], 10000);
  });

  it('rule: before the first 60 s window ends, the distribution is null and the percentiles 0 (as Java prints them)', () => {
    const c = clock();
    const s = new LatencyStats(c.now);
    for (let i = 0; i < 10; i++) s.recordPut(3);
    assert.equal(s.distributeTimeText(), null);
    assert.equal(s.putLatencyPx(0.99), 0);
    assert.equal(s.putMessageEntireTimeMax, 3, 'the maximum is live, not windowed');
  });

  it('rule LATENCY_ROLL_INTERVAL_MS: after it, the last window shows Java\'s 13 counters with their bucket edges', () => {
    const c = clock();
    const s = new LatencyStats(c.now);
    for (const ms of [0, 0, 1, 9, 10, 49, 50, 99, 100, 199, 200, 499, 500, 999, 1000, 1999, 2000, 3000, 4000, 5000, 9999, 10000, 60000]) s.recordPut(ms);
    c.t = T0 + LATENCY_ROLL_INTERVAL_MS; // not more than the interval yet
    assert.equal(s.distributeTimeText(), null);
    c.t = T0 + LATENCY_ROLL_INTERVAL_MS + 1;
    assert.equal(
      s.distributeTimeText(),
      '[<=0ms]:2 [0~10ms]:2 [10~50ms]:2 [50~100ms]:2 [100~200ms]:2 [200~500ms]:2 [500ms~1s]:2 [1~2s]:2 [2~3s]:1 [3~4s]:1 [4~5s]:1 [5~10s]:2 [10s~]:2 ',
    );
    assert.equal(s.putMessageEntireTimeMax, 60000);
    s.recordPut(7); // counts in the next window, not the one shown
    assert.match(s.distributeTimeText()!, /^\[<=0ms\]:2 \[0~10ms\]:2 /);
  });

  it('putLatency99/999 interpolate inside the bucket as Java does', () => {
    const c = clock();
    const s = new LatencyStats(c.now);
    for (let i = 0; i < 100; i++) s.recordPut(0); // all in the first bucket (ceiling 1 ms)
    c.t += LATENCY_ROLL_INTERVAL_MS + 1;
    assert.equal(s.putLatencyPx(0.99).toFixed(2), '0.99'); // 1 * 99 / 100
    assert.equal(s.putLatencyPx(0.999).toFixed(2), '0.99'); // floor(99.9) = 99
    c.t += LATENCY_ROLL_INTERVAL_MS + 1;
    for (let i = 0; i < 98; i++) s.recordPut(0);
    s.recordPut(30); // bucket (28, 30]
    s.recordPut(30);
    c.t += LATENCY_ROLL_INTERVAL_MS + 1;
    // pxIndex 99: 98 passed in bucket 1, then empty buckets (pxIndex > pass + 0) up to the one ending at 30
    // whose lower edge is 28: 28 + (30 - 28) * 1 / 2 = 29
    assert.equal(s.putLatencyPx(0.99), 29);
  });

  it('idle for more than two windows: the last window is empty', () => {
    const c = clock();
    const s = new LatencyStats(c.now);
    s.recordPut(5);
    c.t += 3 * LATENCY_ROLL_INTERVAL_MS + 10;
    assert.match(s.distributeTimeText()!, /^\[<=0ms\]:0 \[0~10ms\]:0 /);
    assert.equal(s.putLatencyPx(0.99), 0);
    assert.equal(s.putMessageEntireTimeMax, 5);
  });

  it('getMessageEntireTimeMax keeps the largest read time', () => {
    const s = new LatencyStats(() => T0);
    s.recordGet(4);
    s.recordGet(2);
    assert.equal(s.getMessageEntireTimeMax, 4);
  });

  it('the store times every put to its completion and every read (Java DefaultMessageStore#asyncPutMessage, #getMessage)', async () => {
    const c = clock();
    const store = await MessageStore.open(testConfig('/s', {}), { io: new FaultIO(), clock: c });
    for (let i = 0; i < 5; i++) await store.putMessage(makeRecord({ topic: 'Lat', body: `b${i}` }));
    await store.getMessage('Lat', 0, 0, 5);
    c.t += LATENCY_ROLL_INTERVAL_MS + 1;
    assert.match(store.latency.distributeTimeText()!, /^\[<=0ms\]:5 /, 'the fake clock does not move during a put: 0 ms each');
    assert.equal(store.latency.putLatencyPx(0.99).toFixed(2), '0.80'); // floor(4.95) = 4 of 5 in the first bucket
    await store.shutdown();
  });
});
