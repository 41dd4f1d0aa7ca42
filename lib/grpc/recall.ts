import { RequestCode, ResponseCode } from '../../protocol/codes';
import { RecallMessageRequestHeader } from '../../protocol/headers';
import { decodeRecallHandle } from '../../protocol/message';
import { MASTER_ID } from '../../protocol/naming';
import type { RocketClient } from '../client';
import { Code, OK, status, type PbResource, type Status } from './convert';
import { remotingStatus } from './convert';
import type { TopicMessageType } from './message-type';

/**
 * RecallMessage (Java: proxy/.../grpc/v2/producer/RecallMessageActivity -> ProducerProcessor#recallMessage ->
 * RECALL_MESSAGE to the broker the handle names): the handle is decoded only to find its broker (a bad handle is
 * INTERNAL_SERVER_ERROR "recall handle is invalid", as the proxy's ProxyException); the broker checks the rest and
 * its refusals come back through remotingStatus. OK carries the recalled message id (the broker's msgId).
 * The proxy's topic message-type check comes first (ProducerProcessor#recallMessage with enableTopicMessageTypeCheck:
 * the topic must be a DELAY topic; message-type.ts).
 */
export interface GrpcRecallOptions {
  client: RocketClient;
  /** Remoting request timeout, ms (the proxy uses 2 s). */
  requestTimeoutMs: number;
  /** The message-type check (GrpcService#typeConflict): undefined when a `actual` message may be in `topic`. */
  typeConflict: (topic: string, actual: TopicMessageType) => Promise<Status | undefined>;
}

export async function recallMessage(o: GrpcRecallOptions, req: { topic?: PbResource | null; recallHandle?: string }): Promise<{ status: Status; messageId: string }> {
  const topic = req.topic?.name ?? '';
  if (topic === '') return { status: status(Code.ILLEGAL_TOPIC, 'RecallMessage needs topic'), messageId: '' };
  const conflict = await o.typeConflict(topic, 'DELAY');
  if (conflict !== undefined) return { status: conflict, messageId: '' };
  const handle = decodeRecallHandle(req.recallHandle ?? '');
  if (!handle.ok) return { status: status(Code.INTERNAL_SERVER_ERROR, handle.error), messageId: '' };
  const brokerName = handle.value.brokerName;
  const route = await o.client.routeOf(topic, 3_000);
  if (route === undefined) return { status: status(Code.TOPIC_NOT_FOUND, `topic ${topic} not found: create it first (mqadmin updateTopic)`), messageId: '' };
  const addr = route.brokerDatas.find((b) => b.brokerName === brokerName)?.brokerAddrs.get(MASTER_ID);
  if (addr === undefined) return { status: status(Code.INTERNAL_SERVER_ERROR, `the recall handle names broker ${brokerName}, which serves no master of topic ${topic}`), messageId: '' };
  const r = await o.client.call(
    addr,
    RequestCode.RECALL_MESSAGE,
    { spec: RecallMessageRequestHeader, value: { topic, recallHandle: req.recallHandle ?? '', bname: brokerName } },
    null,
    o.requestTimeoutMs,
  );
  if (r.code !== ResponseCode.SUCCESS) return { status: remotingStatus(r.code, r.remark), messageId: '' };
  return { status: OK, messageId: r.extFields?.get('msgId') ?? '' };
}
