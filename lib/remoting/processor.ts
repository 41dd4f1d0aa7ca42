import type { RemotingCommand } from '../../protocol/command';
import { ResponseCode } from '../../protocol/codes';
import type { Connection } from './connection';

/**
 * A processor handles one request-code family. It returns the response, or SUSPENDED when it has parked the
 * request (long polling) and will answer later with `ctx.connection.respond(ctx.request, response)`. Processors
 * never return null. Errors a client can act on are responses (code + remark), not exceptions; an exception is a
 * bug and is answered with SYSTEM_ERROR.
 */
export const SUSPENDED: unique symbol = Symbol('suspended');
export type ProcessorResult = RemotingCommand | typeof SUSPENDED;

export interface RequestContext {
  readonly connection: Connection;
  readonly request: RemotingCommand;
  /** ms since epoch when the frame was decoded. */
  readonly receivedAt: number;
}

export type Processor = (ctx: RequestContext) => ProcessorResult | Promise<ProcessorResult>;

/** code -> processor, read as data; unknown codes get REQUEST_CODE_NOT_SUPPORTED. */
export class ProcessorRegistry {
  private readonly table = new Map<number, Processor>();

  register(codes: number | readonly number[], processor: Processor): this {
    for (const code of typeof codes === 'number' ? [codes] : codes) {
      if (this.table.has(code)) throw new Error(`request code ${code} is registered twice`);
      this.table.set(code, processor);
    }
    return this;
  }

  get(code: number): Processor | undefined {
    return this.table.get(code);
  }

  codes(): number[] {
    return [...this.table.keys()].sort((a, b) => a - b);
  }
}

/** Java: NettyRemotingAbstract#processRequestCommand — note the leading space, kept for operators' greps. */
export function notSupportedRemark(code: number): string {
  return ` request type ${code} not supported`;
}

export const REQUEST_CODE_NOT_SUPPORTED = ResponseCode.REQUEST_CODE_NOT_SUPPORTED;
