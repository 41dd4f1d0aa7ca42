import { strict as assert } from 'node:assert';
import { normalizePrecisionMs, timerOutMs } from './timer-config';

/** Java's arithmetic of timer times (HookUtils#transformTimerMessage, MessageStoreConfig#setTimerPrecisionMs). */
describe('lib/timer times', () => {
  it('rule: TIMER_OUT_MS is the time rounded down to the precision; an exact multiple is one tick earlier', () => {
    assert.equal(timerOutMs(1_700_000_001_234, 1000), 1_700_000_001_000);
    assert.equal(timerOutMs(1_700_000_001_000, 1000), 1_700_000_000_000);
    assert.equal(timerOutMs(1_700_000_001_050, 100), 1_700_000_001_000);
  });

  it('rule: timerPrecisionMs is rounded down to 100, 200, 500 or 1000', () => {
    assert.deepEqual([1, 100, 150, 200, 499, 500, 999, 1000, 5000].map(normalizePrecisionMs), [100, 100, 100, 200, 200, 500, 500, 1000, 1000]);
  });
});
