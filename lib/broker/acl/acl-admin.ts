import { RequestCode, ResponseCode } from '../../../protocol/codes';
import type { Logger } from '../../common';
import { ok, reply, type Processor, type RequestContext } from '../../remoting';
import { parseResource, policyTypeOf, sameResource } from './acl-model';
import { aclFromInfo, aclToInfo, mergeAcl, subjectUser, SYSTEM_ERROR, type AclError, type AclInfo, type AclStore } from './acls';
import type { UserStore } from './users';

/**
 * Contract: the ACL 2.0 rule admin codes mqadmin createAcl/updateAcl/deleteAcl/getAcl/listAcl (and copyAcl, which is
 * getAcl/listAcl + createAcl/updateAcl) send — AUTH_CREATE_ACL 3006 .. AUTH_LIST_ACL 3010 — answered as Java 5.5.0
 * answers them. Headers: `subject` ("User:<name>"); delete also `policyType` (Custom when absent or unknown) and
 * `resource` (absent = the whole ACL); list `subjectFilter`, `resourceFilter`. Body (create/update) and answer
 * (get/list) AclInfo JSON. Create and update are the same operation in Java: the subject's user must exist, then new
 * policies/entries are merged into its ACL (an entry with the same resource is replaced).
 * Java: broker/.../processor/AdminBrokerProcessor#createAcl..listAcl + handleAuthException (AuthorizationException ->
 * NO_PERMISSION + message; anything else -> SYSTEM_ERROR "An system error occurred, please try again later."),
 * auth/.../manager/AuthorizationMetadataManagerImpl. `acls` undefined = no authorizationMetadataProvider: Java's
 * manager fails (SYSTEM_ERROR). Difference: a missing or empty body, which Java answers SYSTEM_ERROR with the
 * exception text and its first stack frame, gets the exception text only.
 */
export interface AclAdminOptions {
  readonly users: UserStore | undefined;
  readonly acls: AclStore | undefined;
  readonly logger: Logger;
}

const NO_BODY = 'org.apache.rocketmq.auth.authorization.exception.AuthorizationException: The body of acl is null';

export function aclAdminProcessors(o: AclAdminOptions): [number, Processor][] {
  const fail = (ctx: RequestContext, e: AclError) => reply(ctx, e.system ? ResponseCode.SYSTEM_ERROR : ResponseCode.NO_PERMISSION, e.remark);
  const header = (ctx: RequestContext, k: string) => ctx.request.extFields?.get(k);
  const json = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');

  const upsert = (what: 'create' | 'update'): Processor => (ctx) => {
    let info: AclInfo | null = null;
    try {
      info = ctx.request.body === null || ctx.request.body.length === 0 ? null : (JSON.parse(ctx.request.body.toString('utf8')) as AclInfo | null);
    } catch {
      return fail(ctx, SYSTEM_ERROR);
    }
    if (info === null || typeof info !== 'object' || !Array.isArray(info.policies) || info.policies.length === 0) return reply(ctx, ResponseCode.SYSTEM_ERROR, NO_BODY);
    const acl = aclFromInfo(info, header(ctx, 'subject'));
    if ('remark' in acl) return fail(ctx, acl);
    if (o.users === undefined || o.acls === undefined) return fail(ctx, SYSTEM_ERROR);
    const user = subjectUser(acl.subject)!;
    if (o.users.get(user) === undefined) return fail(ctx, { system: false, remark: `The subject of ${acl.subject} is not exist.` });
    const old = o.acls.get(acl.subject);
    const err = o.acls.put(old === undefined ? acl : mergeAcl(old, acl));
    if (err !== undefined) return fail(ctx, { system: true, remark: err });
    o.logger.info({ subject: acl.subject }, `acl ${what}d`);
    return ok(ctx);
  };

  const remove: Processor = (ctx) => {
    const subjectKey = header(ctx, 'subject');
    const user = subjectUser(subjectKey);
    if (user === undefined) return fail(ctx, { system: false, remark: 'The subject is null.' });
    if (o.users === undefined || o.acls === undefined) return fail(ctx, SYSTEM_ERROR);
    const type = policyTypeOf(header(ctx, 'policyType')) ?? 'Custom';
    const resource = parseResource(header(ctx, 'resource'));
    const key = `User:${user}`;
    if (o.users.get(user) === undefined) return fail(ctx, { system: false, remark: 'The subject is not exist.' });
    const old = o.acls.get(key);
    if (old === undefined) return fail(ctx, { system: false, remark: 'The acl is not exist.' });
    if (resource === undefined) {
      o.acls.delete(key);
    } else {
      // Java Acl#deletePolicy: drop the entry; an emptied policy goes; an ACL without policies is deleted.
      const next = { subject: key, policies: old.policies.map((p) => ({ ...p, entries: [...p.entries] })) };
      const p = next.policies.find((x) => x.policyType === type);
      if (p !== undefined) {
        const i = p.entries.findIndex((e) => sameResource(e.resource, resource));
        if (i >= 0) p.entries.splice(i, 1);
        if (p.entries.length === 0) next.policies.splice(next.policies.indexOf(p), 1);
      }
      if (next.policies.length === 0) o.acls.delete(key);
      else o.acls.put(next);
    }
    o.logger.info({ subject: key, resource: header(ctx, 'resource') ?? null }, 'acl deleted');
    return ok(ctx);
  };

  const get: Processor = (ctx) => {
    const user = subjectUser(header(ctx, 'subject'));
    if (user === undefined || o.users === undefined || o.acls === undefined) return fail(ctx, SYSTEM_ERROR);
    if (o.users.get(user) === undefined) return fail(ctx, { system: false, remark: 'The subject is not exist.' });
    const acl = o.acls.get(`User:${user}`);
    return ok(ctx, null, acl === undefined ? null : json(aclToInfo(acl)));
  };

  const list: Processor = (ctx) => {
    if (o.acls === undefined) return fail(ctx, SYSTEM_ERROR);
    const acls = o.acls.list(header(ctx, 'subjectFilter'), header(ctx, 'resourceFilter'));
    return ok(ctx, null, acls.length === 0 ? null : json(acls.map(aclToInfo)));
  };

  return [
    [RequestCode.AUTH_CREATE_ACL, upsert('create')],
    [RequestCode.AUTH_UPDATE_ACL, upsert('update')],
    [RequestCode.AUTH_DELETE_ACL, remove],
    [RequestCode.AUTH_GET_ACL, get],
    [RequestCode.AUTH_LIST_ACL, list],
  ];
}
