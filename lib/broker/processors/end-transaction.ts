import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { EndTransactionRequestHeader } from '../../../protocol/headers';
import { getProperty, MessageConst, MessageSysFlag } from '../../../protocol/message';
import { ok, reply, requestHeader, type Processor, type RequestContext } from '../../remoting';
import type { BrokerContext } from '../context';
import { recordTransactionEnd } from '../metrics';
import type { TransactionService } from '../transaction/transaction-service';

/**
 * END_TRANSACTION (37), usually oneway. Java: broker/.../processor/EndTransactionProcessor.java. COMMIT stores the
 * real message and marks the half message done; ROLLBACK only marks it done; UNKNOWN (0) waits for the check.
 */
export function endTransactionProcessors(bc: BrokerContext, tx: TransactionService): [number, Processor][] {
  return [[RequestCode.END_TRANSACTION, (ctx) => endTransaction(bc, tx, ctx)]];
}

async function endTransaction(bc: BrokerContext, tx: TransactionService, ctx: RequestContext) {
  const h = requestHeader(ctx, EndTransactionRequestHeader);
  if (!h.ok) return h.response;
  // Java EndTransactionProcessor#processRequest: "Message store is slave mode, so end transaction is forbidden."
  if (bc.storeConfig.brokerRole === 'SLAVE') {
    bc.logger.warn('Message store is slave mode, so end transaction is forbidden.');
    return reply(ctx, ResponseCode.SLAVE_NOT_AVAILABLE);
  }
  const hdr = h.value;
  const kind = hdr.commitOrRollback;
  if (kind === MessageSysFlag.TRANSACTION_NOT_TYPE) return ok(ctx);
  if (kind !== MessageSysFlag.TRANSACTION_COMMIT_TYPE && kind !== MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) {
    return reply(ctx, ResponseCode.SYSTEM_ERROR, `unknown commitOrRollback ${kind}`);
  }
  const found = await tx.findHalf(hdr.commitLogOffset, hdr.producerGroup, hdr.tranStateTableOffset);
  if (!found.ok) {
    bc.logger.warn({ commitLogOffset: hdr.commitLogOffset, remark: found.remark, fromCheck: hdr.fromTransactionCheck }, 'END_TRANSACTION refused');
    return reply(ctx, ResponseCode.SYSTEM_ERROR, found.remark);
  }
  const commit = kind === MessageSysFlag.TRANSACTION_COMMIT_TYPE;
  if (commit) {
    const c = await tx.commit(found.half);
    if (c.refused !== undefined) return reply(ctx, c.refused.code, c.refused.remark);
    if (!c.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, c.status);
  }
  await tx.markDone(found.half);
  // Java EndTransactionProcessor: TransactionMetrics -1 under the real topic; commit/rollback counters, finish latency.
  const realTopic = getProperty(found.half.properties, MessageConst.PROPERTY_REAL_TOPIC) ?? found.half.topic;
  bc.halfCounts.add(realTopic, -1);
  recordTransactionEnd(bc, realTopic, commit, found.half.bornTimestamp);
  return ok(ctx);
}
