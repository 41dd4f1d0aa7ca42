import { PutMessageStatus } from '../../store';
import type { BrokerContext } from '../context';
import type { InnerMessage } from '../message-build';
import { recordPopPut, type PopPutMetric } from '../metrics';
import { reviveTopic } from '../metadata/topic-config-manager';
import { handleTimerMessage } from '../timer-hook';
import { ConsumerOrderInfoManager } from './order-info';
import { MessageRequestModes } from './request-mode';

/**
 * The POP state one broker shares between its processors and its revive service (Java: the fields of
 * PopMessageProcessor — ckMessageNumber, QueueLockManager — and the reviveTopic every POP processor names).
 * Everything durable lives elsewhere: checkpoints and acks in the revive topic, offsets in consumerOffset.json.
 */
export class PopService {
  readonly reviveTopic: string;
  /** Java PopMessageProcessor.ckMessageNumber: picks the revive queue of each POP round-robin. */
  private ckCounter = 0;
  /** Java QueueLockManager: "topic@group@queueId" being popped right now (skipped by a concurrent POP). */
  private readonly locks = new Set<string>();
  readonly modes: MessageRequestModes;
  /** Wakes held POPs when a message arrives or an orderly queue unblocks (set by the long-polling part). */
  onArrive: (topic: string) => void = () => undefined;
  /** Orderly POP: the batch in flight per queue and group (consumerOrderInfo.json). */
  readonly orders: ConsumerOrderInfoManager;
  /** Java ConsumerOrderInfoLockManager: one wake-up per blocked queue, at the time it unblocks. */
  private readonly lockFreeTimers = new Map<string, NodeJS.Timeout>();

  constructor(readonly bc: BrokerContext) {
    this.reviveTopic = reviveTopic(bc.config.brokerClusterName);
    this.modes = new MessageRequestModes(bc.storeConfig.storePathRootDir, bc.logger);
    this.orders = new ConsumerOrderInfoManager({
      storePathRootDir: bc.storeConfig.storePathRootDir,
      logger: bc.logger,
      now: bc.now,
      onLockFree: (topic, group, queueId, at) => this.scheduleLockFree(topic, group, queueId, at),
      readQueueNums: (topic) => bc.topics.get(topic)?.readQueueNums,
      groupExists: (group) => bc.groups.find(group) !== undefined,
    });
  }

  private scheduleLockFree(topic: string, group: string, queueId: number, at: number): void {
    if (!this.bc.config.enableNotifyAfterPopOrderLockRelease) return;
    const key = `${topic}@${group}@${queueId}`;
    const old = this.lockFreeTimers.get(key);
    if (old !== undefined) clearTimeout(old);
    const t = setTimeout(() => {
      this.lockFreeTimers.delete(key);
      this.onArrive(topic);
    }, Math.max(0, at - this.bc.now()));
    t.unref();
    this.lockFreeTimers.set(key, t);
  }

  /** Stops the lock-free wake-ups and writes the order info. */
  stop(): void {
    for (const t of this.lockFreeTimers.values()) clearTimeout(t);
    this.lockFreeTimers.clear();
    this.orders.persist();
  }

  /** Java QueueLockManager#tryLock in a loop (AckMessageProcessor#ackOrderly): waits for a POP in progress. */
  async lock(key: string): Promise<void> {
    while (!this.tryLock(key)) await new Promise((r) => setImmediate(r));
  }

  /** Revive queues in use: the broker's reviveQueueNum, within the revive topic's queues. */
  get reviveQueueNum(): number {
    const tc = this.bc.topics.get(this.reviveTopic);
    return Math.max(1, Math.min(this.bc.config.reviveQueueNum, tc?.writeQueueNums ?? 8));
  }

  nextReviveQid(): number {
    const q = this.ckCounter % this.reviveQueueNum;
    this.ckCounter = (this.ckCounter + 1) % 0x7fffffff;
    return q;
  }

  tryLock(key: string): boolean {
    if (this.locks.has(key)) return false;
    this.locks.add(key);
    return true;
  }

  unlock(key: string): void {
    this.locks.delete(key);
  }

  /**
   * Java EscapeBridge#putMessageToSpecificQueue for a revive record or a retry message: through the timer hook (a
   * record due later goes to the timer wheel), then the store. True when stored (PUT_OK or a flush/slave timeout,
   * which Java also counts as written).
   */
  async put(m: InnerMessage, metric?: PopPutMetric): Promise<boolean> {
    const refused = handleTimerMessage(this.bc, m);
    if (refused !== undefined) {
      this.bc.logger.warn({ topic: m.topic, code: refused.code, remark: refused.remark }, 'POP record refused by the timer');
      return false;
    }
    const r = await this.bc.store.putMessage(m.encode(), { waitStoreMsgOK: false });
    if (metric !== undefined) recordPopPut(this.bc, metric, r.status);
    const ok = r.status === PutMessageStatus.PUT_OK || r.status === PutMessageStatus.FLUSH_DISK_TIMEOUT || r.status === PutMessageStatus.FLUSH_SLAVE_TIMEOUT || r.status === PutMessageStatus.SLAVE_NOT_AVAILABLE;
    if (!ok) this.bc.logger.warn({ topic: m.topic, status: r.status }, 'POP record not stored');
    return ok;
  }
}

/** Java FAQUrl.suggestTodo(APPLY_TOPIC_URL / SUBSCRIPTION_GROUP_NOT_EXIST). */
export const FAQ = '\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.';
