import { ProtocolError } from '../errors';
import type { Decoded } from '../headers';
import type { JsonLimits } from './json-parse';
import type { JsonWriteOptions } from './json-out';
import type { JsonValue } from './json-tree';
import { javaUtf8, writeJson } from './json-write';
import { parseJson } from './json-parse';
import { ShapeError, type Codec } from './schema-core';
import type { BeanCodec, JavaVersion } from './schema-beans';

/**
 * A JSON body type (Body, BeanBody): a Java class name and a codec, decoded from bytes in fastjson's dialect and
 * encoded back. Decoding never throws: malformed JSON, exceeded limits and wrong shapes become {ok:false} with a
 * message naming the body and the path ("TopicRouteData: brokerDatas[0].brokerAddrs: ..."); unwrap turns such a
 * result into ProtocolError('BODY_JSON') for callers that treat a bad body as a bad frame.
 */

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
