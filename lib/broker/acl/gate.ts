import { ResponseCode } from '../../../protocol/codes';
import { reply, type Processor } from '../../remoting';
import type { Authenticator } from './authentication';

/**
 * Contract: wraps one registered processor so that its request is authenticated before it runs (the broker's
 * registration table applies it to every code when authenticationEnabled=true). A refused request gets
 * NO_PERMISSION (16) with the authenticator's remark and the processor is not called. Java: NettyRemotingAbstract
 * #processRequestCommand runs the request pipeline (AuthenticationPipeline) before processor.processRequest and
 * answers its AbortProcessException with the exception's code and message.
 * Difference: a code with no Apogee processor is answered REQUEST_CODE_NOT_SUPPORTED without authentication (Java's
 * broker routes it to its default processor, so it authenticates first).
 */
export function authGate(auth: Authenticator, inner: Processor): Processor {
  return (ctx) => {
    const r = auth.authenticate(ctx.request, ctx.connection.remoteHost);
    return r.ok ? inner(ctx) : reply(ctx, ResponseCode.NO_PERMISSION, r.remark);
  };
}
