import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Credentials } from '../client';

/**
 * The credentials the official mqadmin signs with: accessKey/secretKey from $ROCKETMQ_HOME/conf/tools.yml (Java:
 * MQAdminStartup -> AclUtils#getAclRPCHook(rocketmqHome + "/conf/tools.yml")). No file, or a file without both keys:
 * requests go unsigned, as Java's tool sends them. Only the two top-level `key: value` lines are read (quotes
 * stripped); a file that cannot be read is an error naming it.
 */
export function toolsCredentials(home: string | undefined): Credentials | undefined {
  if (home === undefined || home === '') return undefined;
  const file = path.join(home, 'conf', 'tools.yml');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^(accessKey|secretKey)\s*:\s*(.*?)\s*$/.exec(line);
    if (m !== null) values.set(m[1]!, m[2]!.replace(/^(['"])(.*)\1$/, '$2'));
  }
  const accessKey = values.get('accessKey');
  const secretKey = values.get('secretKey');
  return accessKey && secretKey ? { accessKey, secretKey } : undefined;
}
