import { RequestCode } from '../../../protocol/codes';
import { jfmt, need, type SubCommand } from '../command';
import { callOk, intOpt, targetBrokers } from '../util';

/**
 * setConsumeMode and checkMsgSendRT. Java: tools/.../command/consumer/SetConsumeModeSubCommand.java,
 * message/CheckMsgSendRTCommand.java.
 */

const MODES = ['PULL', 'POP'] as const;

export const setConsumeMode: SubCommand = {
  name: 'setConsumeMode',
  description: 'Set consume message mode. pull/pop etc.',
  options: [
    { short: 'b', long: 'brokerAddr', value: true, help: 'create subscription group to which broker' },
    { short: 'c', long: 'clusterName', value: true, help: 'create subscription group to which cluster' },
    { short: 't', long: 'topicName', value: true, required: true, help: 'topic name' },
    { short: 'g', long: 'groupName', value: true, required: true, help: 'consumer group name' },
    { short: 'm', long: 'mode', value: true, required: true, help: 'consume mode. PULL/POP' },
    { short: 'q', long: 'popShareQueueNum', value: true, help: 'num of queue which share in pop mode' },
  ],
  async execute(ctx) {
    const topic = need(ctx, 'topicName');
    const group = need(ctx, 'groupName');
    const mode = need(ctx, 'mode');
    if (!(MODES as readonly string[]).includes(mode)) throw new Error(`-m ${mode}: use PULL or POP`);
    const share = intOpt(ctx, 'popShareQueueNum', 0);
    const body = Buffer.from(JSON.stringify({ consumerGroup: group, mode, popShareQueueNum: share, topic }), 'utf8');
    for (const t of await targetBrokers(ctx)) {
      await callOk(ctx, t.addr, RequestCode.SET_MESSAGE_REQUEST_MODE, 'SET_MESSAGE_REQUEST_MODE', null, body);
      ctx.out(`set consume mode to ${t.addr} success.`);
    }
    ctx.out(`topic[${topic}] group[${group}] consume mode[${mode}] popShareQueueNum[${share}]`);
  },
};

export const checkMsgSendRT: SubCommand = {
  name: 'checkMsgSendRT',
  description: 'Check message send response time.',
  options: [
    { short: 't', long: 'topic', value: true, required: true, help: 'topic name' },
    { short: 'a', long: 'amount', value: true, help: 'message amount | default 100' },
    { short: 's', long: 'size', value: true, help: 'message size | default 128 Byte' },
  ],
  async execute(ctx) {
    const topic = need(ctx, 'topic');
    const amount = intOpt(ctx, 'amount', 100);
    const size = intOpt(ctx, 'size', 128);
    if (amount < 1 || size < 0) throw new Error('-a must be at least 1 and -s at least 0');
    const body = Buffer.alloc(size, 'a');
    const qs = await ctx.client.publishQueues(topic);
    ctx.out(jfmt('%-32s  %-4s  %-20s    %s', '#Broker Name', '#QID', '#Send Result', '#RT'));
    let elapsed = 0;
    // One line per send is the progress report; the first send (connection set-up) is left out of the average.
    for (let i = 0; i < amount; i++) {
      const q = qs[i % qs.length]!;
      const start = Date.now();
      const ok = await ctx.client.send(topic, body, { queueId: q.queueId, brokerName: q.brokerName }).then(
        (r) => r.code === 0,
        () => false,
      );
      const rt = Date.now() - start;
      if (i !== 0) elapsed += rt;
      ctx.out(jfmt('%-32s  %-4s  %-20s    %s', q.brokerName, q.queueId, ok, rt));
    }
    ctx.out(`Avg RT: ${(elapsed / (amount - 1)).toFixed(2)}`);
  },
};
