/**
 * Developer entry point of the compat harness, for one target as local processes (the matrix runner, with
 * containers, reports and verdicts, is compat.ts: `npm run compat`):
 *
 *   node dist/compat-tests/runner/cli.js up   [apache-5.5.0|apache-4.9.7|apache-4.9.7-ns5|apogee]
 *       start a target, print its addresses, keep it running until Ctrl-C
 *   node dist/compat-tests/runner/cli.js run  [target] [suite...]
 *       suites: java-5.5.0[:TestClass] java-4.9.8[:TestClass] go[:TestRegexp] benchmark grpc-proxy[:TestClass]
 *       (default: java-5.5.0 java-4.9.8 go); grpc-proxy starts the official proxy in front of the target
 *       prints one line per scenario and writes <run dir>/results.json; exit 1 if a scenario failed
 *
 * Environment: COMPAT_DIR (run root, default $TMPDIR/apogee-compat); COMPAT_JAVA_TEST (surefire -Dtest selector
 * for the Java suites, e.g. `MessageTraceTest,PushRetryTest#defaultDelayLevel`: run only those scenarios);
 * APOGEE_COMPAT_FULL=1 (the Java suites run their full-run-only scenarios: -Dcompat.full=true);
 * COMPAT_GRPC_CLIENT (rocketmq-client-java version of the grpc-proxy suite, e.g. 5.0.8; default the pom's 5.2.0).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runBenchmark } from './benchmark';
import { runGoSuite } from './go-suite';
import { runGrpcProxySuite } from './grpc-proxy';
import { runJavaSuite } from './java-suite';
import type { ApacheServerVersion } from './paths';
import { formatResults, type SuiteRun } from './results';
import { RunContext } from './run';
import { startApacheTarget, startApogeeTarget, type Target } from './target';

async function startTarget(ctx: RunContext, name: string): Promise<Target> {
  if (name === 'apogee') return startApogeeTarget(ctx);
  const presets: Record<string, { ns: ApacheServerVersion; broker: ApacheServerVersion }> = {
    'apache-5.5.0': { ns: '5.5.0', broker: '5.5.0' },
    'apache-4.9.7': { ns: '4.9.7', broker: '4.9.7' },
    'apache-4.9.7-ns5': { ns: '5.5.0', broker: '4.9.7' },
  };
  const p = presets[name];
  if (p === undefined) throw new Error(`unknown target ${name}; known: ${Object.keys(presets).join(', ')}, apogee`);
  return startApacheTarget(ctx, { namesrvVersion: p.ns, brokerVersion: p.broker });
}

async function main(argv: string[]): Promise<number> {
  const [cmd = 'help', targetName = 'apache-5.5.0', ...suites] = argv;
  if (cmd !== 'up' && cmd !== 'run') {
    process.stdout.write(`usage: cli.js up [target] | run [target] [java-5.5.0[:TestClass]|java-4.9.8[:TestClass]|go[:TestRegexp]|benchmark ...]\n`);
    return cmd === 'help' ? 0 : 2;
  }
  const ctx = RunContext.create(process.env['COMPAT_DIR'] !== undefined ? { rootDir: process.env['COMPAT_DIR'] } : {});
  const target = await startTarget(ctx, targetName);
  try {
    if (cmd === 'up') {
      process.stdout.write(`${target.description}\nnamesrv ${target.namesrvAddr}\nbroker  ${target.brokerAddr ?? '-'}\nlogs    ${ctx.dir}\nCtrl-C to stop\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      return 0;
    }
    const runs: SuiteRun[] = [];
    for (const s of suites.length > 0 ? suites : ['java-5.5.0', 'java-4.9.8', 'go']) {
      // java-5.5.0:TimerTest runs one JUnit class (surefire -Dtest); COMPAT_JAVA_TEST does the same for every Java suite.
      const [suite, one] = s.split(':') as [string, string | undefined];
      const env = process.env['COMPAT_JAVA_TEST'];
      const test = one ?? (env !== undefined && env !== '' ? env : undefined);
      if (suite === 'java-5.5.0' || suite === 'java-4.9.8') runs.push(await runJavaSuite(ctx, { clientVersion: suite === 'java-5.5.0' ? '5.5.0' : '4.9.8', target, props: { 'compat.full': String(process.env['APOGEE_COMPAT_FULL'] === '1') }, ...(test !== undefined ? { test } : {}) }));
      else if (suite === 'grpc-proxy') {
        const clientVersion = process.env['COMPAT_GRPC_CLIENT'];
        runs.push(await runGrpcProxySuite(ctx, { target, ...(one !== undefined ? { test: one } : {}), ...(clientVersion !== undefined && clientVersion !== '' ? { clientVersion } : {}) }));
      }
      else if (suite === 'go') runs.push(await runGoSuite(ctx, { target, ...(one !== undefined ? { run: one } : {}) }));
      else if (s === 'benchmark') {
        const b = await runBenchmark(ctx, { target, seconds: 15 });
        process.stdout.write(`benchmark: stored ${b.storedTotal}, consumed ${b.consumedTotal}, send failed ${b.producer.sendFailed}, max send TPS ${b.producer.maxSendTps}\n`);
      } else throw new Error(`unknown suite ${s}`);
    }
    for (const r of runs) {
      process.stdout.write(`${formatResults(r.results)}\n`);
      if (r.error !== undefined) process.stdout.write(`${r.suite}: ${r.error}\n`);
    }
    fs.writeFileSync(path.join(ctx.dir, 'results.json'), JSON.stringify(runs, null, 2));
    process.stdout.write(`results: ${path.join(ctx.dir, 'results.json')}\n`);
    return runs.some((r) => r.error !== undefined || r.results.some((x) => x.status === 'failed')) ? 1 : 0;
  } finally {
    await target.stop();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
