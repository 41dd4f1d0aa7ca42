import { decodeStoredMessage, MessageConst, parseProperties, type StoredMessage } from '../../protocol/message';
import { GetMessageStatus, NodeStoreIO, PutMessageStatus } from '../store';
import { CHAIN_READ_BYTES, DELIVER_IN_FLIGHT_MAX, DEQUEUE_EMPTY_SLOTS_PER_YIELD, DEQUEUE_SLOTS_PER_TURN_MAX, ENQUEUE_BATCH_MAX, idleSleepMs, PUT_ATTEMPTS_MAX, ENQUEUE_NEVER, TIMER_BLANK_SLOTS, TIMER_TOPIC, normalizePrecisionMs, type TimerDeps, type TimerStats } from './timer-config';
import { deliveryOf } from './timer-deliver';
import { checkpointFileName, TimerCheckpoint } from './timer-checkpoint';
import { enqueueRun, isDeleteMarker, type EnqueueItem } from './timer-enqueue';
import { readSlotChain, TimerLog, timerLogDir, MAGIC_ROLL, UNIT_SIZE } from './timer-log';
import { metricsFileName, TimerMetrics } from './timer-metrics';
import { IGNORE, SLOTS_TOTAL, TimerWheel, wheelFileName } from './timer-wheel';

/**
 * Timer messages (Java: store/timer/TimerMessageStore.java). The broker stores a timer message in topic
 * rmq_sys_wheel_timer queue 0 with TIMER_OUT_MS (its due time, rounded down to the precision), REAL_TOPIC and
 * REAL_QID. This service, one async loop:
 *  - enqueue: reads that consume queue from the checkpointed offset; each message due before the write time is
 *    delivered at once, the others get a timerlog unit chained into their wheel slot (further than
 *    timerRollWindowSlot away: parked at the window's edge with MAGIC_ROLL and re-put to rmq_sys_wheel_timer then);
 *  - dequeue: while the read time is behind the write time (now, rounded down), walks the slot's chain and puts
 *    every message back to REAL_TOPIC/REAL_QID with TIMER_ENQUEUE_MS and TIMER_DEQUEUE_MS added (the stored
 *    properties otherwise as they were, REAL_* included, as a 5.5.0 broker stores them), then moves to the next slot;
 *  - flush (every timerFlushIntervalMs): timerlog, timerwheel, config/timercheck, config/timermetrics.
 * Recovery is Java's: the timerlog is scanned from the checkpoint's flushed position (less one file) to revise the
 * wheel, the queue offset resumes after the message of the last unit (at most the checkpoint's), the read time at
 * the checkpoint's. After a clean shutdown nothing is delivered twice; after a crash the last second may be.
 * Names, limits and types live in timer-config.ts; what a due message becomes (pure) in timer-deliver.ts.
 */
export class TimerMessageStore {
  readonly precisionMs: number;
  private readonly now: () => number;
  private readonly rollWindowSlots: number;
  private currReadTimeMs = 0;
  private currWriteTimeMs = 0;
  private currQueueOffset = 0;
  private commitReadTimeMs = 0;
  private commitQueueOffset = 0;
  private lastCommitReadTimeMs = -1;
  private lastCommitQueueOffset = -1;
  private running: Promise<void> | undefined;
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  private lastFlushMs = 0;
  private lastExpireCheckMs = 0;
  private counts = { enq: 0, deq: 0, at: 0, enqTps: 0, deqTps: 0 };
  /** Java lastEnqueueButExpiredTime / lastEnqueueButExpiredStoreTime: the last message read from the timer topic. */
  private lastFetch = { at: 0, storeTimestamp: 0 };

  private constructor(
    private readonly d: TimerDeps,
    readonly wheel: TimerWheel,
    readonly log: TimerLog,
    readonly checkpoint: TimerCheckpoint,
    readonly metrics: TimerMetrics,
  ) {
    this.now = d.now ?? Date.now;
    this.precisionMs = wheel.precisionMs;
    const slots = wheel.slotsTotal;
    const w = d.config.timerRollWindowSlot;
    this.rollWindowSlots = w > slots - TIMER_BLANK_SLOTS || w < 2 ? slots - TIMER_BLANK_SLOTS : w;
  }

  /** Opens the files and recovers (Java: TimerMessageStore#load + recover). */
  static async open(d: TimerDeps): Promise<TimerMessageStore> {
    const io = d.io ?? new NodeStoreIO();
    const root = d.config.storePathRootDir;
    const precision = normalizePrecisionMs(d.config.timerPrecisionMs);
    const wheel = await TimerWheel.open(io, wheelFileName(root), precision, d.slotsTotal ?? SLOTS_TOTAL);
    const log = new TimerLog(io, timerLogDir(root), d.config.mappedFileSizeTimerLog);
    await log.load();
    const cp = new TimerCheckpoint(io, checkpointFileName(root));
    await cp.open();
    const metrics = new TimerMetrics(io, metricsFileName(root), d.now ?? Date.now);
    await metrics.load();
    const t = new TimerMessageStore(d, wheel, log, cp, metrics);
    await t.recover();
    return t;
  }

  private formatTimeMs(ms: number): number {
    return Math.floor(ms / this.precisionMs) * this.precisionMs;
  }

  private async recover(): Promise<void> {
    const cp = this.checkpoint.value;
    let lastFlushPos = cp.lastTimerLogFlushPos;
    if (this.log.fileStarts().length > 0) lastFlushPos -= this.log.fileSize;
    if (lastFlushPos < 0) lastFlushPos = 0;
    const processOffset = await this.log.scan(lastFlushPos, (pos, u) => this.wheel.reviseSlot(u.delayedMs, IGNORE, pos, true));
    await this.log.truncate(processOffset);
    const q = await this.reviseQueueOffset(processOffset);
    this.currQueueOffset = q === -1 ? cp.lastTimerQueueOffset : q + 1;
    this.currQueueOffset = Math.min(this.currQueueOffset, cp.masterTimerQueueOffset);
    const min = this.d.store.getMinOffsetInQueue(TIMER_TOPIC, 0);
    const max = this.d.store.getMaxOffsetInQueue(TIMER_TOPIC, 0);
    if (this.currQueueOffset < min) this.currQueueOffset = min;
    else if (this.currQueueOffset > max) this.currQueueOffset = max;
    this.currReadTimeMs = cp.lastReadTimeMs;
    const oldest = this.formatTimeMs(this.now()) - this.wheel.slotsTotal * this.precisionMs + TIMER_BLANK_SLOTS * this.precisionMs;
    if (this.currReadTimeMs < oldest) this.currReadTimeMs = oldest;
    const minFirst = this.wheel.checkPhyPos(this.currReadTimeMs, processOffset);
    if (minFirst < processOffset) {
      this.d.logger.warn({ minFirst, processOffset }, 'timer wheel points past the timerlog; revising it from the log');
      await this.log.scan(minFirst, (pos, u) => this.wheel.reviseSlot(u.delayedMs, IGNORE, pos, false));
    }
    this.commitReadTimeMs = this.currReadTimeMs;
    this.commitQueueOffset = this.currQueueOffset;
    this.prepareCheckpoint();
    this.d.logger.info({ readTimeMs: this.currReadTimeMs, queueOffset: this.currQueueOffset, timerLogEnd: processOffset }, 'timer recovered');
  }

  /** Java reviseQueueOffset: the rmq_sys_wheel_timer queue offset of the message of the last unit, or -1. */
  private async reviseQueueOffset(processOffset: number): Promise<number> {
    if (processOffset < UNIT_SIZE) return -1;
    const u = await this.log.read(processOffset - UNIT_SIZE);
    if (u === undefined) return -1;
    const m = await this.readMessage(u.offsetPy, u.sizePy);
    return m === undefined || m.topic !== TIMER_TOPIC ? -1 : m.queueOffset;
  }

  private prepareCheckpoint(): void {
    const cp = this.checkpoint.value;
    cp.lastTimerLogFlushPos = this.log.flushedWhere;
    cp.lastReadTimeMs = this.commitReadTimeMs;
    cp.masterTimerQueueOffset = this.commitQueueOffset;
    if (this.commitReadTimeMs !== this.lastCommitReadTimeMs || this.commitQueueOffset !== this.lastCommitQueueOffset) {
      this.checkpoint.nextVersion(0, this.now());
      this.lastCommitReadTimeMs = this.commitReadTimeMs;
      this.lastCommitQueueOffset = this.commitQueueOffset;
    }
    cp.lastTimerQueueOffset = Math.min(this.commitQueueOffset, cp.masterTimerQueueOffset);
  }

  start(): void {
    if (this.running !== undefined) return;
    this.maybeMoveWriteTime();
    this.lastFlushMs = this.now();
    this.running = this.loop().catch((e: unknown) => this.d.logger.error({ err: e }, 'timer loop stopped on an error'));
  }

  /** Stops the loop, then flushes everything (Java: shutdown saves the checkpoint first). */
  async shutdown(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.running;
    await this.flushAll();
    await this.log.close();
    await this.wheel.close(false);
    await this.checkpoint.close();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let busy = false;
      try {
        busy = await this.enqueueStep();
        if (this.stopped) break;
        busy = (await this.dequeueStep()) || busy;
        const now = this.now();
        if (now - this.lastFlushMs >= this.d.config.timerFlushIntervalMs) {
          this.lastFlushMs = now;
          await this.flushAll();
        }
        if (now - this.lastExpireCheckMs >= 30_000) {
          this.lastExpireCheckMs = now;
          await this.log.deleteExpired(this.d.store.getMinPhyOffset());
        }
      } catch (e) {
        this.d.logger.error({ err: e }, 'timer step failed; retrying');
        busy = false;
      }
      const now = this.now();
      if (!busy && !this.stopped) await this.sleep(idleSleepMs(now, this.formatTimeMs(now), this.precisionMs));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wakeUp = undefined;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(t);
        this.wakeUp = undefined;
        resolve();
      };
    });
  }

  private async flushAll(): Promise<void> {
    this.prepareCheckpoint();
    await this.log.flush();
    await this.wheel.flush();
    await this.checkpoint.flush();
    await this.metrics.persist();
    const now = this.now();
    const secs = (now - this.counts.at) / 1000;
    if (secs > 0) {
      this.counts.enqTps = this.counts.enq / secs;
      this.counts.deqTps = this.counts.deq / secs;
    }
    this.counts.enq = this.counts.deq = 0;
    this.counts.at = now;
  }

  private maybeMoveWriteTime(): void {
    const t = this.formatTimeMs(this.now());
    if (this.currWriteTimeMs < t) this.currWriteTimeMs = t;
  }

  /** Java enqueue(0) + TimerEnqueuePutService: one batch from rmq_sys_wheel_timer. True when it moved. */
  private async enqueueStep(): Promise<boolean> {
    if (this.d.config.timerStopEnqueue) {
      this.maybeMoveWriteTime();
      return false;
    }
    const offset = this.currQueueOffset;
    const r = await this.d.store.getMessage(TIMER_TOPIC, 0, offset, ENQUEUE_BATCH_MAX);
    if (r === undefined) return false;
    if (r.status !== GetMessageStatus.FOUND) {
      if (r.nextBeginOffset !== offset && (r.status === GetMessageStatus.OFFSET_TOO_SMALL || r.status === GetMessageStatus.NO_MATCHED_LOGIC_QUEUE || r.status === GetMessageStatus.OFFSET_FOUND_NULL)) {
        this.currQueueOffset = this.commitQueueOffset = Math.max(offset, r.nextBeginOffset);
      }
      this.maybeMoveWriteTime();
      return false;
    }
    // Messages not yet due are gathered and enqueued in runs (one timerlog write each); the queue offset moves past
    // a message only once its unit is written or it was delivered, so a failed step starts again at the first one
    // not done.
    const pending: EnqueueItem[] = [];
    const enqueuePending = async (): Promise<void> => {
      while (pending.length > 0) {
        const ctx = { log: this.log, wheel: this.wheel, writeTimeMs: this.currWriteTimeMs, rollWindowSlots: this.rollWindowSlots, precisionMs: this.precisionMs };
        for (const it of pending.splice(0, await enqueueRun(ctx, pending))) {
          this.addMetric(it.props, isDeleteMarker(it.props) ? -1 : 1);
          this.counts.enq++;
          this.currQueueOffset = it.queueOffset + 1;
        }
      }
    };
    for (let i = 0; i < r.messages.length && !this.stopped; i++) {
      const buf = r.messages[i]!;
      const m = decodeStoredMessage(buf).message;
      const props = parseProperties(m.properties);
      const delayedMs = Number(props.get(MessageConst.PROPERTY_TIMER_OUT_MS));
      const queueOffset = r.messageQueueOffsets[i]!;
      this.lastFetch = { at: this.now(), storeTimestamp: m.storeTimestamp };
      if (Number.isFinite(delayedMs)) this.d.observer?.fetched(props.get(MessageConst.PROPERTY_REAL_TOPIC), delayedMs, m.bornTimestamp);
      if (Number.isFinite(delayedMs) && delayedMs >= this.currWriteTimeMs) {
        pending.push({ offsetPy: m.physicalOffset, sizePy: buf.length, delayedMs, props, queueOffset });
        continue;
      }
      await enqueuePending();
      if (!Number.isFinite(delayedMs)) this.d.logger.warn({ offset: queueOffset }, 'rmq_sys_wheel_timer message without TIMER_OUT_MS skipped');
      // Java TimerEnqueuePutService: already due: straight to delivery, never in the wheel.
      else await this.deliver(m, props, Number.MAX_SAFE_INTEGER, false);
      this.currQueueOffset = queueOffset + 1;
    }
    await enqueuePending();
    this.commitQueueOffset = this.currQueueOffset;
    this.maybeMoveWriteTime();
    return true;
  }

  private addMetric(props: Map<string, string>, value: number): void {
    const realTopic = props.get(MessageConst.PROPERTY_REAL_TOPIC);
    if (realTopic === undefined || props.get(MessageConst.PROPERTY_TIMER_ENQUEUE_MS) === ENQUEUE_NEVER) return;
    this.metrics.add(realTopic, value);
  }

  /** Java dequeue(): delivers the slots from the read time up to the write time. True when a slot had timers. */
  private async dequeueStep(): Promise<boolean> {
    if (this.d.config.timerStopDequeue) return false;
    let worked = 0;
    let empty = 0;
    while (this.currReadTimeMs < this.currWriteTimeMs && !this.stopped) {
      const slot = this.wheel.getSlot(this.currReadTimeMs);
      if (slot.timeMs !== -1) {
        await this.deliverSlot(slot.lastPos);
        if (this.stopped) return true;
        worked++;
      } else if (++empty >= DEQUEUE_EMPTY_SLOTS_PER_YIELD) {
        // A long run of empty slots (catching up after a start): let the event loop run, then go on.
        empty = 0;
        await new Promise<void>((r) => setImmediate(r));
        if (this.stopped) return worked > 0;
      }
      this.currReadTimeMs += this.precisionMs;
      this.commitReadTimeMs = this.currReadTimeMs;
      if (worked >= DEQUEUE_SLOTS_PER_TURN_MAX) break;
    }
    return worked > 0;
  }

  private async deliverSlot(lastPos: number): Promise<void> {
    const { normal, deletes, missingPos } = await readSlotChain(this.log, lastPos, CHAIN_READ_BYTES); // timer-log.ts
    if (missingPos !== undefined) this.d.logger.warn({ pos: missingPos }, 'timerlog unit missing in a slot chain; the rest of the slot is lost');
    const deleted = new Set<string>();
    for (const u of deletes) {
      const m = await this.readMessage(u.offsetPy, u.sizePy);
      const key = m === undefined ? undefined : parseProperties(m.properties).get(MessageConst.PROPERTY_TIMER_DEL_UNIQKEY);
      if (key !== undefined) deleted.add(key);
    }
    // Up to DELIVER_IN_FLIGHT_MAX messages of a slot are read and put at once (Java: 3 get + 3 put threads), puts in the
    // slot's order (the store appends in call order), the next chunk read meanwhile. A chunk's puts are issued while
    // the previous chunk's are still being written (two chunks in flight at most), so a slot is not one commit log
    // write round trip per chunk; the slot counts as delivered only when every put answered.
    const read = (i: number): Promise<(StoredMessage | undefined)[]> => Promise.all(normal.slice(i, i + DELIVER_IN_FLIGHT_MAX).map((u) => this.readMessage(u.offsetPy, u.sizePy)));
    let next = normal.length > 0 ? read(0) : undefined;
    let writing: Promise<unknown> | undefined;
    for (let i = 0; i < normal.length && !this.stopped; i += DELIVER_IN_FLIGHT_MAX) {
      const msgs = await next!;
      next = i + DELIVER_IN_FLIGHT_MAX < normal.length ? read(i + DELIVER_IN_FLIGHT_MAX) : undefined;
      const puts: Promise<void>[] = [];
      for (let k = 0; k < msgs.length; k++) {
        const u = normal[i + k]!;
        const m = msgs[k];
        if (m === undefined) {
          this.d.logger.warn({ offsetPy: u.offsetPy }, 'timer message no longer in the commit log; skipped');
          continue;
        }
        const props = parseProperties(m.properties);
        const uniq = props.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        if (uniq !== undefined && deleted.has(`${props.get(MessageConst.PROPERTY_REAL_TOPIC) ?? ''}+${uniq}`)) continue;
        puts.push(this.deliver(m, props, u.enqueueMs, (u.magic & MAGIC_ROLL) !== 0));
      }
      await writing;
      writing = Promise.all(puts);
      writing.catch(() => undefined); // handled here too: a failure surfaces at the next await, not as unhandled
    }
    await writing;
  }

  private async readMessage(offsetPy: number, sizePy: number): Promise<StoredMessage | undefined> {
    try {
      const b = await this.d.store.lookMessageByOffset(offsetPy, sizePy);
      return b === undefined ? undefined : decodeStoredMessage(b).message;
    } catch {
      return undefined;
    }
  }

  /** Java convert + convertMessage + doPut: back to its real topic (or, rolled, to rmq_sys_wheel_timer again). */
  private async deliver(m: StoredMessage, props: Map<string, string>, enqueueMs: number, roll: boolean): Promise<void> {
    const enqueueNever = enqueueMs === Number.MAX_SAFE_INTEGER;
    if (enqueueNever) props.set(MessageConst.PROPERTY_TIMER_ENQUEUE_MS, ENQUEUE_NEVER);
    this.addMetric(props, -1);
    this.d.observer?.delivered(props.get(MessageConst.PROPERTY_REAL_TOPIC));
    const target = deliveryOf(m, props, enqueueMs, roll, this.now());
    if (target === 'delete-marker') return; // Java doPut: a delete marker is never delivered
    if (target === 'no-real-topic') {
      this.d.logger.warn({ offsetPy: m.physicalOffset }, 'timer message without REAL_TOPIC/REAL_QID skipped');
      return;
    }
    const { topic, record } = target;
    for (let attempt = 1; !this.stopped; attempt++) {
      const r = await this.d.store.putMessage(record(), { waitStoreMsgOK: false });
      switch (r.status) {
        case PutMessageStatus.PUT_OK:
          this.counts.deq++;
          return;
        case PutMessageStatus.MESSAGE_ILLEGAL:
        case PutMessageStatus.PROPERTIES_SIZE_EXCEEDED:
          this.d.logger.warn({ topic, status: r.status }, 'timer message refused by the store; skipped');
          return;
        default:
          if (!this.d.config.timerEnableRetryUntilSuccess && attempt >= PUT_ATTEMPTS_MAX) {
            this.d.logger.error({ topic, status: r.status, attempts: attempt }, 'timer message not delivered after retries; dropped (timerEnableRetryUntilSuccess=false)');
            return;
          }
          await new Promise((r) => setTimeout(r, (500 * this.precisionMs) / 1000));
      }
    }
  }

  /** Java isReject: flow control by the number of timers already in the slot. */
  isReject(deliverMs: number): boolean {
    const limit = this.d.config.timerCongestNumEachSlot;
    const n = this.wheel.getSlot(deliverMs).num;
    if (n <= limit) return false;
    if (n >= limit * 2) return true;
    return Math.floor(Math.random() * 1000) > (1000 * (n - limit)) / (limit + 0.1);
  }

  stats(): TimerStats {
    const now = this.now();
    return {
      readBehindSec: Math.floor((now - this.currReadTimeMs) / 1000),
      offsetBehind: this.d.store.getMaxOffsetInQueue(TIMER_TOPIC, 0) - this.currQueueOffset,
      congestNum: this.wheel.getAllNum(this.currReadTimeMs),
      enqueueBehindMs: now - this.lastFetch.at < 2000 ? now - this.lastFetch.storeTimestamp : 0,
      enqueueTps: this.counts.enqTps,
      dequeueTps: this.counts.deqTps,
    };
  }

  /** Where the service stands (tests, logs). */
  progress(): { readTimeMs: number; writeTimeMs: number; queueOffset: number; commitQueueOffset: number } {
    return { readTimeMs: this.currReadTimeMs, writeTimeMs: this.currWriteTimeMs, queueOffset: this.currQueueOffset, commitQueueOffset: this.commitQueueOffset };
  }
}
