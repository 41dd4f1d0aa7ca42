import type { AppendEntry } from './commit-log-state';
import type { Segment } from './mapped-file';

/**
 * One write of the commit log writer (./commit-log-writer.ts): the entries it carries, the iovecs handed to
 * writev(2), and how far a (possibly short) write got.
 */
export interface WriteBatch {
  seg: Segment;
  entries: AppendEntry[];
  /** One per entry (the tail cache indexes records by them). */
  bufs: Buffer[];
  /** What writev(2) gets: `bufs` with neighbours that are adjacent views of one memory block joined (iovecs()). */
  iov: Buffer[];
  bytes: number;
  /** Position in the file. */
  pos: number;
  written: number;
  done: boolean;
  error: unknown;
  /** When the write started (CommitLogOptions.now), for CommitLogWriter#busyMs. */
  startedAt: number;
}

/**
 * `bufs` with each run of buffers that sit back to back in the same memory (views cut from one buffer, as the
 * slave's replicated entries are) joined into one view, no copy. A replicated 1 MiB append is ~1,000 record entries:
 * one iovec instead of ~1,000 cut writev's per-buffer cost (measured: the writeBuffers binding was 472 ms of the
 * slave's CPU over a 1 GiB catch-up).
 */
export function iovecs(bufs: readonly Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  let run: Buffer | undefined;
  let len = 0;
  const close = (): void => {
    if (run !== undefined) out.push(len === run.length ? run : Buffer.from(run.buffer, run.byteOffset, len));
  };
  for (const b of bufs) {
    if (run !== undefined && b.buffer === run.buffer && b.byteOffset === run.byteOffset + len) {
      len += b.length;
      continue;
    }
    close();
    run = b;
    len = b.length;
  }
  close();
  return out;
}

/** The part of `bufs` after the first `skip` bytes (views, no copy). */
function remainingBuffers(bufs: readonly Buffer[], skip: number): Buffer[] {
  const out: Buffer[] = [];
  let left = skip;
  for (const b of bufs) {
    if (left >= b.length) {
      left -= b.length;
      continue;
    }
    out.push(left > 0 ? b.subarray(left) : b);
    left = 0;
  }
  return out;
}

/** What of the batch is still to write (a short write continues where it stopped). */
export function unwritten(b: WriteBatch): Buffer[] {
  return b.written === 0 ? b.iov : remainingBuffers(b.iov, b.written);
}

/** Counts `n` bytes written; a write that wrote nothing fails the batch. */
export function advance(b: WriteBatch, n: number): void {
  if (n <= 0) throw new Error('write made no progress');
  b.written += n;
}
