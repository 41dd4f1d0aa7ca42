import { strict as assert } from 'node:assert';
import { LoopDelayMonitor } from './loop-delay';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function block(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    /* hold the event loop */
  }
}

/**
 * Rule: a blocked event loop shows in the monitor's max (recent window and since start); the since-start numbers
 * keep it after the recent window moved on. Only lower bounds are asserted (the block itself causes them).
 */
describe('lib/common/loop-delay', () => {
  it('a 120 ms block is seen in stats() and sinceStart(), and stays in sinceStart() after the window moved on', async function () {
    this.timeout(10_000);
    const m = new LoopDelayMonitor({ resolutionMs: 5, windowMs: 200, sliceMs: 50 });
    try {
      await sleep(30);
      block(120);
      await sleep(30);
      const recent = m.stats();
      assert.ok(recent.maxMs >= 60, `max ${recent.maxMs} ms after a 120 ms block`);
      assert.ok(recent.p99Ms <= recent.maxMs && recent.samples > 0);
      // Well past windowMs: the since-start numbers keep the block; the recent window spans at most windowMs.
      // (No upper bound on the recent max: this machine may stall on its own.)
      await sleep(400);
      assert.ok(m.sinceStart().maxMs >= 60);
      assert.ok(m.stats().windowMs <= 200);
    } finally {
      m.stop();
    }
  });
});
