import * as path from 'node:path';
import type { FileHandle, StoreIO } from '../store';
import { readI64, writeFully } from './timer-wheel';

/**
 * `<storePathRootDir>/config/timercheck`: the timer checkpoint (Java: store/timer/TimerCheckpoint.java), byte for
 * byte: a 4096-byte file (Java maps one OS page) whose first 56 bytes are seven int64 BE.
 *
 *   ┌──────────────┬──────────────────┬────────────────┬──────────────────┬──────────┬───────────┬─────────┐
 *   │ lastReadTime │ lastTimerLog     │ lastTimerQueue │ masterTimerQueue │ dataVer. │ dataVer.  │ dataVer.│
 *   │     Ms       │  FlushPos        │    Offset      │    Offset        │ state    │ timestamp │ counter │
 *   └──────────────┴──────────────────┴────────────────┴──────────────────┴──────────┴───────────┴─────────┘
 *    0              8                  16               24                 32         40          48        56
 *
 * lastReadTimeMs: the next wheel slot to deliver; lastTimerLogFlushPos: timerlog bytes fsynced; lastTimerQueueOffset
 * and masterTimerQueueOffset: the next rmq_sys_wheel_timer consume queue offset to move into the wheel.
 */
export const CHECK_LAST_READ_TIME_MS_OFFSET = 0;
export const CHECK_LAST_TIMER_LOG_FLUSH_POS_OFFSET = 8;
export const CHECK_LAST_TIMER_QUEUE_OFFSET_OFFSET = 16;
export const CHECK_MASTER_TIMER_QUEUE_OFFSET_OFFSET = 24;
export const CHECK_STATE_VERSION_OFFSET = 32;
export const CHECK_TIMESTAMP_OFFSET = 40;
export const CHECK_COUNTER_OFFSET = 48;
export const CHECK_CONTENT_SIZE = 56;
/** Java DefaultMappedFile.OS_PAGE_SIZE: the file's length. */
export const CHECK_FILE_SIZE = 4096;

export interface TimerCheckpointValue {
  lastReadTimeMs: number;
  lastTimerLogFlushPos: number;
  lastTimerQueueOffset: number;
  masterTimerQueueOffset: number;
  stateVersion: number;
  timestamp: number;
  counter: number;
}

export function emptyCheckpoint(): TimerCheckpointValue {
  return { lastReadTimeMs: 0, lastTimerLogFlushPos: 0, lastTimerQueueOffset: 0, masterTimerQueueOffset: 0, stateVersion: 0, timestamp: 0, counter: 0 };
}

export function encodeCheckpoint(v: TimerCheckpointValue): Buffer {
  const b = Buffer.alloc(CHECK_CONTENT_SIZE);
  b.writeBigInt64BE(BigInt(v.lastReadTimeMs), CHECK_LAST_READ_TIME_MS_OFFSET);
  b.writeBigInt64BE(BigInt(v.lastTimerLogFlushPos), CHECK_LAST_TIMER_LOG_FLUSH_POS_OFFSET);
  b.writeBigInt64BE(BigInt(v.lastTimerQueueOffset), CHECK_LAST_TIMER_QUEUE_OFFSET_OFFSET);
  b.writeBigInt64BE(BigInt(v.masterTimerQueueOffset), CHECK_MASTER_TIMER_QUEUE_OFFSET_OFFSET);
  b.writeBigInt64BE(BigInt(v.stateVersion), CHECK_STATE_VERSION_OFFSET);
  b.writeBigInt64BE(BigInt(v.timestamp), CHECK_TIMESTAMP_OFFSET);
  b.writeBigInt64BE(BigInt(v.counter), CHECK_COUNTER_OFFSET);
  return b;
}

export function decodeCheckpoint(b: Buffer): TimerCheckpointValue {
  return {
    lastReadTimeMs: readI64(b, CHECK_LAST_READ_TIME_MS_OFFSET),
    lastTimerLogFlushPos: readI64(b, CHECK_LAST_TIMER_LOG_FLUSH_POS_OFFSET),
    lastTimerQueueOffset: readI64(b, CHECK_LAST_TIMER_QUEUE_OFFSET_OFFSET),
    masterTimerQueueOffset: readI64(b, CHECK_MASTER_TIMER_QUEUE_OFFSET_OFFSET),
    stateVersion: readI64(b, CHECK_STATE_VERSION_OFFSET),
    timestamp: readI64(b, CHECK_TIMESTAMP_OFFSET),
    counter: readI64(b, CHECK_COUNTER_OFFSET),
  };
}

export function checkpointFileName(storePathRootDir: string): string {
  return path.join(storePathRootDir, 'config', 'timercheck');
}

export class TimerCheckpoint {
  value: TimerCheckpointValue = emptyCheckpoint();
  /** False when the file did not exist at open (a first start). */
  existed = false;
  private handle: FileHandle | undefined;

  constructor(
    private readonly io: StoreIO,
    readonly file: string,
  ) {}

  async open(): Promise<void> {
    await this.io.mkdirp(path.dirname(this.file));
    const st = await this.io.stat(this.file);
    this.handle = await this.io.open(this.file, true);
    if (st !== undefined && st.size >= CHECK_CONTENT_SIZE) {
      const b = Buffer.alloc(CHECK_CONTENT_SIZE);
      await this.io.read(this.handle, b, 0, CHECK_CONTENT_SIZE, 0);
      this.value = decodeCheckpoint(b);
      this.existed = true;
    }
    if (st === undefined || st.size < CHECK_FILE_SIZE) await this.io.truncate(this.handle, CHECK_FILE_SIZE);
  }

  /** Java DataVersion#nextVersion(stateVersion). */
  nextVersion(stateVersion: number, now: number): void {
    this.value.stateVersion = stateVersion;
    this.value.timestamp = now;
    this.value.counter += 1;
  }

  async flush(): Promise<void> {
    if (this.handle === undefined) return;
    await writeFully(this.io, this.handle, encodeCheckpoint(this.value), 0);
    await this.io.sync(this.handle);
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.handle !== undefined) await this.io.close(this.handle);
    this.handle = undefined;
  }
}
