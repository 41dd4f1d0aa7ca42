import type { Logger } from '../common';
import type { StoreIO } from './io';
import type { DispatchRequest } from './record';
import type { PutMessageStatus } from './status';

/**
 * The commit log's shared positions and the types its parts exchange (commit-log.ts, commit-log-writer.ts,
 * commit-log-flush.ts).
 *
 * Contract. Owns: the data types (AppendEntry, PutWaiter, options, hooks) and CommitLogState, the one mutable record
 *   of positions that the writer, the flusher and the facade share (one object, no copies). May call: nothing
 *   (types only, plus the state's constructor).
 * Invariants (offsets in bytes of the whole log):
 *   flushedOffset <= writtenOffset <= appendOffset;
 *   appendOffset - writtenOffset = pendingBytes (queued or in flight, not yet written) except while a failed write
 *   is being rolled back; writtenStoreTimestamp / flushedStoreTimestamp belong to the last record before
 *   writtenOffset / flushedOffset; `failed` never goes back to false (a failed fsync or a halt: no more writes
 *   or flushes until the store is reopened).
 */

/** One queued write: a record (with its dispatch request), or a blank end-of-file record. */
export interface AppendEntry {
  phy: number;
  buf: Buffer;
  /** Where the log continues after this entry (for a blank record: the next file's start). */
  end: number;
  request: DispatchRequest | undefined;
  /** On the last entry of a put call. */
  waiter: PutWaiter | undefined;
}

export interface PutWaiter {
  /** Wait for fsync (SYNC_FLUSH and WAIT=true). */
  sync: boolean;
  end: number;
  deadline: number;
  resolve(status: PutMessageStatus): void;
}

export interface CommitLogOptions {
  io: StoreIO;
  dir: string;
  fileSize: number;
  syncFlush: boolean;
  syncFlushTimeoutMs: number;
  tailCacheBytesMax: number;
  /** commitLogTailCacheUnreadReleaseMs (TailCache's unreadReleaseMs); absent = 0, always copy. */
  tailCacheUnreadReleaseMs?: number;
  writeBatchBytesMax: number;
  /** A write of at most this many bytes with no other write in flight is done on the calling thread (0: never). */
  writeInlineBytesMax: number;
  readCoalesceBytesMax: number;
  logger: Logger;
  now: () => number;
}

export interface CommitLogHooks {
  /** Entries just written, in order (after the tail cache is updated, before ASYNC puts are acknowledged). */
  onWritten(entries: readonly AppendEntry[]): void;
  /** The log is durable up to `offset` (before SYNC puts are acknowledged). */
  onFlushed(offset: number, storeTimestamp: number): void;
  /** A write failed: entries from the failed one on are dropped and must be rolled back. */
  onWriteFailed(failed: readonly AppendEntry[], error: unknown): void;
  /** An fsync failed: durability is unknown from here on. */
  onFlushFailed(error: unknown): void;
}

/** The positions shared by the commit log's writer, flusher and facade. */
export interface CommitLogState {
  /** Next physical offset to assign (includes queued, unwritten bytes). */
  appendOffset: number;
  /** Everything before this offset has been written (survives a process kill). */
  writtenOffset: number;
  /** Everything before this offset has been fsynced (survives a machine crash). */
  flushedOffset: number;
  /** STORETIMESTAMP of the last written record, and of the last record covered by a flush. */
  writtenStoreTimestamp: number;
  flushedStoreTimestamp: number;
  /** Bytes queued or being written. */
  pendingBytes: number;
  /** An fsync failed or the log was halted: nothing is written or flushed any more. */
  failed: boolean;
  hooks: CommitLogHooks | undefined;
  readonly stats: { writes: number; inlineWrites: number; fsyncs: number; bytesWritten: number; flushedPuts: number };
}

export function newCommitLogState(): CommitLogState {
  return {
    appendOffset: 0,
    writtenOffset: 0,
    flushedOffset: 0,
    writtenStoreTimestamp: 0,
    flushedStoreTimestamp: 0,
    pendingBytes: 0,
    failed: false,
    hooks: undefined,
    stats: { writes: 0, inlineWrites: 0, fsyncs: 0, bytesWritten: 0, flushedPuts: 0 },
  };
}
