import type { RemotingCommand } from '../../../protocol/command';
import type { Logger } from '../../common';
import { decidingEntry, resourceKey } from './acl-model';
import type { AclStore } from './acls';
import { authzContexts, type AuthzContext } from './authorization-context';
import type { UserStore } from './users';

/**
 * Contract: the per-request authorization of the Java 5.5.0 broker (ACL 2.0, `authorizationEnabled=true`), run after
 * authentication and before the processor; a refusal is NO_PERMISSION (16) with Java's remark and the processor
 * never runs. Each context of the request (authorization-context.ts) is evaluated in order, the first refusal wins:
 *   no AccessKey                       -> "Authorization failed. Please verify your access rights and try again."
 *   user unknown                       -> "User:<u> not found."
 *   Super user                         -> allowed (no rule consulted)
 *   no authorizationMetadataProvider   -> "The authorizationMetadataProvider is not configured"
 *   no ACL / no matching entry         -> "User:<u> has no permission to access <resource> from <ip>, no matched policies."
 *   deciding entry is Deny             -> "... from <ip>, the decision is deny."
 * Codes in `authorizationWhitelist` skip it. Java: broker/.../auth/pipeline/AuthorizationPipeline,
 * auth/.../strategy/AbstractAuthorizationStrategy#doEvaluate, provider/DefaultAuthorizationProvider (chain
 * UserAuthorizationHandler -> AclAuthorizationHandler, audit log line on Deny).
 */
export interface AuthorizationOptions {
  /** Java `authorizationWhitelist`: request codes that skip authorization. */
  readonly whitelist: ReadonlySet<number>;
  /** undefined when no authenticationMetadataProvider is configured. */
  readonly users: UserStore | undefined;
  /** undefined when no authorizationMetadataProvider is configured. */
  readonly acls: AclStore | undefined;
  /** brokerClusterName: the resource of cluster-wide admin codes ("Cluster:<name>"). */
  readonly clusterName: string;
  readonly logger: Logger;
}

export const REMARK_AUTHZ_FAILED = 'Authorization failed. Please verify your access rights and try again.';
export const REMARK_NO_AUTHZ_PROVIDER = 'The authorizationMetadataProvider is not configured';
export const REMARK_NO_AUTHN_PROVIDER = 'The authenticationMetadataProvider is not configured';

export class Authorizer {
  /** Requests refused since start. */
  deniedTotal = 0;

  constructor(private readonly o: AuthorizationOptions) {}

  /** undefined = allowed; otherwise Java's remark. */
  authorize(request: RemotingCommand, sourceIp: string): string | undefined {
    if (this.o.whitelist.has(request.code)) return undefined;
    const contexts = authzContexts(request, sourceIp, this.o.clusterName);
    if (typeof contexts === 'string') return this.denied(request, undefined, contexts);
    for (const c of contexts) {
      const remark = this.evaluate(c);
      if (remark !== undefined) return this.denied(request, c, remark);
    }
    return undefined;
  }

  private evaluate(c: AuthzContext): string | undefined {
    if (c.user === undefined) return REMARK_AUTHZ_FAILED; // Java: NullPointerException on the null subject, wrapped
    if (this.o.users === undefined) return REMARK_NO_AUTHN_PROVIDER;
    const user = this.o.users.get(c.user);
    if (user === undefined) return `User:${c.user} not found.`;
    if (user.userType === 'Super') return undefined;
    if (this.o.acls === undefined) return REMARK_NO_AUTHZ_PROVIDER;
    const subject = `User:${c.user}`;
    const acl = this.o.acls.get(subject);
    const head = () => `${subject} has no permission to access ${resourceKey(c.resource)} from ${c.sourceIp}, `;
    if (acl === undefined) return `${head()}no matched policies.`;
    const entry = decidingEntry(acl, c.resource, c.actions, c.sourceIp);
    if (entry === undefined) return `${head()}no matched policies.`;
    if (entry.decision === 'Deny') return `${head()}the decision is deny.`;
    return undefined;
  }

  private denied(request: RemotingCommand, c: AuthzContext | undefined, remark: string): string {
    this.deniedTotal++;
    // Java's audit line: subject, actions, source, resource, request code (never a secret).
    this.o.logger.info(
      { user: c?.user ?? null, actions: c?.actions.join(',') ?? null, sourceIp: c?.sourceIp ?? null, resource: c === undefined ? null : resourceKey(c.resource), code: request.code, reason: remark },
      'authorization denied',
    );
    return remark;
  }
}
