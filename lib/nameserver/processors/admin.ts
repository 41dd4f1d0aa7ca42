import { RequestCode, ResponseCode } from '../../../protocol/codes';
import {
  AddWritePermOfBrokerRequestHeader,
  AddWritePermOfBrokerResponseHeader,
  WipeWritePermOfBrokerRequestHeader,
  WipeWritePermOfBrokerResponseHeader,
} from '../../../protocol/headers';
import { parseJavaProperties } from '../../../protocol/codec';
import { ok, okWith, reply, requestHeader, type Processor, type RequestContext } from '../../remoting';
import type { NamesrvContext } from '../context';

/**
 * Operator codes: WIPE_WRITE_PERM_OF_BROKER (205), ADD_WRITE_PERM_OF_BROKER (327), UPDATE_NAMESRV_CONFIG (318),
 * GET_NAMESRV_CONFIG (319). Java: DefaultRequestProcessor.
 */
export function adminProcessors(nc: NamesrvContext): [number, Processor][] {
  return [
    [RequestCode.WIPE_WRITE_PERM_OF_BROKER, (ctx) => writePerm(nc, ctx, true)],
    [RequestCode.ADD_WRITE_PERM_OF_BROKER, (ctx) => writePerm(nc, ctx, false)],
    [RequestCode.UPDATE_NAMESRV_CONFIG, (ctx) => updateConfig(nc, ctx)],
    [RequestCode.GET_NAMESRV_CONFIG, (ctx) => ok(ctx, null, Buffer.from(nc.configText(), 'utf8'))],
  ];
}

function writePerm(nc: NamesrvContext, ctx: RequestContext, wipe: boolean) {
  if (wipe) {
    const h = requestHeader(ctx, WipeWritePermOfBrokerRequestHeader);
    if (!h.ok) return h.response;
    const n = nc.routes.operateWritePerm(h.value.brokerName, true);
    nc.logger.info({ brokerName: h.value.brokerName, topics: n, remote: ctx.connection.remoteAddress }, 'wipe write perm of broker');
    return okWith(ctx, WipeWritePermOfBrokerResponseHeader, { wipeTopicCount: n });
  }
  const h = requestHeader(ctx, AddWritePermOfBrokerRequestHeader);
  if (!h.ok) return h.response;
  const n = nc.routes.operateWritePerm(h.value.brokerName, false);
  nc.logger.info({ brokerName: h.value.brokerName, topics: n, remote: ctx.connection.remoteAddress }, 'add write perm of broker');
  return okWith(ctx, AddWritePermOfBrokerResponseHeader, { addTopicCount: n });
}

function updateConfig(nc: NamesrvContext, ctx: RequestContext) {
  const body = ctx.request.body;
  if (body === null) return ok(ctx);
  let props: Map<string, string>;
  try {
    props = parseJavaProperties(body.toString('latin1'));
  } catch (e) {
    // Java: MixAll.string2Properties returns null -> SYSTEM_ERROR "string2Properties error".
    return reply(ctx, ResponseCode.SYSTEM_ERROR, `string2Properties error: ${(e as Error).message}`);
  }
  const r = nc.updateConfig(props);
  return r.code === ResponseCode.SUCCESS ? ok(ctx) : reply(ctx, r.code, r.remark);
}
