/**
 * Pure helpers of the gRPC bench (bench/grpc/run.ts): reading a ReceiveMessage response stream and an AckMessage
 * answer into counts, the side's peak memory, and the drain loop the receive and POP phases share (drain: its I/O is
 * the step it is given).
 *
 * A ReceiveMessage stream (apache.rocketmq.v2 ReceiveMessageResponse, oneof `content`) is a status line, then one
 * response per message, optionally a delivery timestamp (Java ReceiveMessageResponseStreamWriter); decoded with
 * proto-loader `enums: String, oneofs: true`, so a status code is its enum name ('OK', 'MESSAGE_NOT_FOUND').
 */

import { Samples } from '../harness/stats';

export interface ReceivedHandle {
  messageId: string;
  receiptHandle: string;
}

export interface ReceiveOutcome {
  /** The status line's code name; 'NONE' when the stream carried no status. */
  code: string;
  message: string;
  handles: ReceivedHandle[];
}

/** The status code and the (messageId, receiptHandle) of every message in one ReceiveMessage stream's items. */
export function readReceiveStream(items: readonly any[]): ReceiveOutcome {
  let code = 'NONE';
  let message = '';
  const handles: ReceivedHandle[] = [];
  for (const it of items) {
    if (it === null || typeof it !== 'object') continue;
    if (it.status !== undefined && it.status !== null && (it.content === undefined || it.content === 'status')) {
      code = String(it.status.code);
      message = String(it.status.message ?? '');
    } else if (it.message !== undefined && it.message !== null && (it.content === undefined || it.content === 'message')) {
      const sp = it.message.systemProperties ?? {};
      handles.push({ messageId: String(sp.messageId ?? ''), receiptHandle: String(sp.receiptHandle ?? '') });
    }
  }
  return { code, message, handles };
}

/** How many entries of an AckMessage answer were acknowledged (status OK per entry; a whole-call failure: none). */
export function ackedCount(resp: any): number {
  if (resp === null || typeof resp !== 'object') return 0;
  const entries: any[] = Array.isArray(resp.entries) ? resp.entries : [];
  if (entries.length === 0) return 0;
  return entries.filter((e) => (e?.status?.code ?? resp.status?.code) === 'OK').length;
}

/** The sum of the peak RSS (MiB) of a side's server processes; NaN when any is unknown. */
export function sideRssMiB(peaks: readonly number[]): number {
  if (peaks.length === 0) return NaN;
  return peaks.reduce((a, b) => a + b, 0);
}

/** One consuming round of a drain: messages acknowledged of those received, and the receive → ack time, µs. */
export interface DrainStep {
  acked: number;
  received: number;
  us: number;
}

/**
 * `loops` loops calling `step` until `target` messages are acknowledged or `limitMs` passes (the gRPC receive phase
 * and the POP phase): msg/s from the start to the last ack, p50 / p99 of the receive → ack time (one sample per
 * acknowledged message); a step that acknowledged fewer than it received counts one error. `step` answers
 * undefined when it received nothing.
 */
export async function drain(loops: number, target: number, limitMs: number, step: () => Promise<DrainStep | undefined>): Promise<{ msgsPerSec: number; p50Us: number; p99Us: number; acked: number; errors: number }> {
  const lat = new Samples();
  let acked = 0;
  let errors = 0;
  let lastAck = 0;
  const t0 = Date.now();
  const until = t0 + limitMs;
  const loop = async (): Promise<void> => {
    while (acked < target && Date.now() < until) {
      const s = await step();
      if (s === undefined) continue;
      for (let i = 0; i < s.acked; i++) lat.add(s.us);
      if (s.acked < s.received) errors++;
      acked += s.acked;
      lastAck = Date.now();
    }
  };
  await Promise.all(Array.from({ length: loops }, loop));
  const l = lat.summary();
  return { msgsPerSec: acked / (Math.max(1, lastAck - t0) / 1000), p50Us: l.p50Ms * 1000, p99Us: l.p99Ms * 1000, acked, errors };
}
