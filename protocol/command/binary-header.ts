import { ProtocolError } from '../errors';
import { ByteReader } from '../codec';
import type { ByteWriter } from '../codec';
import type { RemotingCommand } from './types';
import { SerializeType } from './types';
import { FIELD_COLLECTOR } from './header-fields';

/**
 * ROCKETMQ binary header (serializeType 1). Java: RocketMQSerializable.rocketMQProtocolEncode/Decode.
 *
 *  0      2    3       5        9       13         17        17+R       21+R
 *  +------+----+-------+--------+-------+----------+---------+----------+-----------------------------+
 *  | code |lang|version| opaque | flag  |remarkLen | remark  | extLen E | E bytes of entries:         |
 *  | i16  | u8 | i16   | i32    | i32   | i32 (R)  | UTF-8   | i32      | keyLen i16, key, valLen i32,|
 *  |      |    |       |        |       | 0 = null |         | 0 = none |   value (repeated)          |
 *  +------+----+-------+--------+-------+----------+---------+----------+-----------------------------+
 *
 * code and version are int16: larger values are truncated to their low 16 bits, as Java's writeShort does.
 * A zero-length remark, key or value decodes as null in Java; Apogee drops such entries and reads the remark
 * as null.
 */
export const BIN_CODE_OFFSET = 0;
export const BIN_LANGUAGE_OFFSET = 2;
export const BIN_VERSION_OFFSET = 3;
export const BIN_OPAQUE_OFFSET = 5;
export const BIN_FLAG_OFFSET = 9;
export const BIN_REMARK_LEN_OFFSET = 13;
/** Size of the fixed part: code .. remarkLen, plus the extLen word. */
export const BIN_FIXED_SIZE = 2 + 1 + 2 + 4 + 4 + 4 + 4;

export function encodeBinaryHeader(cmd: RemotingCommand, w: ByteWriter): void {
  w.int16(cmd.code);
  w.uint8(cmd.language);
  w.int16(cmd.version);
  w.int32(cmd.opaque);
  w.int32(cmd.flag);
  if (cmd.remark !== null && cmd.remark.length > 0) {
    const at = w.reserve(4);
    w.patchInt32(at, w.utf8(cmd.remark));
  } else {
    w.int32(0);
  }
  const extAt = w.reserve(4);
  const extStart = w.pos;
  // forEach, not for..of: no [key, value] array per field.
  cmd.extFields?.forEach((v, k) => {
    const kAt = w.reserve(2);
    const kLen = w.utf8(k);
    if (kLen > 0x7fff) throw new ProtocolError('BAD_VALUE', `ext field key longer than 32767 bytes: ${k.slice(0, 40)}...`);
    w.patchInt16(kAt, kLen);
    const vAt = w.reserve(4);
    w.patchInt32(vAt, w.utf8(v));
  });
  w.patchInt32(extAt, w.pos - extStart);
}

/**
 * Ext field keys are a small vocabulary (header field names, the V2 short keys a..n) repeated in every request:
 * an ASCII key of up to EXT_KEY_CACHE_BYTES_MAX bytes is looked up by a hash of its bytes, compared byte for byte,
 * and the cached string returned, so decoding a request allocates no key strings. The cache holds at most
 * EXT_KEY_CACHE_ENTRIES_MAX keys (first seen, first kept); other keys are decoded as before.
 */
export const EXT_KEY_CACHE_BYTES_MAX = 32;
export const EXT_KEY_CACHE_ENTRIES_MAX = 1024;
const extKeyCache = new Map<number, string>();

function readExtKey(r: ByteReader, len: number): string {
  if (len > EXT_KEY_CACHE_BYTES_MAX) return r.utf8(len, 'ext key');
  r.need(len, 'ext key');
  const buf = r.buf;
  const start = r.pos;
  const end = start + len;
  let h = len;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c >= 0x80) return r.utf8(len, 'ext key');
    h = (Math.imul(h, 31) + c) | 0;
  }
  const hit = extKeyCache.get(h);
  if (hit !== undefined && hit.length === len) {
    let same = true;
    for (let i = 0; i < len; i++) {
      if (hit.charCodeAt(i) !== buf[start + i]) {
        same = false;
        break;
      }
    }
    if (same) {
      r.pos = end;
      return hit;
    }
  }
  const k = r.utf8(len, 'ext key');
  if (hit === undefined && extKeyCache.size < EXT_KEY_CACHE_ENTRIES_MAX) extKeyCache.set(h, k);
  return k;
}

/** A value of at most 8 bytes (numbers, flags, short names): ASCII is built without a native call. */
function readShortValue(r: ByteReader, len: number): string {
  r.need(len, 'ext value');
  const b = r.buf;
  const p = r.pos;
  let or = 0;
  for (let i = p; i < p + len; i++) or |= b[i]!;
  if (or >= 0x80) return r.utf8(len, 'ext value');
  r.pos = p + len;
  switch (len) {
    case 0:
      return '';
    case 1:
      return String.fromCharCode(b[p]!);
    case 2:
      return String.fromCharCode(b[p]!, b[p + 1]!);
    case 3:
      return String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!);
    case 4:
      return String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!);
    case 5:
      return String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!);
    case 6:
      return String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!);
    case 7:
      return String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!);
    default:
      return String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!);
  }
}

export function decodeBinaryHeader(buf: Buffer, start: number, end: number, fieldsMax = Number.MAX_SAFE_INTEGER): RemotingCommand {
  const headerLen = end - start;
  const r = new ByteReader(buf, start, end, 'BINARY_HEADER');
  const code = r.int16('code');
  const language = r.uint8('language');
  const version = r.int16('version');
  const opaque = r.int32('opaque');
  const flag = r.int32('flag');
  const remarkLen = r.int32('remark length');
  if (remarkLen < 0 || remarkLen > headerLen) {
    throw new ProtocolError('BINARY_HEADER', `remark length ${remarkLen} is outside the header (${headerLen} bytes)`);
  }
  const remark = remarkLen === 0 ? null : r.utf8(remarkLen, 'remark');
  const extLen = r.int32('extFields length');
  let extFields: Map<string, string> | null = null;
  if (extLen > 0) {
    if (extLen > r.remaining) {
      throw new ProtocolError(
        'BINARY_HEADER',
        `extFields length ${extLen} exceeds the ${r.remaining} header bytes left`,
      );
    }
    const extEnd = r.pos + extLen;
    const er = new ByteReader(buf, r.pos, extEnd, 'BINARY_HEADER');
    let fields = 0;
    const fc = FIELD_COLLECTOR;
    fc.start();
    while (er.pos < extEnd) {
      if (++fields > fieldsMax) throw new ProtocolError('HEADER_TOO_LARGE', `header has more than headerFieldsMax ${fieldsMax} extFields`);
      const kLen = er.int16('ext key length');
      if (kLen < 0) throw new ProtocolError('BINARY_HEADER', `negative ext key length ${kLen}`);
      const k = readExtKey(er, kLen);
      const vLen = er.int32('ext value length');
      if (vLen < 0) throw new ProtocolError('BINARY_HEADER', `negative ext value length ${vLen}`);
      const v = vLen <= 8 ? readShortValue(er, vLen) : er.utf8(vLen, 'ext value');
      if (vLen > 0 && kLen > 0) fc.add(k, v);
    }
    extFields = fc.finish();
    r.pos = extEnd;
  } else if (extLen < 0) {
    throw new ProtocolError('BINARY_HEADER', `negative extFields length ${extLen}`);
  }
  return {
    code,
    language,
    version,
    opaque,
    flag,
    remark,
    extFields,
    body: null,
    serializeType: SerializeType.ROCKETMQ,
  };
}
