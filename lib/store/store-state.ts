/**
 * Contract. Owns: the store-wide state transitions outside open (message-store.ts keeps the fields): a failed commit
 * log write (ENOSPC -> disk-full, re-measured by disk-watch.ts; anything else -> fatal), the clean shutdown sequence
 * (flush, close, abort file removed only when clean) and the runtime stats snapshot. Never imports message-store.ts:
 * StoreStateTarget is the narrow interface MessageStore implements. Java: DefaultMessageStore#shutdown,
 * CommitLog's handling of a failed append, StoreStatsService.
 */
import type { Logger } from '../common';
import { removeAbortFile } from './abort-file';
import type { StoreCheckpoint } from './checkpoint';
import type { AppendEntry, CommitLog } from './commit-log';
import type { StorePaths } from './config';
import type { Dispatcher } from './dispatcher';
import type { DiskFullWatch } from './disk-watch';
import type { IndexService } from './index-service';
import { errnoOf, type StoreIO } from './io';
import type { ConsumeQueueTable } from './queue-table';
import type { StoreLock } from './store-lock';
import type { StoreRuntimeStats } from './types';

export interface StoreStateTarget {
  readonly io: StoreIO;
  readonly paths: StorePaths;
  readonly logger: Logger;
  readonly commitLog: CommitLog;
  readonly queues: ConsumeQueueTable;
  readonly index: IndexService;
  readonly checkpoint: StoreCheckpoint;
  readonly dispatcher: Dispatcher;
  readonly diskWatch: DiskFullWatch;
  readonly counters: Pick<
    StoreRuntimeStats,
    'putMessageTimesTotal' | 'putMessageSizeTotal' | 'putMessageFailedTimes' | 'getMessageTimesTotalFound' | 'getMessageTimesTotalMiss' | 'getMessageTransferredMsgCount'
  >;
  state: 'recovering' | 'running' | 'stopping' | 'stopped';
  diskFull: boolean;
  enospcSeen: boolean;
  fatal: string | undefined;
  commitLogDiskRatio: number;
  consumeQueueDiskRatio: number;
  flushLogics(thorough: boolean): Promise<void>;
  dispatchBehindBytes(): number;
}

/** The commit log could not write `failed`: their queue offsets are rolled back; ENOSPC is disk-full, the rest fatal. */
export function onCommitLogWriteFailed(t: StoreStateTarget, failed: readonly AppendEntry[], error: unknown): void {
  t.queues.rollBack(failed);
  if (errnoOf(error) === 'ENOSPC') {
    t.diskFull = true;
    t.enospcSeen = true;
    t.logger.error('commit log write hit ENOSPC: disk full, puts are refused until space is freed');
    t.diskWatch.onEnospc();
  } else {
    t.fatal = `commit log write failed: ${(error as Error).message}`;
  }
}

/** MessageStore#stats: counters, offsets and the disk state (GET_BROKER_RUNTIME_INFO). */
export function storeRuntimeStats(t: StoreStateTarget): StoreRuntimeStats {
  const cl = t.commitLog;
  return {
    commitLogMinOffset: cl.minOffset,
    commitLogMaxOffset: cl.maxOffset,
    dispatchBehindBytes: t.dispatchBehindBytes(),
    flushBehindBytes: cl.writtenOffset - cl.flushedOffset,
    writePendingBytes: cl.pendingBytes,
    ...t.counters,
    commitLogWrites: cl.stats.writes,
    commitLogInlineWrites: cl.stats.inlineWrites,
    commitLogFsyncs: cl.stats.fsyncs,
    syncFlushedPuts: cl.stats.flushedPuts,
    tailCacheBytes: cl.tail.bytes,
    commitLogDiskRatio: t.commitLogDiskRatio,
    consumeQueueDiskRatio: t.consumeQueueDiskRatio,
    diskFull: t.diskFull,
    writable: t.state === 'running' && t.fatal === undefined && !t.diskFull,
  };
}

/**
 * MessageStore#shutdown (Java: DefaultMessageStore#shutdown): refuses new puts, writes and fsyncs everything, writes
 * the checkpoint and removes the abort file only when everything written is flushed and dispatched.
 */
export async function shutdownStore(t: StoreStateTarget, services: { stop(): void }, lock: StoreLock | undefined): Promise<void> {
  if (t.state === 'stopped' || t.state === 'stopping') return;
  t.state = 'stopping';
  services.stop();
  t.diskWatch.stop();
  await t.commitLog.whenWritten();
  await t.commitLog.flushWritten();
  try {
    await t.flushLogics(true);
  } catch (err) {
    t.fatal = t.fatal ?? `final flush failed: ${(err as Error).message}`;
  }
  t.checkpoint.physicMsgTimestamp = Math.max(t.checkpoint.physicMsgTimestamp, t.commitLog.flushedStoreTimestamp);
  await t.checkpoint.flush().catch((err) => {
    t.fatal = t.fatal ?? `checkpoint flush failed: ${(err as Error).message}`;
  });
  const clean = t.fatal === undefined && t.dispatchBehindBytes() === 0 && t.commitLog.flushedOffset >= t.commitLog.writtenOffset;
  await t.commitLog.close();
  for (const cq of t.queues.all()) await cq.close();
  await t.index.close();
  await t.checkpoint.close();
  if (clean) {
    await removeAbortFile(t.io, t.paths);
  } else {
    t.logger.warn({ reason: t.fatal }, 'the store may be inconsistent: shutting down abnormally, keeping the abort file');
  }
  lock?.release();
  t.state = 'stopped';
}
