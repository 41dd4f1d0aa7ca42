import type { RemotingCommand } from '../../../protocol/command';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { encodeHeader, RecallMessageRequestHeader, RecallMessageResponseHeader } from '../../../protocol/headers';
import { decodeRecallHandle, encodeRecallHandle, MessageConst } from '../../../protocol/message';
import { isWriteable, RETRY_GROUP_TOPIC_PREFIX } from '../../../protocol/naming';
import { reply, requestHeader, type Processor, type RequestContext } from '../../remoting';
import { PutMessageStatus } from '../../store';
import type { BrokerContext } from '../context';
import { bornHostOf, InnerMessage } from '../message-build';
import { handleTimerMessage } from '../timer-hook';

/**
 * RECALL_MESSAGE (370): cancels a pending timer/delay message by its recall handle. Java: broker/.../processor/
 * RecallMessageProcessor (5.5.0): the same checks in the same order, codes and remarks; the recall is a marker
 * message on the original topic carrying TIMER_DEL_UNIQKEY "<topic>+<uniqKey>" and TIMER_DELIVER_MS = the handle's
 * time, which the timer hook turns into a delete unit in the same wheel slot (lib/timer: TimerMessageStore skips
 * the message whose key a delete unit of its slot names). Like Java, the broker does not look the message up: a
 * handle that names no pending message still succeeds (the marker cancels nothing).
 *
 * The send response carries the handle of a timer message (Java SendMessageProcessor#attachRecallHandle):
 * recallHandleFor below.
 */
const RECALL_TAG = '_RECALL_TAG_';
const STORED: ReadonlySet<string> = new Set([PutMessageStatus.PUT_OK, PutMessageStatus.FLUSH_DISK_TIMEOUT, PutMessageStatus.FLUSH_SLAVE_TIMEOUT, PutMessageStatus.SLAVE_NOT_AVAILABLE]);
const UNAVAILABLE = 'recall failed, broker service not available';

export function recallProcessors(bc: BrokerContext): [number, Processor][] {
  return [[RequestCode.RECALL_MESSAGE, (ctx) => recall(bc, ctx)]];
}

/** Java NumberUtils.toLong(s, -1). */
function toLong(s: string): number {
  return /^[+-]?\d{1,19}$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : -1;
}

function recall(bc: BrokerContext, ctx: RequestContext): RemotingCommand | Promise<RemotingCommand> {
  const region = new Map([[MessageConst.PROPERTY_MSG_REGION, bc.config.regionId]]);
  const refuse = (code: number, remark: string): RemotingCommand => reply(ctx, code, remark, region);
  const d = requestHeader(ctx, RecallMessageRequestHeader);
  if (!d.ok) return d.response;
  const h = d.value;
  if (!bc.config.recallMessageEnable) return refuse(ResponseCode.NO_PERMISSION, 'recall failed, operation is forbidden');
  if (bc.storeConfig.brokerRole === 'SLAVE') return refuse(ResponseCode.SLAVE_NOT_AVAILABLE, UNAVAILABLE);
  if (!isWriteable(bc.config.brokerPermission) && !bc.config.allowRecallWhenBrokerNotWriteable) return refuse(ResponseCode.SERVICE_NOT_AVAILABLE, UNAVAILABLE);
  if (bc.topics.get(h.topic) === undefined) return refuse(ResponseCode.TOPIC_NOT_EXIST, `recall failed, the topic[${h.topic}] not exist`);
  const handle = decodeRecallHandle(h.recallHandle);
  if (!handle.ok) return refuse(ResponseCode.ILLEGAL_OPERATION, handle.error);
  const hv = handle.value;
  if (h.topic !== hv.topic) return refuse(ResponseCode.ILLEGAL_OPERATION, 'recall failed, topic not match');
  if (bc.config.brokerName !== hv.brokerName) return refuse(ResponseCode.ILLEGAL_OPERATION, UNAVAILABLE);
  const timeLeft = toLong(hv.timestampStr) - bc.now();
  if (timeLeft <= 0 || timeLeft >= bc.storeConfig.timerMaxDelaySec * 1000) return refuse(ResponseCode.ILLEGAL_OPERATION, 'recall failed, timestamp invalid');

  // Java buildMessage: body "0", tag _RECALL_TAG_, queue 0 of the original topic.
  const now = bc.now();
  const props: [string, string][] = [
    [MessageConst.PROPERTY_TAGS, RECALL_TAG],
    [MessageConst.PROPERTY_TIMER_DEL_UNIQKEY, `${hv.topic}+${hv.messageId}`],
    [MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, hv.messageId],
    [MessageConst.PROPERTY_TIMER_DELIVER_MS, hv.timestampStr],
    [MessageConst.PROPERTY_BORN_TIMESTAMP, String(now)],
    [MessageConst.PROPERTY_TRACE_CONTEXT, ''],
  ];
  if (h.producerGroup !== undefined) props.push([MessageConst.PROPERTY_PRODUCER_GROUP, h.producerGroup]);
  const m = new InnerMessage(hv.topic, 0, 0, 0, now, bornHostOf(ctx.connection), bc.storeHost, 0, Buffer.from('0'), '');
  for (const [k, v] of props) m.put(k, v);
  // Java: the store's putMessage hook (HookUtils#handleScheduleMessage) moves it to rmq_sys_wheel_timer; a refusal
  // there is a put status other than PUT_OK, answered "execute error".
  if (handleTimerMessage(bc, m) !== undefined) return refuse(ResponseCode.SYSTEM_ERROR, 'recall failed, execute error');
  let record: Buffer;
  try {
    record = m.encode();
  } catch {
    return refuse(ResponseCode.SYSTEM_ERROR, 'recall failed, execute error');
  }
  return bc.store.putMessage(record).then((r) => {
    if (r.status === PutMessageStatus.PUT_OK) {
      bc.stats.putMessageTimesTotal += r.msgNum;
      bc.stats.putMessageSizeTotal += r.wroteBytes;
    }
    // Java answers SUCCESS for the flush/slave timeouts too.
    if (!STORED.has(r.status)) {
      bc.logger.warn({ topic: hv.topic, status: r.status, remark: r.remark }, 'recall marker not stored');
      return refuse(ResponseCode.SYSTEM_ERROR, 'recall failed, execute error');
    }
    const ext = encodeHeader(RecallMessageResponseHeader, { msgId: hv.messageId });
    ext.set(MessageConst.PROPERTY_MSG_REGION, bc.config.regionId);
    return reply(ctx, ResponseCode.SUCCESS, null, ext);
  });
}

/**
 * Java SendMessageProcessor#attachRecallHandle: a single send (not a batch, not a send-back) that became a timer
 * message of a non-retry topic gets a handle whose time is TIMER_OUT_MS + 1 (the wheel floors it back to the slot).
 */
export function recallHandleFor(bc: BrokerContext, m: InnerMessage): string | undefined {
  const out = m.get(MessageConst.PROPERTY_TIMER_OUT_MS);
  const realTopic = m.get(MessageConst.PROPERTY_REAL_TOPIC);
  const uniq = m.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
  if (out === undefined || realTopic === undefined || realTopic.startsWith(RETRY_GROUP_TOPIC_PREFIX) || uniq === undefined) return undefined;
  return encodeRecallHandle({ topic: realTopic, brokerName: bc.config.brokerName, timestampStr: String(Number(out) + 1), messageId: uniq });
}
