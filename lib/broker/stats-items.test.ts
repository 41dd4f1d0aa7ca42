import { strict as assert } from 'node:assert';
import { StatsItems, TOPIC_PUT_NUMS } from './stats-items';

/** Java: common/stats/StatsItem.java (#samplingInSeconds / InMinutes / InHour, #computeStatsData). */
describe('lib/broker/stats-items StatsItems', () => {
  const T0 = 1_700_000_000_000;

  it('an item that was never added to does not exist (VIEW_BROKER_STATS_DATA answers "not exist")', () => {
    const s = new StatsItems(10, T0);
    assert.equal(s.get(TOPIC_PUT_NUMS, 'T'), undefined);
  });

  it('the minute view: a zero snapshot one period back, then every 10 s, 7 kept (sum, tps, avgpt as Java)', () => {
    const s = new StatsItems(10, T0);
    s.add(TOPIC_PUT_NUMS, 'T', 4, 2);
    assert.deepEqual(s.get(TOPIC_PUT_NUMS, 'T')!.minute, { sum: 0, tps: 0, avgpt: 0 }, 'no snapshot yet');
    s.sample(T0);
    assert.deepEqual(s.get(TOPIC_PUT_NUMS, 'T')!.minute, { sum: 4, tps: 0.4, avgpt: 2 });
    for (let i = 1; i <= 7; i++) {
      s.add(TOPIC_PUT_NUMS, 'T', 10);
      s.sample(T0 + i * 10_000);
    }
    // 7 kept: the first kept one is the snapshot at T0 + 10 s (value 14), the last at T0 + 70 s (value 74)
    assert.deepEqual(s.get(TOPIC_PUT_NUMS, 'T')!.minute, { sum: 60, tps: 1, avgpt: 10 });
    assert.equal(s.get(TOPIC_PUT_NUMS, 'T')!.hour.sum, 4, 'the hour view was sampled once, at T0');
  });

  it('rule itemsMax: beyond it new keys are not counted; existing ones still are', () => {
    const s = new StatsItems(2, T0);
    s.add(TOPIC_PUT_NUMS, 'A', 1);
    s.add(TOPIC_PUT_NUMS, 'B', 1);
    s.add(TOPIC_PUT_NUMS, 'C', 1);
    s.add(TOPIC_PUT_NUMS, 'A', 1);
    s.sample(T0);
    assert.equal(s.get(TOPIC_PUT_NUMS, 'C'), undefined);
    assert.equal(s.get(TOPIC_PUT_NUMS, 'A')!.minute.sum, 2);
  });
});
