import * as path from 'node:path';
import type { FileHandle, StoreIO } from './io';
import { StoreError } from './status';

/**
 * A directory of fixed-size files named by their 20-digit start offset, as Java's MappedFileQueue keeps them
 * (commit log, consume queues). Files are created sparse at full size: Java refuses to load a file whose length
 * is not the configured size (Java: MappedFileQueue#doLoad), and a sparse file costs no space until written.
 * Handles are opened lazily and kept open; all I/O is positional.
 */

/** Java: UtilAll#offset2FileName: the offset as a 20-digit, zero-padded decimal. */
export function offset2FileName(offset: number): string {
  return String(offset).padStart(20, '0');
}

export function isOffsetFileName(name: string): boolean {
  return /^\d{20}$/.test(name);
}

export class Segment {
  handle: FileHandle | undefined;
  private opening: Promise<FileHandle> | undefined;
  /** Operations in flight on the handle; a deleted segment closes its handle when the last one ends. */
  private inflight = 0;
  private deleted = false;
  private closeWhenIdle: (() => void) | undefined;

  constructor(
    readonly from: number,
    readonly file: string,
  ) {}

  async open(io: StoreIO): Promise<FileHandle> {
    if (this.handle !== undefined) return this.handle;
    if (this.opening === undefined) {
      this.opening = io.open(this.file, false).then((h) => {
        this.handle = h;
        return h;
      });
      this.opening.catch(() => {
        this.opening = undefined;
      });
    }
    return this.opening;
  }

  /** Runs `fn` on the open handle, keeping the handle open meanwhile; undefined once the segment is deleted. */
  async use<T>(io: StoreIO, fn: (h: FileHandle) => Promise<T>): Promise<T | undefined> {
    if (this.deleted) return undefined;
    this.inflight++;
    try {
      const h = await this.open(io);
      return await fn(h);
    } finally {
      this.inflight--;
      if (this.inflight === 0 && this.closeWhenIdle !== undefined) this.closeWhenIdle();
    }
  }

  /** The handle when it is open and the segment not deleted (for an operation done synchronously, now). */
  get handleNow(): FileHandle | undefined {
    return this.deleted ? undefined : this.handle;
  }

  get isDeleted(): boolean {
    return this.deleted;
  }

  async close(io: StoreIO): Promise<void> {
    if (this.inflight > 0) await new Promise<void>((resolve) => (this.closeWhenIdle = resolve));
    this.closeWhenIdle = undefined;
    const h = this.handle;
    this.handle = undefined;
    this.opening = undefined;
    if (h !== undefined) await io.close(h);
  }

  /** Marks the segment deleted: new operations are refused, the handle closes when in-flight ones end. */
  markDeleted(): void {
    this.deleted = true;
  }
}

export class SegmentQueue {
  segments: Segment[] = [];
  private dirReady = false;

  constructor(
    readonly io: StoreIO,
    readonly dir: string,
    readonly fileSize: number,
  ) {}

  /**
   * Lists the files (Java: MappedFileQueue#load/#doLoad): sorted by name; a zero-length LAST file is deleted (a
   * crash right after its creation); any other file whose size is not `fileSize` is an error, as in Java.
   */
  async load(): Promise<void> {
    const names = (await this.io.list(this.dir)).filter((e) => !e.isDirectory && isOffsetFileName(e.name)).map((e) => e.name);
    names.sort();
    const segs: Segment[] = [];
    for (let i = 0; i < names.length; i++) {
      const file = path.join(this.dir, names[i]!);
      const st = await this.io.stat(file);
      const size = st?.size ?? 0;
      if (size === 0 && i === names.length - 1) {
        await this.io.unlink(file);
        continue;
      }
      if (size !== this.fileSize) {
        throw new StoreError(`${file} is ${size} bytes, but the configured file size is ${this.fileSize}: check the mappedFileSize settings`);
      }
      segs.push(new Segment(Number(names[i]), file));
    }
    this.segments = segs;
    this.dirReady = segs.length > 0;
  }

  get first(): Segment | undefined {
    return this.segments[0];
  }

  get last(): Segment | undefined {
    return this.segments[this.segments.length - 1];
  }

  fileFromOf(offset: number): number {
    return offset - (offset % this.fileSize);
  }

  /** The segment holding `offset`, or undefined. */
  find(offset: number): Segment | undefined {
    const segs = this.segments;
    if (segs.length === 0) return undefined;
    const first = segs[0]!.from;
    let i = Math.floor((offset - first) / this.fileSize);
    if (i >= 0 && i < segs.length && segs[i]!.from <= offset && offset < segs[i]!.from + this.fileSize) return segs[i];
    // Not contiguous (should not happen): search.
    let lo = 0;
    let hi = segs.length - 1;
    while (lo <= hi) {
      i = (lo + hi) >>> 1;
      const s = segs[i]!;
      if (offset < s.from) hi = i - 1;
      else if (offset >= s.from + this.fileSize) lo = i + 1;
      else return s;
    }
    return undefined;
  }

  /** Returns the segment starting at `from`, creating the file (sparse, full size, durable) when missing. */
  async ensure(from: number): Promise<Segment> {
    const existing = this.find(from);
    if (existing !== undefined) return existing;
    if (!this.dirReady) {
      await this.io.mkdirp(this.dir);
      this.dirReady = true;
    }
    const file = path.join(this.dir, offset2FileName(from));
    const h = await this.io.open(file, true);
    try {
      await this.io.truncate(h, this.fileSize);
      await this.io.sync(h);
      await this.io.syncDir(this.dir);
    } catch (e) {
      await this.io.close(h).catch(() => undefined);
      await this.io.unlink(file).catch(() => undefined);
      throw e;
    }
    const seg = new Segment(from, file);
    seg.handle = h;
    // Keep the list sorted (creation is almost always at the end).
    let i = this.segments.length;
    while (i > 0 && this.segments[i - 1]!.from > from) i--;
    this.segments.splice(i, 0, seg);
    return seg;
  }

  /** Closes and deletes a segment. */
  async remove(seg: Segment): Promise<void> {
    const i = this.segments.indexOf(seg);
    if (i >= 0) this.segments.splice(i, 1);
    seg.markDeleted();
    await this.io.unlink(seg.file);
    await seg.close(this.io).catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    for (const s of this.segments) await s.close(this.io).catch(() => undefined);
  }

  /**
   * Reads up to `length` bytes at `offset` (within one file). Resolves with a buffer of the bytes read, shorter
   * at the end of the file; undefined when no segment holds `offset` or the read fails.
   */
  async read(offset: number, length: number, target?: Buffer): Promise<Buffer | undefined> {
    const seg = this.find(offset);
    if (seg === undefined) return undefined;
    const pos = offset - seg.from;
    const n = Math.min(length, this.fileSize - pos);
    if (n <= 0) return undefined;
    try {
      const buf = target !== undefined && target.length >= n ? target : Buffer.allocUnsafe(n);
      const got = await seg.use(this.io, (h) => this.io.read(h, buf, 0, n, pos));
      return got === undefined ? undefined : buf.subarray(0, got);
    } catch {
      return undefined;
    }
  }

  /** Writes `buf` at `offset`, retrying short writes; the segment must exist. */
  async writeFully(seg: Segment, pos: number, buf: Buffer): Promise<void> {
    const r = await seg.use(this.io, async (h) => {
      let done = 0;
      while (done < buf.length) {
        const n = await this.io.write(h, [done === 0 ? buf : buf.subarray(done)], pos + done);
        if (n <= 0) throw new Error(`write of ${seg.file} made no progress`);
        done += n;
      }
      return true;
    });
    if (r === undefined) throw new Error(`${seg.file} was deleted`);
  }

  /** fsync of one segment (no-op once deleted). */
  async sync(seg: Segment): Promise<void> {
    await seg.use(this.io, (h) => this.io.sync(h));
  }

  /**
   * Overwrites stale bytes after `offset` with zeros, up to the first 64 KiB block that is already all zeros (or
   * the end of the file). Used after a truncation so that bytes past the new end can never be mistaken for data
   * by a later recovery (Java leaves them; we do not).
   */
  async scrubFrom(offset: number): Promise<void> {
    const seg = this.find(offset);
    if (seg === undefined) return;
    const block = 64 * 1024;
    let pos = offset - seg.from;
    const buf = Buffer.allocUnsafe(block);
    const zeros = Buffer.alloc(block);
    while (pos < this.fileSize) {
      const got = await this.read(seg.from + pos, block, buf);
      if (got === undefined || got.length === 0) break;
      let dirty = false;
      for (let i = 0; i < got.length; i++) {
        if (got[i] !== 0) {
          dirty = true;
          break;
        }
      }
      if (!dirty) break;
      await this.writeFully(seg, pos, zeros.subarray(0, got.length));
      pos += got.length;
    }
    await this.sync(seg);
  }
}
