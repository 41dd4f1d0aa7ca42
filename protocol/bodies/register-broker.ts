import { deflateSync, inflateSync, constants as zconst } from 'node:zlib';
import { MQVersionGate } from '../codes';
import type { Decoded } from '../headers';
import { javaUtf8, jsonBytesMax, parseJson, writeJson, type JsonDialect, type JsonLimits } from './json';
import {
  beanBody,
  beanOf,
  dflt,
  listOf,
  mapOf,
  readBody,
  str,
  stringKey,
  ShapeError,
  type BodyInput,
} from './schema';
import {
  dataVersion,
  topicConfigAndMappingSerializeWrapper,
  topicQueueMappingInfo,
  TopicFilterTypes,
  type TopicConfig,
  type TopicConfigAndMappingSerializeWrapper,
  type TopicFilterType,
  type TopicQueueMappingInfo,
} from './topic';

/**
 * REGISTER_BROKER (103) body. Java: remoting/.../protocol/body/RegisterBrokerBody.java (4.9.x:
 * common/.../protocol/body/RegisterBrokerBody.java).
 *
 * Plain form (compressed=false, the upstream default): JSON
 *   {"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{...},"topicConfigTable":{...}, 5.x: ...}}
 *
 * Compressed form (compressed=true): a zlib stream (DeflaterOutputStream, Deflater.BEST_COMPRESSION) of
 *
 *   +---------+---------------------------+   DataVersion as compact JSON
 *   | int32 n | n bytes DataVersion JSON  |
 *   +---------+---------------------------+
 *   | int32 t |                               number of topics
 *   +---------+---------------------------+   t times: TopicConfig.encode(), UTF-8:
 *   | int32 n | n bytes topic line        |     "name read write perm filterType"          (4.9.x)
 *   +---------+---------------------------+     "name read write perm filterType attrsJSON" (5.x; a trailing
 *   | int32 n | n bytes filterServerList  |      space when attributes is null)
 *   +---------+---------------------------+   JSON array of strings
 *   | int32 m |                               5.x (decoded only when the broker version >= V5_0_0):
 *   +---------+---------------------------+   m times: TopicQueueMappingInfo JSON
 *   | int32 n | n bytes mapping JSON      |
 *   +---------+---------------------------+
 *
 * All int32 are big-endian. The topic line loses topicSysFlag and order (they decode as 0/false), exactly as
 * upstream. 4.9.x requires exactly 5 fields in a topic line, so a 4.9.x NameServer must get version 4 lines.
 */
export interface RegisterBrokerBody {
  filterServerList: string[];
  topicConfigSerializeWrapper: TopicConfigAndMappingSerializeWrapper;
}

export const registerBrokerBody = beanOf<RegisterBrokerBody>({
  filterServerList: dflt(listOf(str), () => []),
  topicConfigSerializeWrapper: dflt(topicConfigAndMappingSerializeWrapper, () => topicConfigAndMappingSerializeWrapper.make({})),
});
export const RegisterBrokerBody = beanBody('RegisterBrokerBody', registerBrokerBody);

/** Largest inflated compressed RegisterBrokerBody accepted, in bytes (zip-bomb guard). */
export const registerBodyInflatedBytesMax = jsonBytesMax;

export interface CompressOptions {
  /** 5 (default): attributes in topic lines and the mapping section; 4: the 4.9.x format. */
  version?: 4 | 5;
  /** JSON dialect of the embedded JSON (default fastjson2). */
  dialect?: JsonDialect;
}

/** TopicConfig.encode() (Java): the compressed-body topic line. */
export function encodeTopicLine(t: TopicConfig, version: 4 | 5 = 5, dialect: JsonDialect = 'fastjson2'): string {
  const base = `${t.topicName} ${t.readQueueNums} ${t.writeQueueNums} ${t.perm} ${t.topicFilterType}`;
  if (version === 4) return base;
  const attrs = t.attributes === undefined ? '' : writeJson(mapOf(stringKey, str).write(t.attributes), { dialect });
  return base + ' ' + attrs;
}

/** Java String.split(" "): split on every space, trailing empty strings removed. */
function javaSplitSpace(s: string): string[] {
  const parts = s.split(' ');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function parseJavaInt(s: string, what: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new ShapeError(`${what} is not an int: ${JSON.stringify(s)}`);
  const v = Number(s);
  if (v < -2147483648 || v > 2147483647) throw new ShapeError(`${what} is out of range: ${s}`);
  return v;
}

/** TopicConfig.decode(String) (Java 5.x; 4.9.x lines have no attributes). */
export function decodeTopicLine(line: string): TopicConfig {
  const p = javaSplitSpace(line);
  if (p.length < 5) throw new ShapeError(`topic line has ${p.length} fields, need 5: ${JSON.stringify(line.slice(0, 80))}`);
  const filter = p[4]!;
  if (!(TopicFilterTypes as readonly string[]).includes(filter)) throw new ShapeError(`unknown topicFilterType ${JSON.stringify(filter)}`);
  const t: TopicConfig = {
    order: false,
    perm: parseJavaInt(p[3]!, 'perm'),
    readQueueNums: parseJavaInt(p[1]!, 'readQueueNums'),
    topicFilterType: filter as TopicFilterType,
    topicName: p[0]!,
    topicSysFlag: 0,
    writeQueueNums: parseJavaInt(p[2]!, 'writeQueueNums'),
  };
  if (p.length >= 6) {
    // Java ignores attributes that fail to parse (a space inside them splits the JSON).
    try {
      const m = mapOf(stringKey, str).read(parseJson(p[5]!));
      if (m !== undefined) t.attributes = m;
    } catch {
      /* ignored, as upstream */
    }
  }
  return t;
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n, 0);
  return b;
}

function chunk(s: string): Buffer[] {
  const b = javaUtf8(s);
  return [int32(b.length), b];
}

/** The inflated payload of the compressed form (exposed for tests and diagnostics). */
export function compressedPayload(v: RegisterBrokerBody, opts: CompressOptions = {}): Buffer {
  const version = opts.version ?? 5;
  const dialect = opts.dialect ?? 'fastjson2';
  const w = v.topicConfigSerializeWrapper;
  const parts: Buffer[] = [...chunk(writeJson(dataVersion.write(w.dataVersion), { dialect }))];
  parts.push(int32(w.topicConfigTable.size));
  for (const t of w.topicConfigTable.values()) parts.push(...chunk(encodeTopicLine(t, version, dialect)));
  parts.push(...chunk(writeJson(listOf(str).write(v.filterServerList), { dialect })));
  if (version === 5) {
    const infos = w.topicQueueMappingInfoMap ?? new Map<string, TopicQueueMappingInfo>();
    parts.push(int32(infos.size));
    for (const info of infos.values()) parts.push(...chunk(writeJson(topicQueueMappingInfo.write(info), { dialect })));
  }
  return Buffer.concat(parts);
}

/** RegisterBrokerBody.encode(true): the compressed form. */
export function encodeRegisterBrokerBodyCompressed(v: RegisterBrokerBody, opts: CompressOptions = {}): Buffer {
  return deflateSync(compressedPayload(v, opts), { level: zconst.Z_BEST_COMPRESSION });
}

export interface DecompressOptions {
  /**
   * The sender's command version (MQVersion ordinal). As upstream, the mapping section is read only when it is
   * >= V5_0_0; when omitted, it is read if bytes remain.
   */
  brokerVersion?: number;
  /** Bound on the inflated size (default registerBodyInflatedBytesMax) and on the embedded JSON. */
  limits?: JsonLimits;
}

class Cursor {
  pos = 0;
  constructor(readonly b: Buffer) {}
  int(what: string): number {
    if (this.pos + 4 > this.b.length) throw new ShapeError(`truncated at ${what}`);
    const v = this.b.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(n: number, what: string): Buffer {
    if (n < 0 || this.pos + n > this.b.length) throw new ShapeError(`truncated ${what}: need ${n} bytes at ${this.pos}`);
    const s = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  text(what: string): string {
    return this.bytes(this.int(`${what} length`), what).toString('utf8');
  }
}

function must<T>(d: Decoded<T>): T {
  if (!d.ok) throw new ShapeError(d.error);
  return d.value;
}

function jsonAt(text: string, what: string, limits?: JsonLimits) {
  try {
    return parseJson(text, limits);
  } catch (e) {
    throw new ShapeError(`${what}: ${(e as Error).message}`);
  }
}

/** RegisterBrokerBody.decode(data, compressed=true, brokerVersion). Never throws. */
export function decodeRegisterBrokerBodyCompressed(data: BodyInput, opts: DecompressOptions = {}): Decoded<RegisterBrokerBody> {
  const name = 'RegisterBrokerBody(compressed)';
  if (data === null || data === undefined || data.length === 0) return { ok: false, error: `${name}: no body` };
  let payload: Buffer;
  try {
    const input = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    payload = inflateSync(input, { maxOutputLength: opts.limits?.bytesMax ?? registerBodyInflatedBytesMax });
  } catch (e) {
    return { ok: false, error: `${name}: inflate failed: ${(e as Error).message}` };
  }
  return decodeInflatedRegisterBody(payload, opts);
}

/** The compressed form's inflated payload (see the layout above) decoded. Never throws. */
export function decodeInflatedRegisterBody(payload: Buffer, opts: DecompressOptions = {}): Decoded<RegisterBrokerBody> {
  const name = 'RegisterBrokerBody(compressed)';
  try {
    const c = new Cursor(payload);
    const dv = must(readBody('DataVersion', dataVersion, jsonAt(c.text('dataVersion'), 'DataVersion', opts.limits)));
    const count = c.int('topic count');
    if (count < 0 || count > payload.length / 4) throw new ShapeError(`bad topic count ${count}`);
    const table = new Map<string, TopicConfig>();
    for (let i = 0; i < count; i++) {
      const t = decodeTopicLine(c.text(`topic line ${i}`));
      table.set(t.topicName, t);
    }
    const fsText = c.text('filterServerList');
    let filterServerList: string[] = [];
    try {
      filterServerList = listOf(str).read(parseJson(fsText, opts.limits)) ?? [];
    } catch {
      /* upstream logs and keeps an empty list */
    }
    const wrapper: TopicConfigAndMappingSerializeWrapper = { dataVersion: dv, topicConfigTable: table };
    const readMapping =
      opts.brokerVersion === undefined ? c.pos + 4 <= payload.length : opts.brokerVersion >= MQVersionGate.V5_0_0;
    if (readMapping) {
      const m = c.int('mapping count');
      if (m < 0 || m > payload.length / 4) throw new ShapeError(`bad mapping count ${m}`);
      const infos = new Map<string, TopicQueueMappingInfo>();
      for (let i = 0; i < m; i++) {
        const info = must(readBody('TopicQueueMappingInfo', topicQueueMappingInfo, jsonAt(c.text(`mapping ${i}`), 'TopicQueueMappingInfo', opts.limits)));
        infos.set(info.topic ?? '', info);
      }
      wrapper.topicQueueMappingInfoMap = infos;
      // As the 5.x RegisterBrokerBody() a 5.x NameServer decodes into; mappingDataVersion is not carried (Java
      // puts a fresh wall-clock DataVersion there) and stays undefined.
      wrapper.topicQueueMappingDetailMap = new Map();
    }
    return { ok: true, value: { filterServerList, topicConfigSerializeWrapper: wrapper } };
  } catch (e) {
    if (e instanceof ShapeError) return { ok: false, error: `${name}: ${e.message}` };
    return { ok: false, error: `${name}: ${(e as Error).message}` };
  }
}

/** Decodes either form, as the NameServer does from the request header's `compressed` flag. */
export function decodeRegisterBrokerBody(
  data: BodyInput,
  compressed: boolean,
  opts: DecompressOptions = {},
): Decoded<RegisterBrokerBody> {
  return compressed ? decodeRegisterBrokerBodyCompressed(data, opts) : RegisterBrokerBody.decode(data, opts.limits);
}
