import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { decodeMessages, decodeOffsetMsgId, formatHost, type MessageView } from '../../../protocol/message';
import { jfmt, need, optional, type CommandContext, type SubCommand } from '../command';
import { charsetOf, printMsg } from '../message-print';
import { intOpt, selectBrokerAddr } from '../util';

/**
 * Message commands: sendMessage, queryMsgById, queryMsgByKey, queryMsgByUniqueKey, queryMsgByOffset. Java:
 * tools/.../command/message/{SendMessageCommand,QueryMsgByIdSubCommand,QueryMsgByKeySubCommand,
 * QueryMsgByUniqueKeySubCommand,QueryMsgByOffsetSubCommand}.java; lookups as MQAdminImpl#queryMessage does them.
 */
export const sendMessage: SubCommand = {
  name: 'sendMessage',
  description: 'Send a message.',
  options: [
    { short: 't', long: 'topic', value: true, required: true, help: 'Topic name' },
    { short: 'p', long: 'body', value: true, required: true, help: 'UTF-8 string format of the message body' },
    { short: 'k', long: 'key', value: true, help: 'Message keys' },
    { short: 'c', long: 'tags', value: true, help: 'Message tags' },
    { short: 'b', long: 'broker', value: true, help: 'Send message to target broker' },
    { short: 'i', long: 'qid', value: true, help: 'Send message to target queue' },
    { short: 'm', long: 'msgTraceEnable', value: true, help: 'Message Trace Enable, Default: false' },
  ],
  async execute(ctx) {
    const qid = optional(ctx, 'qid');
    // Java uses -b only together with -i (and refuses -i without -b); Apogee also accepts -i alone (first broker).
    const broker = qid !== undefined ? optional(ctx, 'broker') : undefined;
    if (optional(ctx, 'msgTraceEnable') === 'true') throw new Error('-m true (message trace) is not served by Apogee\'s mqadmin yet; drop -m');
    const keys = optional(ctx, 'key');
    const tags = optional(ctx, 'tags');
    const r = await ctx.client.send(need(ctx, 'topic'), Buffer.from(need(ctx, 'body'), 'utf8'), {
      ...(keys !== undefined ? { keys } : {}),
      ...(tags !== undefined ? { tags } : {}),
      ...(qid !== undefined ? { queueId: Number(qid) } : {}),
      ...(broker !== undefined ? { brokerName: broker } : {}),
    });
    if (r.code !== ResponseCode.SUCCESS) throw new Error(`send failed: CODE ${r.code} ${r.remark ?? ''}`);
    ctx.out(jfmt('%-32s  %-4s  %-20s    %s', '#Broker Name', '#QID', '#Send Result', '#MsgId'));
    ctx.out(jfmt('%-32s  %-4d  %-20s    %s', r.brokerName, r.queueId, 'SEND_OK', r.msgId));
  },
};

/** Java Long.MAX_VALUE: the default end of a query's time range (as text: a JS number cannot hold it). */
export const JAVA_LONG_MAX = '9223372036854775807';

/** Java MixAll.dealTimeToHourStamps: a store time truncated to the hour, ms. */
const HOUR_MS = 3_600_000;

/** QUERY_MESSAGE on every broker of the topic's route (MQAdminImpl#queryMessage), keeping what matches `key`. */
export async function queryMessages(ctx: CommandContext, topic: string, key: string, maxNum: number, begin: string, end: string, unique: boolean, keyType = 'K', lastKey?: string): Promise<MessageView[]> {
  const route = await ctx.client.routeOf(topic, 0);
  if (route === undefined) throw new Error(`No topic route info in name server for the topic: ${topic}`);
  const out: MessageView[] = [];
  for (const bd of route.brokerDatas) {
    const addr = selectBrokerAddr(bd.brokerAddrs);
    if (addr === undefined) continue;
    const ext = new Map([['topic', topic], ['key', key], ['maxNum', String(maxNum)], ['beginTimestamp', begin], ['endTimestamp', end], ...(unique ? [['_UNIQUE_KEY_QUERY', 'true'] as [string, string]] : [['indexType', keyType] as [string, string]]), ...(lastKey !== undefined ? [['lastKey', lastKey] as [string, string]] : [])]);
    const r = await ctx.client.call(addr, RequestCode.QUERY_MESSAGE, ext);
    if (r.code === ResponseCode.QUERY_NOT_FOUND) continue;
    if (r.code !== ResponseCode.SUCCESS) throw new Error(`QUERY_MESSAGE on ${addr}: CODE: ${r.code} DESC: ${r.remark ?? ''}`);
    for (const m of decodeMessages(r.body ?? Buffer.alloc(0))) {
      if (unique ? m.msgId === key : keyType === 'T' ? m.tags === key : (m.keys ?? '').split(' ').includes(key)) out.push(m);
    }
  }
  if (out.length === 0) throw new Error(`query message by key finished, but no message. (topic ${topic}, key ${key}; check -t, -k and the time range)`);
  return out;
}

/** How far back Java's queryMsgById looks for a unique key (MQAdminImpl#queryMessageByUniqKey: 3 days), ms. */
const UNIQ_KEY_LOOKBACK_MS = 3 * 24 * 3_600_000;

/**
 * Java: QueryMsgByIdSubCommand + DefaultMQAdminExtImpl#queryMessage: an id that decodes as an offset msgId is viewed
 * on its store host (VIEW_MESSAGE_BY_ID); when that fails (a client msgId, i.e. a unique key) the topic's index is
 * searched for the unique key (the last 3 days, the first hit). The message is printed with the client view's
 * msgId (UNIQ_KEY when present) naming the body file, and its consumer tracks.
 */
export const queryMsgById: SubCommand = {
  name: 'queryMsgById',
  description: 'Query Message by Id.',
  options: [
    { short: 't', long: 'topic', value: true, required: true, help: 'topic name' },
    { short: 'i', long: 'msgId', value: true, required: true, help: 'Message Id' },
    { short: 'g', long: 'consumerGroup', value: true, help: 'consumer group name' },
    { short: 'd', long: 'clientId', value: true, help: "The consumer's client id" },
    { short: 's', long: 'sendMessage', value: true, help: 'resend message' },
    { short: 'u', long: 'unitName', value: true, help: 'unit name' },
    { short: 'f', long: 'bodyFormat', value: true, help: 'print message body by the specified format' },
    { short: 'c', long: 'cluster', value: true, help: 'Cluster name or lmq parent topic, lmq is used to find the route.' },
  ],
  async execute(ctx) {
    const topic = need(ctx, 'topic');
    if (optional(ctx, 'sendMessage') !== undefined || (optional(ctx, 'consumerGroup') !== undefined && optional(ctx, 'clientId') !== undefined)) {
      throw new Error("-s (resend) and -g/-d (push to one consumer) are not served by Apogee's mqadmin yet; drop them to print the message");
    }
    const charset = charsetOf(optional(ctx, 'bodyFormat'));
    for (const one of need(ctx, 'msgId').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      let m = await viewByOffsetId(ctx, topic, one).catch(() => undefined);
      m ??= (await queryMessages(ctx, topic, one, 32, String(Date.now() - UNIQ_KEY_LOOKBACK_MS), JAVA_LONG_MAX, true))[0];
      if (m === undefined) {
        ctx.out('\nMessage not found!');
        continue;
      }
      await printMsg(ctx, m, charset, false);
    }
  },
};

async function viewByOffsetId(ctx: CommandContext, topic: string, id: string): Promise<MessageView | undefined> {
  const d = decodeOffsetMsgId(id);
  const addr = formatHost(d.host);
  const r = await ctx.client.call(addr, RequestCode.VIEW_MESSAGE_BY_ID, new Map([['topic', topic], ['offset', String(d.offset)]]));
  if (r.code !== ResponseCode.SUCCESS || r.body === null) return undefined;
  return decodeMessages(r.body)[0];
}

export const queryMsgByKey: SubCommand = {
  name: 'queryMsgByKey',
  description: 'Query Message by Key.',
  options: [
    { short: 't', long: 'topic', value: true, required: true, help: 'Topic name' },
    { short: 'k', long: 'msgKey', value: true, required: true, help: 'Message Key' },
    { short: 'b', long: 'beginTimestamp', value: true, help: 'Begin timestamp(ms). default:0, eg:1676730526212' },
    { short: 'e', long: 'endTimestamp', value: true, help: 'End timestamp(ms). default:Long.MAX_VALUE, eg:1676730526212' },
    { short: 'm', long: 'maxNum', value: true, help: 'The maximum number of messages returned by the query, default:64' },
    { short: 'c', long: 'cluster', value: true, help: 'Cluster name or lmq parent topic, lmq is used to find the route.' },
    { short: 'p', long: 'keyType', value: true, help: 'Index key type, default index key type is K, you can use K for keys OR T for tags' },
    { short: 'l', long: 'lastKey', value: true, help: 'Last Key' },
  ],
  async execute(ctx) {
    const topic = need(ctx, 'topic');
    const key = need(ctx, 'msgKey');
    const keyType = optional(ctx, 'keyType') ?? 'K';
    const end = optional(ctx, 'endTimestamp') ?? JAVA_LONG_MAX;
    if (!/^-?\d+$/.test(end)) throw new Error(`--endTimestamp must be epoch milliseconds, not "${end}"`);
    const list = await queryMessages(ctx, topic, key, intOpt(ctx, 'maxNum', 64), String(intOpt(ctx, 'beginTimestamp', 0)), end, false, keyType, optional(ctx, 'lastKey'));
    // 5.5.0 adds the index key (hour of the store time @ topic @ type @ key @ msgId @ commit-log offset) for paging.
    ctx.out(jfmt('%-50s %4s %40s %-200s', '#Message ID', '#QID', '#Offset', '#IndexKey'));
    for (const m of list) {
      const indexKey = `${m.storeTimestamp - (m.storeTimestamp % HOUR_MS)}@${topic}@${keyType}@${key}@${m.msgId}@${m.commitLogOffset}`;
      ctx.out(jfmt('%-50s %4d %40d %-200s', m.msgId, m.queueId, m.queueOffset, indexKey));
    }
  },
};

export const queryMsgByUniqueKey: SubCommand = {
  name: 'queryMsgByUniqueKey',
  description: 'Query Message by Unique key.',
  options: [
    { short: 'i', long: 'msgId', value: true, required: true, help: 'Message Id' },
    { short: 'g', long: 'consumerGroup', value: true, help: 'consumer group name' },
    { short: 'd', long: 'clientId', value: true, help: "The consumer's client id" },
    { short: 't', long: 'topic', value: true, required: true, help: 'The topic of msg' },
    { short: 'a', long: 'showAll', value: false, help: 'Print all message, the limit is 32' },
    { short: 'c', long: 'cluster', value: true, help: 'Cluster name or lmq parent topic, lmq is used to find the route.' },
  ],
  async execute(ctx) {
    if (optional(ctx, 'consumerGroup') !== undefined && optional(ctx, 'clientId') !== undefined) {
      throw new Error('-g/-d (push the message to one consumer, CONSUME_MESSAGE_DIRECTLY) is not served by Apogee\'s mqadmin yet; drop -g and -d to print the message');
    }
    const list = (await queryMessages(ctx, need(ctx, 'topic'), need(ctx, 'msgId'), 32, '0', JAVA_LONG_MAX, true)).sort((a, b) => a.storeTimestamp - b.storeTimestamp);
    const all = ctx.opts.has('showAll');
    for (let i = 0; i < (all ? list.length : 1); i++) await printMsg(ctx, { ...list[i]!, msgId: i === 0 ? list[i]!.msgId : `${list[i]!.msgId}-${i}` }, undefined, true);
  },
};

/** A pulled message as Java's PullAPIWrapper#processPullResult leaves it: MIN_OFFSET and MAX_OFFSET properties added. */
export function withPullOffsets(m: MessageView, min: number, max: number): MessageView {
  return { ...m, properties: new Map([...m.properties, ['MIN_OFFSET', String(min)], ['MAX_OFFSET', String(max)]]) };
}

export const queryMsgByOffset: SubCommand = {
  name: 'queryMsgByOffset',
  description: 'Query Message by offset.',
  options: [
    { short: 't', long: 'topic', value: true, required: true, help: 'topic name' },
    { short: 'b', long: 'brokerName', value: true, required: true, help: 'Broker Name' },
    { short: 'i', long: 'queueId', value: true, required: true, help: 'Queue Id' },
    { short: 'o', long: 'offset', value: true, required: true, help: 'Queue Offset' },
    { short: 'f', long: 'bodyFormat', value: true, help: 'print message body by the specified format' },
  ],
  async execute(ctx) {
    const topic = need(ctx, 'topic');
    const brokerName = need(ctx, 'brokerName');
    const route = await ctx.client.routeOf(topic, 0);
    const bd = route?.brokerDatas.find((b) => b.brokerName === brokerName);
    const addr = bd === undefined ? undefined : selectBrokerAddr(bd.brokerAddrs);
    if (addr === undefined) throw new Error(`The broker[${brokerName}] not exist (not in the route of ${topic}; check -b against clusterList)`);
    const r = await ctx.client.pull(addr, 'TOOLS_CONSUMER', topic, intOpt(ctx, 'queueId', 0), intOpt(ctx, 'offset', 0), { maxMsgNums: 1 });
    const m = r.messages[0];
    // Java prints nothing when the pull finds no message (NO_NEW_MSG, OFFSET_ILLEGAL, ...).
    if (m !== undefined) await printMsg(ctx, withPullOffsets(m, r.minOffset, r.maxOffset), charsetOf(optional(ctx, 'bodyFormat')), false);
  },
};
