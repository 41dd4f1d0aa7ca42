import type { MessageQueue } from '../../../protocol/bodies';
import { need, optional, type CommandContext, type SubCommand } from '../command';
import { charsetOf } from '../message-print';
import { hashOrderBy, messageQueueHash } from '../java-order';
import { selectBrokerAddr } from '../util';
import { withPullOffsets } from './message';
import { parseTimestamp } from './offset';
import { lineOf, mqString, range, statusOf, type Queue } from './print';

/**
 * consumeMessage: pulls a topic's messages (every readable queue, or one queue from an offset) in a time range and
 * prints them as PrintMessageByQueueCommand#printMessage does, committing nothing (group TOOLS_CONSUMER or -g).
 * Java: tools/.../command/message/ConsumeMessageCommand.java (messageCount 128 by default; the usage errors are
 * printed, not thrown, as Java prints them).
 */

/** Java ConsumeMessageCommand#messageCount default. */
const MESSAGE_COUNT_DEFAULT = 128;

/** Java ConsumeMessageCommand#pullMessageByQueue: [min, max] pulled in one go per step until NO_NEW_MSG/OFFSET_ILLEGAL. */
async function pullQueue(ctx: CommandContext, group: string, q: Queue, min: number, max: number): Promise<void> {
  for (let offset = min; offset <= max; ) {
    const r = await ctx.client.pull(q.addr, group, q.topic, q.queueId, offset, { maxMsgNums: max - offset + 1, subscription: '*' });
    const s = statusOf(r.code);
    offset = r.nextBeginOffset >= 0 ? r.nextBeginOffset : offset;
    if (s === 'FOUND') {
      ctx.out('Consume ok');
      for (const m of r.messages) ctx.out(lineOf(withPullOffsets({ ...m }, r.minOffset, r.maxOffset), q, charsetOf('UTF-8')!, true));
    } else if (s === 'NO_MATCHED_MSG') {
      ctx.out(`${mqString(q)} no matched msg. status=${s}, offset=${offset}`);
    } else {
      ctx.out(`${mqString(q)} print msg finished. status=${s}, offset=${offset}`);
      return;
    }
  }
}

/** The queue's [min, max] with -s/-e applied (Java: minOffset/maxOffset, or searchOffset at the timestamps). */
async function bounds(ctx: CommandContext, q: Queue): Promise<[number, number]> {
  return range(ctx, q);
}

export const consumeMessage: SubCommand = {
  name: 'consumeMessage',
  description: 'Consume message.',
  options: [
    { short: 't', long: 'topic', value: true, required: true, help: 'Topic name' },
    { short: 'b', long: 'brokerName', value: true, help: 'Broker name' },
    { short: 'i', long: 'queueId', value: true, help: 'Queue Id' },
    { short: 'o', long: 'offset', value: true, help: 'Queue offset' },
    { short: 'g', long: 'consumerGroup', value: true, help: 'Consumer group name' },
    { short: 's', long: 'beginTimestamp', value: true, help: 'Begin timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]' },
    { short: 'e', long: 'endTimestamp', value: true, help: 'End timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]' },
    { short: 'c', long: 'MessageNumber', value: true, help: 'Number of message to be consumed' },
  ],
  async execute(ctx) {
    const topic = need(ctx, 'topic');
    const group = optional(ctx, 'consumerGroup') ?? 'TOOLS_CONSUMER';
    const countText = optional(ctx, 'MessageNumber');
    const count = countText === undefined ? MESSAGE_COUNT_DEFAULT : Number(countText);
    if (countText !== undefined && !/^-?\d+$/.test(countText)) throw new Error(`-c must be a number of messages, not "${countText}"`);
    if (count <= 0) return ctx.out('Please input a positive messageNumber!');
    const brokerName = optional(ctx, 'brokerName');
    const queueId = optional(ctx, 'queueId');
    if (queueId !== undefined && brokerName === undefined) return ctx.out('Please set the brokerName before queueId!');
    const offsetText = optional(ctx, 'offset');
    if (offsetText !== undefined && queueId === undefined) return ctx.out('Please set queueId before offset!');
    const now = Date.now();
    const s = optional(ctx, 'beginTimestamp');
    const begin = s === undefined ? 0 : parseTimestamp(s);
    if (begin > now) return ctx.out('Please set the beginTimestamp before now!');
    const e = optional(ctx, 'endTimestamp');
    if (e !== undefined) {
      const end = parseTimestamp(e);
      if (end > now) return ctx.out('Please set the endTimestamp before now!');
      if (begin > end) return ctx.out('Please make sure that the beginTimestamp is less than or equal to the endTimestamp');
    }
    const route = await ctx.client.routeOf(topic, 0);
    if (route === undefined) throw new Error(`No topic route info in name server for the topic: ${topic}`);
    const addrOf = (name: string): string => {
      const bd = route.brokerDatas.find((b) => b.brokerName === name);
      const a = bd === undefined ? undefined : selectBrokerAddr(bd.brokerAddrs);
      if (a === undefined) throw new Error(`The broker[${name}] not exist (not in the route of ${topic}; check -b against clusterList)`);
      return a;
    };
    if (queueId !== undefined) {
      const q: Queue = { topic, brokerName: brokerName!, queueId: Number(queueId), addr: addrOf(brokerName!) };
      const offset = offsetText === undefined ? 0 : Number(offsetText);
      let [min, max] = await bounds(ctx, q);
      if (offset > max) return ctx.out(`${mqString(q)} no matched msg, offset=${offset}`);
      min = Math.max(min, offset);
      if (max - min > count) {
        ctx.out(`The oldler ${count} message will be provided`);
        max = min + count - 1;
      }
      return pullQueue(ctx, group, q, min, max);
    }
    // Java DefaultMQPullConsumer#fetchSubscribeMessageQueues: the readable queues, in a HashSet.
    const mqs: MessageQueue[] = [];
    for (const qd of route.queueDatas) if (qd.perm & 4) for (let i = 0; i < qd.readQueueNums; i++) mqs.push({ topic, brokerName: qd.brokerName, queueId: i });
    let left = count;
    for (const mq of hashOrderBy(mqs, messageQueueHash)) {
      if (left === 0) return;
      const q: Queue = { ...mq, addr: addrOf(mq.brokerName) };
      let [min, max] = await bounds(ctx, q);
      if (max - min > left) {
        ctx.out(`The older ${left} message of the ${q.queueId} queue will be provided`);
        max = min + left - 1;
        left = 0;
      } else {
        left = left - (max - min) - 1;
      }
      await pullQueue(ctx, group, q, min, max);
    }
  },
};
