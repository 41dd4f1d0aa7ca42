import { isJsonObject, parseJson, type MessageQueue } from '../../../protocol/bodies';
import { RequestCode } from '../../../protocol/codes';
import { jfmt, need, optional, type SubCommand } from '../command';
import { hashOrderBy, javaStringHash, messageQueueHash } from '../java-order';
import { callOk, intOpt, javaBool, targetBrokers } from '../util';

/**
 * setConsumeMode, checkMsgSendRT, sendMsgStatus, allocateMQ, producer. Java: tools/.../command/consumer/SetConsumeModeSubCommand
 * .java, message/CheckMsgSendRTCommand.java, broker/SendMsgStatusCommand.java, topic/AllocateMQSubCommand.java, producer/ProducerSubCommand.java.
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

/** Send statuses Java's producer returns as a SendResult (not an exception): SEND_OK, FLUSH_DISK_TIMEOUT, SLAVE_NOT_AVAILABLE, FLUSH_SLAVE_TIMEOUT. */
const SENT_CODES: ReadonlySet<number> = new Set([0, 10, 11, 12]);

/** Java CLusterSendMsgRTCommand#getCurTime: "yyyy-MM-dd HH:mm:ss" in GMT+8. */
function chinaTime(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

export const clusterRT: SubCommand = {
  name: 'clusterRT',
  description: 'List All clusters Message Send RT.',
  options: [
    { short: 'a', long: 'amount', value: true, help: 'message amount | default 100' },
    { short: 's', long: 'size', value: true, help: 'message size | default 128 Byte' },
    { short: 'c', long: 'cluster', value: true, help: 'cluster name | default display all cluster' },
    { short: 'p', long: 'print log', value: true, help: 'print as tlog | default false' },
    { short: 'm', long: 'machine room', value: true, help: 'machine room name | default noname' },
    { short: 'i', long: 'interval', value: true, help: 'print interval | default 10 seconds' },
  ],
  async execute(ctx) {
    const amount = intOpt(ctx, 'amount', 100);
    const size = intOpt(ctx, 'size', 128);
    const interval = intOpt(ctx, 'interval', 10);
    if (amount < 2 || size < 0 || interval < 0) throw new Error('-a must be at least 2, -s and -i at least 0');
    const tlog = javaBool(optional(ctx, 'print log'));
    const room = optional(ctx, 'machine room') ?? 'noname';
    const ci = await ctx.client.clusterInfo();
    const only = optional(ctx, 'cluster');
    const clusters = only !== undefined ? [only] : hashOrderBy([...ci.clusterAddrTable.keys()], javaStringHash);
    if (!tlog) ctx.out(jfmt('%-24s  %-24s  %-4s  %-8s  %-8s', '#Cluster Name', '#Broker Name', '#RT', '#successCount', '#failCount'));
    const body = Buffer.alloc(size, 'a');
    // Java: one round every -i seconds until the tool is stopped; each round sends to the topic named after each broker.
    for (;;) {
      for (const cluster of clusters) {
        const names = ci.clusterAddrTable.get(cluster);
        if (names === undefined) {
          ctx.out(`cluster [${cluster}] not exist`);
          break;
        }
        for (const name of hashOrderBy([...names], javaStringHash)) {
          let elapsed = 0;
          let ok = 0;
          let failed = 0;
          for (let i = 0; i < amount; i++) {
            const start = Date.now();
            const sent = await ctx.client.send(name, body).then((r) => SENT_CODES.has(r.code), () => false);
            if (sent) ok++;
            else failed++;
            if (i !== 0) elapsed += Date.now() - start;
          }
          const rt = elapsed / (amount - 1);
          if (!tlog) ctx.out(jfmt('%-24s  %-24s  %-8s  %-16s  %-16s', cluster, name, rt.toFixed(2), ok, failed));
          else ctx.out(`${chinaTime(Date.now())}|${room}|${cluster}|${name}|${Math.round(rt)}`);
        }
      }
      await new Promise((res) => setTimeout(res, interval * 1000));
    }
  },
};

/** Java AllocateMessageQueueAveragely#allocate for one consumer id. */
export function allocateAveragely<T>(all: readonly T[], cids: readonly string[], cid: string): T[] {
  const index = cids.indexOf(cid);
  if (index < 0 || all.length === 0) return [];
  const mod = all.length % cids.length;
  const avg = all.length <= cids.length ? 1 : mod > 0 && index < mod ? Math.floor(all.length / cids.length) + 1 : Math.floor(all.length / cids.length);
  const start = mod > 0 && index < mod ? index * avg : index * avg + mod;
  const range = Math.min(avg, all.length - start);
  return range > 0 ? all.slice(start, start + range) : [];
}

const mqJson = (q: MessageQueue): string => `{"brokerName":${JSON.stringify(q.brokerName)},"queueId":${q.queueId},"topic":${JSON.stringify(q.topic)}}`;

export const allocateMQ: SubCommand = {
  name: 'allocateMQ',
  description: 'Allocate MQ.',
  options: [
    { short: 't', long: 'topic', value: true, required: true, help: 'topic name' },
    { short: 'i', long: 'ipList', value: true, required: true, help: 'ipList' },
  ],
  async execute(ctx) {
    const topic = need(ctx, 'topic');
    const ips = need(ctx, 'ipList').split(',');
    const route = await ctx.client.routeOf(topic, 0);
    if (route === undefined) throw new Error(`No topic route info in name server for the topic: ${topic}`);
    // Java MQClientInstance#topicRouteData2TopicSubscribeInfo: the readable queues, in a HashSet.
    const mqs: MessageQueue[] = [];
    for (const qd of route.queueDatas) if (qd.perm & 4) for (let i = 0; i < qd.readQueueNums; i++) mqs.push({ topic, brokerName: qd.brokerName, queueId: i });
    const all = hashOrderBy(mqs, messageQueueHash);
    const result = new Map<string, MessageQueue[]>();
    for (const ip of ips) result.set(ip, allocateAveragely(all, ips, ip));
    const keys = hashOrderBy([...result.keys()], javaStringHash);
    ctx.out(`{"result":{${keys.map((k) => `${JSON.stringify(k)}:[${result.get(k)!.map(mqJson).join(',')}]`).join(',')}}}`);
  },
};

export const producer: SubCommand = {
  name: 'producer',
  description: "Query producer's instances, connection, status, etc.",
  options: [{ short: 'b', long: 'broker', value: true, required: true, help: 'broker address' }],
  async execute(ctx) {
    const addr = need(ctx, 'broker');
    const r = await callOk(ctx, addr, RequestCode.GET_ALL_PRODUCER_INFO, 'GET_ALL_PRODUCER_INFO');
    const tree = parseJson(r.body ?? '{}');
    const data = isJsonObject(tree) ? tree.get('data') : undefined;
    if (!isJsonObject(data)) return;
    const groups = hashOrderBy(data.entries.map(([k]) => String(k)), javaStringHash);
    for (const group of groups) {
      const list = data.get(group);
      if (!Array.isArray(list) || list.length === 0) {
        ctx.out(`producer group (${group}) instances are empty`);
        continue;
      }
      for (const p of list) {
        const f = (k: string): string => (isJsonObject(p) ? String(p.get(k) ?? 'null') : 'null');
        ctx.out(`producer group (${group}) instance : clientId=${f('clientId')},remoteIP=${f('remoteIP')}, language=${f('language')}, version=${f('version')}, lastUpdateTimestamp=${f('lastUpdateTimestamp')}`);
      }
    }
  },
};

/** Java SendMsgStatusCommand#buildMessage: "hello jodie" repeated once per 11 bytes asked for. */
function jodie(size: number): Buffer {
  return Buffer.from('hello jodie'.repeat(Math.ceil(size / 11)), 'utf8');
}

export const sendMsgStatus: SubCommand = {
  name: 'sendMsgStatus',
  description: 'Send msg to broker.',
  options: [
    { short: 'b', long: 'brokerName', value: true, required: true, help: 'Broker Name e.g. clusterName_brokerName as DefaultCluster_broker-a' },
    { short: 's', long: 'messageSize', value: true, help: 'Message Size, Default: 128' },
    { short: 'c', long: 'count', value: true, help: 'send message count, Default: 50' },
  ],
  async execute(ctx) {
    // The topic is the broker's name (each broker serves a topic named after itself), as in Java.
    const topic = need(ctx, 'brokerName');
    const size = intOpt(ctx, 'messageSize', 128);
    const count = intOpt(ctx, 'count', 50);
    const warm = await ctx.client.send(topic, jodie(16));
    if (warm.code !== 0) throw new Error(`send to topic ${topic}: CODE: ${warm.code} DESC: ${warm.remark ?? ''} (is -b a broker name? see clusterList)`);
    // One line per send is the progress report.
    for (let i = 0; i < count; i++) {
      const begin = Date.now();
      const r = await ctx.client.send(topic, jodie(size));
      if (r.code !== 0) throw new Error(`send to topic ${topic}: CODE: ${r.code} DESC: ${r.remark ?? ''}`);
      ctx.out(`rt=${Date.now() - begin}ms, SendResult=SendResult [sendStatus=SEND_OK, msgId=${r.msgId}, offsetMsgId=${r.offsetMsgId}, messageQueue=MessageQueue [topic=${topic}, brokerName=${r.brokerName}, queueId=${r.queueId}], queueOffset=${r.queueOffset}, recallHandle=null]`);
    }
  },
};
