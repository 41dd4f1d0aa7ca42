import { ProtocolError } from '../errors';
import { ByteWriter } from '../codec';
import { LanguageCode } from '../codes';
import { decodeBinaryHeader, encodeBinaryHeader } from './binary-header';
import { decodeJsonHeader, encodeJsonHeader } from './json-header';
import type { JsonDialect } from './json-string';
import type { RemotingCommand } from './types';
import { FLAG_ONEWAY, FLAG_RESPONSE, SerializeType } from './types';

/**
 * Frame = RemotingCommand on the wire (Java: RemotingCommand.decode, fastEncodeHeader; NettyEncoder):
 *
 *  0             4               8                 8+H              8+H+B
 *  +-------------+---------------+-----------------+----------------+
 *  | totalLength | headerLenWord | header (H)      | body (B)       |
 *  | int32 BE    | int32 BE      | JSON or ROCKETMQ| opaque bytes   |
 *  +-------------+---------------+-----------------+----------------+
 *
 *  totalLength   = 4 + H + B   (excludes its own 4 bytes)
 *  headerLenWord = serializeType << 24 | H   (H < 2^24)
 */
export const FRAME_LENGTH_SIZE = 4;
export const FRAME_HEADER_WORD_SIZE = 4;
export const FRAME_PREFIX_SIZE = FRAME_LENGTH_SIZE + FRAME_HEADER_WORD_SIZE;
export const HEADER_LENGTH_MAX = 0xffffff;

const shared = new ByteWriter(4096);

/**
 * Encodes the frame prefix and header; the body is NOT copied. Returns [prefixAndHeader, ...body] (the body, or
 * each of `bodyParts`, empty ones left out) so the transport can write them all with one writev. The first buffer
 * is freshly allocated.
 */
export function encodeCommandParts(cmd: RemotingCommand, dialect: JsonDialect = 'fastjson2'): Buffer[] {
  const w = shared.reset();
  w.reserve(FRAME_PREFIX_SIZE);
  if (cmd.serializeType === SerializeType.ROCKETMQ) {
    encodeBinaryHeader(cmd, w);
  } else {
    w.bytes(encodeJsonHeader(cmd, dialect));
  }
  const headerLen = w.pos - FRAME_PREFIX_SIZE;
  if (headerLen > HEADER_LENGTH_MAX) {
    throw new ProtocolError('BAD_VALUE', `header of ${headerLen} bytes exceeds the 16 MiB header limit`);
  }
  const parts = cmd.bodyParts;
  let bodyLen = 0;
  if (parts !== undefined) {
    for (let i = 0; i < parts.length; i++) bodyLen += parts[i]!.length;
  } else if (cmd.body !== null) {
    bodyLen = cmd.body.length;
  }
  w.patchInt32(0, FRAME_HEADER_WORD_SIZE + headerLen + bodyLen);
  w.patchInt32(4, (cmd.serializeType << 24) | headerLen);
  const out = [w.finish()];
  if (bodyLen === 0) return out;
  if (parts === undefined) {
    out.push(cmd.body!);
    return out;
  }
  for (let i = 0; i < parts.length; i++) if (parts[i]!.length > 0) out.push(parts[i]!);
  return out;
}

/** Encodes a whole frame into one buffer (copies the body). */
export function encodeCommand(cmd: RemotingCommand, dialect: JsonDialect = 'fastjson2'): Buffer {
  const parts = encodeCommandParts(cmd, dialect);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/**
 * Bounds on one header, checked before (bytes) and while (fields) it is parsed, so that a hostile frame costs
 * the event loop at most a few ms. Java has neither (RemotingCommand#decode only checks that the header fits the
 * frame; RocketMQSerializable#mapDeserialize reads fields until the header ends): these are Apogee's own.
 */
export interface HeaderLimits {
  /** Largest header accepted, in bytes (the legitimate ones are a few KiB: message properties are < 32 KiB). */
  headerBytesMax: number;
  /** Most extFields entries in one header (the largest Java request header has a few dozen fields). */
  headerFieldsMax: number;
}

export const DEFAULT_HEADER_LIMITS: HeaderLimits = { headerBytesMax: 1024 * 1024, headerFieldsMax: 1024 };
const UNBOUNDED: HeaderLimits = { headerBytesMax: HEADER_LENGTH_MAX, headerFieldsMax: Number.MAX_SAFE_INTEGER };

/**
 * Decodes one frame given WITHOUT its 4-byte totalLength prefix (what FrameDecoder yields): the header length
 * word, the header and the body. The body is a subarray of `payload` (no copy).
 */
export function decodeCommand(payload: Buffer, limits: HeaderLimits = UNBOUNDED): RemotingCommand {
  if (payload.length < FRAME_HEADER_WORD_SIZE) {
    throw new ProtocolError('FRAME_TOO_SMALL', `frame of ${payload.length} bytes has no header length word`);
  }
  const word = payload.readInt32BE(0);
  const type = (word >>> 24) & 0xff;
  const headerLen = word & HEADER_LENGTH_MAX;
  const headerEnd = FRAME_HEADER_WORD_SIZE + headerLen;
  if (headerEnd > payload.length) {
    throw new ProtocolError(
      'HEADER_LENGTH',
      `header length ${headerLen} exceeds the frame (${payload.length - FRAME_HEADER_WORD_SIZE} bytes after the length word)`,
    );
  }
  if (headerLen > limits.headerBytesMax) {
    throw new ProtocolError('HEADER_TOO_LARGE', `header of ${headerLen} bytes exceeds headerBytesMax ${limits.headerBytesMax}`);
  }
  let cmd: RemotingCommand;
  if (type === SerializeType.JSON) cmd = decodeJsonHeader(payload, FRAME_HEADER_WORD_SIZE, headerEnd, limits.headerFieldsMax);
  else if (type === SerializeType.ROCKETMQ) cmd = decodeBinaryHeader(payload, FRAME_HEADER_WORD_SIZE, headerEnd, limits.headerFieldsMax);
  else throw new ProtocolError('SERIALIZE_TYPE', `unknown serialize type ${type} (expected 0 JSON or 1 ROCKETMQ)`);
  if (headerEnd < payload.length) cmd.body = payload.subarray(headerEnd);
  return cmd;
}

/** Decodes a whole frame including its totalLength prefix (e.g. a fixture file). */
export function decodeFrame(frame: Buffer): RemotingCommand {
  if (frame.length < FRAME_LENGTH_SIZE) {
    throw new ProtocolError('FRAME_TOO_SMALL', `frame of ${frame.length} bytes has no length`);
  }
  const total = frame.readInt32BE(0);
  if (total !== frame.length - FRAME_LENGTH_SIZE) {
    throw new ProtocolError('HEADER_LENGTH', `frame length field ${total} does not match ${frame.length - 4} bytes`);
  }
  return decodeCommand(frame.subarray(FRAME_LENGTH_SIZE));
}

export interface RequestInit {
  code: number;
  opaque: number;
  version: number;
  extFields?: Map<string, string> | null;
  body?: Buffer | null;
  remark?: string | null;
  oneway?: boolean;
  serializeType?: SerializeType;
  language?: number;
}

export function createRequest(init: RequestInit): RemotingCommand {
  return {
    code: init.code,
    language: init.language ?? LanguageCode.JAVA,
    version: init.version,
    opaque: init.opaque,
    flag: init.oneway ? FLAG_ONEWAY : 0,
    remark: init.remark ?? null,
    extFields: init.extFields ?? null,
    body: init.body ?? null,
    serializeType: init.serializeType ?? SerializeType.JSON,
  };
}

/**
 * A response to `request`: same opaque, response flag, and the request's serialization (Apogee mirrors the
 * caller; Java servers answer in their own configured type, which clients accept either way).
 */
export function createResponse(
  request: RemotingCommand,
  code: number,
  remark: string | null,
  version: number,
  extFields: Map<string, string> | null = null,
  body: Buffer | null = null,
): RemotingCommand {
  return {
    code,
    language: LanguageCode.JAVA,
    version,
    opaque: request.opaque,
    flag: FLAG_RESPONSE,
    remark,
    extFields,
    body,
    serializeType: request.serializeType,
  };
}
