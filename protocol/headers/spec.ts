import { javaDoubleToString, javaParseBoolean, javaParseDouble, javaParseInt, javaParseLong } from '../codec';
import { HeaderFields } from '../command';

/**
 * The custom-header DSL. A header is declared ONCE, as a table of its Java fields in Java declaration order
 * (subclass first, then inherited fields), with:
 *  - the Java field name, which IS the wire key (typos included: proxyFrowardClientId),
 *  - the value kind and whether Java declares it primitive (int/long/boolean: always sent, default 0/false),
 *  - whether Java marks it @CFNotNull (required),
 *  - for SendMessageRequestHeader, the V2 short key (a..n) used by SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE.
 * TypeScript value types are derived from the table; encode/decode/validate are generic over it.
 */
export type FieldKind = 'string' | 'int' | 'long' | 'boolean' | 'double';

export interface FieldSpec<K extends FieldKind = FieldKind, R extends boolean = boolean> {
  readonly kind: K;
  /** @CFNotNull in Java, or a primitive: the decoded value is always present. */
  readonly required: R;
  /** Java primitive type: absent on the wire decodes as 0/false (no error), and encode always writes it. */
  readonly primitive: boolean;
  /** @CFNotNull: absence is an error. */
  readonly notNull: boolean;
  /** Short key in SendMessageRequestHeaderV2 (only for SendMessageRequestHeader fields). */
  readonly v2?: string;
  /** Java field initializer (e.g. `boolean committed = true`): the value when absent, always encoded. */
  readonly default?: string | number | boolean;
  /** Free-form note: the 4.9.x difference, the enum values, a quirk. */
  readonly note?: string;
}

type Opts = { v2?: string; note?: string; default?: string | number | boolean };

/** Optional boxed field (Java `Integer x;`). */
export function opt<K extends FieldKind>(kind: K, o: Opts = {}): FieldSpec<K, false> {
  return { kind, required: false, primitive: false, notNull: false, ...o };
}
/** @CFNotNull boxed field. */
export function req<K extends FieldKind>(kind: K, o: Opts = {}): FieldSpec<K, true> {
  return { kind, required: true, primitive: false, notNull: true, ...o };
}
/** Boxed field with a Java initializer (`Boolean order = false;`): present unless a peer sends nothing. */
export function dflt<K extends FieldKind>(kind: K, value: KindValue<K>, o: Opts & { notNull?: boolean } = {}): FieldSpec<K, true> {
  return { kind, required: true, primitive: false, ...o, notNull: o.notNull ?? false, default: value };
}
/** Java primitive (`int x;`, `boolean x;`), not @CFNotNull. */
export function prim<K extends FieldKind>(kind: K, o: Opts = {}): FieldSpec<K, true> {
  return { kind, required: true, primitive: true, notNull: false, ...o };
}
/** Java primitive with @CFNotNull. */
export function primReq<K extends FieldKind>(kind: K, o: Opts = {}): FieldSpec<K, true> {
  return { kind, required: true, primitive: true, notNull: true, ...o };
}

export type Fields = Readonly<Record<string, FieldSpec>>;

export interface HeaderSpec<F extends Fields = Fields> {
  /** Java simple class name (5.x), e.g. 'PullMessageRequestHeader'. */
  readonly name: string;
  readonly fields: F;
  /** Java implements FastCodesHeader: ROCKETMQ binary encodes these keys first, in table order. */
  readonly fastCodes: boolean;
  /** Field names in table order (cached). */
  readonly keys: readonly string[];
}

type KindValue<K> = K extends 'string' ? string : K extends 'boolean' ? boolean : number;
type RequiredKeys<F extends Fields> = { [P in keyof F]: F[P]['required'] extends true ? P : never }[keyof F];
type OptionalKeys<F extends Fields> = Exclude<keyof F, RequiredKeys<F>>;

/** The decoded value of a header: required fields are present, optional ones may be undefined. */
export type HeaderValue<F extends Fields> = { -readonly [P in RequiredKeys<F>]: KindValue<F[P]['kind']> } & {
  -readonly [P in OptionalKeys<F>]?: KindValue<F[P]['kind']>;
};
export type ValueOf<H> = H extends HeaderSpec<infer F> ? HeaderValue<F> : never;

export function header<F extends Fields>(name: string, fields: F, o: { fastCodes?: boolean } = {}): HeaderSpec<F> {
  return { name, fields, fastCodes: o.fastCodes ?? false, keys: Object.keys(fields) };
}

/** Result of decoding: a value, or an error text a client can act on (Java's own wording where it has one). */
export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

function parseField(spec: FieldSpec, key: string, raw: string): unknown | Error {
  switch (spec.kind) {
    case 'string':
      return raw;
    case 'int': {
      const v = javaParseInt(raw);
      return v === undefined ? new Error(`the custom field <${key}> is not an int: "${raw}"`) : v;
    }
    case 'long': {
      const v = javaParseLong(raw);
      return v === undefined ? new Error(`the custom field <${key}> is not a long: "${raw}"`) : v;
    }
    case 'boolean':
      return javaParseBoolean(raw);
    case 'double': {
      const v = javaParseDouble(raw);
      return v === undefined ? new Error(`the custom field <${key}> is not a double: "${raw}"`) : v;
    }
  }
}

const DEFAULTS: Record<FieldKind, unknown> = { string: undefined, int: 0, long: 0, boolean: false, double: 0 };

/**
 * Decodes ext fields into a typed header. A missing @CFNotNull field or a number that does not parse is an error
 * with Java's wording ("the custom field <topic> is null"); Java itself only logs a missing field and fails
 * later with a NullPointerException, so this is strictly clearer for the client. Unknown keys are ignored.
 * `keyOf` maps a field to its wire key (identity, or the V2 short key).
 */
export function decodeHeader<F extends Fields>(
  spec: HeaderSpec<F>,
  ext: ReadonlyMap<string, string> | null,
  keyOf?: (field: string, s: FieldSpec) => string,
): Decoded<HeaderValue<F>> {
  const out: Record<string, unknown> = {};
  for (const name of spec.keys) {
    const f = spec.fields[name]!;
    const key = keyOf ? keyOf(name, f) : name;
    const raw = ext === null ? undefined : ext.get(key);
    if (raw === undefined) {
      if (f.notNull) return { ok: false, error: `the custom field <${key}> is null` };
      if (f.default !== undefined) out[name] = f.default;
      else if (f.primitive) out[name] = DEFAULTS[f.kind];
      continue;
    }
    const v = parseField(f, key, raw);
    if (v instanceof Error) return { ok: false, error: v.message };
    out[name] = v;
  }
  return { ok: true, value: out as HeaderValue<F> };
}

function formatField(kind: FieldKind, v: unknown): string {
  switch (kind) {
    case 'string':
      return v as string;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'double':
      return javaDoubleToString(v as number);
    default:
      return String(v);
  }
}

/**
 * Encodes a typed header into ext fields (String.valueOf of each non-null field, in table order). Fields that
 * are undefined or null are omitted, as Java omits null fields; primitives are always written.
 */
export function encodeHeader<F extends Fields>(
  spec: HeaderSpec<F>,
  value: Partial<HeaderValue<F>>,
  into: Map<string, string> = HeaderFields.empty(),
  keyOf?: (field: string, s: FieldSpec) => string,
): Map<string, string> {
  const rec = value as Record<string, unknown>;
  for (const name of spec.keys) {
    const f = spec.fields[name]!;
    let v = rec[name];
    if (v === undefined || v === null) {
      if (f.default !== undefined) v = f.default;
      else if (f.primitive) v = DEFAULTS[f.kind];
      if (v === undefined) continue;
    }
    into.set(keyOf ? keyOf(name, f) : name, formatField(f.kind, v));
  }
  return into;
}
