import { ConsumeStats, ResetOffsetBody, TopicStatsTable, type QueueData } from '../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { jfmt, need, optional, type CommandContext, type SubCommand } from '../command';
import { callBody, callOk, front, intOpt, javaBool, selectBrokerAddr } from '../util';
import { examineConsumeStats } from './consumer';

/**
 * Consumer offset commands: resetOffsetByTime, skipAccumulatedMessage, cloneGroupOffset. Java: tools/.../command/
 * offset/{ResetOffsetByTimeCommand,ResetOffsetByTimeOldCommand,SkipAccumulationSubCommand,CloneGroupOffsetCommand}
 * .java and DefaultMQAdminExtImpl#resetOffsetByTimestamp / #resetOffsetByTimestampOld / #resetOffsetByQueueId: the
 * broker resets the online clients (INVOKE_BROKER_TO_RESET_OFFSET); when none is online (CONSUMER_NOT_ONLINE) the
 * tool rewrites the committed offsets itself with UPDATE_CONSUMER_OFFSET.
 */

/** -s: "now", epoch millis, or yyyy-MM-dd#HH:mm:ss:SSS in local time (Java UtilAll.YYYY_MM_DD_HH_MM_SS_SSS). */
export function parseTimestamp(s: string): number {
  if (s === 'now') return Date.now();
  if (/^-?\d+$/.test(s)) return Number(s);
  const m = /^(\d{4})-(\d{2})-(\d{2})#(\d{2}):(\d{2}):(\d{2}):(\d{3})$/.exec(s);
  if (m === null) throw new Error(`timestamp "${s}": write now, epoch milliseconds, or yyyy-MM-dd#HH:mm:ss:SSS`);
  const [y, mo, d, h, mi, se, ms] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  return new Date(y, mo - 1, d, h, mi, se, ms).getTime();
}

interface Rollback {
  brokerName: string;
  queueId: number;
  brokerOffset: number;
  consumerOffset: number;
  timestampOffset: number;
  rollbackOffset: number;
}

async function offsetOf(ctx: CommandContext, addr: string, code: number, topic: string, queueId: number, timestamp?: number): Promise<number> {
  const ext = new Map([['topic', topic], ['queueId', String(queueId)], ...(timestamp !== undefined ? [['timestamp', String(timestamp)] as [string, string]] : [])]);
  const r = await callOk(ctx, addr, code, code === RequestCode.GET_MAX_OFFSET ? 'GET_MAX_OFFSET' : 'SEARCH_OFFSET_BY_TIMESTAMP', ext);
  return Number(r.extFields?.get('offset') ?? 0);
}

async function commitOffset(ctx: CommandContext, addr: string, group: string, topic: string, queueId: number, offset: number): Promise<void> {
  await callOk(ctx, addr, RequestCode.UPDATE_CONSUMER_OFFSET, 'UPDATE_CONSUMER_OFFSET', new Map([['consumerGroup', group], ['topic', topic], ['queueId', String(queueId)], ['commitOffset', String(offset)]]));
}

/** Java #resetOffsetByTimestampOld: per queue, the offset for `timestamp` (-1: the max offset), committed if forced or a rollback. */
async function resetOld(ctx: CommandContext, group: string, topic: string, timestamp: number, force: boolean): Promise<Rollback[]> {
  const route = await ctx.client.routeOf(topic, 0);
  if (route === undefined) throw new Error(`No topic route info in name server for the topic: ${topic}`);
  const out: Rollback[] = [];
  for (const bd of route.brokerDatas) {
    const addr = selectBrokerAddr(bd.brokerAddrs);
    if (addr === undefined) continue;
    const qd: QueueData | undefined = route.queueDatas.find((q) => q.brokerName === bd.brokerName);
    const stats = await ctx.client.call(addr, RequestCode.GET_CONSUME_STATS, new Map([['consumerGroup', group]]));
    const cs = stats.code === ResponseCode.SUCCESS && stats.body !== null ? ConsumeStats.decode(stats.body) : undefined;
    let queues = cs?.ok === true ? cs.value.offsetTable.filter(([q]) => q.topic === topic).map(([q, w]) => ({ queueId: q.queueId, brokerName: q.brokerName, brokerOffset: w.brokerOffset, consumerOffset: w.consumerOffset })) : [];
    if (queues.length === 0 && qd !== undefined) {
      const ts = await callBody(ctx, addr, RequestCode.GET_TOPIC_STATS_INFO, 'GET_TOPIC_STATS_INFO', TopicStatsTable, new Map([['topic', topic]]));
      queues = [];
      for (let i = 0; i < qd.readQueueNums; i++) {
        const o = ts.offsetTable.find(([q]) => q.queueId === i)?.[1];
        queues.push({ queueId: i, brokerName: bd.brokerName, brokerOffset: o?.maxOffset ?? 0, consumerOffset: o?.minOffset ?? 0 });
      }
    }
    for (const q of queues) {
      const target = timestamp === -1 ? await offsetOf(ctx, addr, RequestCode.GET_MAX_OFFSET, topic, q.queueId) : await offsetOf(ctx, addr, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, topic, q.queueId, timestamp);
      const rb: Rollback = { brokerName: q.brokerName, queueId: q.queueId, brokerOffset: q.brokerOffset, consumerOffset: q.consumerOffset, timestampOffset: target, rollbackOffset: q.consumerOffset };
      if (force || target <= q.consumerOffset) {
        rb.rollbackOffset = target;
        await commitOffset(ctx, addr, group, topic, q.queueId, target);
      }
      out.push(rb);
    }
  }
  return out;
}

/** Java #resetOffsetByTimestamp: the broker resets its online clients; undefined when no client of the group is online. */
async function resetByBroker(ctx: CommandContext, group: string, topic: string, timestamp: number, force: boolean): Promise<[string, number, number][] | undefined> {
  const route = await ctx.client.routeOf(topic, 0);
  if (route === undefined) throw new Error(`No topic route info in name server for the topic: ${topic}`);
  const rows: [string, number, number][] = [];
  for (const bd of route.brokerDatas) {
    const addr = selectBrokerAddr(bd.brokerAddrs);
    if (addr === undefined) continue;
    const r = await ctx.client.call(addr, RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, new Map([['topic', topic], ['group', group], ['timestamp', String(timestamp)], ['isForce', String(force)], ['offset', '-1'], ['queueId', '-1']]));
    if (r.code === ResponseCode.CONSUMER_NOT_ONLINE) return undefined;
    if (r.code !== ResponseCode.SUCCESS) throw new Error(`INVOKE_BROKER_TO_RESET_OFFSET on ${addr}: CODE: ${r.code} DESC: ${r.remark ?? ''}`);
    if (r.body === null) continue;
    const d = ResetOffsetBody.decode(r.body);
    if (!d.ok) throw new Error(`INVOKE_BROKER_TO_RESET_OFFSET on ${addr}: unreadable body: ${d.error}`);
    for (const [q, off] of d.value.offsetTable) rows.push([q.brokerName, q.queueId, off]);
  }
  return rows;
}

function printRollbacks(ctx: CommandContext, list: Rollback[], last: string): void {
  ctx.out(jfmt('%-20s  %-20s  %-20s  %-20s  %-20s  %-20s', '#brokerName', '#queueId', '#brokerOffset', '#consumerOffset', '#timestampOffset', last));
  for (const r of list) ctx.out(jfmt('%-20s  %-20d  %-20d  %-20d  %-20d  %-20d', front(r.brokerName, 32), r.queueId, r.brokerOffset, r.consumerOffset, r.timestampOffset, r.rollbackOffset));
}

function printOffsets(ctx: CommandContext, rows: [string, number, number][]): void {
  ctx.out(jfmt('%-40s  %-40s  %-40s', '#brokerName', '#queueId', '#offset'));
  for (const [b, q, o] of rows) ctx.out(jfmt('%-40s  %-40d  %-40d', front(b, 32), q, o));
}

export const resetOffsetByTime: SubCommand = {
  name: 'resetOffsetByTime',
  description: 'Reset consumer offset by timestamp(without client restart).',
  options: [
    { short: 'g', long: 'group', value: true, required: true, help: 'set the consumer group' },
    { short: 't', long: 'topic', value: true, required: true, help: 'set the topic' },
    { short: 's', long: 'timestamp', value: true, required: true, help: 'set the timestamp[now|currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]' },
    { short: 'f', long: 'force', value: true, help: 'set the force rollback by timestamp switch[true|false]. Deprecated.' },
    { short: 'b', long: 'broker', value: true, help: 'broker addr' },
    { short: 'q', long: 'queue', value: true, help: 'queue id' },
    { short: 'o', long: 'offset', value: true, help: 'Expect queue offset, not support old version broker' },
    { short: 'c', long: 'cluster', value: true, help: 'Cluster name or lmq parent topic, lmq is used to find the route.' },
  ],
  async execute(ctx) {
    const group = need(ctx, 'group');
    const topic = need(ctx, 'topic');
    const tsStr = need(ctx, 'timestamp');
    const timestamp = parseTimestamp(tsStr);
    const f = optional(ctx, 'force');
    const force = f === undefined ? true : javaBool(f);
    const broker = optional(ctx, 'broker');
    const queueId = intOpt(ctx, 'queue', -1);
    if (broker !== undefined && queueId >= 0) {
      ctx.out(`start reset consumer offset by specified, group[${group}], topic[${topic}], queueId[${queueId}], broker[${broker}], timestamp(string)[${tsStr}], timestamp(long)[${timestamp}]`);
      const o = optional(ctx, 'offset');
      const reset = o !== undefined ? intOpt(ctx, 'offset', 0) : await offsetOf(ctx, broker, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, topic, queueId, timestamp);
      ctx.out(`reset consumer offset to ${reset}`);
      if (reset > 0) {
        await commitOffset(ctx, broker, group, topic, queueId, reset);
        // Java then asks the broker to push the offset to online clients; with none online that is not an error.
        await ctx.client.call(broker, RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, new Map([['topic', topic], ['group', group], ['timestamp', '0'], ['queueId', String(queueId)], ['offset', String(reset)], ['isForce', 'false']]));
      }
      return;
    }
    const rows = await resetByBroker(ctx, group, topic, timestamp, force);
    if (rows === undefined) {
      const list = await resetOld(ctx, group, topic, timestamp, force);
      ctx.out(`reset consumer offset by specified consumerGroup[${group}], topic[${topic}], force[${force}], timestamp(string)[${tsStr}], timestamp(long)[${timestamp}]`);
      printRollbacks(ctx, list, '#resetOffset');
      return;
    }
    ctx.out(`start reset consumer offset by specified, group[${group}], topic[${topic}], force[${force}], timestamp(string)[${tsStr}], timestamp(long)[${timestamp}]`);
    printOffsets(ctx, rows);
  },
};

export const skipAccumulatedMessage: SubCommand = {
  name: 'skipAccumulatedMessage',
  description: 'Skip all messages that are accumulated (not consumed) currently.',
  options: [
    { short: 'g', long: 'group', value: true, required: true, help: 'set the consumer group' },
    { short: 't', long: 'topic', value: true, required: true, help: 'set the topic' },
    { short: 'f', long: 'force', value: true, help: 'set the force rollback by timestamp switch[true|false]' },
    { short: 'c', long: 'cluster', value: true, help: 'Cluster name or lmq parent topic, lmq is used to find the route.' },
  ],
  async execute(ctx) {
    const group = need(ctx, 'group');
    const topic = need(ctx, 'topic');
    const f = optional(ctx, 'force');
    const force = f === undefined ? true : javaBool(f);
    const rows = await resetByBroker(ctx, group, topic, -1, force);
    if (rows === undefined) return printRollbacks(ctx, await resetOld(ctx, group, topic, -1, force), '#rollbackOffset');
    printOffsets(ctx, rows);
  },
};

export const cloneGroupOffset: SubCommand = {
  name: 'cloneGroupOffset',
  description: 'Clone offset from other group.',
  options: [
    { short: 's', long: 'srcGroup', value: true, required: true, help: 'set source consumer group' },
    { short: 'd', long: 'destGroup', value: true, required: true, help: 'set destination consumer group' },
    { short: 't', long: 'topic', value: true, required: true, help: 'set the topic' },
    { short: 'o', long: 'offline', value: true, help: 'the group or the topic is offline' },
  ],
  async execute(ctx) {
    const src = need(ctx, 'srcGroup');
    const dest = need(ctx, 'destGroup');
    const topic = need(ctx, 'topic');
    const stats = await examineConsumeStats(ctx, src);
    if (stats.table.length > 0) {
      const route = await ctx.client.routeOf(topic, 0);
      if (route === undefined) throw new Error(`No topic route info in name server for the topic: ${topic}`);
      for (const [mq, w] of stats.table) {
        const bd = route.brokerDatas.find((b) => b.brokerName === mq.brokerName);
        const addr = bd === undefined ? undefined : selectBrokerAddr(bd.brokerAddrs);
        if (addr === undefined) throw new Error(`broker ${mq.brokerName} (queue ${mq.topic}:${mq.queueId}) is not in the route of ${topic}; check -t`);
        if (w.consumerOffset >= 0) await commitOffset(ctx, addr, dest, mq.topic, mq.queueId, w.consumerOffset);
      }
    }
    ctx.out(`clone group offset success. srcGroup[${src}], destGroup=[${dest}], topic[${topic}]`);
  },
};
