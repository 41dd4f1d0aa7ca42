import { JsonObject, type JsonKey, type JsonValue } from './json-tree';
import type { Out } from './json-out';

/**
 * The schema language's core (see schema.ts for the language): a Codec reads a parsed JSON value into a
 * TypeScript value and writes it back as a fastjson output tree, and describes itself as data (Desc); a FieldSpec
 * is one bean property (prim / dflt / req / opt). ShapeError carries the path to a value of the wrong shape;
 * fail/prefix/keyLabel build it. Shared by schema-scalars.ts, schema-collections.ts, schema-beans.ts and
 * schema-body.ts, and imports none of them.
 */

export class ShapeError extends Error {
  constructor(
    message: string,
    readonly path: string[] = [],
  ) {
    super(message);
  }
}

export function describe(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof JsonObject) return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v);
  return String(v);
}

export function fail(expected: string, v: JsonValue): never {
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

export type Kind = 'prim' | 'dflt' | 'req' | 'opt';
export interface FieldSpec<T, K extends Kind = Kind> {
  readonly kind: K;
  readonly codec: Codec<T>;
  /** The Java initializer (prim, dflt; for opt: the 5.x initializer of a 5.x-only property). */
  readonly make?: () => T;
}

export function prefix(e: unknown, seg: string): unknown {
  if (e instanceof ShapeError) {
    e.path.unshift(seg);
    return e;
  }
  return e;
}

export function keyLabel(k: JsonKey): string {
  return k instanceof JsonObject ? '{...}' : JSON.stringify(String(k));
}
