import { ConsumeStats, ConsumerConnection, isJsonObject, parseJson, ProducerConnection, type OffsetWrapper, type QueueMap } from '../../../protocol/bodies';
import { mqVersionDesc, RequestCode, ResponseCode } from '../../../protocol/codes';
import { RETRY_GROUP_TOPIC_PREFIX } from '../../../protocol/naming';
import { jfmt, need, optional, type CommandContext, type SubCommand } from '../command';
import { hashOrderBy, javaStringHash } from '../java-order';
import { callBody, callOk, compareQueues, front, intOpt, javaBool, javaDateTime, selectBrokerAddr } from '../util';

/**
 * Consumer and producer inspection: consumerProgress, consumerConnection, producerConnection, brokerConsumeStats.
 * Java: tools/.../command/consumer/ConsumerProgressSubCommand.java, connection/{Consumer,Producer}ConnectionSubCommand
 * .java, broker/BrokerConsumeStatsSubCommad.java; the lookups are DefaultMQAdminExtImpl#examineConsumeStats and
 * #examineConsumerConnectionInfo.
 */

/** A broker serving `topic` (Java picks one at random; the first is as good and deterministic). */
async function someBrokerOf(ctx: CommandContext, topic: string): Promise<string> {
  const route = await ctx.client.routeOf(topic, 0);
  if (route === undefined) throw new Error(`No topic route info in name server for the topic: ${topic}`);
  const bd = route.brokerDatas[0];
  const addr = bd === undefined ? undefined : selectBrokerAddr(bd.brokerAddrs);
  if (addr === undefined) throw new Error(`topic ${topic} has no broker address in its route`);
  return addr;
}

/** A broker's non-success answer: its response code and remark (Java's MQBrokerException). */
export class BrokerRefusal extends Error {
  constructor(readonly code: number, readonly remark: string, message: string) {
    super(message);
  }
}

export async function examineConsumerConnection(ctx: CommandContext, group: string, brokerAddr?: string): Promise<ConsumerConnection> {
  const addr = brokerAddr ?? (await someBrokerOf(ctx, RETRY_GROUP_TOPIC_PREFIX + group));
  const r = await ctx.client.call(addr, RequestCode.GET_CONSUMER_CONNECTION_LIST, new Map([['consumerGroup', group]]));
  // The broker's own refusal (Java: an MQBrokerException carrying its code and remark) is kept apart for messageTracks.
  if (r.code !== ResponseCode.SUCCESS) throw new BrokerRefusal(r.code, r.remark ?? '', `CODE: ${ResponseCode.CONSUMER_NOT_ONLINE}  DESC: Not found the consumer group connection (group ${group}: no consumer online; start one or check -g)`);
  if (r.body !== null) {
    const d = ConsumerConnection.decode(r.body);
    if (!d.ok) throw new Error(`GET_CONSUMER_CONNECTION_LIST on ${addr}: unreadable body: ${d.error}`);
    if (d.value.connectionSet.length > 0) return d.value;
  }
  throw new Error(`CODE: ${ResponseCode.CONSUMER_NOT_ONLINE}  DESC: Not found the consumer group connection (group ${group}: no consumer online; start one or check -g)`);
}

/** Java DefaultMQAdminExtImpl#examineConsumeStats(group[, topic]): GET_CONSUME_STATS on every broker of the route, merged. */
export async function examineConsumeStats(ctx: CommandContext, group: string, topic?: string): Promise<{ tps: number; table: QueueMap<OffsetWrapper> }> {
  let route;
  for (const t of [RETRY_GROUP_TOPIC_PREFIX + group, ...(topic !== undefined ? [topic] : [])]) {
    route = await ctx.client.routeOf(t, 0).catch(() => undefined);
    if (route !== undefined) break;
  }
  if (route === undefined) throw new Error(`No topic route info in name server for the topic: ${RETRY_GROUP_TOPIC_PREFIX}${group} (the group has never consumed; check -g)`);
  let tps = 0;
  const table: QueueMap<OffsetWrapper> = [];
  for (const bd of route.brokerDatas) {
    const addr = selectBrokerAddr(bd.brokerAddrs);
    if (addr === undefined) continue;
    const ext = new Map([['consumerGroup', group], ...(topic !== undefined ? [['topic', topic] as [string, string]] : [])]);
    const s = await callBody(ctx, addr, RequestCode.GET_CONSUME_STATS, 'GET_CONSUME_STATS', ConsumeStats, ext);
    tps += s.consumeTps;
    table.push(...s.offsetTable);
  }
  if (table.length === 0) {
    const cc = await examineConsumerConnection(ctx, group).catch(() => {
      throw new Error(`CODE: ${ResponseCode.CONSUMER_NOT_ONLINE}  DESC: Not found the consumer group consume stats, because return offset table is empty, maybe the consumer not online`);
    });
    if (cc.messageModel === 'BROADCASTING') throw new Error('Not found the consumer group consume stats, because return offset table is empty, the consumer is under the broadcast mode');
  }
  return { tps, table: table.sort((a, b) => compareQueues(a[0], b[0])) };
}

/**
 * Which client holds each queue (Java ConsumerProgressSubCommand#getMessageQueueAllocationResult): every connected
 * client's ConsumerRunningInfo.mqTable, asked through the broker (GET_CONSUMER_RUNNING_INFO); the client id's part
 * before '@' is its IP. Lookup failures leave the queue at N/A, as Java does.
 */
async function queueOwners(ctx: CommandContext, group: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const addr = await someBrokerOf(ctx, RETRY_GROUP_TOPIC_PREFIX + group).catch(() => undefined);
  const cc = await examineConsumerConnection(ctx, group).catch(() => undefined);
  if (addr === undefined || cc === undefined) return out;
  for (const c of cc.connectionSet) {
    const r = await ctx.client.call(addr, RequestCode.GET_CONSUMER_RUNNING_INFO, new Map([['consumerGroup', group], ['clientId', c.clientId], ['jstackEnable', 'false']])).catch(() => undefined);
    if (r === undefined || r.code !== ResponseCode.SUCCESS || r.body === null) continue;
    let tree;
    try {
      tree = parseJson(r.body);
    } catch {
      continue;
    }
    const table = isJsonObject(tree) ? tree.get('mqTable') : undefined;
    if (!isJsonObject(table)) continue;
    for (const [k] of table.entries) {
      if (!isJsonObject(k)) continue;
      out.set(`${String(k.get('topic'))}\u0000${String(k.get('brokerName'))}\u0000${String(k.get('queueId'))}`, c.clientId.split('@')[0]!);
    }
  }
  return out;
}

function minVersion(cc: ConsumerConnection): number {
  return Math.min(...cc.connectionSet.map((c) => c.version));
}

export const consumerProgress: SubCommand = {
  name: 'consumerProgress',
  description: "Query consumer's progress, speed.",
  options: [
    { short: 'g', long: 'groupName', value: true, help: 'consumer group name' },
    { short: 't', long: 'topicName', value: true, help: 'topic name' },
    { short: 's', long: 'showClientIP', value: true, help: 'Show Client IP per Queue' },
    { short: 'c', long: 'cluster', value: true, help: 'Cluster name or lmq parent topic, lmq is used to find the route.' },
  ],
  async execute(ctx) {
    const group = optional(ctx, 'groupName');
    if (group === undefined) return allGroups(ctx);
    const showIp = javaBool(optional(ctx, 'showClientIP'));
    const stats = await examineConsumeStats(ctx, group, optional(ctx, 'topicName'));
    const clientOf = showIp ? await queueOwners(ctx, group) : new Map<string, string>();
    const head = showIp ? '%-64s  %-32s  %-4s  %-20s  %-20s  %-20s %-20s %-20s%s' : '%-64s  %-32s  %-4s  %-20s  %-20s  %-20s %-20s%s';
    ctx.out(jfmt(head, '#Topic', '#Broker Name', '#QID', '#Broker Offset', '#Consumer Offset', ...(showIp ? ['#Client IP'] : []), '#Diff', '#Inflight', '#LastTime'));
    let diffTotal = 0;
    let inflightTotal = 0;
    for (const [mq, w] of stats.table) {
      const diff = w.brokerOffset - w.consumerOffset;
      const inflight = (w.pullOffset ?? 0) - w.consumerOffset;
      diffTotal += diff;
      inflightTotal += inflight;
      const last = w.lastTimestamp === 0 ? 'N/A' : javaDateTime(w.lastTimestamp);
      const ip = clientOf.get(`${mq.topic}\u0000${mq.brokerName}\u0000${mq.queueId}`) ?? 'N/A';
      const row = showIp ? '%-64s  %-32s  %-4d  %-20d  %-20d  %-20s %-20d %-20d %s' : '%-64s  %-32s  %-4d  %-20d  %-20d  %-20d %-20d %s';
      ctx.out(jfmt(row, front(mq.topic, 64), front(mq.brokerName, 32), mq.queueId, w.brokerOffset, w.consumerOffset, ...(showIp ? [ip] : []), diff, inflight, last));
    }
    ctx.out('');
    ctx.out(`Consume TPS: ${stats.tps.toFixed(2)}`);
    ctx.out(`Consume Diff Total: ${diffTotal}`);
    ctx.out(`Consume Inflight Total: ${inflightTotal}`);
  },
};

/** consumerProgress without -g: one line per group that has a %RETRY% topic. */
async function allGroups(ctx: CommandContext): Promise<void> {
  ctx.out(jfmt('%-64s  %-6s  %-24s %-5s  %-14s  %-7s  %s', '#Group', '#Count', '#Version', '#Type', '#Model', '#TPS', '#Diff Total'));
  for (const topic of hashOrderBy(await ctx.client.topicList(), javaStringHash)) {
    if (!topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) continue;
    const group = topic.slice(RETRY_GROUP_TOPIC_PREFIX.length);
    const stats = await examineConsumeStats(ctx, group).catch(() => undefined);
    const cc = await examineConsumerConnection(ctx, group).catch(() => undefined);
    const count = cc?.connectionSet.length ?? 0;
    const pull = cc?.consumeType === 'CONSUME_ACTIVELY';
    const diff = stats?.table.reduce((s, [, w]) => s + w.brokerOffset - w.consumerOffset, 0) ?? 0;
    ctx.out(
      jfmt(
        '%-64s  %-6d  %-24s %-5s  %-14s  %-7d  %d',
        front(group, 64),
        count,
        count > 0 ? mqVersionDesc(minVersion(cc!)) : 'OFFLINE',
        count > 0 ? (pull ? 'PULL' : 'PUSH') : '',
        count > 0 && !pull ? (cc!.messageModel ?? '') : '',
        Math.trunc(stats?.tps ?? 0),
        diff,
      ),
    );
  }
}

export const consumerConnection: SubCommand = {
  name: 'consumerConnection',
  description: "Query consumer's socket connection, client version and subscription.",
  options: [
    { short: 'g', long: 'consumerGroup', value: true, required: true, help: 'consumer group name' },
    { short: 'b', long: 'brokerAddr', value: true, help: 'broker address' },
  ],
  async execute(ctx) {
    const cc = await examineConsumerConnection(ctx, need(ctx, 'consumerGroup'), optional(ctx, 'brokerAddr'));
    ctx.out(jfmt('%-36s %-22s %-10s %s', '#ClientId', '#ClientAddr', '#Language', '#Version'));
    for (const c of cc.connectionSet) ctx.out(jfmt('%-36s %-22s %-10s %s', c.clientId, c.clientAddr, c.language ?? 'null', mqVersionDesc(c.version)));
    ctx.out('');
    ctx.out('Below is subscription:');
    ctx.out(jfmt('%-20s %s', '#Topic', '#SubExpression'));
    for (const sd of cc.subscriptionTable.values()) ctx.out(jfmt('%-20s %s', sd.topic, sd.subString ?? 'null'));
    ctx.out('');
    ctx.out(`ConsumeType: ${cc.consumeType ?? 'null'}`);
    ctx.out(`MessageModel: ${cc.messageModel ?? 'null'}`);
    ctx.out(`ConsumeFromWhere: ${cc.consumeFromWhere ?? 'null'}`);
  },
};

export const producerConnection: SubCommand = {
  name: 'producerConnection',
  description: "Query producer's socket connection and client version.",
  options: [
    { short: 'g', long: 'producerGroup', value: true, required: true, help: 'producer group name' },
    { short: 't', long: 'topic', value: true, required: true, help: 'topic name' },
  ],
  async execute(ctx) {
    const group = need(ctx, 'producerGroup');
    const addr = await someBrokerOf(ctx, need(ctx, 'topic'));
    const r = await ctx.client.call(addr, RequestCode.GET_PRODUCER_CONNECTION_LIST, new Map([['producerGroup', group]]));
    const d = r.code === ResponseCode.SUCCESS && r.body !== null ? ProducerConnection.decode(r.body) : undefined;
    if (d !== undefined && !d.ok) throw new Error(`GET_PRODUCER_CONNECTION_LIST on ${addr}: unreadable body: ${d.error}`);
    const set = d?.ok === true ? d.value.connectionSet : [];
    if (set.length === 0) throw new Error(`Not found the producer group connection (group ${group} on ${addr}: no producer online; check -g)`);
    set.forEach((c, i) => ctx.out(jfmt('%s  %-32s %-22s %-8s %s', String(i + 1).padStart(4, '0'), c.clientId, c.clientAddr, c.language ?? 'null', mqVersionDesc(c.version))));
  },
};

export const brokerConsumeStats: SubCommand = {
  name: 'brokerConsumeStats',
  description: 'Fetch broker consume stats data.',
  options: [
    { short: 'b', long: 'brokerAddr', value: true, required: true, help: 'Broker address' },
    { short: 't', long: 'timeoutMillis', value: true, help: 'request timeout Millis' },
    { short: 'l', long: 'level', value: true, help: 'threshold of print diff' },
    { short: 'o', long: 'order', value: true, help: 'order topic' },
  ],
  async execute(ctx) {
    const addr = need(ctx, 'brokerAddr');
    const level = intOpt(ctx, 'level', 0);
    const r = await callOk(ctx, addr, RequestCode.GET_BROKER_CONSUME_STATS, 'GET_BROKER_CONSUME_STATS', new Map([['isOrder', String(javaBool(optional(ctx, 'order')))]]));
    const tree = parseJson(r.body ?? '{}');
    if (!isJsonObject(tree)) throw new Error(`GET_BROKER_CONSUME_STATS on ${addr}: the body is not a ConsumeStatsList`);
    ctx.out(jfmt('%-64s  %-64s  %-32s  %-4s  %-20s  %-20s  %-20s  %s', '#Topic', '#Group', '#Broker Name', '#QID', '#Broker Offset', '#Consumer Offset', '#Diff', '#LastTime'));
    const list = tree.get('consumeStatsList');
    for (const m of Array.isArray(list) ? list : []) {
      if (!isJsonObject(m)) continue;
      for (const [group, arr] of m.entries) {
        for (const one of Array.isArray(arr) ? arr : []) {
          const d = ConsumeStats.read(one);
          if (!d.ok) throw new Error(`GET_BROKER_CONSUME_STATS on ${addr}: ${d.error}`);
          for (const [mq, w] of [...d.value.offsetTable].sort((a, b) => compareQueues(a[0], b[0]))) {
            const diff = w.brokerOffset - w.consumerOffset;
            if (diff < level || w.lastTimestamp <= 0) continue;
            ctx.out(jfmt('%-64s  %-64s  %-32s  %-4d  %-20d  %-20d  %-20d  %s', front(mq.topic, 64), String(group), front(mq.brokerName, 32), mq.queueId, w.brokerOffset, w.consumerOffset, diff, javaDateTime(w.lastTimestamp)));
          }
        }
      }
    }
    ctx.out('');
    ctx.out(`Diff Total: ${String(tree.get('totalDiff') ?? 0)}`);
  },
};
