import { ProtocolError } from '../errors';
import type { Decoded } from '../headers';
import {
  JsonObject,
  bean as outBean,
  dbl,
  javaUtf8,
  list as outList,
  map as outMap,
  outOf,
  parseJson,
  prim as outPrim,
  set as outSet,
  writeJson,
  type JsonKey,
  type JsonLimits,
  type JsonValue,
  type JsonWriteOptions,
  type Out,
  type OutBean,
  type OutKey,
} from './json';

/**
 * A small schema language for the Java beans RocketMQ serializes with fastjson. Each body is declared once as a
 * table of its JSON properties (= Java getter names) and how to read and write each one; the TypeScript type is
 * declared beside it and the table is checked against it by the compiler.
 *
 * Reading follows fastjson's leniency (numbers given as strings and the reverse, booleans as 1/0 or "true",
 * enums by name or ordinal, unknown properties ignored, a later duplicate property wins) and reports a value of
 * the wrong shape with the path to it. Writing produces the fastjson output tree (see json.ts).
 *
 * Field kinds mirror Java's semantics for a property that is missing from the input:
 *  - prim(codec, default):  a Java primitive (int, long, boolean, double): missing -> the Java initializer value;
 *                           always written.
 *  - dflt(codec, make):     a reference with a non-null Java initializer (`= new HashMap<>()`): missing or null ->
 *                           a fresh default; always written.
 *  - req(codec):            a reference Apogee cannot do without (a topic name): missing -> an error.
 *  - opt(codec):            a nullable reference, or a property that only some versions have (5.x-only fields
 *                           such as BrokerData.enableActingMaster): missing -> undefined; written only when set.
 *                           Keeping "absent" absent is what makes a 4.9.x body re-encode byte for byte.
 */

export class ShapeError extends Error {
  constructor(
    message: string,
    readonly path: string[] = [],
  ) {
    super(message);
  }
}

function describe(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof JsonObject) return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v);
  return String(v);
}

function fail(expected: string, v: JsonValue): never {
  throw new ShapeError(`expected ${expected}, got ${describe(v)}`);
}

/**
 * What a codec reads and writes, as data (tests derive value generators from it; tools can describe a body).
 */
export type Desc =
  | { readonly t: 'int' | 'long' | 'bigLong' | 'double' | 'bool' | 'str' | 'any' }
  | { readonly t: 'enum'; readonly names: readonly string[] }
  | { readonly t: 'list' | 'set' | 'prim'; readonly of: Codec<any> }
  | { readonly t: 'map'; readonly key: 'string' | 'number'; readonly of: Codec<any> }
  | { readonly t: 'beanMap'; readonly key: Codec<any>; readonly of: Codec<any> }
  | { readonly t: 'bean'; readonly specs: Readonly<Record<string, FieldSpec<any>>> };

/** Reads a JSON value into T (undefined = treat as absent) and writes T into the output tree. */
export interface Codec<T> {
  read(v: JsonValue): T | undefined;
  write(v: T): Out;
  readonly desc: Desc;
}

// ------------------------------------------------------------------------------------------------ scalars

const INT_TEXT = /^\s*[+-]?\d+\s*$/;
const NUM_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

function toInteger(v: JsonValue, what: string, min: bigint, max: bigint): bigint | undefined {
  let b: bigint;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) fail(what, v);
    b = BigInt(Math.trunc(v)); // fastjson: Number.intValue()/longValue() of a decimal truncates
  } else if (typeof v === 'bigint') b = v;
  else if (typeof v === 'string') {
    if (v.trim() === '') return undefined; // fastjson: "" is null
    if (INT_TEXT.test(v)) b = BigInt(v.trim());
    else if (NUM_TEXT.test(v) && Number.isFinite(Number(v))) b = BigInt(Math.trunc(Number(v)));
    else fail(what, v);
  } else if (typeof v === 'boolean') b = v ? 1n : 0n;
  else if (v === null) return undefined;
  else fail(what, v);
  if (b < min || b > max) throw new ShapeError(`${what} out of range: ${b}`);
  return b;
}

export const int: Codec<number> = {
  desc: { t: 'int' },
  read(v) {
    const b = toInteger(v, 'an int', -2147483648n, 2147483647n);
    return b === undefined ? undefined : Number(b);
  },
  write: (v) => v,
};

/** Java long as a JS number (exact up to 2^53: offsets, timestamps, counters). */
export const long: Codec<number> = {
  desc: { t: 'long' },
  read(v) {
    const b = toInteger(v, 'a long', -(1n << 63n), (1n << 63n) - 1n);
    return b === undefined ? undefined : Number(b);
  },
  write: (v) => v,
};

/** Java long kept exact as a bigint (Go's nanosecond subVersion exceeds 2^53). */
export const bigLong: Codec<bigint> = {
  desc: { t: 'bigLong' },
  read: (v) => toInteger(v, 'a long', -(1n << 63n), (1n << 63n) - 1n),
  write: (v) => v,
};

/** Java double: written 0.0, 1.5E-5 ... */
export const double: Codec<number> = {
  desc: { t: 'double' },
  read(v) {
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'string') {
      if (v.trim() === '') return undefined;
      if (NUM_TEXT.test(v)) return Number(v);
      if (v === 'NaN') return NaN;
      fail('a double', v);
    }
    if (v === null) return undefined;
    fail('a double', v);
  },
  write: (v) => dbl(v),
};

export const bool: Codec<boolean> = {
  desc: { t: 'bool' },
  read(v) {
    if (typeof v === 'boolean') return v;
    if (v === null) return undefined;
    if (typeof v === 'number' || typeof v === 'bigint') {
      if (v == 1) return true; // eslint-disable-line eqeqeq
      if (v == 0) return false; // eslint-disable-line eqeqeq
    }
    if (typeof v === 'string') {
      const s = v.trim().toLowerCase();
      if (s === 'true' || s === '1' || s === 'y' || s === 't') return true;
      if (s === 'false' || s === '0' || s === 'n' || s === 'f') return false;
      if (s === '') return undefined;
    }
    fail('a boolean', v);
  },
  write: (v) => v,
};

export const str: Codec<string> = {
  desc: { t: 'str' },
  read(v) {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
    if (v === null) return undefined;
    fail('a string', v);
  },
  write: (v) => v,
};

/**
 * A Java enum, written by name. Reads the name (also in another case), or the ordinal (fastjson accepts all
 * three); a name this version does not know reads as absent, as fastjson reads it as null.
 */
export function enumOf<N extends string>(names: readonly N[]): Codec<N> {
  const known = new Set<string>(names);
  const lower = new Map<string, N>(names.map((n) => [n.toLowerCase(), n]));
  return {
    desc: { t: 'enum', names },
    read(v) {
      // fastjson matches the name exactly, then ignoring case (Go's "Clustering" reads as CLUSTERING).
      if (typeof v === 'string') return known.has(v) ? (v as N) : lower.get(v.toLowerCase());
      if (typeof v === 'number' && Number.isInteger(v)) return names[v];
      if (v === null) return undefined;
      fail('an enum name', v);
    },
    write: (v) => v,
  };
}

/** A value kept as parsed (passthrough), written back in wire order. */
export const anyJson: Codec<JsonValue> = {
  desc: { t: 'any' },
  read: (v) => (v === null ? undefined : v),
  write: (v) => outOf(v),
};

// ------------------------------------------------------------------------------------------------ collections

function elements(v: JsonValue, what: string): JsonValue[] | undefined {
  if (Array.isArray(v)) return v;
  if (v === null) return undefined;
  // The Go client's utils.Set would marshal as an object if its MarshalJSON were not used; take the values.
  if (v instanceof JsonObject) return v.entries.map((e) => e[1]);
  fail(what, v);
}

function readItems<T>(items: JsonValue[], c: Codec<T>): T[] {
  const out: T[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      const x = c.read(items[i]!);
      if (x !== undefined) out.push(x); // null elements are dropped
    } catch (e) {
      throw prefix(e, `[${i}]`);
    }
  }
  return out;
}

/** java.util.List -> T[] (order kept). */
export function listOf<T>(c: Codec<T>): Codec<T[]> {
  return {
    desc: { t: 'list', of: c },
    read(v) {
      const items = elements(v, 'an array');
      return items === undefined ? undefined : readItems(items, c);
    },
    write: (v) => outList(v.map((x) => c.write(x))),
  };
}

/** java.util.Set -> T[] (wire order kept; Java's HashSet order is whatever the sender had). */
export function setOf<T>(c: Codec<T>): Codec<T[]> {
  return {
    desc: { t: 'set', of: c },
    read(v) {
      const items = elements(v, 'an array');
      return items === undefined ? undefined : readItems(items, c);
    },
    write: (v) => outSet(v.map((x) => c.write(x))),
  };
}

/** A primitive array (long[]): one line even in PrettyFormat. */
export function primArrayOf<T>(c: Codec<T>): Codec<T[]> {
  return {
    desc: { t: 'prim', of: c },
    read(v) {
      const items = elements(v, 'an array');
      return items === undefined ? undefined : readItems(items, c);
    },
    write: (v) => outPrim(v.map((x) => c.write(x))),
  };
}

/** How a map key is read from a JSON key and written back. */
export interface KeyCodec<K> {
  readonly kind: 'string' | 'number';
  read(k: JsonKey): K;
  write(k: K): OutKey;
}

export const stringKey: KeyCodec<string> = {
  kind: 'string',
  read(k) {
    if (typeof k === 'string') return k;
    if (typeof k === 'number' || typeof k === 'bigint') return String(k);
    throw new ShapeError('expected a string key, got an object key');
  },
  write: (k) => k,
};

/** Integer/Long keys: {0:..} or {"0":..} read the same; written per JsonWriteOptions.numericKeys. */
export const numberKey: KeyCodec<number> = {
  kind: 'number',
  read(k) {
    let n: number | undefined;
    if (typeof k === 'number' && Number.isInteger(k)) n = k;
    else if (typeof k === 'bigint') n = Number(k);
    else if (typeof k === 'string' && INT_TEXT.test(k)) n = Number(k.trim());
    else throw new ShapeError(`expected an integer key, got ${typeof k === 'string' ? JSON.stringify(k) : 'an object key'}`);
    // Java would keep a Long key up to 2^63-1; no RocketMQ id or queue number comes near 2^53.
    if (!Number.isSafeInteger(n)) throw new ShapeError(`integer key ${String(k)} is beyond 2^53`);
    return n;
  },
  write: (k) => k,
};

function prefix(e: unknown, seg: string): unknown {
  if (e instanceof ShapeError) {
    e.path.unshift(seg);
    return e;
  }
  return e;
}

function keyLabel(k: JsonKey): string {
  return k instanceof JsonObject ? '{...}' : JSON.stringify(String(k));
}

/** java.util.Map -> Map<K, V>, wire order kept; a duplicate key replaces the value in place (HashMap.put). */
export function mapOf<K, V>(kc: KeyCodec<K>, vc: Codec<V>): Codec<Map<K, V>> {
  return {
    desc: { t: 'map', key: kc.kind, of: vc },
    read(v) {
      if (v === null) return undefined;
      if (!(v instanceof JsonObject)) fail('an object', v);
      const out = new Map<K, V>();
      for (const [k, x] of v.entries) {
        try {
          const key = kc.read(k);
          const val = vc.read(x);
          if (val !== undefined) out.set(key, val);
        } catch (e) {
          throw prefix(e, `[${keyLabel(k)}]`);
        }
      }
      return out;
    },
    write: (m) => outMap([...m].map(([k, x]) => [kc.write(k), vc.write(x)] as const)),
  };
}

/**
 * A map keyed by a bean (Map<MessageQueue, V>), as entries [key, value] in wire order. fastjson writes the key
 * object itself as the key ({{"brokerName":"b","queueId":0,"topic":"T"}:5}); Gson-style arrays of pairs
 * ([[{...},5],...]) are read too. `identity` maps equal keys (Java equals) to the same string: a duplicate
 * replaces the value in place.
 */
export function beanMapOf<K, V>(kc: Codec<K>, vc: Codec<V>, identity: (k: K) => string): Codec<Array<[K, V]>> {
  return {
    desc: { t: 'beanMap', key: kc, of: vc },
    read(v) {
      if (v === null) return undefined;
      let pairs: [JsonValue, JsonValue][];
      if (v instanceof JsonObject) {
        pairs = v.entries.map(([k, x]) => {
          if (!(k instanceof JsonObject)) throw new ShapeError(`expected an object key, got ${keyLabel(k)}`);
          return [k, x];
        });
      } else if (Array.isArray(v)) {
        pairs = v.map((p) => {
          if (!Array.isArray(p) || p.length !== 2) throw new ShapeError('expected [key, value] pairs');
          return [p[0]!, p[1]!];
        });
      } else fail('an object', v);
      const out: Array<[K, V]> = [];
      const seen = new Map<string, number>();
      pairs.forEach(([k, x], i) => {
        try {
          const key = kc.read(k);
          const val = vc.read(x);
          if (key === undefined) throw new ShapeError('null key');
          if (val === undefined) return;
          const id = identity(key);
          const at = seen.get(id);
          if (at !== undefined) out[at]![1] = val;
          else {
            seen.set(id, out.length);
            out.push([key, val]);
          }
        } catch (e) {
          throw prefix(e, `[${i}]`);
        }
      });
      return out;
    },
    write: (m) => outMap(m.map(([k, x]) => [kc.write(k) as OutBean, vc.write(x)] as const)),
  };
}

// ------------------------------------------------------------------------------------------------ beans

type Kind = 'prim' | 'dflt' | 'req' | 'opt';
export interface FieldSpec<T, K extends Kind = Kind> {
  readonly kind: K;
  readonly codec: Codec<T>;
  /** The Java initializer (prim, dflt; for opt: the 5.x initializer of a 5.x-only property). */
  readonly make?: () => T;
}

export function prim<T>(codec: Codec<T>, initial: T): FieldSpec<T, 'prim'> {
  return { kind: 'prim', codec, make: () => initial };
}
export function dflt<T>(codec: Codec<T>, make: () => T): FieldSpec<T, 'dflt'> {
  return { kind: 'dflt', codec, make };
}
export function req<T>(codec: Codec<T>): FieldSpec<T, 'req'> {
  return { kind: 'req', codec };
}
/** A nullable property; `v5` is the Java 5.x initializer of a property 4.9.x does not have. */
export function opt<T>(codec: Codec<T>, v5?: () => T): FieldSpec<T, 'opt'> {
  return v5 === undefined ? { kind: 'opt', codec } : { kind: 'opt', codec, make: v5 };
}

/** One spec per property of T: optional properties need opt(), required ones prim/dflt/req. */
export type Specs<T> = {
  [P in keyof T]-?: undefined extends T[P]
    ? FieldSpec<Exclude<T[P], undefined>, 'opt'>
    : FieldSpec<T[P], 'prim' | 'dflt' | 'req'>;
};

/** Which Java defaults `make` applies: 5 (the 5.x bean, the default) or 4 (4.9.x: no 5.x-only properties). */
export type JavaVersion = 4 | 5;

export interface BeanCodec<T> extends Codec<T> {
  readonly specs: Specs<T>;
  /**
   * A value as `new X()` in Java would have it, overridden by `init`: primitives and initialized references at
   * their Java initializers, 5.x-only properties at their 5.x initializers (unless version 4). Throws when a
   * req property is missing from init (a programming error).
   */
  make(init: Partial<T>, version?: JavaVersion): T;
}

/** A Java bean: JSON property name -> field spec. Unknown properties are ignored. */
export function beanOf<T>(specs: Specs<T>): BeanCodec<T> {
  const keys = Object.keys(specs) as (keyof T & string)[];
  const table = specs as Record<string, FieldSpec<unknown>>;
  const fields = keys.map((k) => table[k]!);
  const indexOf = new Map<string, number>(keys.map((k, i) => [k, i]));
  return {
    specs,
    desc: { t: 'bean', specs: table },
    read(v) {
      if (v === null) return undefined;
      if (!(v instanceof JsonObject)) fail('an object', v);
      // One slot per property; a later duplicate overwrites (last duplicate wins); unknown properties are ignored.
      const found: (JsonValue | undefined)[] = new Array<JsonValue | undefined>(keys.length);
      for (const [k, x] of v.entries) {
        if (typeof k !== 'string') continue;
        const i = indexOf.get(k);
        if (i !== undefined) found[i] = x;
      }
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        const f = fields[i]!;
        const x = found[i];
        let val: unknown;
        if (x !== undefined) {
          try {
            val = f.codec.read(x);
          } catch (e) {
            throw prefix(e, key);
          }
        }
        if (val === undefined) {
          if (f.kind === 'req') throw new ShapeError('missing', [key]);
          if (f.kind === 'opt') continue;
          val = f.make!();
        }
        out[key] = val;
      }
      return out as T;
    },
    write(v) {
      const rec = v as Record<string, unknown>;
      return outBean(
        Object.fromEntries(
          keys.map((key) => {
            const x = rec[key];
            return [key, x === undefined || x === null ? undefined : table[key]!.codec.write(x)];
          }),
        ),
      );
    },
    make(init, version = 5) {
      const out: Record<string, unknown> = {};
      const rec = init as Record<string, unknown>;
      for (const key of keys) {
        const f = table[key]!;
        if (rec[key] !== undefined) out[key] = rec[key];
        else if (f.kind === 'prim' || f.kind === 'dflt' || (f.kind === 'opt' && f.make && version === 5)) out[key] = f.make!();
        else if (f.kind === 'req') throw new Error(`${key} is required`);
      }
      return out as T;
    },
  };
}

// ------------------------------------------------------------------------------------------------ bodies

export type BodyInput = Uint8Array | string | null | undefined;

/** A JSON body type: the Java class name, and decode/encode in fastjson's dialect. */
export interface Body<T> {
  readonly name: string;
  readonly codec: Codec<T>;
  /** Parses and reads a body; never throws (malformed JSON and wrong shapes are {ok:false}). */
  decode(body: BodyInput, limits?: JsonLimits): Decoded<T>;
  /** Reads an already parsed tree. */
  read(v: JsonValue): Decoded<T>;
  /** The body bytes (UTF-8). */
  encode(v: T, opts?: JsonWriteOptions): Buffer;
  /** The body text. */
  toJson(v: T, opts?: JsonWriteOptions): string;
}

function shapeText(name: string, e: ShapeError): string {
  let p = '';
  for (const seg of e.path) p += seg.startsWith('[') || p === '' ? seg : '.' + seg;
  return `${name}: ${p === '' ? '' : p + ': '}${e.message}`;
}

export function readBody<T>(name: string, codec: Codec<T>, v: JsonValue): Decoded<T> {
  try {
    const x = codec.read(v);
    if (x === undefined) return { ok: false, error: `${name}: body is null` };
    return { ok: true, value: x };
  } catch (e) {
    if (e instanceof ShapeError) return { ok: false, error: shapeText(name, e) };
    if (e instanceof ProtocolError) return { ok: false, error: `${name}: ${e.message}` };
    throw e;
  }
}

export function decodeBody<T>(name: string, codec: Codec<T>, body: BodyInput, limits?: JsonLimits): Decoded<T> {
  if (body === null || body === undefined || body.length === 0) return { ok: false, error: `${name}: no body` };
  let tree: JsonValue;
  try {
    tree = parseJson(body, limits);
  } catch (e) {
    if (e instanceof ProtocolError) return { ok: false, error: `${name}: ${e.message}` };
    throw e;
  }
  return readBody(name, codec, tree);
}

/** A body that is a single bean, with `make` (Java defaults, see BeanCodec.make). */
export interface BeanBody<T> extends Body<T> {
  readonly codec: BeanCodec<T>;
  make(init: Partial<T>, version?: JavaVersion): T;
}

export function beanBody<T>(name: string, codec: BeanCodec<T>, defaults: JsonWriteOptions = {}): BeanBody<T> {
  return { ...body(name, codec, defaults), codec, make: (init, version) => codec.make(init, version) };
}

export function body<T>(name: string, codec: Codec<T>, defaults: JsonWriteOptions = {}): Body<T> {
  return {
    name,
    codec,
    decode: (b, limits) => decodeBody(name, codec, b, limits),
    read: (v) => readBody(name, codec, v),
    toJson: (v, opts) => writeJson(codec.write(v), { ...defaults, ...opts }),
    encode: (v, opts) => javaUtf8(writeJson(codec.write(v), { ...defaults, ...opts })),
  };
}

/** Throws ProtocolError('BODY_JSON') for a failed decode, for callers that treat a bad body as a bad frame. */
export function unwrap<T>(d: Decoded<T>): T {
  if (d.ok) return d.value;
  throw new ProtocolError('BODY_JSON', d.error);
}
