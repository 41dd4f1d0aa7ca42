import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileDurably } from '../../common';
import {
  actionOf,
  decisionOf,
  isValidIpOrCidr,
  parseResource,
  policyTypeOf,
  resourceKey,
  sameResource,
  type Acl,
  type Action,
  type Policy,
  type PolicyEntry,
} from './acl-model';

/**
 * Contract: the ACL 2.0 rules (one Acl per subject, key "User:<name>") kept in memory and persisted to
 * `<storePathRootDir>/config/acls.json` beside users.json, in the AclInfo form the admin codes carry
 * ({"acls":[{subject, policies:[{policyType, entries:[{resource, actions, sourceIps, decision}]}]}]}).
 * Java 5.5.0 keeps them in RocksDB (auth/.../LocalAuthorizationMetadataProvider: `<authConfigPath>/acls`, key the
 * subject key, value the Acl as JSON); Apogee has no RocksDB, so a Java broker's acls directory is not read and vice
 * versa (README: "Access control"). Listing follows RocksDB's key order (bytes). Also here: the AclInfo <-> Acl
 * conversion and validation with Java's remarks (broker/.../auth/converter/AclConverter,
 * auth/.../manager/AuthorizationMetadataManagerImpl#validate, Acl#updatePolicy, Policy#updateEntry).
 * Bounds: aclsMax subjects, entriesPerAclMax entries per subject.
 */

export const ACLS_MAX = 10_000;
export const ACL_ENTRIES_PER_SUBJECT_MAX = 1_000;

/** The wire/file form (AclInfo); fields in fastjson2's name order, absent = null in Java. */
export interface PolicyEntryInfo { actions?: string[]; decision?: string; resource?: string; sourceIps?: string[] }
export interface PolicyInfo { entries?: PolicyEntryInfo[]; policyType?: string }
export interface AclInfo { policies?: PolicyInfo[]; subject?: string }

/** A refusal with Java's answer: NO_PERMISSION + remark (AuthorizationException) or SYSTEM_ERROR (anything else). */
export interface AclError { readonly system: boolean; readonly remark: string }
const refuse = (remark: string): AclError => ({ system: false, remark });
export const SYSTEM_ERROR: AclError = { system: true, remark: 'An system error occurred, please try again later.' };

/** Java Subject#of: "User:<name>" is the only subject type; anything else is null. */
export function subjectUser(key: string | undefined | null): string | undefined {
  if (typeof key !== 'string') return undefined;
  const colon = key.indexOf(':');
  const type = colon < 0 ? key : key.slice(0, colon);
  if (type.toLowerCase() !== 'user') return undefined;
  return colon < 0 ? '' : key.slice(colon + 1);
}

/** AclConverter#convertAcl(AclInfo) then initAcl + validate: the Acl or Java's refusal. */
export function aclFromInfo(info: AclInfo, headerSubject: string | undefined): Acl | AclError {
  if (info === null || typeof info !== 'object' || (info.policies !== undefined && !Array.isArray(info.policies))) return SYSTEM_ERROR;
  let user = subjectUser(info.subject);
  if (user === undefined) user = subjectUser(headerSubject);
  if (user === undefined) return SYSTEM_ERROR; // Java: NullPointerException in validate -> SYSTEM_ERROR
  const policies: Policy[] = [];
  for (const p of info.policies ?? []) {
    if (p === null || typeof p !== 'object') return SYSTEM_ERROR;
    if (!Array.isArray(p.entries) || p.entries.length === 0) continue;
    const entries: (Omit<PolicyEntry, 'resource' | 'decision'> & { resource: PolicyEntry['resource'] | undefined; decision: PolicyEntry['decision'] | undefined })[] = [];
    for (const e of p.entries) {
      if (e === null || typeof e !== 'object' || !Array.isArray(e.actions)) return SYSTEM_ERROR; // Java: NPE in the converter
      const actions = e.actions.map((a) => actionOf(typeof a === 'string' ? a : undefined)).filter((a): a is Action => a !== undefined);
      const ips = Array.isArray(e.sourceIps) && e.sourceIps.length > 0 ? e.sourceIps.map(String) : undefined;
      entries.push({ resource: parseResource(e.resource), actions, sourceIps: ips, decision: decisionOf(e.decision) });
    }
    policies.push({ policyType: policyTypeOf(p.policyType) ?? 'Custom', entries: entries as PolicyEntry[] });
  }
  if (policies.length === 0) return refuse('The policies is empty.');
  for (const p of policies) {
    if (p.entries.length > ACL_ENTRIES_PER_SUBJECT_MAX) return refuse(`The policy has ${p.entries.length} entries; at most ${ACL_ENTRIES_PER_SUBJECT_MAX} (Apogee's entriesPerAclMax) per subject`);
    for (const e of p.entries) {
      if (e.resource === undefined) return refuse('The resource is null.');
      if (e.actions.length === 0) return refuse('The actions is empty.');
      if (e.actions.includes('Any')) return refuse('The actions can not be Any.');
      for (const ip of e.sourceIps ?? []) {
        if (ip.trim() === '') return refuse('The source ip is empty.');
        if (!isValidIpOrCidr(ip)) return refuse('The source ip is invalid.');
      }
      if (e.decision === undefined) return refuse('The decision is null or illegal.');
    }
  }
  return { subject: `User:${user}`, policies };
}

/** AclConverter#convertAcl(Acl): the AclInfo form, Java's field order. */
export function aclToInfo(acl: Acl): AclInfo {
  return {
    policies: acl.policies.map((p) => ({
      entries: p.entries.map((e) => {
        const o: PolicyEntryInfo = { actions: [...e.actions], decision: e.decision, resource: resourceKey(e.resource) };
        if (e.sourceIps !== undefined) o.sourceIps = [...e.sourceIps];
        return o;
      }),
      policyType: p.policyType,
    })),
    subject: acl.subject,
  };
}

/** Java Acl#updatePolicy: a policy of a new type is added; an existing one gets its entries replaced by resource. */
export function mergeAcl(old: Acl, add: Acl): Acl {
  const merged: Acl = JSON.parse(JSON.stringify(old)) as Acl;
  for (const np of add.policies) {
    const op = merged.policies.find((p) => p.policyType === np.policyType);
    if (op === undefined) {
      merged.policies.push(np);
      continue;
    }
    for (const ne of np.entries) {
      const oe = op.entries.find((e) => sameResource(e.resource, ne.resource));
      if (oe === undefined) op.entries.push(ne);
      else Object.assign(oe, { actions: ne.actions, sourceIps: ne.sourceIps, decision: ne.decision });
    }
  }
  return merged;
}

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

export class AclStore {
  private readonly acls = new Map<string, Acl>();
  private readonly file: string;

  /** Loads `<configDir>/acls.json` when present; a file that does not parse is an error naming it. */
  constructor(configDir: string, private readonly aclsMax = ACLS_MAX) {
    this.file = path.join(configDir, 'acls.json');
    if (!fs.existsSync(this.file)) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(this.file, 'utf8'));
    } catch (e) {
      throw new Error(`${this.file}: not valid JSON (${(e as Error).message}); fix or remove the file`);
    }
    const list = (parsed as { acls?: unknown }).acls;
    if (!Array.isArray(list)) throw new Error(`${this.file}: expected {"acls":[...]}`);
    for (const [i, raw] of list.entries()) {
      const a = aclFromInfo(raw as AclInfo, undefined);
      if ('remark' in a) throw new Error(`${this.file}: acls[${i}]: ${a.remark}`);
      this.acls.set(a.subject, a);
    }
  }

  get(subjectKey: string): Acl | undefined {
    return this.acls.get(subjectKey);
  }

  /** Creates or replaces a subject's rules and persists; an error text when the store is full. */
  put(acl: Acl): string | undefined {
    if (!this.acls.has(acl.subject) && this.acls.size >= this.aclsMax) {
      return `ACL store full: ${this.acls.size} subjects (aclsMax=${this.aclsMax}); delete unused ACLs first`;
    }
    for (const p of acl.policies) {
      if (p.entries.length > ACL_ENTRIES_PER_SUBJECT_MAX) return `${acl.subject} would have ${p.entries.length} ${p.policyType} entries (entriesPerAclMax=${ACL_ENTRIES_PER_SUBJECT_MAX}); delete unused entries first`;
    }
    this.acls.set(acl.subject, acl);
    this.persist();
    return undefined;
  }

  delete(subjectKey: string): void {
    if (this.acls.delete(subjectKey)) this.persist();
  }

  /** Java LocalAuthorizationMetadataProvider#listAcl: subject key contains subjectFilter; entries whose resource key contains resourceFilter. */
  list(subjectFilter: string | undefined, resourceFilter: string | undefined): Acl[] {
    const blank = (s: string | undefined) => s === undefined || s.trim() === '';
    const out: Acl[] = [];
    for (const key of [...this.acls.keys()].sort(byteOrder)) {
      if (!blank(subjectFilter) && !key.includes(subjectFilter!)) continue;
      const acl = JSON.parse(JSON.stringify(this.acls.get(key))) as Acl;
      if (!blank(resourceFilter) && !key.includes(resourceFilter!)) {
        for (const p of acl.policies) p.entries = p.entries.filter((e) => resourceKey(e.resource).includes(resourceFilter!));
        acl.policies = acl.policies.filter((p) => p.entries.length > 0);
      }
      if (acl.policies.length > 0) out.push(acl);
    }
    return out;
  }

  size(): number {
    return this.acls.size;
  }

  private persist(): void {
    const acls = [...this.acls.keys()].sort(byteOrder).map((k) => aclToInfo(this.acls.get(k)!));
    writeFileDurably(this.file, JSON.stringify({ acls }, null, 2));
  }
}
