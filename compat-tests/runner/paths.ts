import * as fs from 'node:fs';
import * as path from 'node:path';
import { runToCompletion } from './process';
import type { RunContext } from './run';

/**
 * Where things are. The harness runs from dist/compat-tests/runner (compiled) or compat-tests/runner (ts-node);
 * either way the repository root is the first ancestor holding package.json and compat-tests/.
 */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'compat-tests', 'java'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`repository root (with compat-tests/java) not found above ${__dirname}`);
    dir = up;
  }
}

export function compatDir(): string {
  return path.join(repoRoot(), 'compat-tests');
}

export function apacheDistDir(): string {
  return path.join(compatDir(), 'java', 'apache-dist');
}

export function javaSuitesDir(): string {
  return path.join(compatDir(), 'java', 'suites');
}

/** The 5.x gRPC client scenarios (rocketmq-client-java through the official proxy). */
export function grpcSuitesDir(): string {
  return path.join(compatDir(), 'java', 'grpc-suites');
}

export function goSuitesDir(): string {
  return path.join(compatDir(), 'go');
}

/** Apache RocketMQ versions the harness can start (servers) — 4.9.8 servers are not on Maven Central. */
export type ApacheServerVersion = '5.5.0' | '4.9.7';
/** Official Java client versions the JUnit suites are built against. */
export type JavaClientVersion = '5.5.0' | '4.9.8';
/** Jar sets resolved by compat-tests/java/apache-dist. */
export type DistName = 'server' | 'benchmark' | 'proxy';

export function classpathFile(dist: DistName, version: string): string {
  return path.join(apacheDistDir(), 'target', 'classpath', `${dist}-${version}.txt`);
}

const resolving = new Map<string, Promise<string>>();

/**
 * The `java -cp` classpath of an Apache jar set, resolving it with Maven first when the classpath file is missing
 * or names a jar that is no longer in the local repository. compat-tests/setup.sh pre-fetches all of them.
 */
export function ensureClasspath(ctx: RunContext, dist: DistName, version: string, mvn = 'mvn'): Promise<string> {
  const key = `${dist}-${version}`;
  let p = resolving.get(key);
  if (p === undefined) {
    p = resolveClasspath(ctx, dist, version, mvn);
    resolving.set(key, p);
    p.catch(() => resolving.delete(key));
  }
  return p;
}

async function resolveClasspath(ctx: RunContext, dist: DistName, version: string, mvn: string): Promise<string> {
  const file = classpathFile(dist, version);
  const valid = (): string | undefined => {
    if (!fs.existsSync(file)) return undefined;
    const cp = fs.readFileSync(file, 'utf8').trim();
    const jars = cp.split(path.delimiter);
    return jars.length > 0 && jars.every((j) => fs.existsSync(j)) ? cp : undefined;
  };
  const ok = valid();
  if (ok !== undefined) return ok;
  ctx.logger.info({ dist, version }, 'resolving Apache RocketMQ jars with Maven');
  const logFile = path.join(ctx.subdir('maven'), `apache-dist-${dist}-${version}.log`);
  const r = await runToCompletion(
    {
      name: `mvn apache-dist ${dist} ${version}`,
      command: mvn,
      args: ['-B', '-q', '-Dstyle.color=never', '-f', path.join(apacheDistDir(), 'pom.xml'), '-P', dist, `-Drocketmq.version=${version}`, 'generate-resources'],
      cwd: apacheDistDir(),
      logFile,
      pidFile: ctx.pidFile('mvn-apache-dist'),
    },
    15 * 60_000,
  );
  const cp = valid();
  if (r.code !== 0 || cp === undefined) {
    throw new Error(`cannot resolve Apache RocketMQ ${dist} ${version} jars (mvn exit ${r.code}); see ${logFile}\n${r.output.slice(-2000)}`);
  }
  return cp;
}
