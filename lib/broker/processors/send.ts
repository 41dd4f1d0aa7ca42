import type { TopicConfig } from '../../../protocol/bodies';
import { ProtocolError } from '../../../protocol/errors';
import type { RemotingCommand } from '../../../protocol/command';
import { MQVersionGate, RequestCode, ResponseCode } from '../../../protocol/codes';
import { decodeSendMessageHeaderV2, encodeHeader, SendMessageRequestHeader, SendMessageResponseHeader, decodeHeader, type SendMessageRequest } from '../../../protocol/headers';
import {
  createOffsetMsgId,
  createOffsetMsgIds,
  encodeStoredMessage,
  findPropertyValueAt,
  MessageConst,
  MessageSysFlag,
  newBatchEntryScan,
  scanBatchEntry,
  transactionValue,
  type BatchEntryScan,
} from '../../../protocol/message';
import {
  dlqTopic,
  isNotAllowedSendTopic,
  isRetryTopic,
  isWriteable,
  Perm,
  RETRY_GROUP_TOPIC_PREFIX,
  TopicSysFlag,
  TRANS_HALF_TOPIC,
  validateTopic,
} from '../../../protocol/naming';
import { reply, type Processor, type RequestContext } from '../../remoting';
import { PutMessageStatus, type PutMessageResult } from '../../store';
import type { BrokerContext } from '../context';
import { recordDlq, recordIn } from '../metrics';
import { applyDelayLevel, bornHostOf, InnerMessage, toHalfMessage } from '../message-build';
import { awaitTopicRegistered } from './register-wait';
import { handleTimerMessage } from '../timer-hook';
import { recallHandleFor } from './recall';

/**
 * SEND_MESSAGE (10), SEND_MESSAGE_V2 (310), SEND_BATCH_MESSAGE (320). Java: broker/.../processor/
 * SendMessageProcessor.java and AbstractSendMessageProcessor.java (msgCheck, handleRetryAndDLQ): the same checks,
 * codes and remarks; the record is built once and handed to the store, which assigns offsets.
 * Batches are recognised by code 320 or the header's batch flag, as Java decides from isBatch().
 */
const FAQ = '\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.';
const DLQ_NUMS_PER_GROUP = 1;

export function sendProcessors(bc: BrokerContext): [number, Processor][] {
  return [
    [RequestCode.SEND_MESSAGE, (ctx) => send(bc, ctx)],
    [RequestCode.SEND_MESSAGE_V2, (ctx) => send(bc, ctx)],
    [RequestCode.SEND_BATCH_MESSAGE, (ctx) => send(bc, ctx)],
  ];
}

/** The V1 header (SEND_MESSAGE, SEND_REPLY_MESSAGE) or the V2 short-key header (every other send code). */
export function decode(ctx: RequestContext): { ok: true; value: SendMessageRequest } | { ok: false; error: string } {
  const code = ctx.request.code;
  return code === RequestCode.SEND_MESSAGE || code === RequestCode.SEND_REPLY_MESSAGE ? decodeHeader(SendMessageRequestHeader, ctx.request.extFields) : decodeSendMessageHeaderV2(ctx.request.extFields);
}

/** Java AbstractSendMessageProcessor#msgCheck: the topic config, or the error response. */
export function msgCheck(bc: BrokerContext, ctx: RequestContext, h: SendMessageRequest): TopicConfig | RemotingCommand {
  if (!isWriteable(bc.config.brokerPermission)) {
    // Java refuses here only for order topics; sends to other topics are refused by the same rule below.
    return reply(ctx, ResponseCode.NO_PERMISSION, `the broker[${bc.config.brokerIP1}] sending message is forbidden`);
  }
  const invalid = validateTopic(h.topic);
  if (invalid !== null) return reply(ctx, ResponseCode.INVALID_PARAMETER, invalid);
  if (isNotAllowedSendTopic(h.topic)) return reply(ctx, ResponseCode.NO_PERMISSION, `Sending message to topic[${h.topic}] is forbidden.`);
  let tc = bc.topics.get(h.topic);
  if (tc === undefined) {
    let topicSysFlag = 0;
    if (h.unitMode === true) topicSysFlag = h.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) ? TopicSysFlag.UNIT_SUB : TopicSysFlag.UNIT;
    tc = bc.topics.createInSendMessage(h.topic, h.defaultTopic, h.defaultTopicQueueNums, topicSysFlag, ctx.connection.remoteAddress);
    if (tc === undefined && h.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
      tc = bc.topics.createInSendMessageBack(h.topic, 1, Perm.READ | Perm.WRITE, topicSysFlag);
    }
    if (tc === undefined) return reply(ctx, ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist, apply first please!${FAQ}`);
  }
  const idValid = Math.max(tc.writeQueueNums, tc.readQueueNums);
  if (h.queueId >= idValid) {
    return reply(ctx, ResponseCode.INVALID_PARAMETER, `request queueId[${h.queueId}] is illegal, TopicConfig [topicName=${tc.topicName}, readQueueNums=${tc.readQueueNums}, writeQueueNums=${tc.writeQueueNums}, perm=${tc.perm}] Producer: ${ctx.connection.remoteAddress}`);
  }
  if (!isWriteable(tc.perm)) return reply(ctx, ResponseCode.NO_PERMISSION, `the topic[${h.topic}] sending message is forbidden`);
  return tc;
}

/**
 * BORNHOST of every message a connection sends: the peer address never changes, so it is parsed once and kept in
 * the connection's attributes (the record encoder only reads it).
 */
const BORN_HOST_ATTRIBUTE = 'send.bornHost';
function cachedBornHost(ctx: RequestContext): ReturnType<typeof bornHostOf> {
  const attrs = ctx.connection.attributes;
  let h = attrs.get(BORN_HOST_ATTRIBUTE) as ReturnType<typeof bornHostOf> | undefined;
  if (h === undefined) {
    h = bornHostOf(ctx.connection);
    attrs.set(BORN_HOST_ATTRIBUTE, h);
  }
  return h;
}

function randomQueue(n: number): number {
  return n > 0 ? Math.floor(Math.random() * n) : 0;
}

/**
 * Java handleRetryAndDLQ for a plain send to %RETRY%<group> (the client's fallback path): over
 * maxReconsumeTimes, or while the group holds an orderly lock, the message goes to %DLQ%<group>.
 */
function retryAndDlq(bc: BrokerContext, ctx: RequestContext, h: SendMessageRequest, m: InnerMessage): RemotingCommand | undefined {
  if (!isRetryTopic(h.topic)) return undefined;
  const groupName = h.topic.slice(RETRY_GROUP_TOPIC_PREFIX.length);
  const group = bc.groups.find(groupName);
  if (group === undefined) {
    return reply(ctx, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group not exist, ${groupName} ${FAQ}`);
  }
  let maxReconsumeTimes = group.retryMaxTimes;
  if (ctx.request.version >= MQVersionGate.V3_4_9 && h.maxReconsumeTimes !== undefined) maxReconsumeTimes = h.maxReconsumeTimes;
  const reconsumeTimes = h.reconsumeTimes ?? 0;
  const orderlyLocked = !bc.locks.isLockAllExpired(groupName);
  if (reconsumeTimes > maxReconsumeTimes || orderlyLocked) {
    recordDlq(bc, h.producerGroup, h.topic);
    const dlq = dlqTopic(groupName);
    const tc = bc.topics.createInSendMessageBack(dlq, DLQ_NUMS_PER_GROUP, Perm.READ | Perm.WRITE, 0);
    if (tc === undefined) return reply(ctx, ResponseCode.SYSTEM_ERROR, `topic[${dlq}] not exist`);
    m.topic = dlq;
    m.queueId = randomQueue(DLQ_NUMS_PER_GROUP);
    m.put(MessageConst.PROPERTY_DELAY_TIME_LEVEL, '-1');
  }
  return undefined;
}

/**
 * Java's remark for a body over maxMessageSize or properties over 32 KB, word for word (5.5.0
 * SendMessageProcessor#handlePutMessageResult, MESSAGE_ILLEGAL / PROPERTIES_SIZE_EXCEEDED).
 */
export function messageIllegalRemark(maxMessageSizeBytes: number): string {
  return `the message is illegal, maybe msg body or properties length not matched. msg body length limit ${maxMessageSizeBytes}B, msg properties length limit 32KB.`;
}

/**
 * The stored record of a message, or Java's MESSAGE_ILLEGAL refusal when it cannot be one (properties over 32 KB:
 * Java's MessageExtEncoder answers PROPERTIES_SIZE_EXCEEDED, handlePutMessageResult the remark above).
 */
function encodeOrRefuse(bc: BrokerContext, ctx: RequestContext, m: InnerMessage): Buffer | RemotingCommand {
  return encodeRecordOrRefuse(bc, ctx, m.topic, () => m.encode());
}

function encodeRecordOrRefuse(bc: BrokerContext, ctx: RequestContext, topic: string, encode: () => Buffer): Buffer | RemotingCommand {
  try {
    return encode();
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    bc.logger.debug({ topic, reason: e.message }, 'message refused: cannot be stored');
    return reply(ctx, ResponseCode.MESSAGE_ILLEGAL, messageIllegalRemark(bc.storeConfig.maxMessageSize));
  }
}

function send(bc: BrokerContext, ctx: RequestContext): RemotingCommand | Promise<RemotingCommand> {
  const d = decode(ctx);
  if (!d.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, `SendMessageRequestHeader: ${d.error}`);
  const h = d.value;
  const existed = bc.topics.get(h.topic) !== undefined;
  const checked = msgCheck(bc, ctx, h);
  // A topic created here is registered with the NameServers before the answer (Java: msgCheck ->
  // createTopicInSendMessageMethod -> registerBrokerData, synchronous).
  if (!existed && bc.topics.get(h.topic) !== undefined) return awaitTopicRegistered(bc).then(() => sendChecked(bc, ctx, h, checked));
  return sendChecked(bc, ctx, h, checked);
}

function sendChecked(bc: BrokerContext, ctx: RequestContext, h: SendMessageRequest, checked: TopicConfig | RemotingCommand): RemotingCommand | Promise<RemotingCommand> {
  if (!('topicName' in checked)) return checked;
  const tc = checked;
  const isBatch = ctx.request.code === RequestCode.SEND_BATCH_MESSAGE || h.batch === true;
  let queueId = h.queueId;
  if (queueId < 0) queueId = randomQueue(tc.writeQueueNums);
  const body = ctx.request.body ?? Buffer.alloc(0);
  if (body.length > bc.storeConfig.maxMessageSize) {
    return reply(ctx, ResponseCode.MESSAGE_ILLEGAL, messageIllegalRemark(bc.storeConfig.maxMessageSize));
  }
  const bornHost = cachedBornHost(ctx);
  let sysFlag = h.sysFlag;
  if (tc.topicFilterType === 'MULTI_TAG') sysFlag |= MessageSysFlag.MULTI_TAGS_FLAG;
  return isBatch ? sendBatch(bc, ctx, h, queueId, body, sysFlag, bornHost) : sendOne(bc, ctx, h, queueId, body, sysFlag, bornHost);
}

function sendOne(
  bc: BrokerContext,
  ctx: RequestContext,
  h: SendMessageRequest,
  queueId: number,
  body: Buffer,
  sysFlag: number,
  bornHost: ReturnType<typeof bornHostOf>,
): RemotingCommand | Promise<RemotingCommand> {
  const m = new InnerMessage(h.topic, queueId, h.flag, sysFlag, h.bornTimestamp, bornHost, bc.storeHost, h.reconsumeTimes ?? 0, body, h.properties ?? '');
  const refused = retryAndDlq(bc, ctx, h, m);
  if (refused !== undefined) return refused;
  let uniqKey: string = m.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX) ?? '';
  if (uniqKey === '') {
    uniqKey = bc.uniqIds.next();
    m.put(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, uniqKey);
  }
  m.put(MessageConst.PROPERTY_CLUSTER, bc.config.brokerClusterName);
  putTraceProperties(bc, m);
  const tranPrepared = m.get(MessageConst.PROPERTY_TRANSACTION_PREPARED) === 'true';
  let recallHandle: string | undefined;
  if (tranPrepared && !(m.reconsumeTimes > 0 && Number(m.get(MessageConst.PROPERTY_DELAY_TIME_LEVEL) ?? 0) > 0)) {
    if (bc.config.rejectTransactionMessage) {
      return reply(ctx, ResponseCode.NO_PERMISSION, `the broker[${bc.config.brokerIP1}] sending transaction message is forbidden`);
    }
    toHalfMessage(m, TRANS_HALF_TOPIC);
  } else if (transactionValue(m.sysFlag) === MessageSysFlag.TRANSACTION_NOT_TYPE || transactionValue(m.sysFlag) === MessageSysFlag.TRANSACTION_COMMIT_TYPE) {
    // Java HookUtils#handleScheduleMessage: a timer message goes to rmq_sys_wheel_timer, then DELAY levels apply.
    const refused = handleTimerMessage(bc, m);
    if (refused !== undefined) return reply(ctx, refused.code, refused.remark);
    applyDelayLevel(m, bc.delayLevels);
    recallHandle = recallHandleFor(bc, m);
  }
  const wait = m.get(MessageConst.PROPERTY_WAIT_STORE_MSG_OK) !== 'false';
  const record = encodeOrRefuse(bc, ctx, m);
  if (!Buffer.isBuffer(record)) return record;
  return bc.store.putMessage(record, { waitStoreMsgOK: wait }).then((r) => {
    // Java SendMessageProcessor: a stored half message counts in TransactionMetrics under its real topic.
    if (tranPrepared && r.status === PutMessageStatus.PUT_OK) bc.halfCounts.add(m.get(MessageConst.PROPERTY_REAL_TOPIC) ?? h.topic, 1);
    return respond(bc, ctx, r, queueId, uniqKey, false, h, recallHandle);
  });
}

function sendBatch(
  bc: BrokerContext,
  ctx: RequestContext,
  h: SendMessageRequest,
  queueId: number,
  body: Buffer,
  sysFlag: number,
  bornHost: ReturnType<typeof bornHostOf>,
): RemotingCommand | Promise<RemotingCommand> {
  if (isRetryTopic(h.topic)) return reply(ctx, ResponseCode.MESSAGE_ILLEGAL, `batch request does not support retry group ${h.topic}`);
  const records: Buffer[] = [];
  const s = newBatchEntryScan();
  for (let pos = 0; pos < body.length; ) {
    try {
      pos += scanBatchEntry(body, pos, body.length, s, records.length);
    } catch (e) {
      return reply(ctx, ResponseCode.MESSAGE_ILLEGAL, `the batch body is malformed: ${(e as Error).message}`);
    }
    const record = encodeBatchEntry(bc, ctx, h, body, s, queueId, sysFlag, bornHost);
    if (!Buffer.isBuffer(record)) return record;
    records.push(record);
  }
  if (records.length === 0) return reply(ctx, ResponseCode.MESSAGE_ILLEGAL, 'the batch body holds no message');
  return bc.store.putMessages(records).then((r) => respond(bc, ctx, r, queueId, '', true, h));
}

const UNIQ_KEY_BYTES = Buffer.from(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);

/**
 * The stored record of the batch entry `s` scanned in `body`. An entry carrying its UNIQ_KEY (the official clients
 * set one on every message of a batch) is stored with the client's properties bytes as they are, as Java's batch
 * encoder copies them (MessageExtEncoder#encode(MessageExtBatch)); one without gets a UNIQ_KEY added.
 */
function encodeBatchEntry(
  bc: BrokerContext,
  ctx: RequestContext,
  h: SendMessageRequest,
  body: Buffer,
  s: BatchEntryScan,
  queueId: number,
  sysFlag: number,
  bornHost: ReturnType<typeof bornHostOf>,
): Buffer | RemotingCommand {
  const propsEnd = s.propertiesPos + s.propertiesLength;
  const entryBody = body.subarray(s.bodyPos, s.bodyPos + s.bodyLength);
  const reconsumeTimes = h.reconsumeTimes ?? 0;
  if (findPropertyValueAt(body, s.propertiesPos, propsEnd, UNIQ_KEY_BYTES) >= 0) {
    const properties = body.subarray(s.propertiesPos, propsEnd);
    return encodeRecordOrRefuse(bc, ctx, h.topic, () =>
      encodeStoredMessage({ queueId, flag: s.flag, sysFlag, bornTimestamp: h.bornTimestamp, bornHost, storeHost: bc.storeHost, reconsumeTimes, body: entryBody, topic: h.topic, properties }),
    );
  }
  const m = new InnerMessage(h.topic, queueId, s.flag, sysFlag, h.bornTimestamp, bornHost, bc.storeHost, reconsumeTimes, entryBody, body.toString('utf8', s.propertiesPos, propsEnd));
  m.put(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, bc.uniqIds.next());
  return encodeOrRefuse(bc, ctx, m);
}

/**
 * MSG_REGION (broker regionId) and TRACE_ON (broker traceOn) on every message stored through SEND_MESSAGE(_V2) and
 * SEND_REPLY_MESSAGE(_V2) (Java: AbstractSendMessageProcessor#buildMsgContext rewrites the header's properties for
 * every single send; a batch's header properties are not stored per message, so batches carry neither). The
 * client's ConsumeMessageTraceHookImpl reads the region from the message, and AsyncTraceDispatcher drops a
 * consumer trace whose region is null. Retried, delayed and committed messages copy them from the original.
 */
export function putTraceProperties(bc: BrokerContext, m: InnerMessage): void {
  m.put(MessageConst.PROPERTY_MSG_REGION, bc.config.regionId);
  m.put(MessageConst.PROPERTY_TRACE_SWITCH, String(bc.config.traceOn));
}

/**
 * Java handlePutMessageResult: stored (SUCCESS, FLUSH_*_TIMEOUT, SLAVE_NOT_AVAILABLE) or a refusal. A timer message
 * carries its recall handle (Java attachRecallHandle, ./recall.ts).
 */
function respond(bc: BrokerContext, ctx: RequestContext, r: PutMessageResult, queueId: number, transactionId: string, batch: boolean, h: SendMessageRequest, recallHandle?: string): RemotingCommand {
  let code: number;
  let remark: string | null = null;
  switch (r.status) {
    case PutMessageStatus.PUT_OK:
      code = ResponseCode.SUCCESS;
      break;
    case PutMessageStatus.FLUSH_DISK_TIMEOUT:
      code = ResponseCode.FLUSH_DISK_TIMEOUT;
      break;
    case PutMessageStatus.FLUSH_SLAVE_TIMEOUT:
      code = ResponseCode.FLUSH_SLAVE_TIMEOUT;
      break;
    case PutMessageStatus.SLAVE_NOT_AVAILABLE:
      code = ResponseCode.SLAVE_NOT_AVAILABLE;
      break;
    case PutMessageStatus.CREATE_MAPPED_FILE_FAILED:
      return reply(ctx, ResponseCode.SYSTEM_ERROR, 'create mapped file failed, server is busy or broken.');
    case PutMessageStatus.MESSAGE_ILLEGAL:
    case PutMessageStatus.PROPERTIES_SIZE_EXCEEDED:
      if (r.remark) bc.logger.debug({ reason: r.remark }, 'message refused by the store');
      return reply(ctx, ResponseCode.MESSAGE_ILLEGAL, messageIllegalRemark(bc.storeConfig.maxMessageSize));
    case PutMessageStatus.SERVICE_NOT_AVAILABLE:
      return reply(
        ctx,
        ResponseCode.SERVICE_NOT_AVAILABLE,
        `service not available now. It may be caused by one of the following reasons: the broker's disk is full, messages are put to the slave, message store has been shut down, etc.${r.remark ? ` (${r.remark})` : ''}`,
      );
    case PutMessageStatus.OS_PAGE_CACHE_BUSY:
      return reply(ctx, ResponseCode.SYSTEM_BUSY, '[PC_SYNCHRONIZED]broker busy, start flow control for a while');
    default:
      return reply(ctx, ResponseCode.SYSTEM_ERROR, r.remark ?? 'UNKNOWN_ERROR');
  }
  bc.stats.putMessageTimesTotal += r.msgNum;
  bc.stats.putMessageSizeTotal += r.wroteBytes;
  if (bc.metrics !== undefined) recordIn(bc, h.topic, h.properties ?? '', r.msgNum, r.wroteBytes);
  const host = bc.storeHost;
  const msgId = batch ? createOffsetMsgIds(host, r.physicalOffsets) : createOffsetMsgId(host, r.wroteOffset);
  const ext = encodeHeader(SendMessageResponseHeader, { msgId, queueId, queueOffset: r.queueOffset, ...(batch ? {} : { transactionId }), ...(recallHandle !== undefined ? { recallHandle } : {}) });
  ext.set('MSG_REGION', bc.config.regionId);
  ext.set('TRACE_ON', String(bc.config.traceOn));
  return reply(ctx, code, remark, ext);
}
