import { createRequest } from '../../protocol/command';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { encodeSendMessageHeaderV2 } from '../../protocol/headers';
import { stringifyProperties } from '../../protocol/message';
import { RocketClient } from '../../lib/client';
import { SERVER_VERSION, silentLogger } from '../../lib/common';
import { RemotingClient } from '../../lib/remoting';
import { SerializeType } from '../../protocol/command';
import { sleep } from './stats';

/**
 * Requests the harness makes of a server under test, with lib/client and lib/remoting: create a topic on a broker,
 * wait for its route, send one message straight to a broker (no route), read counters (stored messages per topic,
 * the broker's put/get totals). The same calls for Apogee and Apache RocketMQ.
 */
export function benchClient(namesrvAddr: string, timeoutMs = 5000, serializeType: SerializeType = SerializeType.ROCKETMQ, tls = false, credentials?: { accessKey: string; secretKey: string }): RocketClient {
  // tls: as the Java client in its default test mode (any server certificate, no host check).
  const t = tls ? { tls: { rejectUnauthorized: false, checkServerIdentity: () => undefined } } : {};
  // credentials: every request signed as Java's AclClientRPCHook signs it.
  const c = credentials !== undefined ? { credentials } : {};
  return new RocketClient({ namesrvAddr, logger: silentLogger(), timeoutMs, serializeType, producerGroup: 'apogee_bench_producer', ...t, ...c });
}

/** The header fields of UPDATE_AND_CREATE_TOPIC as mqadmin updateTopic sends them (read/write queues, perm RW). */
export function createTopicFields(topic: string, queues: number): Map<string, string> {
  return new Map([
    ['topic', topic],
    ['defaultTopic', 'TBW102'],
    ['readQueueNums', String(queues)],
    ['writeQueueNums', String(queues)],
    ['perm', '6'],
    ['topicFilterType', 'SINGLE_TAG'],
    ['topicSysFlag', '0'],
    ['order', 'false'],
  ]);
}

/** UPDATE_AND_CREATE_TOPIC on one broker (as mqadmin updateTopic -b), then waits until the NameServer routes it. */
export async function createTopic(client: RocketClient, brokerAddr: string, topic: string, queues = 8, timeoutMs = 30_000): Promise<void> {
  const ext = createTopicFields(topic, queues);
  const r = await client.call(brokerAddr, RequestCode.UPDATE_AND_CREATE_TOPIC, ext);
  if (r.code !== ResponseCode.SUCCESS) throw new Error(`create topic ${topic} on ${brokerAddr}: ${r.code} ${r.remark ?? ''}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const route = await client.routeOf(topic, 0).catch(() => undefined);
    if (route !== undefined && route.queueDatas.some((q) => q.writeQueueNums === queues)) return;
    if (Date.now() > deadline) throw new Error(`route of ${topic} not on the NameServer within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** SEND_MESSAGE_V2 to a broker address, bypassing routes (for start and recovery probes). */
export async function sendDirect(client: RocketClient, brokerAddr: string, brokerName: string, topic: string, body: Buffer, timeoutMs = 2000): Promise<number> {
  const ext = encodeSendMessageHeaderV2({
    producerGroup: 'apogee_bench_probe',
    topic,
    defaultTopic: 'TBW102',
    defaultTopicQueueNums: 4,
    queueId: 0,
    sysFlag: 0,
    bornTimestamp: Date.now(),
    flag: 0,
    properties: stringifyProperties([['WAIT', 'true']]),
    reconsumeTimes: 0,
    unitMode: false,
    batch: false,
    bname: brokerName,
  });
  const r = await client.call(brokerAddr, RequestCode.SEND_MESSAGE_V2, ext, body, timeoutMs);
  return r.code;
}

/** Messages stored in a topic: the sum of its queues' max offsets on one broker (GET_TOPIC_STATS_INFO). */
export async function storedInTopic(client: RocketClient, brokerAddr: string, topic: string): Promise<number> {
  const r = await client.call(brokerAddr, RequestCode.GET_TOPIC_STATS_INFO, new Map([['topic', topic]]));
  if (r.code !== ResponseCode.SUCCESS || r.body === null) throw new Error(`GET_TOPIC_STATS_INFO ${topic}: ${r.code} ${r.remark ?? ''}`);
  // {"offsetTable":{{"brokerName":..,"queueId":0,"topic":..}:{"lastUpdateTimestamp":..,"maxOffset":N,"minOffset":0},...}}
  let n = 0;
  for (const m of r.body.toString('utf8').matchAll(/"maxOffset":(\d+)/g)) n += Number(m[1]);
  return n;
}

/** The broker's message put and get totals (GET_BROKER_RUNTIME_INFO msgPutTotalTodayNow / msgGetTotalTodayNow). */
export async function brokerTotals(client: RocketClient, brokerAddr: string): Promise<{ put: number; get: number; commitLogMaxOffset: number }> {
  const r = await client.call(brokerAddr, RequestCode.GET_BROKER_RUNTIME_INFO, null);
  if (r.code !== ResponseCode.SUCCESS || r.body === null) throw new Error(`GET_BROKER_RUNTIME_INFO: ${r.code} ${r.remark ?? ''}`);
  const text = r.body.toString('utf8');
  const num = (k: string): number => {
    const m = new RegExp(`"${k}":"?(\\d+)`).exec(text);
    return m === null ? NaN : Number(m[1]);
  };
  return { put: num('msgPutTotalTodayNow'), get: num('msgGetTotalTodayNow'), commitLogMaxOffset: num('commitLogMaxOffset') };
}

/**
 * Polls until a request succeeds, as fast as `intervalMs` allows; resolves with the milliseconds since `t0`
 * (process.hrtime.bigint()). Used for "process start to first accepted send".
 */
export async function firstSuccess(what: string, t0: bigint, attempt: () => Promise<boolean>, timeoutMs: number, intervalMs = 10): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      if (await attempt()) return Number(process.hrtime.bigint() - t0) / 1e6;
      last = 'refused';
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline) throw new Error(`${what}: no success within ${timeoutMs} ms (last: ${last})`);
    await sleep(intervalMs);
  }
}

/** A bare remoting client (for the NameServer benchmark's fake brokers). */
export function bareRemoting(): RemotingClient {
  return new RemotingClient({ logger: silentLogger(), version: SERVER_VERSION, connectTimeoutMs: 2000 });
}

export { createRequest };

/** The server's event-loop delay (ms) as GET_BROKER_RUNTIME_INFO reports it (Apogee's eventLoopDelay* keys over
 * the last 60 s, lib/common/loop-delay.ts); NaN for a server without them (Java) or when the call fails. */
export interface ServerLoopDelay {
  p99Ms: number;
  maxMs: number;
}

export async function serverLoopDelay(client: RocketClient, brokerAddr: string, sinceStart = false): Promise<ServerLoopDelay> {
  const r = await client.call(brokerAddr, RequestCode.GET_BROKER_RUNTIME_INFO, null).catch(() => undefined);
  const text = r !== undefined && r.code === ResponseCode.SUCCESS && r.body !== null ? r.body.toString('utf8') : '';
  const suffix = sinceStart ? 'SinceStart' : '';
  const num = (k: string): number => {
    const m = new RegExp(`"${k}":"?([\\d.]+)`).exec(text);
    return m === null ? NaN : Number(m[1]);
  };
  return { p99Ms: num(`eventLoopDelayP99Ms${suffix}`), maxMs: num(`eventLoopDelayMaxMs${suffix}`) };
}
