import { PutMessageStatus } from '../../store';
import type { BrokerContext } from '../context';
import type { InnerMessage } from '../message-build';
import { reviveTopic } from '../metadata/topic-config-manager';
import { handleTimerMessage } from '../timer-hook';
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
  /** Wakes held POPs when a message arrives (set by the long-polling part). */
  onArrive: (topic: string) => void = () => undefined;

  constructor(readonly bc: BrokerContext) {
    this.reviveTopic = reviveTopic(bc.config.brokerClusterName);
    this.modes = new MessageRequestModes(bc.storeConfig.storePathRootDir, bc.logger);
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
  async put(m: InnerMessage): Promise<boolean> {
    const refused = handleTimerMessage(this.bc, m);
    if (refused !== undefined) {
      this.bc.logger.warn({ topic: m.topic, code: refused.code, remark: refused.remark }, 'POP record refused by the timer');
      return false;
    }
    const r = await this.bc.store.putMessage(m.encode(), { waitStoreMsgOK: false });
    const ok = r.status === PutMessageStatus.PUT_OK || r.status === PutMessageStatus.FLUSH_DISK_TIMEOUT || r.status === PutMessageStatus.FLUSH_SLAVE_TIMEOUT || r.status === PutMessageStatus.SLAVE_NOT_AVAILABLE;
    if (!ok) this.bc.logger.warn({ topic: m.topic, status: r.status }, 'POP record not stored');
    return ok;
  }
}

/** Java FAQUrl.suggestTodo(APPLY_TOPIC_URL / SUBSCRIPTION_GROUP_NOT_EXIST). */
export const FAQ = '\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.';
