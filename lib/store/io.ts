import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The file I/O the store needs, and nothing more: positional reads and writes on file handles, fdatasync,
 * directory listing and the few metadata operations. Everything the store does to disk goes through this
 * interface, so that recovery tests can run the store on an in-memory implementation that injects faults
 * (testing/fault-io.ts: short writes, torn tails, lost un-fsynced writes, ENOSPC, fsync errors).
 *
 * Contract:
 *  - write() may write fewer bytes than asked (a short write) and resolves with the count; the caller retries
 *    the rest. A failure rejects with an Error carrying an errno `code` ('ENOSPC', 'EIO', ...).
 *  - Written bytes survive a process kill (they are in the page cache); they survive a machine crash only after
 *    sync() of that handle resolved.
 *  - truncate() extends a file sparsely (no space allocated) or shrinks it.
 *  - read() resolves with the bytes read; fewer than asked only at the end of the file.
 */
export interface FileStat {
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

export interface DirEntry {
  name: string;
  isDirectory: boolean;
}

export interface DiskSpace {
  totalBytes: number;
  freeBytes: number;
  /** Bytes an unprivileged process may still use (Java: File#getUsableSpace). */
  availableBytes: number;
}

export interface FileHandle {
  readonly path: string;
}

export interface StoreIO {
  mkdirp(dir: string): Promise<void>;
  /** Entries of a directory; [] when it does not exist. */
  list(dir: string): Promise<DirEntry[]>;
  /** undefined when the path does not exist. */
  stat(file: string): Promise<FileStat | undefined>;
  /** Opens a file for reading and writing; creates it (empty) when `create` and it does not exist. */
  open(file: string, create: boolean): Promise<FileHandle>;
  close(h: FileHandle): Promise<void>;
  size(h: FileHandle): Promise<number>;
  truncate(h: FileHandle, size: number): Promise<void>;
  write(h: FileHandle, buffers: readonly Buffer[], position: number): Promise<number>;
  /**
   * The same write done on the calling thread: the count written, or undefined when this IO cannot write now
   * (the caller then uses write()). A failure throws as write() rejects. Optional: an IO without it is always
   * written through write().
   */
  writeNow?(h: FileHandle, buffers: readonly Buffer[], position: number): number | undefined;
  read(h: FileHandle, target: Buffer, targetOffset: number, length: number, position: number): Promise<number>;
  /** fdatasync(2): the handle's written data is durable when this resolves. */
  sync(h: FileHandle): Promise<void>;
  /** fsync(2) of a directory: created, renamed and removed names in it are durable. */
  syncDir(dir: string): Promise<void>;
  unlink(file: string): Promise<void>;
  /** Removes an empty directory; resolves also when it does not exist. */
  rmdir(dir: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  diskSpace(dir: string): Promise<DiskSpace>;
  /** Sets a file's modification time (retention decides by it, as Java's File#lastModified). */
  setMtime(file: string, mtimeMs: number): Promise<void>;
}

/** An errno-style error, as node:fs raises them. */
export function ioError(code: string, message: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: ${message}`) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

export function errnoOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string'
    ? (e as { code: string }).code
    : undefined;
}

class NodeFileHandle implements FileHandle {
  constructor(
    readonly path: string,
    readonly fd: number,
  ) {}
}

function fdOf(h: FileHandle): number {
  return (h as NodeFileHandle).fd;
}

function cb<T>(resolve: (v: T) => void, reject: (e: Error) => void) {
  return (err: Error | null, v: T): void => (err ? reject(err) : resolve(v));
}

/** StoreIO on node:fs, using raw file descriptors and the callback API (no FileHandle objects on the hot path). */
export class NodeStoreIO implements StoreIO {
  async mkdirp(dir: string): Promise<void> {
    await fs.promises.mkdir(dir, { recursive: true });
  }

  async list(dir: string): Promise<DirEntry[]> {
    try {
      const ents = await fs.promises.readdir(dir, { withFileTypes: true });
      return ents.map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
    } catch (e) {
      if (errnoOf(e) === 'ENOENT' || errnoOf(e) === 'ENOTDIR') return [];
      throw e;
    }
  }

  async stat(file: string): Promise<FileStat | undefined> {
    try {
      const s = await fs.promises.stat(file);
      return { size: s.size, mtimeMs: s.mtimeMs, isDirectory: s.isDirectory() };
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') return undefined;
      throw e;
    }
  }

  open(file: string, create: boolean): Promise<FileHandle> {
    return new Promise((resolve, reject) => {
      // O_RDWR | (O_CREAT): never O_TRUNC, never O_APPEND (writes are positional).
      const flags = fs.constants.O_RDWR | (create ? fs.constants.O_CREAT : 0);
      fs.open(file, flags, 0o644, (err, fd) => (err ? reject(err) : resolve(new NodeFileHandle(file, fd))));
    });
  }

  close(h: FileHandle): Promise<void> {
    return new Promise((resolve, reject) => fs.close(fdOf(h), (err) => (err ? reject(err) : resolve())));
  }

  size(h: FileHandle): Promise<number> {
    return new Promise((resolve, reject) => fs.fstat(fdOf(h), (err, s) => (err ? reject(err) : resolve(s.size))));
  }

  truncate(h: FileHandle, size: number): Promise<void> {
    return new Promise((resolve, reject) => fs.ftruncate(fdOf(h), size, (err) => (err ? reject(err) : resolve())));
  }

  write(h: FileHandle, buffers: readonly Buffer[], position: number): Promise<number> {
    return new Promise((resolve, reject) => {
      if (buffers.length === 1) {
        const b = buffers[0]!;
        fs.write(fdOf(h), b, 0, b.length, position, (err, n) => (err ? reject(err) : resolve(n)));
      } else {
        fs.writev(fdOf(h), buffers as Buffer[], position, (err, n) => (err ? reject(err) : resolve(n)));
      }
    });
  }

  writeNow(h: FileHandle, buffers: readonly Buffer[], position: number): number {
    if (buffers.length === 1) {
      const b = buffers[0]!;
      return fs.writeSync(fdOf(h), b, 0, b.length, position);
    }
    return fs.writevSync(fdOf(h), buffers as Buffer[], position);
  }

  read(h: FileHandle, target: Buffer, targetOffset: number, length: number, position: number): Promise<number> {
    return new Promise((resolve, reject) => fs.read(fdOf(h), target, targetOffset, length, position, cb(resolve, reject)));
  }

  sync(h: FileHandle): Promise<void> {
    return new Promise((resolve, reject) => fs.fdatasync(fdOf(h), (err) => (err ? reject(err) : resolve())));
  }

  syncDir(dir: string): Promise<void> {
    return new Promise((resolve, reject) => {
      fs.open(dir, fs.constants.O_RDONLY, (err, fd) => {
        if (err) return reject(err);
        fs.fsync(fd, (err2) => {
          fs.close(fd, () => (err2 ? reject(err2) : resolve()));
        });
      });
    });
  }

  async unlink(file: string): Promise<void> {
    try {
      await fs.promises.unlink(file);
    } catch (e) {
      if (errnoOf(e) !== 'ENOENT') throw e;
    }
  }

  async rmdir(dir: string): Promise<void> {
    try {
      await fs.promises.rmdir(dir);
    } catch (e) {
      if (errnoOf(e) !== 'ENOENT') throw e;
    }
  }

  async rename(from: string, to: string): Promise<void> {
    await fs.promises.rename(from, to);
  }

  async diskSpace(dir: string): Promise<DiskSpace> {
    // Walk up to an existing directory (the store may not have created `dir` yet).
    let d = dir;
    for (;;) {
      try {
        const s = await fs.promises.statfs(d);
        return { totalBytes: s.blocks * s.bsize, freeBytes: s.bfree * s.bsize, availableBytes: s.bavail * s.bsize };
      } catch (e) {
        const up = path.dirname(d);
        if (errnoOf(e) !== 'ENOENT' || up === d) throw e;
        d = up;
      }
    }
  }

  async setMtime(file: string, mtimeMs: number): Promise<void> {
    const t = new Date(mtimeMs);
    await fs.promises.utimes(file, t, t);
  }
}

/**
 * Java: UtilAll#getDiskPartitionSpaceUsedPercent: used / (used + usable), rounded up to a whole percent, as a
 * fraction 0..1; -1 when unknown.
 */
export function diskUsedRatio(space: DiskSpace): number {
  if (space.totalBytes <= 0) return -1;
  const used = space.totalBytes - space.freeBytes;
  const entire = used + space.availableBytes;
  if (entire <= 0) return -1;
  const round = (used * 100) % entire !== 0 ? 1 : 0;
  return (Math.floor((used * 100) / entire) + round) / 100;
}
