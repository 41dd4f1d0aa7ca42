import { RequestCode, ResponseCode } from '../../../protocol/codes';
import type { MessageView } from '../../../protocol/message';
import { need, optional, type CommandContext, type SubCommand } from '../command';
import { charsetOf, messageExtString } from '../message-print';
import { javaBool, selectBrokerAddr } from '../util';
import { withPullOffsets } from './message';
import { parseTimestamp } from './offset';

/**
 * Reading a topic's messages with pulls (group TOOLS_CONSUMER, nothing committed): printMsg (every queue) and
 * printMsgByQueue (one queue, optional per-tag counts). Java: tools/.../command/message/{PrintMessageSubCommand,
 * PrintMessageByQueueCommand}.java. Each queue's range line is the progress report of a long read.
 */

/** Messages per pull, as Java's tools ask. */
const PULL_BATCH_MESSAGES = 32;

export interface Queue {
  topic: string;
  brokerName: string;
  queueId: number;
  addr: string;
}

export const mqString = (q: Queue): string => `MessageQueue [topic=${q.topic}, brokerName=${q.brokerName}, queueId=${q.queueId}]`;

export async function queueOffset(ctx: CommandContext, q: Queue, code: number, name: string, timestamp?: number): Promise<number> {
  const ext = new Map([['topic', q.topic], ['queueId', String(q.queueId)], ...(timestamp !== undefined ? [['timestamp', String(timestamp)] as [string, string]] : [])]);
  const r = await ctx.client.call(q.addr, code, ext);
  if (r.code !== ResponseCode.SUCCESS) throw new Error(`${name} on ${q.addr} for ${mqString(q)}: CODE: ${r.code} DESC: ${r.remark ?? ''}`);
  return Number(r.extFields?.get('offset') ?? 0);
}

/** [min, max) of a queue, narrowed by -b/-e timestamps (SEARCH_OFFSET_BY_TIMESTAMP) as Java does. */
export async function range(ctx: CommandContext, q: Queue): Promise<[number, number]> {
  let min = await queueOffset(ctx, q, RequestCode.GET_MIN_OFFSET, 'GET_MIN_OFFSET');
  let max = await queueOffset(ctx, q, RequestCode.GET_MAX_OFFSET, 'GET_MAX_OFFSET');
  const b = optional(ctx, 'beginTimestamp');
  if (b !== undefined) min = await queueOffset(ctx, q, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, 'SEARCH_OFFSET_BY_TIMESTAMP', parseTimestamp(b));
  const e = optional(ctx, 'endTimestamp');
  if (e !== undefined) max = await queueOffset(ctx, q, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, 'SEARCH_OFFSET_BY_TIMESTAMP', parseTimestamp(e));
  return [min, max];
}

export type PullStatus = 'FOUND' | 'NO_MATCHED_MSG' | 'NO_NEW_MSG' | 'OFFSET_ILLEGAL';

export function statusOf(code: number): PullStatus {
  if (code === ResponseCode.SUCCESS) return 'FOUND';
  if (code === ResponseCode.PULL_RETRY_IMMEDIATELY) return 'NO_MATCHED_MSG';
  if (code === ResponseCode.PULL_NOT_FOUND) return 'NO_NEW_MSG';
  return 'OFFSET_ILLEGAL';
}

/** Pulls [from, to) of `q`; `found` gets each batch; returns the status that ended the read. */
async function readQueue(ctx: CommandContext, q: Queue, from: number, to: number, sub: string, found: (ms: MessageView[]) => void, onEmpty: (s: PullStatus, next: number) => boolean): Promise<void> {
  for (let offset = from; offset < to; ) {
    const r = await ctx.client.pull(q.addr, 'TOOLS_CONSUMER', q.topic, q.queueId, offset, { maxMsgNums: PULL_BATCH_MESSAGES, subscription: sub });
    const s = statusOf(r.code);
    offset = r.nextBeginOffset >= 0 ? r.nextBeginOffset : offset;
    if (s === 'FOUND') found(r.messages.map((m) => withPullOffsets({ ...m }, r.minOffset, r.maxOffset)));
    else if (onEmpty(s, offset)) return;
  }
}

export function lineOf(m: MessageView, q: Queue, charset: BufferEncoding, printBody: boolean): string {
  return `MSGID: ${m.msgId} ${messageExtString(m, q.brokerName)} BODY: ${printBody ? m.body.toString(charset) : 'NOT PRINT BODY'}`;
}

export const printMsg: SubCommand = {
  name: 'printMsg',
  description: 'Print Message Detail.',
  options: [
    { short: 't', long: 'topic', value: true, required: true, help: 'topic name' },
    { short: 'c', long: 'charsetName', value: true, help: 'CharsetName(eg: UTF-8,GBK)' },
    { short: 's', long: 'subExpression', value: true, help: 'Subscribe Expression(eg: TagA || TagB)' },
    { short: 'b', long: 'beginTimestamp', value: true, help: 'Begin timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]' },
    { short: 'e', long: 'endTimestamp', value: true, help: 'End timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]' },
    { short: 'd', long: 'printBody', value: true, help: 'print body' },
    { short: 'l', long: 'lmqParentTopic', value: true, help: 'Lmq parent topic, lmq is used to find the route.' },
  ],
  async execute(ctx) {
    const topic = need(ctx, 'topic');
    const charset = charsetOf(optional(ctx, 'charsetName') ?? 'UTF-8')!;
    const sub = optional(ctx, 'subExpression') ?? '*';
    const d = optional(ctx, 'printBody');
    const printBody = d === undefined || javaBool(d);
    const routeTopic = optional(ctx, 'lmqParentTopic') ?? topic;
    const route = await ctx.client.routeOf(routeTopic, 0);
    if (route === undefined) throw new Error(`No topic route info in name server for the topic: ${routeTopic}`);
    const queues: Queue[] = [];
    for (const qd of route.queueDatas) {
      const bd = route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
      const addr = bd === undefined ? undefined : selectBrokerAddr(bd.brokerAddrs);
      if (addr === undefined) continue;
      for (let i = 0; i < qd.readQueueNums; i++) queues.push({ topic, brokerName: qd.brokerName, queueId: i, addr });
    }
    for (const q of queues) {
      const [min, max] = await range(ctx, q);
      ctx.out(`minOffset=${min}, maxOffset=${max}, ${mqString(q)}`);
      await readQueue(
        ctx,
        q,
        min,
        max,
        sub,
        (ms) => ms.forEach((m) => ctx.out(lineOf(m, q, charset, printBody))),
        (s, next) => {
          if (s === 'NO_MATCHED_MSG') ctx.out(`${mqString(q)} no matched msg. status=${s}, offset=${next}`);
          else ctx.out(`${mqString(q)} print msg finished. status=${s}, offset=${next}`);
          return s !== 'NO_MATCHED_MSG';
        },
      );
      ctx.out('--------------------------------------------------------');
    }
  },
};

export const printMsgByQueue: SubCommand = {
  name: 'printMsgByQueue',
  description: 'Print Message Detail by queueId.',
  options: [
    { short: 't', long: 'topic', value: true, required: true, help: 'topic name' },
    { short: 'a', long: 'brokerName', value: true, required: true, help: 'broker name' },
    { short: 'i', long: 'queueId', value: true, required: true, help: 'queue id' },
    { short: 'c', long: 'charsetName', value: true, help: 'CharsetName(eg: UTF-8,GBK)' },
    { short: 's', long: 'subExpression', value: true, help: 'Subscribe Expression(eg: TagA || TagB)' },
    { short: 'b', long: 'beginTimestamp', value: true, help: 'Begin timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]' },
    { short: 'e', long: 'endTimestamp', value: true, help: 'End timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]' },
    { short: 'p', long: 'printMsg', value: true, help: 'print msg. eg: true | false(default)' },
    { short: 'd', long: 'printBody', value: true, help: 'print body. eg: true | false(default)' },
    { short: 'f', long: 'calculate', value: true, help: 'calculate by tag. eg: true | false(default)' },
  ],
  async execute(ctx) {
    const topic = need(ctx, 'topic');
    const brokerName = need(ctx, 'brokerName');
    const charset = charsetOf(optional(ctx, 'charsetName') ?? 'UTF-8')!;
    const show = javaBool(optional(ctx, 'printMsg'));
    const printBody = javaBool(optional(ctx, 'printBody'));
    const calc = javaBool(optional(ctx, 'calculate'));
    const route = await ctx.client.routeOf(topic, 0);
    const bd = route?.brokerDatas.find((b) => b.brokerName === brokerName);
    const addr = bd === undefined ? undefined : selectBrokerAddr(bd.brokerAddrs);
    if (addr === undefined) throw new Error(`The broker[${brokerName}] not exist (not in the route of ${topic}; check -a against clusterList)`);
    const q: Queue = { topic, brokerName, queueId: Number(need(ctx, 'queueId')), addr };
    const [min, max] = await range(ctx, q);
    const tags = new Map<string, number>();
    await readQueue(
      ctx,
      q,
      min,
      max,
      optional(ctx, 'subExpression') ?? '*',
      (ms) => {
        for (const m of ms) {
          if (calc && m.tags !== null && m.tags.trim() !== '') tags.set(m.tags, (tags.get(m.tags) ?? 0) + 1);
          if (show) ctx.out(lineOf(m, q, charset, printBody));
        }
      },
      () => true,
    );
    if (calc) for (const [t, n] of [...tags].sort((a, b) => b[1] - a[1])) ctx.out(`Tag: ${t.padEnd(30)} Count: ${n}`);
  },
};
