import * as path from 'node:path';
import type { StoreIO } from '../store';
import { writeFully } from './timer-wheel';

/**
 * `<storePathRootDir>/config/timermetrics`: timers pending per real topic (Java: store/timer/TimerMetrics.java, a
 * ConfigManager). The layout is fastjson's serialization of TimerMetricsSerializeWrapper, fields in alphabetical
 * order as fastjson writes them:
 *
 *   {"dataVersion":{"counter":<long>,"stateVersion":<long>,"timestamp":<ms>},
 *    "timingCount":{"<real topic>":{"count":<long>,"timeStamp":<ms of the last change>}, ...}}
 *
 * Java's broker/transaction/TransactionMetrics (`config/transactionMetrics`, half messages per real topic) has the
 * same layout with "transactionCount" for "timingCount": TopicCounts serves both (its `field`).
 *
 * Persisting moves the previous file to `<file>.bak` and writes the new one (Java's persist); loading falls
 * back to the .bak file when the file is missing or unreadable (Java's ConfigManager#load).
 */
export const METRICS_TOP_LEVEL_FIELDS = ['dataVersion', 'timingCount'] as const;
export const METRICS_DATA_VERSION_FIELDS = ['counter', 'stateVersion', 'timestamp'] as const;
export const METRICS_METRIC_FIELDS = ['count', 'timeStamp'] as const;

interface DataVersion {
  counter: number;
  stateVersion: number;
  timestamp: number;
}

export interface TimerMetric {
  count: number;
  timeStamp: number;
}

export function metricsFileName(storePathRootDir: string): string {
  return path.join(storePathRootDir, 'config', 'timermetrics');
}

export type CountsField = 'timingCount' | 'transactionCount';

export function encodeMetrics(dataVersion: { counter: number; stateVersion: number; timestamp: number }, timing: ReadonlyMap<string, TimerMetric>, field: CountsField = 'timingCount'): string {
  const counts: string[] = [];
  for (const [topic, m] of timing) counts.push(`${JSON.stringify(topic)}:{"count":${m.count},"timeStamp":${m.timeStamp}}`);
  return `{"dataVersion":{"counter":${dataVersion.counter},"stateVersion":${dataVersion.stateVersion},"timestamp":${dataVersion.timestamp}},"${field}":{${counts.join(',')}}}`;
}

/** A count per topic in Java's TimerMetrics / TransactionMetrics file layout. */
export class TopicCounts {
  readonly counts = new Map<string, TimerMetric>();
  dataVersion: DataVersion = { counter: 0, stateVersion: 0, timestamp: 0 };
  private dirty = false;

  constructor(
    private readonly io: StoreIO,
    readonly file: string,
    private readonly now: () => number,
    readonly field: CountsField,
  ) {
    this.dataVersion.timestamp = now();
  }

  async load(): Promise<void> {
    for (const f of [this.file, `${this.file}.bak`]) {
      const text = await readText(this.io, f);
      if (text === undefined || text.trim() === '') continue;
      try {
        const v = JSON.parse(text) as { dataVersion?: Partial<DataVersion> } & Partial<Record<CountsField, Record<string, Partial<TimerMetric>>>>;
        for (const [topic, m] of Object.entries(v[this.field] ?? {})) {
          this.counts.set(topic, { count: Number(m.count ?? 0), timeStamp: Number(m.timeStamp ?? 0) });
        }
        if (v.dataVersion !== undefined) {
          this.dataVersion = { counter: Number(v.dataVersion.counter ?? 0), stateVersion: Number(v.dataVersion.stateVersion ?? 0), timestamp: Number(v.dataVersion.timestamp ?? 0) };
        }
        return;
      } catch {
        // unreadable: try the backup, as Java does
      }
    }
  }

  /** Java addAndGet: +1 when a timer enters the wheel (a half message is stored), -1 when it leaves. */
  add(realTopic: string, value: number): void {
    let m = this.counts.get(realTopic);
    if (m === undefined) {
      m = { count: 0, timeStamp: 0 };
      this.counts.set(realTopic, m);
    }
    m.count += value;
    m.timeStamp = this.now();
    this.dataVersion.counter += 1;
    this.dataVersion.timestamp = m.timeStamp;
    this.dirty = true;
  }

  count(topic: string): number {
    return this.counts.get(topic)?.count ?? 0;
  }

  remove(topic: string): void {
    if (this.counts.delete(topic)) this.dirty = true;
  }

  async persist(force = false): Promise<void> {
    if (!this.dirty && !force) return;
    this.dirty = false;
    await this.io.mkdirp(path.dirname(this.file));
    if ((await this.io.stat(this.file)) !== undefined) {
      await this.io.rename(this.file, `${this.file}.bak`);
    }
    const h = await this.io.open(this.file, true);
    try {
      await this.io.truncate(h, 0);
      await writeFully(this.io, h, Buffer.from(encodeMetrics(this.dataVersion, this.counts, this.field), 'utf8'), 0);
      await this.io.sync(h);
    } finally {
      await this.io.close(h);
    }
    await this.io.syncDir(path.dirname(this.file));
  }
}

/** Java store/timer/TimerMetrics: timers pending per real topic. */
export class TimerMetrics extends TopicCounts {
  constructor(io: StoreIO, file: string, now: () => number) {
    super(io, file, now, 'timingCount');
  }

  get timingCount(): Map<string, TimerMetric> {
    return this.counts;
  }

  timing(topic: string): number {
    return this.count(topic);
  }
}

async function readText(io: StoreIO, file: string): Promise<string | undefined> {
  const st = await io.stat(file);
  if (st === undefined) return undefined;
  const h = await io.open(file, false);
  try {
    const b = Buffer.alloc(st.size);
    const n = await io.read(h, b, 0, st.size, 0);
    return b.subarray(0, n).toString('utf8');
  } finally {
    await io.close(h);
  }
}
