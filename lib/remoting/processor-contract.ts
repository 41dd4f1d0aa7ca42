import type { RemotingCommand } from '../../protocol/command';

/**
 * The processor contract shared by the connection (which calls processors) and the registry (which holds them):
 * the SUSPENDED result, the request context and the REQUEST_CODE_NOT_SUPPORTED remark. The context is generic in
 * the connection type so that this file imports neither connection.ts nor processor.ts; connection.ts and
 * processor.ts both import it and fill in `Connection`, which keeps the files free of import cycles.
 *
 * A processor returns the response, or SUSPENDED when it has parked the request (long polling) and will answer
 * later with `ctx.connection.respond(ctx.request, response)`. Processors never return null.
 */
export const SUSPENDED: unique symbol = Symbol('suspended');
export type ProcessorResult = RemotingCommand | typeof SUSPENDED;

/** What a processor receives; `C` is the connection class (see RequestContext in processor.ts). */
export interface RequestContextOf<C> {
  readonly connection: C;
  readonly request: RemotingCommand;
  /** ms since epoch when the frame was decoded. */
  readonly receivedAt: number;
}

export type ProcessorOf<C> = (ctx: RequestContextOf<C>) => ProcessorResult | Promise<ProcessorResult>;

/** The one thing a connection needs of the registry: code -> processor (undefined when none is registered). */
export interface ProcessorLookup<C> {
  get(code: number): ProcessorOf<C> | undefined;
}

/** Java: NettyRemotingAbstract#processRequestCommand — note the leading space, kept for operators' greps. */
export function notSupportedRemark(code: number): string {
  return ` request type ${code} not supported`;
}
