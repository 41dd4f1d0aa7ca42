import * as fs from 'node:fs';
import { CreateTopicListRequestBody, isJsonObject, parseJson, SubscriptionGroupList, type JsonValue } from '../../../protocol/bodies';
import { RequestCode } from '../../../protocol/codes';
import { need, optional, type CommandContext, type SubCommand } from '../command';
import { callOk, intOpt, selectBrokerAddr, targetBrokers } from '../util';

/**
 * Batch metadata from a JSON file (updateTopicList, updateSubGroupList) and queryCq. Java: tools/.../command/topic/
 * UpdateTopicListSubCommand.java, consumer/UpdateSubGroupListSubCommand.java, queue/QueryConsumeQueueCommand.java.
 */

/** The file's JSON array, wrapped as the request body's one list property. */
function readList(ctx: CommandContext, property: string): string | undefined {
  const file = need(ctx, 'filename');
  if (!fs.existsSync(file)) {
    ctx.out(`the file path ${file} does not exists`);
    return undefined;
  }
  const text = fs.readFileSync(file, 'utf8').trim();
  if (!text.startsWith('[')) throw new Error(`${file}: expected a JSON array of configs`);
  return `{"${property}":${text}}`;
}

export const updateTopicList: SubCommand = {
  name: 'updateTopicList',
  description: 'create or update topic in batch',
  options: [
    { short: 'b', long: 'brokerAddr', value: true, help: 'create topic to which broker' },
    { short: 'c', long: 'clusterName', value: true, help: 'create topic to which cluster' },
    { short: 'f', long: 'filename', value: true, required: true, help: 'Path to a file with list of org.apache.rocketmq.common.TopicConfig in json format' },
  ],
  async execute(ctx) {
    const text = readList(ctx, 'topicConfigList');
    if (text === undefined) return;
    const d = CreateTopicListRequestBody.decode(text);
    if (!d.ok) throw new Error(`${need(ctx, 'filename')}: not a list of TopicConfig: ${d.error}`);
    if (d.value.topicConfigList.length === 0) return;
    const body = CreateTopicListRequestBody.encode(d.value);
    for (const t of await targetBrokers(ctx)) {
      await callOk(ctx, t.addr, RequestCode.UPDATE_AND_CREATE_TOPIC_LIST, 'UPDATE_AND_CREATE_TOPIC_LIST', null, body);
      ctx.out(`submit batch of topic config to ${t.addr} success, please check the result later.`);
    }
  },
};

export const updateSubGroupList: SubCommand = {
  name: 'updateSubGroupList',
  description: 'Update or create subscription group in batch',
  options: [
    { short: 'b', long: 'brokerAddr', value: true, help: 'create groups to which broker' },
    { short: 'c', long: 'clusterName', value: true, help: 'create groups to which cluster' },
    { short: 'f', long: 'filename', value: true, required: true, help: 'Path to a file with a list of org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig in json format' },
  ],
  async execute(ctx) {
    const text = readList(ctx, 'groupConfigList');
    if (text === undefined) return;
    const d = SubscriptionGroupList.decode(text);
    if (!d.ok) throw new Error(`${need(ctx, 'filename')}: not a list of SubscriptionGroupConfig: ${d.error}`);
    if (d.value.groupConfigList.length === 0) return;
    const body = SubscriptionGroupList.encode(d.value);
    const single = optional(ctx, 'brokerAddr') !== undefined;
    for (const t of await targetBrokers(ctx)) {
      await callOk(ctx, t.addr, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST, 'UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST', null, body);
      // Java words the two paths differently.
      ctx.out(`submit batch of ${single ? 'group' : 'subscription group'} config to ${t.addr} success, please check the result later.`);
    }
  },
};

const field = (o: JsonValue, k: string): string => (isJsonObject(o) ? String(o.get(k) ?? 'null') : 'null');

export const queryCq: SubCommand = {
  name: 'queryCq',
  description: 'Query cq command.',
  options: [
    { short: 't', long: 'topic', value: true, required: true, help: 'topic name' },
    { short: 'q', long: 'queue', value: true, required: true, help: 'queue num, ie. 1' },
    { short: 'i', long: 'index', value: true, required: true, help: 'start queue index.' },
    { short: 'c', long: 'count', value: true, help: 'how many.' },
    { short: 'b', long: 'broker', value: true, help: 'broker addr.' },
    { short: 'g', long: 'consumer', value: true, help: 'consumer group.' },
  ],
  async execute(ctx) {
    const topic = need(ctx, 'topic');
    const index = intOpt(ctx, 'index', 0);
    let broker = optional(ctx, 'broker');
    if (broker === undefined) {
      const route = await ctx.client.routeOf(topic, 0);
      const bd = route?.brokerDatas[0];
      broker = bd === undefined ? undefined : bd.brokerAddrs.get(0) ?? selectBrokerAddr(bd.brokerAddrs);
      if (broker === undefined) throw new Error(`No topic route data! (topic ${topic})`);
    }
    const group = optional(ctx, 'consumer');
    const ext = new Map([['topic', topic], ['queueId', String(intOpt(ctx, 'queue', 0))], ['index', String(index)], ['count', String(intOpt(ctx, 'count', 10))], ...(group !== undefined ? [['consumerGroup', group] as [string, string]] : [])]);
    const r = await callOk(ctx, broker, RequestCode.QUERY_CONSUME_QUEUE, 'QUERY_CONSUME_QUEUE', ext);
    const tree = parseJson(r.body ?? '{}');
    if (!isJsonObject(tree)) throw new Error(`QUERY_CONSUME_QUEUE on ${broker}: the body is not a QueryConsumeQueueResponseBody`);
    const sep = '======================================';
    const sub = tree.get('subscriptionData');
    if (sub !== undefined && sub !== null) {
      ctx.out(`Subscription data: \n${JSON.stringify(sub, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : isJsonObject(v) ? Object.fromEntries(v.entries.map(([k, x]) => [String(k), x])) : v), '\t')}`);
      ctx.out(sep);
    }
    const filter = tree.get('filterData');
    if (filter !== undefined && filter !== null) {
      ctx.out(`Filter data: \n${String(filter)}`);
      ctx.out(sep);
    }
    ctx.out(`Queue data: \nmax: ${String(tree.get('maxQueueIndex') ?? 0)}, min: ${String(tree.get('minQueueIndex') ?? 0)}`);
    ctx.out(sep);
    const data = tree.get('queueData');
    let i = index;
    for (const q of Array.isArray(data) ? data : []) {
      ctx.out(`idx: ${i++}`);
      ctx.out(`ConsumeQueueData{physicOffset=${field(q, 'physicOffset')}, physicSize=${field(q, 'physicSize')}, tagsCode=${field(q, 'tagsCode')}, extendDataJson='${field(q, 'extendDataJson')}', bitMap='${field(q, 'bitMap')}', eval=${field(q, 'eval')}, msg='${field(q, 'msg')}'}`);
      ctx.out(sep);
    }
  },
};
