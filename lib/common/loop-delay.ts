import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * Event-loop delay as a measured quantity (issue 14): how late the loop ran a timer that was due, sampled every
 * `resolutionMs` by node:perf_hooks monitorEventLoopDelay (libuv's own timer, outside the JS loop's queue).
 * That histogram records the whole interval between two ticks of its timer (an idle loop reads `resolutionMs`, not
 * 0), so the sampling period is taken off every figure here: 0 means on time.
 *
 *   const d = new LoopDelayMonitor();      // starts sampling; unref'd, never keeps the process alive
 *   d.stats()                              // { p50Ms, p99Ms, maxMs, meanMs, samples, windowMs } over the last windowMs
 *   d.sinceStart()                         // the same since start (or since resetSinceStart())
 *   d.stop()
 *
 * The recent window is kept as one summary per slice (sliceMs) in a ring of windowMs / sliceMs slices, combined on
 * read (see combine: max exact, percentiles an upper bound). Values are milliseconds. One instance per process is
 * enough; `sharedLoopDelay()` returns it.
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
  /** Sampling period of monitorEventLoopDelay, ms (>= 1). */
  resolutionMs?: number;
  /** Span of stats(), ms. */
  windowMs?: number;
  /** Granularity of the window, ms. */
  sliceMs?: number;
}

export const LOOP_DELAY_RESOLUTION_MS = 10;
export const LOOP_DELAY_WINDOW_MS = 60_000;
export const LOOP_DELAY_SLICE_MS = 5_000;

const NS_PER_MS = 1e6;

/** One slice's numbers (an ELD histogram cannot be merged into another, so slices keep their summary). */
interface Slice {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  sumMs: number;
  samples: number;
}

/** Lateness in ms of one histogram value (a tick interval in ns): the interval less the sampling period, >= 0. */
export function lateMs(intervalNs: number, resolutionMs: number): number {
  return Math.max(0, intervalNs / NS_PER_MS - resolutionMs);
}

function summary(h: IntervalHistogram, resolutionMs: number): Slice {
  const n = h.count;
  if (n === 0) return { p50Ms: 0, p99Ms: 0, maxMs: 0, sumMs: 0, samples: 0 };
  const late = (ns: number): number => lateMs(ns, resolutionMs);
  return { p50Ms: late(h.percentile(50)), p99Ms: late(h.percentile(99)), maxMs: late(h.max), sumMs: late(h.mean) * n, samples: n };
}

/**
 * Combines slices: max, mean and samples are exact; p50 and p99 are the highest of the slices' (an upper bound of
 * the window's percentile, exact when one slice holds the worst of it).
 */
function combine(slices: Slice[], windowMs: number): LoopDelayStats {
  let p50Ms = 0;
  let p99Ms = 0;
  let maxMs = 0;
  let sumMs = 0;
  let samples = 0;
  for (const s of slices) {
    if (s.samples === 0) continue;
    p50Ms = Math.max(p50Ms, s.p50Ms);
    p99Ms = Math.max(p99Ms, s.p99Ms);
    maxMs = Math.max(maxMs, s.maxMs);
    sumMs += s.sumMs;
    samples += s.samples;
  }
  return { p50Ms, p99Ms, maxMs, meanMs: samples === 0 ? 0 : sumMs / samples, samples, windowMs };
}

export class LoopDelayMonitor {
  private readonly monitor: IntervalHistogram;
  private readonly ring: Slice[] = [];
  /** Since start (or resetSinceStart): the combined closed slices. */
  private total: Slice[] = [];
  private readonly slices: number;
  private readonly timer: NodeJS.Timeout;
  private startedAt = Date.now();
  private readonly windowMs: number;
  private readonly sliceMs: number;
  private readonly resolutionMs: number;

  constructor(o: LoopDelayOptions = {}) {
    this.windowMs = o.windowMs ?? LOOP_DELAY_WINDOW_MS;
    this.sliceMs = o.sliceMs ?? LOOP_DELAY_SLICE_MS;
    this.slices = Math.max(1, Math.ceil(this.windowMs / this.sliceMs));
    this.resolutionMs = Math.max(1, Math.round(o.resolutionMs ?? LOOP_DELAY_RESOLUTION_MS));
    this.monitor = monitorEventLoopDelay({ resolution: this.resolutionMs });
    this.monitor.enable();
    this.timer = setInterval(() => this.rotate(), this.sliceMs);
    this.timer.unref();
  }

  /** Closes the current slice. The since-start list is folded to one entry per slice kept (bounded memory). */
  private rotate(): void {
    const s = summary(this.monitor, this.resolutionMs);
    this.monitor.reset();
    this.ring.push(s);
    if (this.ring.length > this.slices) this.ring.shift();
    this.total = [combineSlice([...this.total, s])];
  }

  /** Over the last windowMs (the closed slices in the ring and the current one). */
  stats(): LoopDelayStats {
    return combine([...this.ring, summary(this.monitor, this.resolutionMs)], Math.min(this.windowMs, Date.now() - this.startedAt));
  }

  /** Since start or the last resetSinceStart(). */
  sinceStart(): LoopDelayStats {
    return combine([...this.total, summary(this.monitor, this.resolutionMs)], Date.now() - this.startedAt);
  }

  resetSinceStart(): void {
    this.total = [];
    this.ring.length = 0;
    this.monitor.reset();
    this.startedAt = Date.now();
  }

  stop(): void {
    clearInterval(this.timer);
    this.monitor.disable();
  }
}

function combineSlice(slices: Slice[]): Slice {
  const c = combine(slices, 0);
  return { p50Ms: c.p50Ms, p99Ms: c.p99Ms, maxMs: c.maxMs, sumMs: c.meanMs * c.samples, samples: c.samples };
}

let shared: LoopDelayMonitor | undefined;

/** The process's monitor, started on first use (broker runtime info, metrics and bench read the same one). */
export function sharedLoopDelay(): LoopDelayMonitor {
  shared ??= new LoopDelayMonitor();
  return shared;
}
