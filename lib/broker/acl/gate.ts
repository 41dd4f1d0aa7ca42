import { ResponseCode } from '../../../protocol/codes';
import { reply, type Processor } from '../../remoting';
import type { Authenticator } from './authentication';
import type { Authorizer } from './authorization';

/**
 * Contract: wraps one registered processor so that its request is authenticated, then authorized, before it runs (the
 * broker's registration table applies it to every code when authenticationEnabled or authorizationEnabled is true).
 * A refused request gets NO_PERMISSION (16) with the remark of the step that refused it and the processor is not
 * called. Java: NettyRemotingAbstract#processRequestCommand runs the request pipeline (AuthenticationPipeline then
 * AuthorizationPipeline, BrokerController#initialRequestPipeline) before processor.processRequest and answers its
 * AbortProcessException with the exception's code and message.
 * Difference: a code with no Apogee processor is answered REQUEST_CODE_NOT_SUPPORTED without authentication (Java's
 * broker routes it to its default processor, so it authenticates first).
 */
export function authGate(auth: Authenticator | undefined, authz: Authorizer | undefined, inner: Processor): Processor {
  return (ctx) => {
    if (auth !== undefined) {
      const r = auth.authenticate(ctx.request, ctx.connection.remoteHost);
      if (!r.ok) return reply(ctx, ResponseCode.NO_PERMISSION, r.remark);
    }
    if (authz !== undefined) {
      const remark = authz.authorize(ctx.request, ctx.connection.remoteHost);
      if (remark !== undefined) return reply(ctx, ResponseCode.NO_PERMISSION, remark);
    }
    return inner(ctx);
  };
}
