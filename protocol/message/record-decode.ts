import { ProtocolError } from '../errors';
import { get16, get32, get64 } from './bytes';
import { bodyCrc as computeBodyCrc } from './crc';
import type { HostAddress } from './host';
import {
  BLANK_MAGIC_CODE,
  BLANK_RECORD_SIZE,
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
  bodyLengthOffset,
  bornHostSize,
  preparedTransactionOffsetOffset,
  reconsumeTimesOffset,
  storeHostOffset,
  storeHostSize,
  storeTimestampOffset,
  versionOfMagic,
} from './layout';

/**
 * Decoding side of the stored message record (layout in layout.ts): the decoded types, scanRecord (validates a
 * record in place and fills a caller-owned RecordScan, no allocation: the store's recovery and dispatch path) and
 * decodeStoredMessage(s) (typed values; every length, bound and magic checked). Any fault is a
 * ProtocolError('MESSAGE') naming the record's offset (recordFault).
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

/** The error of every decoding fault: ProtocolError('MESSAGE') naming the record's offset. */
export function recordFault(pos: number, what: string): never {
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
  if (pos < 0 || avail < BLANK_RECORD_SIZE) recordFault(pos, `truncated: ${Math.max(avail, 0)} byte(s), need at least 8 for TOTALSIZE and MAGICCODE`);
  const totalSize = get32(buf, pos + MSG_TOTAL_SIZE_OFFSET);
  const magic = get32(buf, pos + MSG_MAGIC_CODE_OFFSET);
  const version = versionOfMagic(magic);
  if (version === undefined) {
    if (magic === BLANK_MAGIC_CODE) recordFault(pos, `blank (end-of-file) record of ${totalSize} bytes, not a message`);
    recordFault(pos, `unknown MAGICCODE ${hex32(magic)} (expected 0xDAA320A7 V1 or 0xDAA320AB V2)`);
  }
  if (totalSize < MSG_SIZE_MIN) recordFault(pos, `TOTALSIZE ${totalSize} is below the ${MSG_SIZE_MIN}-byte minimum`);
  if (totalSize > avail) recordFault(pos, `truncated: TOTALSIZE ${totalSize} but only ${avail} byte(s) left`);
  const recEnd = pos + totalSize;
  const sysFlag = get32(buf, pos + MSG_SYS_FLAG_OFFSET);
  const bodyLenPos = pos + bodyLengthOffset(sysFlag);
  if (bodyLenPos + 4 > recEnd) recordFault(pos, `TOTALSIZE ${totalSize} is too small for IPv6 hosts (SYSFLAG ${hex32(sysFlag)})`);
  const bodyLength = get32(buf, bodyLenPos);
  const bodyPos = bodyLenPos + 4;
  if (bodyLength < 0) recordFault(pos, `negative BODYLENGTH ${bodyLength}`);
  const topicLenPos = bodyPos + bodyLength;
  const topicLenSize = version === 2 ? 2 : 1;
  if (topicLenPos + topicLenSize > recEnd) recordFault(pos, `BODYLENGTH ${bodyLength} runs past TOTALSIZE ${totalSize}`);
  // Java: MessageVersion#getTopicLength reads a signed byte (V1) or a signed short (V2).
  const topicLength = version === 2 ? get16(buf, topicLenPos) : (buf[topicLenPos]! << 24) >> 24;
  if (topicLength < 0) recordFault(pos, `negative topic length ${topicLength} (V${version})`);
  const topicPos = topicLenPos + topicLenSize;
  const propLenPos = topicPos + topicLength;
  if (propLenPos + 2 > recEnd) recordFault(pos, `topic length ${topicLength} runs past TOTALSIZE ${totalSize}`);
  const propertiesLength = get16(buf, propLenPos);
  if (propertiesLength < 0) recordFault(pos, `negative PROPERTIESLENGTH ${propertiesLength}`);
  const propertiesPos = propLenPos + 2;
  if (propertiesPos + propertiesLength !== recEnd) {
    recordFault(pos, `TOTALSIZE ${totalSize} disagrees with the fields, which end after ${propertiesPos + propertiesLength - pos} bytes`);
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
  if (port < 0 || port > 0xffff) recordFault(pos, `${which} port ${port} is outside 0..65535`);
  return { ip: buf.subarray(at, at + ipLen), port };
}

function readLong(buf: Buffer, at: number, pos: number, which: string): number {
  const hi = get32(buf, at);
  // |hi| < 2^21 keeps the value within +-2^53.
  if (hi < -0x200000 || hi >= 0x200000) recordFault(pos, `${which} ${buf.readBigInt64BE(at)} does not fit in 53 bits`);
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
    if (actual !== bodyCrc) recordFault(pos, `BODYCRC ${bodyCrc} does not match the body (crc ${actual})`);
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
