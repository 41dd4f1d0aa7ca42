import { encodeStoredMessage, javaHashMapOrder, MessageConst, stringifyProperties, type StoredMessage } from '../../protocol/message';

/**
 * What a due timer message becomes (Java: TimerMessageStore#convert / #convertMessage / #doPut's checks): the
 * properties it is delivered with and where it goes — its REAL_TOPIC/REAL_QID, or, rolled, rmq_sys_wheel_timer again.
 * Contract. Owns: that conversion, as a pure function of the message read back, its properties map (updated in
 * place), the unit's enqueue time and roll flag, and the delivery time. No I/O; the service puts the record.
 */
export type Delivery = { topic: string; queueId: number; record: () => Buffer } | 'delete-marker' | 'no-real-topic';

export function deliveryOf(m: StoredMessage, props: Map<string, string>, enqueueMs: number, roll: boolean, nowMs: number): Delivery {
  if (enqueueMs !== Number.MAX_SAFE_INTEGER) props.set(MessageConst.PROPERTY_TIMER_ENQUEUE_MS, String(enqueueMs));
  if (roll) props.set(MessageConst.PROPERTY_TIMER_ROLL_TIMES, String((Number.parseInt(props.get(MessageConst.PROPERTY_TIMER_ROLL_TIMES) ?? '0', 10) || 0) + 1));
  props.set(MessageConst.PROPERTY_TIMER_DEQUEUE_MS, String(nowMs));
  let topic = m.topic;
  let queueId = m.queueId;
  if (!roll) {
    if (props.has(MessageConst.PROPERTY_TIMER_DEL_UNIQKEY)) return 'delete-marker';
    topic = props.get(MessageConst.PROPERTY_REAL_TOPIC) ?? '';
    queueId = Number.parseInt(props.get(MessageConst.PROPERTY_REAL_QUEUE_ID) ?? '', 10);
    if (topic === '' || !(queueId >= 0)) return 'no-real-topic';
  }
  // Java convertMessage fixes the stored properties string from the message as read plus TIMER_ENQUEUE_MS,
  // TIMER_DEQUEUE_MS (and TIMER_ROLL_TIMES) before it clears REAL_TOPIC/REAL_QID and sets WAIT=false on the map
  // only: a 5.5.0 broker delivers REAL_TOPIC, REAL_QID and the sender's WAIT (seen with the official client).
  // A fresh record per put attempt: the store patches offsets into the buffer it is given.
  const record = (): Buffer =>
    encodeStoredMessage({
      queueId,
      flag: m.flag,
      sysFlag: m.sysFlag,
      bornTimestamp: m.bornTimestamp,
      bornHost: m.bornHost,
      storeHost: m.storeHost,
      reconsumeTimes: m.reconsumeTimes,
      body: m.body,
      topic,
      properties: stringifyProperties(javaHashMapOrder(props, 128)),
    });
  return { topic, queueId, record };
}
