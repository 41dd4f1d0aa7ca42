import type { RemotingCommand } from '../../../protocol/command';
import type { Logger } from '../../common';
import type { Connection } from '../../remoting';
import type { MessageFilter } from '../../store';

/**
 * Long polling (Java: broker/.../longpolling/PullRequestHoldService.java). A pull that finds nothing and may
 * suspend is parked under (topic, queueId). It is re-executed — without the right to suspend again and without
 * committing its offset — when a message arrives in that queue that its filter matches (tag or SQL92), when the periodic check finds
 * the queue grew, or when its hold time is up. Bounded by pullHoldRequestsMax: when full, the oldest held pull is
 * answered early to make room, so memory stays bounded and no client waits forever.
 */
export interface HeldPull {
  connection: Connection;
  request: RemotingCommand;
  topic: string;
  queueId: number;
  /** Offset the client asked from. */
  pullFromThisOffset: number;
  filter: MessageFilter;
  suspendTimestamp: number;
  timeoutMs: number;
}

export interface HoldServiceOptions {
  logger: Logger;
  now: () => number;
  pullHoldRequestsMax: number;
  pullHoldMsMax: number;
  /** The queue's current max offset. */
  maxOffset: (topic: string, queueId: number) => number;
  /** Re-executes a held pull and writes its answer. */
  wake: (held: HeldPull) => void;
}

const key = (topic: string, queueId: number): string => `${topic}@${queueId}`;

function matches(filter: MessageFilter, tagsCode: number, record: (() => Buffer | undefined) | undefined): boolean {
  if (!filter.isMatchedByConsumeQueue(tagsCode)) return false;
  if (filter.isMatchedByCommitLog === undefined || record === undefined) return true;
  const r = record();
  return r === undefined || filter.isMatchedByCommitLog(r);
}

export class PullRequestHoldService {
  private readonly table = new Map<string, HeldPull[]>();
  private count = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: HoldServiceOptions) {}

  get size(): number {
    return this.count;
  }

  start(checkIntervalMs: number): void {
    this.timer = setInterval(() => this.check(), checkIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    // Answer everything still held so that no client waits for a dead broker.
    for (const list of this.table.values()) for (const h of list) this.o.wake(h);
    this.table.clear();
    this.count = 0;
  }

  suspend(h: HeldPull): void {
    h.timeoutMs = Math.min(h.timeoutMs, this.o.pullHoldMsMax);
    if (this.count >= this.o.pullHoldRequestsMax) this.evictOldest();
    const k = key(h.topic, h.queueId);
    let list = this.table.get(k);
    if (list === undefined) {
      list = [];
      this.table.set(k, list);
    }
    list.push(h);
    this.count++;
  }

  private evictOldest(): void {
    let oldestKey: string | undefined;
    let oldest: HeldPull | undefined;
    for (const [k, list] of this.table) {
      const first = list[0];
      if (first !== undefined && (oldest === undefined || first.suspendTimestamp < oldest.suspendTimestamp)) {
        oldest = first;
        oldestKey = k;
      }
    }
    if (oldest === undefined || oldestKey === undefined) return;
    this.take(oldestKey, [oldest]);
    this.o.logger.warn({ pullHoldRequestsMax: this.o.pullHoldRequestsMax }, 'pull hold table full: the oldest held pull is answered early');
    this.o.wake(oldest);
  }

  private take(k: string, victims: readonly HeldPull[]): void {
    const list = this.table.get(k);
    if (list === undefined) return;
    const keep = list.filter((h) => !victims.includes(h));
    this.count -= list.length - keep.length;
    if (keep.length === 0) this.table.delete(k);
    else this.table.set(k, keep);
  }

  /**
   * Java notifyMessageArriving: wake the pulls of (topic, queueId) that can now see a message. `tagsCode` is the
   * new message's, when known (arrival); undefined for the periodic check. A held pull wakes on an arrival only
   * when the message matches its filter: the tags code first, then (SQL92) the stored record's properties when
   * `record` gives it (Java: isMatchedByConsumeQueue, then isMatchedByCommitLog on the dispatched properties; a
   * record no longer in memory counts as a match, as Java's null properties do).
   */
  notifyMessageArriving(topic: string, queueId: number, maxOffset: number, tagsCode?: number, record?: () => Buffer | undefined): void {
    const k = key(topic, queueId);
    const list = this.table.get(k);
    if (list === undefined || list.length === 0) return;
    const now = this.o.now();
    const wake: HeldPull[] = [];
    const keep: HeldPull[] = [];
    for (const h of list) {
      if (h.connection.closed) continue;
      let newest = maxOffset;
      if (newest <= h.pullFromThisOffset) newest = this.o.maxOffset(topic, queueId);
      if (newest > h.pullFromThisOffset && (tagsCode === undefined || matches(h.filter, tagsCode, record))) {
        wake.push(h);
      } else if (now >= h.suspendTimestamp + h.timeoutMs) {
        wake.push(h);
      } else {
        keep.push(h);
      }
    }
    this.count -= list.length - keep.length;
    if (keep.length === 0) this.table.delete(k);
    else this.table.set(k, keep);
    for (const h of wake) this.o.wake(h);
  }

  /** Periodic: re-check every queue with held pulls (Java checkHoldRequest) and expire hold times. */
  check(): void {
    for (const k of [...this.table.keys()]) {
      const list = this.table.get(k);
      const first = list?.[0];
      if (first === undefined) continue;
      this.notifyMessageArriving(first.topic, first.queueId, this.o.maxOffset(first.topic, first.queueId));
    }
  }
}
