import { KVTable, outDouble, outMap, outSet, writeJson, type Out } from '../../../protocol/bodies';
import { parseJavaProperties } from '../../../protocol/codec';
import { mqVersionDesc, RequestCode } from '../../../protocol/codes';
import { MASTER_ID, SCHEDULE_TOPIC, TRANS_HALF_TOPIC } from '../../../protocol/naming';
import { SERVER_VERSION } from '../../common';
import { need, optional, type CommandContext, type SubCommand } from '../command';
import { hashOrderBy, javaStringHash } from '../java-order';
import { callBody, callOk } from '../util';
import { examineConsumerConnection } from './consumer';
import { EXPORT_DIR } from './export';
import { userGroups, userTopics, writeExport } from './export-metadata';
import { stats, sum24h } from './stats';

/**
 * exportMetrics: per master of a cluster its runtime environment, quotas (disk ratios, minute TPS, yesterday's
 * counts, sizes) and client versions, plus cluster totals, written to <dir>/metrics.json as Java writes it (fastjson2
 * PrettyFormat; every map a java.util.HashMap, so keys in HashMap order). Java: tools/.../command/export/
 * ExportMetricsCommand.java. rocketmqVersion is the tool's own version in Java (V5_5_0); Apogee's tool says the same.
 */

/** A Java HashMap<String, ?> written in its iteration order. */
const hashed = (entries: [string, Out][]): Out => {
  const m = new Map(entries);
  return outMap(hashOrderBy([...m.keys()], javaStringHash).map((k) => [k, m.get(k)!]));
};

const firstNumber = (s: string | undefined): number => Number((s ?? '0').split(' ')[0]) || 0;
const long = (t: Map<string, string>, k: string): number => {
  const v = t.get(k);
  if (v === undefined || !/^-?\d+$/.test(v)) throw new Error(`the broker's runtime info has no number ${k}`);
  return Number(v);
};

interface Totals {
  tps: Record<'totalNormalInTps' | 'totalNormalOutTps' | 'totalTransInTps' | 'totalScheduleInTps', number>;
  day: Record<'normalOneDayInNum' | 'normalOneDayOutNum' | 'transOneDayInNum' | 'scheduleOneDayInNum', number>;
}

async function brokerReport(ctx: CommandContext, addr: string, totals: Totals): Promise<Out> {
  const kv = (await callBody(ctx, addr, RequestCode.GET_BROKER_RUNTIME_INFO, 'GET_BROKER_RUNTIME_INFO', KVTable)).table;
  const props = parseJavaProperties(((await callOk(ctx, addr, RequestCode.GET_BROKER_CONFIG, 'GET_BROKER_CONFIG')).body ?? Buffer.alloc(0)).toString('latin1'));
  const groups = await userGroups(ctx, addr);
  const topics = await userTopics(ctx, addr, false);
  const trans = await stats(ctx, addr, 'TOPIC_PUT_NUMS', TRANS_HALF_TOPIC);
  const schedule = await stats(ctx, addr, 'TOPIC_PUT_NUMS', SCHEDULE_TOPIC);
  const inTps = firstNumber(kv.get('putTps'));
  const outTps = firstNumber(kv.get('getTransferredTps'));
  const transTps = trans?.statsMinute?.tps ?? 0;
  const scheduleTps = schedule?.statsMinute?.tps ?? 0;
  const transDay = trans === undefined ? 0 : sum24h(trans);
  const scheduleDay = schedule === undefined ? 0 : sum24h(schedule);
  const inDay = long(kv, 'msgPutTotalTodayMorning') - long(kv, 'msgPutTotalYesterdayMorning');
  const outDay = long(kv, 'msgGetTotalTodayMorning') - long(kv, 'msgGetTotalYesterdayMorning');
  totals.tps.totalNormalInTps += inTps;
  totals.tps.totalNormalOutTps += outTps;
  totals.tps.totalTransInTps += transTps;
  totals.tps.totalScheduleInTps += scheduleTps;
  totals.day.normalOneDayInNum += inDay;
  totals.day.normalOneDayOutNum += outDay;
  totals.day.transOneDayInNum += transDay;
  totals.day.scheduleOneDayInNum += scheduleDay;
  const clients = new Set<string>();
  for (const g of groups.subscriptionGroupTable.values()) {
    const cc = await examineConsumerConnection(ctx, g.groupName).catch(() => undefined);
    for (const c of cc?.connectionSet ?? []) clients.add(`${c.language ?? 'null'}%${mqVersionDesc(c.version)}`);
  }
  const str = (v: string | undefined): Out => v ?? null;
  return hashed([
    ['runtimeEnv', hashed([['cpuNum', str(props.get('clientCallbackExecutorThreads'))], ['totalMemKBytes', str(kv.get('totalMemKBytes'))]])],
    [
      'runtimeQuota',
      hashed([
        ['diskRatio', hashed([['commitLogDiskRatio', str(kv.get('commitLogDiskRatio'))], ['consumeQueueDiskRatio', str(kv.get('consumeQueueDiskRatio'))]])],
        ['tps', hashed([['normalInTps', outDouble(inTps)], ['normalOutTps', outDouble(outTps)], ['transInTps', outDouble(transTps)], ['scheduleInTps', outDouble(scheduleTps)]])],
        ['oneDayNum', hashed([['normalOneDayInNum', inDay], ['normalOneDayOutNum', outDay], ['transOneDayInNum', transDay], ['scheduleOneDayInNum', scheduleDay]])],
        ['messageAverageSize', str(kv.get('putMessageAverageSize'))],
        ['topicSize', topics.topicConfigTable.size],
        ['groupSize', groups.subscriptionGroupTable.size],
      ]),
    ],
    ['runtimeVersion', hashed([['rocketmqVersion', mqVersionDesc(SERVER_VERSION)], ['clientInfo', outSet(hashOrderBy([...clients], javaStringHash))]])],
  ]);
}

export const exportMetrics: SubCommand = {
  name: 'exportMetrics',
  description: 'Export metrics.',
  options: [
    { short: 'c', long: 'clusterName', value: true, required: true, help: 'choose a cluster to export' },
    { short: 'f', long: 'filePath', value: true, help: 'export metrics.json path | default /tmp/rocketmq/export' },
  ],
  async execute(ctx) {
    const cluster = need(ctx, 'clusterName');
    const dir = optional(ctx, 'filePath') ?? EXPORT_DIR;
    const ci = await ctx.client.clusterInfo();
    const names = ci.clusterAddrTable.get(cluster);
    if (names === undefined) throw new Error(`cluster ${cluster} not found; check -c against clusterList`);
    const totals: Totals = {
      tps: { totalNormalInTps: 0, totalNormalOutTps: 0, totalTransInTps: 0, totalScheduleInTps: 0 },
      day: { normalOneDayInNum: 0, normalOneDayOutNum: 0, transOneDayInNum: 0, scheduleOneDayInNum: 0 },
    };
    const reports: [string, Out][] = [];
    // Java iterates the cluster's broker names as a HashSet and reads each master (brokerId 0).
    for (const name of hashOrderBy([...names], javaStringHash)) {
      const addr = ci.brokerAddrTable.get(name)?.brokerAddrs.get(MASTER_ID);
      if (addr === undefined) throw new Error(`broker ${name} of cluster ${cluster} has no master: exportMetrics reads masters only`);
      reports.push([name, await brokerReport(ctx, addr, totals)]);
    }
    const totalData = hashed([
      ['totalTps', hashed(Object.entries(totals.tps).map(([k, v]) => [k, outDouble(v)]))],
      ['totalOneDayNum', hashed(Object.entries(totals.day).map(([k, v]) => [k, v]))],
    ]);
    const file = `${dir}/metrics.json`;
    writeExport(file, writeJson(hashed([['evaluateReport', hashed(reports)], ['totalData', totalData]]), { pretty: true }));
    ctx.out(`export ${file} success`);
  },
};
