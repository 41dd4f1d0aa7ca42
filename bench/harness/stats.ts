/**
 * Small statistics for the benchmark: medians across rounds, latency percentiles from raw samples, ratios.
 */

export function median(xs: readonly number[]): number {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 === 1 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN;
}

/**
 * Latency samples in microseconds, kept raw (a run records at most a few million): exact percentiles, no
 * bucketing error. Grows by doubling; samples past `capacityMax` are dropped and counted.
 */
export class Samples {
  private buf = new Float64Array(1 << 14);
  private n = 0;
  dropped = 0;

  constructor(private readonly capacityMax = 8_000_000) {}

  add(us: number): void {
    if (this.n === this.buf.length) {
      if (this.buf.length >= this.capacityMax) {
        this.dropped++;
        return;
      }
      const next = new Float64Array(Math.min(this.capacityMax, this.buf.length * 2));
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = us;
  }

  get count(): number {
    return this.n;
  }

  summary(): LatencySummary {
    const v = this.buf.subarray(0, this.n).slice().sort();
    const at = (q: number): number => (v.length === 0 ? NaN : v[Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1))]!);
    let sum = 0;
    for (let i = 0; i < v.length; i++) sum += v[i]!;
    return {
      count: v.length,
      meanMs: v.length === 0 ? NaN : sum / v.length / 1000,
      p50Ms: at(0.5) / 1000,
      p90Ms: at(0.9) / 1000,
      p99Ms: at(0.99) / 1000,
      p999Ms: at(0.999) / 1000,
      maxMs: v.length === 0 ? NaN : v[v.length - 1]! / 1000,
    };
  }
}

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

/** 1234567 -> "1,234,567"; NaN -> "–". */
export function fmtInt(x: number): string {
  return Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–';
}

/** Significant digits for small numbers, integers for large ones. */
export function fmtNum(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return '–';
  if (Math.abs(x) >= 1000) return fmtInt(x);
  if (Math.abs(x) >= 100) return x.toFixed(0);
  if (Math.abs(x) >= 10) return x.toFixed(Math.max(0, digits - 1));
  return x.toFixed(digits);
}

export function fmtRatio(x: number): string {
  return Number.isFinite(x) ? `${x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(3)}×` : '–';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * The load generator's own event loop over a measured window: how late a 1 ms timer ran (p99, max) and the time
 * its GC held the thread. A request's latency includes the client's stalls; these say how much of a tail is the
 * client's own.
 */
export interface ClientLoop {
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  gcMs: number;
  gcCount: number;
  /** The longest single GC pause. */
  gcMaxMs: number;
  /** Of gcMs, the young-generation collections (scavenges). */
  gcMinorMs: number;
}
