#!/usr/bin/env node
/**
 * apogee-compat — the compatibility runner: the official-client suites against Apogee and Apache RocketMQ,
 * scenario by scenario, as a matrix.
 *
 *   npm run compat -- [options]          (builds first)
 *   node dist/compat-tests/runner/compat.js [options]
 *
 * See usage() below and compat-tests/README.md.
 */
import * as path from 'node:path';
import { createLogger } from '../../lib/common';
import { judge, runMatrix, type Matrix } from './matrix';
import { chooseRuntime, parseTarget, SUITE_NAMES, suitePlans, targetPlan, UsageError, type ChosenRuntime, type RuntimeChoice } from './plan';
import { liveProcessNames } from './process';
import { closingLine, renderTable, writeReport } from './report';
import { RunContext } from './run';

export interface CliOptions {
  targets: string[];
  suites: string[];
  runtime: RuntimeChoice;
  /** The target the others are compared with (default apache-5 when it runs). */
  reference?: string;
  out?: string;
  strict: boolean;
  benchmarkSeconds: number;
  timeoutScale: number;
  /** Every suite and every full-run-only scenario (--full, --suites all, or APOGEE_COMPAT_FULL=1). */
  full: boolean;
  verbose: boolean;
  help: boolean;
}

export const DEFAULT_TARGETS = ['apogee', 'apache-5'];
/**
 * What runs without --full (and so in npm test / CI, which must stay under 60 minutes): every suite but java-4.9,
 * whose scenarios are java-5's compiled against rocketmq-client 4.9.8 (one oracle source set) and which adds ~5
 * minutes, and grpc-proxy (the official proxy JVM in front of each target: ~4 min per target, over the 4-minute
 * budget a CI suite gets). --full (or --suites all) runs them too; latest results in compat-tests/results and READMEs.
 */
export const FULL_RUN_ONLY_SUITES: readonly string[] = ['java-4.9', 'grpc-proxy'];
export const SLICE_SUITES: readonly string[] = SUITE_NAMES.filter((s) => !FULL_RUN_ONLY_SUITES.includes(s));

export function usage(): string {
  return `usage: apogee-compat [options]      (npm run compat -- [options])

Runs the official-client suites against each target (one fresh set of processes or containers per target) and
prints the matrix scenario x target; writes matrix.json, matrix.xml (JUnit), matrix.md and matrix.txt.

  --targets LIST     comma-separated (default ${DEFAULT_TARGETS.join(',')}):
                       apogee             Apogee built from this working tree (dist/)
                       apache-5           Apache RocketMQ 5.5.0 NameServer + broker (the reference)
                       apache-4           Apache RocketMQ 4.9.7 NameServer + broker
                       external:HOST:PORT a running cluster (its NameServer); nothing is started or stopped
  --full             every suite, and the Java scenarios too slow for CI (the default is the CI slice:
                     ${SLICE_SUITES.join(', ')}; APOGEE_COMPAT_FULL=1 runs those scenarios too)
  --suites LIST      comma-separated, or "all": ${SUITE_NAMES.join(', ')}
                       target     the harness's checks of the target (ready, freeze/resume, kill/restart)
                       mqadmin    official mqadmin (rocketmq-tools 5.5.0) commands, output checked
                       java-5     JUnit suite with rocketmq-client 5.5.0
                       java-4.9   JUnit suite with rocketmq-client 4.9.8
                       go         go test suite with rocketmq-client-go/v2
                       benchmark  official benchmark Producer/Consumer (rocketmq-example 5.5.0)
                       grpc-proxy rocketmq-client-java 5.x (gRPC) through the official rocketmq-proxy 5.5.0
  --runtime R        containers | local | auto (default auto: containers when a Docker engine answers)
  --reference T      the target apogee is compared with (default apache-5 when it runs), e.g. an external
                     cluster of the official apache/rocketmq image: --reference external:127.0.0.1:9876
  --out DIR          where the reports go (default: <run dir>/report; the run dir is printed)
  --strict           exit 1 on any failure, error, unexpected skip or suite bug on any target (CI)
  --benchmark-seconds N   how long the benchmark Producer sends (default 30)
  --timeout-scale X  multiply every suite bound (default 1)
  --verbose          harness logs (pino, info) on stderr

Exit code: 0 no regression; 1 a scenario passes on the reference but fails on apogee (strict: any problem); 2 bad
usage or no runtime; 3 the reference could not run some scenarios, so they were not compared.`;
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const o: CliOptions = { targets: [...DEFAULT_TARGETS], suites: [...SLICE_SUITES], runtime: 'auto', strict: false, benchmarkSeconds: 30, timeoutScale: 1, full: process.env['APOGEE_COMPAT_FULL'] === '1', verbose: false, help: false };
  const list = (v: string): string[] => v.split(',').map((x) => x.trim()).filter((x) => x !== '');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      if (a.startsWith('--') && eq > 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--full':
        o.suites = [...SUITE_NAMES];
        o.full = true;
        break;
      case '--targets':
      case '--target':
        o.targets = list(value());
        break;
      case '--suites':
      case '--suite': {
        const v = list(value());
        o.suites = v.length === 1 && v[0] === 'all' ? [...SUITE_NAMES] : v;
        if (v.length === 1 && v[0] === 'all') o.full = true;
        break;
      }
      case '--runtime': {
        const v = value();
        if (v !== 'containers' && v !== 'local' && v !== 'auto') throw new UsageError(`--runtime must be containers, local or auto, not "${v}"`);
        o.runtime = v;
        break;
      }
      case '--out':
        o.out = value();
        break;
      case '--reference':
        o.reference = parseTarget(value()).name;
        break;
      case '--strict':
        o.strict = true;
        break;
      case '--benchmark-seconds': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 12 || n > 3600) throw new UsageError('--benchmark-seconds must be an integer in [12, 3600] (the tools print stats after ~11 s)');
        o.benchmarkSeconds = n;
        break;
      }
      case '--timeout-scale': {
        const n = Number(value());
        if (!(n > 0 && n <= 20)) throw new UsageError('--timeout-scale must be a number in (0, 20]');
        o.timeoutScale = n;
        break;
      }
      case '--verbose':
        o.verbose = true;
        break;
      case '-h':
      case '--help':
        o.help = true;
        break;
      default:
        throw new UsageError(`unknown option "${a}"`);
    }
  }
  if (o.targets.length === 0) throw new UsageError('--targets is empty');
  if (o.suites.length === 0) throw new UsageError('--suites is empty');
  const names = o.targets.map((t) => parseTarget(t).name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new UsageError(`target ${dup} given twice`);
  if (o.reference !== undefined && !names.includes(o.reference)) throw new UsageError(`--reference ${o.reference} is not among the targets (${names.join(', ')})`);
  if (o.reference === 'apogee') throw new UsageError('--reference cannot be apogee: Apache RocketMQ is the reference');
  suitePlans(o.suites); // validates the names
  return o;
}

/** Runs the matrix; returns the exit code. Prints progress lines, the table and the report paths on stdout. */
export async function main(argv: readonly string[], print: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Promise<number> {
  let o: CliOptions;
  try {
    o = parseArgs(argv);
  } catch (e) {
    print(`${e instanceof Error ? e.message : String(e)}\n\n${usage()}`);
    return 2;
  }
  if (o.help) {
    print(usage());
    return 0;
  }
  const t0 = Date.now();
  const ctx = RunContext.create({
    ...(process.env['COMPAT_DIR'] !== undefined ? { rootDir: process.env['COMPAT_DIR'] } : {}),
    logger: createLogger({ name: 'compat', fd: 2, level: o.verbose ? 'info' : 'warn' }),
  });
  const stamp = (): string => `${String(Math.round((Date.now() - t0) / 1000)).padStart(5)}s`;
  const say = (line: string): void => print(`${stamp()} ${line}`);
  const specs = o.targets.map(parseTarget);
  let rt: ChosenRuntime;
  try {
    rt = await chooseRuntime(ctx, o.runtime, say);
  } catch (e) {
    print(e instanceof Error ? e.message : String(e));
    return 2;
  }
  const reference = o.reference ?? (specs.some((s) => s.name === 'apache-5') ? 'apache-5' : undefined);
  const command = `${o.full ? 'APOGEE_COMPAT_FULL=1 ' : ''}npm run compat -- ${[`--targets ${o.targets.join(',')}`, `--suites ${o.suites.join(',')}`, `--runtime ${rt.info.kind}`, ...(o.reference !== undefined ? [`--reference ${o.reference}`] : []), ...(o.benchmarkSeconds !== 30 ? [`--benchmark-seconds ${o.benchmarkSeconds}`] : []), ...(o.strict ? ['--strict'] : [])].join(' ')}`;
  say(`apogee-compat: runtime ${rt.info.kind} (${rt.info.reason}); targets ${specs.map((s) => s.name).join(', ')}; suites ${o.suites.join(', ')}`);
  say(`run directory ${ctx.dir}`);
  const left = SUITE_NAMES.filter((s) => !o.suites.includes(s));
  if (left.length > 0) say(`not in this run: ${left.join(', ')} (--full runs every suite)`);
  let m: Matrix;
  let leftovers: string[] = [];
  try {
    m = await runMatrix(ctx, {
      targets: specs.map((s) => targetPlan(s, rt.launcher)),
      suites: suitePlans(o.suites, { benchmarkSeconds: o.benchmarkSeconds, timeoutScale: o.timeoutScale, full: o.full }),
      ...(reference !== undefined ? { reference } : {}),
      ...(specs.some((s) => s.name === 'apogee') ? { subject: 'apogee' } : {}),
      runtime: rt.info,
      command,
      progress: say,
    });
  } finally {
    // whatever is still running now was left behind: record it, then remove it
    const left = liveProcessNames();
    const containers = rt.engine !== undefined ? await rt.engine.ownContainers().catch(() => []) : [];
    await rt.engine?.removeAll();
    rt.engine?.close();
    leftovers = [...left, ...containers.map((c) => `container ${c}`)];
  }
  m.leftovers = leftovers;
  const j = judge(m, o.strict);
  const out = path.resolve(o.out ?? path.join(ctx.dir, 'report'));
  const written = writeReport(m, j, out);
  print('');
  print(renderTable(m, j));
  print('');
  print(`reports: ${written.markdown}, ${written.junit}, ${written.json}${written.logs.length > 0 ? `; logs copied to ${path.join(out, 'logs')}` : ''}`);
  print(`exit code ${j.exitCode}${j.exitCode === 1 ? (j.problems.some((p) => p.startsWith('regression') || p.startsWith('failure')) ? ' (regressions)' : ' (--strict: problems above)') : j.exitCode === 3 ? ' (the reference could not run some scenarios)' : ''}`);
  print(closingLine(j));
  return j.exitCode;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`apogee-compat: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(2);
    },
  );
}
