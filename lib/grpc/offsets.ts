import { RequestCode, ResponseCode } from '../../protocol/codes';
import { GetMaxOffsetRequestHeader, GetMinOffsetRequestHeader, QueryConsumerOffsetRequestHeader, SearchOffsetRequestHeader, UpdateConsumerOffsetRequestHeader } from '../../protocol/headers';
import { MASTER_ID } from '../../protocol/naming';
import type { RocketClient } from '../client';
import { Code, durationMs, OK, status, type PbDuration, type PbResource, type Status } from './convert';
import { remotingStatus } from './convert';

/**
 * UpdateOffset, GetOffset and QueryOffset (Java: proxy/.../grpc/v2/consumer/OffsetActivity and PullMessageActivity
 * #updateOffset, newer than the proxy 5.5.0 this repo otherwise follows): the broker that the message queue names answers
 *   UpdateOffset UPDATE_CONSUMER_OFFSET for the group (the commit offset as given)
 *   GetOffset    QUERY_CONSUMER_OFFSET for the group (a group with no committed offset: the broker's QUERY_NOT_FOUND
 *                as INTERNAL_SERVER_ERROR naming it, as the proxy's ResponseBuilder maps unmapped codes)
 *   QueryOffset  BEGINNING -> GET_MIN_OFFSET, END -> GET_MAX_OFFSET, TIMESTAMP -> SEARCH_OFFSET_BY_TIMESTAMP (the
 *                timestamp is required: BAD_REQUEST without it)
 * PullMessage is not served (NOT_IMPLEMENTED).
 */
export interface GrpcOffsetsOptions {
  client: RocketClient;
  /** Remoting request timeout, ms. */
  requestTimeoutMs: number;
}

/** How old a cached topic route may be when the queue's broker is looked up, ms. */
export const ROUTE_MAX_AGE_MS = 3_000;

export type PbQueue = { topic: PbResource; id: number; broker?: { name?: string } | null };
type OffsetAnswer = { status: Status; offset: number };

export class GrpcOffsets {
  constructor(private readonly o: GrpcOffsetsOptions) {}

  async updateOffset(req: { group?: PbResource | null; messageQueue?: PbQueue | null; offset?: number }): Promise<{ status: Status }> {
    const group = req.group?.name ?? '';
    if (group === '') return { status: status(Code.ILLEGAL_CONSUMER_GROUP, 'UpdateOffset needs group') };
    const offset = Number(req.offset ?? 0);
    if (!Number.isInteger(offset) || offset < 0) return { status: status(Code.BAD_REQUEST, `offset must be an integer >= 0, got ${req.offset}`) };
    const q = await this.queue(req.messageQueue);
    if (!q.ok) return { status: q.status };
    const header = { spec: UpdateConsumerOffsetRequestHeader, value: { consumerGroup: group, topic: q.topic, queueId: q.queueId, commitOffset: offset, bname: q.brokerName } };
    const r = await this.o.client.call(q.addr, RequestCode.UPDATE_CONSUMER_OFFSET, header, null, this.o.requestTimeoutMs);
    return { status: r.code === ResponseCode.SUCCESS ? OK : remotingStatus(r.code, r.remark) };
  }

  async getOffset(req: { group?: PbResource | null; messageQueue?: PbQueue | null }): Promise<OffsetAnswer> {
    const group = req.group?.name ?? '';
    if (group === '') return { status: status(Code.ILLEGAL_CONSUMER_GROUP, 'GetOffset needs group'), offset: 0 };
    const q = await this.queue(req.messageQueue);
    if (!q.ok) return { status: q.status, offset: 0 };
    return this.ask(q.addr, RequestCode.QUERY_CONSUMER_OFFSET, { spec: QueryConsumerOffsetRequestHeader, value: { consumerGroup: group, topic: q.topic, queueId: q.queueId, bname: q.brokerName } });
  }

  async queryOffset(req: { messageQueue?: PbQueue | null; queryOffsetPolicy?: string; timestamp?: PbDuration | null }): Promise<OffsetAnswer> {
    const q = await this.queue(req.messageQueue);
    if (!q.ok) return { status: q.status, offset: 0 };
    const base = { topic: q.topic, queueId: q.queueId, bname: q.brokerName };
    switch (req.queryOffsetPolicy) {
      case 'BEGINNING':
        return this.ask(q.addr, RequestCode.GET_MIN_OFFSET, { spec: GetMinOffsetRequestHeader, value: base });
      case 'END':
        return this.ask(q.addr, RequestCode.GET_MAX_OFFSET, { spec: GetMaxOffsetRequestHeader, value: base });
      case 'TIMESTAMP': {
        const ms = durationMs(req.timestamp);
        if (ms === undefined) return { status: status(Code.BAD_REQUEST, 'timestamp is required for TIMESTAMP query offset policy'), offset: 0 };
        return this.ask(q.addr, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, { spec: SearchOffsetRequestHeader, value: { ...base, timestamp: ms } });
      }
      default:
        return { status: status(Code.BAD_REQUEST, `unsupported query offset policy: ${req.queryOffsetPolicy ?? ''}`), offset: 0 };
    }
  }

  private async ask(addr: string, code: number, header: Parameters<RocketClient['call']>[2]): Promise<OffsetAnswer> {
    const r = await this.o.client.call(addr, code, header, null, this.o.requestTimeoutMs);
    if (r.code !== ResponseCode.SUCCESS) return { status: remotingStatus(r.code, r.remark), offset: 0 };
    const offset = Number(r.extFields?.get('offset'));
    if (!Number.isFinite(offset)) return { status: status(Code.INTERNAL_SERVER_ERROR, `broker answered request ${code} without an offset`), offset: 0 };
    return { status: OK, offset };
  }

  private queue(mq: PbQueue | null | undefined): Promise<ResolvedQueue> {
    return resolveQueue(this.o.client, mq);
  }
}

export type ResolvedQueue = { ok: true; addr: string; topic: string; queueId: number; brokerName: string } | { ok: false; status: Status };

/** The master address of the broker a v2 MessageQueue names (BAD_REQUEST without topic, broker or id; TOPIC_NOT_FOUND outside the route). */
export async function resolveQueue(client: RocketClient, mq: PbQueue | null | undefined): Promise<ResolvedQueue> {
  const topic = mq?.topic?.name ?? '';
  const brokerName = mq?.broker?.name ?? '';
  if (topic === '' || brokerName === '' || mq === null || mq === undefined || !Number.isInteger(mq.id) || mq.id < 0) {
    return { ok: false, status: status(Code.BAD_REQUEST, 'message_queue needs topic, broker name and a queue id >= 0') };
  }
  const r = await client.routeOf(topic, ROUTE_MAX_AGE_MS);
  if (r === undefined) return { ok: false, status: status(Code.TOPIC_NOT_FOUND, `topic ${topic} not found: create it first (mqadmin updateTopic)`) };
  const addr = r.brokerDatas.find((b) => b.brokerName === brokerName)?.brokerAddrs.get(MASTER_ID);
  if (addr === undefined) return { ok: false, status: status(Code.TOPIC_NOT_FOUND, `broker ${brokerName} serves no queue of ${topic}`) };
  return { ok: true, addr, topic, queueId: mq.id, brokerName };
}
