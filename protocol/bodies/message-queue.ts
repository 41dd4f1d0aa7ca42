import { beanOf, beanMapOf, int, req, prim, str, type Codec } from './schema';

/**
 * MessageQueue (Java: common/.../message/MessageQueue.java): {"brokerName","queueId","topic"}. As a map key it is
 * written in fastjson's object-key syntax (pitfall P8): {{"brokerName":"b","queueId":0,"topic":"T"}:value}.
 */
export interface MessageQueue {
  topic: string;
  brokerName: string;
  queueId: number;
}

export const messageQueue = beanOf<MessageQueue>({
  brokerName: req(str),
  queueId: prim(int, 0),
  topic: req(str),
});

/** MessageQueue.equals: same topic, brokerName and queueId. */
export function sameQueue(a: MessageQueue, b: MessageQueue): boolean {
  return a.queueId === b.queueId && a.topic === b.topic && a.brokerName === b.brokerName;
}

/** A Java Map<MessageQueue, V> as [queue, value] entries in wire order. */
export type QueueMap<V> = Array<[MessageQueue, V]>;

export function queueMapOf<V>(vc: Codec<V>): Codec<QueueMap<V>> {
  return beanMapOf(messageQueue, vc, (q) => `${q.queueId}\u0000${q.brokerName}\u0000${q.topic}`);
}
