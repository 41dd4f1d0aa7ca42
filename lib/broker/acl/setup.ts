import * as path from 'node:path';
import type { Logger } from '../../common';
import type { BrokerConfig } from '../config';
import { aclAdminProcessors } from './acl-admin';
import { AclStore } from './acls';
import { Authenticator } from './authentication';
import { Authorizer } from './authorization';
import type { Processor } from '../../remoting';
import { migratePlainAcl } from './plain-acl';
import { userAdminProcessors } from './user-admin';
import { UserStore } from './users';

/**
 * Contract: builds the broker's access control from its config — the Authenticator (undefined when
 * authenticationEnabled=false, the Java default), the Authorizer (undefined when authorizationEnabled=false), the user
 * and ACL stores and the user/ACL admin processors — and refuses, with an error naming the key, a setting it cannot
 * read (a whitelist entry that is not a request code) rather than running without the protection it asks for. With
 * migrateAuthFromV1Enabled the plain_acl.yml accounts become users and, with an authorizationMetadataProvider, ACLs
 * (plain-acl.ts, as Java AuthMigrator). Users live in
 * `<storePathRootDir>/config/users.json`, ACL rules in `<storePathRootDir>/config/acls.json` (Java: RocksDB under
 * authConfigPath = storePathRootDir/config, directories users and acls).
 */
/** The broker.conf keys of Java's AuthConfig (plus Apogee's authFailure* limits): not shown by GET_BROKER_CONFIG. */
export const AUTH_CONFIG_KEYS: ReadonlySet<string> = new Set([
  'authenticationEnabled', 'authenticationProvider', 'authenticationMetadataProvider', 'authenticationStrategy',
  'authenticationWhitelist', 'initAuthenticationUser', 'innerClientAuthenticationCredentials', 'authorizationEnabled',
  'authorizationProvider', 'authorizationMetadataProvider', 'authorizationStrategy', 'authorizationWhitelist',
  'migrateAuthFromV1Enabled', 'userCacheMaxNum', 'userCacheExpiredSecond', 'userCacheRefreshSecond', 'aclCacheMaxNum',
  'aclCacheExpiredSecond', 'aclCacheRefreshSecond', 'statefulAuthenticationCacheMaxNum',
  'statefulAuthenticationCacheExpiredSecond', 'statefulAuthorizationCacheMaxNum', 'statefulAuthorizationCacheExpiredSecond',
  'authFailuresPerMinuteMax', 'authFailureHostsMax',
]);

export interface BrokerAcl {
  /** undefined when authenticationEnabled=false (the Java default). */
  readonly authenticator: Authenticator | undefined;
  /** undefined when authorizationEnabled=false (the Java default). */
  readonly authorizer: Authorizer | undefined;
  /** The user store: present when authenticationMetadataProvider is set (Java builds its manager from it alone). */
  readonly users: UserStore | undefined;
  /** The ACL store: present when authorizationMetadataProvider is set. */
  readonly acls: AclStore | undefined;
  readonly processors: [number, Processor][];
}

export function aclFromConfig(
  config: BrokerConfig,
  storePathRootDir: string,
  logger: Logger,
  now: () => number,
  plainAclFiles: readonly { path: string; text: string }[] = [],
): BrokerAcl {
  const authzConfigured = config.authorizationMetadataProvider.trim() !== '';
  const whitelist = codeList('authenticationWhitelist', config.authenticationWhitelist);
  const log = logger.child({ ns: 'auth' });
  const configured = config.authenticationMetadataProvider.trim() !== '';
  let users: UserStore | undefined;
  if (configured) {
    users = new UserStore(path.join(storePathRootDir, 'config'));
    users.initFromConfig(config.initAuthenticationUser, config.innerClientAuthenticationCredentials);
  }
  const acls = authzConfigured ? new AclStore(path.join(storePathRootDir, 'config')) : undefined;
  if (config.migrateAuthFromV1Enabled) {
    // Java: BrokerController's constructor runs AuthMigrator#migrate after the manager's initUser; with an
    // authorizationMetadataProvider each account's permissions become its ACL (whether or not authorizationEnabled).
    if (users === undefined) log.error('migrateAuthFromV1Enabled=true without authenticationMetadataProvider: no account migrated');
    else log.info({ files: plainAclFiles.map((f) => f.path), created: migratePlainAcl(plainAclFiles, users, acls, log) }, 'plain_acl.yml accounts migrated');
  }
  const processors = [...userAdminProcessors({ users, acls, authzConfigured, logger: log }), ...aclAdminProcessors({ users, acls, logger: log })];
  let authorizer: Authorizer | undefined;
  if (config.authorizationEnabled) {
    log.info({ acls: acls?.size() ?? 0 }, 'authorization enabled');
    authorizer = new Authorizer({ whitelist: codeList('authorizationWhitelist', config.authorizationWhitelist), users, acls, clusterName: config.brokerClusterName, logger: log });
  }
  if (!config.authenticationEnabled) return { authenticator: undefined, authorizer, users, acls, processors };
  log.info({ users: users?.list().length ?? 0, whitelist: [...whitelist] }, 'authentication enabled');
  const authenticator = new Authenticator({
    metadataProviderConfigured: configured,
    whitelist,
    users,
    failuresPerMinuteMax: config.authFailuresPerMinuteMax,
    failureHostsMax: config.authFailureHostsMax,
    logger: log,
    now,
  });
  return { authenticator, authorizer, users, acls, processors };
}

/** A comma-separated list of request codes (Java's *Whitelist keys); an entry that is not a number is an error naming the key. */
function codeList(key: string, text: string): Set<number> {
  const codes = new Set<number>();
  for (const part of text.split(',')) {
    const t = part.trim();
    if (t === '') continue;
    if (!/^-?\d+$/.test(t)) throw new Error(`${key}: "${t}" is not a request code (a number)`);
    codes.add(Number(t));
  }
  return codes;
}
