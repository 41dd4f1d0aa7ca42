import { RequestCode } from '../../../protocol/codes';
import { jfmt, need, optional, type CommandContext, type SubCommand } from '../command';
import { callOk } from '../util';
import { target, targets } from './auth-users';

/**
 * ACL 2.0 rule commands: createAcl, updateAcl, deleteAcl, getAcl, listAcl, copyAcl (AUTH_CREATE_ACL 3006 ..
 * AUTH_LIST_ACL 3010; header `subject` (delete: + `resource`; list: `subjectFilter`, `resourceFilter`), body AclInfo
 * JSON {subject, policies: [{policyType, entries: [{resource, actions, sourceIps, decision}]}]}). Signed like every
 * request of this tool (tools.yml). Java: tools/.../command/auth/{Create,Update,Delete,Get,List}AclSubCommand.java,
 * CopyAclsSubCommand.java, remoting/.../protocol/body/AclInfo.java (AclInfo.of: one policy, one entry per resource).
 */

interface EntryInfo {
  resource?: string | null;
  actions?: string[] | null;
  sourceIps?: string[] | null;
  decision?: string | null;
}
interface PolicyInfo {
  policyType?: string | null;
  entries?: EntryInfo[] | null;
}
export interface AclInfo {
  subject?: string | null;
  policies?: PolicyInfo[] | null;
}

const FORMAT = '%-16s  %-10s  %-22s  %-20s  %-24s  %-10s';

/** fastjson2: bean properties in name order, nulls left out. */
function aclJson(a: AclInfo): Buffer {
  const clean = (o: object): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined).sort(([x], [y]) => (x < y ? -1 : 1)));
  const body = clean({ subject: a.subject, policies: a.policies?.map((p) => clean({ policyType: p.policyType, entries: p.entries?.map((e) => clean(e)) })) });
  return Buffer.from(JSON.stringify(body), 'utf8');
}

/** Java StringUtils.split(v, ',') trimmed; absent: null. */
const list = (v: string | undefined): string[] | null => (v === undefined ? null : v.split(',').filter((x) => x !== '').map((x) => x.trim()));

/** Java AclInfo.of(subject, resources, actions, sourceIps, decision). */
function aclOf(ctx: CommandContext): AclInfo {
  const actions = list(need(ctx, 'actions'));
  const sourceIps = list(optional(ctx, 'sourceIp'));
  const decision = need(ctx, 'decision');
  return { subject: need(ctx, 'subject'), policies: [{ entries: (list(need(ctx, 'resources')) ?? []).map((resource) => ({ resource, actions, sourceIps, decision })) }] };
}

/** java.util.List#toString, null as "null". */
const javaList = (l: string[] | null | undefined): string => (l === null || l === undefined ? 'null' : `[${l.join(', ')}]`);

function printAcls(ctx: CommandContext, acls: AclInfo[]): void {
  ctx.out(jfmt(FORMAT, '#Subject', '#PolicyType', '#Resource', '#Actions', '#SourceIp', '#Decision'));
  for (const acl of acls) {
    const policies = acl.policies ?? [];
    if (policies.length === 0) ctx.out(jfmt(FORMAT, acl.subject ?? null, '', '', '', '', ''));
    for (const p of policies) for (const e of p.entries ?? []) ctx.out(jfmt(FORMAT, acl.subject ?? null, p.policyType ?? null, e.resource ?? null, javaList(e.actions), javaList(e.sourceIps), e.decision ?? null));
  }
}

async function fetchAcl(ctx: CommandContext, addr: string, subject: string | undefined): Promise<AclInfo | undefined> {
  const r = await callOk(ctx, addr, RequestCode.AUTH_GET_ACL, 'AUTH_GET_ACL', new Map(subject !== undefined ? [['subject', subject]] : []));
  if (r.body === null || r.body.length === 0) return undefined;
  const v: unknown = JSON.parse(r.body.toString('utf8'));
  return v !== null && typeof v === 'object' ? (v as AclInfo) : undefined;
}

async function fetchAcls(ctx: CommandContext, addr: string, subject: string | undefined, resource: string | undefined): Promise<AclInfo[]> {
  const ext = new Map<string, string>();
  if (subject !== undefined) ext.set('subjectFilter', subject);
  if (resource !== undefined) ext.set('resourceFilter', resource);
  const r = await callOk(ctx, addr, RequestCode.AUTH_LIST_ACL, 'AUTH_LIST_ACL', ext);
  if (r.body === null || r.body.length === 0) return [];
  const v: unknown = JSON.parse(r.body.toString('utf8'));
  return Array.isArray(v) ? (v as AclInfo[]) : [];
}

const write = (ctx: CommandContext, addr: string, create: boolean, a: AclInfo) =>
  callOk(ctx, addr, create ? RequestCode.AUTH_CREATE_ACL : RequestCode.AUTH_UPDATE_ACL, create ? 'AUTH_CREATE_ACL' : 'AUTH_UPDATE_ACL', new Map([['subject', a.subject ?? '']]), aclJson(a));

const ruleOptions = (verb: string) => [
  { short: 's', long: 'subject', value: true, required: true, help: `the subject of acl to ${verb}.` },
  { short: 'r', long: 'resources', value: true, required: true, help: `the resources of acl to ${verb}` },
  { short: 'a', long: 'actions', value: true, required: true, help: `the actions of acl to ${verb}` },
  { short: 'i', long: 'sourceIp', value: true, help: `the sourceIps of acl to ${verb}` },
  { short: 'd', long: 'decision', value: true, required: true, help: `the decision of acl to ${verb}` },
];

function writeCommand(name: 'createAcl' | 'updateAcl', description: string, verb: string, create: boolean): SubCommand {
  return {
    name,
    description,
    options: [...target(`${verb} acl to`), ...ruleOptions(verb)],
    async execute(ctx) {
      const acl = aclOf(ctx);
      for (const addr of await targets(ctx, true, `${name[0]!.toUpperCase()}${name.slice(1)}SubCommand`)) {
        await write(ctx, addr, create, acl);
        ctx.out(`${verb} acl to ${addr} success.`);
      }
    },
  };
}

export const createAcl = writeCommand('createAcl', 'Create acl to cluster.', 'create', true);
export const updateAcl = writeCommand('updateAcl', 'Update acl to cluster.', 'update', false);

export const deleteAcl: SubCommand = {
  name: 'deleteAcl',
  description: 'Delete acl from cluster.',
  options: [...target('delete acl from'), { short: 's', long: 'subject', value: true, required: true, help: 'the subject of acl to delete.' }, { short: 'r', long: 'resources', value: true, help: 'the resources of acl to delete' }],
  async execute(ctx) {
    const ext = new Map([['subject', need(ctx, 'subject')]]);
    const resource = optional(ctx, 'resources');
    if (resource !== undefined) ext.set('resource', resource);
    for (const addr of await targets(ctx, true, 'DeleteAclSubCommand')) {
      await callOk(ctx, addr, RequestCode.AUTH_DELETE_ACL, 'AUTH_DELETE_ACL', ext);
      ctx.out(`delete acl to ${addr} success.`);
    }
  },
};

export const getAcl: SubCommand = {
  name: 'getAcl',
  description: 'Get acl from cluster.',
  options: [...target('get acl for'), { short: 's', long: 'subject', value: true, help: 'the subject of acl to get' }],
  async execute(ctx) {
    // Java: with -c every master that has the subject prints it.
    for (const addr of await targets(ctx, false, 'GetAclSubCommand')) {
      const a = await fetchAcl(ctx, addr, optional(ctx, 'subject'));
      if (a !== undefined) printAcls(ctx, [a]);
    }
  },
};

export const listAcl: SubCommand = {
  name: 'listAcl',
  description: 'List acl from cluster.',
  options: [...target('list acl for'), { short: 's', long: 'subject', value: true, help: 'the subject of acl to filter.' }, { short: 'r', long: 'resource', value: true, help: 'the resource of acl to filter.' }],
  async execute(ctx) {
    for (const addr of await targets(ctx, false, 'ListAclSubCommand')) {
      const acls = await fetchAcls(ctx, addr, optional(ctx, 'subject'), optional(ctx, 'resource'));
      if (acls.length > 0) printAcls(ctx, acls);
    }
  },
};

export const copyAcl: SubCommand = {
  name: 'copyAcl',
  description: 'Copy acl to cluster.',
  options: [
    { short: 'f', long: 'fromBroker', value: true, required: true, help: 'the source broker that the acls copy from' },
    { short: 't', long: 'toBroker', value: true, required: true, help: 'the target broker that the acls copy to' },
    { short: 's', long: 'subjects', value: true, help: 'the subject list of acl to copy.' },
  ],
  async execute(ctx) {
    const from = need(ctx, 'fromBroker');
    const to = need(ctx, 'toBroker');
    const subjects = (optional(ctx, 'subjects') ?? '').split(',').filter((s) => s !== '');
    const acls: AclInfo[] = [];
    if (subjects.length > 0) {
      for (const s of subjects) {
        const a = await fetchAcl(ctx, from, s);
        if (a !== undefined) acls.push(a);
      }
    } else {
      acls.push(...(await fetchAcls(ctx, from, undefined, undefined)));
    }
    for (const a of acls) {
      await write(ctx, to, (await fetchAcl(ctx, to, a.subject ?? '')) === undefined, a);
      ctx.out(`copy acl of ${a.subject ?? 'null'} from ${from} to ${to} success.`);
    }
  },
};
