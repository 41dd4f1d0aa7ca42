/**
 * Pure helpers of the gRPC bench (bench/grpc/run.ts): reading a ReceiveMessage response stream and an AckMessage
 * answer into counts, and the side's peak memory. No I/O here.
 *
 * A ReceiveMessage stream (apache.rocketmq.v2 ReceiveMessageResponse, oneof `content`) is a status line, then one
 * response per message, optionally a delivery timestamp (Java ReceiveMessageResponseStreamWriter); decoded with
 * proto-loader `enums: String, oneofs: true`, so a status code is its enum name ('OK', 'MESSAGE_NOT_FOUND').
 */

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
