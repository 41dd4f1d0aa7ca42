/**
 * The POP phase of the gRPC bench (issue 15, "POP consume throughput and receive→ack latency"): the broker's own
 * POP over remoting, with no proxy in between, on each side's broker (Apogee's, or Apache RocketMQ 5.5.0's). As the
 * official 5.x push consumer in POP mode does it (DefaultMQPushConsumer with setClientRebalance(false):
 * PullMessageService → MQClientAPIImpl#popMessageAsync on the broker-acting queue -1, then one ackMessageAsync per
 * consumed message): POP_LOOPS loops of POP_MESSAGE (POP_BATCH messages, invisible INVISIBLE_MS, long polling
 * POLL_MS, ConsumeInitMode.MIN so a new group starts at the head) + one ACK_MESSAGE per message, all of a batch in
 * flight at once, until `target` messages are acknowledged from a backlog POP_FILLERS senders put first.
 * Reports msg/s from the first POP to the last ack, and POP answer → ack answer p50 / p99 (one sample per message).
 */
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { AckMessageRequestHeader, decodeHeader, PopMessageRequestHeader, PopMessageResponseHeader } from '../../protocol/headers';
import { decodeMessages } from '../../protocol/message';
import { decodeReceiptHandle, extraInfoOf, popReceipts } from '../../lib/grpc';
import { SerializeType } from '../../protocol/command';
import type { RocketClient } from '../../lib/client';
import { createRoutedTopic, type Running } from '../harness/legs';
import { benchClient } from '../harness/ops';
import { drain } from './receive';

export const POP_LOOPS = 8;
export const POP_BATCH = 32;
/** Senders that fill the POP phase's backlog before it is measured. */
export const POP_FILLERS = 16;
const POLL_MS = 5_000;
const INVISIBLE_MS = 120_000;
const INIT_MODE_MIN = 0;

export interface PopPhaseResult {
  msgsPerSec: number;
  p50Us: number;
  p99Us: number;
  acked: number;
  errors: number;
}

/** Puts `n` messages of `body` into `topic` (not measured). */
export async function fillBacklog(client: RocketClient, topic: string, n: number, body: Buffer): Promise<void> {
  let next = 0;
  const filler = async (): Promise<void> => {
    while (next < n) {
      next++;
      const r = await client.send(topic, body);
      if (r.code !== ResponseCode.SUCCESS) throw new Error(`POP backlog: send answered ${r.code} ${r.remark ?? ''}`);
    }
  };
  await Promise.all(Array.from({ length: POP_FILLERS }, filler));
}

export async function popPhase(client: RocketClient, brokerAddr: string, brokerName: string, topic: string, group: string, target: number, limitMs: number): Promise<PopPhaseResult> {
  let failures = 0;
  const r = await drain(POP_LOOPS, target, limitMs, async () => {
    const resp = await client.call(
      brokerAddr,
      RequestCode.POP_MESSAGE,
      {
        spec: PopMessageRequestHeader,
        value: { consumerGroup: group, topic, queueId: -1, maxMsgNums: POP_BATCH, invisibleTime: INVISIBLE_MS, pollTime: POLL_MS, bornTime: Date.now(), initMode: INIT_MODE_MIN, expType: 'TAG', exp: '*', order: false },
      },
      null,
      POLL_MS + 10_000,
    );
    if (resp.code !== ResponseCode.SUCCESS) {
      if (resp.code !== ResponseCode.POLLING_TIMEOUT && resp.code !== ResponseCode.NO_MESSAGE && failures++ === 0) console.log(`    POP: ${resp.code} ${resp.remark ?? ''}`);
      return undefined;
    }
    const t = process.hrtime.bigint();
    const msgs = resp.body === null ? [] : decodeMessages(resp.body);
    const h = decodeHeader(PopMessageResponseHeader, resp.extFields ?? new Map());
    if (!h.ok) throw new Error(`POP answer without its header: ${h.error}`);
    const oks = await Promise.all(
      popReceipts(h.value, brokerName, msgs).map(async (rc) => {
        const k = rc === undefined ? undefined : decodeReceiptHandle(rc.handle);
        if (k === undefined) return false;
        const a = await client.call(brokerAddr, RequestCode.ACK_MESSAGE, { spec: AckMessageRequestHeader, value: { consumerGroup: group, topic, queueId: k.queueId, extraInfo: extraInfoOf(k), offset: k.offset } }, null, 10_000);
        return a.code === ResponseCode.SUCCESS;
      }),
    );
    return { acked: oks.filter((x) => x).length, received: msgs.length, us: Number(process.hrtime.bigint() - t) / 1000 };
  });
  return { ...r, errors: r.errors + failures };
}

/** One side's POP phase on its own fresh topic and group: backlog of `n`, then popPhase until `n` are acknowledged. */
export async function popLeg(sys: Running, round: number, n: number, body: Buffer, limitMs: number): Promise<PopPhaseResult> {
  const topic = `BenchPop_${round}`;
  // JSON headers, as the Java client's default: the POP codes (2000xx) do not fit ROCKETMQ serialization's 16-bit code.
  const client = benchClient(sys.namesrv, 10_000, SerializeType.JSON);
  try {
    await createRoutedTopic(client, sys, topic);
    await fillBacklog(client, topic, n, body);
    const q = (await client.publishQueues(topic))[0];
    if (q === undefined) throw new Error(`POP: ${topic} has no queue to publish to`);
    return await popPhase(client, q.brokerAddr, q.brokerName, topic, `BenchPopGroup_${round}`, n, limitMs);
  } finally {
    client.close();
  }
}
