import type { Logger } from '../common';
import { newRecordScan, peekQueueOffset, scanRecord, type DelayLevelTable } from '../../protocol/message';
import type { StoreCheckpoint } from './checkpoint';
import type { CommitLog } from './commit-log';
import type { StoreConfig, StorePaths } from './config';
import { CQ_BLANK_SIZE, type ConsumeQueue, type CqUnit } from './consume-queue';
import type { Dispatcher } from './dispatcher';
import type { IndexService } from './index-service';
import type { StoreIO } from './io';
import type { Segment } from './mapped-file';
import type { ConsumeQueueTable } from './queue-table';
import { looksLikeRecordAt } from './record';

/**
 * Opening a store (Java: DefaultMessageStore#load + #recover, CommitLog#recoverNormally / #recoverAbnormally).
 *
 *  1. A clean shutdown removed the abort file; its presence means a crash.
 *  2. Load the checkpoint, the commit log files, every consume queue (finding where its units end) and the index
 *     files (after a crash, index files newer than the checkpoint's indexMsgTimestamp are dropped, as Java does).
 *  3. After a crash, when Apogee's replay point (checkpoint.ts) matches the checkpoint on disk, replay from there:
 *     every record before it is durable and in the durable consume queues. Otherwise pick the file, exactly as Java: after a clean shutdown the last file whose first
 *     record is not past the consume queues' end; after a crash the last file whose first record is not newer
 *     than the checkpoint's min timestamp (- 3 s); else the first file.
 *  4. Consume queues drop their units for records at or after that point and check the unit just before, against
 *     the commit log, backwards until one is right (so a torn unit never survives).
 *  5. Replay: every record from there is validated (magic, sizes, body CRC, PHYSICALOFFSET, no zero tail) and
 *     dispatched again (consume queue + index); the log ends at the first invalid record, where it is truncated
 *     (later files deleted, stale bytes zeroed).
 *  6. Queue offsets come from the consume queues; min offsets are corrected against the commit log; everything is
 *     fsynced and the checkpoint written, so a crash right after opening replays little. *
 * Contract. Owns: the order of the steps above and the choice of the replay point. May call: the commit log
 *   (load, scan, truncate), the consume queue table and its queues (load, cut, offsets), the index and the
 *   checkpoint (load), the dispatcher (replayed records), through the narrow RecoveryTarget the store implements.
 * Invariants: runs once, before the store accepts puts; afterwards no consume queue unit points past the end of
 *   the valid log, queue offsets continue at each queue's max offset, and a second recovery changes nothing.
 */

/** What recovery needs of the store (MessageStore implements it). */
export interface RecoveryTarget {
  readonly io: StoreIO;
  readonly paths: StorePaths;
  readonly config: StoreConfig;
  readonly logger: Logger;
  readonly delays: DelayLevelTable;
  readonly commitLog: CommitLog;
  readonly checkpoint: StoreCheckpoint;
  readonly index: IndexService;
  readonly queues: ConsumeQueueTable;
  readonly dispatcher: Dispatcher;
  lastStoreTimestamp: number;
  flushLogics(thorough: boolean): Promise<void>;
}

/** What recovery found: whether the last exit was clean (no abort file) and how long recovery took. */
export interface RecoveryInfo {
  lastExitOK: boolean;
  ms: number;
}

export async function recover(store: RecoveryTarget): Promise<RecoveryInfo> {
  const { io, paths, config, commitLog, checkpoint, logger } = store;
  const began = Date.now();
  const lastExitOK = (await io.stat(paths.abort)) === undefined;
  await checkpoint.load();
  await commitLog.load();
  await store.queues.load();
  const segs = commitLog.files.segments;
  // After a crash, Apogee's own replay point (checkpoint.ts) when it is usable: everything before it is durable
  // and dispatched, so only what follows is validated and dispatched again.
  let cqEnd = -1;
  for (const cq of store.queues.all()) cqEnd = Math.max(cqEnd, cq.maxPhysicOffset);
  const point = lastExitOK ? undefined : usableReplayPoint(commitLog, checkpoint.loadedReplayFrom, cqEnd);
  // From the replay point every index file is kept (each is crash-consistent, index-file.ts) and checked against
  // the recovered end below; Java's rule (drop the files newer than indexMsgTimestamp) otherwise.
  await store.index.load(lastExitOK || point !== undefined, checkpoint.indexMsgTimestamp);

  let lastTimestamp = 0;
  if (segs.length > 0 && point !== undefined) {
    logger.info({ lastExitOK, replayFrom: point.offset, files: segs.length }, 'recovering the commit log from the replay point');
    for (const cq of store.queues.all()) await cq.cutForReplay(point.offset, (u) => verifyUnit(commitLog, cq, u));
    store.index.beginReplay();
    let end: number;
    try {
      end = await commitLog.scan(point.index, config.checkCRCOnRecover, store.delays, (req) => {
        store.dispatcher.dispatch(req, true);
        if (req.storeTimestamp > lastTimestamp) lastTimestamp = req.storeTimestamp;
      }, point.offset - segs[point.index]!.from);
    } finally {
      store.index.endReplay();
    }
    await commitLog.truncate(end);
    for (const cq of store.queues.all()) if (cq.maxPhysicOffset > end) await cq.cutForReplay(end, async () => true);
    if (config.messageIndexEnable) await rebuildIndexBelow(store, end);
    for (const seg of commitLog.files.segments) {
      if (seg.from + commitLog.fileSize <= point.offset || seg.from > end) continue;
      await commitLog.files.sync(seg);
    }
    commitLog.flushedStoreTimestamp = lastTimestamp;
    commitLog.writtenStoreTimestamp = lastTimestamp;
    if (lastTimestamp > 0) checkpoint.physicMsgTimestamp = Math.max(checkpoint.physicMsgTimestamp, lastTimestamp);
  } else if (segs.length === 0) {
    // Java: "The commitlog files are deleted, and delete the consume queue files".
    await store.queues.destroyAll();
    commitLog.resetTo(0);
  } else {
    let dispatchFrom = -1;
    for (const cq of store.queues.all()) dispatchFrom = Math.max(dispatchFrom, cq.maxPhysicOffset);
    const matched = async (seg: Segment, normal: boolean): Promise<boolean> => {
      const r = await commitLog.firstRecord(seg, store.delays, config.checkCRCOnRecover);
      if (r.kind !== 'message' || r.request.storeTimestamp === 0) return false;
      if (config.messageIndexEnable && config.messageIndexSafe && r.request.storeTimestamp > checkpoint.indexMsgTimestamp) return false;
      return normal ? r.request.physicalOffset <= dispatchFrom : r.request.storeTimestamp <= checkpoint.minTimestamp;
    };
    let idx = segs.length - 1;
    if (lastExitOK) {
      while (idx > 0 && !(await matched(segs[idx]!, true))) idx--;
    } else {
      while (idx >= 0 && !(await matched(segs[idx]!, false))) idx--;
      if (idx < 0) idx = 0;
    }
    const replayFrom = segs[idx]!.from;
    // After a clean shutdown only records past the consume queues' end are dispatched (Java: recoverNormally's
    // doDispatch), so a deleted topic's old records stay deleted. After a crash everything from the replay point is.
    const dispatchThreshold = lastExitOK ? Math.max(replayFrom, dispatchFrom) : replayFrom;
    logger.info({ lastExitOK, replayFrom, dispatchThreshold, files: segs.length }, 'recovering the commit log');
    if (!lastExitOK) for (const cq of store.queues.all()) await cq.cutForReplay(replayFrom, (u) => verifyUnit(commitLog, cq, u));
    const end = await commitLog.scan(idx, config.checkCRCOnRecover, store.delays, (req) => {
      if (req.physicalOffset >= dispatchThreshold) store.dispatcher.dispatch(req, true);
      if (req.storeTimestamp > lastTimestamp) lastTimestamp = req.storeTimestamp;
    });
    await commitLog.truncate(end);
    // Units kept by verification may point past a truncation in the middle of the log (Java: truncateDirtyLogicFiles).
    for (const cq of store.queues.all()) if (cq.maxPhysicOffset > end) await cq.cutForReplay(end, async () => true);
    // What was replayed is durable from now on.
    for (const seg of commitLog.files.segments) {
      if (seg.from + commitLog.fileSize <= replayFrom || seg.from > end) continue;
      await commitLog.files.sync(seg);
    }
    commitLog.flushedStoreTimestamp = lastTimestamp;
    commitLog.writtenStoreTimestamp = lastTimestamp;
    if (lastTimestamp > 0) checkpoint.physicMsgTimestamp = Math.max(checkpoint.physicMsgTimestamp, lastTimestamp);
  }

  // Java: DefaultMessageStore#recoverTopicQueueTable.
  await store.queues.recoverOffsets(commitLog.minOffset);
  store.dispatcher.dispatchedOffset = commitLog.writtenOffset;
  store.lastStoreTimestamp = Math.max(lastTimestamp, checkpoint.physicMsgTimestamp);
  await store.flushLogics(true);
  const ms = Date.now() - began;
  logger.info({ lastExitOK, minOffset: commitLog.minOffset, maxOffset: commitLog.maxOffset, ms }, 'store recovered');
  return { lastExitOK, ms };
}

/**
 * The loaded replay point when recovery can start there: inside a commit log file that exists, not below the
 * log's first offset, and not past the consume queues' end. It is always a record boundary (services.ts takes it from the dispatched and flushed offsets,
 * both ends of whole entries); the scan checks the record there (PHYSICALOFFSET = position) like every other.
 */
function usableReplayPoint(commitLog: CommitLog, offset: number | undefined, cqEnd: number): { offset: number; index: number } | undefined {
  // Consume queues that end before it were deleted or lost since (an operator removing consumequeue/ to have it
  // rebuilt): Java's rule replays more.
  if (offset === undefined || cqEnd < offset) return undefined;
  const segs = commitLog.files.segments;
  if (segs.length === 0 || offset < commitLog.minOffset) return undefined;
  const index = segs.findIndex((s) => s.from <= offset && offset < s.from + commitLog.fileSize);
  if (index < 0) return undefined;
  return { offset, index };
}

/**
 * The index files kept by a replay from the replay point must not hold entries for records past the recovered end
 * (a machine crash in ASYNC_FLUSH loses written records the index saw): such files are destroyed and their keys
 * indexed again from the commit log.
 */
async function rebuildIndexBelow(store: RecoveryTarget, end: number): Promise<void> {
  const from = await store.index.dropFilesReaching(end);
  if (from === undefined) return;
  const segs = store.commitLog.files.segments;
  let index = segs.findIndex((s) => s.from <= from && from < s.from + store.commitLog.fileSize);
  if (index < 0) index = 0;
  store.logger.info({ from: segs[index]!.from, end }, 'rebuilding the index from the commit log');
  await store.commitLog.scan(index, false, store.delays, (req) => {
    if (req.physicalOffset < end) store.index.buildIndex(req);
  });
}

const verifyScan = newRecordScan();

/** True when the unit points at a record of this queue with this queue offset (or cannot be checked any more). */
async function verifyUnit(commitLog: CommitLog, cq: ConsumeQueue, u: CqUnit): Promise<boolean> {
  if (u.size === CQ_BLANK_SIZE && u.phy === 0) return true;
  if (u.phy < commitLog.minOffset) return true;
  if (u.size <= 0 || u.size > commitLog.fileSize) return false;
  const buf = await commitLog.files.read(u.phy, u.size);
  if (buf === undefined || buf.length !== u.size || !looksLikeRecordAt(buf, 0, u.size, u.phy)) return false;
  try {
    scanRecord(buf, 0, buf.length, verifyScan);
  } catch {
    return false;
  }
  if (buf.readInt32BE(12) !== cq.queueId || peekQueueOffset(buf, 0) !== u.queueOffset) return false;
  return buf.toString('utf8', verifyScan.topicPos, verifyScan.topicPos + verifyScan.topicLength) === cq.topic;
}
