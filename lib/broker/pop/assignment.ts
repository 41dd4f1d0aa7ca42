import { ResponseCode } from '../../../protocol/codes';
import { isReadable, RETRY_GROUP_TOPIC_PREFIX } from '../../../protocol/naming';
import { ok, reply, type ProcessorResult, type RequestContext } from '../../remoting';
import type { PopService } from './pop-service';
import type { MessageRequestMode, RequestModeEntry } from './request-mode';

/**
 * QUERY_ASSIGNMENT (400) and SET_MESSAGE_REQUEST_MODE (401): server-side rebalance (Java: broker/.../processor/
 * QueryAssignmentProcessor.java). A consumer with setClientRebalance(false) asks which queues it owns and in
 * which mode; a (topic, group) set to POP (mqadmin setConsumeMode) gets, with popShareQueueNum <= 0, one queue
 * with queueId -1 per broker (POP from every queue), else Java's allocate4Pop. Retry topics and groups without a
 * mode get the broker's default, PULL, allocated by the client's strategy (AVG, AVG_BY_CIRCLE).
 *
 * Difference: Java takes the topic's queues from its NameServer route (every broker of the cluster); Apogee uses
 * its own topic config, so the answer names this broker's queues only (one broker per topic).
 */
interface Mq {
  topic: string;
  brokerName: string;
  queueId: number;
}

function parseBody(body: Buffer | null): Record<string, unknown> | undefined {
  if (body === null || body.length === 0) return undefined;
  try {
    const o: unknown = JSON.parse(body.toString('utf8'));
    return o !== null && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Java AllocateMessageQueueAveragely ("AVG"). */
export function allocateAveragely(mqAll: readonly Mq[], cidAll: readonly string[], cid: string): Mq[] {
  const index = cidAll.indexOf(cid);
  if (index < 0 || mqAll.length === 0) return [];
  const mod = mqAll.length % cidAll.length;
  const avg = mqAll.length <= cidAll.length ? 1 : mod > 0 && index < mod ? Math.floor(mqAll.length / cidAll.length) + 1 : Math.floor(mqAll.length / cidAll.length);
  const start = mod > 0 && index < mod ? index * avg : index * avg + mod;
  const range = Math.min(avg, mqAll.length - start);
  const out: Mq[] = [];
  for (let i = 0; i < range; i++) out.push(mqAll[(start + i) % mqAll.length]!);
  return out;
}

/** Java AllocateMessageQueueAveragelyByCircle ("AVG_BY_CIRCLE"). */
export function allocateByCircle(mqAll: readonly Mq[], cidAll: readonly string[], cid: string): Mq[] {
  const index = cidAll.indexOf(cid);
  if (index < 0) return [];
  return mqAll.filter((_, i) => i % cidAll.length === index);
}

const STRATEGIES: Record<string, (mqAll: readonly Mq[], cidAll: readonly string[], cid: string) => Mq[]> = {
  AVG: allocateAveragely,
  AVG_BY_CIRCLE: allocateByCircle,
};

/** Java QueryAssignmentProcessor#allocate4Pop. */
export function allocate4Pop(strategy: (mqAll: readonly Mq[], cidAll: readonly string[], cid: string) => Mq[], mqAll: readonly Mq[], cidAll: readonly string[], cid: string, popShareQueueNum: number): Mq[] {
  if (popShareQueueNum <= 0 || popShareQueueNum >= cidAll.length - 1) {
    const seen = new Set<string>();
    const out: Mq[] = [];
    for (const mq of mqAll) {
      if (seen.has(mq.brokerName)) continue;
      seen.add(mq.brokerName);
      out.push({ topic: mq.topic, brokerName: mq.brokerName, queueId: -1 });
    }
    return out;
  }
  if (cidAll.length <= mqAll.length) {
    const out = strategy(mqAll, cidAll, cid);
    let index = cidAll.indexOf(cid);
    if (index >= 0) {
      for (let i = 1; i <= popShareQueueNum; i++) {
        index = (index + 1) % cidAll.length;
        out.push(...strategy(mqAll, cidAll, cidAll[index]!));
      }
    }
    return out;
  }
  const index = cidAll.indexOf(cid);
  return index < 0 ? [] : [mqAll[index % mqAll.length]!];
}

function compareMq(a: Mq, b: Mq): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
  return a.queueId - b.queueId;
}

export function processQueryAssignment(ps: PopService, ctx: RequestContext): ProcessorResult {
  const bc = ps.bc;
  const body = parseBody(ctx.request.body);
  if (body === undefined) return reply(ctx, ResponseCode.SYSTEM_ERROR, 'QueryAssignmentRequestBody: the body is missing or not JSON');
  const topic = str(body['topic']);
  const group = str(body['consumerGroup']);
  const clientId = str(body['clientId']);
  const model = str(body['messageModel']);
  const strategyName = str(body['strategyName']);
  let mode: RequestModeEntry | undefined = ps.modes.get(topic, group);
  if (mode === undefined) {
    const m: MessageRequestMode = topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) ? 'PULL' : bc.config.defaultMessageRequestMode === 'POP' ? 'POP' : 'PULL';
    mode = { topic, consumerGroup: group, mode: m, popShareQueueNum: m === 'POP' ? bc.config.defaultPopShareQueueNum : 0 };
  }
  const tc = bc.topics.get(topic);
  const mqAll: Mq[] = [];
  if (tc !== undefined && isReadable(tc.perm)) for (let i = 0; i < tc.readQueueNums; i++) mqAll.push({ topic, brokerName: bc.config.brokerName, queueId: i });
  let assigned: Mq[] | null = null;
  if (model === 'BROADCASTING') {
    assigned = tc === undefined ? null : mqAll;
  } else if (model === 'CLUSTERING') {
    const strategy = STRATEGIES[strategyName];
    const cidAll = bc.consumers.get(group)?.clientIds();
    if (tc === undefined || cidAll === undefined || strategy === undefined) assigned = null;
    else if (!bc.config.serverLoadBalancerEnable) assigned = mqAll;
    else {
      mqAll.sort(compareMq);
      cidAll.sort();
      assigned = mode.mode === 'POP' ? allocate4Pop(strategy, mqAll, cidAll, clientId, mode.popShareQueueNum) : strategy(mqAll, cidAll, clientId);
    }
  } else {
    assigned = [];
  }
  const mqJson = (q: Mq): string => `{"brokerName":${JSON.stringify(q.brokerName)},"queueId":${q.queueId},"topic":${JSON.stringify(q.topic)}}`;
  const seen = new Set<string>();
  const items: string[] = [];
  for (const q of assigned ?? []) {
    const k = mqJson(q);
    if (seen.has(k)) continue;
    seen.add(k);
    items.push(`{"messageQueue":${k},"mode":"${mode.mode}"}`);
  }
  const out = assigned === null ? '{}' : `{"messageQueueAssignments":[${items.join(',')}]}`;
  return ok(ctx, null, Buffer.from(out, 'utf8'));
}

export function processSetMessageRequestMode(ps: PopService, ctx: RequestContext): ProcessorResult {
  const bc = ps.bc;
  const body = parseBody(ctx.request.body);
  if (body === undefined) return reply(ctx, ResponseCode.SYSTEM_ERROR, 'SetMessageRequestModeRequestBody: the body is missing or not JSON');
  const topic = str(body['topic']);
  if (topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) return reply(ctx, ResponseCode.NO_PERMISSION, 'retry topic is not allowed to set mode');
  if (bc.topics.get(topic) === undefined) return reply(ctx, ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist`);
  const group = str(body['consumerGroup']);
  if (bc.groups.find(group) === undefined) return reply(ctx, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, 'subscription group does not exist');
  const share = typeof body['popShareQueueNum'] === 'number' ? body['popShareQueueNum'] : 0;
  const entry: RequestModeEntry = { topic, consumerGroup: group, mode: body['mode'] === 'POP' ? 'POP' : 'PULL', popShareQueueNum: share };
  if (!ps.modes.set(entry)) return reply(ctx, ResponseCode.SYSTEM_ERROR, 'too many (topic, group) request modes (MESSAGE_REQUEST_MODES_MAX); remove unused groups first');
  return ok(ctx);
}
