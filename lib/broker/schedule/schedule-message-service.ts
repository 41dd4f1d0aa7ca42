import { DelayOffsetSerializeWrapper } from '../../../protocol/bodies';
import { decodeStoredMessage, MessageConst, type DelayLevelTable, type StoredMessage } from '../../../protocol/message';
import { SCHEDULE_TOPIC, TRANS_HALF_TOPIC } from '../../../protocol/naming';
import type { Logger } from '../../common';
import { GetMessageStatus, PutMessageStatus, type MessageStore } from '../../store';
import { InnerMessage } from '../message-build';
import { ConfigFile, nextVersion, type DataVersionValue } from '../metadata/config-file';

/**
 * Delivery of delayed messages (Java: broker/.../schedule/ScheduleMessageService.java). Messages with a DELAY
 * level sit in SCHEDULE_TOPIC_XXXX queue level-1; per level, a cursor walks the queue in order and, when a
 * message's time is up (store time + the level's delay), stores it again in its real topic and queue with its
 * properties unchanged (DELAY included, as Java's messageTimeUp stores them). Cursors persist in
 * delayOffset.json in Java's format.
 */
export interface ScheduleOptions {
  store: MessageStore;
  levels: DelayLevelTable;
  storePathRootDir: string;
  logger: Logger;
  now: () => number;
  /** ms between scans of a level that has nothing due. */
  scanIntervalMs?: number;
}

export class ScheduleMessageService {
  private readonly offsets = new Map<number, number>();
  private readonly busy = new Set<number>();
  private dataVersion: DataVersionValue;
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly file: ConfigFile<never>;
  private stopped = false;

  constructor(private readonly o: ScheduleOptions) {
    this.dataVersion = { counter: 0, stateVersion: 0, timestamp: o.now() };
    this.file = new ConfigFile(o.storePathRootDir, 'delayOffset.json', DelayOffsetSerializeWrapper as never, o.logger);
  }

  load(): void {
    const v = this.file.load() as { offsetTable: Map<number, number>; dataVersion?: DataVersionValue } | undefined;
    if (v === undefined) return;
    for (const [level, off] of v.offsetTable) this.offsets.set(level, off);
    if (v.dataVersion !== undefined) this.dataVersion = { ...v.dataVersion, stateVersion: v.dataVersion.stateVersion ?? 0 };
  }

  persist(): void {
    const table = new Map([...this.offsets].sort((a, b) => a[0] - b[0]));
    this.file.persist({ dataVersion: this.dataVersion, offsetTable: table } as never);
    this.dirty = false;
  }

  /**
   * A slave takes its master's delay offsets (Java SlaveSynchronize#syncDelayOffset writes the text to
   * delayOffset.json, then ScheduleMessageService#loadWhenSyncDelayOffset loads it: putAll and the master's version).
   */
  loadFromMaster(v: { offsetTable: ReadonlyMap<number, number>; dataVersion?: DataVersionValue | undefined }): void {
    for (const [level, off] of v.offsetTable) this.offsets.set(level, off);
    if (v.dataVersion !== undefined) this.dataVersion = { ...v.dataVersion, stateVersion: v.dataVersion.stateVersion ?? 0 };
    this.persist();
  }

  persistIfDirty(): void {
    if (this.dirty) this.persist();
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.o.scanIntervalMs ?? 100);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    try {
      this.persistIfDirty();
    } catch (e) {
      // A full disk at shutdown must not stop the other metadata files from being written (issue 14).
      this.o.logger.error({ file: this.file.file, err: (e as Error).message }, 'delayOffset.json not written at shutdown');
    }
  }

  /** "<delayOffset>,<maxOffset>" per level, for GET_BROKER_RUNTIME_INFO (scheduleMessageOffset_<level>). */
  progress(): [number, string][] {
    const out: [number, string][] = [];
    for (let level = 1; level <= this.o.levels.maxLevel; level++) {
      const max = this.o.store.getMaxOffsetInQueue(SCHEDULE_TOPIC, level - 1);
      out.push([level, `${this.offsets.get(level) ?? 0},${max}`]);
    }
    return out;
  }

  offsetTable(): Map<number, number> {
    return this.offsets;
  }

  /** What delayOffset.json holds, for GET_ALL_DELAY_OFFSET (Java ScheduleMessageService#encode). */
  snapshot(): { dataVersion: DataVersionValue; offsetTable: Map<number, number> } {
    return { dataVersion: this.dataVersion, offsetTable: new Map([...this.offsets].sort((a, b) => a[0] - b[0])) };
  }

  private tick(): void {
    for (let level = 1; level <= this.o.levels.maxLevel; level++) {
      if (this.busy.has(level)) continue;
      const queueId = level - 1;
      if (this.o.store.getMaxOffsetInQueue(SCHEDULE_TOPIC, queueId) <= (this.offsets.get(level) ?? 0)) continue;
      this.busy.add(level);
      this.deliverLevel(level).then(
        () => this.busy.delete(level),
        (e: unknown) => {
          this.busy.delete(level);
          this.o.logger.error({ level, err: e }, 'delayed delivery failed; will retry');
        },
      );
    }
  }

  /** Delivers every due message of a level, in queue order; stops at the first one not yet due. */
  private async deliverLevel(level: number): Promise<void> {
    const queueId = level - 1;
    const delay = this.o.levels.delayMs(level) ?? 1000;
    for (;;) {
      if (this.stopped) return;
      const offset = this.offsets.get(level) ?? 0;
      const r = await this.o.store.getMessage(SCHEDULE_TOPIC, queueId, offset, 32);
      if (r === undefined) return;
      if (r.status !== GetMessageStatus.FOUND) {
        if (r.nextBeginOffset !== offset && r.status !== GetMessageStatus.OFFSET_OVERFLOW_ONE) this.setOffset(level, r.nextBeginOffset);
        return;
      }
      for (let i = 0; i < r.messages.length; i++) {
        const m = decodeStoredMessage(r.messages[i]!).message;
        if (this.o.now() < m.storeTimestamp + delay) return;
        const ok = await this.deliver(m);
        if (!ok) return;
        this.setOffset(level, r.messageQueueOffsets[i]! + 1);
      }
    }
  }

  private setOffset(level: number, offset: number): void {
    this.offsets.set(level, offset);
    this.dirty = true;
    this.dataVersion = nextVersion(this.dataVersion, this.o.now());
  }

  /** Java ScheduleMessageService#messageTimeUp + put. */
  private async deliver(m: StoredMessage): Promise<boolean> {
    const inner = new InnerMessage(m.topic, m.queueId, m.flag, m.sysFlag, m.bornTimestamp, m.bornHost, m.storeHost, m.reconsumeTimes, m.body, m.properties);
    const realTopic = inner.get(MessageConst.PROPERTY_REAL_TOPIC);
    const realQid = Number.parseInt(inner.get(MessageConst.PROPERTY_REAL_QUEUE_ID) ?? '', 10);
    if (realTopic === undefined || !(realQid >= 0)) {
      this.o.logger.warn({ offset: m.queueOffset }, 'delayed message without REAL_TOPIC/REAL_QID skipped');
      return true;
    }
    if (realTopic === TRANS_HALF_TOPIC) {
      this.o.logger.error({ offset: m.queueOffset }, '[BUG] the real topic of a delayed message is the half topic; discarded');
      return true;
    }
    // Java messageTimeUp serializes the properties before it clears DELAY / TIMER_* and sets WAIT=false in the map
    // only: the stored record keeps the schedule record's properties as they are, so consumers still read
    // getDelayTimeLevel() (DELAY=<level>) and no WAIT=false appears. The broker does not schedule it again
    // because the delay is applied only on the send paths, never on this put.
    inner.topic = realTopic;
    inner.queueId = realQid;
    const res = await this.o.store.putMessage(inner.encode(), { waitStoreMsgOK: false });
    if (res.status === PutMessageStatus.PUT_OK || res.status === PutMessageStatus.FLUSH_DISK_TIMEOUT) return true;
    this.o.logger.warn({ topic: realTopic, status: res.status }, 'delayed message not delivered; will retry');
    return false;
  }
}
