import { createResponse, type RemotingCommand } from '../../protocol/command';
import { ResponseCode } from '../../protocol/codes';
import { decodeHeader, encodeHeader, type Fields, type HeaderSpec, type HeaderValue } from '../../protocol/headers';
import type { RequestContext } from './processor';

/**
 * Small helpers every processor uses, so that each response carries the request's opaque and serialization, the
 * server's version, and an actionable remark.
 */
export function reply(
  ctx: RequestContext,
  code: number,
  remark: string | null = null,
  extFields: Map<string, string> | null = null,
  body: Buffer | null = null,
): RemotingCommand {
  return createResponse(ctx.request, code, remark, ctx.connection.version, extFields, body);
}

export function ok(ctx: RequestContext, extFields: Map<string, string> | null = null, body: Buffer | null = null): RemotingCommand {
  return reply(ctx, ResponseCode.SUCCESS, null, extFields, body);
}

/** SUCCESS with a typed response header. */
export function okWith<F extends Fields>(
  ctx: RequestContext,
  spec: HeaderSpec<F>,
  value: Partial<HeaderValue<F>>,
  body: Buffer | null = null,
): RemotingCommand {
  return reply(ctx, ResponseCode.SUCCESS, null, encodeHeader(spec, value), body);
}

export type HeaderOrReply<T> = { ok: true; value: T } | { ok: false; response: RemotingCommand };

/**
 * Decodes the request's custom header; a missing required field or a bad number becomes SYSTEM_ERROR with
 * Java's wording (RemotingCommand#decodeCommandCustomHeader), never an exception.
 */
export function requestHeader<F extends Fields>(ctx: RequestContext, spec: HeaderSpec<F>): HeaderOrReply<HeaderValue<F>> {
  const d = decodeHeader(spec, ctx.request.extFields);
  if (d.ok) return d;
  return { ok: false, response: reply(ctx, ResponseCode.SYSTEM_ERROR, `${spec.name}: ${d.error}`) };
}
