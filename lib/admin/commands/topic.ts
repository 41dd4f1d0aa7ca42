import { GroupList, KVTable, TopicRouteData, TopicStatsTable, type ClusterInfo, type MessageQueue, type TopicOffset } from '../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { MASTER_ID, NAMESPACE_ORDER_TOPIC_CONFIG } from '../../../protocol/naming';
import { jfmt, need, optional, type CommandContext, type SubCommand } from '../command';
import { compareQueues, front, intOpt, javaHumanTime, mastersAndSlaves, mastersOf, NO_MASTER } from '../util';
import { javaDoubleToString, parseJavaProperties } from '../../../protocol/codec';
import { grownCapacity, hashMapOrder, hashOrderBy, javaStringHash, propertiesOrder } from '../java-order';
import { permString } from './broker';
import { attributesToHeader, attributesToString, parseAttributeModification } from '../attributes';

/** Topic and cluster commands: clusterList, topicList, topicRoute, updateTopic, deleteTopic, topicStatus, brokerStatus. */

async function runtimeInfo(ctx: CommandContext, addr: string): Promise<Map<string, string>> {
  const r = await ctx.client.call(addr, RequestCode.GET_BROKER_RUNTIME_INFO);
  if (r.code !== ResponseCode.SUCCESS || r.body === null) throw new Error(`GET_BROKER_RUNTIME_INFO from ${addr}: ${r.code} ${r.remark ?? ''}`);
  const d = KVTable.decode(r.body);
  if (!d.ok) throw new Error(d.error);
  return d.value.table;
}

/** A float as java.util.Formatter's %.Nf, right-aligned to `width`. */
const fixed = (v: number, digits: number, width = 0): string => v.toFixed(digits).padStart(width);

/** One clusterList row from a broker's runtime info (Java ClusterListSubCommand#printClusterBaseInfo). */
function clusterRow(t: Map<string, string>, now: number): string[] {
  const g = (k: string): string => t.get(k) ?? 'null';
  const num = (k: string): number => {
    const v = Number((t.get(k) ?? '').split(' ')[0]);
    return Number.isFinite(v) ? v : 0;
  };
  const earliest = t.get('earliestMessageTimeStamp');
  const hour = earliest !== undefined && earliest !== '' ? (now - Number(earliest)) / 1000 / 60 / 60 : 0;
  const ratio = t.get('commitLogDiskRatio');
  return [
    t.get('brokerVersionDesc') ?? '',
    `${fixed(num('putTps'), 2, 9)}(${g('sendThreadPoolQueueSize')},${g('sendThreadPoolQueueHeadWaitTimeMills')}ms)`,
    `${fixed(num('getTransferredTps'), 2, 9)}(${g('pullThreadPoolQueueSize')},${g('pullThreadPoolQueueHeadWaitTimeMills')}ms|${t.get('ackThreadPoolQueueSize') ?? 'N'},${t.get('ackThreadPoolQueueHeadWaitTimeMills') ?? 'N'}ms)`,
    `${num('timerReadBehind')}-${num('timerOffsetBehind')}(${fixed(num('timerCongestNum') / 10000, 1)}w, ${fixed(num('timerEnqueueTps'), 1)}, ${fixed(num('timerDequeueTps'), 1)})`,
    g('pageCacheLockTimeMills'),
    fixed(hour, 2, 2),
    fixed(ratio !== undefined && ratio !== '' ? Number(ratio) : 0, 4),
    String(t.get('brokerActive') === 'true'),
  ];
}

/** Java ClusterListSubCommand#printClusterBaseInfo. */
async function printClusterBase(ctx: CommandContext, ci: ClusterInfo, clusters: string[]): Promise<void> {
  const head = '%-22s  %-22s  %-4s  %-22s %-16s  %16s  %30s  %-22s  %-11s  %-12s  %-8s  %-10s';
  const row = '%-22s  %-22s  %-4s  %-22s %-16s  %16s  %30s  %-22s  %11s  %-12s  %-8s  %10s';
  ctx.out(jfmt(head, '#Cluster Name', '#Broker Name', '#BID', '#Addr', '#Version', '#InTPS(LOAD)', '#OutTPS(LOAD)', '#Timer(Progress)', '#PCWait(ms)', '#Hour', '#SPACE', '#ACTIVATED'));
  for (const cluster of clusters) {
    for (const name of [...(ci.clusterAddrTable.get(cluster) ?? [])].sort()) {
      const bd = ci.brokerAddrTable.get(name);
      for (const [id, addr] of [...(bd?.brokerAddrs ?? new Map<number, string>())].sort((a, b) => a[0] - b[0])) {
        let cols: string[];
        try {
          cols = clusterRow(await runtimeInfo(ctx, addr), Date.now());
        } catch (e) {
          cols = [`(${(e as Error).message})`, '', '', '', '', '', '', 'false'];
        }
        ctx.out(jfmt(row, cluster, name, id, addr, ...cols));
      }
    }
  }
}

/** Java ClusterListSubCommand#printClusterMoreStats: yesterday's and today's put/get totals per broker address. */
async function printClusterMore(ctx: CommandContext, ci: ClusterInfo, clusters: string[]): Promise<void> {
  ctx.out(jfmt('%-16s  %-32s %14s %14s %14s %14s', '#Cluster Name', '#Broker Name', '#InTotalYest', '#OutTotalYest', '#InTotalToday', '#OutTotalToday'));
  for (const cluster of clusters) {
    for (const name of [...(ci.clusterAddrTable.get(cluster) ?? [])].sort()) {
      const bd = ci.brokerAddrTable.get(name);
      if (bd === undefined) continue;
      for (const addr of [...bd.brokerAddrs].sort((a, b) => a[0] - b[0]).map(([, a]) => a)) {
        let totals = [0, 0, 0, 0];
        try {
          const t = await runtimeInfo(ctx, addr);
          const n = (k: string): number => {
            const v = t.get(k);
            if (v === undefined || !/^-?\d+$/.test(v)) throw new Error(`no ${k}`);
            return Number(v);
          };
          totals = [
            n('msgPutTotalTodayMorning') - n('msgPutTotalYesterdayMorning'),
            n('msgGetTotalTodayMorning') - n('msgGetTotalYesterdayMorning'),
            n('msgPutTotalTodayNow') - n('msgPutTotalTodayMorning'),
            n('msgGetTotalTodayNow') - n('msgGetTotalTodayMorning'),
          ];
        } catch {
          // Java prints zeros for a broker that does not answer or lacks a counter.
        }
        ctx.out(jfmt('%-16s  %-32s %14d %14d %14d %14d', cluster, name, ...totals));
      }
    }
  }
}

export const clusterList: SubCommand = {
  name: 'clusterList',
  description: 'List cluster infos.',
  options: [
    { short: 'm', long: 'moreStats', value: false, help: 'Print more stats' },
    { short: 'i', long: 'interval', value: true, help: 'specify intervals numbers, it is in seconds' },
    { short: 'c', long: 'clusterName', value: true, help: 'which cluster' },
  ],
  async execute(ctx) {
    const only = optional(ctx, 'clusterName');
    const more = ctx.opts.get('moreStats') !== undefined;
    const repeat = optional(ctx, 'interval') !== undefined;
    const seconds = intOpt(ctx, 'interval', 1);
    for (let round = 0; ; round++) {
      // Java: with -i the listing repeats every N seconds until the tool is stopped.
      if (round > 0) await new Promise((res) => setTimeout(res, seconds * 1000));
      const ci = await ctx.client.clusterInfo();
      const clusters = only !== undefined && only !== '' ? [only] : hashOrderBy([...ci.clusterAddrTable.keys()], javaStringHash);
      await (more ? printClusterMore(ctx, ci, clusters) : printClusterBase(ctx, ci, clusters));
      if (!repeat) return;
    }
  },
};

/** Java TopicListSubCommand#findTopicBelongToWhichCluster: the cluster holding the route's first broker name. */
function clusterOfTopic(route: TopicRouteData | undefined, ci: ClusterInfo): string {
  const name = route?.brokerDatas[0]?.brokerName;
  if (name === undefined) return '';
  for (const c of hashOrderBy([...ci.clusterAddrTable.keys()], javaStringHash)) if (ci.clusterAddrTable.get(c)?.includes(name) === true) return c;
  return 'null';
}

/** Java DefaultMQAdminExtImpl#queryTopicConsumeByWho: asked of the first broker of the route, in HashSet order. */
async function consumersOf(ctx: CommandContext, route: TopicRouteData | undefined, topic: string): Promise<string[]> {
  const bd = route?.brokerDatas.find((b) => b.brokerAddrs.size > 0);
  const addr = bd === undefined ? undefined : (bd.brokerAddrs.get(MASTER_ID) ?? [...bd.brokerAddrs.values()][0]);
  if (addr === undefined) return [];
  const r = await ctx.client.call(addr, RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, new Map([['topic', topic]]));
  if (r.code !== ResponseCode.SUCCESS || r.body === null) return [];
  const d = GroupList.decode(r.body);
  return d.ok ? hashOrderBy([...d.value.groupList], javaStringHash) : [];
}

export const topicList: SubCommand = {
  name: 'topicList',
  description: 'Fetch all topic list from name server.',
  options: [{ short: 'c', long: 'clusterModel', value: false, help: 'clusterModel' }],
  async execute(ctx) {
    // Java decodes TopicList#topicList into a HashSet and prints it in that order.
    const topics = hashOrderBy(await ctx.client.topicList(), javaStringHash);
    if (ctx.opts.get('clusterModel') === undefined) {
      for (const t of topics) ctx.out(t);
      return;
    }
    const ci = await ctx.client.clusterInfo();
    ctx.out(jfmt('%-20s  %-48s  %-48s', '#Cluster Name', '#Topic', '#Consumer Group'));
    for (const topic of topics) {
      if (topic.startsWith('%RETRY%') || topic.startsWith('%DLQ%')) continue;
      let cluster = '';
      let groups: string[] = [];
      try {
        // Java: a topic whose route or consumers cannot be read prints with an empty cluster and group.
        const route = await ctx.client.routeOf(topic, 0);
        cluster = clusterOfTopic(route, ci);
        groups = await consumersOf(ctx, route, topic);
      } catch {
        cluster = '';
      }
      for (const g of groups.length === 0 ? [''] : groups) ctx.out(jfmt('%-20s  %-64s  %-64s', front(cluster, 20), front(topic, 64), front(g, 64)));
    }
  },
};

export const topicRoute: SubCommand = {
  name: 'topicRoute',
  description: 'Examine topic route info.',
  options: [{ short: 't', long: 'topic', value: true, required: true, help: 'topic name' }],
  async execute(ctx) {
    const topic = need(ctx, 'topic');
    const route = await ctx.client.routeOf(topic, 0);
    if (route === undefined) throw new Error(`No topic route info in name server for the topic: ${topic}`);
    ctx.out(TopicRouteData.toJson(route, { pretty: true, numericKeys: 'java' }));
  },
};

/** Java TopicConfig#toString as UpdateTopicSubCommand prints it (perm as PermName.perm2String, attributes as a HashMap). */
export function topicConfigString(t: { topic: string; readQueueNums: string; writeQueueNums: string; perm: number; topicSysFlag: number; order: boolean; attributes?: Map<string, string> }): string {
  return `TopicConfig [topicName=${t.topic}, readQueueNums=${t.readQueueNums}, writeQueueNums=${t.writeQueueNums}, perm=${permString(t.perm)}, topicFilterType=SINGLE_TAG, topicSysFlag=${t.topicSysFlag}, order=${t.order}, attributes=${attributesToString(t.attributes ?? new Map())}]`;
}

/** Java Boolean.parseBoolean. */
const javaBool = (v: string | undefined): boolean => v !== undefined && v.toLowerCase() === 'true';

/**
 * Java: tools/.../command/topic/UpdateTopicSubCommand.java. With `-o true` the topic's order conf
 * (brokerName:writeQueueNums) goes to the NameServer's ORDER_TOPIC_CONFIG namespace: with -b merged into the stored
 * one (DefaultMQAdminExtImpl#createOrUpdateOrderConf, entries in HashMap order), with -c one entry per broker of the cluster.
 */
export const updateTopic: SubCommand = {
  name: 'updateTopic',
  description: 'Update or create topic.',
  options: [
    { short: 'b', long: 'brokerAddr', value: true, help: 'create topic to which broker' },
    { short: 'c', long: 'clusterName', value: true, help: 'create topic to which cluster' },
    { short: 'a', long: 'attributes', value: true, help: 'attribute(+a=b,+c=d,-e)' },
    { short: 't', long: 'topic', value: true, required: true, help: 'topic name' },
    { short: 'r', long: 'readQueueNums', value: true, help: 'set read queue nums' },
    { short: 'w', long: 'writeQueueNums', value: true, help: 'set write queue nums' },
    { short: 'p', long: 'perm', value: true, help: 'set topic\'s permission(2|4|6), intro[2:W 4:R; 6:RW]' },
    { short: 'o', long: 'order', value: true, help: 'set topic\'s order(true|false)' },
    { short: 'u', long: 'unit', value: true, help: 'is unit topic (true|false)' },
    { short: 's', long: 'hasUnitSub', value: true, help: 'has unit sub (true|false)' },
  ],
  async execute(ctx) {
    const topic = need(ctx, 'topic');
    const attributes = parseAttributeModification(optional(ctx, 'attributes')?.trim() ?? '');
    const order = javaBool(optional(ctx, 'order'));
    // Java TopicSysFlag.buildSysFlag: FLAG_UNIT 1, FLAG_UNIT_SUB 2.
    const sysFlag = (javaBool(optional(ctx, 'unit')) ? 1 : 0) | (javaBool(optional(ctx, 'hasUnitSub')) ? 2 : 0);
    const cfg = { topic, readQueueNums: optional(ctx, 'readQueueNums') ?? '8', writeQueueNums: optional(ctx, 'writeQueueNums') ?? '8', perm: Number(optional(ctx, 'perm') ?? '6'), topicSysFlag: sysFlag, order, attributes };
    const ext = new Map([
      ['topic', topic],
      ['defaultTopic', 'TBW102'],
      ['readQueueNums', cfg.readQueueNums],
      ['writeQueueNums', cfg.writeQueueNums],
      ['perm', String(cfg.perm)],
      ['topicFilterType', 'SINGLE_TAG'],
      ['topicSysFlag', String(sysFlag)],
      ['order', String(order)],
      // Java MQClientAPIImpl#createTopic: always set, "" without -a.
      ['attributes', attributesToHeader(attributes)],
    ]);
    const b = optional(ctx, 'brokerAddr');
    const c = optional(ctx, 'clusterName');
    if (b === undefined && c === undefined) throw new Error('give a broker (-b host:port) or a cluster (-c name)');
    const create = async (addr: string): Promise<void> => {
      const r = await ctx.client.call(addr, RequestCode.UPDATE_AND_CREATE_TOPIC, ext);
      if (r.code !== ResponseCode.SUCCESS) throw new Error(`create topic on ${addr}: CODE ${r.code} ${r.remark ?? ''}`);
    };
    const putOrderConf = async (conf: string): Promise<void> => {
      for (const ns of ctx.client.nameServers) {
        const r = await ctx.client.call(ns, RequestCode.PUT_KV_CONFIG, new Map([['namespace', NAMESPACE_ORDER_TOPIC_CONFIG], ['key', topic], ['value', conf]]));
        if (r.code !== ResponseCode.SUCCESS) throw new Error(`PUT_KV_CONFIG on ${ns}: CODE ${r.code} ${r.remark ?? ''}`);
      }
    };
    if (b !== undefined) {
      await create(b);
      if (order) {
        const ci = await ctx.client.clusterInfo();
        const brokerName = [...ci.brokerAddrTable].find(([, bd]) => [...bd.brokerAddrs.values()].includes(b))?.[0];
        const conf = `${brokerName ?? 'null'}:${cfg.writeQueueNums}`;
        const old = await ctx.client.callNamesrv(RequestCode.GET_KV_CONFIG, new Map([['namespace', NAMESPACE_ORDER_TOPIC_CONFIG], ['key', topic]]));
        const merged = new Map<string, string>();
        const oldValue = old.code === ResponseCode.SUCCESS ? (old.extFields?.get('value') ?? '') : '';
        if (oldValue.trim() !== '') for (const e of oldValue.split(';')) merged.set(e.split(':')[0]!, e);
        merged.set(conf.split(':')[0]!, conf);
        await putOrderConf(hashMapOrder([...merged.keys()], grownCapacity(merged.size)).map((k) => merged.get(k)!).join(';'));
        ctx.out(`set broker orderConf. isOrder=true, orderConf=[${conf}]`);
      }
      ctx.out(`create topic to ${b} success.`);
    } else {
      for (const t of await mastersOf(ctx, c!)) {
        await create(t.addr);
        ctx.out(`create topic to ${t.addr} success.`);
      }
      if (order) {
        const names = (await ctx.client.clusterInfo()).clusterAddrTable.get(c!) ?? [];
        const conf = [...names].map((n) => `${n}:${cfg.writeQueueNums}`).join(';');
        await putOrderConf(conf);
        ctx.out(`set cluster orderConf. isOrder=true, orderConf=[${conf}]`);
      }
    }
    ctx.out(topicConfigString(cfg));
  },
};

export const deleteTopic: SubCommand = {
  name: 'deleteTopic',
  description: 'Delete topic from broker and NameServer.',
  options: [
    { short: 't', long: 'topic', value: true, required: true, help: 'topic name' },
    { short: 'c', long: 'clusterName', value: true, required: true, help: 'delete topic from which cluster' },
  ],
  async execute(ctx) {
    const topic = need(ctx, 'topic');
    const cluster = need(ctx, 'clusterName');
    for (const m of await mastersOf(ctx, cluster)) {
      const r = await ctx.client.call(m.addr, RequestCode.DELETE_TOPIC_IN_BROKER, new Map([['topic', topic]]));
      if (r.code !== ResponseCode.SUCCESS) throw new Error(`delete topic on ${m.addr}: CODE ${r.code} ${r.remark ?? ''}`);
    }
    for (const ns of ctx.client.nameServers) {
      const r = await ctx.client.call(ns, RequestCode.DELETE_TOPIC_IN_NAMESRV, new Map([['topic', topic], ['clusterName', cluster]]));
      if (r.code !== ResponseCode.SUCCESS) throw new Error(`delete topic on NameServer ${ns}: CODE ${r.code} ${r.remark ?? ''}`);
    }
    ctx.out(`delete topic [${topic}] from cluster [${cluster}] success.`);
    ctx.out(`delete topic [${topic}] from NameServer success.`);
  },
};

export const topicStatus: SubCommand = {
  name: 'topicStatus',
  description: 'Examine topic Status info.',
  options: [
    { short: 't', long: 'topic', value: true, required: true, help: 'topic name' },
    { short: 'c', long: 'cluster', value: true, help: 'cluster name or lmq parent topic, lmq is used to find the route.' },
  ],
  async execute(ctx) {
    const topic = need(ctx, 'topic');
    const routeTopic = optional(ctx, 'cluster') ?? topic;
    const route = await ctx.client.routeOf(routeTopic, 0);
    if (route === undefined) throw new Error(`No topic route info in name server for the topic: ${routeTopic}`);
    const rows: [MessageQueue, TopicOffset][] = [];
    let tps = 0;
    for (const bd of route.brokerDatas) {
      const addr = bd.brokerAddrs.get(MASTER_ID) ?? [...bd.brokerAddrs.values()][0];
      if (addr === undefined) continue;
      const r = await ctx.client.call(addr, RequestCode.GET_TOPIC_STATS_INFO, new Map([['topic', topic]]));
      if (r.code !== ResponseCode.SUCCESS || r.body === null) throw new Error(`GET_TOPIC_STATS_INFO from ${addr}: ${r.code} ${r.remark ?? ''}`);
      const d = TopicStatsTable.decode(r.body);
      if (!d.ok) throw new Error(d.error);
      rows.push(...d.value.offsetTable);
      tps += d.value.topicPutTps ?? 0;
    }
    ctx.out(jfmt('%-32s  %-4s  %-20s  %-20s    %s', '#Broker Name', '#QID', '#Min Offset', '#Max Offset', '#Last Updated'));
    for (const [mq, off] of rows.sort((a, b) => compareQueues(a[0], b[0]))) {
      const last = off.lastUpdateTimestamp > 0 ? javaHumanTime(off.lastUpdateTimestamp) : '';
      ctx.out(jfmt('%-32s  %-4d  %-20d  %-20d    %s', front(mq.brokerName, 32), mq.queueId, off.minOffset, off.maxOffset, last));
    }
    ctx.out('');
    ctx.out(`Topic Put TPS: ${javaDoubleToString(tps)}`);
  },
};

export const brokerStatus: SubCommand = {
  name: 'brokerStatus',
  description: 'Fetch broker runtime status data.',
  options: [
    { short: 'b', long: 'brokerAddr', value: true, help: 'Broker address' },
    { short: 'c', long: 'clusterName', value: true, help: 'which cluster' },
  ],
  async execute(ctx) {
    const b = optional(ctx, 'brokerAddr');
    const c = optional(ctx, 'clusterName');
    const addrs = b !== undefined ? [b] : c !== undefined ? (await mastersOf(ctx, c)).map((m) => m.addr) : [];
    if (addrs.length === 0) throw new Error('give a broker (-b host:port) or a cluster (-c name)');
    for (const addr of addrs) {
      const t = await runtimeInfo(ctx, addr);
      for (const [k, v] of [...t].sort(([x], [y]) => (x < y ? -1 : 1))) ctx.out(jfmt('%-32s: %s', k, v));
    }
  },
};

/** Java GetBrokerConfigCommand#getAndPrint: the banner, then the broker's properties in java.util.Properties order. */
async function printBrokerConfig(ctx: CommandContext, banner: string, addr: string): Promise<void> {
  ctx.out(banner);
  if (addr === NO_MASTER) return;
  const r = await ctx.client.call(addr, RequestCode.GET_BROKER_CONFIG);
  if (r.code !== ResponseCode.SUCCESS) throw new Error(`GET_BROKER_CONFIG from ${addr}: ${r.code} ${r.remark ?? ''}`);
  // Java: MixAll.string2Properties (the UTF-8 text loaded as ISO-8859-1), printed in java.util.Properties order.
  const props = parseJavaProperties((r.body ?? Buffer.alloc(0)).toString('latin1'));
  for (const k of propertiesOrder([...props.keys()])) ctx.out(jfmt('%-50s=  %s', k, props.get(k)));
  ctx.out('');
}

export const getBrokerConfig: SubCommand = {
  name: 'getBrokerConfig',
  description: 'Get broker config by cluster or special broker.',
  options: [
    { short: 'b', long: 'brokerAddr', value: true, help: 'get which broker' },
    { short: 'c', long: 'clusterName', value: true, help: 'get which cluster' },
  ],
  async execute(ctx) {
    const addr = optional(ctx, 'brokerAddr');
    if (addr !== undefined) return printBrokerConfig(ctx, jfmt('============%s============', addr), addr);
    const cluster = optional(ctx, 'clusterName');
    if (cluster === undefined) throw new Error('give a broker (-b host:port) or a cluster (-c name)');
    // Java: CommandUtil.fetchMasterAndSlaveDistinguish, masters in HashMap order, each followed by its slaves.
    for (const { master, slaves } of await mastersAndSlaves(ctx, cluster)) {
      await printBrokerConfig(ctx, jfmt('============Master: %s============', master), master);
      for (const s of slaves) await printBrokerConfig(ctx, jfmt('============My Master: %s=====Slave: %s============', master, s), s);
    }
  },
};

export const orderTopics: SubCommand = {
  name: 'getOrderTopicConfig',
  description: 'List the ORDER_TOPIC_CONFIG KV namespace of the NameServer.',
  options: [],
  async execute(ctx) {
    for (const [k, v] of await ctx.client.kvList(NAMESPACE_ORDER_TOPIC_CONFIG)) ctx.out(`${k}=${v}`);
  },
};
