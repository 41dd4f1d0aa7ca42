import { ResponseCode } from '../../protocol/codes';
import { MessageConst } from '../../protocol/message';
import { TIMER_TOPIC, timerOutMs, normalizePrecisionMs } from '../timer';
import type { BrokerContext } from './context';
import type { InnerMessage } from './message-build';

/**
 * Timer messages on the send path (Java: broker/util/HookUtils#handleScheduleMessage, checkIfTimerMessage,
 * transformTimerMessage, and SendMessageProcessor#handlePutMessageResult for the WHEEL_TIMER_* statuses).
 * Applies to non-transactional and committed messages only, as Java. Returns undefined when the message may be
 * stored (rewritten to rmq_sys_wheel_timer when it is a timer message due in the future), else the refusal.
 */
export interface Refusal {
  code: number;
  remark: string;
}

const TIMER_PROPS = [MessageConst.PROPERTY_TIMER_DELIVER_MS, MessageConst.PROPERTY_TIMER_DELAY_SEC, MessageConst.PROPERTY_TIMER_DELAY_MS];

/** Java Long.parseLong: an optional sign and decimal digits, within int64 (checked loosely: within 2^53). */
function parseJavaLong(s: string): number | undefined {
  if (!/^[+-]?\d{1,19}$/.test(s)) return undefined;
  const v = Number(s);
  return Number.isSafeInteger(v) ? v : undefined;
}

/** Java checkIfTimerMessage: true when the message asks for a timer; a DELAY level wins (timer properties dropped). */
export function checkIfTimerMessage(m: InnerMessage): boolean {
  if (Number.parseInt(m.get(MessageConst.PROPERTY_DELAY_TIME_LEVEL) ?? '0', 10) > 0) {
    for (const p of TIMER_PROPS) m.remove(p);
    return false;
  }
  if (m.topic === TIMER_TOPIC || m.get(MessageConst.PROPERTY_TIMER_OUT_MS) !== undefined) return false;
  return TIMER_PROPS.some((p) => m.get(p) !== undefined);
}

export function handleTimerMessage(bc: BrokerContext, m: InnerMessage): Refusal | undefined {
  if (m.topic === TIMER_TOPIC || !checkIfTimerMessage(m)) return undefined;
  const sc = bc.storeConfig;
  if (!sc.timerWheelEnable || bc.timer === undefined) {
    return { code: ResponseCode.SYSTEM_ERROR, remark: `accurate timer message is not enabled, timerWheelEnable is ${sc.timerWheelEnable}` };
  }
  const illegal: Refusal = {
    code: ResponseCode.MESSAGE_ILLEGAL,
    remark: `timer message illegal, the delay time should not be bigger than the max delay ${sc.timerMaxDelaySec * 1000}ms; or if set del msg, the delay time should be bigger than the current time`,
  };
  const now = bc.now();
  const sec = m.get(MessageConst.PROPERTY_TIMER_DELAY_SEC);
  const ms = m.get(MessageConst.PROPERTY_TIMER_DELAY_MS);
  let deliverMs: number | undefined;
  if (sec !== undefined) {
    const v = parseJavaLong(sec);
    deliverMs = v === undefined ? undefined : now + v * 1000;
  } else if (ms !== undefined) {
    const v = parseJavaLong(ms);
    deliverMs = v === undefined ? undefined : now + v;
  } else {
    deliverMs = parseJavaLong(m.get(MessageConst.PROPERTY_TIMER_DELIVER_MS) ?? '');
  }
  if (deliverMs === undefined) return illegal;
  if (deliverMs > now) {
    if (deliverMs - now > sc.timerMaxDelaySec * 1000) return illegal;
    const out = timerOutMs(deliverMs, normalizePrecisionMs(sc.timerPrecisionMs));
    if (bc.timer.isReject(out)) {
      const n = sc.timerCongestNumEachSlot;
      return {
        code: ResponseCode.SYSTEM_ERROR,
        remark: `timer message is under flow control, max num limit is ${n * 2} or the current value is greater than ${n} and less than ${n * 2}, trigger random flow control`,
      };
    }
    m.put(MessageConst.PROPERTY_TIMER_OUT_MS, String(out));
    m.put(MessageConst.PROPERTY_REAL_TOPIC, m.topic);
    m.put(MessageConst.PROPERTY_REAL_QUEUE_ID, String(m.queueId));
    m.topic = TIMER_TOPIC;
    m.queueId = 0;
  } else if (m.get(MessageConst.PROPERTY_TIMER_DEL_UNIQKEY) !== undefined) {
    return illegal;
  }
  return undefined;
}
