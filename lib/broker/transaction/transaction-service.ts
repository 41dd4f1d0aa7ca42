import { decodeStoredMessage, MessageConst, MessageSysFlag, parseProperties, resetTransactionValue, createOffsetMsgId, type StoredMessage } from '../../../protocol/message';
import { CID_SYS_RMQ_TRANS, TRANS_HALF_TOPIC, TRANS_OP_HALF_TOPIC } from '../../../protocol/naming';
import type { Logger } from '../../common';
import type { TopicCounts } from '../../timer';
import { GetMessageStatus, PutMessageStatus, type MessageStore } from '../../store';
import type { Broker2Client } from '../client/broker2client';
import type { ProducerManager } from '../client/producer-manager';
import { InnerMessage } from '../message-build';
import type { ConsumerOffsetManager } from '../metadata/consumer-offset-manager';

/**
 * Transactional messages (Java: broker/.../transaction/**). Half messages live in RMQ_SYS_TRANS_HALF_TOPIC queue 0;
 * a commit stores the real message and, like a rollback, appends an "op" record (tag "d", body "<halfOffset>,")
 * to RMQ_SYS_TRANS_OP_HALF_TOPIC, exactly as Java does, so a Java broker taking over the store sees the same state.
 * The check loop asks a live producer of the half message's group (CHECK_TRANSACTION_STATE) about every half
 * message older than transactionTimeOut with no op record, up to transactionCheckMax times.
 */
export interface TransactionOptions {
  store: MessageStore;
  offsets: ConsumerOffsetManager;
  producers: ProducerManager;
  toClient: Broker2Client;
  storeHost: { ip: Uint8Array; port: number };
  brokerName: string;
  logger: Logger;
  now: () => number;
  transactionTimeOutMs: number;
  transactionCheckMax: number;
  transactionCheckIntervalMs: number;
  /** Half messages per real topic (Java TransactionMetrics): -1 when a half message is discarded after its checks. */
  halfCounts: TopicCounts;
  /** Java transactionMetricFlushInterval: how often halfCounts is written (and at stop). */
  halfCountsFlushIntervalMs: number;
  /**
   * The store's put hook run on the committed message before it is stored (Java: the committed message goes through
   * DefaultMessageStore's putMessage hooks, HookUtils#handleScheduleMessage, like any COMMIT_TYPE put): a timer
   * message goes to rmq_sys_wheel_timer, a DELAY level to SCHEDULE_TOPIC_XXXX. Returns a refusal to answer with.
   */
  beforeCommitPut?: (m: InnerMessage) => { code: number; remark: string } | undefined;
}

export const REMOVE_TAG = 'd';
const HALF_QUEUE = 0;

export class TransactionService {
  /** Half offsets with an op record. */
  private readonly done = new Set<number>();
  private readonly checks = new Map<number, { count: number; next: number }>();
  private timer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly o: TransactionOptions) {}

  /** Rebuilds the set of finished half messages from the op queue. */
  async load(): Promise<void> {
    let offset = 0;
    for (;;) {
      const r = await this.o.store.getMessage(TRANS_OP_HALF_TOPIC, HALF_QUEUE, offset, 256);
      if (r === undefined || r.status !== GetMessageStatus.FOUND) break;
      for (const buf of r.messages) this.recordOp(decodeStoredMessage(buf).message);
      offset = r.nextBeginOffset;
    }
  }

  private recordOp(m: StoredMessage): void {
    if (parseProperties(m.properties).get(MessageConst.PROPERTY_TAGS) !== REMOVE_TAG) return;
    for (const part of m.body.toString('utf8').split(',')) {
      const n = Number.parseInt(part, 10);
      if (Number.isFinite(n)) this.done.add(n);
    }
  }

  start(): void {
    this.timer = setInterval(() => void this.checkRound(), Math.max(1000, this.o.transactionCheckIntervalMs));
    this.timer.unref();
    // Java TransactionMetricsFlushService.
    this.flushTimer = setInterval(() => void this.persistCounts(), Math.max(100, this.o.halfCountsFlushIntervalMs));
    this.flushTimer.unref();
  }

  /** Stops the check loop and writes config/transactionMetrics (Java TransactionalMessageServiceImpl#shutdown). */
  async stop(): Promise<void> {
    for (const t of [this.timer, this.flushTimer]) if (t !== null) clearInterval(t);
    this.timer = this.flushTimer = null;
    await this.persistCounts();
  }

  private async persistCounts(): Promise<void> {
    await this.o.halfCounts.persist().catch((err: unknown) => this.o.logger.error({ err, file: this.o.halfCounts.file }, 'config/transactionMetrics not written; retried at the next flush'));
  }

  /** The half message at commitLogOffset, verified against the END_TRANSACTION header (Java checkPrepareMessage). */
  async findHalf(commitLogOffset: number, producerGroup: string, tranStateTableOffset: number): Promise<{ ok: true; half: StoredMessage } | { ok: false; remark: string }> {
    const raw = await this.o.store.lookMessageByOffset(commitLogOffset);
    if (raw === undefined) return { ok: false, remark: 'Find prepared transaction message failed' };
    const half = decodeStoredMessage(raw).message;
    const props = parseProperties(half.properties);
    if (props.get(MessageConst.PROPERTY_PRODUCER_GROUP) !== producerGroup) return { ok: false, remark: 'The producer group wrong' };
    if (half.queueOffset !== tranStateTableOffset) return { ok: false, remark: 'The transaction state table offset wrong' };
    if (half.physicalOffset !== commitLogOffset) return { ok: false, remark: 'The commit log offset wrong' };
    return { ok: true, half };
  }

  /**
   * Java endMessageTransaction + sendFinalMessage: the committed message in its real topic, after the put hook (a
   * timer asked on the half message applies now: TIMER_DELAY_SEC counts from the commit). `refused`: the hook's answer.
   */
  async commit(half: StoredMessage): Promise<{ ok: boolean; status: string; refused?: { code: number; remark: string } }> {
    const m = new InnerMessage(half.topic, half.queueId, half.flag, half.sysFlag, half.bornTimestamp, half.bornHost, half.storeHost, half.reconsumeTimes, half.body, half.properties);
    const realTopic = m.get(MessageConst.PROPERTY_REAL_TOPIC);
    const realQid = Number.parseInt(m.get(MessageConst.PROPERTY_REAL_QUEUE_ID) ?? '', 10);
    if (realTopic === undefined || !(realQid >= 0)) return { ok: false, status: 'half message without REAL_TOPIC/REAL_QID' };
    m.topic = realTopic;
    m.queueId = realQid;
    m.remove(MessageConst.PROPERTY_REAL_TOPIC);
    m.remove(MessageConst.PROPERTY_REAL_QUEUE_ID);
    m.remove(MessageConst.PROPERTY_TRANSACTION_PREPARED);
    m.put(MessageConst.PROPERTY_WAIT_STORE_MSG_OK, 'false');
    m.sysFlag = resetTransactionValue(m.sysFlag, MessageSysFlag.TRANSACTION_COMMIT_TYPE);
    m.preparedTransactionOffset = half.physicalOffset;
    const refused = this.o.beforeCommitPut?.(m);
    if (refused !== undefined) return { ok: false, status: refused.remark, refused };
    const r = await this.o.store.putMessage(m.encode(), { waitStoreMsgOK: false });
    const ok = r.status === PutMessageStatus.PUT_OK || r.status === PutMessageStatus.FLUSH_DISK_TIMEOUT || r.status === PutMessageStatus.FLUSH_SLAVE_TIMEOUT || r.status === PutMessageStatus.SLAVE_NOT_AVAILABLE;
    return { ok, status: r.status };
  }

  /** Java deletePrepareMessage: the op record marking a half message finished. */
  async markDone(half: StoredMessage): Promise<void> {
    if (this.done.has(half.queueOffset)) return;
    const body = Buffer.from(`${half.queueOffset},`);
    const op = new InnerMessage(TRANS_OP_HALF_TOPIC, HALF_QUEUE, 0, 0, this.o.now(), this.o.storeHost, this.o.storeHost, 0, body, `TAGS\u0001${REMOVE_TAG}\u0002WAIT\u0001false\u0002`);
    const r = await this.o.store.putMessage(op.encode(), { waitStoreMsgOK: false });
    if (r.status === PutMessageStatus.PUT_OK || r.status === PutMessageStatus.FLUSH_DISK_TIMEOUT) {
      this.done.add(half.queueOffset);
      this.checks.delete(half.queueOffset);
    } else {
      this.o.logger.warn({ halfOffset: half.queueOffset, status: r.status }, 'transaction op record not written; the half message will be checked again');
    }
  }

  /** One check round (Java TransactionalMessageServiceImpl#check, simplified bookkeeping). */
  async checkRound(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const now = this.o.now();
      let cursor = Math.max(0, this.o.offsets.queryOffset(CID_SYS_RMQ_TRANS, TRANS_HALF_TOPIC, HALF_QUEUE));
      let advancing = true;
      for (;;) {
        const r = await this.o.store.getMessage(TRANS_HALF_TOPIC, HALF_QUEUE, cursor, 64);
        if (r === undefined || r.status !== GetMessageStatus.FOUND) break;
        for (let i = 0; i < r.messages.length; i++) {
          const off = r.messageQueueOffsets[i]!;
          if (this.done.has(off)) {
            if (advancing) cursor = off + 1;
            continue;
          }
          advancing = false;
          const half = decodeStoredMessage(r.messages[i]!).message;
          const props = parseProperties(half.properties);
          const immunity = Number.parseInt(props.get(MessageConst.PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS) ?? '', 10);
          const minAge = Number.isFinite(immunity) ? immunity * 1000 : this.o.transactionTimeOutMs;
          if (now - half.storeTimestamp < minAge) continue;
          const st = this.checks.get(off) ?? { count: 0, next: 0 };
          if (st.next > now) continue;
          if (st.count >= this.o.transactionCheckMax) {
            this.o.logger.warn({ halfOffset: off, checks: st.count }, 'half message discarded after transactionCheckMax checks');
            await this.markDone(half);
            // Java DefaultTransactionalMessageCheckListener#resolveDiscardMsg.
            const realTopic = props.get(MessageConst.PROPERTY_REAL_TOPIC);
            if (realTopic !== undefined) this.o.halfCounts.add(realTopic, -1);
            continue;
          }
          st.count++;
          st.next = now + this.o.transactionCheckIntervalMs;
          this.checks.set(off, st);
          this.sendCheck(half, props);
        }
        if (r.nextBeginOffset <= cursor && !advancing) break;
        if (r.messages.length === 0) break;
        if (!advancing) break;
      }
      this.o.offsets.commitOffset(CID_SYS_RMQ_TRANS, TRANS_HALF_TOPIC, HALF_QUEUE, cursor);
    } catch (e) {
      this.o.logger.error({ err: e }, 'transaction check round failed');
    } finally {
      this.running = false;
    }
  }

  private sendCheck(half: StoredMessage, props: Map<string, string>): void {
    const group = props.get(MessageConst.PROPERTY_PRODUCER_GROUP);
    const ch = group === undefined ? undefined : this.o.producers.availableChannel(group);
    if (ch === undefined) {
      this.o.logger.debug({ group, halfOffset: half.queueOffset }, 'no live producer to check a half message');
      return;
    }
    const uniq = props.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX) ?? '';
    // The body is the half message with its real topic and queue restored (Java: check listener).
    const m = new InnerMessage(half.topic, half.queueId, half.flag, half.sysFlag, half.bornTimestamp, half.bornHost, half.storeHost, half.reconsumeTimes, half.body, half.properties);
    m.topic = props.get(MessageConst.PROPERTY_REAL_TOPIC) ?? half.topic;
    m.queueId = Number.parseInt(props.get(MessageConst.PROPERTY_REAL_QUEUE_ID) ?? '0', 10) || 0;
    const body = m.encode();
    body.writeBigInt64BE(BigInt(half.queueOffset), 20);
    body.writeBigInt64BE(BigInt(half.physicalOffset), 28);
    this.o.toClient.checkTransactionState(
      ch.connection,
      {
        tranStateTableOffset: half.queueOffset,
        commitLogOffset: half.physicalOffset,
        msgId: uniq,
        transactionId: props.get(MessageConst.PROPERTY_TRANSACTION_ID) ?? uniq,
        offsetMsgId: createOffsetMsgId(half.storeHost, half.physicalOffset),
        topic: TRANS_HALF_TOPIC,
        bname: this.o.brokerName,
      },
      body,
    );
  }
}
