import type { FileHandle } from '../io';

/**
 * The in-memory disk under FaultIO (testing only).
 *
 * Owns: the file images (a "current" image = what reads see, the page cache; a "durable" image = what survives a
 *   machine crash), the queue of un-fsynced writes per file, the crash models applied to them, and the seeded PRNG.
 * May call: nothing but node:buffer (types from ../io).
 * Invariants: an image's bytes past `extent` are zero; `MemFile.size` is the file's logical size (bytes past
 *   either image's extent read as zeros: files are sparse); after applyCrash every pending write is gone and
 *   both images are cut to the file size.
 */

export type CrashMode = 'kill' | 'drop' | 'torn';

export interface Image {
  data: Buffer;
  extent: number;
}

interface PendingWrite {
  pos: number;
  bytes: Buffer;
}

export class MemFile {
  cur: Image = { data: Buffer.alloc(0), extent: 0 };
  durable: Image = { data: Buffer.alloc(0), extent: 0 };
  size = 0;
  pending: PendingWrite[] = [];
  mtimeMs: number;
  constructor(now: number) {
    this.mtimeMs = now;
  }
}

export function writeInto(img: Image, pos: number, bytes: Buffer): void {
  const end = pos + bytes.length;
  if (end > img.data.length) {
    const grown = Buffer.alloc(Math.max(end, img.data.length * 2, 4096));
    img.data.copy(grown, 0, 0, img.extent);
    img.data = grown;
  }
  bytes.copy(img.data, pos);
  if (end > img.extent) img.extent = end;
}

function cloneImage(img: Image): Image {
  const data = Buffer.alloc(Math.max(img.extent, 16));
  img.data.copy(data, 0, 0, img.extent);
  return { data, extent: img.extent };
}

export function truncateImage(img: Image, size: number): void {
  if (size < img.extent) {
    img.data.fill(0, size, img.extent);
    img.extent = size;
  }
}

export class MemHandle implements FileHandle {
  constructor(
    readonly path: string,
    readonly generation: number,
  ) {}
}

/** A small seeded PRNG (mulberry32) so that fault runs are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The disk shared by the FaultIO of one "process" and the next one after a crash. */
export interface Disk {
  files: Map<string, MemFile>;
  dirs: Set<string>;
  random: () => number;
  now: () => number;
}

/**
 * Applies a crash model to every file: 'kill' keeps what was written (the page cache survives), 'drop' loses the
 * un-fsynced writes, 'torn' persists a random prefix of each file's un-fsynced writes, the last cut at a random byte.
 */
export function applyCrash(files: Iterable<MemFile>, mode: CrashMode, random: () => number): void {
  for (const f of files) {
    if (mode === 'kill') {
      f.durable = cloneImage(f.cur);
    } else if (mode === 'drop') {
      f.cur = cloneImage(f.durable);
    } else {
      const keep = Math.floor(random() * (f.pending.length + 1));
      const img = cloneImage(f.durable);
      for (let i = 0; i < keep && i < f.pending.length; i++) writeInto(img, f.pending[i]!.pos, f.pending[i]!.bytes);
      if (keep < f.pending.length) {
        const w = f.pending[keep]!;
        const cut = Math.floor(random() * w.bytes.length);
        if (cut > 0) writeInto(img, w.pos, w.bytes.subarray(0, cut));
      }
      f.durable = img;
      f.cur = cloneImage(img);
    }
    truncateImage(f.cur, f.size);
    truncateImage(f.durable, f.size);
    f.pending = [];
  }
}
