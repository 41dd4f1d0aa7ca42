import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Reads the ACL 1.0 files the broker migrates when migrateAuthFromV1Enabled=true (only then; nothing is read
 * otherwise): ROCKETMQ_HOME/conf/plain_acl.yml and every *.yml under ROCKETMQ_HOME/conf/acl, ROCKETMQ_HOME being
 * broker.conf's rocketmqHome or else the environment's ROCKETMQ_HOME. Java: auth/.../migration/v1/PlainPermissionManager
 * (DEFAULT_PLAIN_ACL_FILE "/conf/plain_acl.yml", the "/conf/acl" directory).
 */
export function plainAclFiles(config: { migrateAuthFromV1Enabled: boolean; rocketmqHome: string }, env: NodeJS.ProcessEnv = process.env): { path: string; text: string }[] {
  if (!config.migrateAuthFromV1Enabled) return [];
  const home = config.rocketmqHome !== '' ? config.rocketmqHome : (env['ROCKETMQ_HOME'] ?? '');
  if (home === '') throw new Error('migrateAuthFromV1Enabled=true needs ROCKETMQ_HOME (or rocketmqHome in broker.conf) to find conf/plain_acl.yml');
  const files: string[] = [];
  const main = path.join(home, 'conf', 'plain_acl.yml');
  if (fs.existsSync(main)) files.push(main);
  const dir = path.join(home, 'conf', 'acl');
  if (fs.existsSync(dir)) for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.yml')) files.push(path.join(dir, f));
  return files.map((f) => ({ path: f, text: fs.readFileSync(f, 'utf8') }));
}
