/**
 * The consume queue unit: Java's 20-byte record of consumequeue/<topic>/<queueId>/<20-digit byte offset> files
 * (Java: ConsumeQueue#CQ_STORE_UNIT_SIZE, #putMessagePositionInfo). Unit n sits at byte n * 20 of the queue:
 *
 *   +---------------------------+-----------+----------------------------+
 *   | commit log offset (int64) | size (i32)| tagsCode (int64)           |
 *   +---------------------------+-----------+----------------------------+
 *   0                           8           12                           20
 *
 * A unit (0, Integer.MAX_VALUE, 0) is a blank filler that Java writes before the first unit when a queue starts
 * at an offset that is not at the start of its file (Java: ConsumeQueue#fillPreBlank).
 *
 * Contract. Owns: this byte layout (offsets, the blank unit) and its encode/decode. May call: nothing (pure
 * functions over Buffers). Invariants: CQ_OFFSET_POS + 8 = CQ_SIZE_POS, CQ_SIZE_POS + 4 = CQ_TAGS_CODE_POS,
 * CQ_TAGS_CODE_POS + 8 = CQ_STORE_UNIT_SIZE (format.test.ts checks them); int64 fields are exact below 2^53.
 */
import * as message from '../../protocol/message';

// Bound once at load: the package index re-exports through getters, otherwise one getter call per use (these run
// per record a pull examines; the getters were ~2% of the broker's CPU in the sqlpull profile).
const { get32, get64 } = message;

export const CQ_STORE_UNIT_SIZE = 20;
export const CQ_OFFSET_POS = 0;
export const CQ_SIZE_POS = 8;
export const CQ_TAGS_CODE_POS = 12;
/** Java: ConsumeQueue#fillPreBlank: (0, Integer.MAX_VALUE, 0). */
export const CQ_BLANK_SIZE = 0x7fffffff;

const TWO_32 = 4294967296;

export interface CqUnit {
  /** Queue offset of the unit. */
  queueOffset: number;
  phy: number;
  size: number;
  tagsCode: number;
}

/** Unchecked (the walk reads whole units inside the buffer): Buffer#readInt32BE's checks cost on every unit. */
function readLong(buf: Buffer, pos: number): number {
  return get64(buf, pos);
}

function writeLong(buf: Buffer, pos: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  buf.writeInt32BE(hi | 0, pos);
  buf.writeUInt32BE(v - hi * TWO_32, pos + 4);
}

/** Encodes one unit at `pos` of `buf`. */
export function writeCqUnit(buf: Buffer, pos: number, phy: number, size: number, tagsCode: number): void {
  writeLong(buf, pos + CQ_OFFSET_POS, phy);
  buf.writeInt32BE(size | 0, pos + CQ_SIZE_POS);
  writeLong(buf, pos + CQ_TAGS_CODE_POS, tagsCode);
}

export function readCqPhy(buf: Buffer, pos: number): number {
  return readLong(buf, pos + CQ_OFFSET_POS);
}
export function readCqSize(buf: Buffer, pos: number): number {
  return get32(buf, pos + CQ_SIZE_POS);
}
export function readCqTagsCode(buf: Buffer, pos: number): number {
  return readLong(buf, pos + CQ_TAGS_CODE_POS);
}

/**
 * The first queue offset in [lo, hi] whose unit satisfies `from` (hi when none before it does), `from` being false
 * then true along the queue: a binary search over units ordered by commit log offset (Java:
 * ConsumeQueue#correctMinOffset; recovery's cut before the replayed records).
 */
export async function firstUnitWhere(lo: number, hi: number, unitAt: (i: number) => Promise<CqUnit | undefined>, from: (u: CqUnit | undefined) => boolean): Promise<number> {
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (from(await unitAt(mid))) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
