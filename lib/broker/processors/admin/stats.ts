import * as fs from 'node:fs';
import {
  BrokerStatsData,
  ConsumeStats,
  formatQueueTimeSpanDate,
  javaDouble,
  javaUtf8,
  KVTable,
  outBean,
  outList,
  outMap,
  QueryConsumeTimeSpanBody,
  writeJson,
  type MessageQueue,
  type OffsetWrapper,
  type Out,
  type QueueTimeSpan,
} from '../../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../../protocol/codes';
import {
  GetConsumeStatsInBrokerHeader,
  GetConsumeStatsRequestHeader,
  QueryConsumeTimeSpanRequestHeader,
  ViewBrokerStatsDataRequestHeader,
} from '../../../../protocol/headers';
import { SERVER_VERSION_NAME, sharedLoopDelay } from '../../../common';
import { ok, reply, requestHeader, type Processor, type RequestContext } from '../../../remoting';
import type { BrokerContext } from '../../context';
import { humanReadableBytes, queueCount, queueOf } from './common';

/**
 * Statistics. Java (rmq5 broker/src/main/java/org/apache/rocketmq/broker/processor/AdminBrokerProcessor.java): #getBrokerRuntimeInfo (prepareRuntimeInfo + DefaultMessageStore /
 * StoreStatsService#getRuntimeInfo), #getConsumeStats, #fetchAllConsumeStatsInBroker, #queryConsumeTimeSpan,
 * #ViewBrokerStatsData.
 */
export function statsProcessors(bc: BrokerContext): [number, Processor][] {
  return [
    [RequestCode.GET_BROKER_RUNTIME_INFO, (ctx) => runtimeInfo(bc, ctx)],
    [RequestCode.GET_CONSUME_STATS, (ctx) => consumeStats(bc, ctx)],
    [RequestCode.GET_BROKER_CONSUME_STATS, (ctx) => brokerConsumeStats(bc, ctx)],
    [RequestCode.QUERY_CONSUME_TIME_SPAN, (ctx) => consumeTimeSpan(bc, ctx)],
    [RequestCode.VIEW_BROKER_STATS_DATA, (ctx) => viewStats(bc, ctx)],
  ];
}

/** Java UtilAll#getDiskPartitionSpaceUsedPercent: used / (used + available), rounded up to 0.01; -1 when unknown. */
function diskRatio(dir: string): number {
  try {
    const s = fs.statfsSync(dir);
    const total = s.blocks * s.bsize;
    const free = s.bfree * s.bsize;
    const avail = s.bavail * s.bsize;
    const used = total - free;
    const entire = used + avail;
    if (total <= 0 || entire <= 0) return -1;
    return Math.ceil((used * 100) / entire) / 100;
  } catch {
    return -1;
  }
}

function diskCapacity(dir: string): string | undefined {
  try {
    const s = fs.statfsSync(dir);
    return `Total : ${humanReadableBytes(s.blocks * s.bsize)}, Free : ${humanReadableBytes(s.bfree * s.bsize)}.`;
  } catch {
    return undefined;
  }
}

/** Java StoreStatsService#getFormatRuntime. */
function formatRuntime(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `[ ${Math.floor(s / 86400)} days, ${Math.floor((s % 86400) / 3600)} hours, ${Math.floor((s % 3600) / 60)} minutes, ${s % 60} seconds ]`;
}

/**
 * GET_BROKER_RUNTIME_INFO (28): the KVTable mqadmin clusterList and brokerStatus read. Every value clusterList
 * parses is present and parsable (P: protocol.md 2.8.2): putTps/getTransferredTps "a b c" doubles, longs for the
 * timestamps and totals, a double for commitLogDiskRatio. Put/get latencies are measured by the store as Java's
 * StoreStatsService measures them (lib/store/latency-stats.ts). Apogee has no thread pools, page-cache lock or
 * timer wheel: those keys report 0 and the configured capacities, as an idle Java broker does. Apogee adds the
 * event-loop delay (eventLoopDelay* keys, ms: p99/max/mean over the last 60 s, p99/max since start).
 */
async function runtimeInfo(bc: BrokerContext, ctx: RequestContext) {
  const st = bc.store.stats();
  const paths = bc.store.paths;
  const t = new Map<string, string>();
  const putTotal = st.putMessageTimesTotal === 0 ? 1 : st.putMessageTimesTotal;
  const now = bc.now();
  // StoreStatsService#getRuntimeInfo
  t.set('bootTimestamp', String(bc.bootTimestamp));
  t.set('runtime', formatRuntime(now - bc.bootTimestamp));
  const lat = bc.store.latency;
  t.set('putMessageEntireTimeMax', String(lat.putMessageEntireTimeMax));
  t.set('putMessageTimesTotal', String(putTotal));
  t.set('putMessageFailedTimes', String(st.putMessageFailedTimes));
  t.set('putMessageSizeTotal', String(st.putMessageSizeTotal));
  // Java: String.valueOf of the last 60 s window's text, "null" before the first window ends.
  t.set('putMessageDistributeTime', String(lat.distributeTimeText()));
  t.set('putMessageAverageSize', javaDouble(st.putMessageSizeTotal / putTotal));
  t.set('dispatchMaxBuffer', '0');
  t.set('getMessageEntireTimeMax', String(lat.getMessageEntireTimeMax));
  t.set('putTps', bc.stats.putTps());
  t.set('getFoundTps', bc.stats.getFoundTps());
  t.set('getMissTps', bc.stats.getMissTps());
  t.set('getTotalTps', bc.stats.getTotalTps());
  t.set('getTransferredTps', bc.stats.getTransferredTps());
  // 4.9.x StoreStatsService spelled it "getTransferedTps", and 4.9.x clusterList reads only that key (a 5.x Java
  // broker makes it print an NPE and 0.00 OutTPS); Apogee answers both spellings.
  t.set('getTransferedTps', bc.stats.getTransferredTps());
  t.set('putLatency99', lat.putLatencyPx(0.99).toFixed(2));
  t.set('putLatency999', lat.putLatencyPx(0.999).toFixed(2));
  // DefaultMessageStore#getRuntimeInfo
  const clRatio = st.commitLogDiskRatio >= 0 ? st.commitLogDiskRatio : diskRatio(paths.commitLog);
  t.set(`commitLogDiskRatio_${paths.commitLog}`, javaDouble(clRatio));
  t.set('commitLogDiskRatio', javaDouble(clRatio));
  t.set('consumeQueueDiskRatio', javaDouble(st.consumeQueueDiskRatio >= 0 ? st.consumeQueueDiskRatio : diskRatio(paths.consumeQueue)));
  t.set('commitLogMinOffset', String(st.commitLogMinOffset));
  t.set('commitLogMaxOffset', String(st.commitLogMaxOffset));
  // ScheduleMessageService#buildRunningStats: the levels that have a delivery offset.
  const delivered = bc.schedule.offsetTable();
  for (const [level, v] of bc.schedule.progress()) if (delivered.has(level)) t.set(`scheduleMessageOffset_${level}`, v);
  // AdminBrokerProcessor#prepareRuntimeInfo
  t.set('brokerActive', 'true');
  t.set('brokerVersionDesc', SERVER_VERSION_NAME);
  const d = bc.stats.daily();
  t.set('msgPutTotalYesterdayMorning', String(d.putYesterday));
  t.set('msgPutTotalTodayMorning', String(d.putToday));
  t.set('msgPutTotalTodayNow', String(bc.stats.putMessageTimesTotal));
  t.set('msgGetTotalYesterdayMorning', String(d.getYesterday));
  t.set('msgGetTotalTodayMorning', String(d.getToday));
  t.set('msgGetTotalTodayNow', String(bc.stats.getMessageTransferredTotal));
  t.set('dispatchBehindBytes', String(st.dispatchBehindBytes));
  t.set('pageCacheLockTimeMills', '0');
  t.set('earliestMessageTimeStamp', String(await bc.store.getEarliestMessageTimeOfStore()));
  t.set('startAcceptSendRequestTimeStamp', String(bc.config.startAcceptSendRequestTimeStamp));
  // Apogee fault injection (faults/injector.ts): whether on, and injections per action.
  for (const [k, v] of bc.faults.runtimeInfo()) t.set(k, v);
  // Java AdminBrokerProcessor#prepareRuntimeInfo: the timer's progress when timerWheelEnable, else zeros.
  const ts = bc.timer?.stats();
  t.set('timerReadBehind', String(ts?.readBehindSec ?? 0));
  t.set('timerOffsetBehind', String(ts?.offsetBehind ?? 0));
  t.set('timerCongestNum', String(ts?.congestNum ?? 0));
  t.set('timerEnqueueTps', javaFloat(ts?.enqueueTps ?? 0));
  t.set('timerDequeueTps', javaFloat(ts?.dequeueTps ?? 0));
  t.set('remainTransientStoreBufferNumbs', '2147483647');
  t.set('remainHowManyDataToFlush', humanReadableBytes(Math.max(0, st.flushBehindBytes)));
  const cap = diskCapacity(paths.root);
  if (cap !== undefined) t.set('commitLogDirCapacity', cap);
  const c = bc.config;
  for (const [pool, capacity] of [
    ['send', c.sendThreadPoolQueueCapacity],
    ['pull', c.pullThreadPoolQueueCapacity],
    ['litePull', c.litePullThreadPoolQueueCapacity],
    ['query', c.queryThreadPoolQueueCapacity],
    ['ack', c.ackThreadPoolQueueCapacity],
  ] as const) {
    t.set(`${pool}ThreadPoolQueueSize`, '0');
    t.set(`${pool}ThreadPoolQueueCapacity`, String(capacity));
    t.set(`${pool}ThreadPoolQueueHeadWaitTimeMills`, '0');
  }
  t.set('EndTransactionQueueSize', '0');
  t.set('EndTransactionThreadPoolQueueCapacity', String(c.endTransactionPoolQueueCapacity));
  // Apogee only (issue 14): the event loop's delay, lib/common/loop-delay.ts; ms, over the last 60 s and since start.
  const recent = sharedLoopDelay().stats();
  const total = sharedLoopDelay().sinceStart();
  t.set('eventLoopDelayP99Ms', recent.p99Ms.toFixed(2));
  t.set('eventLoopDelayMaxMs', recent.maxMs.toFixed(2));
  t.set('eventLoopDelayMeanMs', recent.meanMs.toFixed(2));
  t.set('eventLoopDelayP99MsSinceStart', total.p99Ms.toFixed(2));
  t.set('eventLoopDelayMaxMsSinceStart', total.maxMs.toFixed(2));
  return ok(ctx, null, KVTable.encode({ table: t }));
}

/** One queue's OffsetWrapper as Java's getConsumeStats computes it. */
async function offsetWrapper(bc: BrokerContext, group: string, topic: string, queueId: number): Promise<OffsetWrapper> {
  const brokerOffset = Math.max(0, bc.store.getMaxOffsetInQueue(topic, queueId));
  const consumerOffset = Math.max(0, bc.offsets.queryOffset(group, topic, queueId));
  const pullOffset = bc.offsets.queryPullOffset(group, topic, queueId);
  let lastTimestamp = 0;
  if (consumerOffset - 1 >= 0) {
    const ts = await bc.store.getMessageStoreTimeStamp(topic, queueId, consumerOffset - 1);
    if (ts > 0) lastTimestamp = ts;
  }
  return { brokerOffset, consumerOffset, lastTimestamp, pullOffset: Math.max(consumerOffset, pullOffset) };
}

/**
 * Java getTopicsForCollectingConsumeStats: the topicList if given (no subscription check); else the topic, or every
 * topic the group has offsets for, minus topics the online group does not subscribe to.
 */
function topicsForStats(bc: BrokerContext, group: string, topic: string | undefined, topicList: string | undefined): string[] {
  const list = (topicList ?? '').split(';').filter((t) => t !== '');
  if (topicList !== undefined && topicList.trim() !== '' && list.length > 0) return [...new Set(list)];
  const topics = topic === undefined || topic.trim() === '' ? bc.offsets.topicsOfGroup(group) : [topic];
  const subs = bc.consumers.get(group)?.subscriptions;
  if (subs === undefined || subs.size === 0) return topics;
  return topics.filter((t) => subs.has(t));
}

/**
 * GET_CONSUME_STATS (208). An empty table is a SUCCESS: mqadmin itself turns it into "maybe the consumer not
 * online" (CONSUMER_NOT_ONLINE) on the client side.
 */
async function consumeStats(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, GetConsumeStatsRequestHeader);
  if (!h.ok) return h.response;
  const group = h.value.consumerGroup;
  const offsetTable: [MessageQueue, OffsetWrapper][] = [];
  for (const topic of topicsForStats(bc, group, h.value.topic, h.value.topicList)) {
    const tc = bc.topics.get(topic);
    if (tc === undefined) continue;
    const n = queueCount(tc.readQueueNums);
    for (let i = 0; i < n; i++) offsetTable.push([queueOf(bc, topic, i), await offsetWrapper(bc, group, topic, i)]);
  }
  // Apogee keeps no per-group get statistics: consumeTps is 0.0 (Java: BrokerStatsManager#tpsGroupGetNums).
  return ok(ctx, null, ConsumeStats.encode({ consumeTps: 0, offsetTable }));
}

/**
 * GET_BROKER_CONSUME_STATS (317, mqadmin brokerConsumeStats): ConsumeStatsList {brokerAddr, consumeStatsList:
 * [{group: [ConsumeStats per topic]}], totalDiff, totalInflightDiff}. Java walks writeQueueNums here.
 */
async function brokerConsumeStats(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, GetConsumeStatsInBrokerHeader);
  if (!h.ok) return h.response;
  let totalDiff = 0;
  let totalInflightDiff = 0;
  const list: Out[] = [];
  for (const g of bc.groups.all()) {
    const group = g.groupName;
    const perTopic: Out[] = [];
    const subs = bc.consumers.get(group)?.subscriptions;
    for (const topic of bc.offsets.topicsOfGroup(group)) {
      const tc = bc.topics.get(topic);
      if (tc === undefined) continue;
      if (h.value.isOrder && !tc.order) continue;
      if (subs !== undefined && subs.size > 0 && !subs.has(topic)) continue;
      const offsetTable: [MessageQueue, OffsetWrapper][] = [];
      const n = queueCount(tc.writeQueueNums);
      for (let i = 0; i < n; i++) {
        const w = await offsetWrapper(bc, group, topic, i);
        totalDiff += w.brokerOffset - w.consumerOffset;
        totalInflightDiff += (w.pullOffset ?? 0) - w.consumerOffset;
        offsetTable.push([queueOf(bc, topic, i), w]);
      }
      perTopic.push(ConsumeStats.codec.write({ consumeTps: 0, offsetTable }));
    }
    list.push(outMap([[group, outList(perTopic)]]));
  }
  const body = outBean({ brokerAddr: bc.brokerAddr, consumeStatsList: outList(list), totalDiff, totalInflightDiff });
  return ok(ctx, null, javaUtf8(writeJson(body)));
}

/** QUERY_CONSUME_TIME_SPAN (303, mqadmin queryConsumeTimeSpan / consumer progress by time). */
async function consumeTimeSpan(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, QueryConsumeTimeSpanRequestHeader);
  if (!h.ok) return h.response;
  const { topic, group } = h.value;
  const tc = bc.topics.get(topic);
  if (tc === undefined) return reply(ctx, ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist`);
  const spans: QueueTimeSpan[] = [];
  const n = queueCount(tc.writeQueueNums);
  // The *Str getters format in the JVM's zone; Apogee uses the process's local zone.
  const fmt = (ms: number): string => formatQueueTimeSpanDate(ms, -new Date(ms).getTimezoneOffset());
  for (let i = 0; i < n; i++) {
    const minTime = await bc.store.getEarliestMessageTime(topic, i);
    const max = bc.store.getMaxOffsetInQueue(topic, i);
    const maxTime = await bc.store.getMessageStoreTimeStamp(topic, i, max - 1);
    const consumerOffset = bc.offsets.queryOffset(group, topic, i);
    const consumeTime = consumerOffset > 0 ? await bc.store.getMessageStoreTimeStamp(topic, i, consumerOffset - 1) : minTime;
    let delayTime = 0;
    if (consumerOffset < max) delayTime = bc.now() - (await bc.store.getMessageStoreTimeStamp(topic, i, consumerOffset));
    spans.push({
      messageQueue: queueOf(bc, topic, i),
      minTimeStamp: minTime,
      minTimeStampStr: fmt(minTime),
      maxTimeStamp: maxTime,
      maxTimeStampStr: fmt(maxTime),
      consumeTimeStamp: consumeTime,
      consumeTimeStampStr: fmt(consumeTime),
      delayTime,
    });
  }
  return ok(ctx, null, QueryConsumeTimeSpanBody.encode({ consumeTimeSpanSet: spans }));
}

/**
 * VIEW_BROKER_STATS_DATA (315): minute, hour and day views of one stats item (Java AdminBrokerProcessor
 * #ViewBrokerStatsData). Apogee keeps TOPIC_PUT_NUMS per topic (lib/broker/stats-items.ts); any other item is
 * answered as Java answers an item it does not have.
 */
function viewStats(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, ViewBrokerStatsDataRequestHeader);
  if (!h.ok) return h.response;
  const item = bc.stats.items.get(h.value.statsName, h.value.statsKey);
  if (item === undefined) return reply(ctx, ResponseCode.SYSTEM_ERROR, `The stats <${h.value.statsName}> <${h.value.statsKey}> not exist`);
  return ok(ctx, null, BrokerStatsData.encode({ statsMinute: item.minute, statsHour: item.hour, statsDay: item.day }));
}

/** Java String.valueOf(float) for the small rates shown: one decimal at least ("0.0", "12.5"). */
function javaFloat(v: number): string {
  const r = Math.round(v * 10) / 10;
  return Number.isInteger(r) ? r.toFixed(1) : String(r);
}
