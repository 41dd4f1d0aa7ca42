import type { TopicConfig } from '../../../protocol/bodies';
import type { RemotingCommand } from '../../../protocol/command';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { encodeHeader, SendMessageResponseHeader, type SendMessageRequest } from '../../../protocol/headers';
import { createOffsetMsgId, formatIp, MessageConst, parseProperties, stringifyProperties } from '../../../protocol/message';
import { reply, type Processor, type RequestContext } from '../../remoting';
import { PutMessageStatus } from '../../store';
import type { BrokerContext } from '../context';
import { bornHostOf, InnerMessage } from '../message-build';
import { awaitTopicRegistered } from './register-wait';
import { decode, msgCheck, putTraceProperties } from './send';

/**
 * Request–reply: SEND_REPLY_MESSAGE (324) and SEND_REPLY_MESSAGE_V2 (325). Java: broker/.../processor/
 * ReplyMessageProcessor.java. The replier's producer sends the reply (MessageUtil.createReplyMessage: topic
 * <cluster>_REPLY_TOPIC, REPLY_TO_CLIENT = the requester's client id, CORRELATION_ID); the broker
 *   1. checks it as a send (msgCheck: topic, permissions, queue id),
 *   2. pushes it with PUSH_REPLY_MESSAGE_TO_CLIENT (326) over the requester's own connection, found by the client id
 *      among the producer channels, and waits for the client's answer (10 s, Java Broker2Client#callClient),
 *   3. stores it when storeReplyMessageEnable (Java default true) — whatever the push gave, as Java does.
 * The answer is SUCCESS when the push succeeded; otherwise SYSTEM_ERROR with Java's remark (requester unknown or
 * gone: "push reply message fail, channel of <id> not found."). msgId/queueOffset are those of the stored copy, or
 * "0"/0 when it is not stored. Like every send, the stored and pushed properties carry MSG_REGION and TRACE_ON
 * (Java buildMsgContext); unlike a plain send, the broker adds neither UNIQ_KEY nor CLUSTER, and stores sysFlag 0
 * (Java leaves MessageExtBrokerInner#sysFlag unset here; the push carries the sender's sysFlag).
 */
export function replyProcessors(bc: BrokerContext): [number, Processor][] {
  return [
    [RequestCode.SEND_REPLY_MESSAGE, (ctx) => processReply(bc, ctx)],
    [RequestCode.SEND_REPLY_MESSAGE_V2, (ctx) => processReply(bc, ctx)],
  ];
}

async function processReply(bc: BrokerContext, ctx: RequestContext): Promise<RemotingCommand> {
  const d = decode(ctx);
  if (!d.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, `SendMessageRequestHeader: ${d.error}`);
  const h = d.value;
  const traceExt = (): Map<string, string> =>
    new Map([
      ['MSG_REGION', bc.config.regionId],
      ['TRACE_ON', String(bc.config.traceOn)],
    ]);
  const existed = bc.topics.get(h.topic) !== undefined;
  const checked = msgCheck(bc, ctx, h);
  if (!existed && bc.topics.get(h.topic) !== undefined) await awaitTopicRegistered(bc);
  if (!('topicName' in checked)) {
    for (const [k, v] of traceExt()) checked.extFields?.set(k, v);
    return checked;
  }
  const tc: TopicConfig = checked;
  let queueId = h.queueId;
  if (queueId < 0) queueId = tc.writeQueueNums > 0 ? Math.floor(Math.random() * tc.writeQueueNums) : 0;
  const body = ctx.request.body ?? Buffer.alloc(0);
  const bornHost = bornHostOf(ctx.connection);
  const m = new InnerMessage(h.topic, queueId, h.flag, 0, h.bornTimestamp, bornHost, bc.storeHost, h.reconsumeTimes ?? 0, body, h.properties ?? '');
  putTraceProperties(bc, m);
  const properties = m.properties();

  const pushed = await pushReply(bc, ctx, h, properties, body);
  const code: number = pushed.ok ? ResponseCode.SUCCESS : ResponseCode.SYSTEM_ERROR;
  const remark = pushed.ok ? null : pushed.remark;
  let stored: { msgId: string; queueOffset: number } | undefined;
  if (bc.config.storeReplyMessageEnable) {
    const r = await bc.store.putMessage(m.encode(), { waitStoreMsgOK: m.get(MessageConst.PROPERTY_WAIT_STORE_MSG_OK) !== 'false' });
    const putOk = ([PutMessageStatus.PUT_OK, PutMessageStatus.FLUSH_DISK_TIMEOUT, PutMessageStatus.FLUSH_SLAVE_TIMEOUT, PutMessageStatus.SLAVE_NOT_AVAILABLE] as PutMessageStatus[]).includes(r.status);
    if (putOk) {
      bc.stats.putMessageTimesTotal += r.msgNum;
      bc.stats.putMessageSizeTotal += r.wroteBytes;
      stored = { msgId: createOffsetMsgId(bc.storeHost, r.wroteOffset), queueOffset: r.queueOffset };
    } else {
      // Java logs the refusal and leaves the answer as the push decided it.
      bc.logger.warn({ topic: h.topic, status: r.status }, 'reply message not stored');
    }
  }
  if (!pushed.ok && stored === undefined) {
    return reply(ctx, code, remark, traceExt());
  }
  const ext = encodeHeader(SendMessageResponseHeader, { msgId: stored?.msgId ?? '0', queueId, queueOffset: stored?.queueOffset ?? 0 });
  for (const [k, v] of traceExt()) ext.set(k, v);
  return reply(ctx, code, remark, ext);
}

type PushResult = { ok: true } | { ok: false; remark: string };

/** Java ReplyMessageProcessor#pushReplyMessage: the reply to the requester's connection, with PUSH_REPLY_TIME. */
async function pushReply(bc: BrokerContext, ctx: RequestContext, h: SendMessageRequest, properties: string, body: Buffer): Promise<PushResult> {
  const props = parseProperties(properties);
  const senderId = props.get(MessageConst.PROPERTY_MESSAGE_REPLY_TO_CLIENT);
  if (senderId === undefined) {
    bc.logger.warn('REPLY_TO_CLIENT is null, can not reply message');
    return { ok: false, remark: `reply message properties[${MessageConst.PROPERTY_MESSAGE_REPLY_TO_CLIENT}] is null` };
  }
  const conn = bc.producers.findChannel(senderId);
  if (conn === undefined || conn.closed) {
    const remark = `push reply message fail, channel of <${senderId}> not found.`;
    bc.logger.warn({ senderId }, remark);
    return { ok: false, remark };
  }
  props.set(MessageConst.PROPERTY_PUSH_REPLY_TIME, String(bc.now()));
  const born = bornHostOf(ctx.connection);
  try {
    const r = await bc.toClient.pushReplyMessage(
      conn,
      {
        producerGroup: h.producerGroup,
        topic: h.topic,
        defaultTopic: h.defaultTopic,
        defaultTopicQueueNums: h.defaultTopicQueueNums,
        queueId: h.queueId,
        sysFlag: h.sysFlag,
        bornTimestamp: h.bornTimestamp,
        flag: h.flag,
        properties: stringifyProperties(props),
        ...(h.reconsumeTimes !== undefined ? { reconsumeTimes: h.reconsumeTimes } : {}),
        unitMode: h.unitMode ?? false,
        // Java: InetAddress#getHostAddress + ":" + port (no brackets around an IPv6 address).
        bornHost: `${formatIp(born.ip)}:${born.port}`,
        storeHost: `${formatIp(bc.storeHost.ip)}:${bc.storeHost.port}`,
        storeTimestamp: bc.now(),
      },
      body,
    );
    if (r.code === ResponseCode.SUCCESS) return { ok: true };
    bc.logger.warn({ senderId, code: r.code, remark: r.remark }, 'push reply message refused by the requester');
  } catch (e) {
    bc.logger.warn({ senderId, err: (e as Error).message }, 'push reply message failed');
  }
  // Java's remark, without a space before "fail".
  return { ok: false, remark: `push reply message to ${senderId}fail.` };
}
