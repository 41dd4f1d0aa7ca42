import { MQVersionGate, RequestCode, ResponseCode } from '../../../protocol/codes';
import { ConsumerSendMsgBackRequestHeader } from '../../../protocol/headers';
import { createOffsetMsgId, decodeStoredMessage, MessageConst } from '../../../protocol/message';
import { dlqTopic, isWriteable, Perm, retryTopic, TopicSysFlag } from '../../../protocol/naming';
import { ok, reply, requestHeader, type Processor, type RequestContext } from '../../remoting';
import { PutMessageStatus } from '../../store';
import type { BrokerContext } from '../context';
import { applyDelayLevel, InnerMessage } from '../message-build';
import { recordDlq } from '../metrics';
import { awaitTopicRegistered } from './register-wait';

/**
 * CONSUMER_SEND_MSG_BACK (36): a consumer could not process a message. Java: SendMessageProcessor#
 * consumerSendMsgBack. The original is read by its commit log offset and stored again in %RETRY%<group> with
 * reconsumeTimes + 1 and delay level (header's, or 3 + reconsumeTimes), or in %DLQ%<group> once
 * reconsumeTimes >= maxReconsumeTimes or the client asks for the DLQ (delayLevel < 0).
 */
const FAQ = '\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.';
const DLQ_NUMS_PER_GROUP = 1;

export function sendBackProcessors(bc: BrokerContext): [number, Processor][] {
  return [[RequestCode.CONSUMER_SEND_MSG_BACK, (ctx) => sendBack(bc, ctx)]];
}

async function sendBack(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, ConsumerSendMsgBackRequestHeader);
  if (!h.ok) return h.response;
  const hdr = h.value;
  const group = bc.groups.find(hdr.group);
  if (group === undefined) return reply(ctx, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group not exist, ${hdr.group} ${FAQ}`);
  if (!isWriteable(bc.config.brokerPermission)) {
    return reply(ctx, ResponseCode.NO_PERMISSION, `the broker[${bc.config.brokerIP1}] sending message is forbidden`);
  }
  if (group.retryQueueNums <= 0) return ok(ctx);
  const topicSysFlag = hdr.unitMode ? TopicSysFlag.UNIT_SUB : 0;
  let newTopic = retryTopic(hdr.group);
  let queueId = Math.floor(Math.random() * group.retryQueueNums);
  const retryExisted = bc.topics.get(newTopic) !== undefined;
  let tc = bc.topics.createInSendMessageBack(newTopic, group.retryQueueNums, Perm.READ | Perm.WRITE, topicSysFlag);
  if (tc === undefined) return reply(ctx, ResponseCode.SYSTEM_ERROR, `topic[${newTopic}] not exist`);
  // Java registers a created retry/DLQ topic before it goes on (createTopicInSendMessageBackMethod).
  if (!retryExisted) await awaitTopicRegistered(bc);
  if (!isWriteable(tc.perm)) return reply(ctx, ResponseCode.NO_PERMISSION, `the topic[${newTopic}] sending message is forbidden`);
  const raw = await bc.store.lookMessageByOffset(hdr.offset);
  if (raw === undefined) return reply(ctx, ResponseCode.SYSTEM_ERROR, `look message by offset failed, ${hdr.offset}`);
  const orig = decodeStoredMessage(raw).message;
  const m = new InnerMessage(orig.topic, orig.queueId, orig.flag, orig.sysFlag, orig.bornTimestamp, orig.bornHost, bc.storeHost, orig.reconsumeTimes + 1, orig.body, orig.properties);
  if (m.get(MessageConst.PROPERTY_RETRY_TOPIC) === undefined) m.put(MessageConst.PROPERTY_RETRY_TOPIC, orig.topic);
  m.put(MessageConst.PROPERTY_WAIT_STORE_MSG_OK, 'false');
  let delayLevel = hdr.delayLevel;
  let maxReconsumeTimes = group.retryMaxTimes;
  if (ctx.request.version >= MQVersionGate.V3_4_9 && hdr.maxReconsumeTimes !== undefined) maxReconsumeTimes = hdr.maxReconsumeTimes;
  const toDlq = orig.reconsumeTimes >= maxReconsumeTimes || delayLevel < 0;
  if (toDlq) {
    recordDlq(bc, hdr.group, hdr.originTopic ?? '');
    newTopic = dlqTopic(hdr.group);
    queueId = Math.floor(Math.random() * DLQ_NUMS_PER_GROUP);
    const dlqExisted = bc.topics.get(newTopic) !== undefined;
    tc = bc.topics.createInSendMessageBack(newTopic, DLQ_NUMS_PER_GROUP, Perm.READ | Perm.WRITE, 0);
    if (tc === undefined) return reply(ctx, ResponseCode.SYSTEM_ERROR, `topic[${newTopic}] not exist`);
    if (!dlqExisted) await awaitTopicRegistered(bc);
    m.put(MessageConst.PROPERTY_DELAY_TIME_LEVEL, '0');
  } else {
    if (delayLevel === 0) delayLevel = 3 + orig.reconsumeTimes;
    m.put(MessageConst.PROPERTY_DELAY_TIME_LEVEL, String(delayLevel));
  }
  m.topic = newTopic;
  m.queueId = queueId;
  if ((m.get(MessageConst.PROPERTY_ORIGIN_MESSAGE_ID) ?? '') === '') {
    m.put(MessageConst.PROPERTY_ORIGIN_MESSAGE_ID, createOffsetMsgId(orig.storeHost, orig.physicalOffset));
  }
  if (!toDlq) applyDelayLevel(m, bc.delayLevels);
  const r = await bc.store.putMessage(m.encode(), { waitStoreMsgOK: false });
  if (r.status === PutMessageStatus.PUT_OK) {
    bc.stats.putMessageTimesTotal++;
    return ok(ctx);
  }
  return reply(ctx, ResponseCode.SYSTEM_ERROR, r.status);
}
