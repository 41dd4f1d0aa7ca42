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

// The language lives in: schema-core.ts (Codec, FieldSpec, ShapeError), schema-scalars.ts, schema-collections.ts,
// schema-beans.ts (beanOf and the field kinds), schema-body.ts (Body: decode/encode a whole body). This file only
// re-exports them.

export { ShapeError } from './schema-core';
export type { Desc, Codec, FieldSpec } from './schema-core';
export { int, long, bigLong, double, bool, str, enumOf, anyJson } from './schema-scalars';
export { listOf, setOf, primArrayOf, stringKey, numberKey, mapOf, beanMapOf } from './schema-collections';
export type { KeyCodec } from './schema-collections';
export { prim, dflt, req, opt, beanOf } from './schema-beans';
export type { Specs, JavaVersion, BeanCodec } from './schema-beans';
export { readBody, decodeBody, beanBody, body, unwrap } from './schema-body';
export type { BodyInput, Body, BeanBody } from './schema-body';
