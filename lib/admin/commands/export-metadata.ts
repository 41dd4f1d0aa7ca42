import * as fs from 'node:fs';
import * as path from 'node:path';
import { outMap, SubscriptionGroupConfig, type Body, SubscriptionGroupWrapper, TopicConfig, TopicConfigSerializeWrapper, TopicList, writeJson, type Out } from '../../../protocol/bodies';
import { RequestCode } from '../../../protocol/codes';
import { CID_RMQ_SYS_PREFIX, isSystemTopic } from '../../../protocol/naming';
import { optional, type CommandContext, type SubCommand } from '../command';
import { decodedConcurrentMapOrder, hashOrderBy, javaStringHash, propertiesOrder } from '../java-order';
import { callBody, callOk, mastersOf } from '../util';
import { EXPORT_DIR } from './export';

/**
 * exportMetadata: a broker's (-b) or a cluster's (-c) user topics and subscription groups, written as Java writes
 * them (fastjson2 PrettyFormat). Java: tools/.../command/export/ExportMetadataCommand.java over
 * DefaultMQAdminExtImpl#getUserTopicConfig (system topics, retry/DLQ unless -s, invalid perms dropped) and
 * #getUserSubscriptionGroup (system and predefined groups dropped). With -c the queue counts of a topic (and the retry
 * queues of a group) on several masters are summed, and the file gets exportTime.
 */

/** Java MixAll.PREDEFINE_GROUP_SET. */
const PREDEFINED_GROUPS: ReadonlySet<string> = new Set([
  'DEFAULT_CONSUMER', 'DEFAULT_PRODUCER', 'TOOLS_CONSUMER', 'SCHEDULE_CONSUMER', 'FILTERSRV_CONSUMER', '__MONITOR_CONSUMER',
  'CLIENT_INNER_PRODUCER', 'SELF_TEST_P_GROUP', 'SELF_TEST_C_GROUP', 'CID_ONS-HTTP-PROXY', 'CID_ONSAPI_PERMISSION',
  'CID_ONSAPI_OWNER', 'CID_ONSAPI_PULL', 'CID_RMQ_SYS_TRANS',
]);

/** Java PermName#isValid: perm < PERM_PRIORITY|PERM_READ|PERM_WRITE|PERM_INHERIT + 1 ... in effect 0..15. */
const permValid = (perm: number): boolean => perm >= 0 && perm < 16;

/** Java ClientConfig#maxPageSizeInGetMetadata: entries per page of GET_ALL_TOPIC_CONFIG / GET_ALL_SUBSCRIPTIONGROUP_CONFIG. */
const METADATA_PAGE_ENTRIES = 2000;

/**
 * The order client 5.5.0 ends up with (MQClientAPIImpl#getAllTopicConfig / #getAllSubscriptionGroup): it asks page
 * by page (seq, max 2000, dataVersion), decodes each page into a ConcurrentHashMap (entries put one by one, resizes
 * included: propertiesOrder) and putAll's it into a fresh ConcurrentHashMap (decodedConcurrentMapOrder). Asking the
 * same pages matters: a paged broker answers in its own page order (Apogee: by name). Exact for one page; with more
 * pages the pages' orders are concatenated first (an approximation).
 */
function clientMapOrder(pages: string[][]): string[] {
  return decodedConcurrentMapOrder(pages.flatMap((p) => propertiesOrder(p)));
}

/** Every page of a paged metadata request, as Java's client asks for them. */
async function pages<T>(ctx: CommandContext, addr: string, code: number, name: string, type: Body<T>, seqKey: string, maxKey: string, keysOf: (v: T) => string[], total: (h: Map<string, string> | null) => number | undefined): Promise<{ first: T; keys: string[][]; merged: T[] }> {
  const keys: string[][] = [];
  const merged: T[] = [];
  let seq = 0;
  for (;;) {
    const r = await callOk(ctx, addr, code, name, new Map([[seqKey, String(seq)], [maxKey, String(METADATA_PAGE_ENTRIES)], ['dataVersion', '']]));
    const d = type.decode(r.body ?? Buffer.alloc(0));
    if (!d.ok) throw new Error(`${name} on ${addr}: unreadable body: ${d.error}`);
    const k = keysOf(d.value);
    keys.push(k);
    merged.push(d.value);
    seq += k.length;
    const all = total(r.extFields);
    if (all === undefined || k.length === 0 || seq >= all) return { first: merged[0]!, keys, merged };
  }
}

const totalOf = (field: string) => (h: Map<string, string> | null): number | undefined => {
  const v = h?.get(field);
  return v === undefined || !/^\d+$/.test(v) ? undefined : Number(v);
};

/** Java DefaultMQAdminExtImpl#getUserTopicConfig: the topic table in the order the client's decoded ConcurrentHashMap iterates it. */
export async function userTopics(ctx: CommandContext, addr: string, special: boolean): Promise<TopicConfigSerializeWrapper> {
  const got = await pages(ctx, addr, RequestCode.GET_ALL_TOPIC_CONFIG, 'GET_ALL_TOPIC_CONFIG', TopicConfigSerializeWrapper, 'topicSeq', 'maxTopicNum', (w) => [...w.topicConfigTable.keys()], totalOf('totalTopicNum'));
  const all = { ...got.first, topicConfigTable: new Map(got.merged.flatMap((w) => [...w.topicConfigTable])) };
  const system = new Set((await callBody(ctx, addr, RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER, 'GET_SYSTEM_TOPIC_LIST_FROM_BROKER', TopicList)).topicList);
  const table = new Map<string, TopicConfig>();
  for (const k of clientMapOrder(got.keys)) {
    const t = all.topicConfigTable.get(k)!;
    if (system.has(t.topicName) || isSystemTopic(t.topicName)) continue;
    if (!special && (t.topicName.startsWith('%RETRY%') || t.topicName.startsWith('%DLQ%'))) continue;
    if (!permValid(t.perm)) continue;
    table.set(k, t);
  }
  return { ...all, topicConfigTable: table };
}

/** Java DefaultMQAdminExtImpl#getUserSubscriptionGroup. */
export async function userGroups(ctx: CommandContext, addr: string): Promise<SubscriptionGroupWrapper> {
  const got = await pages(ctx, addr, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, 'GET_ALL_SUBSCRIPTIONGROUP_CONFIG', SubscriptionGroupWrapper, 'groupSeq', 'maxGroupNum', (w) => [...w.subscriptionGroupTable.keys()], totalOf('totalGroupNum'));
  const all = { ...got.first, subscriptionGroupTable: new Map(got.merged.flatMap((w) => [...w.subscriptionGroupTable])) };
  const table = new Map<string, SubscriptionGroupConfig>();
  for (const k of clientMapOrder(got.keys)) {
    if (k.startsWith(CID_RMQ_SYS_PREFIX) || PREDEFINED_GROUPS.has(k)) continue;
    table.set(k, all.subscriptionGroupTable.get(k)!);
  }
  return { ...all, subscriptionGroupTable: table };
}

/** Java MixAll.string2FileNotSafe: the directory made, the text written; a failure names the file and -f. */
export function writeExport(file: string, text: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  } catch (e) {
    throw new Error(`cannot write ${file}: ${(e as Error).message} (choose a writable directory with -f)`);
  }
}

/** -c: every master's tables merged into Java HashMaps, queue counts summed. */
async function exportCluster(ctx: CommandContext, cluster: string, dir: string, only: 'topic' | 'group' | undefined, special: boolean): Promise<string> {
  const topics = new Map<string, TopicConfig>();
  const groups = new Map<string, SubscriptionGroupConfig>();
  // Java: CommandUtil.fetchMasterAddrByClusterName returns a HashSet of addresses.
  for (const m of hashOrderBy(await mastersOf(ctx, cluster), (x) => javaStringHash(x.addr))) {
    const t = await userTopics(ctx, m.addr, special);
    const g = await userGroups(ctx, m.addr);
    for (const [k, v] of t.topicConfigTable) {
      const prev = topics.get(k);
      topics.delete(k);
      topics.set(k, prev === undefined ? v : { ...v, writeQueueNums: prev.writeQueueNums + v.writeQueueNums, readQueueNums: prev.readQueueNums + v.readQueueNums });
    }
    for (const [k, v] of g.subscriptionGroupTable) {
      const prev = groups.get(k);
      groups.delete(k);
      groups.set(k, prev === undefined ? v : { ...v, retryQueueNums: prev.retryQueueNums + v.retryQueueNums });
    }
  }
  const hashed = <T>(m: Map<string, T>, write: (v: T) => Out): Out => outMap(hashOrderBy([...m.keys()], javaStringHash).map((k) => [k, write(m.get(k)!)]));
  const result = new Map<string, Out>();
  if (only !== 'group') result.set('topicConfigTable', hashed(topics, (v) => TopicConfig.codec.write(v)));
  if (only !== 'topic') result.set('subscriptionGroupTable', hashed(groups, (v) => SubscriptionGroupConfig.codec.write(v)));
  result.set('exportTime', Date.now());
  const file = path.join(dir, only === 'topic' ? 'topic.json' : only === 'group' ? 'subscriptionGroup.json' : 'metadata.json');
  writeExport(file, writeJson(hashed(result, (v) => v), { pretty: true }));
  return file;
}

export const exportMetadata: SubCommand = {
  name: 'exportMetadata',
  description: 'Export metadata.',
  options: [
    { short: 'c', long: 'clusterName', value: true, help: 'choose a cluster to export' },
    { short: 'b', long: 'brokerAddr', value: true, help: 'choose a broker to export' },
    { short: 'f', long: 'filePath', value: true, help: 'export metadata.json path | default /tmp/rocketmq/export' },
    { short: 't', long: 'topic', value: false, help: 'only export topic metadata' },
    { short: 'g', long: 'subscriptionGroup', value: false, help: 'only export subscriptionGroup metadata' },
    { short: 's', long: 'specialTopic', value: false, help: 'need retryTopic and dlqTopic' },
  ],
  async execute(ctx) {
    const dir = optional(ctx, 'filePath') ?? EXPORT_DIR;
    const special = ctx.opts.get('specialTopic') !== undefined;
    const only = ctx.opts.get('topic') !== undefined ? 'topic' : ctx.opts.get('subscriptionGroup') !== undefined ? 'group' : undefined;
    const addr = optional(ctx, 'brokerAddr');
    if (addr !== undefined) {
      // Java: with -b one of -t or -g is needed; with neither it writes nothing and prints nothing.
      if (only === undefined) throw new Error('with -b give -t (topics) or -g (subscription groups): nothing was exported');
      const file = path.join(dir, only === 'topic' ? 'topic.json' : 'subscriptionGroup.json');
      const text = only === 'topic' ? TopicConfigSerializeWrapper.toJson(await userTopics(ctx, addr, special), { pretty: true }) : SubscriptionGroupWrapper.toJson(await userGroups(ctx, addr), { pretty: true });
      writeExport(file, text);
      ctx.out(`export ${file} success`);
      return;
    }
    const cluster = optional(ctx, 'clusterName');
    if (cluster === undefined) throw new Error('give a broker (-b host:port, with -t or -g) or a cluster (-c name)');
    ctx.out(`export ${await exportCluster(ctx, cluster, dir, only, special)} success`);
  },
};
