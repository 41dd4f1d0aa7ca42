import type { MessageQueue } from '../../../protocol/bodies';

/**
 * Orderly-consumption locks, keyed (group, queue) -> (clientId, last update). Java:
 * broker/.../client/rebalance/RebalanceLockManager.java. A lock is granted when free, held by the same client
 * (refreshed), or expired (lockMaxLiveTime, 60 s default, -Drocketmq.broker.rebalance.lockMaxLiveTime).
 */
interface LockEntry {
  clientId: string;
  lastUpdateTimestamp: number;
}

const key = (q: MessageQueue): string => `${q.topic}\u0000${q.brokerName}\u0000${q.queueId}`;

export class RebalanceLockManager {
  private readonly table = new Map<string, Map<string, LockEntry>>();

  constructor(
    private readonly now: () => number,
    readonly lockMaxLiveMs = 60_000,
    /** Bound on locked queues across groups. */
    private readonly locksMax = 1_000_000,
    private count = 0,
  ) {}

  private expired(e: LockEntry): boolean {
    return this.now() - e.lastUpdateTimestamp > this.lockMaxLiveMs;
  }

  /** Locks what it can; returns the queues now held by clientId (Java tryLockBatch). */
  tryLockBatch(group: string, mqs: readonly MessageQueue[], clientId: string): MessageQueue[] {
    let g = this.table.get(group);
    if (g === undefined) {
      g = new Map();
      this.table.set(group, g);
    }
    const out: MessageQueue[] = [];
    for (const mq of mqs) {
      const k = key(mq);
      const e = g.get(k);
      if (e === undefined) {
        if (this.count >= this.locksMax) continue;
        g.set(k, { clientId, lastUpdateTimestamp: this.now() });
        this.count++;
        out.push(mq);
      } else if (e.clientId === clientId || this.expired(e)) {
        e.clientId = clientId;
        e.lastUpdateTimestamp = this.now();
        out.push(mq);
      }
    }
    return out;
  }

  unlockBatch(group: string, mqs: readonly MessageQueue[], clientId: string): void {
    const g = this.table.get(group);
    if (g === undefined) return;
    for (const mq of mqs) {
      const k = key(mq);
      const e = g.get(k);
      if (e !== undefined && e.clientId === clientId) {
        g.delete(k);
        this.count--;
      }
    }
    if (g.size === 0) this.table.delete(group);
  }

  isLocked(group: string, mq: MessageQueue, clientId: string): boolean {
    const e = this.table.get(group)?.get(key(mq));
    return e !== undefined && e.clientId === clientId && !this.expired(e);
  }

  /** True when the group holds no unexpired lock (Java isLockAllExpired), used for retry -> DLQ routing. */
  isLockAllExpired(group: string): boolean {
    const g = this.table.get(group);
    if (g === undefined) return true;
    for (const e of g.values()) if (!this.expired(e)) return false;
    return true;
  }
}
