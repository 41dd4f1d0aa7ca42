import type { RemotingCommand } from '../../../protocol/command';
import type { Logger } from '../../common';
import type { Connection } from '../../remoting';

/**
 * Long polling for POP (Java: broker/.../longpolling/PopLongPollingService.java). A POP that found nothing is held
 * under its topic (and its POP retry topic) until a message arrives in either or its bornTime + pollTime passes;
 * then it runs again, and answers POLLING_TIMEOUT when it still finds nothing after its time. Bounded like Java:
 * popPollingSize held per topic and group, maxPopPollingSize in all (beyond: POLLING_FULL); hold time at most
 * pullHoldMsMax.
 */
export interface HeldPop {
  connection: Connection;
  request: RemotingCommand;
  topics: readonly string[];
  expireAt: number;
  key: string;
}

export interface PopPollingOptions {
  logger: Logger;
  now: () => number;
  /** Java maxPopPollingSize: held POPs in all. */
  heldMax: () => number;
  /** Java popPollingSize: held POPs per topic and group. */
  heldPerKeyMax: () => number;
  /** Hold time bound (ms). */
  holdMsMax: () => number;
  /** Runs a held POP again and writes its answer (may hold it again). */
  wake: (h: HeldPop) => void;
}

export class PopPolling {
  private readonly byTopic = new Map<string, Set<HeldPop>>();
  private readonly perKey = new Map<string, number>();
  private readonly all = new Set<HeldPop>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: PopPollingOptions) {}

  get size(): number {
    return this.all.size;
  }

  /** Requests held under one key (Java POLLING_INFO's pollingNum). */
  heldFor(key: string): number {
    return this.perKey.get(key) ?? 0;
  }

  start(checkIntervalMs: number): void {
    this.timer = setInterval(() => this.expire(), checkIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    for (const h of [...this.all]) this.take(h);
  }

  /** 'held', or why not: 'full' (POLLING_FULL) or 'timeout' (expired already: POLLING_TIMEOUT). */
  hold(h: Omit<HeldPop, 'expireAt'> & { bornTime: number; pollTime: number }): 'held' | 'full' | 'timeout' {
    if (this.all.size >= this.o.heldMax()) return 'full';
    const now = this.o.now();
    const expireAt = Math.min(h.bornTime + h.pollTime, now + this.o.holdMsMax());
    if (expireAt <= now) return 'timeout';
    if ((this.perKey.get(h.key) ?? 0) > this.o.heldPerKeyMax()) return 'full';
    const held: HeldPop = { connection: h.connection, request: h.request, topics: h.topics, expireAt, key: h.key };
    this.all.add(held);
    this.perKey.set(h.key, (this.perKey.get(h.key) ?? 0) + 1);
    for (const t of h.topics) {
      let s = this.byTopic.get(t);
      if (s === undefined) {
        s = new Set();
        this.byTopic.set(t, s);
      }
      s.add(held);
    }
    return 'held';
  }

  /** A message arrived in `topic`: every POP held on it runs again. */
  notify(topic: string): void {
    const s = this.byTopic.get(topic);
    if (s === undefined) return;
    for (const h of [...s]) this.fire(h);
  }

  private expire(): void {
    const now = this.o.now();
    for (const h of [...this.all]) if (h.expireAt <= now || h.connection.closed) this.fire(h);
  }

  private fire(h: HeldPop): void {
    this.take(h);
    if (h.connection.closed) return;
    try {
      this.o.wake(h);
    } catch (err) {
      this.o.logger.error({ err }, 'held POP failed on wake-up');
    }
  }

  private take(h: HeldPop): void {
    if (!this.all.delete(h)) return;
    const n = (this.perKey.get(h.key) ?? 1) - 1;
    if (n <= 0) this.perKey.delete(h.key);
    else this.perKey.set(h.key, n);
    for (const t of h.topics) {
      const s = this.byTopic.get(t);
      s?.delete(h);
      if (s?.size === 0) this.byTopic.delete(t);
    }
  }
}
