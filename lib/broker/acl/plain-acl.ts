import type { Logger } from '../../common';
import { parseYaml, YamlError, type YamlValue } from './yaml';
import type { UserStore } from './users';

/**
 * Contract: ACL 1.0's plain_acl.yml as Java 5.5.0 still reads it — only for `migrateAuthFromV1Enabled=true`, which
 * imports each account as an ACL 2.0 user once (Java: auth/.../migration/AuthMigrator#migrate, v1/PlainPermissionManager
 * reading ROCKETMQ_HOME/conf/plain_acl.yml and conf/acl/*.yml). An account becomes a user named accessKey with
 * password secretKey, Super when `admin: true` else Normal; an existing user is left as is; an account Java's
 * createUser would refuse (blank accessKey or secretKey) is logged and skipped, as Java logs and continues. Java then
 * creates the account's ACL rules; without an authorizationMetadataProvider that step fails (logged) and the user
 * stays — the only combination Apogee accepts (setup.ts refuses migration with an authorization provider).
 * A malformed file is an error naming the file, the line and the key; nothing is imported from it.
 */
export interface PlainAccount {
  accessKey: string;
  secretKey: string;
  admin: boolean;
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
    const admin = str('admin');
    if (admin !== '' && !/^(true|false)$/i.test(admin)) throw new Error(`${where}: key "admin": expected true or false, found "${admin}"`);
    return { accessKey: str('accessKey'), secretKey: str('secretKey'), admin: admin.toLowerCase() === 'true' };
  });
}

/** Imports the accounts of every file as users (see the contract); returns how many users were created. */
export function migratePlainAcl(files: readonly { path: string; text: string }[], users: UserStore, logger: Logger): number {
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
      logger.info({ file: f.path, user: a.accessKey }, 'ACL migrate: user created (its topic/group permissions are not migrated: no authorizationMetadataProvider)');
    }
  }
  return created;
}
