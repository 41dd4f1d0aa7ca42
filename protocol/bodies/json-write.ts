import { javaDoubleToString } from '../codec';
import { jsonQuote, type JsonDialect } from '../command';
import type { JsonWriteOptions, Out, OutArray, OutBean, OutKey, OutMap } from './json-out';

/**
 * The JSON writer: writes an output tree (json-out.ts) byte for byte as fastjson does — bean properties sorted by
 * name, null/undefined omitted (bean properties and map values), doubles as Java prints them (0.0, 1.0E7), maps
 * in the given order, each dialect's string escapes (quote), and fastjson's PrettyFormat with each dialect's
 * quirks (pretty1 for fastjson 1.2.x, pretty2 for fastjson2). Also javaUtf8, Java's String.getBytes(UTF_8).
 */

// ------------------------------------------------------------------------------------------------ writer

/** Double.toString as Java (and fastjson's RyuDouble / fastjson2) print it: shortest digits, 1.0E7, 1.0E-4, -0.0. */
export function javaDouble(v: number): string {
  return javaDoubleToString(v);
}

const HEX = '0123456789ABCDEF';
function hex4(c: number): string {
  return '\\u' + HEX[(c >> 12) & 15]! + HEX[(c >> 8) & 15]! + HEX[(c >> 4) & 15]! + HEX[c & 15]!;
}

const NEEDS_ESCAPE_BROWSER = /[\u0000-\u001f"\\/\u007f-\uffff]/;

/**
 * Quotes a string exactly as the dialect's SerializeWriter / JSONWriter does: the command module's jsonQuote,
 * plus fastjson1's BrowserCompatible form ('/' as \/, everything from U+007F as \uXXXX, upper-case hex).
 */
export function quote(s: string, dialect: JsonDialect = 'fastjson2', browserCompatible = false): string {
  if (!browserCompatible || dialect !== 'fastjson1') return jsonQuote(s, dialect);
  if (!NEEDS_ESCAPE_BROWSER.test(s)) return '"' + s + '"';
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let e: string | undefined;
    if (c < 0x20) e = c === 8 ? '\\b' : c === 9 ? '\\t' : c === 10 ? '\\n' : c === 12 ? '\\f' : c === 13 ? '\\r' : hex4(c);
    else if (c === 0x22) e = '\\"';
    else if (c === 0x5c) e = '\\\\';
    else if (c === 0x2f) e = '\\/';
    else if (c >= 0x7f) e = hex4(c);
    if (e !== undefined) {
      out += s.slice(from, i) + e;
      from = i + 1;
    }
  }
  return out + s.slice(from) + '"';
}

interface Ctx {
  dialect: JsonDialect;
  quotedKeys: boolean;
  sortMaps: boolean;
  browser: boolean;
}

function integer(v: number | bigint, ctx: Ctx): string {
  const s = v.toString();
  if (ctx.browser && ctx.dialect === 'fastjson2' && (v > 9007199254740991 || v < -9007199254740991)) return '"' + s + '"';
  return s;
}

function scalar(v: Out, ctx: Ctx): string | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return quote(v, ctx.dialect, ctx.browser);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return Number.isInteger(v) ? integer(v, ctx) : Number.isFinite(v) ? javaDouble(v) : 'null';
    case 'bigint':
      return integer(v, ctx);
  }
  if (v.k === 'dbl') return Number.isFinite(v.v) ? javaDouble(v.v) : 'null';
  if (v.k === 'raw') return v.text;
  return undefined;
}

function sortedFields(b: OutBean): (readonly [string, Out])[] {
  const f = b.fields.filter((e): e is readonly [string, Out] => e[1] !== undefined && e[1] !== null);
  return f.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}

function keyOrder(a: OutKey, b: OutKey): number {
  const na = typeof a === 'number' || typeof a === 'bigint';
  const nb = typeof b === 'number' || typeof b === 'bigint';
  if (na && nb) return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return 0;
}

function mapEntries(m: OutMap, ctx: Ctx): (readonly [OutKey, Out])[] {
  const e = m.entries.filter((x): x is readonly [OutKey, Out] => x[1] !== undefined && x[1] !== null);
  return ctx.sortMaps ? e.sort((x, y) => keyOrder(x[0], y[0])) : e;
}

function isStringKey(k: OutKey, ctx: Ctx): boolean {
  return typeof k === 'string' || (ctx.quotedKeys && (typeof k === 'number' || typeof k === 'bigint'));
}

function compactKey(k: OutKey, ctx: Ctx): string {
  if (typeof k === 'string') return quote(k, ctx.dialect, ctx.browser);
  if (typeof k === 'number' || typeof k === 'bigint') return ctx.quotedKeys ? '"' + String(k) + '"' : String(k);
  return compact(k, ctx);
}

function compact(v: Out, ctx: Ctx): string {
  const s = scalar(v, ctx);
  if (s !== undefined) return s;
  const n = v as OutBean | OutMap | OutArray;
  if (n.k === 'bean') return '{' + sortedFields(n).map(([k, x]) => quote(k, ctx.dialect, ctx.browser) + ':' + compact(x, ctx)).join(',') + '}';
  if (n.k === 'map') return '{' + mapEntries(n, ctx).map(([k, x]) => compactKey(k, ctx) + ':' + compact(x, ctx)).join(',') + '}';
  return '[' + n.items.map((x) => compact(x, ctx)).join(',') + ']';
}

const tabs = (n: number): string => '\t'.repeat(n);

/**
 * fastjson 1.2.x PrettyFormat (JSONSerializer with a tab indent):
 *  - beans and String-keyed map entries: a newline and indentation before each entry; `{}` when empty;
 *  - map entries whose key is not a String (Integer, Long, MessageQueue): NO newline before the entry
 *    (`{0:10,1:20` + newline + indent + `}`); an object key is itself pretty-printed one level deeper;
 *  - List: one element per line; Set (CollectionCodec) and primitive arrays: on one line, `[a,b]`, with bean
 *    elements pretty-printed at the set's own level; `[]` when empty.
 */
function pretty1(v: Out, level: number, ctx: Ctx): string {
  const s = scalar(v, ctx);
  if (s !== undefined) return s;
  const n = v as OutBean | OutMap | OutArray;
  const nl = '\n' + tabs(level + 1);
  if (n.k === 'bean') {
    const f = sortedFields(n);
    if (f.length === 0) return '{}';
    return '{' + f.map(([k, x]) => nl + quote(k, ctx.dialect, ctx.browser) + ':' + pretty1(x, level + 1, ctx)).join(',') + '\n' + tabs(level) + '}';
  }
  if (n.k === 'map') {
    const e = mapEntries(n, ctx);
    if (e.length === 0) return '{}';
    const parts = e.map(([k, x]) => {
      const key = isStringKey(k, ctx) ? nl + compactKey(k, ctx) : typeof k === 'object' ? pretty1(k, level + 1, ctx) : String(k);
      return key + ':' + pretty1(x, level + 1, ctx);
    });
    return '{' + parts.join(',') + '\n' + tabs(level) + '}';
  }
  if (n.items.length === 0) return '[]';
  if (n.jt === 'list') return '[' + n.items.map((x) => nl + pretty1(x, level + 1, ctx)).join(',') + '\n' + tabs(level) + ']';
  if (n.jt === 'prim') return compact(n, ctx);
  return '[' + n.items.map((x) => pretty1(x, level, ctx)).join(',') + ']';
}

/**
 * fastjson2 PrettyFormat (JSONWriter with a tab indent):
 *  - beans and maps (any key type): a newline and indentation before each entry; an empty map is `{}` but an
 *    empty bean is `{` + newline + deeper indent + newline + indent + `}`;
 *  - List and Set: one element per line; an empty Set is laid out like an empty bean (`[` newline indent newline
 *    `]`); an empty List is too when it is a bean property, but `[]` inside a map or another collection;
 *  - primitive arrays (long[]): on one line.
 */
function pretty2(v: Out, level: number, ctx: Ctx, field: boolean): string {
  const s = scalar(v, ctx);
  if (s !== undefined) return s;
  const n = v as OutBean | OutMap | OutArray;
  const nl = '\n' + tabs(level + 1);
  const empty = (open: string, close: string): string => open + nl + '\n' + tabs(level) + close;
  if (n.k === 'bean') {
    const f = sortedFields(n);
    if (f.length === 0) return empty('{', '}');
    return '{' + f.map(([k, x]) => nl + quote(k, ctx.dialect, ctx.browser) + ':' + pretty2(x, level + 1, ctx, true)).join(',') + '\n' + tabs(level) + '}';
  }
  if (n.k === 'map') {
    const e = mapEntries(n, ctx);
    if (e.length === 0) return '{}';
    const parts = e.map(([k, x]) => {
      const key = typeof k === 'object' ? pretty2(k, level + 1, ctx, false) : compactKey(k, ctx);
      return nl + key + ':' + pretty2(x, level + 1, ctx, false);
    });
    return '{' + parts.join(',') + '\n' + tabs(level) + '}';
  }
  if (n.jt === 'prim') return compact(n, ctx);
  if (n.items.length === 0) return n.jt === 'set' || field ? empty('[', ']') : '[]';
  return '[' + n.items.map((x) => nl + pretty2(x, level + 1, ctx, false)).join(',') + '\n' + tabs(level) + ']';
}

/** Writes an output tree as text (see JsonWriteOptions). */
export function writeJson(v: Out, opts: JsonWriteOptions = {}): string {
  const ctx: Ctx = {
    dialect: opts.dialect ?? 'fastjson2',
    quotedKeys: (opts.numericKeys ?? 'quoted') === 'quoted',
    sortMaps: opts.sortMaps ?? false,
    browser: opts.browserCompatible ?? false,
  };
  if (!opts.pretty) return compact(v, ctx);
  return ctx.dialect === 'fastjson1' ? pretty1(v, 0, ctx) : pretty2(v, 0, ctx, false);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** String.getBytes(UTF_8) as Java does it: a lone surrogate becomes '?' (Node would write U+FFFD). */
export function javaUtf8(s: string): Buffer {
  return Buffer.from(/[\ud800-\udfff]/.test(s) ? s.replace(LONE_SURROGATE, '?') : s, 'utf8');
}
