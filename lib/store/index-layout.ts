import { javaStringHashCode } from '../../protocol/codec';

/**
 * Index files: index/<yyyyMMddHHmmssSSS>, each a hash table of message keys (Java: IndexFile, IndexHeader,
 * IndexService). Keys are "topic#key" for every KEYS word and for UNIQ_KEY.
 *
 *   header (40 bytes)                hash slots (maxHashSlotNum x 4)     entries (maxIndexNum x 20)
 *   +----------------------------+   +------------------------------+   +--------------------------------------+
 *   |  0 beginTimestamp  int64   |   | slot = keyHash % slotNum:    |   | 0  keyHash          int32            |
 *   |  8 endTimestamp    int64   |   | index of the newest entry of |   | 4  phyOffset        int64            |
 *   | 16 beginPhyOffset  int64   |   | its chain (0 = empty)        |   | 12 timeDiff (s)     int32            |
 *   | 24 endPhyOffset    int64   |   +------------------------------+   |    from beginTimestamp               |
 *   | 32 hashSlotCount   int32   |                                      | 16 previous entry   int32 (0 = end)  |
 *   | 36 indexCount      int32   |                                      +--------------------------------------+
 *   +----------------------------+
 *
 * Entry 0 is never used (indexCount starts at 1). keyHash = |String#hashCode(key)| (0 for Integer.MIN_VALUE).
 *
 * Contract. Owns: this byte layout (offsets, sizes, the header codec), the key hash and key form, and the file
 * name format. May call: protocol/codec (String#hashCode). Pure functions, no I/O.
 * Invariants: the header fields add up to INDEX_HEADER_SIZE and the entry fields to INDEX_ENTRY_SIZE
 * (format.test.ts checks them); int64 fields are exact below 2^53; a decoded indexCount is >= 1.
 */
export const INDEX_HEADER_SIZE = 40;
export const INDEX_BEGIN_TIMESTAMP_POS = 0;
export const INDEX_END_TIMESTAMP_POS = 8;
export const INDEX_BEGIN_PHY_OFFSET_POS = 16;
export const INDEX_END_PHY_OFFSET_POS = 24;
export const INDEX_HASH_SLOT_COUNT_POS = 32;
export const INDEX_INDEX_COUNT_POS = 36;
export const INDEX_HASH_SLOT_SIZE = 4;
export const INDEX_ENTRY_SIZE = 20;
export const INDEX_ENTRY_KEY_HASH_POS = 0;
export const INDEX_ENTRY_PHY_OFFSET_POS = 4;
export const INDEX_ENTRY_TIME_DIFF_POS = 12;
export const INDEX_ENTRY_PREV_POS = 16;

/** Slot pages are written (and tracked dirty) in units of this many bytes. */
export const SLOT_PAGE_BYTES = 4096;
const TWO_32 = 4294967296;

export function indexFileSize(hashSlotNum: number, indexNum: number): number {
  return INDEX_HEADER_SIZE + hashSlotNum * INDEX_HASH_SLOT_SIZE + indexNum * INDEX_ENTRY_SIZE;
}

/** Java: IndexFile#indexKeyHashMethod. */
export function indexKeyHash(key: string): number {
  const h = javaStringHashCode(key);
  const abs = Math.abs(h);
  return abs > 0x7fffffff ? 0 : abs;
}

/** Java: IndexService#buildKey. */
export function buildIndexKey(topic: string, key: string): string {
  return `${topic}#${key}`;
}

/** Java: UtilAll#timeMillisToHumanString (local time, yyyyMMddHHmmssSSS). */
export function timeMillisToHumanString(t: number): string {
  const d = new Date(t);
  const p = (n: number, w: number): string => String(n).padStart(w, '0');
  return `${p(d.getFullYear(), 4)}${p(d.getMonth() + 1, 2)}${p(d.getDate(), 2)}${p(d.getHours(), 2)}${p(d.getMinutes(), 2)}${p(d.getSeconds(), 2)}${p(d.getMilliseconds(), 3)}`;
}

export function readLong(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
}
export function writeLong(buf: Buffer, pos: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  buf.writeInt32BE(hi | 0, pos);
  buf.writeUInt32BE(v - hi * TWO_32, pos + 4);
}

export interface IndexHeader {
  beginTimestamp: number;
  endTimestamp: number;
  beginPhyOffset: number;
  endPhyOffset: number;
  hashSlotCount: number;
  indexCount: number;
}

export function encodeIndexHeader(h: IndexHeader): Buffer {
  const b = Buffer.alloc(INDEX_HEADER_SIZE);
  writeLong(b, INDEX_BEGIN_TIMESTAMP_POS, h.beginTimestamp);
  writeLong(b, INDEX_END_TIMESTAMP_POS, h.endTimestamp);
  writeLong(b, INDEX_BEGIN_PHY_OFFSET_POS, h.beginPhyOffset);
  writeLong(b, INDEX_END_PHY_OFFSET_POS, h.endPhyOffset);
  b.writeInt32BE(h.hashSlotCount | 0, INDEX_HASH_SLOT_COUNT_POS);
  b.writeInt32BE(h.indexCount | 0, INDEX_INDEX_COUNT_POS);
  return b;
}

/** Java: IndexHeader#load (an indexCount <= 0 reads as 1). */
export function decodeIndexHeader(b: Buffer): IndexHeader {
  const indexCount = b.readInt32BE(INDEX_INDEX_COUNT_POS);
  return {
    beginTimestamp: readLong(b, INDEX_BEGIN_TIMESTAMP_POS),
    endTimestamp: readLong(b, INDEX_END_TIMESTAMP_POS),
    beginPhyOffset: readLong(b, INDEX_BEGIN_PHY_OFFSET_POS),
    endPhyOffset: readLong(b, INDEX_END_PHY_OFFSET_POS),
    hashSlotCount: b.readInt32BE(INDEX_HASH_SLOT_COUNT_POS),
    indexCount: indexCount <= 0 ? 1 : indexCount,
  };
}
