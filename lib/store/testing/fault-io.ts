import * as path from 'node:path';
import { ioError, type DirEntry, type DiskSpace, type FileHandle, type FileStat, type StoreIO } from '../io';
import { MemFile, MemHandle, applyCrash, seededRandom, truncateImage, writeInto, type CrashMode, type Disk } from './mem-disk';

export { seededRandom, type CrashMode } from './mem-disk';

/**
 * An in-memory StoreIO that models the page cache and the disk separately, for crash and fault tests.
 *
 * Contract. Owns: the StoreIO operations over a mem-disk.ts Disk, the "process" life cycle (freeze, crash, dead
 *   instances hang) and the fault injection (failNext, short writes, capacity). May call: ../io (ioError, types)
 *   and ./mem-disk (images, crash models). Invariants: a dead or frozen instance never completes an operation;
 *   every mutating operation counts one step (opCount); a handle from an earlier "process" is stale.
 *
 *  - Every file has a "current" image (what reads see: the page cache) and a "durable" image (what survives a
 *    machine crash). write() changes the current image and queues the write; sync() makes the file's queued
 *    writes durable. Metadata (create, truncate, unlink, rename, mkdir) is durable at once (the store fsyncs a
 *    file right after creating and sizing it).
 *  - crash('kill'): a process kill. Everything written survives (the page cache is kept).
 *    crash('drop'): a machine crash. Un-fsynced writes are lost.
 *    crash('torn'): a machine crash that persisted a random prefix of each file's un-fsynced writes, the last of
 *    them cut at a random byte (a torn tail).
 *  - freezeAfter(n): after n more mutating operations every operation hangs forever, which is how a test stops a
 *    "process" at an exact step. crash() ends that process: the instance is dead (every later operation by the
 *    old store hangs forever) and crash() returns a fresh FaultIO over the same disk for the next "process".
 *  - Faults: failNext() (an errno on the next matching operations), shortWriteProbability (writes that write
 *    less than asked), capacityBytes (ENOSPC, with a short write first when part of a write fits).
 *
 * Files are sparse: only the written extent is kept in memory.
 */

export interface FaultSpec {
  op: 'write' | 'sync' | 'open' | 'truncate' | 'read' | 'unlink' | 'rename' | 'syncDir';
  code: string;
  /** Only operations on a path containing this text. */
  pathIncludes?: string;
  /** How many operations fail (default 1). */
  times?: number;
  /** Let this many matching operations succeed first (default 0). */
  skip?: number;
}

export interface FaultIOOptions {
  seed?: number;
  now?: () => number;
  capacityBytes?: number;
}

export class FaultIO implements StoreIO {
  private readonly files: Map<string, MemFile>;
  private readonly dirs: Set<string>;
  private readonly disk: Disk;
  private generation = 0;
  private frozenAfter = Infinity;
  private dead = false;
  private faults: FaultSpec[] = [];
  private readonly now: () => number;
  readonly random: () => number;
  /** Mutating operations done so far (write, sync, truncate, open with create, unlink, rename, mkdir). */
  opCount = 0;
  shortWriteProbability = 0;
  /** Every sync() takes this long (to provoke FLUSH_DISK_TIMEOUT). */
  syncDelayMs = 0;
  /** Every write() (the thread-pool path, not writeNow) takes this long (to keep a write in flight). */
  writeDelayMs = 0;
  capacityBytes: number;
  /** Counts, for tests that check batching (e.g. writes and syncs per message). */
  readonly stats = { writes: 0, syncs: 0, reads: 0, bytesWritten: 0 };

  constructor(options: FaultIOOptions = {}, disk?: Disk) {
    this.disk = disk ?? { files: new Map(), dirs: new Set(['/']), random: seededRandom(options.seed ?? 1), now: options.now ?? Date.now };
    this.files = this.disk.files;
    this.dirs = this.disk.dirs;
    this.random = this.disk.random;
    this.now = this.disk.now;
    this.capacityBytes = options.capacityBytes ?? Infinity;
  }

  // ---- test controls ----

  /** After `n` more mutating operations, every operation hangs (the "process" stops mid-flight). */
  freezeAfter(n: number): void {
    this.frozenAfter = this.opCount + n;
  }

  get frozen(): boolean {
    return this.dead || this.opCount >= this.frozenAfter;
  }

  failNext(spec: FaultSpec): void {
    this.faults.push({ ...spec, times: spec.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /**
   * Ends the current "process": applies the crash model to the disk, kills this instance (its pending and future
   * operations hang) and returns a new instance over the same disk for the next "process".
   */
  crash(mode: CrashMode): FaultIO {
    applyCrash(this.files.values(), mode, this.random);
    this.generation++;
    this.dead = true;
    const next = new FaultIO({ capacityBytes: this.capacityBytes }, this.disk);
    next.generation = this.generation;
    return next;
  }

  /** Bytes of a file as reads currently see them (for format tests). */
  fileBytes(file: string): Buffer | undefined {
    const f = this.files.get(path.resolve(file));
    if (f === undefined) return undefined;
    const out = Buffer.alloc(f.size);
    f.cur.data.copy(out, 0, 0, Math.min(f.cur.extent, f.size));
    return out;
  }

  /** Overwrites bytes of a file (current and durable), e.g. to corrupt a record in a test. */
  poke(file: string, position: number, bytes: Buffer): void {
    const p = path.resolve(file);
    let f = this.files.get(p);
    if (f === undefined) {
      f = new MemFile(this.now());
      this.files.set(p, f);
    }
    writeInto(f.cur, position, bytes);
    writeInto(f.durable, position, bytes);
    if (position + bytes.length > f.size) f.size = position + bytes.length;
  }

  paths(): string[] {
    return [...this.files.keys()].sort();
  }

  usedBytes(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.cur.extent;
    return n;
  }

  // ---- helpers ----

  private hang<T>(): Promise<T> {
    return new Promise<T>(() => undefined);
  }

  /** Counts a mutating op; returns false when the process is frozen (the op must hang). */
  private step(): boolean {
    if (this.dead || this.opCount >= this.frozenAfter) return false;
    this.opCount++;
    return true;
  }

  private stale(h: FileHandle): boolean {
    return this.dead || (h as MemHandle).generation !== this.generation;
  }

  private fault(op: FaultSpec['op'], p: string): string | undefined {
    for (const f of this.faults) {
      if (f.op === op && (f.pathIncludes === undefined || p.includes(f.pathIncludes)) && (f.times ?? 0) > 0) {
        if ((f.skip ?? 0) > 0) {
          f.skip = f.skip! - 1;
          continue;
        }
        f.times = (f.times ?? 1) - 1;
        return f.code;
      }
    }
    return undefined;
  }

  private file(h: FileHandle): MemFile {
    const f = this.files.get(h.path);
    if (f === undefined) throw ioError('EBADF', `${h.path} was removed`);
    return f;
  }

  // ---- StoreIO ----

  async mkdirp(dir: string): Promise<void> {
    if (this.frozen) return this.hang();
    let d = path.resolve(dir);
    while (!this.dirs.has(d)) {
      this.dirs.add(d);
      d = path.dirname(d);
    }
  }

  async list(dir: string): Promise<DirEntry[]> {
    if (this.frozen) return this.hang();
    const d = path.resolve(dir);
    const out: DirEntry[] = [];
    for (const x of this.dirs) if (x !== d && path.dirname(x) === d) out.push({ name: path.basename(x), isDirectory: true });
    for (const x of this.files.keys()) if (path.dirname(x) === d) out.push({ name: path.basename(x), isDirectory: false });
    return out;
  }

  async stat(file: string): Promise<FileStat | undefined> {
    if (this.frozen) return this.hang();
    const p = path.resolve(file);
    if (this.dirs.has(p)) return { size: 0, mtimeMs: 0, isDirectory: true };
    const f = this.files.get(p);
    return f === undefined ? undefined : { size: f.size, mtimeMs: f.mtimeMs, isDirectory: false };
  }

  async open(file: string, create: boolean): Promise<FileHandle> {
    const p = path.resolve(file);
    if (!this.files.has(p)) {
      if (!create) throw ioError('ENOENT', `no such file ${p}`);
      if (!this.dirs.has(path.dirname(p))) throw ioError('ENOENT', `no such directory ${path.dirname(p)}`);
      if (!this.step()) return this.hang();
      const code = this.fault('open', p);
      if (code !== undefined) throw ioError(code, `open ${p}`);
      this.files.set(p, new MemFile(this.now()));
    } else if (this.frozen) {
      return this.hang();
    }
    return new MemHandle(p, this.generation);
  }

  async close(h: FileHandle): Promise<void> {
    if (this.stale(h) || this.frozen) return this.hang();
  }

  async size(h: FileHandle): Promise<number> {
    if (this.stale(h) || this.frozen) return this.hang();
    return this.file(h).size;
  }

  async truncate(h: FileHandle, size: number): Promise<void> {
    if (this.stale(h) || !this.step()) return this.hang();
    const code = this.fault('truncate', h.path);
    if (code !== undefined) throw ioError(code, `truncate ${h.path}`);
    const f = this.file(h);
    truncateImage(f.cur, size);
    truncateImage(f.durable, size);
    f.pending = f.pending.filter((w) => w.pos < size).map((w) => (w.pos + w.bytes.length > size ? { pos: w.pos, bytes: w.bytes.subarray(0, size - w.pos) } : w));
    f.size = size;
  }

  async write(h: FileHandle, buffers: readonly Buffer[], position: number): Promise<number> {
    if (this.stale(h) || !this.step()) return this.hang();
    if (this.writeDelayMs > 0) await new Promise((r) => setTimeout(r, this.writeDelayMs));
    return this.writeStep(h, buffers, position);
  }

  /** write() on the calling thread; a frozen or dead instance leaves it to write() (which then hangs). */
  writeNow(h: FileHandle, buffers: readonly Buffer[], position: number): number | undefined {
    if (this.stale(h) || !this.step()) return undefined;
    return this.writeStep(h, buffers, position);
  }

  private writeStep(h: FileHandle, buffers: readonly Buffer[], position: number): number {
    const code = this.fault('write', h.path);
    if (code !== undefined) throw ioError(code, `write ${h.path}`);
    const f = this.file(h);
    let bytes = buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers as Buffer[]);
    if (bytes.length === 0) return 0;
    // Capacity: a write that grows the file beyond the free space is cut short; nothing fits -> ENOSPC.
    const growth = Math.max(0, position + bytes.length - f.cur.extent);
    const free = this.capacityBytes - this.usedBytes();
    if (growth > free) {
      const fits = Math.max(0, f.cur.extent + Math.max(0, free) - position);
      if (fits <= 0) throw ioError('ENOSPC', `no space left writing ${h.path}`);
      bytes = bytes.subarray(0, fits);
    }
    if (this.shortWriteProbability > 0 && bytes.length > 1 && this.random() < this.shortWriteProbability) {
      bytes = bytes.subarray(0, 1 + Math.floor(this.random() * (bytes.length - 1)));
    }
    const copy = Buffer.from(bytes);
    writeInto(f.cur, position, copy);
    f.pending.push({ pos: position, bytes: copy });
    if (position + copy.length > f.size) f.size = position + copy.length;
    f.mtimeMs = this.now();
    this.stats.writes++;
    this.stats.bytesWritten += copy.length;
    return copy.length;
  }

  async read(h: FileHandle, target: Buffer, targetOffset: number, length: number, position: number): Promise<number> {
    if (this.stale(h) || this.frozen) return this.hang();
    const code = this.fault('read', h.path);
    if (code !== undefined) throw ioError(code, `read ${h.path}`);
    const f = this.file(h);
    this.stats.reads++;
    const n = Math.max(0, Math.min(length, f.size - position));
    if (n === 0) return 0;
    const fromData = Math.max(0, Math.min(n, f.cur.extent - position));
    if (fromData > 0) f.cur.data.copy(target, targetOffset, position, position + fromData);
    if (fromData < n) target.fill(0, targetOffset + fromData, targetOffset + n);
    return n;
  }

  async sync(h: FileHandle): Promise<void> {
    if (this.stale(h) || !this.step()) return this.hang();
    if (this.syncDelayMs > 0) await new Promise((r) => setTimeout(r, this.syncDelayMs));
    const code = this.fault('sync', h.path);
    if (code !== undefined) throw ioError(code, `fsync ${h.path}`);
    const f = this.file(h);
    for (const w of f.pending) writeInto(f.durable, w.pos, w.bytes);
    f.pending = [];
    this.stats.syncs++;
  }

  async syncDir(dir: string): Promise<void> {
    if (!this.step()) return this.hang();
    const code = this.fault('syncDir', dir);
    if (code !== undefined) throw ioError(code, `fsync ${dir}`);
  }

  async unlink(file: string): Promise<void> {
    if (!this.step()) return this.hang();
    const p = path.resolve(file);
    const code = this.fault('unlink', p);
    if (code !== undefined) throw ioError(code, `unlink ${p}`);
    this.files.delete(p);
  }

  async rmdir(dir: string): Promise<void> {
    if (!this.step()) return this.hang();
    const d = path.resolve(dir);
    for (const x of [...this.dirs, ...this.files.keys()]) {
      if (x !== d && path.dirname(x) === d) throw ioError('ENOTEMPTY', `directory not empty ${d}`);
    }
    this.dirs.delete(d);
  }

  async rename(from: string, to: string): Promise<void> {
    if (!this.step()) return this.hang();
    const a = path.resolve(from);
    const b = path.resolve(to);
    const code = this.fault('rename', a);
    if (code !== undefined) throw ioError(code, `rename ${a}`);
    const f = this.files.get(a);
    if (f === undefined) throw ioError('ENOENT', `no such file ${a}`);
    this.files.delete(a);
    this.files.set(b, f);
  }

  async diskSpace(): Promise<DiskSpace> {
    if (this.frozen) return this.hang();
    const total = Number.isFinite(this.capacityBytes) ? this.capacityBytes : 2 ** 40;
    const free = Math.max(0, total - this.usedBytes());
    return { totalBytes: total, freeBytes: free, availableBytes: free };
  }

  async setMtime(file: string, mtimeMs: number): Promise<void> {
    const f = this.files.get(path.resolve(file));
    if (f === undefined) throw ioError('ENOENT', `no such file ${file}`);
    f.mtimeMs = mtimeMs;
  }
}
