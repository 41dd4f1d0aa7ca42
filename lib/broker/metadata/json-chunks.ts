import type { Body, JsonWriteOptions } from '../../../protocol/bodies';

/**
 * A metadata body written in slices, so that no single step stringifies the whole table (issue 14: topics.json at
 * 10k topics is megabytes). The text is byte for byte what `body.toJson(value, opts)` gives (a test checks it):
 * the wrapper is rendered once with an empty table and once per slice of `sliceEntries` entries, and the slices'
 * entry texts are spliced between the empty rendering's head and tail. This relies only on the writer emitting a
 * map as `{` + entries joined by `,` + closing whitespace + `}`, which holds for every JSON and PrettyFormat mode.
 *
 * The entries are taken (as an array of references) when this is called, so a change made while the chunks are
 * being written lands in the next write, not half in this one.
 */
export const METADATA_SLICE_ENTRIES = 256;
/**
 * Uncached entries rendered before a chunk is handed over (each costs one small rendering; the step budget is only
 * checked between chunks, so this bounds how far a step runs past it).
 */
export const COLD_ENTRIES_PER_STEP = 8;

/** Map-valued fields of a file's value: `wrapper` builds the value around them (same order as `tables`). */
export type Tables = ReadonlyMap<unknown, unknown>[];

/**
 * Per table, an optional cache of each entry's text keyed by its value object (for tables whose values are
 * replaced, never mutated in place, as TopicConfigManager does): a new write renders only the new entries.
 */
export type EntryCaches = (WeakMap<object, { key: unknown; text: string }> | undefined)[];

export function renderChunks<T>(
  body: Body<T>,
  wrapper: (tables: Map<unknown, unknown>[]) => T,
  tables: Tables,
  opts: JsonWriteOptions,
  sliceEntries = METADATA_SLICE_ENTRIES,
  caches: EntryCaches = [],
): Iterable<string> {
  const entries = tables.map((t) => [...t.entries()]);
  return slices(body, wrapper, entries, opts, sliceEntries, caches);
}

/** The trailing whitespace of s (a backwards scan: a regex would be quadratic on long texts). */
function trailingWs(s: string): number {
  let i = s.length;
  while (i > 0) {
    const c = s.charCodeAt(i - 1);
    if (c !== 10 && c !== 9 && c !== 32 && c !== 13) break;
    i--;
  }
  return s.length - i;
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

function* slices<T>(
  body: Body<T>,
  wrapper: (tables: Map<unknown, unknown>[]) => T,
  entries: [unknown, unknown][][],
  opts: JsonWriteOptions,
  sliceEntries: number,
  caches: EntryCaches,
): Generator<string> {
  const total = entries.reduce((n, e) => n + e.length, 0);
  if (total <= sliceEntries && caches.every((c) => c === undefined)) {
    yield body.toJson(wrapper(entries.map((e) => new Map(e))), opts);
    return;
  }
  // empty = E0 + '{}' + E1 + '{}' + ... ; a rendering with one table sliced = same text with that '{}' filled in.
  const empty = body.toJson(wrapper(entries.map(() => new Map())), opts);
  // Where each non-empty table's entries go in `empty` (the text order of fields is not the order of `tables`).
  const at = new Map<number, number>();
  let spliceable = true;
  entries.forEach((e, j) => {
    if (e.length === 0) return;
    const text = body.toJson(wrapper(entries.map((x, k) => (k === j ? new Map([x[0]!]) : new Map()))), opts);
    const p = commonPrefix(empty, text);
    if (!text.endsWith(empty.slice(p))) spliceable = false;
    at.set(j, p);
  });
  if (!spliceable) {
    // A writer that omits empty tables: no place to splice into; render at once (correct, only slower).
    yield body.toJson(wrapper(entries.map((e) => new Map(e))), opts);
    return;
  }
  let from = 0;
  for (const [j, p] of [...at].sort((a, b) => a[1] - b[1])) {
    const e = entries[j]!;
    yield empty.slice(from, p);
    from = p;
    let closing = '';
    // text = empty[0..p) + entries + closing whitespace + empty[p..)
    const render = (slice: [unknown, unknown][]): string => {
      const text = body.toJson(wrapper(entries.map((_, k) => (k === j ? new Map(slice) : new Map()))), opts);
      const inner = text.slice(p, text.length - (empty.length - p));
      const ws = trailingWs(inner);
      closing = inner.slice(inner.length - ws);
      return inner.slice(0, inner.length - ws);
    };
    const cache = caches[j];
    if (cache === undefined) {
      for (let i = 0; i < e.length; i += sliceEntries) yield (i === 0 ? '' : ',') + render(e.slice(i, i + sliceEntries));
    } else {
      let parts: string[] = [];
      let cold = 0;
      for (let i = 0; i < e.length; i++) {
        const [k, v] = e[i]!;
        const hit = typeof v === 'object' && v !== null ? cache.get(v) : undefined;
        let text: string;
        if (hit !== undefined && hit.key === k) text = hit.text;
        else {
          text = render([[k, v]]);
          cold++;
          if (typeof v === 'object' && v !== null) cache.set(v, { key: k, text });
        }
        parts.push(text);
        // An uncached entry costs a rendering: hand over after COLD_ENTRIES_PER_STEP of them (the caller may yield).
        if (parts.length >= sliceEntries || cold >= COLD_ENTRIES_PER_STEP) {
          cold = 0;
          yield (i + 1 === parts.length ? '' : ',') + parts.join(',');
          parts = [];
        }
      }
      if (parts.length > 0) yield (parts.length === e.length ? '' : ',') + parts.join(',');
      // The closing whitespace of a table does not depend on its entries: one rendering tells it.
      if (closing === '' && e.length > 0) render([e[0]!]);
    }
    if (closing !== '') yield closing;
  }
  yield empty.slice(from);
}

/**
 * Longest stretch of rendering between two yields to the event loop, ms. Several renderings may share one turn of
 * the loop (a 1,000-topic list: the registration body, topics.json, the NameServer's decode, each stepped on its
 * own), so each stays well under issue 14's 20 ms: 8 ms each added up to 25-35 ms gaps in --loopTrace runs.
 */
export const RENDER_STEP_MS_MAX = 3;

/**
 * Joins rendered chunks, yielding to the event loop (setImmediate) whenever RENDER_STEP_MS_MAX has passed since the
 * last yield, so rendering thousands of uncached entries (after a start) never holds other requests for long.
 */
export async function collectYielding(chunks: Iterable<string>, stepMsMax = RENDER_STEP_MS_MAX): Promise<string> {
  const parts: string[] = [];
  let since = performance.now();
  for (const c of chunks) {
    parts.push(c);
    if (performance.now() - since >= stepMsMax) {
      await new Promise<void>((r) => setImmediate(r));
      since = performance.now();
    }
  }
  return parts.join('');
}
