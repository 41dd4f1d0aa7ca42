import { list as outList, map as outMap, prim as outPrim, set as outSet, type OutBean, type OutKey } from './json-out';
import { JsonObject, type JsonKey, type JsonValue } from './json-tree';
import { fail, keyLabel, prefix, ShapeError, type Codec } from './schema-core';
import { INT_TEXT } from './schema-scalars';

/**
 * Collection codecs: listOf (java.util.List), setOf (java.util.Set), primArrayOf (long[] and friends), mapOf
 * (java.util.Map with string or integer keys, KeyCodec) and beanMapOf (Map<MessageQueue, V>, keyed by a bean).
 * Wire order is kept; null elements are dropped; a duplicate map key replaces the value in place (HashMap.put).
 * Errors carry the element's index or key in their path.
 */

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
