/**
 * Unchecked big-endian access by byte indexing, for the record hot paths (scan, peek, patch, encode). Several times
 * faster than Buffer#readInt32BE / #writeInt32BE, which validate every call. The caller guarantees that the bytes
 * are inside the buffer: an out-of-range read gives NaN-free garbage (undefined | 0 = 0) and an out-of-range write is
 * silently dropped, so every caller checks bounds first.
 */
const TWO_32 = 4294967296;

export function get32(b: Uint8Array, p: number): number {
  return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
}

export function get16(b: Uint8Array, p: number): number {
  return ((b[p]! << 24) | (b[p + 1]! << 16)) >> 16;
}

/** int64 as a number: exact within +-2^53. */
export function get64(b: Uint8Array, p: number): number {
  return get32(b, p) * TWO_32 + (get32(b, p + 4) >>> 0);
}

export function put32(b: Uint8Array, p: number, v: number): void {
  b[p] = v >>> 24;
  b[p + 1] = v >>> 16;
  b[p + 2] = v >>> 8;
  b[p + 3] = v;
}

export function put16(b: Uint8Array, p: number, v: number): void {
  b[p] = v >>> 8;
  b[p + 1] = v;
}

/** A safe integer as int64 (two's complement for negatives). */
export function put64(b: Uint8Array, p: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  put32(b, p, hi);
  put32(b, p + 4, v - hi * TWO_32);
}
