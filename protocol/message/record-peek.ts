import { get16, get32, get64, put32, put64 } from './bytes';
import { crc32 } from './crc';
import {
  MSG_BODY_CRC_OFFSET,
  MSG_BORN_TIMESTAMP_OFFSET,
  MSG_FLAG_OFFSET,
  MSG_MAGIC_CODE_OFFSET,
  MSG_PHYSICAL_OFFSET_OFFSET,
  MSG_QUEUE_ID_OFFSET,
  MSG_QUEUE_OFFSET_OFFSET,
  MSG_SYS_FLAG_OFFSET,
  MSG_TOTAL_SIZE_OFFSET,
  bodyLengthOffset,
  magicOfVersion,
  preparedTransactionOffsetOffset,
  reconsumeTimesOffset,
  storeHostOffset,
  storeTimestampOffset,
} from './layout';

/**
 * Peek and patch single fields of a stored message record known to be well-formed (just encoded, or scanned with
 * scanRecord). No checks and no allocation (plain byte indexing): on a record that is not well-formed, or a buffer
 * that is too short, a peek returns garbage and a patch writes nothing past the end. The broker encodes a record
 * once when a send arrives, then patches QUEUEOFFSET, PHYSICALOFFSET and STORETIMESTAMP when it appends (Java:
 * CommitLog$DefaultAppendMessageCallback#doAppend).
 */

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
  const at = peekTopicLengthPos(buf, pos);
  return isV2(buf, pos) ? at + 2 + get16(buf, at) : at + 1 + ((buf[at]! << 24) >> 24);
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
