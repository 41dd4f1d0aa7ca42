import type { JsonDialect } from '../command';
import { JsonObject, type JsonValue } from './json-tree';

/**
 * The JSON writer's model: the output tree (`Out`) a body encoder builds with bean/map/list/set/prim/dbl/raw,
 * tagged with the Java type it stands for (bean, Map, List, Set, primitive array, double) because fastjson lays
 * each out differently, and the write options (dialect, PrettyFormat, key style, BrowserCompatible).
 * json-write.ts turns it into text; outOf converts a parsed tree back into one.
 */

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
