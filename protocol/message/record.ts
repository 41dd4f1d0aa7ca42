import { ProtocolError } from '../errors';
import { get16, get32, get64, put16, put32, put64 } from './bytes';
import { bodyCrc as computeBodyCrc, crc32 } from './crc';
import type { HostAddress } from './host';
import {
  BLANK_MAGIC_CODE,
  BLANK_RECORD_SIZE,
  IPV4_SIZE,
  IPV6_SIZE,
  MessageSysFlag,
  type MessageVersion,
  MSG_BODY_CRC_OFFSET,
  MSG_BORN_HOST_OFFSET,
  MSG_BORN_TIMESTAMP_OFFSET,
  MSG_FLAG_OFFSET,
  MSG_MAGIC_CODE_OFFSET,
  MSG_PHYSICAL_OFFSET_OFFSET,
  MSG_QUEUE_ID_OFFSET,
  MSG_QUEUE_OFFSET_OFFSET,
  MSG_SIZE_MIN,
  MSG_SYS_FLAG_OFFSET,
  MSG_TOTAL_SIZE_OFFSET,
  PROPERTIES_BYTES_MAX,
  TOPIC_BYTES_MAX_V1,
  TOPIC_BYTES_MAX_V2,
  bodyLengthOffset,
  bornHostSize,
  magicOfVersion,
  preparedTransactionOffsetOffset,
  reconsumeTimesOffset,
  storeHostOffset,
  storeHostSize,
  storeTimestampOffset,
  storedMessageSize,
  versionOfMagic,
} from './layout';

/**
 * Encode, decode, peek and patch of the stored message record; the byte layout is in layout.ts.
 *
 * Three levels, from safe to fast:
 *  - encodeStoredMessage / decodeStoredMessage: typed values; every length, bound and magic is checked and any
 *    fault is a ProtocolError('MESSAGE').
 *  - scanRecord: validates a record in place (the same checks as decode) and fills a caller-owned RecordScan with
 *    the positions of its variable parts. No allocation: the store's recovery and dispatch path.
 *  - peek / patch: read or write one field of a record that is known to be well-formed (just encoded, or scanned).
 *    No checks and no allocation (plain byte indexing): on a record that is not well-formed, or a buffer that is too
 *    short, a peek returns garbage and a patch writes nothing past the end.
 *    The broker encodes a record once when a send arrives, then patches QUEUEOFFSET, PHYSICALOFFSET and
 *    STORETIMESTAMP when it appends (Java: CommitLog$DefaultAppendMessageCallback#doAppend).
 */

/** A decoded record. Buffers are views into the decoded input (no copy): copy them to keep them longer. */
export interface StoredMessage {
  version: MessageVersion;
  bodyCrc: number;
  queueId: number;
  flag: number;
  queueOffset: number;
  /** PHYSICALOFFSET: the commit log offset of the record (Java: MessageExt#commitLogOffset). */
  physicalOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: HostAddress;
  storeTimestamp: number;
  storeHost: HostAddress;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  /** The body as stored (still compressed when sysFlag has COMPRESSED_FLAG). */
  body: Buffer;
  topic: string;
  /** The raw properties string as stored; parseProperties() gives the map. */
  properties: string;
}

/** What encodeStoredMessage needs; omitted numbers are 0. */
export interface StoredMessageInit {
  /** Default: 1 (V1) unless the topic is longer than 127 UTF-8 bytes, then 2 (5.x autoMessageVersionOnTopicLen). */
  version?: MessageVersion;
  /** Default: computed from the body (crc32 & 0x7fffffff). */
  bodyCrc?: number;
  queueId: number;
  flag?: number;
  queueOffset?: number;
  physicalOffset?: number;
  /**
   * Written as given except the host bits: BORNHOST_V6_FLAG and STOREHOSTADDRESS_V6_FLAG are set from the address
   * sizes (as the Java broker does from the socket address: CommitLog#asyncPutMessage).
   */
  sysFlag?: number;
  bornTimestamp: number;
  bornHost: HostAddress;
  storeTimestamp?: number;
  storeHost: HostAddress;
  reconsumeTimes?: number;
  preparedTransactionOffset?: number;
  body: Uint8Array;
  topic: string;
  /** A properties string (see properties.ts) or its UTF-8 bytes. */
  properties?: string | Uint8Array;
}

export interface DecodedRecord {
  message: StoredMessage;
  /** TOTALSIZE: the next record starts this many bytes after the decoded one. */
  size: number;
}

export interface DecodeRecordOptions {
  /** Recompute BODYCRC and refuse a mismatch (Java 5.x: MessageDecoder#decode checkCRC). Default false. */
  checkCrc?: boolean;
  /** Where the readable bytes end (default and at most buf.length). */
  end?: number;
}

/** Positions filled by scanRecord; absolute offsets into the scanned buffer. Reuse one object. */
export interface RecordScan {
  start: number;
  totalSize: number;
  version: MessageVersion;
  sysFlag: number;
  bodyPos: number;
  bodyLength: number;
  topicPos: number;
  topicLength: number;
  propertiesPos: number;
  propertiesLength: number;
}

export function newRecordScan(): RecordScan {
  return {
    start: 0,
    totalSize: 0,
    version: 1,
    sysFlag: 0,
    bodyPos: 0,
    bodyLength: 0,
    topicPos: 0,
    topicLength: 0,
    propertiesPos: 0,
    propertiesLength: 0,
  };
}

function fail(pos: number, what: string): never {
  throw new ProtocolError('MESSAGE', `bad message record at offset ${pos}: ${what}`);
}

function hex32(v: number): string {
  return `0x${(v >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/**
 * Validates the record at `pos` (magic, TOTALSIZE, every length, bounds, and that the fields add up to TOTALSIZE)
 * and fills `out`. Returns TOTALSIZE. Throws ProtocolError('MESSAGE') for a blank record too (check
 * isBlankRecord first when scanning a commit log file). Allocates nothing on success.
 */
export function scanRecord(buf: Buffer, pos: number, end: number, out: RecordScan): number {
  const avail = (end < buf.length ? end : buf.length) - pos;
  if (pos < 0 || avail < BLANK_RECORD_SIZE) fail(pos, `truncated: ${Math.max(avail, 0)} byte(s), need at least 8 for TOTALSIZE and MAGICCODE`);
  const totalSize = get32(buf, pos + MSG_TOTAL_SIZE_OFFSET);
  const magic = get32(buf, pos + MSG_MAGIC_CODE_OFFSET);
  const version = versionOfMagic(magic);
  if (version === undefined) {
    if (magic === BLANK_MAGIC_CODE) fail(pos, `blank (end-of-file) record of ${totalSize} bytes, not a message`);
    fail(pos, `unknown MAGICCODE ${hex32(magic)} (expected 0xDAA320A7 V1 or 0xDAA320AB V2)`);
  }
  if (totalSize < MSG_SIZE_MIN) fail(pos, `TOTALSIZE ${totalSize} is below the ${MSG_SIZE_MIN}-byte minimum`);
  if (totalSize > avail) fail(pos, `truncated: TOTALSIZE ${totalSize} but only ${avail} byte(s) left`);
  const recEnd = pos + totalSize;
  const sysFlag = get32(buf, pos + MSG_SYS_FLAG_OFFSET);
  const bodyLenPos = pos + bodyLengthOffset(sysFlag);
  if (bodyLenPos + 4 > recEnd) fail(pos, `TOTALSIZE ${totalSize} is too small for IPv6 hosts (SYSFLAG ${hex32(sysFlag)})`);
  const bodyLength = get32(buf, bodyLenPos);
  const bodyPos = bodyLenPos + 4;
  if (bodyLength < 0) fail(pos, `negative BODYLENGTH ${bodyLength}`);
  const topicLenPos = bodyPos + bodyLength;
  const topicLenSize = version === 2 ? 2 : 1;
  if (topicLenPos + topicLenSize > recEnd) fail(pos, `BODYLENGTH ${bodyLength} runs past TOTALSIZE ${totalSize}`);
  // Java: MessageVersion#getTopicLength reads a signed byte (V1) or a signed short (V2).
  const topicLength = version === 2 ? get16(buf, topicLenPos) : (buf[topicLenPos]! << 24) >> 24;
  if (topicLength < 0) fail(pos, `negative topic length ${topicLength} (V${version})`);
  const topicPos = topicLenPos + topicLenSize;
  const propLenPos = topicPos + topicLength;
  if (propLenPos + 2 > recEnd) fail(pos, `topic length ${topicLength} runs past TOTALSIZE ${totalSize}`);
  const propertiesLength = get16(buf, propLenPos);
  if (propertiesLength < 0) fail(pos, `negative PROPERTIESLENGTH ${propertiesLength}`);
  const propertiesPos = propLenPos + 2;
  if (propertiesPos + propertiesLength !== recEnd) {
    fail(pos, `TOTALSIZE ${totalSize} disagrees with the fields, which end after ${propertiesPos + propertiesLength - pos} bytes`);
  }
  out.start = pos;
  out.totalSize = totalSize;
  out.version = version;
  out.sysFlag = sysFlag;
  out.bodyPos = bodyPos;
  out.bodyLength = bodyLength;
  out.topicPos = topicPos;
  out.topicLength = topicLength;
  out.propertiesPos = propertiesPos;
  out.propertiesLength = propertiesLength;
  return totalSize;
}

const decodeScan = newRecordScan();

function readHost(buf: Buffer, at: number, size: number, pos: number, which: string): HostAddress {
  const ipLen = size - 4;
  const port = get32(buf, at + ipLen);
  // Java: new InetSocketAddress(addr, port) throws for a port outside 0..65535, and decode returns null.
  if (port < 0 || port > 0xffff) fail(pos, `${which} port ${port} is outside 0..65535`);
  return { ip: buf.subarray(at, at + ipLen), port };
}

function readLong(buf: Buffer, at: number, pos: number, which: string): number {
  const hi = get32(buf, at);
  // |hi| < 2^21 keeps the value within +-2^53.
  if (hi < -0x200000 || hi >= 0x200000) fail(pos, `${which} ${buf.readBigInt64BE(at)} does not fit in 53 bits`);
  return get64(buf, at);
}

/**
 * Decodes the record at `pos` (Java: MessageDecoder#decode with readBody, no decompression). Strings are decoded
 * as UTF-8 (invalid sequences become U+FFFD, as Java's new String(bytes, UTF_8)); buffers are views into `buf`.
 */
export function decodeStoredMessage(buf: Buffer, pos = 0, options: DecodeRecordOptions = {}): DecodedRecord {
  const s = decodeScan;
  const size = scanRecord(buf, pos, options.end ?? buf.length, s);
  const sysFlag = s.sysFlag;
  const bornSize = bornHostSize(sysFlag);
  const storeSize = storeHostSize(sysFlag);
  const bodyCrc = get32(buf, pos + MSG_BODY_CRC_OFFSET);
  const body = buf.subarray(s.bodyPos, s.bodyPos + s.bodyLength);
  // Java 5.x checks the CRC only of a non-empty body (MessageDecoder#decode: inside `if (bodyLen > 0)`).
  if (options.checkCrc === true && s.bodyLength > 0) {
    const actual = computeBodyCrc(body);
    if (actual !== bodyCrc) fail(pos, `BODYCRC ${bodyCrc} does not match the body (crc ${actual})`);
  }
  const message: StoredMessage = {
    version: s.version,
    bodyCrc,
    queueId: get32(buf, pos + MSG_QUEUE_ID_OFFSET),
    flag: get32(buf, pos + MSG_FLAG_OFFSET),
    queueOffset: readLong(buf, pos + MSG_QUEUE_OFFSET_OFFSET, pos, 'QUEUEOFFSET'),
    physicalOffset: readLong(buf, pos + MSG_PHYSICAL_OFFSET_OFFSET, pos, 'PHYSICALOFFSET'),
    sysFlag,
    bornTimestamp: readLong(buf, pos + MSG_BORN_TIMESTAMP_OFFSET, pos, 'BORNTIMESTAMP'),
    bornHost: readHost(buf, pos + MSG_BORN_HOST_OFFSET, bornSize, pos, 'BORNHOST'),
    storeTimestamp: readLong(buf, pos + storeTimestampOffset(sysFlag), pos, 'STORETIMESTAMP'),
    storeHost: readHost(buf, pos + storeHostOffset(sysFlag), storeSize, pos, 'STOREHOST'),
    reconsumeTimes: get32(buf, pos + reconsumeTimesOffset(sysFlag)),
    preparedTransactionOffset: readLong(buf, pos + preparedTransactionOffsetOffset(sysFlag), pos, 'PREPAREDTRANSACTIONOFFSET'),
    body,
    topic: buf.toString('utf8', s.topicPos, s.topicPos + s.topicLength),
    properties: buf.toString('utf8', s.propertiesPos, s.propertiesPos + s.propertiesLength),
  };
  return { message, size };
}

/** Decodes every record of a buffer holding whole records back to back (a PULL body, a commit log range). */
export function decodeStoredMessages(buf: Buffer, options: DecodeRecordOptions = {}): StoredMessage[] {
  const end = options.end ?? buf.length;
  const out: StoredMessage[] = [];
  let pos = 0;
  while (pos < end) {
    const { message, size } = decodeStoredMessage(buf, pos, options);
    out.push(message);
    pos += size;
  }
  return out;
}

// ---- encode ----

function badValue(what: string): never {
  throw new ProtocolError('MESSAGE', `cannot encode message record: ${what}`);
}

function hostFlagBit(host: HostAddress, flag: number, which: string): number {
  const n = host.ip.length;
  if (n === IPV4_SIZE) return 0;
  if (n === IPV6_SIZE) return flag;
  return badValue(`${which} address has ${n} bytes (4 or 16 expected)`);
}

function checkPort(host: HostAddress, which: string): void {
  if (!Number.isInteger(host.port) || host.port < 0 || host.port > 0xffff) badValue(`${which} port ${host.port} is outside 0..65535`);
}

function long(v: number | undefined, which: string): number {
  const x = v ?? 0;
  if (!Number.isSafeInteger(x)) badValue(`${which} ${x} is not a safe integer`);
  return x;
}

/** The record size encodeStoredMessage will produce (no allocation). */
export function storedMessageSizeOf(m: StoredMessageInit): number {
  const topicLength = Buffer.byteLength(m.topic, 'utf8');
  const version = m.version ?? (topicLength > TOPIC_BYTES_MAX_V1 ? 2 : 1);
  const props = m.properties ?? '';
  const propertiesLength = typeof props === 'string' ? Buffer.byteLength(props, 'utf8') : props.length;
  const sysFlag = (m.bornHost.ip.length === IPV6_SIZE ? MessageSysFlag.BORNHOST_V6_FLAG : 0) |
    (m.storeHost.ip.length === IPV6_SIZE ? MessageSysFlag.STOREHOSTADDRESS_V6_FLAG : 0);
  return storedMessageSize(sysFlag, m.body.length, topicLength, propertiesLength, version);
}

/**
 * Encodes one record into `target` at `pos` and returns its size. Throws ProtocolError('MESSAGE') for values that
 * do not fit the layout (topic too long for its version, properties over 32767 bytes, bad address or port,
 * unsafe 64-bit numbers) and RangeError when `target` is too small. int32 fields are written with Java int
 * wrap-around (`| 0`).
 */
export function encodeStoredMessageInto(m: StoredMessageInit, target: Buffer, pos: number): number {
  const topicLength = Buffer.byteLength(m.topic, 'utf8');
  const version: MessageVersion = m.version ?? (topicLength > TOPIC_BYTES_MAX_V1 ? 2 : 1);
  if (version !== 1 && version !== 2) badValue(`unknown version ${String(version)}`);
  const topicMax = version === 2 ? TOPIC_BYTES_MAX_V2 : TOPIC_BYTES_MAX_V1;
  if (topicLength > topicMax) badValue(`topic of ${topicLength} bytes exceeds ${topicMax} (V${version})`);
  const props = m.properties ?? '';
  const propertiesLength = typeof props === 'string' ? Buffer.byteLength(props, 'utf8') : props.length;
  if (propertiesLength > PROPERTIES_BYTES_MAX) {
    badValue(`message properties length too long: ${propertiesLength} bytes exceed propertiesBytesMax ${PROPERTIES_BYTES_MAX}`);
  }
  checkPort(m.bornHost, 'BORNHOST');
  checkPort(m.storeHost, 'STOREHOST');
  const hostBits =
    hostFlagBit(m.bornHost, MessageSysFlag.BORNHOST_V6_FLAG, 'BORNHOST') |
    hostFlagBit(m.storeHost, MessageSysFlag.STOREHOSTADDRESS_V6_FLAG, 'STOREHOST');
  const sysFlag = ((m.sysFlag ?? 0) & ~(MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG)) | hostBits;
  const queueOffset = long(m.queueOffset, 'QUEUEOFFSET');
  const physicalOffset = long(m.physicalOffset, 'PHYSICALOFFSET');
  const bornTimestamp = long(m.bornTimestamp, 'BORNTIMESTAMP');
  const storeTimestamp = long(m.storeTimestamp, 'STORETIMESTAMP');
  const preparedTransactionOffset = long(m.preparedTransactionOffset, 'PREPAREDTRANSACTIONOFFSET');
  const body = m.body;
  const totalSize = storedMessageSize(sysFlag, body.length, topicLength, propertiesLength, version);
  if (totalSize > 0x7fffffff) badValue(`record of ${totalSize} bytes exceeds the int32 TOTALSIZE`);
  if (pos < 0 || pos + totalSize > target.length) {
    throw new RangeError(`record of ${totalSize} bytes does not fit at offset ${pos} of a ${target.length}-byte buffer`);
  }

  let p = pos;
  put32(target, p, totalSize);
  put32(target, p + 4, magicOfVersion(version));
  put32(target, p + 8, (m.bodyCrc ?? computeBodyCrc(body)) | 0);
  put32(target, p + 12, m.queueId | 0);
  put32(target, p + 16, (m.flag ?? 0) | 0);
  put64(target, p + 20, queueOffset);
  put64(target, p + 28, physicalOffset);
  put32(target, p + 36, sysFlag | 0);
  put64(target, p + 40, bornTimestamp);
  p += MSG_BORN_HOST_OFFSET;
  target.set(m.bornHost.ip, p);
  p += m.bornHost.ip.length;
  put32(target, p, m.bornHost.port);
  p += 4;
  put64(target, p, storeTimestamp);
  p += 8;
  target.set(m.storeHost.ip, p);
  p += m.storeHost.ip.length;
  put32(target, p, m.storeHost.port);
  p += 4;
  put32(target, p, (m.reconsumeTimes ?? 0) | 0);
  p += 4;
  put64(target, p, preparedTransactionOffset);
  p += 8;
  put32(target, p, body.length);
  p += 4;
  target.set(body, p);
  p += body.length;
  if (version === 2) {
    put16(target, p, topicLength);
    p += 2;
  } else {
    target[p++] = topicLength;
  }
  p += target.write(m.topic, p, topicLength, 'utf8');
  put16(target, p, propertiesLength);
  p += 2;
  if (typeof props === 'string') p += target.write(props, p, propertiesLength, 'utf8');
  else {
    target.set(props, p);
    p += propertiesLength;
  }
  return p - pos;
}

/** Encodes one record into a new buffer (see encodeStoredMessageInto). */
export function encodeStoredMessage(m: StoredMessageInit): Buffer {
  const out = Buffer.allocUnsafe(storedMessageSizeOf(m));
  const n = encodeStoredMessageInto(m, out, 0);
  return n === out.length ? out : out.subarray(0, n);
}

// ---- blank (end-of-file) record ----

/** True when the 8 bytes at `pos` are a blank record header (MAGICCODE 0xCBD43194). */
export function isBlankRecord(buf: Buffer, pos: number): boolean {
  return pos >= 0 && pos + BLANK_RECORD_SIZE <= buf.length && buf.readInt32BE(pos + MSG_MAGIC_CODE_OFFSET) === BLANK_MAGIC_CODE;
}

/**
 * Writes the 8-byte blank record: TOTALSIZE = `remaining` (the bytes left in the file, which the reader skips),
 * MAGICCODE = 0xCBD43194. Java writes only these 8 bytes; the rest of the file stays as it was.
 */
export function writeBlankRecord(buf: Buffer, pos: number, remaining: number): void {
  if (!(remaining >= BLANK_RECORD_SIZE && remaining <= 0x7fffffff)) {
    throw new RangeError(`blank record size ${remaining} must be in ${BLANK_RECORD_SIZE}..2147483647`);
  }
  buf.writeInt32BE(remaining, pos);
  buf.writeInt32BE(BLANK_MAGIC_CODE, pos + 4);
}

export function encodeBlankRecord(remaining: number): Buffer {
  const b = Buffer.alloc(BLANK_RECORD_SIZE);
  writeBlankRecord(b, 0, remaining);
  return b;
}

/** TOTALSIZE of a blank record at `pos` (the bytes to skip); ProtocolError('MESSAGE') when it is not one. */
export function readBlankRecord(buf: Buffer, pos: number): number {
  if (!isBlankRecord(buf, pos)) fail(pos, 'not a blank (end-of-file) record');
  const size = buf.readInt32BE(pos);
  if (size < BLANK_RECORD_SIZE) fail(pos, `blank record TOTALSIZE ${size} is below ${BLANK_RECORD_SIZE}`);
  return size;
}

// ---- peek: fields of a well-formed record, no checks, no allocation ----

export function peekTotalSize(buf: Buffer, pos: number): number {
  return get32(buf, pos + MSG_TOTAL_SIZE_OFFSET);
}
export function peekMagicCode(buf: Buffer, pos: number): number {
  return get32(buf, pos + MSG_MAGIC_CODE_OFFSET);
}
export function peekBodyCrc(buf: Buffer, pos: number): number {
  return get32(buf, pos + MSG_BODY_CRC_OFFSET);
}
export function peekQueueId(buf: Buffer, pos: number): number {
  return get32(buf, pos + MSG_QUEUE_ID_OFFSET);
}
export function peekFlag(buf: Buffer, pos: number): number {
  return get32(buf, pos + MSG_FLAG_OFFSET);
}
export function peekQueueOffset(buf: Buffer, pos: number): number {
  return get64(buf, pos + MSG_QUEUE_OFFSET_OFFSET);
}
export function peekPhysicalOffset(buf: Buffer, pos: number): number {
  return get64(buf, pos + MSG_PHYSICAL_OFFSET_OFFSET);
}
export function peekSysFlag(buf: Buffer, pos: number): number {
  return get32(buf, pos + MSG_SYS_FLAG_OFFSET);
}
export function peekBornTimestamp(buf: Buffer, pos: number): number {
  return get64(buf, pos + MSG_BORN_TIMESTAMP_OFFSET);
}
export function peekStoreTimestamp(buf: Buffer, pos: number): number {
  return get64(buf, pos + storeTimestampOffset(peekSysFlag(buf, pos)));
}
/** Absolute position of the STOREHOST address bytes (4 or 16, then the port). */
export function peekStoreHostPos(buf: Buffer, pos: number): number {
  return pos + storeHostOffset(peekSysFlag(buf, pos));
}
export function peekReconsumeTimes(buf: Buffer, pos: number): number {
  return get32(buf, pos + reconsumeTimesOffset(peekSysFlag(buf, pos)));
}
export function peekPreparedTransactionOffset(buf: Buffer, pos: number): number {
  return get64(buf, pos + preparedTransactionOffsetOffset(peekSysFlag(buf, pos)));
}
export function peekBodyLength(buf: Buffer, pos: number): number {
  return get32(buf, pos + bodyLengthOffset(peekSysFlag(buf, pos)));
}
/** Absolute position of the first body byte. */
export function peekBodyPos(buf: Buffer, pos: number): number {
  return pos + bodyLengthOffset(peekSysFlag(buf, pos)) + 4;
}
/** Absolute position of the TOPICLENGTH field. */
function peekTopicLengthPos(buf: Buffer, pos: number): number {
  const bodyLenPos = pos + bodyLengthOffset(peekSysFlag(buf, pos));
  return bodyLenPos + 4 + get32(buf, bodyLenPos);
}
function isV2(buf: Buffer, pos: number): boolean {
  return get32(buf, pos + MSG_MAGIC_CODE_OFFSET) === MAGIC_V2;
}
const MAGIC_V2 = magicOfVersion(2);
export function peekTopicLength(buf: Buffer, pos: number): number {
  const at = peekTopicLengthPos(buf, pos);
  return isV2(buf, pos) ? get16(buf, at) : (buf[at]! << 24) >> 24;
}
/** Absolute position of the first topic byte. */
export function peekTopicPos(buf: Buffer, pos: number): number {
  return peekTopicLengthPos(buf, pos) + (isV2(buf, pos) ? 2 : 1);
}
/** The topic (allocates the string). */
export function peekTopic(buf: Buffer, pos: number): string {
  const at = peekTopicPos(buf, pos);
  return buf.toString('utf8', at, at + peekTopicLength(buf, pos));
}
/** Absolute position of the PROPERTIESLENGTH field (the properties start 2 bytes later). */
function peekPropertiesLengthPos(buf: Buffer, pos: number): number {
  return peekTopicPos(buf, pos) + peekTopicLength(buf, pos);
}
export function peekPropertiesLength(buf: Buffer, pos: number): number {
  return get16(buf, peekPropertiesLengthPos(buf, pos));
}
/** Absolute position of the first properties byte. */
export function peekPropertiesPos(buf: Buffer, pos: number): number {
  return peekPropertiesLengthPos(buf, pos) + 2;
}

// ---- patch: write fields of a well-formed record in place ----

/** QUEUEOFFSET (Java: doAppend writes it at position 20; 0 for PREPARED/ROLLBACK records). */
export function patchQueueOffset(buf: Buffer, pos: number, queueOffset: number): void {
  put64(buf, pos + MSG_QUEUE_OFFSET_OFFSET, queueOffset);
}
/** PHYSICALOFFSET = the commit log offset where the record starts. */
export function patchPhysicalOffset(buf: Buffer, pos: number, physicalOffset: number): void {
  put64(buf, pos + MSG_PHYSICAL_OFFSET_OFFSET, physicalOffset);
}
/** STORETIMESTAMP (its position depends on the born host kind in SYSFLAG). */
export function patchStoreTimestamp(buf: Buffer, pos: number, storeTimestamp: number): void {
  put64(buf, pos + storeTimestampOffset(get32(buf, pos + MSG_SYS_FLAG_OFFSET)), storeTimestamp);
}
export function patchBodyCrc(buf: Buffer, pos: number, bodyCrc: number): void {
  put32(buf, pos + MSG_BODY_CRC_OFFSET, bodyCrc);
}

/** crc32(body) & 0x7fffffff of the record's body, computed in place (compare with peekBodyCrc). */
export function computeRecordBodyCrc(buf: Buffer, pos: number): number {
  const at = peekBodyPos(buf, pos);
  return crc32(buf.subarray(at, at + peekBodyLength(buf, pos))) & 0x7fffffff;
}
