import { ProtocolError } from '../errors';
import { ByteReader } from '../codec';
import type { ByteWriter } from '../codec';
import type { RemotingCommand } from './types';
import { SerializeType } from './types';

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
  if (cmd.extFields !== null) {
    for (const [k, v] of cmd.extFields) {
      const kAt = w.reserve(2);
      const kLen = w.utf8(k);
      if (kLen > 0x7fff) throw new ProtocolError('BAD_VALUE', `ext field key longer than 32767 bytes: ${k.slice(0, 40)}...`);
      w.patchInt16(kAt, kLen);
      const vAt = w.reserve(4);
      w.patchInt32(vAt, w.utf8(v));
    }
  }
  w.patchInt32(extAt, w.pos - extStart);
}

export function decodeBinaryHeader(buf: Buffer, start: number, end: number): RemotingCommand {
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
    extFields = new Map();
    const extEnd = r.pos + extLen;
    const er = new ByteReader(buf, r.pos, extEnd, 'BINARY_HEADER');
    while (er.pos < extEnd) {
      const kLen = er.int16('ext key length');
      if (kLen < 0) throw new ProtocolError('BINARY_HEADER', `negative ext key length ${kLen}`);
      const k = er.utf8(kLen, 'ext key');
      const vLen = er.int32('ext value length');
      if (vLen < 0) throw new ProtocolError('BINARY_HEADER', `negative ext value length ${vLen}`);
      const v = er.utf8(vLen, 'ext value');
      if (vLen > 0 && kLen > 0) extFields.set(k, v);
    }
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
