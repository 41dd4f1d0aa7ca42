import * as zlib from 'node:zlib';
import { MessageSysFlag, compressionTypeOf } from './layout';

/**
 * Body compression (Java: common/compression/ZlibCompressor, CompressorFactory; 4.9.x UtilAll#compress/#uncompress).
 * zlib = RFC 1950 (deflate with the zlib header), as java.util.zip.Deflater/Inflater and Go compress/zlib.
 * LZ4 and ZSTD (5.x producers with -Drocketmq.message.compressType) are not supported.
 */

/** Default bound on one inflated body: 64 MiB. */
export const INFLATED_BODY_BYTES_MAX_DEFAULT = 64 * 1024 * 1024;

/** Java producers compress at level 5 (rocketmq.message.compressLevel); Go uses level 5 by default. */
export const COMPRESS_LEVEL_DEFAULT = 5;

/** zlib-compresses a body; the caller sets COMPRESSED_FLAG | COMPRESSION_ZLIB_TYPE (5.x) or COMPRESSED_FLAG (4.9.x). */
export function deflateBody(body: Uint8Array, level = COMPRESS_LEVEL_DEFAULT): Buffer {
  return zlib.deflateSync(body, { level });
}

export type InflateResult = { ok: true; body: Buffer } | { ok: false; error: string };

/**
 * Inflates a body stored with `sysFlag`'s compression type (0 and 3 = zlib). Never throws: LZ4/ZSTD, unknown
 * types, corrupt data and output above `inflatedBodyBytesMax` are reported as an error text.
 */
export function inflateBody(
  body: Uint8Array,
  sysFlag: number,
  inflatedBodyBytesMax = INFLATED_BODY_BYTES_MAX_DEFAULT,
): InflateResult {
  const type = compressionTypeOf(sysFlag);
  if (type === undefined) {
    const bits = (sysFlag & MessageSysFlag.COMPRESSION_TYPE_COMPARATOR) >> 8;
    return { ok: false, error: `unknown compression type ${bits} in sysFlag 0x${(sysFlag >>> 0).toString(16)}` };
  }
  if (type !== 'ZLIB') return { ok: false, error: `unsupported compression ${type}: Apogee inflates zlib only` };
  try {
    return { ok: true, body: zlib.inflateSync(body, { maxOutputLength: inflatedBodyBytesMax }) };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      return { ok: false, error: `inflated body exceeds inflatedBodyBytesMax ${inflatedBodyBytesMax}` };
    }
    return { ok: false, error: `zlib body does not inflate: ${(e as Error).message}` };
  }
}
