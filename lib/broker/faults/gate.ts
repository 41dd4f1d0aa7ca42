import { reply, SUSPENDED, type Processor, type ProcessorResult, type RequestContext } from '../../remoting';
import type { Logger } from '../../common';
import { requestTopic, type FaultInjector } from './injector';
import { markSlowReads } from './slow-reads';

/**
 * The one hook of fault injection in the request path: wraps every registered processor (registration.ts). When
 * the injector is disabled the wrapper costs one boolean check. When a rule hits (injector.ts decides):
 * - delay: waits, then runs the processor;
 * - error: answers the rule's ResponseCode with a remark saying it was injected, the processor does not run;
 * - drop: runs the processor and sends no answer (a send is stored: the client sees a lost ack / timeout). A
 *   processor that itself holds the request (long-polled pull) answers later as usual: drop does not reach it;
 * - close: closes the connection; the processor does not run.
 * - slowread: runs the processor with the request marked: its reads from the store complete late (slow-reads.ts).
 * Every injection is logged at debug level and counted by the injector.
 */
export const FAULT_REMARK_PREFIX = '[APOGEE-FAULT]';

export function faultGate(faults: FaultInjector, logger: Logger, code: number, p: Processor): Processor {
  return (ctx) => (faults.enabled ? inject(faults, logger, code, p, ctx) : p(ctx));
}

function inject(faults: FaultInjector, logger: Logger, code: number, p: Processor, ctx: RequestContext): ProcessorResult | Promise<ProcessorResult> {
  const topic = requestTopic(code, ctx.request.extFields);
  const hit = faults.decide(code, topic);
  if (hit === null) return p(ctx);
  const { rule, action } = hit;
  logger.debug({ rule: rule.index, action: action.kind, code, topic, remote: ctx.connection.remoteAddress }, 'fault injected');
  switch (action.kind) {
    case 'delay':
      return new Promise<void>((resolve) => setTimeout(resolve, action.delayMs)).then(() => p(ctx));
    case 'error':
      return reply(ctx, action.code, `${FAULT_REMARK_PREFIX} injected ${action.name} by fault rule #${rule.index} (${rule.text})`);
    case 'drop':
      return Promise.resolve(p(ctx)).then(() => SUSPENDED);
    case 'close':
      ctx.connection.close(`${FAULT_REMARK_PREFIX} connection closed by fault rule #${rule.index}`);
      return SUSPENDED;
    case 'slowread':
      markSlowReads(ctx.request, action.delayMs);
      return p(ctx);
  }
}
