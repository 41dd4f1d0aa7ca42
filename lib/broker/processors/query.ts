import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { encodeHeader, QueryMessageRequestHeader, QueryMessageResponseHeader, ViewMessageRequestHeader } from '../../../protocol/headers';
import { reply, requestHeader, type Processor, type RequestContext } from '../../remoting';
import type { BrokerContext } from '../context';
import { slowRead } from '../faults/slow-reads';

/**
 * QUERY_MESSAGE (12) and VIEW_MESSAGE_BY_ID (33). Java: rmq5 broker/src/main/java/org/apache/rocketmq/broker/processor/QueryMessageProcessor.java.
 * Bodies are stored records concatenated, as Java's QueryMessageTransfer / OneMessageTransfer send them.
 */
export function queryProcessors(bc: BrokerContext): [number, Processor][] {
  return [
    [RequestCode.QUERY_MESSAGE, (ctx) => queryMessage(bc, ctx)],
    [RequestCode.VIEW_MESSAGE_BY_ID, (ctx) => viewMessage(bc, ctx)],
  ];
}

/** Java MixAll.UNIQUE_MSG_QUERY_FLAG: the client looks a message up by its UNIQ_KEY. */
export const UNIQUE_MSG_QUERY_FLAG = '_UNIQUE_KEY_QUERY';

/**
 * Bound on a QUERY_MESSAGE body. The store returns at most maxMsgsNumBatch (64) records, which at the 4 MiB
 * message limit could exceed the 16 MiB frame the Java decoder accepts (P22); the newest records that fit are kept.
 */
export const QUERY_BODY_BYTES_MAX = 8 * 1024 * 1024;

async function queryMessage(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, QueryMessageRequestHeader);
  if (!h.ok) return h.response;
  const { topic, key, beginTimestamp, endTimestamp } = h.value;
  let maxNum = h.value.maxNum;
  // Java: a unique-key lookup ignores the client's maxNum and uses the store's defaultQueryMaxNum.
  if (ctx.request.extFields?.get(UNIQUE_MSG_QUERY_FLAG) === 'true') maxNum = bc.storeConfig.defaultQueryMaxNum;
  const r = await slowRead(bc.faults, ctx.request, bc.store.queryMessage(topic, key, maxNum, beginTimestamp, endTimestamp));
  const ext = encodeHeader(QueryMessageResponseHeader, {
    indexLastUpdateTimestamp: r.indexLastUpdateTimestamp,
    indexLastUpdatePhyoffset: r.indexLastUpdatePhyoffset,
  });
  if (r.bufferTotalSize <= 0) {
    // Java sets the response header before deciding, so QUERY_NOT_FOUND carries it too.
    return reply(ctx, ResponseCode.QUERY_NOT_FOUND, 'can not find message, maybe time range not correct', ext);
  }
  const parts: Buffer[] = [];
  let size = 0;
  for (const m of r.messages) {
    if (size + m.length > QUERY_BODY_BYTES_MAX && parts.length > 0) break;
    parts.push(m);
    size += m.length;
  }
  return reply(ctx, ResponseCode.SUCCESS, null, ext, Buffer.concat(parts, size));
}

async function viewMessage(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, ViewMessageRequestHeader);
  if (!h.ok) return h.response;
  const offset = h.value.offset;
  const rec = offset >= 0 && Number.isSafeInteger(offset) ? await slowRead(bc.faults, ctx.request, bc.store.lookMessageByOffset(offset)) : undefined;
  if (rec === undefined) return reply(ctx, ResponseCode.SYSTEM_ERROR, `can not find message by the offset, ${offset}`);
  return reply(ctx, ResponseCode.SUCCESS, null, null, rec);
}
