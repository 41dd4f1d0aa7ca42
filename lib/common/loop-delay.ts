import { performance } from 'node:perf_hooks';

/**
 * Event-loop delay as a measured quantity (issue 14): how late the loop ran a timer that was due. A timer ticks
 * every `resolutionMs`; each tick records the time since the previous one less the period (0 = on time).
 *
 *   const d = new LoopDelayMonitor();      // starts sampling; unref'd, never keeps the process alive
 *   d.stats()                              // { p50Ms, p99Ms, maxMs, meanMs, samples, windowMs } over the last windowMs
 *   d.sinceStart()                         // the same since start (or since resetSinceStart())
 *   const r = d.reader(); r.take()         // the same since this reader's previous take() (a Prometheus scrape)
 *   d.stop()
 *
 * Why not node:perf_hooks monitorEventLoopDelay: its histogram cannot be merged, so windows meant resetting it, and a
 * reset clears the time of its previous tick. After a block, whatever ran before its timer (a slice rotation, a
 * scrape that arrived during the block) could reset it, and the block's interval was then never recorded: the
 * largest delays were the likeliest to be lost (a test caught it, about one run in ten). Here every tick records
 * into bucket counts (DelayBuckets) that add up, so the recent window is a ring of slices (sliceMs each) summed on
 * read, and each reader has counts of its own. Percentiles are bucket upper bounds (within 5%, and 0.05 ms below
 * 1 ms); max, mean and samples are exact. One instance per process is enough; `sharedLoopDelay()` returns it.
 */
export interface LoopDelayStats {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Samples taken (one per resolutionMs while the loop runs). */
  samples: number;
  /** The span the numbers cover, ms. */
  windowMs: number;
}

export interface LoopDelayOptions {
  /** Period of the sampling timer, ms (>= 1). */
  resolutionMs?: number;
  /** Span of stats(), ms. */
  windowMs?: number;
  /** Granularity of the window, ms. */
  sliceMs?: number;
  /** Tests: no timer; samples come from sampleAt(). */
  manual?: boolean;
  /** Clock in ms (default performance.now). */
  now?: () => number;
}

/** A window of its own over a LoopDelayMonitor (see LoopDelayMonitor#reader). */
export interface LoopDelayReader {
  /** The numbers since the previous take() (or since reader()), then a new window starts. */
  take(): LoopDelayStats;
  close(): void;
}

export const LOOP_DELAY_RESOLUTION_MS = 10;
export const LOOP_DELAY_WINDOW_MS = 60_000;
export const LOOP_DELAY_SLICE_MS = 5_000;

/** Lateness in ms of one tick: the interval since the previous tick less the sampling period, >= 0. */
export function lateMs(intervalMs: number, resolutionMs: number): number {
  return Math.max(0, intervalMs - resolutionMs);
}

/** Buckets below 1 ms: LINEAR_STEP_MS wide. */
const LINEAR_BUCKETS = 20;
const LINEAR_STEP_MS = 1 / LINEAR_BUCKETS;
/** From 1 ms on, 2^(1/LOG_STEPS_PER_DOUBLING) apart (about 4.4%), up to 2^LOG_DOUBLINGS ms (65 s; more lands in the last). */
const LOG_STEPS_PER_DOUBLING = 16;
const LOG_DOUBLINGS = 16;
const BUCKETS = LINEAR_BUCKETS + LOG_STEPS_PER_DOUBLING * LOG_DOUBLINGS + 1;

function bucketOf(ms: number): number {
  if (ms < 1) return Math.floor(ms * LINEAR_BUCKETS);
  return Math.min(BUCKETS - 1, LINEAR_BUCKETS + Math.floor(Math.log2(ms) * LOG_STEPS_PER_DOUBLING));
}

/** The highest value bucket `b` holds (what a percentile in it reports). */
function bucketTop(b: number): number {
  if (b < LINEAR_BUCKETS) return (b + 1) * LINEAR_STEP_MS;
  return 2 ** ((b - LINEAR_BUCKETS + 1) / LOG_STEPS_PER_DOUBLING);
}

/** Counts of delays by bucket, with exact max, sum and count; they add up (merge). */
export class DelayBuckets {
  readonly counts = new Uint32Array(BUCKETS);
  samples = 0;
  sumMs = 0;
  maxMs = 0;

  add(ms: number): void {
    this.counts[bucketOf(ms)]!++;
    this.samples++;
    this.sumMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  merge(o: DelayBuckets): void {
    if (o.samples === 0) return;
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += o.counts[i]!;
    this.samples += o.samples;
    this.sumMs += o.sumMs;
    if (o.maxMs > this.maxMs) this.maxMs = o.maxMs;
  }

  clear(): void {
    this.counts.fill(0);
    this.samples = 0;
    this.sumMs = 0;
    this.maxMs = 0;
  }

  /** The p-th percentile (0 < p <= 100): its bucket's top, never above the max (the last bucket, open-ended: the max). */
  percentile(p: number): number {
    if (this.samples === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.samples));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return i === BUCKETS - 1 ? this.maxMs : Math.min(bucketTop(i), this.maxMs);
    }
    return this.maxMs;
  }

  stats(windowMs: number): LoopDelayStats {
    return {
      p50Ms: this.percentile(50),
      p99Ms: this.percentile(99),
      maxMs: this.maxMs,
      meanMs: this.samples === 0 ? 0 : this.sumMs / this.samples,
      samples: this.samples,
      windowMs,
    };
  }
}

export class LoopDelayMonitor {
  /** Closed slices of the recent window, oldest first (at most windowMs / sliceMs). */
  private readonly ring: DelayBuckets[] = [];
  private current = new DelayBuckets();
  private currentStart: number;
  /** Since start (or resetSinceStart), closed slices only. */
  private readonly total = new DelayBuckets();
  private readonly readers = new Set<{ counts: DelayBuckets; since: number }>();
  private readonly slices: number;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private lastTick: number;
  private startedAt: number;
  private readonly windowMs: number;
  private readonly sliceMs: number;
  private readonly resolutionMs: number;

  constructor(o: LoopDelayOptions = {}) {
    this.windowMs = o.windowMs ?? LOOP_DELAY_WINDOW_MS;
    this.sliceMs = o.sliceMs ?? LOOP_DELAY_SLICE_MS;
    this.slices = Math.max(1, Math.ceil(this.windowMs / this.sliceMs));
    this.resolutionMs = Math.max(1, Math.round(o.resolutionMs ?? LOOP_DELAY_RESOLUTION_MS));
    this.now = o.now ?? (() => performance.now());
    this.lastTick = this.now();
    this.startedAt = this.lastTick;
    this.currentStart = this.lastTick;
    if (o.manual !== true) {
      this.timer = setInterval(() => this.sampleAt(this.now()), this.resolutionMs);
      this.timer.unref();
    }
  }

  /** One tick of the sampling timer at `nowMs`: records its lateness; closes the slice when sliceMs have passed. */
  sampleAt(nowMs: number): void {
    const late = lateMs(nowMs - this.lastTick, this.resolutionMs);
    this.lastTick = nowMs;
    this.current.add(late);
    for (const r of this.readers) r.counts.add(late);
    if (nowMs - this.currentStart >= this.sliceMs) this.rotate(nowMs);
  }

  private rotate(nowMs: number): void {
    this.total.merge(this.current);
    // The slice leaving the window is reused as the new current one: rotation allocates nothing.
    const next = this.ring.length >= this.slices ? this.ring.shift()! : new DelayBuckets();
    this.ring.push(this.current);
    next.clear();
    this.current = next;
    this.currentStart = nowMs;
  }

  /** Over the last windowMs (the closed slices in the ring and the current one). */
  stats(): LoopDelayStats {
    const sum = new DelayBuckets();
    for (const s of this.ring) sum.merge(s);
    sum.merge(this.current);
    return sum.stats(Math.min(this.windowMs, this.now() - this.startedAt));
  }

  /** Since start or the last resetSinceStart(). */
  sinceStart(): LoopDelayStats {
    const sum = new DelayBuckets();
    sum.merge(this.total);
    sum.merge(this.current);
    return sum.stats(this.now() - this.startedAt);
  }

  resetSinceStart(): void {
    this.total.clear();
    this.ring.length = 0;
    this.current.clear();
    this.startedAt = this.now();
    this.currentStart = this.startedAt;
  }

  /**
   * A window of its own for a reader that wants the numbers since it last looked (the Prometheus gauges): every
   * tick is also counted in the reader's own buckets, which take() reports and clears.
   */
  reader(): LoopDelayReader {
    const r = { counts: new DelayBuckets(), since: this.now() };
    this.readers.add(r);
    return {
      take: () => {
        const now = this.now();
        const out = r.counts.stats(now - r.since);
        r.counts.clear();
        r.since = now;
        return out;
      },
      close: () => {
        this.readers.delete(r);
      },
    };
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }
}

let shared: LoopDelayMonitor | undefined;

/** The process's monitor, started on first use (broker runtime info and the Prometheus gauges read the same one). */
export function sharedLoopDelay(): LoopDelayMonitor {
  shared ??= new LoopDelayMonitor();
  return shared;
}
