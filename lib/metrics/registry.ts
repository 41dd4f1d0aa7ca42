/**
 * A small metrics registry rendered in the Prometheus text exposition format 0.0.4 — the format Java 5.x's
 * OpenTelemetry PrometheusHttpServer serves (opentelemetry-exporter-prometheus 1.44.1-alpha in rocketmq 5.5.0;
 * captured output in fixtures/apache-5.5.0-broker.prom).
 *
 * Contract. Recording stays off the per-message hot path's expensive side: a counter add or histogram record is
 * one Map lookup by a joined label-values key and a few number additions; nothing is formatted, sorted or
 * allocated beyond the key until a scrape calls render(). Gauges are callbacks run only at render time (they may
 * be async: lag needs store reads). Constant labels (cluster, node_id, node_type, otel_scope_name, metricsLabel
 * pairs) are added at render, labels sorted by name as the OTel exporter does, `le` last.
 * Bounded: each metric keeps at most seriesMax label combinations (Java: metricsOtelCardinalityLimit, 50000);
 * further ones are not recorded and are counted in `droppedSeries` (exported as apogee_metrics_series_dropped_total).
 */

export type Emit = (labelValues: readonly string[], value: number) => void;
export type Collect = (emit: Emit) => void | Promise<void>;

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly labelNames: readonly string[];
  lines(constLabels: readonly [string, string][]): Promise<string[]>;
}

/** Java Double.toString for the values we export: integers keep a ".0", others as JS prints them. */
export function formatValue(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  return Number.isInteger(v) && Math.abs(v) < 1e15 ? `${v}.0` : String(v);
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** `{a="1",b="2"}` with the labels sorted by name; `extra` (le) goes last. */
function labelText(pairs: [string, string][], extra?: [string, string]): string {
  pairs.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  if (extra !== undefined) pairs.push(extra);
  if (pairs.length === 0) return '';
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

function pairsOf(constLabels: readonly [string, string][], names: readonly string[], values: readonly string[]): [string, string][] {
  const out: [string, string][] = constLabels.map(([k, v]) => [k, v]);
  for (let i = 0; i < names.length; i++) out.push([names[i]!, values[i] ?? '']);
  return out;
}

const SEP = '\u0001';

class SeriesTable<T> {
  readonly series = new Map<string, { values: readonly string[]; data: T }>();
  constructor(
    private readonly registry: MetricsRegistry,
    private readonly make: () => T,
  ) {}

  get(values: readonly string[]): T | undefined {
    const key = values.length === 1 ? values[0]! : values.join(SEP);
    let s = this.series.get(key);
    if (s === undefined) {
      if (this.series.size >= this.registry.seriesMax) {
        this.registry.droppedSeries++;
        return undefined;
      }
      s = { values: [...values], data: this.make() };
      this.series.set(key, s);
    }
    return s.data;
  }
}

export class Counter implements Family {
  readonly type = 'counter';
  private readonly table: SeriesTable<{ v: number }>;
  constructor(
    registry: MetricsRegistry,
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    this.table = new SeriesTable(registry, () => ({ v: 0 }));
  }

  add(labelValues: readonly string[], n = 1): void {
    const s = this.table.get(labelValues);
    if (s !== undefined) s.v += n;
  }

  /** The current value of one series (0 when absent): for tests and the dashboard. */
  value(labelValues: readonly string[]): number {
    return this.table.series.get(labelValues.join(SEP))?.data.v ?? 0;
  }

  lines(constLabels: readonly [string, string][]): Promise<string[]> {
    const out: string[] = [];
    for (const { values, data } of this.table.series.values()) out.push(`${this.name}${labelText(pairsOf(constLabels, this.labelNames, values))} ${formatValue(data.v)}`);
    return Promise.resolve(out);
  }
}

export class Histogram implements Family {
  readonly type = 'histogram';
  private readonly table: SeriesTable<{ counts: number[]; sum: number; count: number }>;
  constructor(
    registry: MetricsRegistry,
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    /** Upper bounds, ascending; +Inf is implied. */
    readonly buckets: readonly number[],
  ) {
    for (let i = 1; i < buckets.length; i++) if (!(buckets[i]! > buckets[i - 1]!)) throw new Error(`${name}: buckets must ascend`);
    this.table = new SeriesTable(registry, () => ({ counts: new Array<number>(buckets.length + 1).fill(0), sum: 0, count: 0 }));
  }

  record(labelValues: readonly string[], v: number): void {
    const s = this.table.get(labelValues);
    if (s === undefined) return;
    const b = this.buckets;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    s.counts[i]!++;
    s.sum += v;
    s.count++;
  }

  lines(constLabels: readonly [string, string][]): Promise<string[]> {
    const out: string[] = [];
    for (const { values, data } of this.table.series.values()) {
      let cum = 0;
      for (let i = 0; i <= this.buckets.length; i++) {
        cum += data.counts[i]!;
        const le = i < this.buckets.length ? formatValue(this.buckets[i]!) : '+Inf';
        out.push(`${this.name}_bucket${labelText(pairsOf(constLabels, this.labelNames, values), ['le', le])} ${cum}`);
      }
      const l = labelText(pairsOf(constLabels, this.labelNames, values));
      out.push(`${this.name}_count${l} ${data.count}`, `${this.name}_sum${l} ${formatValue(data.sum)}`);
    }
    return Promise.resolve(out);
  }
}

export class Gauge implements Family {
  readonly type = 'gauge';
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    private readonly collect: Collect,
  ) {}

  async lines(constLabels: readonly [string, string][]): Promise<string[]> {
    const out: string[] = [];
    await this.collect((values, v) => out.push(`${this.name}${labelText(pairsOf(constLabels, this.labelNames, values))} ${formatValue(v)}`));
    return out;
  }
}

export interface RegistryOptions {
  /** Labels on every series (Java: cluster, node_type, node_id, aggregation, metricsLabel pairs). */
  constLabels?: Record<string, string>;
  /** Label combinations kept per metric (Java metricsOtelCardinalityLimit). */
  seriesMax?: number;
}

export class MetricsRegistry {
  readonly seriesMax: number;
  droppedSeries = 0;
  private readonly families: Family[] = [];
  private readonly names = new Set<string>();
  private readonly constLabels: [string, string][];

  constructor(o: RegistryOptions = {}) {
    this.seriesMax = o.seriesMax ?? 50_000;
    this.constLabels = Object.entries(o.constLabels ?? {});
  }

  private add<F extends Family>(f: F): F {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(f.name)) throw new Error(`invalid metric name ${f.name}`);
    if (this.names.has(f.name)) throw new Error(`metric ${f.name} registered twice`);
    for (const l of f.labelNames) if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(l) || l.startsWith('__')) throw new Error(`${f.name}: invalid label name ${l}`);
    this.names.add(f.name);
    this.families.push(f);
    return f;
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.add(new Counter(this, name, help, labelNames));
  }

  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): Histogram {
    return this.add(new Histogram(this, name, help, labelNames, buckets));
  }

  gauge(name: string, help: string, labelNames: readonly string[], collect: Collect): Gauge {
    return this.add(new Gauge(name, help, labelNames, collect));
  }

  /** The whole exposition (text format 0.0.4). A gauge callback that throws leaves its family out, not the scrape. */
  async render(onError?: (name: string, e: unknown) => void): Promise<string> {
    const out: string[] = [];
    const dropped = `apogee_metrics_series_dropped_total${labelText(this.constLabels.map(([k, v]) => [k, v]))} ${formatValue(this.droppedSeries)}`;
    const sorted = [...this.families].sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const f of sorted) {
      let lines: string[];
      try {
        lines = await f.lines(this.constLabels);
      } catch (e) {
        onError?.(f.name, e);
        continue;
      }
      if (lines.length === 0) continue;
      out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`, ...lines);
    }
    out.push('# HELP apogee_metrics_series_dropped_total Label combinations not recorded (seriesMax reached)', '# TYPE apogee_metrics_series_dropped_total counter', dropped);
    return out.join('\n') + '\n';
  }
}

/** The Content-Type of render()'s output. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
