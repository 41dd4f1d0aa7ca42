import * as fs from 'node:fs';
import * as path from 'node:path';
import { GroupList } from '../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { MASTER_ID } from '../../protocol/naming';
import type { MessageView } from '../../protocol/message';
import { jfmt, type CommandContext } from './command';
import { BrokerRefusal, examineConsumeStats, examineConsumerConnection } from './commands/consumer';
import { hashMapOrder } from './java-order';
import { javaHumanTime } from './util';

/**
 * How Java's tools print a message. Java: tools/.../command/message/QueryMsgByIdSubCommand#printMsg (and
 * QueryMsgByUniqueKeySubCommand#showMessage), PrintMessageSubCommand#printMessage (MessageExt#toString), and
 * DefaultMQAdminExtImpl#messageTrackDetail / #consumed for the per-group track lines.
 */

/** Where Java writes a message body for the operator (QueryMsgByIdSubCommand#createBodyFile). */
export const BODY_DIR = '/tmp/rocketmq/msgbodys';
/** java.util.HashMap capacity of a decoded message's properties (MessageDecoder#string2messageProperties). */
const PROPERTIES_CAPACITY = 128;

/** A java.util.HashMap<String,String>#toString (fixed capacity: a message's properties never reach a resize). */
export function javaHashMapString(m: Map<string, string>, capacity = PROPERTIES_CAPACITY): string {
  return `{${hashMapOrder([...m.keys()], capacity).map((k) => `${k}=${m.get(k)}`).join(', ')}}`;
}

/** Java Arrays.toString(byte[]) (signed bytes). */
function bytesString(b: Buffer): string {
  return `[${[...b].map((x) => (x > 127 ? x - 256 : x)).join(', ')}]`;
}

/** Java MessageExt#toString as PrintMessageSubCommand prints it (hosts as InetSocketAddress: "/ip:port"; msgId= is the offset id field). */
export function messageExtString(m: MessageView, brokerName: string | null, properties = m.properties): string {
  return (
    `MessageExt [brokerName=${brokerName ?? 'null'}, queueId=${m.queueId}, storeSize=${m.storeSize}, queueOffset=${m.queueOffset}, sysFlag=${m.sysFlag}, ` +
    `bornTimestamp=${m.bornTimestamp}, bornHost=/${m.bornHost}, storeTimestamp=${m.storeTimestamp}, storeHost=/${m.storeHost}, msgId=${m.offsetMsgId}, ` +
    `commitLogOffset=${m.commitLogOffset}, bodyCRC=${m.bodyCrc}, reconsumeTimes=${m.reconsumeTimes}, preparedTransactionOffset=${m.preparedTransactionOffset}, ` +
    `toString()=Message{topic='${m.topic}', flag=${m.flag}, properties=${javaHashMapString(properties)}, body=${bytesString(m.body)}, transactionId='null'}]`
  );
}

/** Writes the body where Java does; returns the path. A failure names the directory to fix. */
export function writeBodyFile(name: string, body: Buffer): string {
  const file = path.join(BODY_DIR, name);
  try {
    fs.mkdirSync(BODY_DIR, { recursive: true });
    fs.writeFileSync(file, body);
  } catch (e) {
    throw new Error(`cannot write the message body to ${file}: ${(e as Error).message} (check that ${BODY_DIR} is writable)`);
  }
  return file;
}

/** Java MessageTrack#toString per group consuming the topic (QUERY_TOPIC_CONSUME_BY_WHO); empty when none. */
export async function messageTracks(ctx: CommandContext, m: MessageView, storeAddr: string): Promise<string[]> {
  const route = await ctx.client.routeOf(m.topic, 0).catch(() => undefined);
  const groups = new Set<string>();
  for (const bd of route?.brokerDatas ?? []) {
    const addr = bd.brokerAddrs.get(MASTER_ID);
    if (addr === undefined) continue;
    const r = await ctx.client.call(addr, RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, new Map([['topic', m.topic]]));
    if (r.code !== ResponseCode.SUCCESS || r.body === null) continue;
    const d = GroupList.decode(r.body);
    if (d.ok) for (const g of d.value.groupList) groups.add(g);
  }
  const out: string[] = [];
  for (const group of groups) {
    let type = 'UNKNOWN';
    let desc = 'null';
    const cc = await examineConsumerConnection(ctx, group).catch((e: Error) => e);
    // Java DefaultMQAdminExtImpl#messageTrackDetail: a broker refusal is "CODE:n DESC:remark" (NOT_ONLINE for 206).
    if (cc instanceof BrokerRefusal) {
      if (cc.code === ResponseCode.CONSUMER_NOT_ONLINE) type = 'NOT_ONLINE';
      desc = `CODE:${cc.code} DESC:${cc.remark}`;
    } else if (cc instanceof Error) desc = cc.message;
    else if (cc.consumeType === 'CONSUME_ACTIVELY') type = 'PULL';
    else if (cc.consumeType === 'CONSUME_PASSIVELY') {
      const stats = await examineConsumeStats(ctx, group).catch(() => undefined);
      if (stats === undefined) type = 'NOT_ONLINE';
      else {
        const consumed = stats.table.some(([q, w]) => q.topic === m.topic && q.queueId === m.queueId && storeAddr === m.storeHost && w.consumerOffset > m.queueOffset);
        type = consumed ? 'CONSUMED' : 'NOT_CONSUME_YET';
        const sd = cc.subscriptionTable.get(m.topic);
        if (consumed && sd !== undefined && !(sd.tagsSet.length === 0 || sd.tagsSet.includes('*') || (m.tags !== null && sd.tagsSet.includes(m.tags)))) type = 'CONSUMED_BUT_FILTERED';
      }
    }
    out.push(`MessageTrack [consumerGroup=${group}, trackType=${type}, exceptionDesc=${desc}]`);
  }
  return out;
}

/** QueryMsgByIdSubCommand#printMsg: the fields, the body file, the body in `charset` when given, then the tracks. */
export async function printMsg(ctx: CommandContext, m: MessageView, charset: BufferEncoding | undefined, uniqueHeader: boolean): Promise<void> {
  const file = writeBodyFile(m.msgId, m.body);
  const rows: [string, string][] = [
    ...(uniqueHeader ? [] : ([['OffsetID:', m.offsetMsgId]] as [string, string][])),
    ['Topic:', m.topic],
    ['Tags:', `[${m.tags ?? 'null'}]`],
    ['Keys:', `[${m.keys ?? 'null'}]`],
    ['Queue ID:', String(m.queueId)],
    ['Queue Offset:', String(m.queueOffset)],
    ['CommitLog Offset:', String(m.commitLogOffset)],
    ['Reconsume Times:', String(m.reconsumeTimes)],
    ['Born Timestamp:', javaHumanTime(m.bornTimestamp)],
    ['Store Timestamp:', javaHumanTime(m.storeTimestamp)],
    ['Born Host:', m.bornHost],
    ['Store Host:', m.storeHost],
    ['System Flag:', String(m.sysFlag)],
    ['Properties:', javaHashMapString(m.properties)],
    ['Message Body Path:', file],
  ];
  for (const [k, v] of rows) ctx.out(jfmt('%-20s %s', k, v));
  if (charset !== undefined) ctx.out(jfmt('%-20s %s', 'Message Body:', m.body.toString(charset)));
  const tracks = await messageTracks(ctx, m, m.storeHost);
  ctx.out('');
  ctx.out('');
  if (tracks.length === 0) ctx.out('WARN: No Consumer');
  else for (const t of tracks) ctx.out(t);
}

/** A Java charset name (-c / -f) as a Node encoding; unknown names are refused with the ones that work. */
export function charsetOf(name: string | undefined): BufferEncoding | undefined {
  if (name === undefined) return undefined;
  const n = name.trim().toUpperCase().replace(/_/g, '-');
  const known: Record<string, BufferEncoding> = { 'UTF-8': 'utf8', UTF8: 'utf8', 'ISO-8859-1': 'latin1', 'US-ASCII': 'ascii', ASCII: 'ascii', 'UTF-16LE': 'utf16le' };
  const e = known[n];
  if (e === undefined) throw new Error(`charset ${name} is not supported here; use UTF-8, ISO-8859-1, US-ASCII or UTF-16LE`);
  return e;
}
