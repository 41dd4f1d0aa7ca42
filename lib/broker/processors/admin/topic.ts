import {
  TopicListBodySteps,
  DataVersion,
  GroupList,
  TopicConfigAndQueueMapping,
  TopicFilterTypes,
  TopicList,
  TopicStatsTable,
  type TopicConfig,
  type TopicFilterType,
  type TopicOffset,
} from '../../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../../protocol/codes';
import {
  CreateTopicRequestHeader,
  decodeHeader,
  DeleteTopicRequestHeader,
  encodeHeader,
  GetAllTopicConfigRequestHeader,
  GetAllTopicConfigResponseHeader,
  GetTopicConfigRequestHeader,
  GetTopicStatsInfoRequestHeader,
  QueryTopicConsumeByWhoRequestHeader,
  QueryTopicsByConsumerRequestHeader,
} from '../../../../protocol/headers';
import { SYSTEM_TOPICS, validateTopic } from '../../../../protocol/naming';
import { ok, reply, requestHeader, type Processor, type RequestContext } from '../../../remoting';
import type { BrokerContext } from '../../context';
import { timedCreation } from '../../metrics';
import { AllTopicsBodyEncoder } from '../../register-body';
import {
  alterAttributes,
  isBrokerSystemTopic,
  parseAttributes,
  queueCount,
  queueOf,
  sameDataVersion,
  TOPIC_ATTRIBUTES,
  ADMIN_QUEUES_PER_TOPIC_MAX,
  persistedOrRemark,
} from './common';
import { queryConsumeQueue } from './consume-queue';

/**
 * Topic administration. Java (rmq5 broker/src/main/java/org/apache/rocketmq/broker/processor/AdminBrokerProcessor.java): #updateAndCreateTopic, #updateAndCreateTopicList, #deleteTopic,
 * #getAllTopicConfig, #getTopicConfig, #getTopicStatsInfo, #getSystemTopicListFromBroker, #queryTopicConsumeByWho,
 * #queryTopicsByConsumer, #cleanUnusedTopic, #cleanExpiredConsumeQueue, #deleteExpiredCommitLog, #queryConsumeQueue;
 * broker/.../topic/TopicConfigManager.java (attributes, subTopicConfigTable).
 */
export function topicProcessors(bc: BrokerContext): [number, Processor][] {
  return [
    [RequestCode.UPDATE_AND_CREATE_TOPIC, timedCreation(bc, 'topic', (ctx) => createTopic(bc, ctx), (ctx) => bc.topics.isSystemTopic(ctx.request.extFields?.get('topic') ?? ''))],
    // Java labels a list with isSystemTopic of the list's printed names: never a system topic.
    [RequestCode.UPDATE_AND_CREATE_TOPIC_LIST, timedCreation(bc, 'topic', (ctx) => createTopicList(bc, ctx))],
    [RequestCode.DELETE_TOPIC_IN_BROKER, (ctx) => deleteTopic(bc, ctx)],
    [RequestCode.GET_ALL_TOPIC_CONFIG, (ctx) => allTopicConfig(bc, ctx)],
    [RequestCode.GET_TOPIC_CONFIG, (ctx) => topicConfig(bc, ctx)],
    [RequestCode.GET_TOPIC_STATS_INFO, (ctx) => topicStats(bc, ctx)],
    [RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER, (ctx) => ok(ctx, null, TopicList.encode({ topicList: systemTopics(bc) }))],
    [RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, (ctx) => consumeByWho(bc, ctx)],
    [RequestCode.QUERY_TOPICS_BY_CONSUMER, (ctx) => topicsByConsumer(bc, ctx)],
    [RequestCode.CLEAN_UNUSED_TOPIC, (ctx) => cleanUnusedTopic(bc, ctx)],
    [RequestCode.CLEAN_EXPIRED_CONSUMEQUEUE, (ctx) => cleanExpiredConsumeQueue(bc, ctx)],
    [RequestCode.DELETE_EXPIRED_COMMITLOG, (ctx) => deleteExpiredCommitLog(bc, ctx)],
    [RequestCode.QUERY_CONSUME_QUEUE, (ctx) => queryConsumeQueue(bc, ctx)],
  ];
}

/** How long a topic change waits for the NameServers to take the new registration before answering. */
export const REGISTER_WAIT_MS_MAX = 3000;

async function registerNow(bc: BrokerContext): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, REGISTER_WAIT_MS_MAX);
    timer.unref();
  });
  await Promise.race([bc.registerNow(), cap]);
  clearTimeout(timer);
}

type Check = { ok: true; value: TopicConfig; unchanged: boolean } | { ok: false; code: number; remark: string };

const UNSUPPORTED_MESSAGE_TYPES = {
  LITE: 'LITE message type is not supported: LITE topics (lite subscriptions and LMQ dispatch) are not supported by Apogee; create a NORMAL topic.',
  PRIORITY: 'PRIORITY message type is not supported: priority topics (priority order in POP consumption) are not supported by Apogee; create a NORMAL topic.',
} as const;

/** The checks Java makes before it stores a topic config, in Java's order and with its remarks. */
function checkTopic(bc: BrokerContext, tc: TopicConfig, attributes: Map<string, string>): Check {
  const topic = tc.topicName;
  const invalid = validateTopic(topic);
  if (invalid !== null) return { ok: false, code: ResponseCode.INVALID_PARAMETER, remark: invalid };
  if (bc.config.validateSystemTopicWhenUpdateTopic && isBrokerSystemTopic(bc, topic)) {
    return { ok: false, code: ResponseCode.INVALID_PARAMETER, remark: `The topic[${topic}] is conflict with system topic.` };
  }
  if (!bc.config.enableMixedMessageType && attributes.get('+message.type') === 'MIXED') {
    return { ok: false, code: ResponseCode.INVALID_PARAMETER, remark: 'MIXED message type is not supported.' };
  }
  // Java 5.5.0 accepts these; Apogee has neither feature, so it refuses them as Java refuses MIXED, naming it.
  const type = attributes.get('+message.type');
  if (type === 'LITE' || type === 'PRIORITY') return { ok: false, code: ResponseCode.INVALID_PARAMETER, remark: UNSUPPORTED_MESSAGE_TYPES[type] };
  for (const [what, n] of [['readQueueNums', tc.readQueueNums], ['writeQueueNums', tc.writeQueueNums]] as const) {
    if (!(n >= 0 && n <= ADMIN_QUEUES_PER_TOPIC_MAX)) {
      return { ok: false, code: ResponseCode.INVALID_PARAMETER, remark: `${what}=${n} of topic ${topic} is out of range [0, ${ADMIN_QUEUES_PER_TOPIC_MAX}]` };
    }
  }
  const existing = bc.topics.get(topic);
  // Java: an identical config is a no-op SUCCESS (no persist, no re-registration).
  if (sameTopicConfig(tc, existing, attributes)) return { ok: true, value: tc, unchanged: true };
  const altered = alterAttributes(existing === undefined, TOPIC_ATTRIBUTES, existing?.attributes ?? new Map(), attributes);
  // Java: a RuntimeException from AttributeUtil, answered SYSTEM_ERROR with its message.
  if (!altered.ok) return { ok: false, code: ResponseCode.SYSTEM_ERROR, remark: altered.error };
  return { ok: true, value: { ...tc, attributes: altered.value }, unchanged: false };
}

/** Java TopicConfig#equals, as the idempotency check of UPDATE_AND_CREATE_TOPIC uses it. */
function sameTopicConfig(a: TopicConfig, b: TopicConfig | undefined, requested: Map<string, string>): boolean {
  if (b === undefined) return false;
  const attrs = b.attributes ?? new Map<string, string>();
  const sameAttrs = requested.size === attrs.size && [...requested].every(([k, v]) => attrs.get(k) === v);
  return (
    a.topicName === b.topicName &&
    a.readQueueNums === b.readQueueNums &&
    a.writeQueueNums === b.writeQueueNums &&
    a.perm === b.perm &&
    a.topicFilterType === b.topicFilterType &&
    a.topicSysFlag === b.topicSysFlag &&
    a.order === b.order &&
    sameAttrs
  );
}

async function createTopic(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, CreateTopicRequestHeader);
  if (!h.ok) return h.response;
  const v = h.value;
  // Java's order: the name, the system-topic conflict, then building the config (filter type, attributes).
  const invalid = validateTopic(v.topic);
  if (invalid !== null) return reply(ctx, ResponseCode.INVALID_PARAMETER, invalid);
  if (bc.config.validateSystemTopicWhenUpdateTopic && isBrokerSystemTopic(bc, v.topic)) {
    return reply(ctx, ResponseCode.INVALID_PARAMETER, `The topic[${v.topic}] is conflict with system topic.`);
  }
  if (!(TopicFilterTypes as readonly string[]).includes(v.topicFilterType)) {
    return reply(ctx, ResponseCode.SYSTEM_ERROR, `No enum constant org.apache.rocketmq.common.TopicFilterType.${v.topicFilterType}: use SINGLE_TAG or MULTI_TAG`);
  }
  const attrs = parseAttributes(v.attributes);
  if (!attrs.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, attrs.error);
  const tc: TopicConfig = {
    topicName: v.topic,
    readQueueNums: v.readQueueNums,
    writeQueueNums: v.writeQueueNums,
    perm: v.perm,
    topicFilterType: v.topicFilterType as TopicFilterType,
    topicSysFlag: v.topicSysFlag ?? 0,
    order: v.order,
    attributes: attrs.value,
  };
  const c = checkTopic(bc, tc, attrs.value);
  if (!c.ok) return reply(ctx, c.code, c.remark);
  if (c.unchanged) return ok(ctx);
  const r = bc.topics.update([c.value]);
  if (!r.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, `topic ${v.topic} not created: ${r.reason}`);
  bc.logger.info({ topic: v.topic, remote: ctx.connection.remoteAddress }, 'topic created or updated');
  const notPersisted = await persistedOrRemark(() => bc.topics.flush(), `topic ${v.topic}`);
  await registerNow(bc);
  if (notPersisted !== null) return reply(ctx, ResponseCode.SYSTEM_ERROR, notPersisted);
  return ok(ctx);
}

/**
 * Topics of an UPDATE_AND_CREATE_TOPIC_LIST checked, then applied, per step; the processor yields to the event loop
 * between steps (issue 14: a 1,000-topic list over 10k topics held the loop ~128 ms in one go).
 */
export const TOPIC_LIST_STEP_TOPICS = 100;

/** Java's updateAndCreateTopicList is `synchronized`: one list at a time per broker, the next waits its turn. */
const listTurns = new WeakMap<BrokerContext, Promise<unknown>>();

function createTopicList(bc: BrokerContext, ctx: RequestContext) {
  const run = (listTurns.get(bc) ?? Promise.resolve()).then(() => createTopicListNow(bc, ctx));
  listTurns.set(bc, run.catch(() => undefined));
  return run;
}

async function createTopicListNow(bc: BrokerContext, ctx: RequestContext) {
  const body = ctx.request.body;
  if (body === null || body.length === 0) return reply(ctx, ResponseCode.SYSTEM_ERROR, 'UPDATE_AND_CREATE_TOPIC_LIST: no CreateTopicListRequestBody body');
  // Decoded TOPIC_LIST_STEP_TOPICS entries per step, a yield between steps (the body is what requestBody decodes).
  const steps = new TopicListBodySteps(body);
  let r0 = steps.step(TOPIC_LIST_STEP_TOPICS);
  while (!r0.done) {
    await new Promise<void>((r) => setImmediate(r));
    r0 = steps.step(TOPIC_LIST_STEP_TOPICS);
  }
  const b = r0.result;
  if (!b.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, `UPDATE_AND_CREATE_TOPIC_LIST: ${b.error}`);
  const list = b.value.topicConfigList;
  const checked: TopicConfig[] = [];
  for (let i = 0; i < list.length; i++) {
    if (i > 0 && i % TOPIC_LIST_STEP_TOPICS === 0) await new Promise<void>((r) => setImmediate(r));
    const tc = list[i]!;
    const c = checkTopic(bc, tc, tc.attributes ?? new Map<string, string>());
    if (!c.ok) return reply(ctx, c.code, c.remark);
    // Java: one unchanged config makes the whole list a no-op SUCCESS (AdminBrokerProcessor#updateAndCreateTopicList).
    if (c.unchanged) return ok(ctx);
    checked.push(c.value);
  }
  if (checked.length === 0) return ok(ctx);
  const r = await bc.topics.updateInSteps(checked, TOPIC_LIST_STEP_TOPICS);
  if (!r.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, `topics not created: ${r.reason}`);
  bc.logger.info({ topics: checked.length, remote: ctx.connection.remoteAddress }, 'topic list created or updated');
  // Java's order: persisted (here: the journal fsync'd), registered (registerIncrementBrokerData), then answered.
  const notPersisted = await persistedOrRemark(() => bc.topics.flush(), `the topic list (${checked.length} topics)`);
  await registerNow(bc);
  if (notPersisted !== null) return reply(ctx, ResponseCode.SYSTEM_ERROR, notPersisted);
  return ok(ctx);
}

async function deleteTopic(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, DeleteTopicRequestHeader);
  if (!h.ok) return h.response;
  const topic = h.value.topic;
  if (topic.trim() === '') return reply(ctx, ResponseCode.INVALID_PARAMETER, 'The specified topic is blank.');
  if (bc.config.validateSystemTopicWhenUpdateTopic && isBrokerSystemTopic(bc, topic)) {
    return reply(ctx, ResponseCode.INVALID_PARAMETER, `The topic[${topic}] is conflict with system topic.`);
  }
  const victims = [topic];
  if (bc.config.clearRetryTopicWhenDeleteTopic) {
    // Java KeyBuilder.buildPopRetryTopic (v2 "%RETRY%group+topic") and buildPopRetryTopicV1 ("%RETRY%group_topic").
    for (const group of bc.offsets.groupsOfTopic(topic)) {
      for (const t of [`%RETRY%${group}+${topic}`, `%RETRY%${group}_${topic}`]) if (bc.topics.get(t) !== undefined) victims.push(t);
    }
  }
  try {
    for (const t of victims) {
      bc.topics.delete(t);
      bc.offsets.removeTopic(t);
    }
    await bc.store.deleteTopics(victims);
  } catch (e) {
    // Java: any Throwable while deleting is SYSTEM_ERROR with its message.
    return reply(ctx, ResponseCode.SYSTEM_ERROR, `delete topic ${topic} failed: ${(e as Error).message}`);
  }
  bc.logger.info({ topics: victims, remote: ctx.connection.remoteAddress }, 'topic deleted');
  const notPersisted = await persistedOrRemark(() => bc.topics.flush(), `the deletion of topic ${topic}`);
  if (notPersisted !== null) return reply(ctx, ResponseCode.SYSTEM_ERROR, notPersisted);
  return ok(ctx);
}

/**
 * GET_ALL_TOPIC_CONFIG. Without paging fields (4.9.x slaves, Go admin) every topic is returned; with them (5.x
 * MQClientAPIImpl#getAllTopicConfig) a page [topicSeq, topicSeq + min(splitMetadataSize, maxTopicNum)) of the
 * topics sorted by name, restarting at 0 when the caller's dataVersion is not the current one. totalTopicNum tells
 * 5.x callers when to stop.
 */
const allTopicsBody = new AllTopicsBodyEncoder();

function allTopicConfig(bc: BrokerContext, ctx: RequestContext) {
  const ext = ctx.request.extFields;
  const paged = ext !== null && ['topicSeq', 'dataVersion', 'maxTopicNum'].some((k) => ext.has(k));
  let table = new Map<string, TopicConfig>();
  if (!paged || !bc.config.enableSplitMetadata) {
    for (const tc of bc.topics.all()) table.set(tc.topicName, tc);
  } else {
    const withSeq = new Map(ext);
    if (!withSeq.has('topicSeq')) withSeq.set('topicSeq', '0');
    const d = decodeHeader(GetAllTopicConfigRequestHeader, withSeq);
    if (!d.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, `GetAllTopicConfigRequestHeader: ${d.error}`);
    const parse = (t: string) => {
      const x = DataVersion.decode(t);
      return x.ok ? x.value : undefined;
    };
    const begin = sameDataVersion(d.value.dataVersion, bc.topics.dataVersion, parse) ? Math.max(0, d.value.topicSeq) : 0;
    const num = Math.max(0, Math.min(bc.config.splitMetadataSize, d.value.maxTopicNum ?? Number.MAX_SAFE_INTEGER));
    const names = bc.topics.names().sort();
    table = new Map(names.slice(begin, begin + num).map((n) => [n, bc.topics.get(n)!]));
  }
  // Rendered in slices from per-topic cached texts, yielding to the loop (a 10k-topic stringify held it ~200 ms).
  const totalTopicNum = bc.topics.size;
  return allTopicsBody.encode(table, bc.topics.dataVersion).then((body) => reply(ctx, ResponseCode.SUCCESS, null, encodeHeader(GetAllTopicConfigResponseHeader, { totalTopicNum }), body));
}

/** GET_TOPIC_CONFIG (351). Unknown -> TOPIC_NOT_EXIST: 5.x mqadmin tolerates 17 and aborts on any other error (P13). */
function topicConfig(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, GetTopicConfigRequestHeader);
  if (!h.ok) return h.response;
  const tc = bc.topics.get(h.value.topic);
  if (tc === undefined) return reply(ctx, ResponseCode.TOPIC_NOT_EXIST, `No topic in this broker. topic: ${h.value.topic}`);
  return ok(ctx, null, TopicConfigAndQueueMapping.encode(tc));
}

async function topicStats(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, GetTopicStatsInfoRequestHeader);
  if (!h.ok) return h.response;
  const topic = h.value.topic;
  const tc = bc.topics.get(topic);
  if (tc === undefined) return reply(ctx, ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist`);
  const n = queueCount(Math.max(tc.readQueueNums, tc.writeQueueNums));
  const offsetTable: [ReturnType<typeof queueOf>, TopicOffset][] = [];
  for (let i = 0; i < n; i++) {
    const min = Math.max(0, bc.store.getMinOffsetInQueue(topic, i));
    const max = Math.max(0, bc.store.getMaxOffsetInQueue(topic, i));
    // Java: the store time of the last message, 0 for an empty queue.
    const lastUpdateTimestamp = max > 0 ? await bc.store.getMessageStoreTimeStamp(topic, i, max - 1) : 0;
    offsetTable.push([queueOf(bc, topic, i), { minOffset: min, maxOffset: max, lastUpdateTimestamp }]);
  }
  // Apogee keeps no per-topic put statistics: topicPutTps is 0.0 (Java: BrokerStatsManager#tpsTopicPutNums).
  return ok(ctx, null, TopicStatsTable.encode({ offsetTable, topicPutTps: 0 }));
}

/** Java TopicValidator.getSystemTopicSet(): the fixed set plus what this broker added at start-up. */
function systemTopics(bc: BrokerContext): string[] {
  const set = new Set(SYSTEM_TOPICS);
  for (const t of bc.topics.names()) if (bc.topics.isSystemTopic(t)) set.add(t);
  return [...set];
}

function consumeByWho(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, QueryTopicConsumeByWhoRequestHeader);
  if (!h.ok) return h.response;
  const groups = new Set([...bc.consumers.groupsSubscribing(h.value.topic), ...bc.offsets.groupsOfTopic(h.value.topic)]);
  return ok(ctx, null, GroupList.encode({ groupList: [...groups] }));
}

function topicsByConsumer(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, QueryTopicsByConsumerRequestHeader);
  if (!h.ok) return h.response;
  return ok(ctx, null, TopicList.encode({ topicList: bc.offsets.topicsOfGroup(h.value.group), brokerAddr: bc.brokerAddr }));
}

async function cleanUnusedTopic(bc: BrokerContext, ctx: RequestContext) {
  const n = await bc.store.cleanUnusedTopic(new Set(bc.topics.names()));
  bc.logger.warn({ topics: n, remote: ctx.connection.remoteAddress }, 'cleanUnusedTopic done');
  return ok(ctx);
}

async function cleanExpiredConsumeQueue(bc: BrokerContext, ctx: RequestContext) {
  try {
    await bc.store.cleanExpiredConsumerQueue();
  } catch (e) {
    return reply(ctx, ResponseCode.SYSTEM_ERROR, (e as Error).message);
  }
  return ok(ctx);
}

/** DELETE_EXPIRED_COMMITLOG (329, mqadmin deleteExpiredCommitLog): the next retention runs delete expired files now. */
function deleteExpiredCommitLog(bc: BrokerContext, ctx: RequestContext) {
  bc.store.executeDeleteFilesManually();
  bc.logger.warn({ remote: ctx.connection.remoteAddress }, 'deleteExpiredCommitLog requested');
  return ok(ctx);
}
