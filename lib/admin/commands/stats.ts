import { BrokerStatsData, GroupList } from '../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { DLQ_GROUP_TOPIC_PREFIX, MASTER_ID, RETRY_GROUP_TOPIC_PREFIX } from '../../../protocol/naming';
import { jfmt, optional, type CommandContext, type SubCommand } from '../command';
import { hashOrderBy, javaStringHash } from '../java-order';
import { front } from '../util';
import { examineConsumeStats } from './consumer';

/**
 * statsAll: per topic and consuming group, the accumulation, the minute TPS in and out and the last 24 hours'
 * counts from the brokers' stats (VIEW_BROKER_STATS_DATA TOPIC_PUT_NUMS / GROUP_GET_NUMS). Java: tools/.../command/
 * stats/StatsAllSubCommand.java. Unreadable stats count as zero, as in Java.
 */

export async function stats(ctx: CommandContext, addr: string, name: string, key: string): Promise<BrokerStatsData | undefined> {
  const r = await ctx.client.call(addr, RequestCode.VIEW_BROKER_STATS_DATA, new Map([['statsName', name], ['statsKey', key]])).catch(() => undefined);
  if (r === undefined || r.code !== ResponseCode.SUCCESS || r.body === null) return undefined;
  const d = BrokerStatsData.decode(r.body);
  return d.ok ? d.value : undefined;
}

/** Java StatsAllSubCommand#compute24HourSum: the day's sum, else the hour's, else the minute's. */
export function sum24h(s: BrokerStatsData): number {
  for (const item of [s.statsDay, s.statsHour, s.statsMinute]) if ((item?.sum ?? 0) !== 0) return item!.sum;
  return 0;
}

async function topicDetail(ctx: CommandContext, topic: string, activeOnly: boolean): Promise<void> {
  const route = await ctx.client.routeOf(topic, 0);
  if (route === undefined) return;
  const masters = route.brokerDatas.map((b) => b.brokerAddrs.get(MASTER_ID)).filter((a): a is string => a !== undefined);
  const groups = new Set<string>();
  const byWho = masters[0] === undefined ? undefined : await ctx.client.call(masters[0], RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, new Map([['topic', topic]]));
  if (byWho !== undefined && byWho.code === ResponseCode.SUCCESS && byWho.body !== null) {
    const d = GroupList.decode(byWho.body);
    if (d.ok) for (const g of d.value.groupList) groups.add(g);
  }
  let inTps = 0;
  let in24 = 0;
  for (const m of masters) {
    const s = await stats(ctx, m, 'TOPIC_PUT_NUMS', topic);
    if (s === undefined) continue;
    inTps += s.statsMinute?.tps ?? 0;
    in24 += sum24h(s);
  }
  if (groups.size === 0) {
    if (!activeOnly || in24 > 0) ctx.out(jfmt('%-64s  %-64s %12d %11s %11s %14d %14s', front(topic, 64), '', 0, inTps.toFixed(2), '', in24, 'NO_CONSUMER'));
    return;
  }
  for (const group of hashOrderBy([...groups], javaStringHash)) {
    let outTps = 0;
    let out24 = 0;
    for (const m of masters) {
      const s = await stats(ctx, m, 'GROUP_GET_NUMS', `${topic}@${group}`);
      if (s === undefined) continue;
      outTps += s.statsMinute?.tps ?? 0;
      out24 += sum24h(s);
    }
    const cs = await examineConsumeStats(ctx, group, topic).catch(() => undefined);
    const acc = Math.max(0, cs?.table.reduce((n, [, w]) => n + w.brokerOffset - w.consumerOffset, 0) ?? 0);
    if (!activeOnly || in24 > 0 || out24 > 0) ctx.out(jfmt('%-64s  %-64s %12d %11s %11s %14d %14d', front(topic, 64), front(group, 64), acc, inTps.toFixed(2), outTps.toFixed(2), in24, out24));
  }
}

export const statsAll: SubCommand = {
  name: 'statsAll',
  description: 'Topic and Consumer tps stats.',
  options: [
    { short: 'a', long: 'activeTopic', value: false, help: 'print active topic only' },
    { short: 't', long: 'topic', value: true, help: 'print select topic only' },
  ],
  async execute(ctx) {
    const only = optional(ctx, 'topic');
    const active = ctx.opts.has('activeTopic');
    ctx.out(jfmt('%-64s  %-64s %12s %11s %11s %14s %14s', '#Topic', '#Consumer Group', '#Accumulation', '#InTPS', '#OutTPS', '#InMsg24Hour', '#OutMsg24Hour'));
    // Java's TopicList holds a HashSet: its iteration order.
    for (const topic of hashOrderBy(await ctx.client.topicList(), javaStringHash)) {
      if (topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) || topic.startsWith(DLQ_GROUP_TOPIC_PREFIX)) continue;
      if (only !== undefined && only !== '' && topic !== only) continue;
      // Java skips a topic whose lookups fail.
      await topicDetail(ctx, topic, active).catch(() => undefined);
    }
  },
};
