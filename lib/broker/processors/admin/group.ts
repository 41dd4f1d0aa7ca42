import {
  DataVersion,
  javaUtf8,
  outBean,
  SubscriptionGroupConfig,
  SubscriptionGroupList,
  SubscriptionGroupWrapper,
  writeJson,
  type SubscriptionGroupConfig as GroupConfig,
} from '../../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../../protocol/codes';
import {
  decodeHeader,
  DeleteSubscriptionGroupRequestHeader,
  encodeHeader,
  GetAllSubscriptionGroupRequestHeader,
  GetAllSubscriptionGroupResponseHeader,
  GetSubscriptionGroupConfigRequestHeader,
  UpdateGroupForbiddenRequestHeader,
} from '../../../../protocol/headers';
import { validateGroup, validateTopic } from '../../../../protocol/naming';
import { ok, reply, requestHeader, type Processor, type RequestContext } from '../../../remoting';
import type { BrokerContext } from '../../context';
import { timedCreation } from '../../metrics';
import { alterAttributes, GROUP_ATTRIBUTES, persistedOrRemark, requestBody, sameDataVersion } from './common';

/**
 * Subscription group administration. Java (rmq5 broker/src/main/java/org/apache/rocketmq/broker/processor/AdminBrokerProcessor.java): #updateAndCreateSubscriptionGroup(List),
 * #getAllSubscriptionGroup, #getSubscriptionGroup, #deleteSubscriptionGroup, #updateAndGetGroupForbidden;
 * broker/.../subscription/SubscriptionGroupManager.java (attributes, subGroupTable, forbidden bits).
 */
export function groupProcessors(bc: BrokerContext): [number, Processor][] {
  return [
    [RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, timedCreation(bc, 'group', (ctx) => updateGroup(bc, ctx))],
    [RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST, timedCreation(bc, 'group', (ctx) => updateGroupList(bc, ctx))],
    [RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, (ctx) => allGroups(bc, ctx)],
    [RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, (ctx) => groupConfig(bc, ctx)],
    [RequestCode.DELETE_SUBSCRIPTIONGROUP, (ctx) => deleteGroup(bc, ctx)],
    [RequestCode.UPDATE_AND_GET_GROUP_FORBIDDEN, (ctx) => groupForbidden(bc, ctx)],
  ];
}

/** Java PermName.INDEX_PERM_READ: the bit of the forbidden mask that UPDATE_AND_GET_GROUP_FORBIDDEN sets. */
const INDEX_PERM_READ = 2;

/** Validation and attribute merge of one config (Java validateGroup + updateSubscriptionGroupConfigWithoutPersist). */
function checkGroup(bc: BrokerContext, c: GroupConfig): { ok: true; value: GroupConfig } | { ok: false; code: number; remark: string } {
  const invalid = validateGroup(c.groupName);
  if (invalid !== null) return { ok: false, code: ResponseCode.INVALID_PARAMETER, remark: invalid };
  const existing = bc.groups.get(c.groupName);
  const altered = alterAttributes(existing === undefined, GROUP_ATTRIBUTES, existing?.attributes ?? new Map(), c.attributes ?? new Map());
  if (!altered.ok) return { ok: false, code: ResponseCode.SYSTEM_ERROR, remark: altered.error };
  return { ok: true, value: { ...c, attributes: altered.value } };
}

async function updateGroup(bc: BrokerContext, ctx: RequestContext) {
  const b = requestBody(ctx, SubscriptionGroupConfig, 'UPDATE_AND_CREATE_SUBSCRIPTIONGROUP');
  if (b.ok === false) return b.response;
  // Java: a request without a body changes nothing and answers SUCCESS.
  if (b.ok === 'absent') return ok(ctx);
  const c = checkGroup(bc, b.value);
  if (!c.ok) return reply(ctx, c.code, c.remark);
  const r = bc.groups.update([c.value]);
  if (!r.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, `subscription group ${c.value.groupName} not created: ${r.reason}`);
  bc.logger.info({ group: c.value.groupName, remote: ctx.connection.remoteAddress }, 'subscription group created or updated');
  const notPersisted = await persistedOrRemark(() => bc.groups.flush(), `subscription group ${c.value.groupName}`);
  if (notPersisted !== null) return reply(ctx, ResponseCode.SYSTEM_ERROR, notPersisted);
  return ok(ctx);
}

async function updateGroupList(bc: BrokerContext, ctx: RequestContext) {
  const b = requestBody(ctx, SubscriptionGroupList, 'UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST');
  if (b.ok === false) return b.response;
  if (b.ok === 'absent') return reply(ctx, ResponseCode.SYSTEM_ERROR, 'UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST: no SubscriptionGroupList body');
  const checked: GroupConfig[] = [];
  for (const g of b.value.groupConfigList) {
    const c = checkGroup(bc, g);
    if (!c.ok) return reply(ctx, c.code, c.remark);
    checked.push(c.value);
  }
  if (checked.length === 0) return ok(ctx);
  const r = bc.groups.update(checked);
  if (!r.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, `subscription groups not created: ${r.reason}`);
  const notPersisted = await persistedOrRemark(() => bc.groups.flush(), `the subscription group list (${checked.length} groups)`);
  if (notPersisted !== null) return reply(ctx, ResponseCode.SYSTEM_ERROR, notPersisted);
  return ok(ctx);
}

/**
 * GET_ALL_SUBSCRIPTIONGROUP_CONFIG. Paging as GET_ALL_TOPIC_CONFIG: without groupSeq/dataVersion/maxGroupNum every
 * group; with them a page of the groups sorted by name. totalGroupNum in the response header (5.x).
 */
function allGroups(bc: BrokerContext, ctx: RequestContext) {
  const ext = ctx.request.extFields;
  const paged = ext !== null && ['groupSeq', 'dataVersion', 'maxGroupNum'].some((k) => ext.has(k));
  const all = [...bc.groups.all()];
  let table = new Map(all.map((g) => [g.groupName, g]));
  let forbidden = bc.groups.forbiddenTable();
  if (paged && bc.config.enableSplitMetadata) {
    const withSeq = new Map(ext);
    if (!withSeq.has('groupSeq')) withSeq.set('groupSeq', '0');
    const d = decodeHeader(GetAllSubscriptionGroupRequestHeader, withSeq);
    if (!d.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, `GetAllSubscriptionGroupRequestHeader: ${d.error}`);
    const parse = (t: string) => {
      const x = DataVersion.decode(t);
      return x.ok ? x.value : undefined;
    };
    const begin = sameDataVersion(d.value.dataVersion, bc.groups.dataVersion, parse) ? Math.max(0, d.value.groupSeq) : 0;
    const num = Math.max(0, Math.min(bc.config.splitMetadataSize, d.value.maxGroupNum ?? Number.MAX_SAFE_INTEGER));
    const names = [...table.keys()].sort().slice(begin, begin + num);
    table = new Map(names.map((n) => [n, table.get(n)!]));
    forbidden = new Map([...forbidden].filter(([g]) => table.has(g)));
  }
  const body = SubscriptionGroupWrapper.encode({ dataVersion: bc.groups.dataVersion, subscriptionGroupTable: table, forbiddenTable: forbidden });
  return reply(ctx, ResponseCode.SUCCESS, null, encodeHeader(GetAllSubscriptionGroupResponseHeader, { totalGroupNum: all.length }), body);
}

/** GET_SUBSCRIPTIONGROUP_CONFIG (352). Java looks the group up with findSubscriptionGroupConfig (auto-create). */
function groupConfig(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, GetSubscriptionGroupConfigRequestHeader);
  if (!h.ok) return h.response;
  const c = bc.groups.find(h.value.group);
  if (c === undefined) return reply(ctx, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, 'No group in this broker');
  return ok(ctx, null, SubscriptionGroupConfig.encode(c));
}

/** DELETE_SUBSCRIPTIONGROUP (207): the offsets go too with cleanOffset (5.x) or removeOffset (4.9.x, P11). */
function deleteGroup(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, DeleteSubscriptionGroupRequestHeader);
  if (!h.ok) return h.response;
  const group = h.value.groupName;
  const existed = bc.groups.delete(group);
  const cleanOffset = h.value.cleanOffset || h.value.removeOffset === true;
  if (cleanOffset) bc.offsets.removeGroup(group);
  bc.logger.info({ group, existed, cleanOffset, remote: ctx.connection.remoteAddress }, 'subscription group deleted');
  return ok(ctx);
}

/** UPDATE_AND_GET_GROUP_FORBIDDEN (353): sets the read-forbidden bit when `readable` is given; answers GroupForbidden. */
function groupForbidden(bc: BrokerContext, ctx: RequestContext) {
  const h = requestHeader(ctx, UpdateGroupForbiddenRequestHeader);
  if (!h.ok) return h.response;
  const { group, topic, readable } = h.value;
  if (readable !== undefined) {
    // Apogee bound (Java checks nothing): only known groups and valid topic names get an entry, so the forbidden
    // table cannot be grown without limit by arbitrary names.
    const bad = validateTopic(topic);
    if (bad !== null) return reply(ctx, ResponseCode.INVALID_PARAMETER, bad);
    if (!bc.groups.has(group)) return reply(ctx, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group [${group}] does not exist`);
    bc.groups.updateForbidden(group, topic, INDEX_PERM_READ, !readable);
  }
  const bits = bc.groups.forbiddenTable().get(group)?.get(topic) ?? 0;
  const body = outBean({ group, readable: (bits & (1 << INDEX_PERM_READ)) === 0, topic });
  return reply(ctx, ResponseCode.SUCCESS, '', null, javaUtf8(writeJson(body)));
}
