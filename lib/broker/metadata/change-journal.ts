import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../../common';
import { MetadataWriteError } from './coalescing-writer';

/**
 * An append-only journal of metadata changes beside a metadata file (`topics.json.changes`), so that a change is
 * durable before its answer at the cost of one small append + fsync, not a rewrite of the whole file (issue 14:
 * 5,000 topics created one by one rewrote topics.json 5,000 times).
 *
 * - `append(line)` queues one record; `sync()` resolves once every record queued so far is written — and
 *   fdatasync'd when `syncToDisk` (group commit: the records queued while one write runs share the next write),
 *   or rejects with a MetadataWriteError naming the file and errno. Without `syncToDisk` a written record survives a
 *   process kill (it is in the page cache), not a machine crash: the durability of an ASYNC_FLUSH message, and of
 *   Java's own topics.json (MixAll#string2File writes without fsync in either flush mode).
 * - The owner rewrites the full file in the background (coalescing-writer.ts) and then calls `truncateIfCovered`
 *   with the number of records its snapshot covered: the journal is emptied when nothing was queued since.
 * - `read()` (at load) returns the records in order; a torn last line (a crash during an append that was never
 *   acknowledged) is dropped with a warning.
 *
 * A Java broker started on the same directory ignores this file: after a clean shutdown it is empty (the full file
 * was written last); after a crash, Apogee replays it at its next start.
 */
export class ChangeJournal {
  private queued: string[] = [];
  /** Records queued since creation (including written ones). */
  private appended = 0;
  private writing: Promise<void> | null = null;
  private waiters: { resolve: () => void; reject: (e: MetadataWriteError) => void }[] = [];
  private fd: number | null = null;
  /** The last write failed (a partial record may end the file). */
  private afterFailure = false;

  constructor(
    readonly file: string,
    private readonly logger: Logger,
    /** fdatasync each write before `sync()` resolves (the owner passes true on a SYNC_FLUSH broker). */
    private readonly syncToDisk = true,
  ) {}

  get count(): number {
    return this.appended;
  }

  read(): string[] {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const lines = text.split('\n');
    const last = lines.pop();
    if (last !== undefined && last !== '') this.logger.warn({ file: this.file, bytes: last.length }, 'metadata journal: torn last record dropped (never acknowledged)');
    return lines.filter((l) => l !== '');
  }

  append(line: string): void {
    this.queued.push(line);
    this.appended++;
  }

  sync(): Promise<void> {
    if (this.queued.length === 0 && this.writing === null) return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.kick();
    return p;
  }

  private kick(): void {
    if (this.writing !== null) return;
    const lines = this.queued;
    const batch = this.waiters;
    this.queued = [];
    this.waiters = [];
    if (lines.length === 0) {
      for (const w of batch) w.resolve();
      return;
    }
    // After a failed write a partial record may end the file: a newline first ends it (replay skips it).
    const text = (this.afterFailure ? '\n' : '') + lines.join('\n') + '\n';
    this.writing = this.write(text).then(
      () => {
        this.afterFailure = false;
        for (const w of batch) w.resolve();
      },
      (e: NodeJS.ErrnoException) => {
        const err = new MetadataWriteError(this.file, e.code ?? 'EIO', e.message);
        this.logger.error({ file: this.file, errno: e.code, err: e.message }, 'metadata journal not written; retried with the next change');
        this.afterFailure = true;
        // The records stay queued for the next attempt; whoever waits now learns of the failure.
        this.queued = lines.concat(this.queued);
        for (const w of batch) w.reject(err);
        for (const w of this.waiters.splice(0)) w.reject(err);
      },
    );
    void this.writing.finally(() => {
      this.writing = null;
      if (this.waiters.length > 0) this.kick();
    });
  }

  private async write(text: string): Promise<void> {
    if (this.fd === null) {
      await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
      this.fd = fs.openSync(this.file, 'a');
    }
    const fd = this.fd;
    const buf = Buffer.from(text, 'utf8');
    await new Promise<void>((resolve, reject) => fs.write(fd, buf, 0, buf.length, null, (e) => (e ? reject(e) : resolve())));
    if (this.syncToDisk) await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve())));
  }

  /** After a full write whose snapshot saw `covered` records: empties the journal if nothing came since. */
  truncateIfCovered(covered: number): void {
    if (covered !== this.appended || this.writing !== null || this.queued.length > 0) return;
    try {
      if (this.fd !== null) {
        fs.ftruncateSync(this.fd, 0);
        fs.fsyncSync(this.fd);
      } else if (fs.existsSync(this.file)) {
        fs.truncateSync(this.file, 0);
      }
    } catch (e) {
      this.logger.warn({ file: this.file, err: (e as Error).message }, 'metadata journal not truncated (replayed at start, harmless)');
    }
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}
