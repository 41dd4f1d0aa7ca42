import { GroupRetryPolicy, SubscriptionGroupConfig, type SubscriptionGroupConfig as GroupConfig } from '../../../protocol/bodies';
import { RequestCode } from '../../../protocol/codes';
import { DLQ_GROUP_TOPIC_PREFIX, RETRY_GROUP_TOPIC_PREFIX } from '../../../protocol/naming';
import { jfmt, need, optional, type CommandContext, type SubCommand } from '../command';
import { callOk, intOpt, javaBool, mastersOf, selectBrokerAddr, targetBrokers } from '../util';

/**
 * Subscription-group commands: updateSubGroup, deleteSubGroup, getConsumerConfig. Java:
 * tools/.../command/consumer/{UpdateSubGroupSubCommand,DeleteSubscriptionGroupCommand,GetConsumerConfigSubCommand}.java.
 */

function policyString(p: GroupRetryPolicy | undefined): string {
  if (p === undefined) return 'null';
  const exp = p.exponentialRetryPolicy === undefined ? 'null' : `ExponentialRetryPolicy{initial=${p.exponentialRetryPolicy.initial}, max=${p.exponentialRetryPolicy.max}, multiplier=${p.exponentialRetryPolicy.multiplier}}`;
  const cus = p.customizedRetryPolicy === undefined ? 'null' : `CustomizedRetryPolicy{next=[${p.customizedRetryPolicy.next.join(', ')}]}`;
  return `GroupRetryPolicy{type=${p.type}, exponentialRetryPolicy=${exp}, customizedRetryPolicy=${cus}}`;
}

function mapString(m: Map<string, string> | undefined): string {
  return m === undefined ? 'null' : `{${[...m].map(([k, v]) => `${k}=${v}`).join(', ')}}`;
}

/** The config's fields in Java declaration order, as getConsumerConfig and SubscriptionGroupConfig#toString list them. */
function groupFields(c: GroupConfig): [string, string][] {
  return [
    ['groupName', c.groupName],
    ['consumeEnable', String(c.consumeEnable)],
    ['consumeFromMinEnable', String(c.consumeFromMinEnable)],
    ['consumeBroadcastEnable', String(c.consumeBroadcastEnable)],
    ['consumeMessageOrderly', String(c.consumeMessageOrderly ?? false)],
    ['retryQueueNums', String(c.retryQueueNums)],
    ['retryMaxTimes', String(c.retryMaxTimes)],
    ['groupRetryPolicy', policyString(c.groupRetryPolicy)],
    ['brokerId', String(c.brokerId)],
    ['whichBrokerWhenConsumeSlowly', String(c.whichBrokerWhenConsumeSlowly)],
    ['notifyConsumerIdsChangedEnable', String(c.notifyConsumerIdsChangedEnable)],
    ['groupSysFlag', String(c.groupSysFlag ?? 0)],
    ['consumeTimeoutMinute', String(c.consumeTimeoutMinute ?? 15)],
    ['subscriptionDataSet', c.subscriptionDataSet === undefined ? 'null' : `[${c.subscriptionDataSet.map((s) => `SimpleSubscriptionData{topic='${s.topic}', expressionType='${s.expressionType}', expression='${s.expression}', version=${s.version}}`).join(', ')}]`],
    ['attributes', mapString(c.attributes)],
  ];
}

/** Java AttributeParser.parseToMap: "+a=b,+c=d,-e" (a '-' key has an empty value). */
export function parseAttributes(s: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of s.split(',').map((x) => x.trim()).filter((x) => x !== '')) {
    if (part.startsWith('+')) {
      const i = part.indexOf('=');
      if (i < 2) throw new Error(`attribute "${part}": write +key=value or -key`);
      m.set(part.slice(0, i), part.slice(i + 1));
    } else if (part.startsWith('-')) {
      if (part.includes('=')) throw new Error(`attribute "${part}": a removal (-key) takes no value`);
      m.set(part, '');
    } else throw new Error(`attribute "${part}": start with + (add) or - (remove)`);
  }
  return m;
}

function groupFromOptions(ctx: CommandContext): GroupConfig {
  const c = SubscriptionGroupConfig.make({ groupName: need(ctx, 'groupName') });
  c.consumeBroadcastEnable = false;
  c.consumeFromMinEnable = false;
  const b = (long: string, set: (v: boolean) => void): void => {
    const v = optional(ctx, long);
    if (v !== undefined) set(javaBool(v));
  };
  b('consumeEnable', (v) => (c.consumeEnable = v));
  b('consumeFromMinEnable', (v) => (c.consumeFromMinEnable = v));
  b('consumeBroadcastEnable', (v) => (c.consumeBroadcastEnable = v));
  b('consumeMessageOrderly', (v) => (c.consumeMessageOrderly = v));
  b('notifyConsumerIdsChanged', (v) => (c.notifyConsumerIdsChangedEnable = v));
  c.retryQueueNums = intOpt(ctx, 'retryQueueNums', c.retryQueueNums);
  c.retryMaxTimes = intOpt(ctx, 'retryMaxTimes', c.retryMaxTimes);
  c.brokerId = intOpt(ctx, 'brokerId', c.brokerId);
  c.whichBrokerWhenConsumeSlowly = intOpt(ctx, 'whichBrokerWhenConsumeSlowly', c.whichBrokerWhenConsumeSlowly);
  const p = optional(ctx, 'groupRetryPolicy');
  if (p !== undefined) {
    const d = GroupRetryPolicy.decode(p);
    if (!d.ok) throw new Error(`--groupRetryPolicy is not a retry policy: ${d.error}`);
    c.groupRetryPolicy = d.value;
  }
  const a = optional(ctx, 'attributes');
  if (a !== undefined) c.attributes = parseAttributes(a);
  return c;
}

export const updateSubGroup: SubCommand = {
  name: 'updateSubGroup',
  description: 'Update or create subscription group.',
  options: [
    { short: 'b', long: 'brokerAddr', value: true, help: 'create subscription group to which broker' },
    { short: 'c', long: 'clusterName', value: true, help: 'create subscription group to which cluster' },
    { short: 'g', long: 'groupName', value: true, required: true, help: 'consumer group name' },
    { short: 's', long: 'consumeEnable', value: true, help: 'consume enable' },
    { short: 'm', long: 'consumeFromMinEnable', value: true, help: 'from min offset' },
    { short: 'd', long: 'consumeBroadcastEnable', value: true, help: 'broadcast' },
    { short: 'o', long: 'consumeMessageOrderly', value: true, help: 'consume message orderly' },
    { short: 'q', long: 'retryQueueNums', value: true, help: 'retry queue nums' },
    { short: 'r', long: 'retryMaxTimes', value: true, help: 'retry max times' },
    { short: 'p', long: 'groupRetryPolicy', value: true, help: 'the json string of retry policy ( exp: {"type":"EXPONENTIAL","exponentialRetryPolicy":{"initial":5000,"max":7200000,"multiplier":2}} )' },
    { short: 'i', long: 'brokerId', value: true, help: 'consumer from which broker id' },
    { short: 'w', long: 'whichBrokerWhenConsumeSlowly', value: true, help: 'which broker id when consume slowly' },
    { short: 'a', long: 'notifyConsumerIdsChanged', value: true, help: 'notify consumerId changed' },
    { short: '', long: 'attributes', value: true, help: 'attribute(+a=b,+c=d,-e)' },
  ],
  async execute(ctx) {
    const c = groupFromOptions(ctx);
    const targets = await targetBrokers(ctx);
    const body = SubscriptionGroupConfig.encode(c);
    for (const t of targets) {
      await callOk(ctx, t.addr, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, 'UPDATE_AND_CREATE_SUBSCRIPTIONGROUP', null, body);
      ctx.out(`create subscription group to ${t.addr} success.`);
    }
    ctx.out(`SubscriptionGroupConfig{${groupFields(c).map(([k, v]) => `${k}=${v}`).join(', ')}}`);
  },
};

export const deleteSubGroup: SubCommand = {
  name: 'deleteSubGroup',
  description: 'Delete subscription group from broker.',
  options: [
    { short: 'b', long: 'brokerAddr', value: true, help: 'delete subscription group from which broker' },
    { short: 'c', long: 'clusterName', value: true, help: 'delete subscription group from which cluster' },
    { short: 'g', long: 'groupName', value: true, required: true, help: 'subscription group name' },
    { short: 'r', long: 'removeOffset', value: true, help: 'remove offset' },
  ],
  async execute(ctx) {
    const group = need(ctx, 'groupName');
    const ext = new Map([['groupName', group], ['cleanOffset', String(javaBool(optional(ctx, 'removeOffset')))]]);
    const b = optional(ctx, 'brokerAddr');
    if (b !== undefined) {
      await callOk(ctx, b, RequestCode.DELETE_SUBSCRIPTIONGROUP, 'DELETE_SUBSCRIPTIONGROUP', ext);
      ctx.out(`delete subscription group [${group}] from broker [${b}] success.`);
      return;
    }
    const cluster = optional(ctx, 'clusterName');
    if (cluster === undefined) throw new Error('give a broker (-b host:port) or a cluster (-c name)');
    const masters = await mastersOf(ctx, cluster);
    for (const m of masters) {
      await callOk(ctx, m.addr, RequestCode.DELETE_SUBSCRIPTIONGROUP, 'DELETE_SUBSCRIPTIONGROUP', ext);
      ctx.out(`delete subscription group [${group}] from broker [${m.addr}] in cluster [${cluster}] success.`);
    }
    // Java also deletes the group's %RETRY% and %DLQ% topics from the cluster's brokers and the NameServers.
    for (const topic of [RETRY_GROUP_TOPIC_PREFIX + group, DLQ_GROUP_TOPIC_PREFIX + group]) {
      for (const m of masters) await ctx.client.call(m.addr, RequestCode.DELETE_TOPIC_IN_BROKER, new Map([['topic', topic]]));
      for (const ns of ctx.client.nameServers) await ctx.client.call(ns, RequestCode.DELETE_TOPIC_IN_NAMESRV, new Map([['topic', topic], ['clusterName', cluster]]));
    }
  },
};

export const getConsumerConfig: SubCommand = {
  name: 'getConsumerConfig',
  description: 'Get consumer config by subscription group name.',
  options: [{ short: 'g', long: 'groupName', value: true, required: true, help: 'subscription group name' }],
  async execute(ctx) {
    const group = need(ctx, 'groupName');
    const ci = await ctx.client.clusterInfo();
    for (const [brokerName, bd] of ci.brokerAddrTable) {
      const addr = selectBrokerAddr(bd.brokerAddrs);
      if (addr === undefined) continue;
      const cluster = [...ci.clusterAddrTable].find(([, names]) => names.includes(brokerName))?.[0] ?? 'null';
      const r = await ctx.client.call(addr, RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, new Map([['group', group]]));
      if (r.code !== 0 || r.body === null) continue;
      const d = SubscriptionGroupConfig.decode(r.body);
      if (!d.ok) throw new Error(`GET_SUBSCRIPTIONGROUP_CONFIG on ${addr}: unreadable body: ${d.error}`);
      ctx.out(`=============================${cluster}:${brokerName}=============================`);
      for (const [k, v] of groupFields(d.value)) ctx.out(jfmt('%-40s=  %s', k, v === 'null' ? '' : v));
    }
  },
};
