import { javaParseBoolean, javaParseDouble, javaParseInt, javaParseLong } from '../../protocol/codec';

/**
 * Typed configuration schemas that accept the Java property names (broker.conf, namesrv.conf), so existing files
 * load unchanged. A schema is declared once; values are parsed with Java's rules (Integer.parseInt, ...), but
 * where Java silently ignores a bad value (MixAll#properties2Object catches everything) Apogee reports it as an
 * error naming the key. Keys Java accepts but Apogee does not use are declared `inert` and listed as such;
 * keys neither knows are reported as unknown (a typo, usually), never fatal.
 */
export type PropKind = 'string' | 'int' | 'long' | 'boolean' | 'double';
type KindValue<K extends PropKind> = K extends 'string' ? string : K extends 'boolean' ? boolean : number;

export interface PropSpec<K extends PropKind = PropKind> {
  readonly kind: K;
  readonly default: KindValue<K>;
  readonly doc: string;
  /** Accepted for compatibility with Java config files; has no effect in Apogee. */
  readonly inert?: boolean;
  /** Extra validation; returns an error text or undefined. */
  readonly check?: (v: KindValue<K>) => string | undefined;
}

export const p = {
  string: (d: string, doc: string, o: Partial<PropSpec<'string'>> = {}): PropSpec<'string'> => ({ kind: 'string', default: d, doc, ...o }),
  int: (d: number, doc: string, o: Partial<PropSpec<'int'>> = {}): PropSpec<'int'> => ({ kind: 'int', default: d, doc, ...o }),
  long: (d: number, doc: string, o: Partial<PropSpec<'long'>> = {}): PropSpec<'long'> => ({ kind: 'long', default: d, doc, ...o }),
  boolean: (d: boolean, doc: string, o: Partial<PropSpec<'boolean'>> = {}): PropSpec<'boolean'> => ({ kind: 'boolean', default: d, doc, ...o }),
  double: (d: number, doc: string, o: Partial<PropSpec<'double'>> = {}): PropSpec<'double'> => ({ kind: 'double', default: d, doc, ...o }),
  inertString: (d: string, doc = 'accepted for Java compatibility; no effect in Apogee'): PropSpec<'string'> => ({ kind: 'string', default: d, doc, inert: true }),
  inertInt: (d: number, doc = 'accepted for Java compatibility; no effect in Apogee'): PropSpec<'int'> => ({ kind: 'int', default: d, doc, inert: true }),
  inertLong: (d: number, doc = 'accepted for Java compatibility; no effect in Apogee'): PropSpec<'long'> => ({ kind: 'long', default: d, doc, inert: true }),
  inertBoolean: (d: boolean, doc = 'accepted for Java compatibility; no effect in Apogee'): PropSpec<'boolean'> => ({ kind: 'boolean', default: d, doc, inert: true }),
};

export type Schema = Readonly<Record<string, PropSpec>>;
export type ConfigOf<S extends Schema> = { -readonly [K in keyof S]: KindValue<S[K]['kind']> };

export function defaults<S extends Schema>(schema: S): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(schema)) out[k] = spec.default;
  return out as ConfigOf<S>;
}

export function parseValue(key: string, spec: PropSpec, raw: string): { value?: unknown; error?: string } {
  let v: unknown;
  switch (spec.kind) {
    case 'string':
      v = raw.trim();
      break;
    case 'boolean':
      v = javaParseBoolean(raw.trim());
      if (!/^(true|false)$/i.test(raw.trim())) return { error: `${key}=${raw}: expected true or false` };
      break;
    case 'int':
      v = javaParseInt(raw.trim());
      if (v === undefined) return { error: `${key}=${raw}: expected a 32-bit integer` };
      break;
    case 'long':
      v = javaParseLong(raw.trim());
      if (v === undefined) return { error: `${key}=${raw}: expected an integer` };
      break;
    case 'double':
      v = javaParseDouble(raw.trim());
      if (v === undefined) return { error: `${key}=${raw}: expected a number` };
      break;
  }
  const bad = spec.check ? (spec.check as (x: unknown) => string | undefined)(v) : undefined;
  if (bad !== undefined) return { error: `${key}=${raw}: ${bad}` };
  return { value: v };
}

export interface ApplyResult<S extends Schema> {
  config: ConfigOf<S>;
  /** Keys no schema knows: most likely typos. */
  unknown: string[];
  /** Keys Java knows and Apogee accepts without effect. */
  inert: string[];
  /** Values that do not parse or validate, one clear line each. */
  errors: string[];
}

/**
 * Applies properties onto `base` (a copy is returned). `schemas` may list several (e.g. broker + store + netty):
 * a key belongs to the first schema that declares it; the result covers the first schema only, the others are
 * applied with applyProperties on their own.
 */
export function applyProperties<S extends Schema>(
  schema: S,
  base: ConfigOf<S>,
  props: ReadonlyMap<string, string>,
  alsoKnown: readonly Schema[] = [],
): ApplyResult<S> {
  const config = { ...base } as Record<string, unknown>;
  const unknown: string[] = [];
  const inert: string[] = [];
  const errors: string[] = [];
  for (const [key, raw] of props) {
    const spec = schema[key];
    if (spec === undefined) {
      if (!alsoKnown.some((s) => s[key] !== undefined)) unknown.push(key);
      continue;
    }
    const r = parseValue(key, spec, raw);
    if (r.error !== undefined) errors.push(r.error);
    else config[key] = r.value;
    if (spec.inert) inert.push(key);
  }
  return { config: config as ConfigOf<S>, unknown, inert, errors };
}

function formatValue(spec: PropSpec, v: unknown): string {
  if (spec.kind === 'double') {
    const n = v as number;
    return Number.isInteger(n) ? n.toFixed(1) : String(n);
  }
  return String(v);
}

/** key/value pairs of a config, as Java prints them (MixAll#printObjectProperties, GET_*_CONFIG bodies). */
export function configEntries<S extends Schema>(schema: S, config: ConfigOf<S>): [string, string][] {
  return Object.keys(schema).map((k) => [k, formatValue(schema[k]!, (config as Record<string, unknown>)[k])]);
}
