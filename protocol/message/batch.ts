import { ProtocolError } from '../errors';
import { PROPERTIES_BYTES_MAX } from './layout';

/**
 * SEND_BATCH_MESSAGE body: one entry per message, back to back (Java: MessageDecoder#encodeMessage /
 * #encodeMessages / #decodeMessage / #decodeMessages; the 5.x broker walks it in MessageExtEncoder#encode(MessageExtBatch);
 * Go: Message#Marshal, MarshalMessageBatch). Topic, queueId, sysFlag, bornTimestamp and reconsumeTimes come from
 * the request header.
 *
 *  offset  size  field
 *   0      4     TOTALSIZE          = 22 + N + P (the entry including this field)
 *   4      4     MAGICCODE          0 from every client; ignored
 *   8      4     BODYCRC            0 from every client; ignored (the broker computes it per message)
 *  12      4     FLAG               per-message user flag
 *  16      4     BODYLENGTH (N)
 *  20      N     BODY
 *  20+N    2     PROPERTIESLENGTH (P)  int16
 *  22+N    P     PROPERTIES         per-message properties (TAGS, KEYS, UNIQ_KEY, ...)
 *
 * Java's broker reads TOTALSIZE but does not check it (the entry ends where its properties end); Apogee requires
 * TOTALSIZE to agree, as every official client writes it so.
 */
export const BATCH_TOTAL_SIZE_OFFSET = 0;
export const BATCH_MAGIC_CODE_OFFSET = 4;
export const BATCH_BODY_CRC_OFFSET = 8;
export const BATCH_FLAG_OFFSET = 12;
export const BATCH_BODY_LENGTH_OFFSET = 16;
export const BATCH_BODY_OFFSET = 20;
/** TOTALSIZE + MAGICCODE + BODYCRC + FLAG + BODYLENGTH + PROPERTIESLENGTH */
export const BATCH_ENTRY_FIXED_SIZE = 4 + 4 + 4 + 4 + 4 + 2;

/** One message of a batch. Decoded buffers are views into the batch body. */
export interface BatchMessage {
  flag: number;
  body: Buffer;
  /** The raw properties string; parseProperties() gives the map. */
  properties: string;
}

export interface BatchMessageInit {
  flag?: number;
  body: Uint8Array;
  /** A properties string or its UTF-8 bytes. */
  properties?: string | Uint8Array;
}

/** Positions filled by scanBatchEntry; absolute offsets. Reuse one object. */
export interface BatchEntryScan {
  start: number;
  totalSize: number;
  flag: number;
  bodyPos: number;
  bodyLength: number;
  propertiesPos: number;
  propertiesLength: number;
}

export function newBatchEntryScan(): BatchEntryScan {
  return { start: 0, totalSize: 0, flag: 0, bodyPos: 0, bodyLength: 0, propertiesPos: 0, propertiesLength: 0 };
}

function fail(index: number, pos: number, what: string): never {
  throw new ProtocolError('MESSAGE', `bad batch body: message #${index} at offset ${pos}: ${what}`);
}

/**
 * Validates the batch entry at `pos` and fills `out`; returns its size. `index` only names the entry in errors.
 * No allocation on success.
 */
export function scanBatchEntry(buf: Buffer, pos: number, end: number, out: BatchEntryScan, index = 0): number {
  const avail = end - pos;
  if (avail < BATCH_ENTRY_FIXED_SIZE) fail(index, pos, `truncated: ${avail} byte(s) left, an entry needs at least ${BATCH_ENTRY_FIXED_SIZE}`);
  const totalSize = buf.readInt32BE(pos + BATCH_TOTAL_SIZE_OFFSET);
  const bodyLength = buf.readInt32BE(pos + BATCH_BODY_LENGTH_OFFSET);
  if (bodyLength < 0) fail(index, pos, `negative BODYLENGTH ${bodyLength}`);
  if (bodyLength > avail - BATCH_ENTRY_FIXED_SIZE) fail(index, pos, `BODYLENGTH ${bodyLength} runs past the end of the body (${avail} byte(s) left)`);
  const propLenPos = pos + BATCH_BODY_OFFSET + bodyLength;
  const propertiesLength = buf.readInt16BE(propLenPos);
  if (propertiesLength < 0) fail(index, pos, `negative PROPERTIESLENGTH ${propertiesLength}`);
  const size = BATCH_ENTRY_FIXED_SIZE + bodyLength + propertiesLength;
  if (size > avail) fail(index, pos, `PROPERTIESLENGTH ${propertiesLength} runs past the end of the body (${avail} byte(s) left)`);
  if (totalSize !== size) fail(index, pos, `TOTALSIZE ${totalSize} disagrees with the fields (${size} bytes)`);
  out.start = pos;
  out.totalSize = size;
  out.flag = buf.readInt32BE(pos + BATCH_FLAG_OFFSET);
  out.bodyPos = pos + BATCH_BODY_OFFSET;
  out.bodyLength = bodyLength;
  out.propertiesPos = propLenPos + 2;
  out.propertiesLength = propertiesLength;
  return size;
}

/**
 * Decodes a whole SEND_BATCH_MESSAGE body (Java: MessageDecoder#decodeMessages). An empty body is an empty list.
 * `countMax` bounds the number of entries (ProtocolError beyond it).
 */
export function decodeBatch(body: Buffer, countMax = Number.MAX_SAFE_INTEGER): BatchMessage[] {
  const out: BatchMessage[] = [];
  const s = newBatchEntryScan();
  let pos = 0;
  while (pos < body.length) {
    if (out.length >= countMax) fail(out.length, pos, `more than ${countMax} messages in one batch`);
    pos += scanBatchEntry(body, pos, body.length, s, out.length);
    out.push({
      flag: s.flag,
      body: body.subarray(s.bodyPos, s.bodyPos + s.bodyLength),
      properties: body.toString('utf8', s.propertiesPos, s.propertiesPos + s.propertiesLength),
    });
  }
  return out;
}

/** Number of entries, validating each (Java: MessageDecoder#countInnerMsgNum, which trusts TOTALSIZE). */
export function countBatch(body: Buffer): number {
  const s = newBatchEntryScan();
  let n = 0;
  for (let pos = 0; pos < body.length; n++) pos += scanBatchEntry(body, pos, body.length, s, n);
  return n;
}

/**
 * Encodes a batch body as the clients send it: MAGICCODE and BODYCRC 0 (Java: MessageDecoder#encodeMessages).
 * Throws ProtocolError('MESSAGE') for properties over 32767 bytes (4.9.x Java throws too; 5.x silently truncates
 * the length to a short).
 */
export function encodeBatch(messages: readonly BatchMessageInit[]): Buffer {
  const propBytes: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const p = m.properties ?? '';
    const b = typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
    if (b.length > PROPERTIES_BYTES_MAX) {
      throw new ProtocolError(
        'MESSAGE',
        `batch message #${i}: properties of ${b.length} bytes exceed propertiesBytesMax ${PROPERTIES_BYTES_MAX}`,
      );
    }
    propBytes.push(b);
    total += BATCH_ENTRY_FIXED_SIZE + m.body.length + b.length;
  }
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const p = propBytes[i]!;
    const size = BATCH_ENTRY_FIXED_SIZE + m.body.length + p.length;
    out.writeInt32BE(size, pos);
    out.writeInt32BE(0, pos + BATCH_MAGIC_CODE_OFFSET);
    out.writeInt32BE(0, pos + BATCH_BODY_CRC_OFFSET);
    out.writeInt32BE((m.flag ?? 0) | 0, pos + BATCH_FLAG_OFFSET);
    out.writeInt32BE(m.body.length, pos + BATCH_BODY_LENGTH_OFFSET);
    out.set(m.body, pos + BATCH_BODY_OFFSET);
    out.writeInt16BE(p.length, pos + BATCH_BODY_OFFSET + m.body.length);
    out.set(p, pos + BATCH_BODY_OFFSET + m.body.length + 2);
    pos += size;
  }
  return out;
}
