import { RequestCode, ResponseCode } from '../../protocol/codes';
import { PullMessageRequestHeader } from '../../protocol/headers';
import { decodeMessages } from '../../protocol/message';
import type { RocketClient } from '../client';
import { subscriptionOf } from './clients';
import { Code, durationMs, OK, status, toPbMessage, type PbDuration, type PbResource, type Status } from './convert';
import { resolveQueue, type PbQueue } from './offsets';
import { remotingStatus } from './convert';

/**
 * PullMessage for the 5.x pull consumers (Java: proxy/.../grpc/v2/consumer/PullMessageActivity and
 * PullMessageResponseStreamWriter, newer than the proxy 5.5.0 this repo otherwise follows): one PULL_MESSAGE to the
 * queue's broker (suspend + subscription flags, no offset commit: the client commits with UpdateOffset), held at most
 * until the client's deadline minus the reserve. The answer is a stream:
 *   FOUND                  status OK, then one response per message, then next_offset
 *   no message / no match  status MESSAGE_NOT_FOUND, then next_offset
 *   offset moved           status ILLEGAL_OFFSET, then next_offset
 *   a remoting failure     its Status only
 * A TAG subscription is also matched exactly here (the broker matches tag hash codes only; Java PullAPIWrapper
 * #processPullResult does the same on the remoting client side).
 */
export interface GrpcPullOptions {
  client: RocketClient;
  /** Remoting request timeout added to the hold, ms. */
  requestTimeoutMs: number;
  /** Kept between the broker's hold and the client's deadline, ms. */
  longPollingReserveMs: number;
}

/** Largest batch a PullMessage may ask for (the broker's default maxMsgNums cap for one pull). */
export const PULL_BATCH_MAX = 32;
/** Hold when the request names no long_polling_timeout, ms (Java default consumer long polling). */
export const DEFAULT_PULL_HOLD_MS = 20_000;
/** Java PullSysFlag: FLAG_SUSPEND | FLAG_SUBSCRIPTION (no commit offset, no class filter). */
const SYS_FLAG = 0x2 | 0x4;

export interface PullRequest {
  group?: PbResource | null;
  messageQueue?: PbQueue | null;
  offset?: number;
  batchSize?: number;
  filterExpression?: { type?: string; expression?: string } | null;
  longPollingTimeout?: PbDuration | null;
}

/** The responses to stream, in order. */
export type PullAnswer = ({ status: Status } | { message: unknown } | { nextOffset: number })[];

export async function pullMessage(o: GrpcPullOptions, req: PullRequest, deadlineMs: number): Promise<PullAnswer> {
  const group = req.group?.name ?? '';
  if (group === '') return [{ status: status(Code.ILLEGAL_CONSUMER_GROUP, 'PullMessage needs group') }];
  const batch = req.batchSize ?? 0;
  if (!Number.isInteger(batch) || batch <= 0 || batch > PULL_BATCH_MAX) return [{ status: status(Code.BAD_REQUEST, `batch_size must be in 1..${PULL_BATCH_MAX}, got ${batch}`) }];
  const offset = Number(req.offset ?? 0);
  if (!Number.isInteger(offset) || offset < 0) return [{ status: status(Code.ILLEGAL_OFFSET, `offset must be an integer >= 0, got ${req.offset}`) }];
  const q = await resolveQueue(o.client, req.messageQueue);
  if (!q.ok) return [{ status: q.status }];
  const sub = subscriptionOf({ topic: { name: q.topic }, expression: req.filterExpression ?? {} });
  const wanted = durationMs(req.longPollingTimeout) ?? DEFAULT_PULL_HOLD_MS;
  const holdMs = Math.max(0, Math.min(wanted, deadlineMs - Date.now() - o.longPollingReserveMs));
  const resp = await o.client.call(
    q.addr,
    RequestCode.PULL_MESSAGE,
    {
      spec: PullMessageRequestHeader,
      value: {
        consumerGroup: group, topic: q.topic, queueId: q.queueId, queueOffset: offset, maxMsgNums: batch, sysFlag: SYS_FLAG, commitOffset: 0,
        suspendTimeoutMillis: holdMs, subscription: sub.subString ?? '*', subVersion: Number(sub.subVersion), expressionType: sub.expressionType, bname: q.brokerName,
      },
    },
    null,
    holdMs + o.requestTimeoutMs,
  );
  const next = Number(resp.extFields?.get('nextBeginOffset') ?? offset);
  const nextOffset = { nextOffset: Number.isFinite(next) ? next : offset };
  switch (resp.code) {
    case ResponseCode.SUCCESS: {
      const all = resp.body === null ? [] : decodeMessages(resp.body);
      const tags = new Set(sub.tagsSet);
      const msgs = tags.size === 0 ? all : all.filter((m) => tags.has(m.properties.get('TAGS') ?? ''));
      if (msgs.length === 0) return [{ status: status(Code.MESSAGE_NOT_FOUND, 'no match message') }, nextOffset];
      return [{ status: OK }, ...msgs.map((m) => ({ message: toPbMessage(m, group, req.messageQueue?.topic?.resourceNamespace ?? '', 0) })), nextOffset];
    }
    case ResponseCode.PULL_OFFSET_MOVED:
      return [{ status: status(Code.ILLEGAL_OFFSET, 'ILLEGAL_OFFSET') }, nextOffset];
    case ResponseCode.PULL_NOT_FOUND:
    case ResponseCode.PULL_RETRY_IMMEDIATELY:
      return [{ status: status(Code.MESSAGE_NOT_FOUND, 'no new message') }, nextOffset];
    default:
      return [{ status: remotingStatus(resp.code, resp.remark) }];
  }
}
