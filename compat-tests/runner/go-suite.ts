import * as fs from 'node:fs';
import * as path from 'node:path';
import { goSuitesDir } from './paths';
import { ManagedProcess } from './process';
import type { ScenarioResult, SuiteRun } from './results';
import type { RunContext } from './run';
import type { Target } from './target';

/**
 * Runs the Go suite (compat-tests/go, official rocketmq-client-go/v2) against a target:
 *
 *   go test -json -count=1 -timeout <t> [-run <re>] . -args -namesrv <ns> -brokeraddr <broker> -workdir <dir>
 *
 * and turns the `go test -json` event stream into per-scenario results: TestSendSync -> "go.send-sync".
 */
export interface GoSuiteOptions {
  target: Target;
  /** go test -run regexp. */
  run?: string;
  timeoutMs?: number;
  goBin?: string;
  /** Another Go module to run (default compat-tests/go), e.g. compat-tests/go-grpc; its results are reported as `suite`. */
  dir?: string;
  suite?: string;
  /** More -args for the test binary, e.g. ['-endpoint', host:port]. */
  extraArgs?: string[];
}

interface GoEvent {
  Time?: string;
  Action: 'start' | 'run' | 'pause' | 'cont' | 'pass' | 'bench' | 'fail' | 'output' | 'skip' | 'build-output' | 'build-fail';
  ImportPath?: string;
  Package?: string;
  Test?: string;
  Elapsed?: number;
  Output?: string;
}

/** TestSendOneWay -> go.send-one-way */
export function goScenarioId(test: string): string {
  const base = test.replace(/^Test/, '');
  return `go.${base.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase()}`;
}

/** Parses `go test -json` output (one JSON event per line; other lines, e.g. build errors, are kept as text). */
export function parseGoTestJson(text: string, suite = 'go'): { results: ScenarioResult[]; packageFailures: string[] } {
  const byTest = new Map<string, { status?: 'passed' | 'failed' | 'skipped'; elapsed: number; output: string[] }>();
  const packageOutput: string[] = [];
  const packageFailures: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let ev: GoEvent;
    try {
      ev = JSON.parse(line) as GoEvent;
    } catch {
      packageOutput.push(line);
      continue;
    }
    if (ev.Action === 'build-output' && ev.Output !== undefined) {
      packageOutput.push(ev.Output.replace(/\n$/, '')); // Go 1.24+: compiler output as events
      continue;
    }
    if (ev.Action === 'build-fail') {
      packageFailures.push(`build of ${ev.ImportPath ?? ev.Package ?? '?'} failed:\n${packageOutput.slice(-40).join('\n')}`);
      continue;
    }
    if (ev.Test === undefined) {
      if (ev.Action === 'output' && ev.Output !== undefined) packageOutput.push(ev.Output.replace(/\n$/, ''));
      if (ev.Action === 'fail') packageFailures.push(`package ${ev.Package ?? '?'} failed:\n${packageOutput.slice(-40).join('\n')}`);
      continue;
    }
    const top = ev.Test.split('/')[0]!;
    let t = byTest.get(top);
    if (t === undefined) {
      t = { elapsed: 0, output: [] };
      byTest.set(top, t);
    }
    if (ev.Action === 'output' && ev.Output !== undefined) t.output.push(ev.Output.replace(/\n$/, ''));
    if (ev.Test === top) {
      if (ev.Action === 'pass') t.status = 'passed';
      if (ev.Action === 'fail') t.status = 'failed';
      if (ev.Action === 'skip') t.status = 'skipped';
      if (ev.Elapsed !== undefined) t.elapsed = ev.Elapsed;
    }
  }
  const results: ScenarioResult[] = [];
  for (const [name, t] of byTest) {
    const durationMs = Math.round(t.elapsed * 1000);
    const text = t.output.filter((l) => !/^(=== RUN|=== PAUSE|=== CONT|--- (PASS|FAIL|SKIP))/.test(l.trim())).join('\n').trim();
    const id = goScenarioId(name);
    if (t.status === 'passed') results.push({ suite, id, status: 'passed', durationMs });
    else if (t.status === 'skipped') results.push({ suite, id, status: 'skipped', durationMs, reason: text || 'skipped' });
    else results.push({ suite, id, status: 'failed', durationMs, failure: text || (t.status === undefined ? 'no result (the test binary died or timed out)' : 'failed') });
  }
  return { results, packageFailures };
}

export async function runGoSuite(ctx: RunContext, opts: GoSuiteOptions): Promise<SuiteRun> {
  const suite = opts.suite ?? 'go';
  const dir = ctx.suiteDir(suite);
  const work = path.join(dir, 'work');
  fs.mkdirSync(work, { recursive: true });
  const timeoutMs = opts.timeoutMs ?? 15 * 60_000;
  const args = ['test', '-json', '-count=1', `-timeout=${Math.ceil(timeoutMs / 1000)}s`];
  if (opts.run !== undefined) args.push(`-run=${opts.run}`);
  args.push('.', '-args', '-namesrv', opts.target.namesrvAddr, '-workdir', work);
  if (opts.target.brokerAddr !== undefined) args.push('-brokeraddr', opts.target.brokerAddr);
  args.push(...(opts.extraArgs ?? []));

  const jsonFile = path.join(dir, 'go-test.json');
  const errFile = path.join(dir, 'go-test.stderr');
  const t0 = Date.now();
  ctx.logger.info({ suite, target: opts.target.name, dir }, 'running Go suite');
  const p = ManagedProcess.start({
    name: 'go test',
    command: opts.goBin ?? 'go',
    args,
    cwd: opts.dir ?? goSuitesDir(),
    env: { ...process.env, GOFLAGS: '-mod=mod' },
    logFile: jsonFile,
    errFile,
    pidFile: ctx.pidFile('go-test'),
    marker: ctx.dir,
  });
  let exitCode: number | null = null;
  let error: string | undefined;
  try {
    exitCode = (await p.waitExit(timeoutMs + 120_000)).code;
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const { results, packageFailures } = parseGoTestJson(fs.readFileSync(jsonFile, 'utf8').replace(/^# .*\n# cwd .*\n/, ''), suite);
  const stderr = fs.existsSync(errFile) ? fs.readFileSync(errFile, 'utf8').trim() : '';
  if (results.length === 0) {
    error = [error, `no test results; ${packageFailures.join('\n')}`, stderr].filter((x) => x !== undefined && x !== '').join('\n');
  } else if (exitCode !== 0 && !results.some((r) => r.status === 'failed')) {
    error = [error, `go test exited ${exitCode}`, ...packageFailures, stderr].filter((x) => x !== undefined && x !== '').join('\n');
  }
  const run: SuiteRun = { suite, target: opts.target.name, results, durationMs: Date.now() - t0, exitCode, logDir: dir };
  if (error !== undefined) run.error = error;
  fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(run, null, 2));
  ctx.logger.info({ suite, target: opts.target.name, ms: run.durationMs, results: results.length }, 'Go suite done');
  return run;
}
