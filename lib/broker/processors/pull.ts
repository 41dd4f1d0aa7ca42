import type { SubscriptionData, SubscriptionGroupConfig } from '../../../protocol/bodies';
import type { RemotingCommand } from '../../../protocol/command';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { PullMessageRequestHeader, PullMessageResponseHeader, encodeHeader, type ValueOf } from '../../../protocol/headers';
import { hasPullFlag, PullSysFlag } from '../../../protocol/message';
import { isReadable } from '../../../protocol/naming';
import { reply, requestHeader, SUSPENDED, type Processor, type ProcessorResult, type RequestContext } from '../../remoting';
import { GetMessageStatus, tagsCodeFilter, type GetMessageResult, type MessageFilter } from '../../store';
import { isTagType, type Sql92Filter } from '../../filter';
import { sql92MessageFilter } from '../consumer-filter';
import { pullSuggestion } from '../slave/pull-suggest';
import type { BrokerContext } from '../context';
import { buildSubscription } from '../subscription';
import { recordOut } from '../metrics';
import { slowRead } from '../faults/slow-reads';

/**
 * PULL_MESSAGE (11) and LITE_PULL_MESSAGE (361). Java: broker/.../processor/PullMessageProcessor.java and
 * DefaultPullMessageResultHandler.java: the checks in Java's order, GetMessageStatus -> response code exactly as
 * composeResponseHeader maps it, long polling on PULL_NOT_FOUND with FLAG_SUSPEND, offset commit on the first
 * evaluation only. The pull body is the stored records: written as they are (views, no copy) when they average at
 * least PULL_BODY_PARTS_RECORD_BYTES_MIN bytes, else copied into one buffer.
 */
type PullHeader = ValueOf<typeof PullMessageRequestHeader>;

/**
 * Smallest average record size, in bytes, at which a pull answer writes its records as the frame's parts instead of
 * copying them into one body (bench/results/2026-12-05-pull-body-parts-ab.md). Each part costs a stream write: for
 * 32 records per answer over loopback, parts and one copied body cost the same CPU at ~300 B records, parts cost
 * ~15% more at 150 B and ~20% less at 600 and 1,100 B. In the bench rows, the official Consumer draining 1 KiB
 * records went from 59-75k to 75-96k msg/s, with server CPU from 8-10 to 5 s per million messages.
 */
const PULL_BODY_PARTS_RECORD_BYTES_MIN = 512;

/** Java FAQUrl for the subscription-group and topic remarks. */
const FAQ = '\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.';

export function pullProcessors(bc: BrokerContext): [number, Processor][] {
  const p: Processor = (ctx) => processPull(bc, ctx, true);
  return [
    [RequestCode.PULL_MESSAGE, p],
    [RequestCode.LITE_PULL_MESSAGE, p],
  ];
}

interface PullState {
  header: PullHeader;
  group: SubscriptionGroupConfig;
  topicSysFlag: number;
  subscription: SubscriptionData;
  filter: MessageFilter;
}

function fail(ctx: RequestContext, code: number, remark: string) {
  return reply(ctx, code, remark);
}

/** Validation in Java's order; a response when the pull cannot proceed. */
function prepare(bc: BrokerContext, ctx: RequestContext): PullState | RemotingCommand {
  const h = requestHeader(ctx, PullMessageRequestHeader);
  if (!h.ok) return h.response;
  const header = h.value;
  if (!isReadable(bc.config.brokerPermission)) {
    return fail(ctx, ResponseCode.NO_PERMISSION, `the broker[${bc.config.brokerIP1}] pulling message is forbidden`);
  }
  const group = bc.groups.find(header.consumerGroup);
  if (group === undefined) {
    return fail(ctx, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group [${header.consumerGroup}] does not exist, ${FAQ}`);
  }
  if (!group.consumeEnable) return fail(ctx, ResponseCode.NO_PERMISSION, `subscription group no permission, ${header.consumerGroup}`);
  const tc = bc.topics.get(header.topic);
  if (tc === undefined) return fail(ctx, ResponseCode.TOPIC_NOT_EXIST, `topic[${header.topic}] not exist, apply first please! ${FAQ}`);
  if (!isReadable(tc.perm)) return fail(ctx, ResponseCode.NO_PERMISSION, `the topic[${header.topic}] pulling message is forbidden`);
  if (header.queueId < 0 || header.queueId >= tc.readQueueNums) {
    return fail(
      ctx,
      ResponseCode.INVALID_PARAMETER,
      `queueId[${header.queueId}] is illegal, topic:[${header.topic}] topicConfig.readQueueNums:[${tc.readQueueNums}] consumer:[${ctx.connection.remoteAddress}]`,
    );
  }
  let subscription: SubscriptionData;
  let sql: Sql92Filter | undefined;
  if (hasPullFlag(header.sysFlag, PullSysFlag.FLAG_SUBSCRIPTION)) {
    const built = buildSubscription(header.topic, header.subscription ?? '*', header.expressionType ?? 'TAG');
    if (!built.ok) return fail(ctx, ResponseCode.SUBSCRIPTION_PARSE_FAILED, 'parse the consumer\'s subscription failed');
    subscription = built.value;
    if (!isTagType(subscription.expressionType)) {
      // Java: ConsumerFilterManager#build; a compile failure is the same SUBSCRIPTION_PARSE_FAILED.
      const compiled = subscription.expressionType === 'SQL92' ? bc.filters.compile(subscription.subString ?? '') : undefined;
      if (compiled === undefined || !compiled.ok) return fail(ctx, ResponseCode.SUBSCRIPTION_PARSE_FAILED, 'parse the consumer\'s subscription failed');
      sql = compiled.filter;
    }
  } else {
    const info = bc.consumers.get(header.consumerGroup);
    if (info === undefined) return fail(ctx, ResponseCode.SUBSCRIPTION_NOT_EXIST, `the consumer's group info not exist${FAQ}`);
    if (!group.consumeBroadcastEnable && info.messageModel === 'BROADCASTING') {
      return fail(ctx, ResponseCode.NO_PERMISSION, `the consumer group[${header.consumerGroup}] can not consume by broadcast way`);
    }
    const found = info.subscriptions.get(header.topic);
    if (found === undefined) return fail(ctx, ResponseCode.SUBSCRIPTION_NOT_EXIST, `the consumer's subscription not exist${FAQ}`);
    if (found.subVersion < BigInt(Math.trunc(header.subVersion))) {
      return fail(ctx, ResponseCode.SUBSCRIPTION_NOT_LATEST, "the consumer's subscription not latest");
    }
    subscription = found;
    if (!isTagType(subscription.expressionType)) {
      const data = bc.filters.get(header.consumerGroup, header.topic);
      if (data === undefined) {
        return fail(ctx, ResponseCode.FILTER_DATA_NOT_EXIST, "The broker's consumer filter data is not exist!Your expression may be wrong!");
      }
      if (data.clientVersion < BigInt(Math.trunc(header.subVersion))) {
        return fail(ctx, ResponseCode.FILTER_DATA_NOT_LATEST, "the consumer's consumer filter data not latest");
      }
      sql = data.filter;
    }
  }
  if (!isTagType(subscription.expressionType) && !bc.config.enablePropertyFilter) {
    return fail(ctx, ResponseCode.SYSTEM_ERROR, `The broker does not support consumer to filter message by ${subscription.expressionType}`);
  }
  const sub = subscription.subString ?? '*';
  const filter =
    sql !== undefined
      ? sql92MessageFilter(sql)
      : sub === '*' || sub === '' || subscription.classFilterMode
        ? tagsCodeFilter('*')
        : tagsCodeFilter(subscription.codeSet);
  return { header, group, topicSysFlag: tc.topicSysFlag, subscription, filter };
}

/** Java PullMessageProcessor#composeResponseHeader: GetMessageStatus -> response code. */
function codeOf(status: string, requestOffset: number): number {
  switch (status) {
    case GetMessageStatus.FOUND:
      return ResponseCode.SUCCESS;
    case GetMessageStatus.MESSAGE_WAS_REMOVING:
    case GetMessageStatus.NO_MATCHED_MESSAGE:
      return ResponseCode.PULL_RETRY_IMMEDIATELY;
    case GetMessageStatus.NO_MATCHED_LOGIC_QUEUE:
    case GetMessageStatus.NO_MESSAGE_IN_QUEUE:
      return requestOffset !== 0 ? ResponseCode.PULL_OFFSET_MOVED : ResponseCode.PULL_NOT_FOUND;
    case GetMessageStatus.OFFSET_FOUND_NULL:
    case GetMessageStatus.OFFSET_OVERFLOW_ONE:
      return ResponseCode.PULL_NOT_FOUND;
    case GetMessageStatus.OFFSET_OVERFLOW_BADLY:
    case GetMessageStatus.OFFSET_RESET:
    case GetMessageStatus.OFFSET_TOO_SMALL:
      return ResponseCode.PULL_OFFSET_MOVED;
    default:
      return ResponseCode.SYSTEM_ERROR;
  }
}

export function processPull(bc: BrokerContext, ctx: RequestContext, allowSuspend: boolean): ProcessorResult | Promise<ProcessorResult> {
  const st = prepare(bc, ctx);
  if (!('filter' in st)) return st;
  const { header } = st;
  const reset = bc.config.useServerSideResetOffset ? bc.offsets.takeResetOffset(header.topic, header.consumerGroup, header.queueId) : undefined;
  if (reset !== undefined) {
    const r: GetMessageResult = {
      status: GetMessageStatus.OFFSET_RESET,
      nextBeginOffset: reset,
      minOffset: bc.store.getMinOffsetInQueue(header.topic, header.queueId),
      maxOffset: bc.store.getMaxOffsetInQueue(header.topic, header.queueId),
      messages: [],
      messageQueueOffsets: [],
      bufferTotalSize: 0,
      messageCount: 0,
      filterMessageCount: 0,
      suggestPullingFromSlave: false,
    };
    return handle(bc, ctx, st, r, allowSuspend);
  }
  const maxBytes = header.maxMsgBytes !== undefined && header.maxMsgBytes > 0 ? header.maxMsgBytes : undefined;
  // A SQL92 pull reads on past the records it refuses (hundreds per pull): it starts in its own event-loop turn, so
  // that the pulls read from one socket at once run one after the other and each answer is written as soon as it
  // is ready. Started together, their awaits interleave and every answer leaves at the end of the batch, the
  // consumer idle meanwhile (sqlpull bench: the broker ~80% busy with 8 pulls in flight). Java: each pull runs on
  // a pullMessageExecutor thread and writes its own answer.
  const read =
    st.filter.isMatchedByCommitLogAt !== undefined
      ? new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
          bc.store.getMessage(header.topic, header.queueId, header.queueOffset, header.maxMsgNums, maxBytes, st.filter),
        )
      : bc.store.getMessage(header.topic, header.queueId, header.queueOffset, header.maxMsgNums, maxBytes, st.filter);
  return slowRead(bc.faults, ctx.request, read).then((r) => {
    if (r === undefined) return reply(ctx, ResponseCode.SYSTEM_ERROR, 'store getMessage return null');
    return handle(bc, ctx, st, r, allowSuspend);
  });
}

function handle(bc: BrokerContext, ctx: RequestContext, st: PullState, r: GetMessageResult, allowSuspend: boolean): ProcessorResult {
  const { header } = st;
  const { code, suggestWhichBrokerId } = pullSuggestion({
    code: codeOf(r.status, header.queueOffset),
    found: r.status === GetMessageStatus.FOUND,
    suggestPullingFromSlave: r.suggestPullingFromSlave,
    slaveReadEnable: bc.config.slaveReadEnable,
    brokerId: bc.config.brokerId,
    isSlaveRole: bc.storeConfig.brokerRole === 'SLAVE',
    offsetCheckInSlave: bc.storeConfig.offsetCheckInSlave,
    groupBrokerId: st.group.brokerId,
    groupWhichBrokerWhenConsumeSlowly: st.group.whichBrokerWhenConsumeSlowly,
  });
  // Pull offset (consumerProgress) and, on the first evaluation only, the client's commit offset.
  bc.offsets.commitPullOffset(header.consumerGroup, header.topic, header.queueId, r.nextBeginOffset);
  if (allowSuspend && hasPullFlag(header.sysFlag, PullSysFlag.FLAG_COMMIT_OFFSET)) {
    bc.offsets.commitOffset(header.consumerGroup, header.topic, header.queueId, header.commitOffset);
  }
  if (code === ResponseCode.PULL_NOT_FOUND && allowSuspend && hasPullFlag(header.sysFlag, PullSysFlag.FLAG_SUSPEND)) {
    const timeoutMs = bc.config.longPollingEnable ? header.suspendTimeoutMillis : bc.config.shortPollingTimeMills;
    bc.holds.suspend({
      connection: ctx.connection,
      request: ctx.request,
      topic: header.topic,
      queueId: header.queueId,
      pullFromThisOffset: header.queueOffset,
      filter: st.filter,
      suspendTimestamp: bc.now(),
      timeoutMs,
    });
    return SUSPENDED;
  }
  if (code === ResponseCode.PULL_OFFSET_MOVED) {
    bc.logger.info(
      { group: header.consumerGroup, topic: header.topic, queueId: header.queueId, requestOffset: header.queueOffset, newOffset: r.nextBeginOffset, status: r.status },
      'PULL_OFFSET_MOVED: correction offset',
    );
  }
  const ext = encodeHeader(PullMessageResponseHeader, {
    suggestWhichBrokerId,
    nextBeginOffset: r.nextBeginOffset,
    minOffset: r.minOffset,
    maxOffset: r.maxOffset,
    topicSysFlag: st.topicSysFlag,
    groupSysFlag: st.group.groupSysFlag ?? 0,
  });
  let body: Buffer | null = null;
  let parts: readonly Buffer[] | undefined;
  if (code === ResponseCode.SUCCESS) {
    if (r.messages.length === 1) body = r.messages[0]!;
    else if (r.bufferTotalSize >= PULL_BODY_PARTS_RECORD_BYTES_MIN * r.messages.length) parts = r.messages;
    else body = Buffer.concat(r.messages, r.bufferTotalSize);
    bc.stats.getMessageTransferredTotal += r.messageCount;
    bc.stats.getFoundTotal++;
    if (bc.metrics !== undefined) recordOut(bc, st.header.topic, st.header.consumerGroup, r.messageCount, r.bufferTotalSize);
  } else {
    bc.stats.getMissTotal++;
  }
  const res = reply(ctx, code, r.status, ext, body);
  if (parts !== undefined) res.bodyParts = parts;
  return res;
}
