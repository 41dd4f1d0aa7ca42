/**
 * Put and get latency statistics as Java's StoreStatsService keeps them for GET_BROKER_RUNTIME_INFO (mqadmin
 * brokerStatus). Java: store/StoreStatsService.java — #setPutMessageEntireTimeMax (13 distribution counters and
 * the percentile buckets), #findPutMessageEntireTimePX, #printTps (the 60 s roll), #getRuntimeInfo; and
 * DefaultMessageStore#asyncPutMessage(s) / #getMessage, which time each put to its completion and each read.
 *
 * Semantics kept from Java:
 * - putMessageEntireTimeMax / getMessageEntireTimeMax: the largest elapsed ms since start (never reset).
 * - putMessageDistributeTime: the counts of the LAST COMPLETED window (rollIntervalMs, Java 60 s); before the first
 *   roll Java prints `null`, and so does this.
 * - putLatency99 / putLatency999: interpolated inside Java's ms buckets (1..20 by 1, ..50 by 2, ..100 by 5,
 *   ..200 by 10, ..500 by 50, ..1000 by 100, ..10000 by 1000, then Long.MAX_VALUE) over the last completed window
 *   (0 before the first roll).
 * Recording is two array increments and a compare; rolls happen lazily, driven by the injected clock, so a quiet
 * broker needs no timer.
 */

/** Java StoreStatsService#PUT_MESSAGE_ENTIRE_TIME_MAX_DESC. */
export const PUT_TIME_DISTRIBUTION_LABELS = ['[<=0ms]', '[0~10ms]', '[10~50ms]', '[50~100ms]', '[100~200ms]', '[200~500ms]', '[500ms~1s]', '[1~2s]', '[2~3s]', '[3~4s]', '[4~5s]', '[5~10s]', '[10s~]'] as const;

/** Upper bounds (ms, inclusive) of the distribution counters but the last (Java's if/else chain, value < bound). */
const DISTRIBUTION_BOUNDS_MS = [0, 10, 50, 100, 200, 500, 1000, 2000, 3000, 4000, 5000, 10000];

/** Java PUT_MESSAGE_ENTIRE_TIME_BUCKETS: [step ms, how many steps], in ascending step order. */
const PERCENTILE_STEPS: readonly [number, number][] = [[1, 20], [2, 15], [5, 10], [10, 10], [50, 6], [100, 5], [1000, 9]];

/** The percentile bucket ceilings (ms); the last one stands for Long.MAX_VALUE. */
export const PERCENTILE_BUCKETS_MS: readonly number[] = (() => {
  const out: number[] = [];
  let at = 0;
  for (const [step, times] of PERCENTILE_STEPS) for (let i = 0; i < times; i++) out.push((at += step));
  out.push(Number.MAX_SAFE_INTEGER);
  return out;
})();

/** Java printTPSInterval: 60 s. */
export const LATENCY_ROLL_INTERVAL_MS = 60_000;

export class LatencyStats {
  putMessageEntireTimeMax = 0;
  getMessageEntireTimeMax = 0;
  private distribution = new Array<number>(PUT_TIME_DISTRIBUTION_LABELS.length).fill(0);
  private lastDistribution: number[] | null = null;
  private buckets = new Array<number>(PERCENTILE_BUCKETS_MS.length).fill(0);
  private lastBuckets: number[] = [];
  private lastRoll: number;

  constructor(
    private readonly now: () => number,
    private readonly rollIntervalMs = LATENCY_ROLL_INTERVAL_MS,
  ) {
    this.lastRoll = now();
  }

  /** Java #setPutMessageEntireTimeMax: one completed put that took `ms`. */
  recordPut(ms: number): void {
    this.advance();
    let i = 0;
    while (i < DISTRIBUTION_BOUNDS_MS.length && !(i === 0 ? ms <= 0 : ms < DISTRIBUTION_BOUNDS_MS[i]!)) i++;
    this.distribution[i]!++;
    let b = 0;
    while (PERCENTILE_BUCKETS_MS[b]! < ms) b++; // ceilingEntry
    this.buckets[b]!++;
    if (ms > this.putMessageEntireTimeMax) this.putMessageEntireTimeMax = ms;
  }

  /** Java #setGetMessageEntireTimeMax. */
  recordGet(ms: number): void {
    if (ms > this.getMessageEntireTimeMax) this.getMessageEntireTimeMax = ms;
  }

  /** Java #putMessageDistributeTimeToString of the last window: "label:count " per counter; null before the first roll. */
  distributeTimeText(): string | null {
    this.advance();
    const d = this.lastDistribution;
    if (d === null) return null;
    return d.map((n, i) => `${PUT_TIME_DISTRIBUTION_LABELS[i]}:${n} `).join('');
  }

  /** Java #findPutMessageEntireTimePX over the last window's buckets, e.g. px = 0.99. */
  putLatencyPx(px: number): number {
    this.advance();
    const counts = this.lastBuckets;
    const total = counts.reduce((a, b) => a + b, 0);
    const pxIndex = Math.floor(total * px);
    let pass = 0;
    for (let i = 0; i < counts.length; i++) {
      const count = counts[i]!;
      if (pxIndex <= pass + count) {
        const rel = pxIndex - pass;
        const upper = PERCENTILE_BUCKETS_MS[i]!;
        if (i === 0) return count === 0 ? 0 : (upper * rel) / count;
        const lower = PERCENTILE_BUCKETS_MS[i - 1]!;
        return lower + (count === 0 ? 0 : ((upper - lower) * rel) / count);
      }
      pass += count;
    }
    return 0;
  }

  /** Java #printTps runs once a second and rolls when more than the interval has passed since the last roll. */
  private advance(): void {
    const now = this.now();
    for (let n = 0; n < 2 && now > this.lastRoll + this.rollIntervalMs; n++) {
      this.roll();
      this.lastRoll += this.rollIntervalMs;
    }
    if (now > this.lastRoll + this.rollIntervalMs) this.lastRoll = now; // idle for long: later windows were empty
  }

  private roll(): void {
    this.lastDistribution = this.distribution;
    this.distribution = new Array<number>(PUT_TIME_DISTRIBUTION_LABELS.length).fill(0);
    this.lastBuckets = this.buckets;
    this.buckets = new Array<number>(PERCENTILE_BUCKETS_MS.length).fill(0);
  }
}
