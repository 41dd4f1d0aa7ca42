import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { reply, type Processor } from '../../remoting';
import type { BrokerContext } from '../context';

/**
 * What the broker refuses before any processor runs (Java: NettyRemotingAbstract#processRequestCommand asks the
 * processor's rejectRequest() and answers SYSTEM_BUSY "[REJECTREQUEST]system busy, start flow control for a
 * while" without a header):
 * - SendMessageProcessor#rejectRequest (SEND_MESSAGE, SEND_MESSAGE_V2, SEND_BATCH_MESSAGE, CONSUMER_SEND_MSG_BACK):
 *   a SLAVE without enableSlaveActingMaster (Apogee has no acting-master mode) — a slave is read-only to producers;
 *   or a store whose commit log write has been going for more than osPageCacheBusyTimeOutMills
 *   (MessageStore#isOSPageCacheBusy, a stalled disk). The client's MQFaultStrategy then avoids the broker for a
 *   while, and a sync send is retried on another broker (SYSTEM_BUSY is among its retry codes).
 * - PullMessageProcessor#rejectRequest (PULL_MESSAGE, LITE_PULL_MESSAGE): a SLAVE with slaveReadEnable=false.
 * The role and slaveReadEnable are read per request (updateBrokerConfig may change slaveReadEnable).
 */
export const REJECT_REQUEST_REMARK = '[REJECTREQUEST]system busy, start flow control for a while';

const SEND_CODES: ReadonlySet<number> = new Set([RequestCode.SEND_MESSAGE, RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE, RequestCode.CONSUMER_SEND_MSG_BACK]);
const PULL_CODES: ReadonlySet<number> = new Set([RequestCode.PULL_MESSAGE, RequestCode.LITE_PULL_MESSAGE]);

export function rejectsRequest(bc: BrokerContext, code: number): boolean {
  if (SEND_CODES.has(code)) return bc.storeConfig.brokerRole === 'SLAVE' || bc.store.isOSPageCacheBusy();
  return PULL_CODES.has(code) && bc.storeConfig.brokerRole === 'SLAVE' && !bc.config.slaveReadEnable;
}

/** Wraps the processors of the gated codes; others are returned unchanged. */
export function roleGate(bc: BrokerContext, code: number, p: Processor): Processor {
  if (!SEND_CODES.has(code) && !PULL_CODES.has(code)) return p;
  return (ctx) => (rejectsRequest(bc, code) ? reply(ctx, ResponseCode.SYSTEM_BUSY, REJECT_REQUEST_REMARK) : p(ctx));
}
