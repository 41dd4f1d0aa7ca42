import { strict as assert } from 'node:assert';
import { DelayBuckets, lateMs, LoopDelayMonitor } from './loop-delay';

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
    // A window of 1 s: a loaded machine may stall the 30 ms sleep after the block for a few hundred ms (seen once with
    // a 200 ms window: the block had already left it).
    const m = new LoopDelayMonitor({ resolutionMs: 5, windowMs: 1000, sliceMs: 100 });
    try {
      await sleep(30);
      block(120);
      await sleep(30);
      const recent = m.stats();
      assert.ok(recent.maxMs >= 60, `max ${recent.maxMs} ms after a 120 ms block`);
      assert.ok(recent.p99Ms <= recent.maxMs && recent.samples > 0);
      // Well past windowMs: the since-start numbers keep the block; the recent window spans at most windowMs.
      // (No upper bound on the recent max: this machine may stall on its own.)
      await sleep(1300);
      assert.ok(m.sinceStart().maxMs >= 60);
      assert.ok(m.stats().windowMs <= 1000);
    } finally {
      m.stop();
    }
  });

  it('an idle loop reads near 0, not the sampling period (the histogram records tick intervals)', async function () {
    this.timeout(10_000);
    // Resolution 20 ms: raw tick intervals are never below ~20 ms, so a median under half of it can only come from
    // taking the period off. Half a period of slack leaves room for a busy machine's late ticks.
    const m = new LoopDelayMonitor({ resolutionMs: 20, windowMs: 5000, sliceMs: 1000 });
    try {
      await sleep(600);
      const s = m.stats();
      assert.ok(s.samples >= 10, `${s.samples} samples in 600 ms`);
      assert.ok(s.p50Ms < 10, `idle p50 ${s.p50Ms} ms with a 20 ms sampling period`);
      assert.ok(s.meanMs >= 0 && s.p50Ms >= 0);
    } finally {
      m.stop();
    }
  });

  it('reader(): each reader has its own window since its previous take(); a block shows in the next take of every reader', async function () {
    this.timeout(10_000);
    const m = new LoopDelayMonitor({ resolutionMs: 5, windowMs: 1000, sliceMs: 100 });
    const a = m.reader();
    const b = m.reader();
    try {
      await sleep(30);
      block(120);
      await sleep(250);
      const first = a.take();
      assert.ok(first.maxMs >= 60, `reader a: max ${first.maxMs} ms after a 120 ms block`);
      assert.ok(first.p99Ms <= first.maxMs && first.samples > 0);
      const again = a.take();
      assert.ok(again.samples < first.samples, `a new window: ${again.samples} samples after ${first.samples}`);
      assert.ok(b.take().maxMs >= 60, 'reader b did not take yet: it still sees the block');
    } finally {
      a.close();
      b.close();
      m.stop();
    }
  });

  it('lateMs: interval less the period, never negative', () => {
    assert.equal(lateMs(25, 10), 15);
    assert.equal(lateMs(10, 10), 0);
    assert.equal(lateMs(9.5, 10), 0);
  });

  it('DelayBuckets: percentiles are bucket tops within 5% (0.05 ms below 1 ms), never above the max; merge adds up exactly', () => {
    const a = new DelayBuckets();
    const values: number[] = [];
    for (let i = 0; i < 1000; i++) values.push(i < 500 ? i * 0.0017 : 1 + ((i - 500) ** 2) / 50);
    const b = new DelayBuckets();
    values.forEach((v, i) => (i % 3 === 0 ? a : b).add(v));
    a.merge(b);
    const sorted = [...values].sort((x, y) => x - y);
    for (const p of [1, 50, 90, 99, 99.9, 100]) {
      const exact = sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
      const got = a.percentile(p);
      assert.ok(got >= exact && got <= Math.max(exact * 1.05, exact + 0.05), `p${p}: ${got} for ${exact}`);
    }
    assert.equal(a.samples, 1000);
    assert.equal(a.maxMs, sorted[999]);
    assert.ok(Math.abs(a.sumMs - values.reduce((x, y) => x + y, 0)) < 1e-6);
    assert.equal(a.percentile(100), a.maxMs);
    assert.equal(new DelayBuckets().percentile(99), 0);
    const big = new DelayBuckets();
    big.add(200_000);
    assert.equal(big.percentile(50), 200_000, 'past the last bucket: the max');
  });

  it('rule: a delay is recorded by the tick that ends it, whatever ran before it; slices leave the window; readers keep their own windows (manual clock)', () => {
    let t = 0;
    const m = new LoopDelayMonitor({ resolutionMs: 10, windowMs: 300, sliceMs: 100, manual: true, now: () => t });
    const r = m.reader();
    const tick = (dt: number): void => {
      t += dt;
      m.sampleAt(t);
    };
    for (let i = 0; i < 9; i++) tick(10);
    tick(150); // a 140 ms block ends exactly as the slice closes: the same tick records it and rotates
    assert.equal(m.stats().maxMs, 140);
    assert.equal(m.sinceStart().maxMs, 140);
    const w = r.take();
    assert.equal(w.maxMs, 140);
    assert.equal(w.samples, 10);
    assert.equal(w.windowMs, 240);
    for (let i = 0; i < 10; i++) tick(10);
    assert.equal(r.take().maxMs, 0, 'a reader starts a new window at take()');
    for (let i = 0; i < 40; i++) tick(10);
    assert.equal(m.stats().maxMs, 0, 'the block left the 300 ms window');
    assert.ok(m.stats().samples <= 40);
    assert.equal(m.sinceStart().maxMs, 140, 'since start keeps it');
    assert.equal(m.sinceStart().samples, 60);
    tick(13);
    assert.equal(m.stats().maxMs, 3);
    m.resetSinceStart();
    assert.equal(m.sinceStart().samples, 0);
    r.close();
    m.stop();
  });
});
