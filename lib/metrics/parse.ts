/**
 * A strict reader of the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/): `# HELP`/`# TYPE` lines, samples
 * `name{label="value",...} value [timestamp]`. Used by tests to check that what Apogee serves is well formed and
 * carries Java's names and labels; it throws on the first malformed line, naming it.
 *
 * Checked: metric and label name syntax, label value escapes (\\, \", \n only), duplicate labels, float values
 * (incl. +Inf, -Inf, NaN), one TYPE per family and before its samples, histogram samples (_bucket with le,
 * _sum, _count) under a histogram TYPE, bucket counts cumulative and +Inf bucket equal to _count.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedFamily {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseFloatStrict(s: string, where: string): number {
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new Error(`${where}: bad value ${JSON.stringify(s)}`);
  return Number(s);
}

function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`${where}: label without '='`);
    const name = text.slice(i, eq).trim();
    if (!LABEL.test(name)) throw new Error(`${where}: bad label name ${JSON.stringify(name)}`);
    if (text[eq + 1] !== '"') throw new Error(`${where}: label ${name} value not quoted`);
    let j = eq + 2;
    let v = '';
    for (;;) {
      const c = text[j];
      if (c === undefined) throw new Error(`${where}: unterminated value of ${name}`);
      if (c === '"') break;
      if (c === '\\') {
        const n = text[j + 1];
        if (n === '\\') v += '\\';
        else if (n === '"') v += '"';
        else if (n === 'n') v += '\n';
        else throw new Error(`${where}: bad escape in ${name}`);
        j += 2;
        continue;
      }
      v += c;
      j++;
    }
    if (name in labels) throw new Error(`${where}: duplicate label ${name}`);
    labels[name] = v;
    j++;
    if (text[j] === ',') j++;
    else if (j < text.length) throw new Error(`${where}: expected ',' after label ${name}`);
    i = j;
  }
  return labels;
}

function familyOf(sample: string, types: Map<string, ParsedFamily>): ParsedFamily | undefined {
  const direct = types.get(sample);
  if (direct !== undefined) return direct;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sample.endsWith(suffix)) continue;
    const f = types.get(sample.slice(0, -suffix.length));
    if (f !== undefined && (f.type === 'histogram' || f.type === 'summary')) return f;
  }
  return undefined;
}

export function parseExposition(text: string): Map<string, ParsedFamily> {
  const families = new Map<string, ParsedFamily>();
  const lines = text.split('\n');
  if (lines[lines.length - 1] !== '') throw new Error('exposition does not end with a newline');
  lines.forEach((line, n) => {
    const where = `line ${n + 1}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (m === null) return; // a comment
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`${where}: bad metric name ${name}`);
      let f = families.get(name);
      if (f === undefined) families.set(name, (f = { name, type: 'untyped', help: '', samples: [] }));
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`${where}: bad type ${rest}`);
        if (f.samples.length > 0) throw new Error(`${where}: TYPE of ${name} after its samples`);
        f.type = rest;
      } else f.help = rest;
      return;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/.exec(line);
    if (m === null) throw new Error(`${where}: not a sample: ${line}`);
    const name = m[1]!;
    const labels = m[3] !== undefined ? parseLabels(m[3], where) : {};
    const value = parseFloatStrict(m[4]!, where);
    let f = familyOf(name, families);
    if (f === undefined) families.set(name, (f = { name, type: 'untyped', help: '', samples: [] }));
    if (f.type === 'histogram' && name === `${f.name}_bucket` && labels.le === undefined) throw new Error(`${where}: bucket without le`);
    f.samples.push({ name, labels, value });
  });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

function checkHistogram(f: ParsedFamily): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number }>();
  const keyOf = (l: Record<string, string>): string =>
    JSON.stringify(
      Object.entries(l)
        .filter(([k]) => k !== 'le')
        .sort(),
    );
  for (const s of f.samples) {
    const k = keyOf(s.labels);
    let e = series.get(k);
    if (e === undefined) series.set(k, (e = { buckets: [] }));
    if (s.name.endsWith('_bucket')) e.buckets.push([parseFloatStrict(s.labels.le!, f.name), s.value]);
    else if (s.name.endsWith('_count')) e.count = s.value;
  }
  for (const [k, e] of series) {
    for (let i = 1; i < e.buckets.length; i++) {
      if (e.buckets[i]![0] <= e.buckets[i - 1]![0]) throw new Error(`${f.name}${k}: le not ascending`);
      if (e.buckets[i]![1] < e.buckets[i - 1]![1]) throw new Error(`${f.name}${k}: bucket counts not cumulative`);
    }
    const last = e.buckets[e.buckets.length - 1];
    if (last === undefined || last[0] !== Infinity) throw new Error(`${f.name}${k}: no +Inf bucket`);
    if (e.count !== last[1]) throw new Error(`${f.name}${k}: _count ${e.count} differs from the +Inf bucket ${last[1]}`);
  }
}
