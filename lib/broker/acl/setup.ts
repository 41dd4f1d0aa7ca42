import * as path from 'node:path';
import type { Logger } from '../../common';
import type { BrokerConfig } from '../config';
import { Authenticator } from './authentication';
import type { Processor } from '../../remoting';
import { migratePlainAcl } from './plain-acl';
import { userAdminProcessors } from './user-admin';
import { UserStore } from './users';

/**
 * Contract: builds the broker's access control from its config — the Authenticator (undefined when
 * authenticationEnabled=false, the Java default), the user store and the user admin processors — and refuses, with an error naming the key, the ACL settings Apogee does not implement yet rather than
 * running without the protection they ask for. Users live in `<storePathRootDir>/config/users.json` (Java: RocksDB
 * under authConfigPath = storePathRootDir/config).
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
  /** The user store: present when authenticationMetadataProvider is set (Java builds its manager from it alone). */
  readonly users: UserStore | undefined;
  readonly processors: [number, Processor][];
}

export function aclFromConfig(
  config: BrokerConfig,
  storePathRootDir: string,
  logger: Logger,
  now: () => number,
  plainAclFiles: readonly { path: string; text: string }[] = [],
): BrokerAcl {
  if (config.authorizationEnabled) {
    throw new Error('authorizationEnabled=true: ACL 2.0 authorization is not implemented in Apogee yet; remove the key (authentication alone is supported)');
  }
  const authzConfigured = config.authorizationMetadataProvider.trim() !== '';
  if (config.migrateAuthFromV1Enabled && authzConfigured) {
    throw new Error('migrateAuthFromV1Enabled=true with authorizationMetadataProvider: migrating plain_acl.yml permissions into ACL rules is not implemented in Apogee; remove authorizationMetadataProvider to migrate the accounts as users only (what Java does without it)');
  }
  const whitelist = new Set<number>();
  for (const part of config.authenticationWhitelist.split(',')) {
    const t = part.trim();
    if (t === '') continue;
    if (!/^-?\d+$/.test(t)) throw new Error(`authenticationWhitelist: "${t}" is not a request code (a number)`);
    whitelist.add(Number(t));
  }
  const log = logger.child({ ns: 'auth' });
  const configured = config.authenticationMetadataProvider.trim() !== '';
  let users: UserStore | undefined;
  if (configured) {
    users = new UserStore(path.join(storePathRootDir, 'config'));
    users.initFromConfig(config.initAuthenticationUser, config.innerClientAuthenticationCredentials);
  }
  if (config.migrateAuthFromV1Enabled) {
    // Java: BrokerController's constructor runs AuthMigrator#migrate after the manager's initUser.
    if (users === undefined) log.error('migrateAuthFromV1Enabled=true without authenticationMetadataProvider: no account migrated');
    else log.info({ files: plainAclFiles.map((f) => f.path), created: migratePlainAcl(plainAclFiles, users, log) }, 'plain_acl.yml accounts migrated');
  }
  const processors = userAdminProcessors({ users, authzConfigured, logger: log });
  if (!config.authenticationEnabled) return { authenticator: undefined, users, processors };
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
  return { authenticator, users, processors };
}
