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

/** Map-valued fields of a file's value: `wrapper` builds the value around them (same order as `tables`). */
export type Tables = ReadonlyMap<unknown, unknown>[];

export function renderChunks<T>(body: Body<T>, wrapper: (tables: Map<unknown, unknown>[]) => T, tables: Tables, opts: JsonWriteOptions, sliceEntries = METADATA_SLICE_ENTRIES): Iterable<string> {
  const entries = tables.map((t) => [...t.entries()]);
  return slices(body, wrapper, entries, opts, sliceEntries);
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

function* slices<T>(body: Body<T>, wrapper: (tables: Map<unknown, unknown>[]) => T, entries: [unknown, unknown][][], opts: JsonWriteOptions, sliceEntries: number): Generator<string> {
  const total = entries.reduce((n, e) => n + e.length, 0);
  if (total <= sliceEntries) {
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
    for (let i = 0; i < e.length; i += sliceEntries) {
      const tables = entries.map((_, k) => (k === j ? new Map(e.slice(i, i + sliceEntries)) : new Map()));
      const text = body.toJson(wrapper(tables), opts);
      // text = empty[0..p) + entries + closing whitespace + empty[p..)
      let inner = text.slice(p, text.length - (empty.length - p));
      closing = /\s*$/.exec(inner)![0];
      inner = inner.slice(0, inner.length - closing.length);
      yield i === 0 ? inner : ',' + inner;
    }
    if (closing !== '') yield closing;
  }
  yield empty.slice(from);
}
