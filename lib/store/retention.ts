import type { Logger } from '../common';
import type { CommitLog } from './commit-log';
import { DISK_AVAILABLE_BYTES_MIN_AFTER_ENOSPC } from './disk-watch';
import { diskSpaceCleanForciblyLevel, diskSpaceWarningLevel, isItTimeToDo, type StoreConfig, type StorePaths } from './config';
import type { IndexService } from './index-service';
import { diskUsedRatio, type StoreIO } from './io';
import type { ConsumeQueueTable } from './queue-table';

/**
 * Retention and disk-full handling, as Java's CleanCommitLogService and CleanConsumeQueueService:
 *  - commit log files older than fileReservedTime hours (by modification time) are deleted at the deleteWhen
 *    hours, or at any time when disk usage exceeds diskMaxUsedSpaceRatio; above diskSpaceCleanForciblyRatio
 *    files are deleted even if not expired (cleanFileForciblyEnable); never the last file;
 *  - consume queue files whose last unit points below the commit log's new first offset are deleted, and each
 *    queue's min offset corrected; index files entirely below it too;
 *  - above diskSpaceWarningLevelRatio the store is marked disk-full and refuses puts (SERVICE_NOT_AVAILABLE)
 *    until usage drops again; reads go on. A write that hits ENOSPC sets the same state.
 *
 * Contract. Owns: the deletion decisions (time, space, manual) and the disk-full state's transitions from disk
 *   measurements. May call: the StoreIO (disk space), the commit log, the consume queues and the index (their
 *   deleteExpired* operations), through the narrow RetentionTarget the store implements. The store serializes
 *   runs with its other maintenance.
 * Invariants: the last commit log file is never deleted; consume queue and index files are only deleted below
 *   the commit log's first offset; disk-full is set above diskSpaceWarningLevelRatio and cleared below it.
 */

/** Java: CleanCommitLogService.MAX_MANUAL_DELETE_FILE_TIMES. */
export const MAX_MANUAL_DELETE_FILE_TIMES = 20;

/** What retention needs of the store (MessageStore implements it). */
export interface RetentionTarget {
  readonly config: StoreConfig;
  readonly io: StoreIO;
  readonly paths: StorePaths;
  readonly logger: Logger;
  readonly now: () => number;
  readonly commitLog: CommitLog;
  readonly index: IndexService;
  readonly queues: ConsumeQueueTable;
  readonly retention: RetentionState;
  diskFull: boolean;
  /** A write hit ENOSPC since the disk was last found with room (cleared by markDiskFull). */
  enospcSeen: boolean;
  commitLogDiskRatio: number;
  /** Bytes available to the store on the commit log's file system at the last measurement (-1 unknown). */
  commitLogAvailableBytes: number;
  /** When the disk was last measured (ms, store clock). */
  diskCheckedAt: number;
  consumeQueueDiskRatio: number;
}

export interface RetentionState {
  lastPhysicalMinOffset: number;
  manualDeleteFileSeveralTimes: number;
}

async function ratioOf(store: RetentionTarget, dir: string, available?: (bytes: number) => void): Promise<number> {
  try {
    const space = await store.io.diskSpace(dir);
    available?.(space.availableBytes);
    return diskUsedRatio(space);
  } catch {
    available?.(-1);
    return -1;
  }
}

function markDiskFull(store: RetentionTarget, full: boolean, what: string, ratio: number): void {
  if (!full && store.enospcSeen) {
    // A write failed with ENOSPC: the ratio alone may look fine (reserved blocks, quotas, another file system).
    if (store.commitLogAvailableBytes >= 0 && store.commitLogAvailableBytes < DISK_AVAILABLE_BYTES_MIN_AFTER_ENOSPC) return;
    store.enospcSeen = false;
  }
  if (full && !store.diskFull) store.logger.error({ ratio, what }, 'disk maybe full soon: puts are refused');
  if (!full && store.diskFull) store.logger.info({ ratio, what }, 'disk space OK again: puts accepted');
  store.diskFull = full;
}

/** Java: CleanCommitLogService#isSpaceToDelete. Returns whether to delete, and whether to delete unexpired files too. */
export async function isSpaceToDelete(store: RetentionTarget): Promise<{ delete: boolean; cleanImmediately: boolean }> {
  const c = store.config;
  const warning = diskSpaceWarningLevel(c);
  const forcibly = diskSpaceCleanForciblyLevel(c);
  const physic = await ratioOf(store, store.paths.commitLog, (b) => (store.commitLogAvailableBytes = b));
  store.commitLogDiskRatio = physic;
  store.diskCheckedAt = store.now();
  if (physic > warning) {
    markDiskFull(store, true, 'commitlog', physic);
    return { delete: true, cleanImmediately: true };
  } else if (physic > forcibly) {
    return { delete: true, cleanImmediately: true };
  }
  markDiskFull(store, false, 'commitlog', physic);
  const logics = await ratioOf(store, store.paths.consumeQueue);
  store.consumeQueueDiskRatio = logics;
  if (logics > warning) {
    markDiskFull(store, true, 'consumequeue', logics);
    return { delete: true, cleanImmediately: true };
  } else if (logics > forcibly) {
    return { delete: true, cleanImmediately: true };
  }
  markDiskFull(store, false, 'consumequeue', logics);
  const ratio = c.diskMaxUsedSpaceRatio / 100;
  if (physic < 0 || physic > ratio) return { delete: true, cleanImmediately: false };
  if (logics < 0 || logics > ratio) return { delete: true, cleanImmediately: false };
  return { delete: false, cleanImmediately: false };
}

/** Measures usage and updates the disk-full state only (Java: CleanCommitLogService#isSpaceFull). */
export async function checkDiskSpace(store: RetentionTarget): Promise<void> {
  await isSpaceToDelete(store);
}

/** One run of both clean services. */
export async function runRetention(store: RetentionTarget): Promise<void> {
  const c = store.config;
  const st = store.retention;
  // ---- Java: CleanCommitLogService#deleteExpiredFiles
  const isTimeUp = isItTimeToDo(c.deleteWhen, store.now());
  const space = await isSpaceToDelete(store);
  const isManual = st.manualDeleteFileSeveralTimes > 0;
  if (isTimeUp || space.delete || isManual) {
    if (isManual) st.manualDeleteFileSeveralTimes--;
    const cleanAtOnce = c.cleanFileForciblyEnable && space.cleanImmediately;
    const deleted = await store.commitLog.deleteExpiredFiles(c.fileReservedTime * 3600 * 1000, cleanAtOnce, c.deleteFileBatchMax, c.deleteCommitLogFilesInterval);
    if (deleted > 0) store.logger.info({ deleted, minOffset: store.commitLog.minOffset }, 'expired commit log files deleted');
    else if (space.delete) store.logger.warn('disk space will be full soon, but no file could be deleted');
  }
  // ---- Java: CleanConsumeQueueService#deleteExpiredFiles
  const minOffset = store.commitLog.minOffset;
  if (minOffset > st.lastPhysicalMinOffset) {
    st.lastPhysicalMinOffset = minOffset;
    for (const cq of [...store.queues.all()]) {
      const n = await cq.deleteExpiredFiles(minOffset);
      if (n > 0 && c.deleteConsumeQueueFilesInterval > 0) await new Promise((r) => setTimeout(r, c.deleteConsumeQueueFilesInterval).unref());
    }
    await store.index.deleteExpiredFile(minOffset);
  }
}
