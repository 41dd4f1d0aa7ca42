import { RequestCode, ResponseCode } from '../../../protocol/codes';
import {
  DeleteKVConfigRequestHeader,
  GetKVConfigRequestHeader,
  GetKVConfigResponseHeader,
  GetKVListByNamespaceRequestHeader,
  PutKVConfigRequestHeader,
} from '../../../protocol/headers';
import { ok, okWith, reply, requestHeader, type Processor, type RequestContext } from '../../remoting';
import * as codec from '../codec';
import type { NamesrvContext } from '../context';

/** KV config codes: PUT (100), GET (101), DELETE (102), GET_KVLIST_BY_NAMESPACE (219). Java: DefaultRequestProcessor. */
export function kvProcessors(nc: NamesrvContext): [number, Processor][] {
  return [
    [RequestCode.PUT_KV_CONFIG, (ctx) => put(nc, ctx)],
    [RequestCode.GET_KV_CONFIG, (ctx) => get(nc, ctx)],
    [RequestCode.DELETE_KV_CONFIG, (ctx) => del(nc, ctx)],
    [RequestCode.GET_KVLIST_BY_NAMESPACE, (ctx) => list(nc, ctx)],
  ];
}

function put(nc: NamesrvContext, ctx: RequestContext) {
  const h = requestHeader(ctx, PutKVConfigRequestHeader);
  if (!h.ok) return h.response;
  const refused = nc.kv.put(h.value.namespace, h.value.key, h.value.value);
  if (refused !== null) return reply(ctx, ResponseCode.SYSTEM_ERROR, `PUT_KV_CONFIG refused: ${refused}`);
  return ok(ctx);
}

function get(nc: NamesrvContext, ctx: RequestContext) {
  const h = requestHeader(ctx, GetKVConfigRequestHeader);
  if (!h.ok) return h.response;
  const v = nc.kv.get(h.value.namespace, h.value.key);
  if (v === undefined) {
    return reply(ctx, ResponseCode.QUERY_NOT_FOUND, `No config item, Namespace: ${h.value.namespace} Key: ${h.value.key}`);
  }
  return okWith(ctx, GetKVConfigResponseHeader, { value: v });
}

function del(nc: NamesrvContext, ctx: RequestContext) {
  const h = requestHeader(ctx, DeleteKVConfigRequestHeader);
  if (!h.ok) return h.response;
  nc.kv.delete(h.value.namespace, h.value.key);
  return ok(ctx);
}

function list(nc: NamesrvContext, ctx: RequestContext) {
  const h = requestHeader(ctx, GetKVListByNamespaceRequestHeader);
  if (!h.ok) return h.response;
  const m = nc.kv.list(h.value.namespace);
  if (m === undefined) return reply(ctx, ResponseCode.QUERY_NOT_FOUND, `No config item, Namespace: ${h.value.namespace}`);
  return ok(ctx, null, codec.encodeKvTable(m));
}
