import { RequestCode, ResponseCode } from '../../../protocol/codes';
import {
  GetEarliestMsgStoretimeRequestHeader,
  GetEarliestMsgStoretimeResponseHeader,
  GetMaxOffsetRequestHeader,
  GetMaxOffsetResponseHeader,
  GetMinOffsetRequestHeader,
  GetMinOffsetResponseHeader,
  SearchOffsetRequestHeader,
  SearchOffsetResponseHeader,
} from '../../../protocol/headers';
import { okWith, reply, requestHeader, type Processor, type RequestContext } from '../../remoting';
import type { BrokerContext } from '../context';

/**
 * Queue offset queries: GET_MAX_OFFSET (30), GET_MIN_OFFSET (31), GET_EARLIEST_MSG_STORETIME (32),
 * SEARCH_OFFSET_BY_TIMESTAMP (29). Java: AdminBrokerProcessor. Go reads `offset` without checking the code, so
 * every SUCCESS carries it; unknown queues answer 0 as Java's store does.
 */
export function offsetProcessors(bc: BrokerContext): [number, Processor][] {
  return [
    [RequestCode.GET_MAX_OFFSET, (ctx) => maxOffset(bc, ctx)],
    [RequestCode.GET_MIN_OFFSET, (ctx) => minOffset(bc, ctx)],
    [RequestCode.GET_EARLIEST_MSG_STORETIME, (ctx) => earliest(bc, ctx)],
    [RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, (ctx) => search(bc, ctx)],
  ];
}

function maxOffset(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, GetMaxOffsetRequestHeader);
  if (!h.ok) return h.response;
  return okWith(ctx, GetMaxOffsetResponseHeader, { offset: bc.store.getMaxOffsetInQueue(h.value.topic, h.value.queueId) });
}

function minOffset(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, GetMinOffsetRequestHeader);
  if (!h.ok) return h.response;
  return okWith(ctx, GetMinOffsetResponseHeader, { offset: bc.store.getMinOffsetInQueue(h.value.topic, h.value.queueId) });
}

async function earliest(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, GetEarliestMsgStoretimeRequestHeader);
  if (!h.ok) return h.response;
  const t = await bc.store.getEarliestMessageTime(h.value.topic, h.value.queueId);
  return okWith(ctx, GetEarliestMsgStoretimeResponseHeader, { timestamp: t });
}

async function search(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, SearchOffsetRequestHeader);
  if (!h.ok) return h.response;
  const b = (h.value.boundaryType ?? 'lower').toUpperCase();
  if (b !== 'LOWER' && b !== 'UPPER') return reply(ctx, ResponseCode.INVALID_PARAMETER, `unknown boundaryType ${h.value.boundaryType}: expected lower or upper`);
  const offset = await bc.store.getOffsetInQueueByTime(h.value.topic, h.value.queueId, h.value.timestamp, b);
  return okWith(ctx, SearchOffsetResponseHeader, { offset });
}
