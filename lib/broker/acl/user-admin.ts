import { RequestCode, ResponseCode } from '../../../protocol/codes';
import type { Logger } from '../../common';
import { ok, reply, type Processor, type RequestContext } from '../../remoting';
import { ACCESS_KEY } from './signature';
import type { AclStore } from './acls';
import type { User, UserStore, UserStatus, UserType } from './users';

/**
 * Contract: the ACL 2.0 user admin codes mqadmin createUser/updateUser/deleteUser/getUser/listUser send
 * (AUTH_CREATE_USER 3001 .. AUTH_LIST_USER 3005), answered as Java 5.5.0 answers them: header `username` (list:
 * `filter`), body UserInfo JSON {username, password, userType "Super"|"Normal", userStatus "enable"|"disable"}.
 * Java: broker/.../processor/AdminBrokerProcessor#createUser..listUser, handleAuthException (AuthenticationException
 * -> NO_PERMISSION + message; anything else -> SYSTEM_ERROR "An system error occurred, please try again later."),
 * isNotSuperUserLogin, auth/.../AuthenticationMetadataManagerImpl (validate, merge on update), UserConverter.
 * `users` undefined = no authenticationMetadataProvider configured: Java's manager throws IllegalStateException,
 * i.e. SYSTEM_ERROR. deleteUser also deletes the user's ACLs in Java; without an authorizationMetadataProvider Java
 * deletes the user and then answers SYSTEM_ERROR, which Apogee mirrors (authzConfigured=false).
 */
export const SYSTEM_ERROR_REMARK = 'An system error occurred, please try again later.';

export interface UserAdminOptions {
  readonly users: UserStore | undefined;
  /** Java authorizationMetadataProvider non-blank. */
  readonly authzConfigured: boolean;
  /** The ACL store (authorizationMetadataProvider set): deleteUser deletes the user's ACL too. */
  readonly acls?: AclStore | undefined;
  readonly logger: Logger;
}

interface UserInfo { username?: string; password?: string; userType?: string; userStatus?: string }

const typeOf = (n: string | undefined): UserType | undefined => (n === undefined ? undefined : n.toLowerCase() === 'super' ? 'Super' : n.toLowerCase() === 'normal' ? 'Normal' : undefined);
const statusOf = (n: string | undefined): UserStatus | undefined => (n === undefined ? undefined : n.toLowerCase() === 'enable' ? 'enable' : n.toLowerCase() === 'disable' ? 'disable' : undefined);

/** fastjson2 writes a bean's fields in name order and leaves nulls out. */
function userInfoJson(u: User): Record<string, string> {
  return { password: u.password, userStatus: u.userStatus, userType: u.userType, username: u.username };
}

function bodyInfo(ctx: RequestContext): UserInfo {
  if (ctx.request.body === null) return {};
  const v: unknown = JSON.parse(ctx.request.body.toString('utf8'));
  return v !== null && typeof v === 'object' ? (v as UserInfo) : {};
}

export function userAdminProcessors(o: UserAdminOptions): [number, Processor][] {
  const noPerm = (ctx: RequestContext, remark: string) => reply(ctx, ResponseCode.NO_PERMISSION, remark);
  const sysErr = (ctx: RequestContext, remark = SYSTEM_ERROR_REMARK) => reply(ctx, ResponseCode.SYSTEM_ERROR, remark);
  const blank = (s: string | undefined) => s === undefined || s.trim() === '';
  /** Java isNotSuperUserLogin: no AccessKey (authentication off) counts as super. */
  const notSuperLogin = (ctx: RequestContext, users: UserStore) => {
    const ak = ctx.request.extFields?.get(ACCESS_KEY);
    return ak !== undefined && ak !== '' && users.get(ak)?.userType !== 'Super';
  };

  const create: Processor = (ctx) => {
    const username = ctx.request.extFields?.get('username');
    if (username === undefined || username === '') return reply(ctx, ResponseCode.INVALID_PARAMETER, 'The username is blank');
    const info = bodyInfo(ctx);
    const userType = typeOf(info.userType);
    if (o.users === undefined) return sysErr(ctx);
    if (userType === 'Super' && notSuperLogin(ctx, o.users)) return sysErr(ctx, 'The super user can only be create by super user');
    if (blank(username)) return noPerm(ctx, 'username can not be blank');
    if (blank(info.password)) return noPerm(ctx, 'password can not be blank');
    if (o.users.get(username) !== undefined) return noPerm(ctx, 'The user is existed');
    const err = o.users.put({ username, password: info.password!, userType: userType ?? 'Normal', userStatus: statusOf(info.userStatus) ?? 'enable' });
    if (err !== undefined) return sysErr(ctx, err);
    o.logger.info({ user: username }, 'user created');
    return ok(ctx);
  };

  const update: Processor = (ctx) => {
    const username = ctx.request.extFields?.get('username');
    if (username === undefined || username === '') return reply(ctx, ResponseCode.INVALID_PARAMETER, 'The username is blank');
    const info = bodyInfo(ctx);
    const userType = typeOf(info.userType);
    if (o.users === undefined) return sysErr(ctx);
    if (userType === 'Super' && notSuperLogin(ctx, o.users)) return sysErr(ctx, 'The super user can only be update by super user');
    const old = o.users.get(username);
    if (old === undefined) return noPerm(ctx, 'The user is not exist');
    if (old.userType === 'Super' && notSuperLogin(ctx, o.users)) return noPerm(ctx, 'The super user can only be update by super user');
    if (blank(username)) return noPerm(ctx, 'username can not be blank');
    const next: User = { ...old };
    if (!blank(info.password)) next.password = info.password!;
    if (userType !== undefined) next.userType = userType;
    const status = statusOf(info.userStatus);
    if (status !== undefined) next.userStatus = status;
    o.users.put(next);
    o.logger.info({ user: username }, 'user updated');
    return ok(ctx);
  };

  const remove: Processor = (ctx) => {
    const username = ctx.request.extFields?.get('username') ?? '';
    if (o.users === undefined) return sysErr(ctx);
    if (blank(username)) return noPerm(ctx, 'username can not be blank');
    const old = o.users.get(username);
    if (old === undefined) return ok(ctx);
    if (old.userType === 'Super' && notSuperLogin(ctx, o.users)) return noPerm(ctx, 'The super user can only be update by super user');
    o.users.delete(username);
    o.acls?.delete(`User:${username}`);
    o.logger.info({ user: username }, 'user deleted');
    // Java deletes the user, then fails on the missing authorization provider (its ACLs are not deleted).
    return o.authzConfigured ? ok(ctx) : sysErr(ctx);
  };

  const get: Processor = (ctx) => {
    const username = ctx.request.extFields?.get('username');
    if (blank(username)) return reply(ctx, ResponseCode.INVALID_PARAMETER, 'The username is blank');
    if (o.users === undefined) return sysErr(ctx);
    const u = o.users.get(username!);
    return ok(ctx, null, u === undefined ? null : Buffer.from(JSON.stringify(userInfoJson(u)), 'utf8'));
  };

  const list: Processor = (ctx) => {
    if (o.users === undefined) return sysErr(ctx);
    const filter = ctx.request.extFields?.get('filter') ?? '';
    // RocksDB iterates keys in byte order.
    const users = o.users
      .list()
      .filter((u) => blank(filter) || u.username.includes(filter))
      .sort((a, b) => Buffer.compare(Buffer.from(a.username, 'utf8'), Buffer.from(b.username, 'utf8')));
    return ok(ctx, null, users.length === 0 ? null : Buffer.from(JSON.stringify(users.map(userInfoJson)), 'utf8'));
  };

  return [
    [RequestCode.AUTH_CREATE_USER, create],
    [RequestCode.AUTH_UPDATE_USER, update],
    [RequestCode.AUTH_DELETE_USER, remove],
    [RequestCode.AUTH_GET_USER, get],
    [RequestCode.AUTH_LIST_USER, list],
  ];
}
