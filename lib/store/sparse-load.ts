import type { FileHandle, StoreIO } from './io';

/**
 * Loads a region of a file into a zero-filled in-memory table without making the table's all-zero pages resident
 * (issue 18: peak and at-rest RSS).
 *
 * Contract. A table made with Buffer.alloc / new Int32Array of several MiB is calloc'd: the kernel hands out its
 * pages only when first written. Reading the file straight into it writes every page, so a table that is mostly
 * zeros on disk (a sparse index slot table early in its life, the 37 MiB timer wheel of a broker that has few
 * timers) became wholly resident after every restart. loadNonZeroPages reads through a bounded scratch buffer and
 * copies into `target` only the pages (TABLE_PAGE_BYTES, aligned on the target's offset 0) holding a non-zero
 * byte; the other pages of `target` are not written, so they must already be zero (a fresh allocation).
 * Resolves with the bytes read (fewer than `length` only at the end of the file; the rest of `target` is left
 * as it was, i.e. zero).
 * May call: the injected StoreIO.
 */

/** Granularity of the zero check, in bytes: the kernel's page. */
export const TABLE_PAGE_BYTES = 4096;
/** Bytes read per read(2) (the scratch buffer), in bytes: a multiple of TABLE_PAGE_BYTES. */
export const SPARSE_READ_BYTES = 1024 * 1024;

export async function loadNonZeroPages(io: StoreIO, h: FileHandle, target: Buffer, length: number, position: number): Promise<number> {
  return readInRuns(io, h, length, position, (run, off) => {
    for (let p = 0; p < run.length; p += TABLE_PAGE_BYTES) {
      const end = Math.min(p + TABLE_PAGE_BYTES, run.length);
      if (!isZero(run, p, end)) run.copy(target, off + p, p, end);
    }
  });
}

/**
 * Reads `length` bytes of the file from `position` through one scratch buffer of SPARSE_READ_BYTES, handing each run
 * to `each` with its offset from `position` (the run is reused: copy what is kept). Resolves with the bytes read
 * (fewer than `length` only at the end of the file).
 */
export async function readInRuns(io: StoreIO, h: FileHandle, length: number, position: number, each: (run: Buffer, offset: number) => void): Promise<number> {
  const scratch = Buffer.allocUnsafe(Math.min(SPARSE_READ_BYTES, Math.max(length, 1)));
  let off = 0;
  while (off < length) {
    const want = Math.min(scratch.length, length - off);
    let got = 0;
    while (got < want) {
      const n = await io.read(h, scratch, got, want - got, position + off + got);
      if (n <= 0) break;
      got += n;
    }
    each(scratch.subarray(0, got), off);
    off += got;
    if (got < want) break;
  }
  return off;
}

const ZERO_PAGE = Buffer.alloc(TABLE_PAGE_BYTES);

/** Bytes [from, to) of `b` are all zero. */
export function isZero(b: Buffer, from: number, to: number): boolean {
  // Buffer#compare against a zero page: one native memcmp per page instead of a byte loop in JS.
  return b.compare(ZERO_PAGE, 0, to - from, from, to) === 0;
}
