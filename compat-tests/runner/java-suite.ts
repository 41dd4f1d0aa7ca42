import * as fs from 'node:fs';
import * as path from 'node:path';
import { ControlChannel } from './control';
import { javaSuitesDir, type JavaClientVersion } from './paths';
import { ManagedProcess } from './process';
import type { ScenarioResult, SuiteRun } from './results';
import type { RunContext } from './run';
import { readSurefireReports } from './surefire';
import type { Target } from './target';

/**
 * Runs the JUnit suites of compat-tests/java/suites with one official Java client version against a target:
 *
 *   mvn -B -P client-<v> test -Dnamesrv=<target> -Dcompat.control=<dir> -Dcompat.reports=<dir> ...
 *
 * The Maven build is incremental (target/client-<v>), so the suite is compiled once per client version. While
 * it runs, a ControlChannel serves the suite's broker kill/restart requests against the target. Results come
 * from the surefire XML reports, one per scenario (@DisplayName = scenario id).
 */
export interface JavaSuiteOptions {
  clientVersion: JavaClientVersion;
  target: Target;
  /** JUnit tags to run (surefire -Dgroups): 'nameserver', 'broker', 'broker-restart'. Default: all. */
  groups?: string[];
  /** surefire -Dtest selector, e.g. 'ProducerTest' or 'BodyTest#oneByte'. */
  test?: string;
  /** Whole-suite bound (default 30 min); the JVM is killed past it. */
  timeoutMs?: number;
  mvn?: string;
  /** More -D properties for the test JVM. */
  props?: Record<string, string>;
}

export async function runJavaSuite(ctx: RunContext, opts: JavaSuiteOptions): Promise<SuiteRun> {
  const suite = `java-${opts.clientVersion}`;
  const dir = ctx.suiteDir(suite);
  const reports = path.join(dir, 'reports');
  const control = path.join(dir, 'control');
  const home = path.join(dir, 'home');
  const logs = path.join(dir, 'client-logs');
  for (const d of [reports, control, home, logs]) fs.mkdirSync(d, { recursive: true });
  const timeoutMs = opts.timeoutMs ?? 30 * 60_000;

  const args = [
    '-B',
    '-Dstyle.color=never',
    '-f',
    path.join(javaSuitesDir(), 'pom.xml'),
    '-P',
    `client-${opts.clientVersion}`,
    'test',
    `-Dnamesrv=${opts.target.namesrvAddr}`,
    `-Dcompat.reports=${reports}`,
    `-Dcompat.home=${home}`,
    `-Dcompat.logDir=${logs}`,
    `-Dcompat.control=${control}`,
    `-Dcompat.target=${opts.target.name}`,
    `-Dcompat.suiteTimeoutSeconds=${Math.ceil(timeoutMs / 1000)}`,
    '-Dmaven.test.failure.ignore=true',
    '-Dsurefire.failIfNoSpecifiedTests=false',
  ];
  if (opts.groups !== undefined && opts.groups.length > 0) args.push(`-Dgroups=${opts.groups.join(',')}`);
  if (opts.test !== undefined) args.push(`-Dtest=${opts.test}`);
  for (const [k, v] of Object.entries(opts.props ?? {})) args.push(`-D${k}=${v}`);

  const logFile = path.join(dir, 'mvn.log');
  const channel = new ControlChannel(control, opts.target, ctx.logger.child({ suite })).start();
  const t0 = Date.now();
  ctx.logger.info({ suite, target: opts.target.name, dir }, 'running Java suite');
  let exitCode: number | null = null;
  let error: string | undefined;
  try {
    const p = ManagedProcess.start({
      name: `mvn ${suite}`,
      command: opts.mvn ?? 'mvn',
      args,
      cwd: javaSuitesDir(),
      logFile,
      pidFile: ctx.pidFile(`mvn-${suite}`),
      marker: ctx.dir,
    });
    try {
      const exit = await p.waitExit(timeoutMs + 120_000);
      exitCode = exit.code;
      if (exit.code !== 0) error = `mvn exited with ${exit.code ?? exit.signal}; see ${logFile}\n${p.tail(40)}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
  } finally {
    await channel.stop();
  }
  let results: ScenarioResult[] = [];
  try {
    results = readSurefireReports(reports, suite);
  } catch (e) {
    error = `${error ?? ''}\ncannot read surefire reports in ${reports}: ${String(e)}`.trim();
  }
  if (results.length === 0 && error === undefined) error = `no surefire reports in ${reports}; see ${logFile}`;
  const run: SuiteRun = { suite, target: opts.target.name, results, durationMs: Date.now() - t0, exitCode, logDir: dir };
  if (error !== undefined) run.error = error;
  fs.writeFileSync(path.join(dir, 'control-events.json'), JSON.stringify(channel.events, null, 2));
  fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(run, null, 2));
  ctx.logger.info(
    { suite, target: opts.target.name, ms: run.durationMs, passed: count(results, 'passed'), failed: count(results, 'failed'), skipped: count(results, 'skipped') },
    'Java suite done',
  );
  return run;
}

function count(r: ScenarioResult[], s: ScenarioResult['status']): number {
  return r.filter((x) => x.status === s).length;
}
