/**
 * Fast tests of the matrix runner's fault handling, verdicts and reports, with fake targets and suites (no Java,
 * no Docker): a target that never becomes ready, a suite that hangs, a target that dies mid-run — each a clear
 * `error` cell with its reason and logs, bounded by its timeout, with every process it started killed.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '../../lib/common';
import { parseArgs, DEFAULT_TARGETS } from './compat';
import { judge, runMatrix, type Matrix, type MatrixOptions, type SuitePlan, type TargetPlan } from './matrix';
import { parseTarget, SUITE_NAMES, suitePlans, UsageError } from './plan';
import { FULL_RUN_ONLY, JAVA_FULL_RUN_ONLY } from './scenarios';
import { liveProcessCount, ManagedProcess, ProcessScope } from './process';
import type { SuiteRun } from './results';
import { closingLine, renderJunit, renderMarkdown, renderTable, writeReport } from './report';
import { RunContext } from './run';
import type { Target } from './target';
import { parseXml, childrenNamed } from './util/xml';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'compat-matrix-test-'));
}

function fakeTarget(name: string, extra: Partial<Target> = {}): Target {
  return { name, kind: 'apogee', description: `fake ${name}`, namesrvAddr: '127.0.0.1:1', clusterName: 'C', control: {}, logs: [], async stop() {}, ...extra };
}

function sleeper(ctx: RunContext, name: string): ManagedProcess {
  return ManagedProcess.start({ name, command: 'sleep', args: ['600'], cwd: ctx.dir, logFile: path.join(ctx.dir, `${name}.log`) });
}

const passAll =
  (suite: string, ids: readonly string[]) =>
  async (_ctx: RunContext, target: Target): Promise<SuiteRun> => ({
    suite,
    target: target.name,
    results: ids.map((id) => ({ suite, id, status: 'passed' as const, durationMs: 5 })),
    durationMs: 5,
    exitCode: 0,
    logDir: '/nowhere',
  });

function suite(name: string, ids: readonly string[], run: SuitePlan['run'], timeoutMs = 5_000): SuitePlan {
  return { name, suite: name, expected: ids, timeoutMs, run };
}

function plan(name: string, start: TargetPlan['start'], extra: Partial<TargetPlan> = {}): TargetPlan {
  return { name, start, ...extra };
}

const FAST = { startTimeoutMs: 1_500, stopTimeoutMs: 2_000, healthIntervalMs: 50, abortGraceMs: 300, heartbeatMs: 60_000 };

function options(targets: TargetPlan[], suites: SuitePlan[], extra: Partial<MatrixOptions> = {}): MatrixOptions {
  return { targets, suites, reference: 'ref', subject: 'sub', runtime: { kind: 'local', description: 'test', reason: 'test' }, ...FAST, ...extra };
}

describe('compat matrix: faults are bounded, explained and cleaned up', function () {
  this.timeout(30_000);
  let ctx: RunContext;
  let base: number;

  beforeEach(() => {
    ctx = RunContext.create({ rootDir: tmp(), logger: silentLogger() });
    base = liveProcessCount();
  });

  afterEach(() => assert.equal(liveProcessCount(), base, 'every process a test started is gone'));

  it('a target that never becomes ready: every scenario is an error naming why, with its logs; what it started is killed', async () => {
    const dir = path.join(ctx.dir, 'sub');
    const m = await runMatrix(
      ctx,
      options(
        [
          plan('ref', async () => fakeTarget('ref')),
          plan(
            'sub',
            async (c) => {
              fs.mkdirSync(dir, { recursive: true });
              fs.writeFileSync(path.join(dir, 'server.log'), 'starting...\nlistening nowhere\n');
              sleeper(c, 'half-started-server');
              return new Promise<Target>(() => undefined); // never ready
            },
            { dir: () => dir },
          ),
        ],
        [suite('s', ['a', 'b'], passAll('s', ['a', 'b']))],
      ),
    );
    const sub = m.targets.find((t) => t.name === 'sub')!;
    assert.equal(sub.ready, false);
    assert.match(sub.error!, /did not become ready .*not done within 1\.5 s/);
    assert.match(sub.error!, /stopped what it had started: half-started-server/);
    assert.deepEqual(sub.logs.map((l) => l.name), ['server.log']);
    for (const r of m.rows) {
      assert.equal(r.cells['ref']!.status, 'passed');
      assert.equal(r.cells['sub']!.status, 'error');
      assert.match(r.cells['sub']!.detail!, /did not become ready[\s\S]*logs: .*server\.log/);
      assert.equal(r.verdict, 'regression');
    }
    const j = judge(m, false);
    assert.equal(j.exitCode, 1);
    assert.ok(j.problems.some((p) => /regression: s:a passes on ref but is error on sub/.test(p)), j.problems.join('\n'));
    const out = writeReport(m, j, path.join(ctx.dir, 'report'));
    assert.equal(out.logs.length, 1, 'the failed target\'s log is copied into the report');
    assert.match(fs.readFileSync(out.logs[0]!, 'utf8'), /listening nowhere/);
  });

  it('a target whose start fails fast (its process exited) is reported with the error text', async () => {
    const m = await runMatrix(
      ctx,
      options([plan('sub', async () => Promise.reject(new Error('apogee exited before it was ready; apogee.log:\nEADDRINUSE')))], [suite('s', ['a'], passAll('s', ['a']))], { reference: undefined }),
    );
    assert.match(m.rows[0]!.cells['sub']!.detail!, /EADDRINUSE/);
    assert.equal(m.rows[0]!.verdict, 'fails');
    assert.equal(judge(m, false).exitCode, 1);
  });

  it('a suite that hangs is given up at its bound: its processes are killed, it can start no more, the next suite runs', async () => {
    let lateSpawn: unknown;
    const hung = suite(
      'hang',
      ['h1', 'h2'],
      async (c) => {
        sleeper(c, 'hung-client');
        await new Promise((r) => setTimeout(r, 1_000));
        try {
          sleeper(c, 'too-late');
        } catch (e) {
          lateSpawn = e;
        }
        return new Promise<SuiteRun>(() => undefined);
      },
      400,
    );
    const t0 = Date.now();
    const m = await runMatrix(ctx, options([plan('sub', async () => fakeTarget('sub'))], [hung, suite('next', ['n'], passAll('next', ['n']))], { reference: undefined }));
    assert.ok(Date.now() - t0 < 5_000, 'bounded');
    const so = m.targets[0]!.suites;
    assert.equal(so[0]!.end, 'timed-out');
    assert.match(so[0]!.error!, /did not finish within 400 ms[\s\S]*killed: hung-client/);
    assert.deepEqual(
      m.rows.map((r) => [r.id, r.cells['sub']!.status]),
      [
        ['h1', 'error'],
        ['h2', 'error'],
        ['n', 'passed'],
      ],
    );
    await new Promise((r) => setTimeout(r, 900));
    assert.match(String(lateSpawn), /too-late not started: suite hang on sub is closed \(timed out\)/);
  });

  it('a hung suite keeps what it reported before it was given up', async () => {
    const partial = suite(
      'p',
      ['done', 'stuck'],
      async (c, target) => {
        const child = sleeper(c, 'stuck-client');
        await child.exited; // killed by the runner at the bound
        return { suite: 'p', target: target.name, results: [{ suite: 'p', id: 'done', status: 'passed', durationMs: 1 }], durationMs: 1, exitCode: null, logDir: '/x' };
      },
      300,
    );
    const m = await runMatrix(ctx, options([plan('sub', async () => fakeTarget('sub'))], [partial], { reference: undefined }));
    assert.equal(m.rows.find((r) => r.id === 'done')!.cells['sub']!.status, 'passed');
    assert.equal(m.rows.find((r) => r.id === 'stuck')!.cells['sub']!.status, 'error');
  });

  it('a target that dies mid-run: the running suite is given up with the reason, later suites are not run, the target is stopped', async () => {
    let stopped = false;
    let died: string | undefined;
    const target = fakeTarget('sub', {
      health: () => died,
      logs: [{ name: 'apogee.log', path: '/tmp/x/apogee.log' }],
      async stop() {
        stopped = true;
      },
    });
    const dying = suite('d', ['d1'], async (c) => {
      sleeper(c, 'client-of-dead-target');
      setTimeout(() => (died = 'apogee (4242) exited unexpectedly (killed by SIGKILL); apogee.log:\nout of memory'), 200);
      return new Promise<SuiteRun>(() => undefined);
    });
    const m = await runMatrix(ctx, options([plan('sub', async () => target)], [dying, suite('after', ['a1'], passAll('after', ['a1']))], { reference: undefined }));
    const t = m.targets[0]!;
    assert.ok(stopped);
    assert.match(t.died!, /exited unexpectedly \(killed by SIGKILL\)/);
    assert.equal(t.suites[0]!.end, 'target-died');
    assert.match(m.rows[0]!.cells['sub']!.detail!, /died during the suite: apogee \(4242\)[\s\S]*killed: client-of-dead-target[\s\S]*target logs: \/tmp\/x\/apogee\.log/);
    assert.equal(t.suites[1]!.end, 'not-run');
    assert.match(m.rows[1]!.cells['sub']!.detail!, /not run: target sub died earlier/);
  });

  it('a suite that throws is an error, not a crash of the run', async () => {
    const m = await runMatrix(ctx, options([plan('sub', async () => fakeTarget('sub'))], [suite('x', ['x1'], async () => Promise.reject(new Error('mvn not found')))], { reference: undefined }));
    assert.equal(m.targets[0]!.suites[0]!.end, 'crashed');
    assert.match(m.rows[0]!.cells['sub']!.detail!, /the suite threw: Error: mvn not found/);
  });

  it('a scope closed before a process starts refuses it', async () => {
    const scope = new ProcessScope('test scope');
    await scope.close('test');
    await assert.rejects(scope.run(async () => sleeper(ctx, 'refused')), /refused not started: test scope is closed \(test\)/);
  });
});

function matrixOf(rows: [string, Record<string, 'passed' | 'failed' | 'skipped' | 'error'>][], extra: Partial<Matrix> = {}): Matrix {
  return {
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1000,
    runtime: { kind: 'local', description: 'local processes', reason: 'test' },
    reference: 'apache-5',
    subject: 'apogee',
    targets: ['apache-5', 'apogee'].map((name) => ({ name, description: name, runtime: 'local', role: 'other' as const, prepared: [], ready: true, startMs: 1, suites: [], logs: [] })),
    suites: [{ name: 's', suite: 's' }],
    rows: rows.map(([id, cells]) => ({
      suite: 's',
      id,
      cells: Object.fromEntries(Object.entries(cells).map(([t, status]) => [t, { status, durationMs: 1, ...(status !== 'passed' ? { detail: `${status} because <reasons> & "more"` } : {}) }])),
      verdict: 'ok' as const,
    })),
    leftovers: [],
    ...extra,
  };
}

describe('compat matrix: verdicts, exit codes and reports', () => {
  async function verdicts(m: Matrix): Promise<Matrix> {
    // recompute verdicts through runMatrix's rule by replaying the cells as fake suites
    const ctx = RunContext.create({ rootDir: tmp(), logger: silentLogger() });
    const ids = m.rows.map((r) => r.id);
    const targets = m.targets.map((t) =>
      plan(t.name, async () => fakeTarget(t.name), t.name === 'apache-5' ? {} : {}),
    );
    const s: SuitePlan = {
      name: 's',
      suite: 's',
      expected: ids,
      timeoutMs: 5_000,
      run: async (_c, target) => ({
        suite: 's',
        target: target.name,
        results: m.rows.flatMap((r) => {
          const c = r.cells[target.name];
          if (c === undefined || c.status === 'error') return [];
          return [{ suite: 's', id: r.id, status: c.status, durationMs: 1, ...(c.status === 'failed' ? { failure: c.detail! } : c.status === 'skipped' ? { reason: c.detail! } : {}) }];
        }),
        durationMs: 1,
        exitCode: 0,
        logDir: '/x',
      }),
    };
    return runMatrix(ctx, options(targets, [s], { reference: 'apache-5', subject: 'apogee' }));
  }

  it('classifies each scenario: agree, regression, suite bug, differs, unverified', async () => {
    const m = await verdicts(
      matrixOf([
        ['same', { 'apache-5': 'passed', apogee: 'passed' }],
        ['regressed', { 'apache-5': 'passed', apogee: 'failed' }],
        ['crashed', { 'apache-5': 'passed', apogee: 'error' }],
        ['suitebug', { 'apache-5': 'failed', apogee: 'passed' }],
        ['skipped-on-apogee', { 'apache-5': 'passed', apogee: 'skipped' }],
        ['ref-missing', { 'apache-5': 'error', apogee: 'passed' }],
      ]),
    );
    assert.deepEqual(
      m.rows.map((r) => [r.id, r.verdict]),
      [
        ['same', 'ok'],
        ['regressed', 'regression'],
        ['crashed', 'regression'],
        ['suitebug', 'suite-bug'],
        ['skipped-on-apogee', 'differs'],
        ['ref-missing', 'unverified'],
      ],
    );
    const j = judge(m, false);
    assert.equal(j.exitCode, 1);
    assert.deepEqual(j.problems.slice(0, 2), ['regression: s:regressed passes on apache-5 but is failed on apogee', 'regression: s:crashed passes on apache-5 but is error on apogee']);
    assert.ok(j.problems.includes('suite bug: s:suitebug fails on the reference apache-5'));
  });

  it('exit 0 without regressions (a suite bug is flagged, not fatal); strict makes every problem fatal; exit 3 when the reference could not run', async () => {
    const bug = await verdicts(matrixOf([['a', { 'apache-5': 'failed', apogee: 'passed' }]]));
    assert.equal(judge(bug, false).exitCode, 0);
    assert.equal(judge(bug, true).exitCode, 1);
    const clean = await verdicts(matrixOf([['a', { 'apache-5': 'passed', apogee: 'passed' }]]));
    assert.equal(judge(clean, true).exitCode, 0);
    assert.equal(judge({ ...clean, leftovers: ['container x'] }, true).exitCode, 1);
    const unverified = await verdicts(matrixOf([['a', { 'apache-5': 'error', apogee: 'passed' }]]));
    assert.equal(judge(unverified, false).exitCode, 3);
  });

  it('an expected skip (a pairing Apache itself does not support) is not a problem in strict mode; another skip is', async () => {
    const ctx = RunContext.create({ rootDir: tmp(), logger: silentLogger() });
    const skipping = (reason: string): SuitePlan['run'] => async (_c, target) => ({
      suite: 's',
      target: target.name,
      results: [{ suite: 's', id: 'lite', status: 'skipped', durationMs: 0, reason }],
      durationMs: 1,
      exitCode: 0,
      logDir: '/x',
    });
    const allowed = { 's:lite': /LITE_PULL_MESSAGE \(361\)/ };
    const ok = await runMatrix(ctx, options([plan('apache-4', async () => fakeTarget('apache-4'), { allowedSkips: allowed })], [suite('s', ['lite'], skipping('broker answers REQUEST_CODE_NOT_SUPPORTED to LITE_PULL_MESSAGE (361)'))], { reference: undefined, subject: undefined }));
    assert.equal(ok.rows[0]!.cells['apache-4']!.expectedSkip, true);
    assert.equal(judge(ok, true).exitCode, 0);
    const bad = await runMatrix(ctx, options([plan('apache-4', async () => fakeTarget('apache-4'), { allowedSkips: allowed })], [suite('s', ['lite'], skipping('needs the harness'))], { reference: undefined, subject: undefined }));
    assert.equal(judge(bad, true).exitCode, 1);
    assert.match(judge(bad, true).problems[0]!, /unexpected skip: s:lite on apache-4 \(needs the harness\)/);
  });

  it('a full-run-only scenario skipped outside a full run is an expected skip on every target (the suite plan allows it); another reason is not', async () => {
    const ctx = RunContext.create({ rootDir: tmp(), logger: silentLogger() });
    const skipping = (reason: string): SuitePlan['run'] => async (_c, target) => ({
      suite: 's',
      target: target.name,
      results: [{ suite: 's', id: 'slow', status: 'skipped', durationMs: 0, reason }],
      durationMs: 1,
      exitCode: 0,
      logDir: '/x',
    });
    const targets = [plan('apogee', async () => fakeTarget('apogee')), plan('apache-5', async () => fakeTarget('apache-5'))];
    const withAllowance = (reason: string): SuitePlan => ({ ...suite('s', ['slow'], skipping(reason)), allowedSkips: { slow: FULL_RUN_ONLY } });
    const ok = await runMatrix(ctx, options(targets, [withAllowance('full run only (-Dcompat.full=true ...): keeps CI short')], { reference: 'apache-5', subject: 'apogee' }));
    assert.equal(ok.rows[0]!.cells['apogee']!.expectedSkip, true);
    assert.equal(ok.rows[0]!.cells['apache-5']!.expectedSkip, true);
    assert.equal(judge(ok, true).exitCode, 0);
    const bad = await runMatrix(ctx, options(targets, [withAllowance('needs the harness')], { reference: 'apache-5', subject: 'apogee' }));
    assert.equal(judge(bad, true).exitCode, 1);
  });

  it('renders the table, Markdown, JUnit XML and the closing count line', async () => {
    const m = await verdicts(
      matrixOf([
        ['same', { 'apache-5': 'passed', apogee: 'passed' }],
        ['regressed', { 'apache-5': 'passed', apogee: 'failed' }],
        ['skip', { 'apache-5': 'skipped', apogee: 'skipped' }],
      ]),
    );
    const j = judge(m, false);
    const table = renderTable(m, j);
    assert.match(table, /^s:regressed +PASS 1 ms +FAIL 1 ms \[1\] +REGRESSION$/m);
    assert.match(table, /^\[1\] apogee s:regressed: failed because <reasons> & "more"$/m);
    const md = renderMarkdown(m, j);
    assert.match(md, /^\| `s:regressed` \| pass 1 ms \| \*\*FAIL\*\* 1 ms: failed because <reasons> & "more" \| REGRESSION \|$/m);
    assert.match(md, /^\| s \(`s`\) \| 2\/3 pass, 1 skipped[^|]*\| 1\/3 pass, \*\*1 fail\*\*, 1 skipped[^|]*\|$/m);
    const xml = parseXml(renderJunit(m, j));
    assert.equal(xml.name, 'testsuites');
    assert.equal(xml.attrs['tests'], '9'); // 3 rows x 2 targets + 3 verdicts
    assert.equal(xml.attrs['failures'], '2'); // the apogee failure + its regression verdict
    const apogee = childrenNamed(xml, 'testsuite').find((s) => s.attrs['name'] === 'apogee/s')!;
    const failed = childrenNamed(apogee, 'testcase').find((c) => c.attrs['name'] === 'regressed')!;
    assert.equal(childrenNamed(failed, 'failure')[0]!.text, 'failed because <reasons> & "more"');
    assert.equal(closingLine(j), 'compat: 3 passed, 1 failed, 2 skipped');
    assert.match(closingLine(j), /^\w+: \d+ passed, \d+ failed, \d+ skipped$/);
  });
});

describe('compat runner: command line', () => {
  it('defaults to apogee vs apache-5, the CI slice (every suite but java-4.9), runtime auto; --full runs every suite', () => {
    const o = parseArgs([]);
    assert.deepEqual(o.targets, DEFAULT_TARGETS);
    assert.deepEqual(o.suites, [...SUITE_NAMES].filter((s) => s !== 'java-4.9' && s !== 'grpc-proxy'));
    assert.deepEqual(parseArgs(['--full']).suites, [...SUITE_NAMES]);
    assert.deepEqual(parseArgs(['--suites', 'all']).suites, [...SUITE_NAMES]);
    assert.equal(o.full, process.env['APOGEE_COMPAT_FULL'] === '1');
    assert.equal(parseArgs(['--full']).full, true);
    assert.equal(parseArgs(['--suites', 'all']).full, true);
    assert.equal(o.runtime, 'auto');
    assert.equal(o.strict, false);
  });

  it('full run only: outside a full run the Java suites allow the full-run-only skips and pass -Dcompat.full=false; a full run allows none', () => {
    for (const p of suitePlans(['java-5', 'java-4.9'])) {
      assert.deepEqual(Object.keys(p.allowedSkips ?? {}), [...JAVA_FULL_RUN_ONLY]);
      for (const id of JAVA_FULL_RUN_ONLY) assert.ok(p.expected.includes(id), `${p.suite} expects ${id}`);
    }
    for (const p of suitePlans(['java-5', 'java-4.9'], { full: true })) assert.equal(p.allowedSkips, undefined);
    assert.equal(suitePlans(['go'])[0]!.allowedSkips, undefined);
  });

  it('parses lists, runtime, out, strict; rejects unknown names and bad values', () => {
    const o = parseArgs(['--targets', 'apogee,apache-4,external:127.0.0.1:9876', '--suites=go,mqadmin', '--runtime', 'local', '--out', '/tmp/r', '--strict', '--benchmark-seconds', '20']);
    assert.deepEqual(o.targets, ['apogee', 'apache-4', 'external:127.0.0.1:9876']);
    assert.deepEqual(o.suites, ['go', 'mqadmin']);
    assert.equal(o.runtime, 'local');
    assert.equal(o.out, '/tmp/r');
    assert.equal(o.benchmarkSeconds, 20);
    assert.deepEqual(parseTarget('external:127.0.0.1:9876'), { name: 'external:127.0.0.1:9876', kind: 'external', addr: '127.0.0.1:9876' });
    assert.equal(parseTarget('apache-5.5.0').name, 'apache-5');
    assert.throws(() => parseArgs(['--targets', 'rocketmq']), UsageError);
    assert.throws(() => parseArgs(['--suites', 'java-6']), /unknown suite "java-6"/);
    assert.throws(() => parseArgs(['--runtime', 'podman']), /containers, local or auto/);
    assert.throws(() => parseArgs(['--targets', 'apogee,apogee']), /given twice/);
    assert.throws(() => parseArgs(['--out']), /needs a value/);
    assert.throws(() => parseArgs(['--frobnicate']), /unknown option/);
    assert.equal(parseArgs(['--targets', 'apogee,external:127.0.0.1:9876', '--reference', 'external:127.0.0.1:9876']).reference, 'external:127.0.0.1:9876');
    assert.throws(() => parseArgs(['--reference', 'apache-4']), /not among the targets/);
  });
});

describe('compat harness: interrupted (SIGINT) harness', function () {
  this.timeout(20_000);

  it('kills its children and runs its asynchronous cleanups (container removal) before it dies', async () => {
    const dir = tmp();
    const marker = path.join(dir, 'cleaned');
    const script = `
      const { ManagedProcess, onInterrupt } = require(${JSON.stringify(path.join(__dirname, 'process.js'))});
      const p = ManagedProcess.start({ name: 'child', command: 'sleep', args: ['600'], cwd: ${JSON.stringify(dir)}, logFile: ${JSON.stringify(path.join(dir, 'child.log'))} });
      onInterrupt({ async: () => new Promise((r) => setTimeout(() => { require('fs').writeFileSync(${JSON.stringify(marker)}, 'yes'); r(); }, 200)) });
      console.log(p.pid);
      setInterval(() => {}, 1000);
    `;
    const h = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = await new Promise<number>((resolve) => h.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    assert.ok(pid > 0);
    h.kill('SIGINT');
    const exit = await new Promise<NodeJS.Signals | null>((resolve) => h.once('exit', (_c, sig) => resolve(sig)));
    assert.equal(exit, 'SIGINT', 'it re-raises the signal after cleaning up');
    assert.equal(fs.readFileSync(marker, 'utf8'), 'yes');
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the child is gone');
  });
});
