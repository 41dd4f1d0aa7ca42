/**
 * Per-topic put statistics as Java's BrokerStatsManager keeps them (TOPIC_PUT_NUMS, TOPIC_PUT_SIZE), answered by
 * VIEW_BROKER_STATS_DATA (315): mqadmin statsAll and exportMetrics (its transaction and schedule counters read
 * TOPIC_PUT_NUMS of RMQ_SYS_TRANS_HALF_TOPIC and SCHEDULE_TOPIC_XXXX). Java: common/stats/StatsItem.java,
 * StatsItemSet.java — each item keeps call snapshots (timestamp, times, value): every 10 s for the minute view (7
 * kept), every 10 min for the hour view (7 kept), every hour for the day view (25 kept); a new list starts with a
 * zero snapshot one period back. A view is sum = last.value - first.value, tps = sum * 1000 / (last.ts - first.ts),
 * avgpt = sum / (last.times - first.times).
 * Bounded: at most itemsMax keys per statistic (topicsMax of the broker); beyond it new keys are not counted.
 * inc() is two field additions; sampling runs from the broker's 1 s tick, off the hot path.
 */

interface Snapshot {
  timestamp: number;
  times: number;
  value: number;
}

export interface StatsView {
  sum: number;
  tps: number;
  avgpt: number;
}

const PERIODS = [
  { everyMs: 10_000, keep: 7 },
  { everyMs: 10 * 60_000, keep: 7 },
  { everyMs: 60 * 60_000, keep: 25 },
] as const;

class StatsItem {
  times = 0;
  value = 0;
  readonly lists: Snapshot[][] = [[], [], []];
}

function view(list: readonly Snapshot[]): StatsView {
  if (list.length === 0) return { sum: 0, tps: 0, avgpt: 0 };
  const first = list[0]!;
  const last = list[list.length - 1]!;
  const sum = last.value - first.value;
  const timesDiff = last.times - first.times;
  return { sum, tps: (sum * 1000) / (last.timestamp - first.timestamp), avgpt: timesDiff > 0 ? sum / timesDiff : 0 };
}

/** Java BrokerStatsManager stat names Apogee keeps. */
export const TOPIC_PUT_NUMS = 'TOPIC_PUT_NUMS';
export const TOPIC_PUT_SIZE = 'TOPIC_PUT_SIZE';

export class StatsItems {
  private readonly sets = new Map<string, Map<string, StatsItem>>();
  private readonly nextSample: number[];

  constructor(
    private readonly itemsMax: number,
    now: number,
  ) {
    // Java schedules each period at a fixed rate with initial delay 0.
    this.nextSample = PERIODS.map(() => now);
  }

  /** Java StatsItemSet#addValue: value added, one more call. */
  add(statsName: string, key: string, value: number, times = 1): void {
    let set = this.sets.get(statsName);
    if (set === undefined) this.sets.set(statsName, (set = new Map()));
    let item = set.get(key);
    if (item === undefined) {
      if (set.size >= this.itemsMax) return;
      set.set(key, (item = new StatsItem()));
    }
    item.value += value;
    item.times += times;
  }

  /** Called at least once a second; takes the snapshots that are due. */
  sample(now: number): void {
    for (let p = 0; p < PERIODS.length; p++) {
      if (now < this.nextSample[p]!) continue;
      const { everyMs, keep } = PERIODS[p]!;
      this.nextSample[p] = this.nextSample[p]! + everyMs;
      if (this.nextSample[p]! <= now) this.nextSample[p] = now + everyMs; // fell behind: no catch-up burst
      for (const set of this.sets.values()) {
        for (const item of set.values()) {
          const list = item.lists[p]!;
          if (list.length === 0) list.push({ timestamp: now - everyMs, times: 0, value: 0 });
          list.push({ timestamp: now, times: item.times, value: item.value });
          if (list.length > keep) list.shift();
        }
      }
    }
  }

  /** The minute, hour and day views of an item; undefined when the item does not exist (Java: getStatsItem null). */
  get(statsName: string, key: string): { minute: StatsView; hour: StatsView; day: StatsView } | undefined {
    const item = this.sets.get(statsName)?.get(key);
    if (item === undefined) return undefined;
    return { minute: view(item.lists[0]!), hour: view(item.lists[1]!), day: view(item.lists[2]!) };
  }

  /** Java BrokerStatsManager#onTopicDeleted. */
  removeKey(key: string): void {
    for (const set of this.sets.values()) set.delete(key);
  }
}
