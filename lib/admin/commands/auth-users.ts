import { RequestCode } from '../../../protocol/codes';
import { MASTER_ID } from '../../../protocol/naming';
import { jfmt, need, optional, type CommandContext, type OptionDef, type SubCommand } from '../command';
import { hashOrderBy, javaStringHash } from '../java-order';
import { callOk } from '../util';

/**
 * ACL 2.0 user commands: createUser, updateUser, deleteUser, getUser, listUser, copyUser (AUTH_CREATE_USER 3001 ..
 * AUTH_LIST_USER 3005; header `username`, list: `filter`; body UserInfo JSON). Requests are signed when
 * $ROCKETMQ_HOME/conf/tools.yml holds credentials (lib/admin/tools-credentials.ts). Java: tools/.../command/auth/
 * {Create,Update,Delete,Get,List,Copy}UserSubCommand.java (printed lines), DefaultMQAdminExtImpl, MQClientAPIImpl
 * #createUser..#listUser. A broker's refusal is an error naming the broker and Java's code and remark.
 */

interface UserInfo {
  username?: string | null;
  password?: string | null;
  userType?: string | null;
  userStatus?: string | null;
}

const FORMAT = '%-16s  %-22s  %-22s  %-22s';

/** fastjson2 writes a bean's properties in name order and leaves nulls out. */
function userJson(u: UserInfo): Buffer {
  const o: Record<string, string> = {};
  for (const k of ['password', 'userStatus', 'userType', 'username'] as const) if (u[k] !== undefined && u[k] !== null) o[k] = u[k]!;
  return Buffer.from(JSON.stringify(o), 'utf8');
}

/** Java CommandUtil.fetchMasterAndSlaveAddrByClusterName: every address of the cluster, in HashSet order. */
async function allAddrs(ctx: CommandContext, cluster: string): Promise<string[]> {
  const ci = await ctx.client.clusterInfo();
  const names = ci.clusterAddrTable.get(cluster);
  if (names === undefined) throw new Error(`cluster ${cluster} not found: make sure the specified clusterName exists or the name server connected to is correct (check -c against clusterList)`);
  const addrs = new Set<string>();
  for (const n of names) for (const a of ci.brokerAddrTable.get(n)?.brokerAddrs.values() ?? []) addrs.add(a);
  return hashOrderBy([...addrs], javaStringHash);
}

/** Java CommandUtil.fetchMasterAddrByClusterName, in HashSet order; none is Java's "there is no broker in cluster". */
async function masterAddrs(ctx: CommandContext, cluster: string, command: string): Promise<string[]> {
  const ci = await ctx.client.clusterInfo();
  const out: string[] = [];
  for (const n of ci.clusterAddrTable.get(cluster) ?? []) {
    const a = ci.brokerAddrTable.get(n)?.brokerAddrs.get(MASTER_ID);
    if (a !== undefined) out.push(a);
  }
  if (out.length === 0) throw new Error(`${command} command failed, there is no broker in cluster ${cluster} (check -c against clusterList)`);
  return hashOrderBy(out, javaStringHash);
}

export const target = (what: string): OptionDef[] => [
  { short: 'c', long: 'clusterName', value: true, help: `${what} which cluster` },
  { short: 'b', long: 'brokerAddr', value: true, help: `${what} which broker` },
];

/** -b, else every address (or every master) of -c; neither is a usage error. */
export async function targets(ctx: CommandContext, all: boolean, command: string): Promise<string[]> {
  const b = optional(ctx, 'brokerAddr');
  if (b !== undefined) return [b];
  const c = optional(ctx, 'clusterName');
  if (c === undefined) throw new Error('give a broker (-b host:port) or a cluster (-c name)');
  return all ? allAddrs(ctx, c) : masterAddrs(ctx, c, command);
}

async function fetchUser(ctx: CommandContext, addr: string, username: string | undefined): Promise<UserInfo | undefined> {
  const r = await callOk(ctx, addr, RequestCode.AUTH_GET_USER, 'AUTH_GET_USER', new Map(username !== undefined ? [['username', username]] : []));
  if (r.body === null || r.body.length === 0) return undefined;
  const v: unknown = JSON.parse(r.body.toString('utf8'));
  return v !== null && typeof v === 'object' ? (v as UserInfo) : undefined;
}

async function listUsers(ctx: CommandContext, addr: string, filter: string | undefined): Promise<UserInfo[]> {
  const r = await callOk(ctx, addr, RequestCode.AUTH_LIST_USER, 'AUTH_LIST_USER', new Map(filter !== undefined ? [['filter', filter]] : []));
  if (r.body === null || r.body.length === 0) return [];
  const v: unknown = JSON.parse(r.body.toString('utf8'));
  return Array.isArray(v) ? (v as UserInfo[]) : [];
}

const write = (ctx: CommandContext, addr: string, code: number, name: string, u: UserInfo) => callOk(ctx, addr, code, name, new Map([['username', u.username ?? '']]), userJson(u));

function printUsers(ctx: CommandContext, users: UserInfo[]): void {
  ctx.out(jfmt(FORMAT, '#UserName', '#Password', '#UserType', '#UserStatus'));
  for (const u of users) ctx.out(jfmt(FORMAT, u.username ?? null, u.password ?? null, u.userType ?? null, u.userStatus ?? null));
}

export const createUser: SubCommand = {
  name: 'createUser',
  description: 'Create user to cluster.',
  options: [...target('create user to'), { short: 'u', long: 'username', value: true, required: true, help: 'the username of user to create.' }, { short: 'p', long: 'password', value: true, required: true, help: 'the password of user to create' }, { short: 't', long: 'userType', value: true, help: 'the userType of user to create' }],
  async execute(ctx) {
    const u: UserInfo = { username: need(ctx, 'username'), password: need(ctx, 'password'), userType: optional(ctx, 'userType') ?? null };
    for (const addr of await targets(ctx, true, 'CreateUserSubCommand')) {
      await write(ctx, addr, RequestCode.AUTH_CREATE_USER, 'AUTH_CREATE_USER', u);
      ctx.out(`create user to ${addr} success.`);
    }
  },
};

export const updateUser: SubCommand = {
  name: 'updateUser',
  description: 'Update user to cluster.',
  options: [...target('update user to'), { short: 'u', long: 'username', value: true, required: true, help: 'the username of user to update.' }, { short: 'p', long: 'password', value: true, help: 'the password of user to update' }, { short: 't', long: 'userType', value: true, help: 'the userType of user to update' }, { short: 's', long: 'userStatus', value: true, help: 'the userStatus of user to update' }],
  async execute(ctx) {
    const u: UserInfo = { username: need(ctx, 'username'), password: optional(ctx, 'password') ?? null, userType: optional(ctx, 'userType') ?? null, userStatus: optional(ctx, 'userStatus') ?? null };
    // Java: -p, -t and -s form one option group; exactly one of them is given.
    const given = (['password', 'userType', 'userStatus'] as const).filter((k) => u[k] !== null);
    if (given.length === 0) throw new Error('give one of -p (password), -t (userType) or -s (userStatus)');
    if (given.length > 1) throw new Error(`-p (password), -t (userType) and -s (userStatus) are exclusive: give one per updateUser (${given.join(', ')} given)`);
    for (const addr of await targets(ctx, true, 'UpdateUserSubCommand')) {
      await write(ctx, addr, RequestCode.AUTH_UPDATE_USER, 'AUTH_UPDATE_USER', u);
      ctx.out(`update user to ${addr} success.`);
    }
  },
};

export const deleteUser: SubCommand = {
  name: 'deleteUser',
  description: 'Delete user from cluster.',
  options: [...target('delete user from'), { short: 'u', long: 'username', value: true, required: true, help: 'the username of user to delete.' }],
  async execute(ctx) {
    const username = need(ctx, 'username');
    for (const addr of await targets(ctx, true, 'DeleteUserSubCommand')) {
      await callOk(ctx, addr, RequestCode.AUTH_DELETE_USER, 'AUTH_DELETE_USER', new Map([['username', username]]));
      ctx.out(`delete user to ${addr} success.`);
    }
  },
};

export const getUser: SubCommand = {
  name: 'getUser',
  description: 'Get user from cluster.',
  options: [...target('get user for'), { short: 'u', long: 'username', value: true, help: 'the username of user to get' }],
  async execute(ctx) {
    // Java: with -c the first master that knows the user answers.
    for (const addr of await targets(ctx, false, 'GetUserSubCommand')) {
      const u = await fetchUser(ctx, addr, optional(ctx, 'username'));
      if (u !== undefined) return printUsers(ctx, [u]);
    }
  },
};

export const listUser: SubCommand = {
  name: 'listUser',
  description: 'List user from cluster.',
  options: [...target('list user for'), { short: 'f', long: 'filter', value: true, help: 'the filter to list users' }],
  async execute(ctx) {
    const byBroker = optional(ctx, 'brokerAddr') !== undefined;
    for (const addr of await targets(ctx, false, 'ListUserSubCommand')) {
      const users = await listUsers(ctx, addr, optional(ctx, 'filter'));
      if (users.length === 0) continue;
      printUsers(ctx, users);
      if (!byBroker) ctx.out(`get user from ${addr} success.`);
      return;
    }
  },
};

export const copyUser: SubCommand = {
  name: 'copyUser',
  description: 'Copy user to cluster.',
  options: [
    { short: 'f', long: 'fromBroker', value: true, required: true, help: 'the source broker that the users copy from' },
    { short: 't', long: 'toBroker', value: true, required: true, help: 'the target broker that the users copy to' },
    { short: 'u', long: 'usernames', value: true, help: 'the username list of user to copy.' },
  ],
  async execute(ctx) {
    const from = need(ctx, 'fromBroker');
    const to = need(ctx, 'toBroker');
    const names = (optional(ctx, 'usernames') ?? '').split(',').filter((n) => n !== '');
    const users: UserInfo[] = [];
    if (names.length > 0) {
      for (const n of names) {
        const u = await fetchUser(ctx, from, n);
        if (u !== undefined) users.push(u);
      }
    } else {
      users.push(...(await listUsers(ctx, from, undefined)));
    }
    for (const u of users) {
      const exists = (await fetchUser(ctx, to, u.username ?? '')) !== undefined;
      await write(ctx, to, exists ? RequestCode.AUTH_UPDATE_USER : RequestCode.AUTH_CREATE_USER, exists ? 'AUTH_UPDATE_USER' : 'AUTH_CREATE_USER', u);
      ctx.out(`copy user of ${u.username ?? 'null'} from ${from} to ${to} success.`);
    }
  },
};
