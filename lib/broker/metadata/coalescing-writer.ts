import * as fs from 'node:fs';
import * as path from 'node:path';
import { syncDir as syncDirSync, type Logger } from '../../common';

/**
 * One metadata file written off the hot path, with group commit (issue 14: topic creation must not rewrite
 * topics.json once per topic on the event loop).
 *
 * - `markDirty()` asks for a write soon; every change made before a write starts is in it, so a burst of N changes
 *   costs one write (coalescing). `flush()` does the same and resolves once a write that started after the call is
 *   durable (fsync'd and renamed), so a caller can answer after its change is on disk as Java's synchronous
 *   ConfigManager#persist does; it rejects with a MetadataWriteError (file, errno) when that write fails.
 * - A failed write is logged with the file and errno and retried (retryMsMin doubling up to retryMsMax) until one
 *   succeeds; it never throws into the caller of markDirty (a pull or heartbeat that created a group).
 * - The content is produced as chunks (`render` yields strings) and written with async I/O, so the event loop runs
 *   other requests between chunks instead of stringifying megabytes at once.
 * - Layout on disk, as Java's ConfigManager#persist (5.x): the previous file becomes `<file>.bak`, the new one is
 *   written to `<file>.tmp`, fsync'd, renamed over `<file>`, and the directory fsync'd. A crash leaves the new file,
 *   or no file and the previous content in .bak (which ConfigManager#load and readFileWithBackup fall back to).
 * - `close()` waits for a write under way and writes what is pending, synchronously (shutdown).
 */
export interface MetadataIo {
  write(file: string, chunks: Iterable<string>): Promise<void>;
  writeSync(file: string, chunks: Iterable<string>): void;
}

export interface CoalescingWriterOptions {
  file: string;
  /** The file's content as it is when called (taken at the start of each write). */
  render: () => Iterable<string>;
  logger: Logger;
  /** First retry delay after a failed write, ms (doubles per failure). */
  retryMsMin?: number;
  /** Longest retry delay, ms. */
  retryMsMax?: number;
  io?: MetadataIo;
  /** How long markDirty waits before writing, ms (0: the next turn of the event loop); flush() never waits. */
  delayMs?: number;
  /** Called after each successful write. */
  written?: () => void;
}

export const METADATA_RETRY_MS_MIN = 100;
export const METADATA_RETRY_MS_MAX = 10_000;
/** Bytes gathered from `render` before one write call. */
export const METADATA_WRITE_CHUNK_BYTES_MAX = 256 * 1024;

export class MetadataWriteError extends Error {
  constructor(
    readonly file: string,
    readonly errno: string,
    message: string,
  ) {
    super(`metadata file ${file} not written: ${errno} (${message}); retried in the background`);
  }
}

interface Waiter {
  resolve: () => void;
  reject: (e: MetadataWriteError) => void;
}

export class CoalescingWriter {
  private dirty = false;
  private writing: Promise<void> | null = null;
  private scheduled: NodeJS.Immediate | null = null;
  private delayed: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs: number;
  private waiters: Waiter[] = [];
  private closed = false;
  /** Writes done (tests and stats). */
  writes = 0;
  failures = 0;
  lastError: MetadataWriteError | null = null;
  private readonly io: MetadataIo;

  constructor(private readonly o: CoalescingWriterOptions) {
    this.retryMs = o.retryMsMin ?? METADATA_RETRY_MS_MIN;
    this.io = o.io ?? nodeMetadataIo;
  }

  get file(): string {
    return this.o.file;
  }

  get pending(): boolean {
    return this.dirty || this.writing !== null;
  }

  markDirty(): void {
    this.dirty = true;
    if (this.retryTimer !== null || this.delayed !== null) return;
    const delayMs = this.o.delayMs ?? 0;
    if (delayMs <= 0 || this.closed) {
      this.kick();
      return;
    }
    this.delayed = setTimeout(() => {
      this.delayed = null;
      this.kick();
    }, delayMs);
    this.delayed.unref();
  }

  flush(): Promise<void> {
    this.dirty = true;
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    // A caller that waits gets an attempt now, even while a background retry is waiting out its delay.
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    this.kick();
    return p;
  }

  private kick(): void {
    if (this.closed || this.writing !== null || this.scheduled !== null) return;
    // setImmediate: every change made in this turn of the event loop joins the same write.
    this.scheduled = setImmediate(() => {
      this.scheduled = null;
      this.run();
    });
  }

  private run(): void {
    if (!this.dirty || this.writing !== null) return;
    this.dirty = false;
    const batch = this.waiters;
    this.waiters = [];
    this.writing = this.io.write(this.o.file, this.o.render()).then(
      () => {
        this.writes++;
        this.o.written?.();
        this.retryMs = this.o.retryMsMin ?? METADATA_RETRY_MS_MIN;
        if (this.lastError !== null) this.o.logger.info({ file: this.o.file }, 'metadata file written again after failures');
        this.lastError = null;
        for (const w of batch) w.resolve();
      },
      (e: NodeJS.ErrnoException) => {
        this.failures++;
        const err = new MetadataWriteError(this.o.file, e.code ?? 'EIO', e.message);
        this.lastError = err;
        this.dirty = true;
        this.o.logger.error({ file: this.o.file, errno: e.code, err: e.message, retryMs: this.retryMs }, 'metadata file not written; will retry');
        for (const w of batch) w.reject(err);
        // Waiters that joined during the failed write would meet the same disk: they learn it now too.
        for (const w of this.waiters.splice(0)) w.reject(err);
        if (!this.closed) {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = null;
            this.kick();
          }, this.retryMs);
          this.retryTimer.unref();
        }
        this.retryMs = Math.min(this.retryMs * 2, this.o.retryMsMax ?? METADATA_RETRY_MS_MAX);
      },
    );
    void this.writing.finally(() => {
      this.writing = null;
      if (this.dirty && this.retryTimer === null) this.kick();
    });
  }

  /** Shutdown: waits for the write under way, then writes what is pending synchronously (throws if that fails). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.scheduled !== null) clearImmediate(this.scheduled);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.delayed !== null) clearTimeout(this.delayed);
    this.delayed = null;
    this.scheduled = null;
    this.retryTimer = null;
    if (this.writing !== null) await this.writing.catch(() => undefined);
    if (!this.dirty) return;
    this.dirty = false;
    const batch = this.waiters.splice(0);
    try {
      this.io.writeSync(this.o.file, this.o.render());
      this.writes++;
      this.o.written?.();
      for (const w of batch) w.resolve();
    } catch (e) {
      const err = new MetadataWriteError(this.o.file, (e as NodeJS.ErrnoException).code ?? 'EIO', (e as Error).message);
      this.o.logger.error({ file: this.o.file, errno: err.errno, err: (e as Error).message }, 'metadata file not written at shutdown');
      for (const w of batch) w.reject(err);
      throw err;
    }
  }
}

/**
 * Longest stretch of rendering before the gathered bytes are written (and the event loop runs others), ms; small
 * because other stepped work may share the turn (see json-chunks.ts RENDER_STEP_MS_MAX).
 */
export const METADATA_RENDER_STEP_MS_MAX = 3;

/** Gathers rendered chunks into buffers of about METADATA_WRITE_CHUNK_BYTES_MAX, or what METADATA_RENDER_STEP_MS_MAX allowed. */
function* buffers(chunks: Iterable<string>): Generator<Buffer> {
  let parts: string[] = [];
  let n = 0;
  let since = performance.now();
  for (const c of chunks) {
    parts.push(c);
    n += c.length;
    if (n >= METADATA_WRITE_CHUNK_BYTES_MAX || performance.now() - since >= METADATA_RENDER_STEP_MS_MAX) {
      yield Buffer.from(parts.join(''), 'utf8');
      parts = [];
      n = 0;
      since = performance.now();
    }
  }
  if (n > 0 || parts.length > 0) yield Buffer.from(parts.join(''), 'utf8');
}

async function syncDir(dir: string): Promise<void> {
  let h: fs.promises.FileHandle | undefined;
  try {
    h = await fs.promises.open(dir, 'r');
    await h.sync();
  } catch {
    // some platforms cannot fsync a directory
  } finally {
    await h?.close();
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await fs.promises.rename(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** The real file system: tmp + fsync, previous file -> .bak, tmp -> file, fsync(dir). */
export const nodeMetadataIo: MetadataIo = {
  async write(file, chunks) {
    const dir = path.dirname(file);
    await fs.promises.mkdir(dir, { recursive: true });
    const tmp = `${file}.tmp`;
    const h = await fs.promises.open(tmp, 'w');
    try {
      for (const b of buffers(chunks)) await h.write(b);
      await h.sync();
    } finally {
      await h.close();
    }
    await renameIfExists(file, `${file}.bak`);
    await fs.promises.rename(tmp, file);
    await syncDir(dir);
  },
  writeSync(file, chunks) {
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${file}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      for (const b of buffers(chunks)) fs.writeSync(fd, b);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.renameSync(file, `${file}.bak`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    fs.renameSync(tmp, file);
    syncDirSync(dir);
  },
};
