import { dbl, outOf } from './json-out';
import type { JsonValue } from './json-tree';
import { fail, ShapeError, type Codec } from './schema-core';

/**
 * Scalar codecs with fastjson's leniency: int, long (JS number), bigLong (bigint), double, bool, str, enumOf, and
 * anyJson (passthrough). Numbers are read from strings and strings from numbers, booleans from 1/0, "true", "y",
 * enums by name (also in another case) or ordinal; an empty string reads as absent (fastjson: null); an integer
 * beyond the Java type's range is a ShapeError.
 */

export const INT_TEXT = /^\s*[+-]?\d+\s*$/;
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
