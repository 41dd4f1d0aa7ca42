import { diskSpaceCleanForciblyLevel, diskSpaceWarningLevel, isItTimeToDo } from './config';
import { diskUsedRatio } from './io';
import type { MessageStore } from './message-store';

/**
 * Retention and disk-full handling, as Java's CleanCommitLogService and CleanConsumeQueueService:
 *  - commit log files older than fileReservedTime hours (by modification time) are deleted at the deleteWhen
 *    hours, or at any time when disk usage exceeds diskMaxUsedSpaceRatio; above diskSpaceCleanForciblyRatio
 *    files are deleted even if not expired (cleanFileForciblyEnable); never the last file;
 *  - consume queue files whose last unit points below the commit log's new first offset are deleted, and each
 *    queue's min offset corrected; index files entirely below it too;
 *  - above diskSpaceWarningLevelRatio the store is marked disk-full and refuses puts (SERVICE_NOT_AVAILABLE)
 *    until usage drops again; reads go on. A write that hits ENOSPC sets the same state.
 */

/** Java: CleanCommitLogService.MAX_MANUAL_DELETE_FILE_TIMES. */
export const MAX_MANUAL_DELETE_FILE_TIMES = 20;

export interface RetentionState {
  lastPhysicalMinOffset: number;
  manualDeleteFileSeveralTimes: number;
}

async function ratioOf(store: MessageStore, dir: string): Promise<number> {
  try {
    return diskUsedRatio(await store.io.diskSpace(dir));
  } catch {
    return -1;
  }
}

function markDiskFull(store: MessageStore, full: boolean, what: string, ratio: number): void {
  if (full && !store.diskFull) store.logger.error({ ratio, what }, 'disk maybe full soon: puts are refused');
  if (!full && store.diskFull) store.logger.info({ ratio, what }, 'disk space OK again: puts accepted');
  store.diskFull = full;
}

/** Java: CleanCommitLogService#isSpaceToDelete. Returns whether to delete, and whether to delete unexpired files too. */
export async function isSpaceToDelete(store: MessageStore): Promise<{ delete: boolean; cleanImmediately: boolean }> {
  const c = store.config;
  const warning = diskSpaceWarningLevel(c);
  const forcibly = diskSpaceCleanForciblyLevel(c);
  const physic = await ratioOf(store, store.paths.commitLog);
  store.commitLogDiskRatio = physic;
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
export async function checkDiskSpace(store: MessageStore): Promise<void> {
  await isSpaceToDelete(store);
}

/** One run of both clean services. */
export async function runRetention(store: MessageStore): Promise<void> {
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
    for (const cq of [...store.allConsumeQueues()]) {
      const n = await cq.deleteExpiredFiles(minOffset);
      if (n > 0 && c.deleteConsumeQueueFilesInterval > 0) await new Promise((r) => setTimeout(r, c.deleteConsumeQueueFilesInterval).unref());
    }
    await store.index.deleteExpiredFile(minOffset);
  }
}
