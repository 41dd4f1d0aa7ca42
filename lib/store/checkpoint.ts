import * as path from 'node:path';
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
 */
export const CHECKPOINT_FILE_SIZE = 4096;
export const CHECKPOINT_PHYSIC_MSG_TIMESTAMP_POS = 0;
export const CHECKPOINT_LOGICS_MSG_TIMESTAMP_POS = 8;
export const CHECKPOINT_INDEX_MSG_TIMESTAMP_POS = 16;
export const CHECKPOINT_MASTER_FLUSHED_OFFSET_POS = 24;
export const CHECKPOINT_CONFIRM_PHY_OFFSET_POS = 32;
export const CHECKPOINT_USED_BYTES = 40;

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

  constructor(
    private readonly io: StoreIO,
    readonly file: string,
  ) {}

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
    return true;
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

  /** Writes and fsyncs the values when they changed (Java: StoreCheckpoint#flush). */
  async flush(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
    const b = encodeCheckpoint(this);
    const hex = b.toString('hex');
    if (hex === this.lastWritten || this.handle === undefined) return;
    const h = this.handle;
    this.writing = (async () => {
      let done = 0;
      while (done < b.length) done += await this.io.write(h, [b.subarray(done)], done);
      await this.io.sync(h);
      this.lastWritten = hex;
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
  }
}
