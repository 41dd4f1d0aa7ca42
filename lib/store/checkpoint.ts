import * as path from 'node:path';
import { crc32 } from '../../protocol/message';
import type { FileHandle, StoreIO } from './io';

/**
 * The checkpoint file (Java: StoreCheckpoint): one 4 KiB page (Java maps OS_PAGE_SIZE), of which 40 bytes are used.
 *
 *   0  physicMsgTimestamp   int64  store time of the last record covered by a commit log fsync
 *   8  logicsMsgTimestamp   int64  store time up to which every consume queue unit is durable
 *  16  indexMsgTimestamp    int64  store time up to which the index is durable
 *  24  masterFlushedOffset  int64  HA (controller mode); kept as read
 *  32  confirmPhyOffset     int64  HA (controller mode); kept as read
 *
 * After a crash, recovery replays the commit log from the last file whose first record is not newer than
 * min(physicMsgTimestamp, logicsMsgTimestamp) - 3 s (Java: StoreCheckpoint#getMinTimestamp).
 *
 * Apogee's companion file `<checkpoint>.apogee` (a Java broker never reads it: it only opens the files it names)
 * holds the replay point, a commit log offset below which everything is known durable and dispatched:
 *
 *   0  magic "APRP"  4  version (1)  8  replayFrom int64  16  the 40 checkpoint bytes written with it  56  CRC32 of 0..56
 *
 * It is written (and fsynced) right after the checkpoint itself and is trusted only while the checkpoint still holds
 * exactly the bytes it copies: a crash between the two writes, a Java broker that ran on the store since (it
 * rewrites the checkpoint every second) or a store written by Java alone (no companion) all fall back to Java's rule.
 *
 * Contract. Owns: both files' layouts and their write order (checkpoint, fsync, companion, fsync). May call: the
 *   injected StoreIO. Invariant: a companion is only ever written with the checkpoint bytes that are on disk.
 */
export const CHECKPOINT_FILE_SIZE = 4096;
export const CHECKPOINT_PHYSIC_MSG_TIMESTAMP_POS = 0;
export const CHECKPOINT_LOGICS_MSG_TIMESTAMP_POS = 8;
export const CHECKPOINT_INDEX_MSG_TIMESTAMP_POS = 16;
export const CHECKPOINT_MASTER_FLUSHED_OFFSET_POS = 24;
export const CHECKPOINT_CONFIRM_PHY_OFFSET_POS = 32;
export const CHECKPOINT_USED_BYTES = 40;
export const REPLAY_POINT_MAGIC = 0x41505250; // "APRP"
export const REPLAY_POINT_VERSION = 1;
export const REPLAY_POINT_FILE_BYTES = 60;

const TWO_32 = 4294967296;

export interface CheckpointValues {
  physicMsgTimestamp: number;
  logicsMsgTimestamp: number;
  indexMsgTimestamp: number;
  masterFlushedOffset: number;
  confirmPhyOffset: number;
}

function readLong(b: Buffer, p: number): number {
  return b.readInt32BE(p) * TWO_32 + b.readUInt32BE(p + 4);
}
function writeLong(b: Buffer, p: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  b.writeInt32BE(hi | 0, p);
  b.writeUInt32BE(v - hi * TWO_32, p + 4);
}

export function encodeCheckpoint(v: CheckpointValues): Buffer {
  const b = Buffer.alloc(CHECKPOINT_USED_BYTES);
  writeLong(b, CHECKPOINT_PHYSIC_MSG_TIMESTAMP_POS, v.physicMsgTimestamp);
  writeLong(b, CHECKPOINT_LOGICS_MSG_TIMESTAMP_POS, v.logicsMsgTimestamp);
  writeLong(b, CHECKPOINT_INDEX_MSG_TIMESTAMP_POS, v.indexMsgTimestamp);
  writeLong(b, CHECKPOINT_MASTER_FLUSHED_OFFSET_POS, v.masterFlushedOffset);
  writeLong(b, CHECKPOINT_CONFIRM_PHY_OFFSET_POS, v.confirmPhyOffset);
  return b;
}

export function decodeCheckpoint(b: Buffer): CheckpointValues {
  return {
    physicMsgTimestamp: readLong(b, CHECKPOINT_PHYSIC_MSG_TIMESTAMP_POS),
    logicsMsgTimestamp: readLong(b, CHECKPOINT_LOGICS_MSG_TIMESTAMP_POS),
    indexMsgTimestamp: readLong(b, CHECKPOINT_INDEX_MSG_TIMESTAMP_POS),
    masterFlushedOffset: readLong(b, CHECKPOINT_MASTER_FLUSHED_OFFSET_POS),
    confirmPhyOffset: readLong(b, CHECKPOINT_CONFIRM_PHY_OFFSET_POS),
  };
}

export class StoreCheckpoint implements CheckpointValues {
  physicMsgTimestamp = 0;
  logicsMsgTimestamp = 0;
  indexMsgTimestamp = 0;
  masterFlushedOffset = 0;
  confirmPhyOffset = 0;
  private handle: FileHandle | undefined;
  private lastWritten = '';
  private writing: Promise<void> | undefined;
  /** The companion's replay point as loaded, when it matches the checkpoint on disk (see the file comment). */
  loadedReplayFrom: number | undefined;
  /** The newest replay point handed to flush (written with every checkpoint from then on). */
  private replayFrom: number | undefined;
  private replayHandle: FileHandle | undefined;
  private replayWritten = '';

  constructor(
    private readonly io: StoreIO,
    readonly file: string,
  ) {}

  get replayFile(): string {
    return `${this.file}.apogee`;
  }

  /** Reads the file if it exists (Java: StoreCheckpoint constructor). */
  async load(): Promise<boolean> {
    const st = await this.io.stat(this.file);
    await this.io.mkdirp(path.dirname(this.file));
    this.handle = await this.io.open(this.file, true);
    if (st === undefined || st.size < CHECKPOINT_USED_BYTES) {
      await this.io.truncate(this.handle, CHECKPOINT_FILE_SIZE);
      await this.io.sync(this.handle);
      await this.io.syncDir(path.dirname(this.file));
      return false;
    }
    const b = Buffer.alloc(CHECKPOINT_USED_BYTES);
    await this.io.read(this.handle, b, 0, CHECKPOINT_USED_BYTES, 0);
    Object.assign(this, decodeCheckpoint(b));
    this.lastWritten = b.toString('hex');
    this.loadedReplayFrom = await this.loadReplayPoint(b);
    return true;
  }

  private async loadReplayPoint(checkpointBytes: Buffer): Promise<number | undefined> {
    const st = await this.io.stat(this.replayFile);
    if (st === undefined || st.size < REPLAY_POINT_FILE_BYTES) return undefined;
    const h = await this.io.open(this.replayFile, false);
    const b = Buffer.alloc(REPLAY_POINT_FILE_BYTES);
    try {
      await this.io.read(h, b, 0, REPLAY_POINT_FILE_BYTES, 0);
    } finally {
      await this.io.close(h);
    }
    if (b.readInt32BE(0) !== REPLAY_POINT_MAGIC || b.readInt32BE(4) !== REPLAY_POINT_VERSION) return undefined;
    if ((crc32(b.subarray(0, 56)) | 0) !== b.readInt32BE(56)) return undefined;
    if (!b.subarray(16, 56).equals(checkpointBytes)) return undefined;
    const at = readLong(b, 8);
    return at >= 0 ? at : undefined;
  }

  /** Java: StoreCheckpoint#getMinTimestamp. */
  get minTimestamp(): number {
    const min = Math.min(this.physicMsgTimestamp, this.logicsMsgTimestamp) - 3000;
    return min < 0 ? 0 : min;
  }

  /** Java: StoreCheckpoint#getMinTimestampIndex. */
  get minTimestampIndex(): number {
    return Math.min(this.minTimestamp, this.indexMsgTimestamp);
  }

  /**
   * Writes and fsyncs the values when they changed (Java: StoreCheckpoint#flush), then the companion file with the
   * newest replay point known (`replayFrom`: a commit log offset below which the log and the consume queues are
   * durable; none before the first).
   */
  async flush(replayFrom?: number): Promise<void> {
    while (this.writing !== undefined) await this.writing;
    // A point stays valid once reached (what lies before it stays durable and dispatched), so every checkpoint
    // write carries the newest one: a flush that cannot advance it must not leave the companion stale.
    if (replayFrom !== undefined) this.replayFrom = replayFrom;
    const b = encodeCheckpoint(this);
    const hex = b.toString('hex');
    const h = this.handle;
    if (h === undefined) return;
    const rp = this.replayFrom === undefined ? undefined : encodeReplayPoint(this.replayFrom, b);
    if (hex === this.lastWritten && (rp === undefined || rp.toString('hex') === this.replayWritten)) return;
    this.writing = (async () => {
      if (hex !== this.lastWritten) {
        // The old companion no longer matches from the moment this write lands (see the file comment).
        await writeAll(this.io, h, b);
        await this.io.sync(h);
        this.lastWritten = hex;
      }
      if (rp !== undefined) {
        if (this.replayHandle === undefined) {
          this.replayHandle = await this.io.open(this.replayFile, true);
          await this.io.syncDir(path.dirname(this.replayFile));
        }
        await writeAll(this.io, this.replayHandle, rp);
        await this.io.sync(this.replayHandle);
        this.replayWritten = rp.toString('hex');
      }
    })();
    try {
      await this.writing;
    } finally {
      this.writing = undefined;
    }
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    if (h !== undefined) await this.io.close(h).catch(() => undefined);
    const r = this.replayHandle;
    this.replayHandle = undefined;
    if (r !== undefined) await this.io.close(r).catch(() => undefined);
  }
}

/** The companion file's bytes: replay point + the checkpoint bytes it belongs to + CRC32. */
export function encodeReplayPoint(replayFrom: number, checkpointBytes: Buffer): Buffer {
  const b = Buffer.alloc(REPLAY_POINT_FILE_BYTES);
  b.writeInt32BE(REPLAY_POINT_MAGIC, 0);
  b.writeInt32BE(REPLAY_POINT_VERSION, 4);
  writeLong(b, 8, replayFrom);
  checkpointBytes.copy(b, 16, 0, CHECKPOINT_USED_BYTES);
  b.writeInt32BE(crc32(b.subarray(0, 56)) | 0, 56);
  return b;
}

async function writeAll(io: StoreIO, h: FileHandle, b: Buffer): Promise<void> {
  let done = 0;
  while (done < b.length) done += await io.write(h, [b.subarray(done)], done);
}
