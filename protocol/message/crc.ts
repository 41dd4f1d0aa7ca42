import * as zlib from 'node:zlib';

/**
 * CRC-32 (IEEE, java.util.zip.CRC32) with Java's store masking: BODYCRC = crc32(body) & 0x7fffffff
 * (Java: UtilAll#crc32). Uses node:zlib's crc32 (Node >= 20.15 / 22.2), else a table implementation.
 */
type Crc32Fn = (data: Uint8Array, value?: number) => number;

let TABLE: Int32Array | undefined;

function tableCrc32(data: Uint8Array, value = 0): number {
  if (TABLE === undefined) {
    TABLE = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      TABLE[n] = c;
    }
  }
  const t = TABLE;
  let crc = ~value;
  for (let i = 0; i < data.length; i++) crc = t[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

const native = (zlib as unknown as { crc32?: Crc32Fn }).crc32;

/** Plain CRC-32 as an unsigned 32-bit number (java.util.zip.CRC32#getValue). */
export const crc32: Crc32Fn = typeof native === 'function' ? native : tableCrc32;

/** Exposed for the test that checks the fallback against zlib. */
export const crc32Table: Crc32Fn = tableCrc32;

/** BODYCRC of a body: crc32 & 0x7fffffff, a non-negative int (Java: UtilAll#crc32(byte[])). */
export function bodyCrc(body: Uint8Array): number {
  return crc32(body) & 0x7fffffff;
}
