import { bean as outBean } from './json-out';
import { JsonObject, type JsonValue } from './json-tree';
import { fail, prefix, ShapeError, type Codec, type FieldSpec } from './schema-core';

/**
 * Java beans: the field-spec constructors prim / dflt / req / opt (their meaning is in schema.ts), the Specs type
 * that checks a spec table against the TypeScript type, and beanOf, the codec of a bean: unknown properties are
 * ignored, a later duplicate wins, missing ones follow the spec's kind, and `make` builds a value as Java's
 * `new X()` would (4.9.x or 5.x defaults).
 */

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
