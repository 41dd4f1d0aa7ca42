/**
 * Broker counters for GET_BROKER_RUNTIME_INFO and clusterList: put/get totals and the 10 s / 60 s / 600 s TPS
 * windows Java reports (Java: store/StoreStatsService.java). Counting is a field increment on the hot path; the
 * windows are sampled once a second, off the hot path.
 */
import { StatsItems } from './stats-items';

const WINDOWS = [10, 60, 600] as const;

export class BrokerStats {
  putMessageTimesTotal = 0;
  putMessageSizeTotal = 0;
  getMessageTransferredTotal = 0;
  getFoundTotal = 0;
  getMissTotal = 0;
  private readonly putSamples: number[] = [];
  private readonly getSamples: number[] = [];
  private readonly foundSamples: number[] = [];
  private readonly missSamples: number[] = [];
  private dayStart: { put: number; get: number; day: number };
  private yesterday = { put: 0, get: 0 };

  /** Per-topic statistics for VIEW_BROKER_STATS_DATA (Java BrokerStatsManager). */
  readonly items: StatsItems;

  constructor(
    private readonly now: () => number,
    itemsMax = 100_000,
  ) {
    this.items = new StatsItems(itemsMax, now());
    this.dayStart = { put: 0, get: 0, day: this.dayOf(now()) };
  }

  private dayOf(ms: number): number {
    const d = new Date(ms);
    return d.getFullYear() * 10000 + d.getMonth() * 100 + d.getDate();
  }

  /** Called once a second. */
  sample(): void {
    this.items.sample(this.now());
    this.putSamples.push(this.putMessageTimesTotal);
    this.getSamples.push(this.getMessageTransferredTotal);
    this.foundSamples.push(this.getFoundTotal);
    this.missSamples.push(this.getMissTotal);
    const keep = WINDOWS[WINDOWS.length - 1] + 1;
    for (const s of [this.putSamples, this.getSamples, this.foundSamples, this.missSamples]) if (s.length > keep) s.shift();
    const day = this.dayOf(this.now());
    if (day !== this.dayStart.day) {
      this.yesterday = { put: this.dayStart.put, get: this.dayStart.get };
      this.dayStart = { put: this.putMessageTimesTotal, get: this.getMessageTransferredTotal, day };
    }
  }

  private tps(samples: number[], seconds: number): number {
    if (samples.length < 2) return 0;
    const n = Math.min(seconds, samples.length - 1);
    return (samples[samples.length - 1]! - samples[samples.length - 1 - n]!) / n;
  }

  /** "<10s> <60s> <600s>" as Java's StoreStatsService#getPutTps. */
  putTps(): string {
    return WINDOWS.map((w) => this.tps(this.putSamples, w).toFixed(2)).join(' ');
  }

  getTransferredTps(): string {
    return WINDOWS.map((w) => this.tps(this.getSamples, w).toFixed(2)).join(' ');
  }

  /** Pulls that found messages, per second (Java StoreStatsService#getGetFoundTps). */
  getFoundTps(): string {
    return WINDOWS.map((w) => this.tps(this.foundSamples, w).toFixed(2)).join(' ');
  }

  getMissTps(): string {
    return WINDOWS.map((w) => this.tps(this.missSamples, w).toFixed(2)).join(' ');
  }

  getTotalTps(): string {
    return WINDOWS.map((w) => (this.tps(this.foundSamples, w) + this.tps(this.missSamples, w)).toFixed(2)).join(' ');
  }

  daily(): { putYesterday: number; putToday: number; getYesterday: number; getToday: number } {
    return {
      putYesterday: this.yesterday.put,
      putToday: this.dayStart.put,
      getYesterday: this.yesterday.get,
      getToday: this.dayStart.get,
    };
  }
}
