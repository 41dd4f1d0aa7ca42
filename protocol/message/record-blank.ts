import { BLANK_MAGIC_CODE, BLANK_RECORD_SIZE, MSG_MAGIC_CODE_OFFSET } from './layout';
import { recordFault } from './record-decode';

/**
 * The 8-byte blank (end-of-file) record that pads the end of a commit log file: TOTALSIZE = the bytes left in the
 * file, MAGICCODE = 0xCBD43194 (Java: CommitLog BLANK_MAGIC_CODE). Detect, read, write and encode it.
 */

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
  if (!isBlankRecord(buf, pos)) recordFault(pos, 'not a blank (end-of-file) record');
  const size = buf.readInt32BE(pos);
  if (size < BLANK_RECORD_SIZE) recordFault(pos, `blank record TOTALSIZE ${size} is below ${BLANK_RECORD_SIZE}`);
  return size;
}
