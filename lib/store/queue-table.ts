import * as path from 'node:path';
import type { Logger } from '../common';
import type { AppendEntry } from './commit-log-state';
import { ConsumeQueue } from './consume-queue';
import type { CqReadCache } from './cq-read-cache';
import type { StoreIO } from './io';
import { isNotQueued } from './record';

/**
 * The store's consume queues and queue offsets (Java: ConsumeQueueStore#consumeQueueTable and
 * QueueOffsetOperator#topicQueueTable).
 *
 * Contract. Owns: the (topic, queueId) -> ConsumeQueue table, the next queue offset to assign per queue, and the
 *   whole-queue operations (load all, delete a topic, clean expired queues, roll offsets back, restore them after
 *   recovery). May call: ./consume-queue (each queue), ./record (isNotQueued), the injected StoreIO and logger.
 * Invariants: at most one ConsumeQueue object per (topic, queueId); a queue offset is assigned once (offsets
 *   only grow, except the roll-back of puts whose write failed, which returns to the smallest failed offset);
 *   after recovery each queue's next offset is its maxOffsetInQueue.
 */

export interface ConsumeQueueTableOptions {
  io: StoreIO;
  /** consumequeue/ */
  root: string;
  fileSize: number;
  tailUnitsMax: number;
  /** Shared by every queue of the table (consumeQueueReadCacheBytesMax). */
  readCache?: CqReadCache;
  logger: Logger;
}

export class ConsumeQueueTable {
  readonly queues = new Map<string, Map<number, ConsumeQueue>>();
  /** Next queue offset per (topic, queueId) (Java: QueueOffsetOperator#topicQueueTable). */
  readonly offsets = new Map<string, Map<number, number>>();
  private readonly o: ConsumeQueueTableOptions;

  constructor(o: ConsumeQueueTableOptions) {
    this.o = o;
  }

  find(topic: string, queueId: number): ConsumeQueue | undefined {
    return this.queues.get(topic)?.get(queueId);
  }

  findOrCreate(topic: string, queueId: number): ConsumeQueue {
    let m = this.queues.get(topic);
    if (m === undefined) {
      m = new Map();
      this.queues.set(topic, m);
    }
    let cq = m.get(queueId);
    if (cq === undefined) {
      cq = new ConsumeQueue({
        io: this.o.io,
        root: this.o.root,
        topic,
        queueId,
        fileSize: this.o.fileSize,
        tailUnitsMax: this.o.tailUnitsMax,
        ...(this.o.readCache !== undefined ? { readCache: this.o.readCache } : {}),
        logger: this.o.logger,
      });
      m.set(queueId, cq);
    }
    return cq;
  }

  *all(): IterableIterator<ConsumeQueue> {
    for (const m of this.queues.values()) yield* m.values();
  }

  /** Topics that have consume queues. */
  topics(): string[] {
    return [...this.queues.keys()];
  }

  /** Assigns the next queue offset of (topic, queueId). */
  nextQueueOffset(topic: string, queueId: number): number {
    let m = this.offsets.get(topic);
    if (m === undefined) {
      m = new Map();
      this.offsets.set(topic, m);
    }
    const v = m.get(queueId) ?? 0;
    m.set(queueId, v + 1);
    return v;
  }

  /** Rolls back the queue offsets of everything not written: the smallest failed offset per queue is next. */
  rollBack(failed: readonly AppendEntry[]): void {
    for (const e of failed) {
      const r = e.request;
      if (r === undefined || isNotQueued(r.sysFlag)) continue;
      const m = this.offsets.get(r.topic);
      if (m !== undefined && (m.get(r.queueId) ?? 0) > r.queueOffset) m.set(r.queueId, r.queueOffset);
    }
  }

  /** Loads every consumequeue/<topic>/<queueId> directory (Java: ConsumeQueueStore#load). */
  async load(): Promise<void> {
    const io = this.o.io;
    for (const t of await io.list(this.o.root)) {
      if (!t.isDirectory) continue;
      for (const q of await io.list(path.join(this.o.root, t.name))) {
        if (!q.isDirectory || !/^-?\d+$/.test(q.name)) continue;
        const queueId = Number(q.name);
        if (!Number.isSafeInteger(queueId) || queueId < -2147483648 || queueId > 2147483647) continue;
        await this.findOrCreate(t.name, queueId).load();
      }
    }
  }

  /** Destroys every queue (the commit log is gone). */
  async destroyAll(): Promise<void> {
    for (const cq of [...this.all()]) await cq.destroy();
    this.queues.clear();
  }

  /**
   * Java: DefaultMessageStore#recoverTopicQueueTable: each queue's next offset is its max offset; min offsets are
   * corrected against the commit log's first offset (when there is one).
   */
  async recoverOffsets(minPhy: number): Promise<void> {
    for (const cq of this.all()) {
      let m = this.offsets.get(cq.topic);
      if (m === undefined) {
        m = new Map();
        this.offsets.set(cq.topic, m);
      }
      m.set(cq.queueId, cq.maxOffsetInQueue);
      if (minPhy >= 0) await cq.correctMinOffset(minPhy);
    }
  }

  /** Destroys a topic's consume queues and forgets its queue offsets. False when it has none. */
  async deleteTopic(topic: string): Promise<boolean> {
    const m = this.queues.get(topic);
    if (m === undefined || m.size === 0) return false;
    for (const cq of m.values()) await cq.destroy();
    this.queues.delete(topic);
    this.offsets.delete(topic);
    await this.o.io.rmdir(path.join(this.o.root, topic)).catch(() => undefined);
    this.o.logger.info({ topic }, 'topic deleted from the store');
    return true;
  }

  /**
   * Java: ConsumeQueueStore#cleanExpired: destroys the queues of topics (not `keep`) whose last message is older
   * than the commit log's first record `minPhy`.
   */
  async cleanExpired(minPhy: number, keep: (topic: string) => boolean): Promise<void> {
    for (const [topic, m] of [...this.queues]) {
      if (keep(topic)) continue;
      for (const [qid, cq] of [...m]) {
        const last = await cq.lastOffset();
        if (last !== -1 && last < minPhy) {
          await cq.destroy();
          m.delete(qid);
          this.offsets.get(topic)?.delete(qid);
        }
      }
      if (m.size === 0) {
        this.queues.delete(topic);
        await this.o.io.rmdir(path.join(this.o.root, topic)).catch(() => undefined);
      }
    }
  }
}
