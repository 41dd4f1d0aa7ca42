import type { Logger } from '../../common';
import { parseYaml, YamlError, type YamlValue } from './yaml';
import type { UserStore } from './users';
import { mergeAcl, type AclStore } from './acls';
import { ofGroup, ofTopic, type Acl, type Action, type Decision, type Policy, type PolicyEntry, type Resource } from './acl-model';

/**
 * Contract: ACL 1.0's plain_acl.yml as Java 5.5.0 still reads it — only for `migrateAuthFromV1Enabled=true`, which
 * imports each account once (Java: auth/.../migration/AuthMigrator#migrate, v1/PlainPermissionManager reading
 * ROCKETMQ_HOME/conf/plain_acl.yml and conf/acl/*.yml; the first file naming an accessKey wins). An account becomes a
 * user named accessKey with password secretKey, Super when `admin: true` else Normal; an account whose user already
 * exists is skipped entirely (user and rules); an account Java's createUser would refuse (blank accessKey or secretKey)
 * is logged and skipped, as Java logs and continues. Then its rules become the user's ACL (AuthMigrator#createAcl):
 * topicPerms / groupPerms "name=PERM" -> a Custom policy entry per line (Topic:name / Group:name LITERAL; a line
 * without exactly one "=" is skipped), defaultTopicPerm / defaultGroupPerm -> a Default policy with Topic:* / Group:*
 * (ANY). PERM (trimmed, case-sensitive as Java): PUB -> [Pub], SUB -> [Sub], PUB|SUB or SUB|PUB -> [Pub, Sub],
 * anything else -> [All]; decision Deny for DENY or blank, else Allow. No rule lines -> no ACL. An existing ACL of
 * the subject is merged (Java Acl#updatePolicy). whiteRemoteAddress / globalWhiteRemoteAddresses are not migrated
 * (Java neither). Without an authorizationMetadataProvider (no ACL store) the rules step fails as Java's does (its
 * manager throws "not configured"): logged, the user stays.
 * A malformed file is an error naming the file, the line and the key; nothing is imported from it.
 */
export interface PlainAccount {
  accessKey: string;
  secretKey: string;
  admin: boolean;
  topicPerms: string[];
  groupPerms: string[];
  defaultTopicPerm: string;
  defaultGroupPerm: string;
}

export function parsePlainAcl(text: string, file: string): PlainAccount[] {
  let doc: YamlValue;
  try {
    doc = parseYaml(text);
  } catch (e) {
    if (e instanceof YamlError) throw new Error(`${file}: ${e.message}`);
    throw e;
  }
  if (doc === null) return [];
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${file}: expected a mapping with "accounts" at the top`);
  const accounts = doc['accounts'];
  if (accounts === undefined || accounts === null) return [];
  if (!Array.isArray(accounts)) throw new Error(`${file}: key "accounts": expected a list of accounts`);
  return accounts.map((a, i) => {
    const where = `${file}: accounts[${i}]`;
    if (a === null || typeof a !== 'object' || Array.isArray(a)) throw new Error(`${where}: expected "accessKey: ..." lines`);
    const str = (k: string): string => {
      const v = a[k];
      if (v === undefined || v === null) return '';
      if (typeof v !== 'string') throw new Error(`${where}: key "${k}": expected a single value`);
      return v;
    };
    const list = (k: string): string[] => {
      const v = a[k];
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' && x !== null)) throw new Error(`${where}: key "${k}": expected a list of "name=PERM" lines`);
      return v.filter((x): x is string => typeof x === 'string');
    };
    const admin = str('admin');
    if (admin !== '' && !/^(true|false)$/i.test(admin)) throw new Error(`${where}: key "admin": expected true or false, found "${admin}"`);
    return {
      accessKey: str('accessKey'),
      secretKey: str('secretKey'),
      admin: admin.toLowerCase() === 'true',
      topicPerms: list('topicPerms'),
      groupPerms: list('groupPerms'),
      defaultTopicPerm: str('defaultTopicPerm'),
      defaultGroupPerm: str('defaultGroupPerm'),
    };
  });
}

/** Imports the accounts of every file as users and their rules as ACLs (see the contract); returns the users created. */
export function migratePlainAcl(files: readonly { path: string; text: string }[], users: UserStore, acls: AclStore | undefined, logger: Logger): number {
  let created = 0;
  for (const f of files) {
    for (const a of parsePlainAcl(f.text, f.path)) {
      if (a.accessKey.trim() === '') {
        logger.error({ file: f.path }, 'ACL migrate: an account without accessKey is skipped');
        continue;
      }
      if (users.get(a.accessKey) !== undefined) continue;
      if (a.secretKey.trim() === '') {
        logger.error({ file: f.path, user: a.accessKey }, 'ACL migrate: password can not be blank; account skipped');
        continue;
      }
      const err = users.put({ username: a.accessKey, password: a.secretKey, userType: a.admin ? 'Super' : 'Normal', userStatus: 'enable' });
      if (err !== undefined) {
        logger.error({ file: f.path, user: a.accessKey, err }, 'ACL migrate: user not created');
        continue;
      }
      created++;
      const acl = plainAccountAcl(a);
      if (acl === undefined) {
        logger.info({ file: f.path, user: a.accessKey }, 'ACL migrate: user created (no topic/group permissions)');
      } else if (acls === undefined) {
        logger.error({ file: f.path, user: a.accessKey }, 'ACL migrate: user created; its topic/group permissions are not migrated: the authorizationMetadataProvider is not configured');
      } else {
        const old = acls.get(acl.subject);
        const aclErr = acls.put(old === undefined ? acl : mergeAcl(old, acl));
        if (aclErr !== undefined) logger.error({ file: f.path, user: a.accessKey, err: aclErr }, 'ACL migrate: user created, ACL not created');
        else logger.info({ file: f.path, user: a.accessKey, entries: acl.policies.reduce((n, p) => n + p.entries.length, 0) }, 'ACL migrate: user and ACL created');
      }
    }
  }
  return created;
}

/** Java AuthMigrator#createAcl: the account's rules as an ACL of User:accessKey; undefined when it has none. */
export function plainAccountAcl(a: PlainAccount): Acl | undefined {
  const custom: PolicyEntry[] = [];
  const lines: [string[], (name: string) => Resource][] = [[a.topicPerms, (n) => ofTopic(n)], [a.groupPerms, (n) => ofGroup(n)]];
  for (const [perms, resource] of lines) {
    for (const line of perms) {
      // Java StringUtils.split(line, '='): empty parts are dropped; anything but two parts is skipped.
      const parts = line.split('=').filter((p) => p !== '');
      if (parts.length !== 2) continue;
      custom.push(entry(resource(parts[0]!.trim()), parts[1]!.trim()));
    }
  }
  const defaults: PolicyEntry[] = [];
  if (a.defaultTopicPerm.trim() !== '') defaults.push(entry({ type: 'Topic', name: null, pattern: 'ANY' }, a.defaultTopicPerm.trim()));
  if (a.defaultGroupPerm.trim() !== '') defaults.push(entry({ type: 'Group', name: null, pattern: 'ANY' }, a.defaultGroupPerm.trim()));
  const policies: Policy[] = [];
  if (custom.length > 0) policies.push({ policyType: 'Custom', entries: custom });
  if (defaults.length > 0) policies.push({ policyType: 'Default', entries: defaults });
  return policies.length === 0 ? undefined : { subject: `User:${a.accessKey}`, policies };
}

function entry(resource: Resource, perm: string): PolicyEntry {
  return { resource, actions: permActions(perm), sourceIps: undefined, decision: permDecision(perm) };
}

/** Java AuthMigrator#parseActions (a blank perm adds All, then the switch's default adds it again). */
export function permActions(perm: string): Action[] {
  const out: Action[] = perm.trim() === '' ? ['All'] : [];
  switch (perm.trim()) {
    case 'PUB':
      return [...out, 'Pub'];
    case 'SUB':
      return [...out, 'Sub'];
    case 'PUB|SUB':
    case 'SUB|PUB':
      return [...out, 'Pub', 'Sub'];
    default:
      return [...out, 'All'];
  }
}

/** Java AuthMigrator#parseDecision. */
export function permDecision(perm: string): Decision {
  return perm.trim() === '' || perm === 'DENY' ? 'Deny' : 'Allow';
}
