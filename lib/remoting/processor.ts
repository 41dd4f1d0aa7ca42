import { ResponseCode } from '../../protocol/codes';
import type { Connection } from './connection';
import type { ProcessorLookup, ProcessorOf, RequestContextOf } from './processor-contract';

/**
 * A processor handles one request-code family. It returns the response, or SUSPENDED when it has parked the
 * request (long polling) and will answer later with `ctx.connection.respond(ctx.request, response)`. Processors
 * never return null. Errors a client can act on are responses (code + remark), not exceptions; an exception is a
 * bug and is answered with SYSTEM_ERROR. The contract itself (SUSPENDED, the context) lives in
 * processor-contract.ts, which connection.ts imports too; this file holds the registry.
 */
export { SUSPENDED, notSupportedRemark } from './processor-contract';
export type { ProcessorResult } from './processor-contract';

export type RequestContext = RequestContextOf<Connection>;

export type Processor = ProcessorOf<Connection>;

/** code -> processor, read as data; unknown codes get REQUEST_CODE_NOT_SUPPORTED. */
export class ProcessorRegistry implements ProcessorLookup<Connection> {
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

export const REQUEST_CODE_NOT_SUPPORTED = ResponseCode.REQUEST_CODE_NOT_SUPPORTED;
