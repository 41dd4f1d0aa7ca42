import * as fs from 'node:fs';
import * as path from 'node:path';
import { isJsonObject, JsonObject, parseJson, type JsonValue } from '../../../protocol/bodies';
import { mqVersionDesc, RequestCode, ResponseCode } from '../../../protocol/codes';
import { RETRY_GROUP_TOPIC_PREFIX } from '../../../protocol/naming';
import { jfmt, need, optional, type CommandContext, type SubCommand } from '../command';
import { propertiesOrder } from '../java-order';
import { compareQueues, selectBrokerAddr } from '../util';
import { examineConsumerConnection } from './consumer';

/**
 * consumerStatus: each online client's ConsumerRunningInfo (asked through the broker, GET_CONSUMER_RUNNING_INFO), in
 * ConsumerRunningInfo#formatString's layout, and Java's analysis (same subscription, blocked queues). Without -i each
 * report is written to <now>/<clientId> under the working directory and listed, as Java does. Java: tools/.../command/
 * consumer/ConsumerStatusSubCommand.java, remoting/.../protocol/body/ConsumerRunningInfo.java, ProcessQueueInfo.java.
 */

interface Queue {
  topic: string;
  brokerName: string;
  queueId: number;
}

/** Java ConsumerRunningInfo as the client reported it (values kept as text where Java prints them as text). */
interface RunningInfo {
  properties: [string, string][];
  subscriptions: { topic: string; subString: string; classFilterMode: boolean }[];
  mqTable: [Queue, JsonObject][];
  mqPopTable: [Queue, JsonObject][];
  statusTable: [string, JsonObject][];
  userConsumerInfo: [string, string][] | undefined;
  jstack: string | undefined;
}

const text = (v: JsonValue | undefined): string => (v === undefined || v === null ? 'null' : isJsonObject(v) || Array.isArray(v) ? JSON.stringify(v) : String(v));
const num = (o: JsonObject, k: string): number => Number(o.get(k) ?? 0);

function queueOf(k: unknown): Queue | undefined {
  if (!isJsonObject(k)) return undefined;
  return { topic: String(k.get('topic')), brokerName: String(k.get('brokerName')), queueId: Number(k.get('queueId')) };
}

function queueTable(v: JsonValue | undefined): [Queue, JsonObject][] {
  if (!isJsonObject(v)) return [];
  const out: [Queue, JsonObject][] = [];
  for (const [k, x] of v.entries) {
    const q = queueOf(k);
    if (q !== undefined && isJsonObject(x)) out.push([q, x]);
  }
  return out.sort((a, b) => compareQueues(a[0], b[0]));
}

export function parseRunningInfo(body: Buffer): RunningInfo {
  const tree = parseJson(body);
  if (!isJsonObject(tree)) throw new Error('the ConsumerRunningInfo body is not a JSON object');
  const props = tree.get('properties');
  const properties: [string, string][] = isJsonObject(props) ? props.entries.map(([k, v]) => [String(k), text(v)]) : [];
  const order = propertiesOrder(properties.map(([k]) => k));
  const byKey = new Map(properties);
  const subs = tree.get('subscriptionSet');
  const subscriptions = (Array.isArray(subs) ? subs : []).filter(isJsonObject).map((s) => ({ topic: String(s.get('topic')), subString: String(s.get('subString')), classFilterMode: s.get('classFilterMode') === true }));
  // Java: TreeSet by "topic@subString".
  subscriptions.sort((a, b) => (`${a.topic}@${a.subString}` < `${b.topic}@${b.subString}` ? -1 : `${a.topic}@${a.subString}` > `${b.topic}@${b.subString}` ? 1 : 0));
  const status = tree.get('statusTable');
  const statusTable: [string, JsonObject][] = isJsonObject(status) ? status.entries.filter((e): e is [string, JsonObject] => isJsonObject(e[1])).map(([k, v]) => [String(k), v]) : [];
  statusTable.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const user = tree.get('userConsumerInfo');
  const jstack = tree.get('jstack');
  return {
    properties: order.map((k) => [k, byKey.get(k)!]),
    subscriptions,
    mqTable: queueTable(tree.get('mqTable')),
    mqPopTable: queueTable(tree.get('mqPopTable')),
    statusTable,
    userConsumerInfo: user === null ? undefined : isJsonObject(user) ? user.entries.map(([k, v]) => [String(k), text(v)] as [string, string]).sort((a, b) => (a[0] < b[0] ? -1 : 1)) : [],
    jstack: typeof jstack === 'string' ? jstack : undefined,
  };
}

const two = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Java UtilAll.timeMillisToHumanString: yyyyMMddHHmmssSSS in the local time zone. */
export function humanMillis(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getFullYear(), 4)}${two(d.getMonth() + 1)}${two(d.getDate())}${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}${two(d.getMilliseconds(), 3)}`;
}

/** Java ProcessQueueInfo#toString. */
function processQueueText(p: JsonObject): string {
  const f = (k: string): string => text(p.get(k) ?? 0);
  const b = (k: string): string => String(p.get(k) === true);
  return `ProcessQueueInfo [commitOffset=${f('commitOffset')}, cachedMsgMinOffset=${f('cachedMsgMinOffset')}, cachedMsgMaxOffset=${f('cachedMsgMaxOffset')}, cachedMsgCount=${f('cachedMsgCount')}, cachedMsgSizeInMiB=${f('cachedMsgSizeInMiB')}, transactionMsgMinOffset=${f('transactionMsgMinOffset')}, transactionMsgMaxOffset=${f('transactionMsgMaxOffset')}, transactionMsgCount=${f('transactionMsgCount')}, locked=${b('locked')}, tryUnlockTimes=${f('tryUnlockTimes')}, lastLockTimestamp=${humanMillis(num(p, 'lastLockTimestamp'))}, droped=${b('droped')}, lastPullTimestamp=${humanMillis(num(p, 'lastPullTimestamp'))}, lastConsumeTimestamp=${humanMillis(num(p, 'lastConsumeTimestamp'))}]`;
}

/** Java ConsumerRunningInfo#formatString. */
export function formatRunningInfo(info: RunningInfo): string {
  const l: string[] = ['#Consumer Properties#'];
  for (const [k, v] of info.properties) l.push(jfmt('%-40s: %s', k, v));
  l.push('', '', '#Consumer Subscription#');
  info.subscriptions.forEach((s, i) => l.push(jfmt('%s Topic: %-40s ClassFilter: %-8s SubExpression: %s', String(i + 1).padStart(3, '0'), s.topic, String(s.classFilterMode), s.subString)));
  l.push('', '', '#Consumer Offset#', jfmt('%-64s  %-32s  %-4s  %-20s', '#Topic', '#Broker Name', '#QID', '#Consumer Offset'));
  for (const [q, p] of info.mqTable) l.push(jfmt('%-32s  %-32s  %-4d  %-20d', q.topic, q.brokerName, q.queueId, text(p.get('commitOffset') ?? 0)));
  l.push('', '', '#Consumer MQ Detail#', jfmt('%-64s  %-32s  %-4s  %-20s', '#Topic', '#Broker Name', '#QID', '#ProcessQueueInfo'));
  for (const [q, p] of info.mqTable) l.push(jfmt('%-64s  %-32s  %-4d  %s', q.topic, q.brokerName, q.queueId, processQueueText(p)));
  l.push('', '', '#Consumer Pop Detail#', jfmt('%-32s  %-32s  %-4s  %-20s', '#Topic', '#Broker Name', '#QID', '#ProcessQueueInfo'));
  for (const [q, p] of info.mqPopTable) {
    l.push(jfmt('%-32s  %-32s  %-4d  %s', q.topic, q.brokerName, q.queueId, `PopProcessQueueInfo [waitAckCount:${text(p.get('waitAckCount') ?? 0)}, droped:${String(p.get('droped') === true)}, lastPopTimestamp:${text(p.get('lastPopTimestamp') ?? 0)}]`));
  }
  l.push('', '', '#Consumer RT&TPS#', jfmt('%-64s  %14s %14s %14s %14s %18s %25s', '#Topic', '#Pull RT', '#Pull TPS', '#Consume RT', '#ConsumeOK TPS', '#ConsumeFailed TPS', '#ConsumeFailedMsgsInHour'));
  const f2 = (s: JsonObject, k: string, w: number): string => num(s, k).toFixed(2).padStart(w);
  for (const [t, s] of info.statusTable) {
    l.push(`${t.padEnd(32)}  ${f2(s, 'pullRT', 14)} ${f2(s, 'pullTPS', 14)} ${f2(s, 'consumeRT', 14)} ${f2(s, 'consumeOKTPS', 14)} ${f2(s, 'consumeFailedTPS', 18)} ${text(s.get('consumeFailedMsgs') ?? 0).padStart(25)}`);
  }
  if (info.userConsumerInfo !== undefined) {
    l.push('', '', '#User Consume Info#');
    for (const [k, v] of info.userConsumerInfo) l.push(jfmt('%-40s: %s', k, v));
  }
  let out = l.join('\n') + '\n';
  if (info.jstack !== undefined) out += `\n\n#Consumer jstack#\n${info.jstack}`;
  return out;
}

const prop = (info: RunningInfo, k: string): string | undefined => info.properties.find(([x]) => x === k)?.[1];
const isPush = (info: RunningInfo): boolean => prop(info, 'PROP_CONSUME_TYPE') === 'CONSUME_PASSIVELY';

/** Java ConsumerRunningInfo#analyzeSubscription: push consumers started over 2 min ago must all subscribe the same. */
function sameSubscription(infos: RunningInfo[], now: number): boolean {
  const first = infos[0]!;
  if (!isPush(first) || !(now - Number(prop(first, 'PROP_CONSUMER_START_TIMESTAMP')) > 120_000)) return true;
  const key = (i: RunningInfo): string => JSON.stringify(i.subscriptions);
  return infos.every((i) => key(i) === key(first));
}

/** Java ConsumerRunningInfo#analyzeProcessQueue. */
function queueWarnings(clientId: string, info: RunningInfo, now: number): string[] {
  if (!isPush(info)) return [];
  const orderly = (prop(info, 'PROP_CONSUMEORDERLY') ?? '').toLowerCase() === 'true';
  const out: string[] = [];
  for (const [q, p] of info.mqTable) {
    const mq = `MessageQueue [topic=${q.topic}, brokerName=${q.brokerName}, queueId=${q.queueId}]`;
    if (orderly) {
      if (p.get('locked') !== true) out.push(`${clientId} ${mq} can't lock for a while, ${now - num(p, 'lastLockTimestamp')}ms`);
      else if (p.get('droped') === true && num(p, 'tryUnlockTimes') > 0) out.push(`${clientId} ${mq} unlock ${num(p, 'tryUnlockTimes')} times, still failed`);
    } else {
      const diff = now - num(p, 'lastConsumeTimestamp');
      if (diff > 60_000 && num(p, 'cachedMsgCount') > 0) out.push(`${clientId} ${mq} can't consume for a while, maybe blocked, ${diff}ms`);
    }
  }
  return out;
}

/** Java DefaultMQAdminExtImpl#getConsumerRunningInfo: asked of the first broker of %RETRY%group's route. */
async function runningInfo(ctx: CommandContext, group: string, clientId: string, jstack: boolean): Promise<RunningInfo> {
  const route = await ctx.client.routeOf(RETRY_GROUP_TOPIC_PREFIX + group, 0);
  const addr = route?.brokerDatas.map((b) => selectBrokerAddr(b.brokerAddrs)).find((a) => a !== undefined);
  if (addr === undefined) throw new Error(`No topic route info in name server for the topic: ${RETRY_GROUP_TOPIC_PREFIX}${group}`);
  const r = await ctx.client.call(addr, RequestCode.GET_CONSUMER_RUNNING_INFO, new Map([['consumerGroup', group], ['clientId', clientId], ['jstackEnable', String(jstack)]]));
  if (r.code !== ResponseCode.SUCCESS || r.body === null) throw new Error(`GET_CONSUMER_RUNNING_INFO of ${clientId} on ${addr}: CODE: ${r.code} DESC: ${r.remark ?? ''}`);
  return parseRunningInfo(r.body);
}

export const consumerStatus: SubCommand = {
  name: 'consumerStatus',
  description: "Query consumer's internal data structure.",
  options: [
    { short: 'g', long: 'consumerGroup', value: true, required: true, help: 'consumer group name' },
    { short: 'i', long: 'clientId', value: true, help: "The consumer's client id" },
    { short: 'b', long: 'brokerAddr', value: true, help: 'broker address' },
    { short: 's', long: 'jstack', value: false, help: 'Run jstack command in the consumer progress' },
  ],
  async execute(ctx) {
    const group = need(ctx, 'consumerGroup');
    const jstack = ctx.opts.get('jstack') !== undefined;
    const cc = await examineConsumerConnection(ctx, group, optional(ctx, 'brokerAddr'));
    const one = optional(ctx, 'clientId');
    if (one !== undefined) {
      ctx.out(formatRunningInfo(await runningInfo(ctx, group, one, jstack)).replace(/\n$/, ''));
      return;
    }
    const now = Date.now();
    ctx.out(jfmt('%-10s %-40s %-20s %s', '#Index', '#ClientId', '#Version', '#ConsumerRunningInfoFile'));
    const table = new Map<string, RunningInfo>();
    let i = 1;
    for (const c of cc.connectionSet) {
      try {
        const info = await runningInfo(ctx, group, c.clientId, jstack);
        table.set(c.clientId, info);
        const file = `${now}/${c.clientId}`;
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, formatRunningInfo(info));
        ctx.out(jfmt('%-10d %-40s %-20s %s', i++, c.clientId, mqVersionDesc(c.version), file));
      } catch (e) {
        // Java prints the exception's stack trace and goes on with the next client.
        process.stderr.write(`consumerStatus: ${c.clientId}: ${(e as Error).message}\n`);
      }
    }
    if (table.size === 0) return;
    const sorted = [...table].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    if (!sameSubscription(sorted.map(([, v]) => v), now)) {
      ctx.out('\n\nWARN: Different subscription in the same group of consumer!!!');
      return;
    }
    ctx.out('\n\nSame subscription in the same group of consumer');
    ctx.out('\nRebalance OK');
    for (const [id, info] of sorted) for (const w of queueWarnings(id, info, now)) ctx.out(w);
  },
};
