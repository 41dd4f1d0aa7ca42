import { javaDoubleToString } from '../codec';
import { jsonQuote, type JsonDialect } from '../command';
import { ProtocolError } from '../errors';

/**
 * JSON in the dialect of fastjson (Java RocketMQ: fastjson 1.2.69 in 4.9.x, 1.2.83 in 5.0..5.3, fastjson2 2.0.x in
 * 5.5.0; the switch came after 5.3.3) and of the Go client (jsoniter / hand-built strings).
 *
 * PARSER (`parseJson`). Standard JSON plus what those peers send or fastjson accepts:
 *   - unquoted integer keys            {0:"192.168.0.2:10911",1:"..."}          (Java Map<Long|Integer,...>)
 *   - object keys                      {{"brokerName":"b","queueId":0,"topic":"T"}:5}   (Java Map<MessageQueue,...>)
 *   - unquoted identifier keys         {table:{}}                                (fastjson AllowUnQuotedFieldNames)
 *   - single-quoted strings, \' \v \xHH and \0..\7 escapes, raw control characters inside strings
 *   - integers beyond 2^53 kept exact as bigint (Go's nanosecond subVersion ~1.7e18)
 *   - duplicate keys (all kept, in order; readers take the last one as Java's HashMap.put / setters do)
 *   - trailing commas, the extra whitespace characters \f and \b, a leading byte-order mark
 * It is bounded (jsonBytesMax, jsonDepthMax, jsonNumberLengthMax) and reports every problem, including an
 * exceeded bound, as ProtocolError('BODY_JSON'); it never throws anything else.
 *
 * TREE. null | boolean | number | bigint | string | JsonValue[] | JsonObject. Integers that fit in 53 bits are
 * numbers, larger ones bigints; numbers written with a fraction or an exponent are numbers. A JsonObject keeps its
 * entries in wire order; a key is a string (quoted or identifier), a number/bigint (unquoted numeric key) or a
 * JsonObject (object key).
 *
 * WRITER (`writeJson`). Writes an output tree (`Out`, built with bean/map/list/set/prim/dbl) byte for byte as
 * fastjson does: bean properties sorted by name, null/undefined omitted (bean properties and map values), enums
 * by name, doubles as Java prints them (0.0, 1.0E7), maps in the given order, fastjson's string escapes, and
 * fastjson's PrettyFormat (tab indentation, with each dialect's own quirks, see pretty1 and pretty2).
 */

// ------------------------------------------------------------------------------------------------ tree

export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | JsonObject;
export type JsonKey = string | number | bigint | JsonObject;
export type JsonEntry = [key: JsonKey, value: JsonValue];

export class JsonObject {
  constructor(readonly entries: JsonEntry[] = []) {}

  /** The value of the LAST entry whose key is the string `key` (fastjson: later duplicates win). */
  get(key: string): JsonValue | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (e[0] === key) return e[1];
    }
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
}

export function isJsonObject(v: unknown): v is JsonObject {
  return v instanceof JsonObject;
}

// ------------------------------------------------------------------------------------------------ limits

/** Largest JSON body the parser accepts, in bytes (a frame is at most 16 MiB; on-disk files can be larger). */
export const jsonBytesMax = 64 * 1024 * 1024;
/** Deepest nesting of arrays/objects (RocketMQ bodies nest about 6 deep). */
export const jsonDepthMax = 64;
/** Longest number literal, in characters (a Java long has at most 20). Bounds BigInt conversion cost. */
export const jsonNumberLengthMax = 400;

export interface JsonLimits {
  bytesMax?: number;
  depthMax?: number;
  numberLengthMax?: number;
}

// ------------------------------------------------------------------------------------------------ parser

const enum Ch {
  Tab = 9,
  Lf = 10,
  Ff = 12,
  Cr = 13,
  Bs = 8,
  Space = 32,
  Quote = 34,
  Apos = 39,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  LBracket = 91,
  Backslash = 92,
  RBracket = 93,
  LBrace = 123,
  RBrace = 125,
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= Ch.Zero && c <= Ch.Nine);
}
function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Nine;
}

class Parser {
  pos = 0;
  depth = 0;
  constructor(
    readonly s: string,
    readonly depthMax: number,
    readonly numberLengthMax: number,
  ) {}

  fail(what: string, at = this.pos): never {
    throw new ProtocolError('BODY_JSON', `JSON body: ${what} at offset ${at}`);
  }

  ws(): number {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (c === Ch.Space || c === Ch.Lf || c === Ch.Cr || c === Ch.Tab || c === Ch.Ff || c === Ch.Bs) this.pos++;
      else return c; // NaN at the end
    }
  }

  enter(): void {
    if (++this.depth > this.depthMax) this.fail(`nesting deeper than jsonDepthMax (${this.depthMax})`);
  }

  value(): JsonValue {
    const c = this.ws();
    switch (c) {
      case Ch.LBrace:
        return this.object();
      case Ch.LBracket:
        return this.array();
      case Ch.Quote:
      case Ch.Apos:
        return this.string(c);
      case 116: // t
        return this.literal('true', true);
      case 102: // f
        return this.literal('false', false);
      case 110: // n
        return this.literal('null', null);
      default:
        if (c === Ch.Minus || isDigit(c)) return this.number();
        if (Number.isNaN(c)) this.fail('unexpected end of input');
        this.fail(`unexpected character ${JSON.stringify(this.s[this.pos])}`);
    }
  }

  literal<T>(word: string, v: T): T {
    if (!this.s.startsWith(word, this.pos)) this.fail(`invalid literal`);
    this.pos += word.length;
    return v;
  }

  number(): number | bigint {
    const s = this.s;
    const start = this.pos;
    let i = start;
    if (s.charCodeAt(i) === Ch.Minus) i++;
    const intStart = i;
    while (isDigit(s.charCodeAt(i))) i++;
    if (i === intStart) this.fail('invalid number', start);
    let integral = true;
    if (s.charCodeAt(i) === Ch.Dot) {
      integral = false;
      i++;
      const f = i;
      while (isDigit(s.charCodeAt(i))) i++;
      if (i === f) this.fail('invalid number', start);
    }
    const e = s.charCodeAt(i);
    if (e === 101 || e === 69) {
      integral = false;
      i++;
      const sign = s.charCodeAt(i);
      if (sign === 43 || sign === Ch.Minus) i++;
      const d = i;
      while (isDigit(s.charCodeAt(i))) i++;
      if (i === d) this.fail('invalid number', start);
    }
    if (i - start > this.numberLengthMax) this.fail(`number longer than jsonNumberLengthMax (${this.numberLengthMax})`, start);
    this.pos = i;
    const text = s.slice(start, i);
    if (!integral) return Number(text);
    if (i - intStart <= 15) return Number(text);
    const b = BigInt(text);
    return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
  }

  string(q: number): string {
    const s = this.s;
    const start = this.pos;
    let i = ++this.pos;
    let out = '';
    let from = i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (Number.isNaN(c)) this.fail('unterminated string', start);
      if (c === q) {
        out += s.slice(from, i);
        this.pos = i + 1;
        return out;
      }
      if (c !== Ch.Backslash) {
        i++;
        continue;
      }
      out += s.slice(from, i);
      const n = s[i + 1];
      let len = 2;
      switch (n) {
        case '"':
        case "'":
        case '\\':
        case '/':
          out += n;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
        case 'F':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'v':
          out += '\u000b';
          break;
        case 'u': {
          const h = s.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail('invalid \\u escape', i);
          out += String.fromCharCode(parseInt(h, 16));
          len = 6;
          break;
        }
        case 'x': {
          const h = s.slice(i + 2, i + 4);
          if (!/^[0-9a-fA-F]{2}$/.test(h)) this.fail('invalid \\x escape', i);
          out += String.fromCharCode(parseInt(h, 16));
          len = 4;
          break;
        }
        default:
          if (n !== undefined && n >= '0' && n <= '7') out += String.fromCharCode(n.charCodeAt(0) - 48);
          else if (n === undefined) this.fail('unterminated string', start);
          else this.fail(`invalid escape \\${n}`, i);
      }
      i += len;
      from = i;
    }
  }

  key(): JsonKey {
    const c = this.ws();
    if (c === Ch.Quote || c === Ch.Apos) return this.string(c);
    if (c === Ch.LBrace) return this.object();
    if (c === Ch.Minus || isDigit(c)) return this.number();
    if (isIdentStart(c)) {
      const start = this.pos;
      while (isIdentPart(this.s.charCodeAt(this.pos))) this.pos++;
      return this.s.slice(start, this.pos);
    }
    if (Number.isNaN(c)) this.fail('unexpected end of input');
    this.fail(`unexpected character ${JSON.stringify(this.s[this.pos])} where a key belongs`);
  }

  object(): JsonObject {
    this.enter();
    this.pos++; // {
    const entries: JsonEntry[] = [];
    for (;;) {
      let c = this.ws();
      if (c === Ch.RBrace) {
        this.pos++;
        break;
      }
      const k = this.key();
      c = this.ws();
      if (c !== Ch.Colon) this.fail(Number.isNaN(c) ? 'unexpected end of input' : "expected ':'");
      this.pos++;
      entries.push([k, this.value()]);
      c = this.ws();
      if (c === Ch.Comma) {
        this.pos++;
        continue;
      }
      if (c === Ch.RBrace) {
        this.pos++;
        break;
      }
      this.fail(Number.isNaN(c) ? 'unexpected end of input' : "expected ',' or '}'");
    }
    this.depth--;
    return new JsonObject(entries);
  }

  array(): JsonValue[] {
    this.enter();
    this.pos++; // [
    const items: JsonValue[] = [];
    for (;;) {
      let c = this.ws();
      if (c === Ch.RBracket) {
        this.pos++;
        break;
      }
      items.push(this.value());
      c = this.ws();
      if (c === Ch.Comma) {
        this.pos++;
        continue;
      }
      if (c === Ch.RBracket) {
        this.pos++;
        break;
      }
      this.fail(Number.isNaN(c) ? 'unexpected end of input' : "expected ',' or ']'");
    }
    this.depth--;
    return items;
  }
}

/**
 * Parses a JSON body (bytes are UTF-8; malformed sequences become U+FFFD as in Java's new String(bytes, UTF_8)).
 * Throws ProtocolError('BODY_JSON') for malformed input and exceeded limits, nothing else.
 */
export function parseJson(input: Uint8Array | string, limits: JsonLimits = {}): JsonValue {
  const bytesMax = limits.bytesMax ?? jsonBytesMax;
  const size = typeof input === 'string' ? input.length : input.length;
  if (size > bytesMax) throw new ProtocolError('BODY_JSON', `JSON body of ${size} bytes exceeds jsonBytesMax (${bytesMax})`);
  let text: string;
  if (typeof input === 'string') text = input;
  else text = Buffer.from(input.buffer, input.byteOffset, input.length).toString('utf8');
  const p = new Parser(text, limits.depthMax ?? jsonDepthMax, limits.numberLengthMax ?? jsonNumberLengthMax);
  if (text.charCodeAt(0) === 0xfeff) p.pos = 1;
  if (Number.isNaN(p.ws())) p.fail('empty body');
  let v: JsonValue;
  try {
    v = p.value();
  } catch (e) {
    if (e instanceof ProtocolError) throw e;
    // A RangeError from a runaway input (should not happen within the limits) is still a body error.
    throw new ProtocolError('BODY_JSON', `JSON body: ${(e as Error).message}`);
  }
  if (!Number.isNaN(p.ws())) p.fail('unexpected data after the JSON value');
  return v;
}

// ------------------------------------------------------------------------------------------------ writer model

/**
 * Which fastjson wrote (or should write) the text (the type is the command module's, shared with jsonQuote).
 * Compact output differs only in string escapes; PrettyFormat differs in layout.
 *  - 'fastjson2': fastjson2 2.0.x (RocketMQ 5.5.0, the version Apogee reports). Escapes only U+0000..U+001F
 *    (lower-case hex) besides " and \. The default.
 *  - 'fastjson1': fastjson 1.2.x (RocketMQ 4.x and 5.0..5.3). Escapes U+0000..U+001F as \b \t \n \f \r or
 *    \u00XX (upper-case hex), U+007F..U+009F as \u00XX, and U+2028/U+2029.
 * Both write a lone surrogate as '?' (Java's UTF-8 encoder does).
 */
export type { JsonDialect };

export interface JsonWriteOptions {
  /** Default 'fastjson2' (as the command module's jsonQuote). */
  dialect?: JsonDialect;
  /** fastjson PrettyFormat (what ConfigManager.persist writes to disk and mqadmin prints). Default false. */
  pretty?: boolean;
  /**
   * How integer map keys are written: 'quoted' {"0":"a"} (standard JSON; Apogee's default) or 'java' {0:"a"}
   * (what fastjson writes). Object keys (MessageQueue) are always written in fastjson's object-key syntax.
   */
  numericKeys?: 'quoted' | 'java';
  /** Sort every map by key (fastjson MapSortField; numbers numerically, strings by UTF-16 code units). */
  sortMaps?: boolean;
  /**
   * fastjson BrowserCompatible (the NameServer's GET_ROUTEINFO_BY_TOPIC encoding for clients >= V4_9_4):
   * fastjson1 also escapes '/' as \/ and every character from U+0080 up as \uXXXX (upper-case hex);
   * fastjson2 leaves strings alone but writes integers beyond +-(2^53-1) as strings.
   */
  browserCompatible?: boolean;
}

/** Java `double`/`Double` value: written as Java prints doubles (0.0, 1.5E-5); NaN and infinities as null. */
export interface OutDouble {
  readonly k: 'dbl';
  readonly v: number;
}
/** A Java bean: properties are written sorted by name; undefined/null ones are omitted. */
export interface OutBean {
  readonly k: 'bean';
  readonly fields: ReadonlyArray<readonly [string, Out | undefined]>;
}
export type OutKey = string | number | bigint | OutBean;
/** A Java Map: entries in the given order (Java's iteration order); null values omitted as fastjson does. */
export interface OutMap {
  readonly k: 'map';
  readonly entries: ReadonlyArray<readonly [OutKey, Out | undefined]>;
}
/**
 * A Java collection: 'list' (java.util.List), 'set' (java.util.Set) or 'prim' (a primitive array such as long[]).
 * Compact output is the same for all three; PrettyFormat lays them out differently.
 */
export interface OutArray {
  readonly k: 'arr';
  readonly jt: 'list' | 'set' | 'prim';
  readonly items: ReadonlyArray<Out>;
}
/** Pre-serialized JSON text, written as is (passthrough of a body Apogee relays). */
export interface OutRaw {
  readonly k: 'raw';
  readonly text: string;
}
export type Out = null | boolean | number | bigint | string | OutDouble | OutBean | OutMap | OutArray | OutRaw;

export function bean(fields: Record<string, Out | undefined>): OutBean {
  return { k: 'bean', fields: Object.entries(fields) };
}
export function map(entries: Iterable<readonly [OutKey, Out | undefined]>): OutMap {
  return { k: 'map', entries: [...entries] };
}
export function list(items: Iterable<Out>): OutArray {
  return { k: 'arr', jt: 'list', items: [...items] };
}
export function set(items: Iterable<Out>): OutArray {
  return { k: 'arr', jt: 'set', items: [...items] };
}
export function prim(items: Iterable<Out>): OutArray {
  return { k: 'arr', jt: 'prim', items: [...items] };
}
export function dbl(v: number): OutDouble {
  return { k: 'dbl', v };
}
export function raw(text: string): OutRaw {
  return { k: 'raw', text };
}

/** Converts a parsed tree back into an output tree (objects become maps in wire order, numbers stay numbers). */
export function outOf(v: JsonValue): Out {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return list(v.map(outOf));
  return map(v.entries.map(([k, x]) => [k instanceof JsonObject ? beanOf(k) : k, outOf(x)] as const));
}
function beanOf(o: JsonObject): OutBean {
  return { k: 'bean', fields: o.entries.map(([k, x]) => [String(k instanceof JsonObject ? '' : k), outOf(x)] as const) };
}

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
