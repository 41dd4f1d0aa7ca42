import type { ReceiptHandle } from './convert';

/**
 * An AckMessage of several entries as BATCH_ACK_MESSAGE bodies, one per broker (Java: rocketmq-proxy's batch ack,
 * ConsumerProcessor#batchAckMessage -> MQClientAPIExt#batchAckMessageAsync, BatchAckMessageRequestBody / BatchAck).
 * One request and, on the broker, one revive record per checkpoint instead of one ACK_MESSAGE round trip and one
 * revive record per message. Pure; service.ts sends the bodies and falls back to single acks when a broker refuses.
 *
 * Body (fastjson, BatchAck's @JSONField short names):
 *   {"acks":[{"c":group,"t":topic,"r":retry,"so":ckQueueOffset,"q":queueId,"rq":reviveQid,"pt":popTime,
 *             "it":invisibleTime,"b":base64(BitSet#toByteArray of offset - so)}],"brokerName":name}
 * Entries acked one by one instead: an unreadable handle (its own error status), an orderly one (revive queue
 * ORDER_REVIVE_QID: the broker's ackOrderly answers per offset), one before its checkpoint's start, or more than
 * BATCH_ACK_SPAN_MAX offsets after it; and a broker's only entry.
 */

/** Java PopAckConstants.REVIVE_QUEUE... the reviveQid of an orderly POP's handle (broker POP_ORDER_REVIVE_QUEUE). */
export const ORDER_REVIVE_QID = 999;
/** Largest offset - checkpoint start a batch ack carries, offsets (its bit set is span/8 bytes). */
export const BATCH_ACK_SPAN_MAX = 65_536;

export interface BatchAckPlan {
  /** brokerName -> the entries (indexes into the request) and the BATCH_ACK_MESSAGE body. */
  batches: Map<string, { indexes: number[]; body: Buffer }>;
  /** Entries to ack one by one (ACK_MESSAGE). */
  single: number[];
}

/** BitSet#toByteArray: bit i is byte i >> 3, bit i & 7; trailing zero bytes dropped. */
export function bitSetBytes(bits: readonly number[]): Buffer {
  const max = bits.reduce((m, b) => Math.max(m, b), -1);
  const out = Buffer.alloc(max < 0 ? 0 : (max >> 3) + 1);
  for (const b of bits) out[b >> 3] = out[b >> 3]! | (1 << (b & 7));
  return out;
}

export function planBatchAck(group: string, topic: string, handles: readonly (ReceiptHandle | undefined)[]): BatchAckPlan {
  const single: number[] = [];
  const byBroker = new Map<string, { indexes: number[]; acks: Map<string, { h: ReceiptHandle; bits: number[] }> }>();
  handles.forEach((h, i) => {
    const span = h === undefined ? -1 : h.offset - h.ckQueueOffset;
    if (h === undefined || h.reviveQid === ORDER_REVIVE_QID || span < 0 || span > BATCH_ACK_SPAN_MAX) {
      single.push(i);
      return;
    }
    let b = byBroker.get(h.brokerName);
    if (b === undefined) byBroker.set(h.brokerName, (b = { indexes: [], acks: new Map() }));
    b.indexes.push(i);
    const key = `${h.retry} ${h.queueId} ${h.ckQueueOffset} ${h.popTime} ${h.invisibleTime} ${h.reviveQid}`;
    const a = b.acks.get(key);
    if (a === undefined) b.acks.set(key, { h, bits: [span] });
    else a.bits.push(span);
  });
  const batches = new Map<string, { indexes: number[]; body: Buffer }>();
  for (const [brokerName, b] of byBroker) {
    if (b.indexes.length === 1) {
      single.push(b.indexes[0]!); // one entry: a plain ACK_MESSAGE says as much
      continue;
    }
    const acks = [...b.acks.values()].map(({ h, bits }) => ({
      b: bitSetBytes(bits).toString('base64'), c: group, it: h.invisibleTime, pt: h.popTime, q: h.queueId, r: h.retry, rq: h.reviveQid, so: h.ckQueueOffset, t: topic,
    }));
    batches.set(brokerName, { indexes: b.indexes, body: Buffer.from(JSON.stringify({ acks, brokerName }), 'utf8') });
  }
  return { batches, single };
}
