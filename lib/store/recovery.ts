import * as path from 'node:path';
import { newRecordScan, peekQueueOffset, scanRecord } from '../../protocol/message';
import { CQ_BLANK_SIZE, type ConsumeQueue, type CqUnit } from './consume-queue';
import type { Segment } from './mapped-file';
import type { MessageStore } from './message-store';
import { looksLikeRecordAt } from './record';

/**
 * Opening a store (Java: DefaultMessageStore#load + #recover, CommitLog#recoverNormally / #recoverAbnormally).
 *
 *  1. A clean shutdown removed the abort file; its presence means a crash.
 *  2. Load the checkpoint, the commit log files, every consume queue (finding where its units end) and the index
 *     files (after a crash, index files newer than the checkpoint's indexMsgTimestamp are dropped, as Java does).
 *  3. Pick the commit log file to replay from, exactly as Java: after a clean shutdown the last file whose first
 *     record is not past the consume queues' end; after a crash the last file whose first record is not newer
 *     than the checkpoint's min timestamp (- 3 s); else the first file.
 *  4. Consume queues drop their units for records at or after that point and check the unit just before, against
 *     the commit log, backwards until one is right (so a torn unit never survives).
 *  5. Replay: every record from there is validated (magic, sizes, body CRC, PHYSICALOFFSET, no zero tail) and
 *     dispatched again (consume queue + index); the log ends at the first invalid record, where it is truncated
 *     (later files deleted, stale bytes zeroed).
 *  6. Queue offsets come from the consume queues; min offsets are corrected against the commit log; everything is
 *     fsynced and the checkpoint written, so a crash right after opening replays little.
 */
export async function recover(store: MessageStore): Promise<void> {
  const { io, paths, config, commitLog, checkpoint, logger } = store;
  const began = Date.now();
  const lastExitOK = (await io.stat(paths.abort)) === undefined;
  await checkpoint.load();
  await commitLog.load();
  await loadConsumeQueues(store);
  await store.index.load(lastExitOK, checkpoint.indexMsgTimestamp);

  const segs = commitLog.files.segments;
  let lastTimestamp = 0;
  if (segs.length === 0) {
    // Java: "The commitlog files are deleted, and delete the consume queue files".
    for (const cq of [...store.allConsumeQueues()]) await cq.destroy();
    store.consumeQueues.clear();
    commitLog.resetTo(0);
  } else {
    let dispatchFrom = -1;
    for (const cq of store.allConsumeQueues()) dispatchFrom = Math.max(dispatchFrom, cq.maxPhysicOffset);
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
    if (!lastExitOK) for (const cq of store.allConsumeQueues()) await cq.cutForReplay(replayFrom, (u) => verifyUnit(store, cq, u));
    const end = await commitLog.scan(idx, config.checkCRCOnRecover, store.delays, (req) => {
      if (req.physicalOffset >= dispatchThreshold) store.dispatch(req, true);
      if (req.storeTimestamp > lastTimestamp) lastTimestamp = req.storeTimestamp;
    });
    await commitLog.truncate(end);
    // Units kept by verification may point past a truncation in the middle of the log (Java: truncateDirtyLogicFiles).
    for (const cq of store.allConsumeQueues()) if (cq.maxPhysicOffset > end) await cq.cutForReplay(end, async () => true);
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
  const minPhy = commitLog.minOffset;
  for (const cq of store.allConsumeQueues()) {
    let m = store.queueOffsets.get(cq.topic);
    if (m === undefined) {
      m = new Map();
      store.queueOffsets.set(cq.topic, m);
    }
    m.set(cq.queueId, cq.maxOffsetInQueue);
    if (minPhy >= 0) await cq.correctMinOffset(minPhy);
  }
  store.dispatchedOffset = commitLog.writtenOffset;
  store.lastStoreTimestamp = Math.max(lastTimestamp, checkpoint.physicMsgTimestamp);
  await store.flushLogics(true);
  logger.info({ lastExitOK, minOffset: commitLog.minOffset, maxOffset: commitLog.maxOffset, ms: Date.now() - began }, 'store recovered');
}

async function loadConsumeQueues(store: MessageStore): Promise<void> {
  for (const t of await store.io.list(store.paths.consumeQueue)) {
    if (!t.isDirectory) continue;
    for (const q of await store.io.list(path.join(store.paths.consumeQueue, t.name))) {
      if (!q.isDirectory || !/^-?\d+$/.test(q.name)) continue;
      const queueId = Number(q.name);
      if (!Number.isSafeInteger(queueId) || queueId < -2147483648 || queueId > 2147483647) continue;
      await store.findOrCreateConsumeQueue(t.name, queueId).load();
    }
  }
}

const verifyScan = newRecordScan();

/** True when the unit points at a record of this queue with this queue offset (or cannot be checked any more). */
async function verifyUnit(store: MessageStore, cq: ConsumeQueue, u: CqUnit): Promise<boolean> {
  if (u.size === CQ_BLANK_SIZE && u.phy === 0) return true;
  if (u.phy < store.commitLog.minOffset) return true;
  if (u.size <= 0 || u.size > store.commitLog.fileSize) return false;
  const buf = await store.commitLog.files.read(u.phy, u.size);
  if (buf === undefined || buf.length !== u.size || !looksLikeRecordAt(buf, 0, u.size, u.phy)) return false;
  try {
    scanRecord(buf, 0, buf.length, verifyScan);
  } catch {
    return false;
  }
  if (buf.readInt32BE(12) !== cq.queueId || peekQueueOffset(buf, 0) !== u.queueOffset) return false;
  return buf.toString('utf8', verifyScan.topicPos, verifyScan.topicPos + verifyScan.topicLength) === cq.topic;
}
