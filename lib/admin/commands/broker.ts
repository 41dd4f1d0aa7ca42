import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { NAMESPACE_ORDER_TOPIC_CONFIG } from '../../../protocol/naming';
import { need, optional, type CommandContext, type SubCommand } from '../command';
import { callOk, intOpt, mastersOf, targetBrokers } from '../util';

/**
 * Broker and topic maintenance: topicClusterList, updateTopicPerm, updateBrokerConfig, updateOrderConf,
 * cleanExpiredCQ, cleanUnusedTopic, deleteExpiredCommitLog, setCommitLogReadAheadMode, switchTimerEngine,
 * update/removeColdDataFlowCtrGroupConfig. Java: tools/.../command/topic/{TopicClusterSubCommand,
 * UpdateTopicPermSubCommand,UpdateOrderConfCommand}.java, broker/{UpdateBrokerConfigSubCommand,CleanExpiredCQSubCommand,
 * CleanUnusedTopicCommand,DeleteExpiredCommitLogSubCommand,CommitLogSetReadAheadSubCommand,SwitchTimerEngineSubCommand,
 * Update/RemoveColdDataFlowCtrGroupConfigSubCommand}.java (these from the 5.5.0 jar's bytecode: the source mirror predates it).
 */

/** Java PermName.perm2String: "RWX" with '-' for a missing bit. */
export function permString(perm: number): string {
  return `${perm & 4 ? 'R' : '-'}${perm & 2 ? 'W' : '-'}${perm & 1 ? 'X' : '-'}`;
}

export const topicClusterList: SubCommand = {
  name: 'topicClusterList',
  description: 'Get cluster info for topic.',
  options: [{ short: 't', long: 'topic', value: true, required: true, help: 'topic name' }],
  async execute(ctx) {
    const topic = need(ctx, 'topic');
    const route = await ctx.client.routeOf(topic, 0);
    if (route === undefined) throw new Error(`No topic route info in name server for the topic: ${topic}`);
    const ci = await ctx.client.clusterInfo();
    const clusters = new Set<string>();
    for (const bd of route.brokerDatas) for (const [c, names] of ci.clusterAddrTable) if (names.includes(bd.brokerName)) clusters.add(c);
    for (const c of clusters) ctx.out(c);
  },
};

export const updateTopicPerm: SubCommand = {
  name: 'updateTopicPerm',
  description: 'Update topic perm.',
  options: [
    { short: 'b', long: 'brokerAddr', value: true, help: 'create topic to which broker' },
    { short: 'c', long: 'clusterName', value: true, help: 'create topic to which cluster' },
    { short: 't', long: 'topic', value: true, required: true, help: 'topic name' },
    { short: 'p', long: 'perm', value: true, required: true, help: "set topic's permission(2|4|6), intro[2:W; 4:R; 6:RW]" },
  ],
  async execute(ctx) {
    const topic = need(ctx, 'topic');
    const perm = intOpt(ctx, 'perm', 6);
    const route = await ctx.client.routeOf(topic, 0);
    const first = route?.queueDatas[0];
    if (route === undefined || first === undefined) throw new Error(`No topic route info in name server for the topic: ${topic}`);
    const ext = (): Map<string, string> =>
      new Map([['topic', topic], ['defaultTopic', 'TBW102'], ['readQueueNums', String(first.readQueueNums)], ['writeQueueNums', String(first.writeQueueNums)], ['perm', String(perm)], ['topicFilterType', 'SINGLE_TAG'], ['topicSysFlag', String(first.topicSysFlag)], ['order', 'false']]);
    const b = optional(ctx, 'brokerAddr');
    if (b !== undefined) {
      const bd = route.brokerDatas.find((d) => d.brokerAddrs.get(0) === b);
      if (bd === undefined) return ctx.out('updateTopicPerm error broker not exit or broker is not master!.');
      const old = route.queueDatas.find((q) => q.brokerName === bd.brokerName)?.perm ?? 0;
      if (old === perm) return ctx.out('new perm equals to the old one!');
      await callOk(ctx, b, RequestCode.UPDATE_AND_CREATE_TOPIC, 'UPDATE_AND_CREATE_TOPIC', ext());
      ctx.out(`update topic perm from ${old} to ${perm} in ${b} success.`);
      ctx.out(`TopicConfig [topicName=${topic}, readQueueNums=${first.readQueueNums}, writeQueueNums=${first.writeQueueNums}, perm=${permString(perm)}, topicFilterType=SINGLE_TAG, topicSysFlag=${first.topicSysFlag}, order=false, attributes={}].`);
      return;
    }
    const c = optional(ctx, 'clusterName');
    if (c === undefined) throw new Error('give a broker (-b host:port) or a cluster (-c name)');
    for (const m of await mastersOf(ctx, c)) {
      await callOk(ctx, m.addr, RequestCode.UPDATE_AND_CREATE_TOPIC, 'UPDATE_AND_CREATE_TOPIC', ext());
      ctx.out(`update topic perm from ${first.perm} to ${perm} in ${m.addr} success.`);
    }
  },
};

export const updateBrokerConfig: SubCommand = {
  name: 'updateBrokerConfig',
  description: "Update broker's config.",
  options: [
    { short: 'b', long: 'brokerAddr', value: true, help: 'update which broker' },
    { short: 'c', long: 'clusterName', value: true, help: 'update which cluster' },
    { short: 'a', long: 'updateAllBroker', value: true, help: 'update all brokers include slave' },
    { short: 'k', long: 'key', value: true, required: true, help: 'config key' },
    { short: 'v', long: 'value', value: true, required: true, help: 'config value' },
  ],
  async execute(ctx) {
    const body = Buffer.from(`${need(ctx, 'key')}=${need(ctx, 'value')}\n`, 'utf8');
    let addrs: string[];
    const c = optional(ctx, 'clusterName');
    if (optional(ctx, 'brokerAddr') === undefined && c !== undefined && ctx.opts.has('updateAllBroker')) {
      const ci = await ctx.client.clusterInfo();
      const names = ci.clusterAddrTable.get(c);
      if (names === undefined) throw new Error(`cluster ${c} not found; check -c against clusterList`);
      addrs = names.flatMap((n) => [...(ci.brokerAddrTable.get(n)?.brokerAddrs.values() ?? [])]);
    } else addrs = (await targetBrokers(ctx)).map((t) => t.addr);
    for (const addr of addrs) {
      await callOk(ctx, addr, RequestCode.UPDATE_BROKER_CONFIG, 'UPDATE_BROKER_CONFIG', null, body);
      ctx.out(`update broker config success, ${addr}`);
    }
  },
};

export const updateOrderConf: SubCommand = {
  name: 'updateOrderConf',
  description: 'Create or update or delete order conf.',
  options: [
    { short: 't', long: 'topic', value: true, required: true, help: 'topic name' },
    { short: 'v', long: 'orderConf', value: true, help: 'set order conf [eg. brokerName1:num;brokerName2:num]' },
    { short: 'm', long: 'method', value: true, required: true, help: 'option type [eg. put|get|delete' },
  ],
  async execute(ctx) {
    const topic = need(ctx, 'topic');
    const method = need(ctx, 'method');
    const kv = (code: number, ext: [string, string][]) => Promise.all(ctx.client.nameServers.map((ns) => callOk(ctx, ns, code, RequestCode.PUT_KV_CONFIG === code ? 'PUT_KV_CONFIG' : 'DELETE_KV_CONFIG', new Map([['namespace', NAMESPACE_ORDER_TOPIC_CONFIG], ...ext]))));
    if (method === 'get') {
      const r = await ctx.client.callNamesrv(RequestCode.GET_KV_CONFIG, new Map([['namespace', NAMESPACE_ORDER_TOPIC_CONFIG], ['key', topic]]));
      if (r.code !== ResponseCode.SUCCESS) throw new Error(`CODE: ${r.code} DESC: ${r.remark ?? ''} (no order conf for topic ${topic})`);
      ctx.out(`get orderConf success. topic=[${topic}], orderConf=[${r.extFields?.get('value') ?? ''}] `);
    } else if (method === 'put') {
      const conf = optional(ctx, 'orderConf') ?? '';
      if (conf === '') throw new Error('please set orderConf with option -v.');
      await kv(RequestCode.PUT_KV_CONFIG, [['key', topic], ['value', conf]]);
      ctx.out(`update orderConf success. topic=[${topic}], orderConf=[${conf}]`);
    } else if (method === 'delete') {
      await kv(RequestCode.DELETE_KV_CONFIG, [['key', topic]]);
      ctx.out(`delete orderConf success. topic=[${topic}]`);
    } else throw new Error(`-m ${method}: use put, get or delete`);
  },
};

/** The brokers of -b, or every broker of -c (Java's clean* commands walk all addresses of the cluster). */
async function allBrokers(ctx: CommandContext): Promise<string[] | undefined> {
  const b = optional(ctx, 'brokerAddr');
  if (b !== undefined) return [b];
  const c = optional(ctx, 'cluster');
  if (c === undefined) return undefined;
  const ci = await ctx.client.clusterInfo();
  const names = ci.clusterAddrTable.get(c);
  if (names === undefined) throw new Error(`cluster ${c} not found; check -c against clusterList`);
  return names.flatMap((n) => [...(ci.brokerAddrTable.get(n)?.brokerAddrs.values() ?? [])]);
}

function cleanCommand(name: string, description: string, code: number, codeName: string): SubCommand {
  return {
    name,
    description,
    options: [
      { short: 'b', long: 'brokerAddr', value: true, help: 'Broker address' },
      { short: 'c', long: 'cluster', value: true, help: 'clustername' },
    ],
    async execute(ctx) {
      const addrs = await allBrokers(ctx);
      let ok = addrs !== undefined;
      for (const a of addrs ?? []) {
        const r = await ctx.client.call(a, code);
        ok = ok && r.code === ResponseCode.SUCCESS;
        if (r.code !== ResponseCode.SUCCESS) ctx.out(`${codeName} on ${a}: CODE: ${r.code} DESC: ${r.remark ?? ''}`);
      }
      ctx.out(ok ? 'success' : 'false');
    },
  };
}

export const cleanExpiredCQ = cleanCommand('cleanExpiredCQ', 'Clean expired ConsumeQueue on broker.', RequestCode.CLEAN_EXPIRED_CONSUMEQUEUE, 'CLEAN_EXPIRED_CONSUMEQUEUE');
export const cleanUnusedTopic = cleanCommand('cleanUnusedTopic', 'Clean unused topic on broker.', RequestCode.CLEAN_UNUSED_TOPIC, 'CLEAN_UNUSED_TOPIC');
export const deleteExpiredCommitLog = cleanCommand('deleteExpiredCommitLog', 'Delete expired CommitLog files.', RequestCode.DELETE_EXPIRED_COMMITLOG, 'DELETE_EXPIRED_COMMITLOG');

/** The remark of a request that must succeed (Java's admin methods return it or throw). */
async function remarkOf(ctx: CommandContext, addr: string, code: number, name: string, ext: Map<string, string>): Promise<string> {
  return (await callOk(ctx, addr, code, name, ext)).remark ?? 'null';
}

export const setCommitLogReadAheadMode: SubCommand = {
  name: 'setCommitLogReadAheadMode',
  description: 'Set read ahead mode for all commitlog files.',
  options: [
    { short: 'b', long: 'brokerAddr', value: true, help: 'set which broker' },
    { short: 'c', long: 'clusterName', value: true, help: 'set which cluster' },
    { short: 'm', long: 'commitLogReadAheadMode', value: true, required: true, help: 'set the CommitLog read ahead mode; 0 is default, 1 random read' },
  ],
  async execute(ctx) {
    const mode = need(ctx, 'commitLogReadAheadMode');
    if (mode !== '0' && mode !== '1') return ctx.out('set the read mode error; 0 is default, 1 random read');
    const set = async (addr: string): Promise<void> => ctx.out(`commitLog set readAhead mode rstStr${await remarkOf(ctx, addr, RequestCode.SET_COMMITLOG_READ_MODE, 'SET_COMMITLOG_READ_MODE', new Map([['READ_AHEAD_MODE', mode]]))}`);
    const b = optional(ctx, 'brokerAddr');
    if (b !== undefined) {
      ctx.out(`============${b}============`);
      return set(b);
    }
    const c = optional(ctx, 'clusterName');
    if (c === undefined) throw new Error('give a broker (-b host:port) or a cluster (-c name)');
    const ci = await ctx.client.clusterInfo();
    const names = ci.clusterAddrTable.get(c);
    if (names === undefined) throw new Error(`cluster ${c} not found; check -c against clusterList`);
    for (const n of names) {
      const addrs = ci.brokerAddrTable.get(n)?.brokerAddrs;
      const master = addrs?.get(0);
      if (addrs === undefined || master === undefined) continue;
      ctx.out(`============Master: ${master}============`);
      await set(master);
      for (const [id, slave] of addrs) {
        if (id === 0) continue;
        ctx.out(`============My Master: ${master}=====Slave: ${slave}============`);
        await set(slave);
      }
    }
  },
};

export const switchTimerEngine: SubCommand = {
  name: 'switchTimerEngine',
  description: 'switch the engine of timer message in broker',
  options: [
    { short: 'b', long: 'brokerAddr', value: true, help: 'update which broker' },
    { short: 'c', long: 'clusterName', value: true, help: 'update which cluster' },
    { short: 'e', long: 'engineType', value: true, required: true, help: 'R/F, R for rocksdb timeline engine, F for file time wheel engine' },
  ],
  async execute(ctx) {
    const engine = need(ctx, 'engineType');
    if (engine !== 'R' && engine !== 'F') return ctx.out('switchTimerEngine engineType must be R or F');
    const name = engine === 'R' ? 'ROCKSDB_TIMELINE' : 'FILE_TIME_WHEEL';
    for (const t of await targetBrokers(ctx)) {
      await callOk(ctx, t.addr, RequestCode.SWITCH_TIMER_ENGINE, 'SWITCH_TIMER_ENGINE', new Map([['E_T', engine]]));
      ctx.out(`switchTimerEngine to ${name} success, ${t.addr}`);
    }
  },
};

export const updateColdDataFlowCtrGroupConfig: SubCommand = {
  name: 'updateColdDataFlowCtrGroupConfig',
  description: 'Add or update cold data flow ctr group config.',
  options: [
    { short: 'b', long: 'brokerAddr', value: true, help: 'update which broker' },
    { short: 'c', long: 'clusterName', value: true, help: 'update which cluster' },
    { short: 'g', long: 'consumerGroup', value: true, required: true, help: 'specific consumerGroup' },
    { short: 'v', long: 'threshold', value: true, required: true, help: 'cold read threshold value' },
  ],
  async execute(ctx) {
    const body = Buffer.from(`${need(ctx, 'consumerGroup')}=${need(ctx, 'threshold')}\n`, 'utf8');
    for (const t of await targetBrokers(ctx)) {
      await callOk(ctx, t.addr, RequestCode.UPDATE_COLD_DATA_FLOW_CTR_CONFIG, 'UPDATE_COLD_DATA_FLOW_CTR_CONFIG', null, body);
      ctx.out(`updateColdDataFlowCtrGroupConfig success, ${t.addr}`);
    }
  },
};

export const removeColdDataFlowCtrGroupConfig: SubCommand = {
  name: 'removeColdDataFlowCtrGroupConfig',
  description: 'Remove consumer from cold ctr config.',
  options: [
    { short: 'b', long: 'brokerAddr', value: true, help: 'update which broker' },
    { short: 'c', long: 'clusterName', value: true, help: 'update which cluster' },
    { short: 'g', long: 'consumerGroup', value: true, required: true, help: 'the consumer group will remove from the config' },
  ],
  async execute(ctx) {
    const body = Buffer.from(need(ctx, 'consumerGroup'), 'utf8');
    for (const t of await targetBrokers(ctx)) {
      await callOk(ctx, t.addr, RequestCode.REMOVE_COLD_DATA_FLOW_CTR_CONFIG, 'REMOVE_COLD_DATA_FLOW_CTR_CONFIG', null, body);
      ctx.out(`remove broker cold read threshold success, ${t.addr}`);
    }
  },
};
