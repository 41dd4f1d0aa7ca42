import { RequestCode, ResponseCode } from '../../protocol/codes';
import { EndTransactionRequestHeader } from '../../protocol/headers';
import type { RocketClient } from '../client';
import { Code, OK, remotingStatus, status, type PbResource, type Status } from './convert';

/**
 * The half messages a gRPC producer sent (or the broker's transaction check named: transaction-check.ts), kept until
 * their EndTransaction (Java proxy TransactionDataManager / EndTransactionActivity): COMMIT or ROLLBACK becomes
 * END_TRANSACTION to the broker that holds the half message, at its offsets. Bounded by HALF_MESSAGES_MAX (the
 * oldest is forgotten; the broker's own check still resolves it).
 */

/** Half messages remembered for EndTransaction. */
export const HALF_MESSAGES_MAX = 100_000;
/** Java MessageSysFlag.TRANSACTION_PREPARED_TYPE / _COMMIT_TYPE / _ROLLBACK_TYPE. */
export const TX_PREPARED = 0x4;
const TX_COMMIT = 0x8;
const TX_ROLLBACK = 0xc;

/** A half message awaiting EndTransaction (Java proxy TransactionDataManager's TransactionData). */
export interface HalfMessage {
  brokerAddr: string;
  topic: string;
  msgId: string;
  commitLogOffset: number;
  queueOffset: number;
}

export interface EndTransactionRequest {
  topic: PbResource;
  messageId: string;
  transactionId: string;
  resolution: string;
  source: string;
}

export class Transactions {
  private readonly halves = new Map<string, HalfMessage>();

  constructor(private readonly o: { client: RocketClient; requestTimeoutMs: number }) {}

  remember(transactionId: string, h: HalfMessage): void {
    if (!this.halves.has(transactionId) && this.halves.size >= HALF_MESSAGES_MAX) this.halves.delete(this.halves.keys().next().value!);
    this.halves.set(transactionId, h);
  }

  async end(req: EndTransactionRequest): Promise<{ status: Status }> {
    const h = this.halves.get(req.transactionId);
    if (h === undefined) return { status: status(Code.INVALID_TRANSACTION_ID, `transaction ${req.transactionId} is unknown to this endpoint (ended already, or sent before a restart): the broker's transaction check resolves it`) };
    const kind = req.resolution === 'COMMIT' ? TX_COMMIT : req.resolution === 'ROLLBACK' ? TX_ROLLBACK : undefined;
    if (kind === undefined) return { status: status(Code.BAD_REQUEST, `resolution must be COMMIT or ROLLBACK, got ${req.resolution}`) };
    const resp = await this.o.client.call(
      h.brokerAddr,
      RequestCode.END_TRANSACTION,
      {
        spec: EndTransactionRequestHeader,
        value: { topic: h.topic, producerGroup: h.topic, tranStateTableOffset: h.queueOffset, commitLogOffset: h.commitLogOffset, commitOrRollback: kind, fromTransactionCheck: req.source === 'SOURCE_SERVER_CHECK', msgId: h.msgId, transactionId: req.transactionId },
      },
      null,
      this.o.requestTimeoutMs,
    );
    if (resp.code !== ResponseCode.SUCCESS) return { status: remotingStatus(resp.code, resp.remark) };
    this.halves.delete(req.transactionId);
    return { status: OK };
  }
}
