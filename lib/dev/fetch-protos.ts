import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Fetches the apache/rocketmq-apis protos (apache.rocketmq.v2: definition.proto, service.proto, admin.proto) that
 * lib/grpc serves, from a registry, into `.cache/rocketmq-apis/` of the checkout (gitignored; never committed).
 *
 * Source: the npm package rocketmq-client-nodejs (Apache RocketMQ's own Node.js client, apache/rocketmq-clients),
 * which ships the .proto files under proto/apache/rocketmq/v2/. The Maven artifact org.apache.rocketmq:rocketmq-proto
 * (2.1.2, the Java client's) holds only compiled classes, no .proto, so it cannot serve here.
 *
 * Idempotent: does nothing when the three files are already there. `npm run protos`, .ci/run and `npm test` call it.
 * Usage: node dist/lib/dev/fetch-protos.js [--dir <cache dir>]
 */
export const PROTO_PACKAGE = 'rocketmq-client-nodejs';
export const PROTO_PACKAGE_VERSION = '1.0.8';
export const PROTO_FILES: readonly string[] = ['apache/rocketmq/v2/definition.proto', 'apache/rocketmq/v2/service.proto', 'apache/rocketmq/v2/admin.proto'];

/** The default cache: <checkout>/.cache/rocketmq-apis (this file runs from dist/lib/dev/). */
export function defaultProtoDir(): string {
  return path.resolve(__dirname, '..', '..', '..', '.cache', 'rocketmq-apis');
}

export function protosPresent(dir: string): boolean {
  return PROTO_FILES.every((f) => fs.existsSync(path.join(dir, f)));
}

export function fetchProtos(dir: string): 'present' | 'fetched' {
  if (protosPresent(dir)) return 'present';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-protos-'));
  try {
    const out = execFileSync('npm', ['pack', '--silent', `${PROTO_PACKAGE}@${PROTO_PACKAGE_VERSION}`, '--pack-destination', tmp], { encoding: 'utf8' }).trim();
    const tgz = path.join(tmp, out.split('\n').pop()!.trim());
    execFileSync('tar', ['xzf', tgz, '-C', tmp, ...PROTO_FILES.map((f) => `package/proto/${f}`)]);
    for (const f of PROTO_FILES) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.copyFileSync(path.join(tmp, 'package', 'proto', f), path.join(dir, f));
    }
    fs.writeFileSync(path.join(dir, 'SOURCE'), `npm ${PROTO_PACKAGE}@${PROTO_PACKAGE_VERSION} proto/\n`);
    return 'fetched';
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const i = process.argv.indexOf('--dir');
  const dir = i > 0 && process.argv[i + 1] !== undefined ? path.resolve(process.argv[i + 1]!) : defaultProtoDir();
  const r = fetchProtos(dir);
  console.log(`rocketmq-apis protos ${r === 'present' ? 'already in' : 'fetched into'} ${dir}`);
}
