import * as net from 'node:net';

/**
 * Contract: the ACL 2.0 rule model of the Java 5.5.0 broker and its pure matching rules — resources (type + name +
 * pattern LITERAL/PREFIXED/ANY), actions, decisions, source IPs/CIDRs, policies (Custom/Default) — and the choice of
 * the one entry that decides a request. No I/O.
 * Java: auth/.../authorization/model/{Acl,Policy,PolicyEntry,Resource,Environment}, common/.../action/Action,
 * common/.../resource/{ResourceType,ResourcePattern}, common/.../utils/IPAddressUtils, enums/{Decision,PolicyType},
 * chain/AclAuthorizationHandler#matchPolicyEntries/#comparePolicyEntries, broker/.../auth/converter/AclConverter.
 */

export const RESOURCE_TYPES = ['Unknown', 'Any', 'Cluster', 'Namespace', 'Topic', 'Group'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];
export type ResourcePattern = 'ANY' | 'LITERAL' | 'PREFIXED';
export const ACTIONS = ['Unknown', 'All', 'Any', 'Pub', 'Sub', 'Create', 'Update', 'Delete', 'Get', 'List'] as const;
export type Action = (typeof ACTIONS)[number];
export type Decision = 'Allow' | 'Deny';
export type PolicyType = 'Custom' | 'Default';

export interface Resource {
  readonly type: ResourceType;
  /** null for the ANY pattern (Java keeps null there). */
  readonly name: string | null;
  readonly pattern: ResourcePattern;
}

export interface PolicyEntry {
  resource: Resource;
  actions: Action[];
  /** undefined = any source (Java: Environment with no sourceIps). */
  sourceIps: string[] | undefined;
  decision: Decision;
}

export interface Policy {
  policyType: PolicyType;
  entries: PolicyEntry[];
}

/** One subject's rules; `subject` is the subject key, e.g. "User:app1". */
export interface Acl {
  subject: string;
  policies: Policy[];
}

/** Java's getByName helpers: case-insensitive name match, undefined when unknown. */
function byName<T extends string>(names: readonly T[], n: string | null | undefined): T | undefined {
  if (typeof n !== 'string') return undefined;
  const l = n.toLowerCase();
  return names.find((x) => x.toLowerCase() === l);
}
export const actionOf = (n: string | null | undefined): Action | undefined => byName(ACTIONS, n);
export const decisionOf = (n: string | null | undefined): Decision | undefined => byName(['Allow', 'Deny'] as const, n);
export const policyTypeOf = (n: string | null | undefined): PolicyType | undefined => byName(['Custom', 'Default'] as const, n);

export const RETRY_PREFIX = '%RETRY%';
export const isRetryTopic = (t: string | undefined): boolean => t !== undefined && t.trim() !== '' && t.startsWith(RETRY_PREFIX);

export const ofTopic = (name: string | undefined): Resource => ({ type: 'Topic', name: name ?? null, pattern: 'LITERAL' });
export const ofCluster = (name: string): Resource => ({ type: 'Cluster', name, pattern: 'LITERAL' });
/** Java Resource#ofGroup: a retry topic names its group (NamespaceUtil#withOutRetryAndDLQ). */
export function ofGroup(name: string | undefined): Resource {
  const n = name !== undefined && isRetryTopic(name) ? name.slice(RETRY_PREFIX.length) : name;
  return { type: 'Group', name: n ?? null, pattern: 'LITERAL' };
}

/** Java Resource#of(String): "*", "Topic:*", "Topic:abc*" (prefixed), "Group:g"; undefined when blank or of no type. */
export function parseResource(key: string | null | undefined): Resource | undefined {
  if (typeof key !== 'string' || key.trim() === '') return undefined;
  if (key === '*') return { type: 'Any', name: null, pattern: 'ANY' };
  const colon = key.indexOf(':');
  const type = byName(RESOURCE_TYPES, colon < 0 ? key : key.slice(0, colon));
  if (type === undefined) return undefined;
  const name = colon < 0 ? '' : key.slice(colon + 1);
  if (name === '*') return { type, name: null, pattern: 'ANY' };
  if (name.endsWith('*')) return { type, name: name.slice(0, name.indexOf('*')), pattern: 'PREFIXED' };
  return { type, name, pattern: 'LITERAL' };
}

/** Java Resource#getResourceKey. */
export function resourceKey(r: Resource): string {
  if (r.type === 'Any') return '*';
  if (r.pattern === 'ANY') return `${r.type}:*`;
  if (r.pattern === 'PREFIXED') return `${r.type}:${r.name}*`;
  return `${r.type}:${r.name}`;
}

export const sameResource = (a: Resource, b: Resource): boolean => a.type === b.type && a.name === b.name && a.pattern === b.pattern;

/** Java Resource#isMatch: does rule resource `rule` cover the request's `res`. */
export function resourceMatches(rule: Resource, res: Resource): boolean {
  if (rule.type === 'Any') return true;
  if (rule.type !== res.type) return false;
  if (rule.pattern === 'ANY') return true;
  if (rule.pattern === 'LITERAL') return rule.name === res.name;
  return res.name !== null && rule.name !== null && res.name.startsWith(rule.name);
}

/** Java PolicyEntry#isMatchAction. */
export function actionsMatch(rule: readonly Action[], wanted: readonly Action[]): boolean {
  if (rule.length === 0) return false;
  if (wanted.includes('Any')) return true;
  return wanted.some((a) => rule.includes(a) || rule.includes('All'));
}

/** The address as an unsigned integer and its width in bits (IPv4-mapped IPv6 counts as IPv4, as Java's InetAddress). */
function ipBits(ip: string): { v: bigint; bits: number } | undefined {
  if (net.isIPv4(ip)) return { v: ip.split('.').reduce((a, p) => (a << 8n) | BigInt(Number(p)), 0n), bits: 32 };
  if (!net.isIPv6(ip)) return undefined;
  let s = ip;
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = ipBits(last)!.v;
    s = `${s.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head === '' || head === undefined ? [] : head.split(':');
  const r = rest === undefined || rest === '' ? [] : rest.split(':');
  const all = [...h, ...Array<string>(8 - h.length - r.length).fill('0'), ...r].map((g) => BigInt(parseInt(g, 16)));
  const v = all.reduce((a, g) => (a << 16n) | g, 0n);
  if (v >> 32n === 0xffffn) return { v: v & 0xffffffffn, bits: 32 };
  return { v, bits: 128 };
}

/** Java IPAddressUtils#isValidIPOrCidr. */
export function isValidIpOrCidr(s: string): boolean {
  if (net.isIP(s) !== 0) return true;
  const parts = s.split('/');
  if (parts.length !== 2 || !/^\d+$/.test(parts[1]!)) return false;
  const b = ipBits(parts[0]!);
  return b !== undefined && Number(parts[1]) <= b.bits;
}

/** Java IPAddressUtils#isIPInRange: a plain address must equal the source; a CIDR covers it. */
export function ipInRange(ip: string, cidr: string): boolean {
  const parts = cidr.split('/');
  if (parts.length === 1) return ip === cidr;
  if (parts.length !== 2) return false;
  const c = ipBits(parts[0]!);
  const a = ipBits(ip);
  const prefix = Number(parts[1]);
  if (c === undefined || a === undefined || !Number.isInteger(prefix)) return false;
  const mask = (-1n << BigInt(c.bits - prefix)) & ((1n << 128n) - 1n);
  const lower = c.v & mask;
  const upper = lower + ((1n << BigInt(c.bits - prefix)) - 1n);
  return a.v >= lower && a.v <= upper;
}

/** Java PolicyEntry#isMatchEnvironment + Environment#isMatch. */
export function sourceMatches(entry: PolicyEntry, sourceIp: string): boolean {
  if (entry.sourceIps === undefined || entry.sourceIps.length === 0) return true;
  return entry.sourceIps.some((c) => ipInRange(sourceIp, c));
}

/** Java AclAuthorizationHandler#comparePolicyEntries: specific before general, then Deny before Allow. */
function compareEntries(o1: PolicyEntry, o2: PolicyEntry): number {
  const r1 = o1.resource;
  const r2 = o2.resource;
  let c = 0;
  if (r1.type !== r2.type) {
    if (r1.type === 'Any') c = 1;
    if (r2.type === 'Any') c = -1;
  } else if (r1.pattern === r2.pattern) {
    if (r1.pattern === 'PREFIXED') c = -1 * Math.sign((r1.name ?? '').length - (r2.name ?? '').length);
  } else if (r1.pattern === 'LITERAL') c = -1;
  else if (r2.pattern === 'LITERAL') c = 1;
  else if (r1.pattern === 'PREFIXED') c = -1;
  else if (r2.pattern === 'PREFIXED') c = 1;
  if (c !== 0) return c;
  return o1.decision === 'Deny' ? 1 : o2.decision === 'Deny' ? -1 : 0;
}

/**
 * Java AclAuthorizationHandler#matchPolicyEntries: the Custom policy's matching entries, or (none matching) the
 * Default policy's; the first after sorting decides. undefined = no entry matches.
 */
export function decidingEntry(acl: Acl, res: Resource, actions: readonly Action[], sourceIp: string): PolicyEntry | undefined {
  const match = (p: Policy | undefined) =>
    (p?.entries ?? []).filter((e) => resourceMatches(e.resource, res) && actionsMatch(e.actions, actions) && sourceMatches(e, sourceIp));
  let found = match(acl.policies.find((p) => p.policyType === 'Custom'));
  if (found.length === 0) found = match(acl.policies.find((p) => p.policyType === 'Default'));
  if (found.length === 0) return undefined;
  return found.sort(compareEntries)[0];
}
