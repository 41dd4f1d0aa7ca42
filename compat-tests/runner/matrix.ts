import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProcessScope } from './process';
import type { SuiteRun } from './results';
import type { RunContext } from './run';
import type { LogRef, Target } from './target';

/**
 * The compatibility matrix: every suite against every target, one fresh set of processes (or containers) per
 * target, each step bounded, and the outcome scenario by scenario.
 *
 * Per target: prepare (images, jars; bounded) -> start inside a ProcessScope (bounded; on failure the scope is
 * closed, which kills or removes whatever the start left behind) -> each suite inside its own scope, raced against
 * its time bound and against the target's health (a process that died, a container killed from outside) -> stop.
 * A suite that overruns or whose target dies is given up: its scope is closed (its clients are killed and may
 * start nothing more), what it reported so far is kept, and every scenario it did not report is an `error` cell
 * saying why, with the target's log tails; once a target died, its remaining suites are `error` cells too.
 *
 * Verdicts compare the subject (Apogee) with the reference (Apache RocketMQ 5.x): a scenario that passes on the
 * reference and fails (or errs) on the subject is a regression; one that fails on the reference is a bug in the
 * suite (Apache is right by definition). See judge() for the exit code.
 */
export type CellStatus = 'passed' | 'failed' | 'skipped' | 'error';

export interface Cell {
  status: CellStatus;
  durationMs: number;
  /** skipped: the reason; failed: the failure; error: what went wrong around the scenario (target, bound, death). */
  detail?: string;
  /** A skip that is expected on this target (a pairing Apache itself does not support). */
  expectedSkip?: boolean;
}

export interface SuitePlan {
  /** The name users type: 'java-5', 'java-4.9', 'go', 'mqadmin', 'benchmark', 'target'. */
  name: string;
  /** The suite id in results: 'java-5.5.0', 'java-4.9.8', 'go', ... */
  suite: string;
  /** Scenario ids the suite must report. */
  expected: readonly string[];
  /** Bound of one run; the runner gives the suite a little less for its own bounds (innerTimeoutMs). */
  timeoutMs: number;
  run(ctx: RunContext, target: Target, innerTimeoutMs: number): Promise<SuiteRun>;
  /** Skips expected on every target: scenario id -> pattern of the reason (full-run-only scenarios outside a full run). */
  allowedSkips?: Readonly<Record<string, RegExp>>;
}

export interface TargetPlan {
  name: string;
  /** Makes what the target needs available (jars, images) before its start is timed; returns notes for the report. */
  prepare?(ctx: RunContext): Promise<string[]>;
  start(ctx: RunContext): Promise<Target>;
  /** Where its processes write (scanned for logs when it fails). */
  dir?(ctx: RunContext): string;
  /** Skips that are expected on this target: `suite:id` -> pattern of the reason. */
  allowedSkips?: Readonly<Record<string, RegExp>>;
}

export interface RuntimeInfo {
  kind: string;
  description: string;
  /** Why this runtime ran (chosen, or detected). */
  reason: string;
}

export interface MatrixOptions {
  targets: TargetPlan[];
  suites: SuitePlan[];
  /** Name of the reference target (Apache RocketMQ 5.x), when it is in the run. */
  reference?: string;
  /** Name of the target under test (Apogee), when it is in the run. */
  subject?: string;
  runtime: RuntimeInfo;
  command?: string;
  prepareTimeoutMs?: number;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** How often a running suite checks its target's health. */
  healthIntervalMs?: number;
  /** After giving a suite up, how long to wait for what it reported so far. */
  abortGraceMs?: number;
  /** A progress line every this often while a suite runs. */
  heartbeatMs?: number;
  progress?: (line: string) => void;
}

export type SuiteEnd = 'completed' | 'timed-out' | 'target-died' | 'crashed' | 'not-run';

export interface SuiteOutcome {
  name: string;
  suite: string;
  end: SuiteEnd;
  durationMs: number;
  /** Harness-level trouble (a timeout, a dead target, an exception, processes left running). */
  error?: string;
  logDir?: string;
  counts: Record<CellStatus, number>;
}

export interface TargetOutcome {
  name: string;
  description: string;
  runtime: string;
  role: 'reference' | 'subject' | 'other';
  prepared: string[];
  ready: boolean;
  startMs: number;
  namesrvAddr?: string;
  brokerAddr?: string;
  /** Why it could not be prepared or started. */
  error?: string;
  /** Why it died during the run. */
  died?: string;
  stopError?: string;
  suites: SuiteOutcome[];
  logs: LogRef[];
}

export type Verdict = 'ok' | 'regression' | 'suite-bug' | 'differs' | 'unverified' | 'fails';

export interface Row {
  suite: string;
  id: string;
  cells: Record<string, Cell>;
  verdict: Verdict;
}

export interface Matrix {
  startedAt: string;
  durationMs: number;
  command?: string;
  runtime: RuntimeInfo;
  reference?: string;
  subject?: string;
  targets: TargetOutcome[];
  suites: { name: string; suite: string }[];
  rows: Row[];
  /** Processes or containers still running after every target stopped (killed then). */
  leftovers: string[];
}

const DEFAULTS = {
  prepareTimeoutMs: 20 * 60_000,
  startTimeoutMs: 5 * 60_000,
  stopTimeoutMs: 2 * 60_000,
  healthIntervalMs: 1_000,
  abortGraceMs: 15_000,
  heartbeatMs: 60_000,
};

class Timeout extends Error {}

/** Resolves or rejects with `p`, or rejects with a Timeout after ms (p goes on; the caller cleans up). */
function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  p.catch(() => undefined);
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Timeout(`${what}: not done within ${fmtMs(ms)}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function fmtMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const zeroCounts = (): Record<CellStatus, number> => ({ passed: 0, failed: 0, skipped: 0, error: 0 });

export async function runMatrix(ctx: RunContext, opts: MatrixOptions): Promise<Matrix> {
  const o = { ...DEFAULTS, ...stripUndefined(opts) };
  const say = opts.progress ?? (() => undefined);
  const startedAt = new Date();
  const t0 = Date.now();
  // cells[target][suite:id]
  const cells = new Map<string, Map<string, Cell>>();
  const order = new Map<string, string[]>(); // suite -> ids in report order
  for (const s of opts.suites) order.set(s.suite, [...s.expected]);
  const note = (target: string, suite: string, id: string, cell: Cell): void => {
    let m = cells.get(target);
    if (m === undefined) cells.set(target, (m = new Map()));
    m.set(`${suite}:${id}`, cell);
    const ids = order.get(suite)!;
    if (!ids.includes(id)) ids.push(id);
  };
  const errorAll = (target: string, suite: SuitePlan, detail: string): void => {
    for (const id of suite.expected) note(target, suite.suite, id, { status: 'error', durationMs: 0, detail });
  };

  const outcomes: TargetOutcome[] = [];
  for (const plan of opts.targets) {
    const role = plan.name === opts.reference ? 'reference' : plan.name === opts.subject ? 'subject' : 'other';
    const out: TargetOutcome = { name: plan.name, description: plan.name, runtime: opts.runtime.kind, role, prepared: [], ready: false, startMs: 0, suites: [], logs: [] };
    outcomes.push(out);
    const dir = plan.dir?.(ctx);
    const giveUp = (why: string): void => {
      out.error = why;
      if (dir !== undefined) out.logs = collectLogs(dir);
      const detail = `${why}${out.logs.length > 0 ? `\nlogs: ${out.logs.map((l) => l.path).join(', ')}` : ''}`;
      for (const s of opts.suites) {
        errorAll(plan.name, s, detail);
        out.suites.push({ name: s.name, suite: s.suite, end: 'not-run', durationMs: 0, error: why.split('\n', 1)[0]!, counts: { ...zeroCounts(), error: s.expected.length } });
      }
    };

    if (plan.prepare !== undefined) {
      say(`[${plan.name}] preparing`);
      const p0 = Date.now();
      try {
        out.prepared = await bounded(plan.prepare(ctx), o.prepareTimeoutMs, `preparing ${plan.name}`);
        for (const n of out.prepared) say(`[${plan.name}]   ${n}`);
        say(`[${plan.name}] prepared in ${fmtMs(Date.now() - p0)}`);
      } catch (e) {
        say(`[${plan.name}] could not be prepared: ${errText(e).split('\n', 1)[0]}`);
        giveUp(`target ${plan.name} could not be prepared: ${errText(e)}`);
        continue;
      }
    }

    say(`[${plan.name}] starting (${opts.runtime.kind})`);
    const scope = new ProcessScope(`target ${plan.name}`);
    const s0 = Date.now();
    let target: Target;
    try {
      target = await bounded(
        scope.run(() => plan.start(ctx)),
        o.startTimeoutMs,
        `target ${plan.name} start`,
      );
    } catch (e) {
      const killed = await scope.close('its start failed');
      out.startMs = Date.now() - s0;
      const why = `target ${plan.name} did not become ready (${fmtMs(out.startMs)}): ${errText(e)}${killed.length > 0 ? `\n(stopped what it had started: ${killed.join(', ')})` : ''}`;
      say(`[${plan.name}] did not become ready: ${errText(e).split('\n', 1)[0]}`);
      giveUp(why);
      continue;
    }
    out.ready = true;
    out.startMs = Date.now() - s0;
    out.description = target.description;
    out.runtime = target.runtime ?? opts.runtime.kind;
    out.namesrvAddr = target.namesrvAddr;
    if (target.brokerAddr !== undefined) out.brokerAddr = target.brokerAddr;
    say(`[${plan.name}] ready in ${fmtMs(out.startMs)}: ${target.description}; NameServer ${target.namesrvAddr}${target.brokerAddr !== undefined ? `, broker ${target.brokerAddr}` : ''}`);

    for (const [i, suite] of opts.suites.entries()) {
      const tag = `[${plan.name}] ${suite.suite} (${i + 1}/${opts.suites.length})`;
      if (out.died !== undefined) {
        const why = `not run: target ${plan.name} died earlier: ${out.died.split('\n', 1)[0]}`;
        errorAll(plan.name, suite, why);
        out.suites.push({ name: suite.name, suite: suite.suite, end: 'not-run', durationMs: 0, error: why, counts: { ...zeroCounts(), error: suite.expected.length } });
        say(`${tag}: ${why}`);
        continue;
      }
      say(`${tag}: running (bound ${fmtMs(suite.timeoutMs)})`);
      const so = await runSuite(ctx, plan, suite, target, o, (line) => say(`${tag}: ${line}`), (id, cell) => note(plan.name, suite.suite, id, cell));
      out.suites.push(so);
      if (so.end === 'target-died') out.died = target.health?.() ?? so.error ?? 'died';
      const c = so.counts;
      say(`${tag}: ${so.end === 'completed' ? 'done' : so.end} in ${fmtMs(so.durationMs)}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${c.error > 0 ? `, ${c.error} error` : ''}${so.error !== undefined ? ` — ${so.error.split('\n', 1)[0]}` : ''}`);
    }

    say(`[${plan.name}] stopping`);
    try {
      await bounded(target.stop(), o.stopTimeoutMs, `stopping ${plan.name}`);
    } catch (e) {
      out.stopError = errText(e);
    }
    const left = await scope.close('its target stopped');
    if (left.length > 0) out.stopError = `${out.stopError ?? ''}${out.stopError !== undefined ? '; ' : ''}still running after stop (killed): ${left.join(', ')}`;
    out.logs = [...target.logs.filter((l) => fs.existsSync(l.path)), ...(dir !== undefined ? collectLogs(dir) : [])].filter((l, i, all) => all.findIndex((x) => x.path === l.path) === i);
  }

  const rows: Row[] = [];
  for (const s of opts.suites) {
    for (const id of order.get(s.suite)!) {
      const row: Row = { suite: s.suite, id, cells: {}, verdict: 'ok' };
      for (const t of opts.targets) {
        const c = cells.get(t.name)?.get(`${s.suite}:${id}`);
        if (c === undefined) continue;
        const allowed = t.allowedSkips?.[`${s.suite}:${id}`] ?? s.allowedSkips?.[id];
        if (c.status === 'skipped' && allowed !== undefined && allowed.test(c.detail ?? '')) c.expectedSkip = true;
        row.cells[t.name] = c;
      }
      row.verdict = verdictOf(row, opts.reference, opts.subject);
      rows.push(row);
    }
  }
  return {
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - t0,
    ...(opts.command !== undefined ? { command: opts.command } : {}),
    runtime: opts.runtime,
    ...(opts.reference !== undefined ? { reference: opts.reference } : {}),
    ...(opts.subject !== undefined ? { subject: opts.subject } : {}),
    targets: outcomes,
    suites: opts.suites.map((s) => ({ name: s.name, suite: s.suite })),
    rows,
    leftovers: [],
  };
}

async function runSuite(
  ctx: RunContext,
  plan: TargetPlan,
  suite: SuitePlan,
  target: Target,
  o: typeof DEFAULTS,
  say: (line: string) => void,
  note: (id: string, cell: Cell) => void,
): Promise<SuiteOutcome> {
  const scope = new ProcessScope(`suite ${suite.suite} on ${plan.name}`);
  const t0 = Date.now();
  const inner = Math.max(Math.floor(suite.timeoutMs * 0.85), suite.timeoutMs - 3 * 60_000);
  const p = scope.run(() => suite.run(ctx, target, inner));
  p.catch(() => undefined);
  const timers: NodeJS.Timeout[] = [];
  type End = { kind: 'done'; run: SuiteRun } | { kind: 'crash'; error: unknown } | { kind: 'timeout' } | { kind: 'died'; why: string };
  const end = await new Promise<End>((resolve) => {
    p.then(
      (run) => resolve({ kind: 'done', run }),
      (error: unknown) => resolve({ kind: 'crash', error }),
    );
    timers.push(setTimeout(() => resolve({ kind: 'timeout' }), suite.timeoutMs));
    timers.push(
      setInterval(() => {
        const why = target.health?.();
        if (why !== undefined) resolve({ kind: 'died', why });
      }, o.healthIntervalMs),
    );
    timers.push(setInterval(() => say(`still running (${fmtMs(Date.now() - t0)})`), o.heartbeatMs));
  });
  for (const t of timers) clearTimeout(t);

  let run: SuiteRun | undefined;
  let endKind: SuiteEnd = 'completed';
  let why: string | undefined;
  if (end.kind === 'done') {
    run = end.run;
    const died = target.health?.();
    if (died !== undefined) {
      endKind = 'target-died';
      why = `target ${plan.name} died during the suite: ${died}`;
    }
  } else if (end.kind === 'crash') {
    endKind = 'crashed';
    why = `the suite threw: ${end.error instanceof Error ? (end.error.stack ?? end.error.message) : String(end.error)}`;
  } else {
    endKind = end.kind === 'timeout' ? 'timed-out' : 'target-died';
    why = end.kind === 'timeout' ? `the suite did not finish within ${fmtMs(suite.timeoutMs)} (given up)` : `target ${plan.name} died during the suite: ${end.why}`;
    const killed = await scope.close(endKind === 'timed-out' ? 'timed out' : 'its target died');
    if (killed.length > 0) why += `\n(killed: ${killed.join(', ')})`;
    say(`${endKind === 'timed-out' ? 'timed out' : 'target died'}; waiting ${fmtMs(o.abortGraceMs)} for what it reported`);
    run = await Promise.race([p.then((r) => r, () => undefined), new Promise<undefined>((r) => setTimeout(() => r(undefined), o.abortGraceMs).unref())]);
  }
  // processes a finished suite left behind are killed too (and reported)
  const leftovers = await scope.close('the suite ended');
  if (leftovers.length > 0 && endKind === 'completed') why = `the suite left processes running (killed): ${leftovers.join(', ')}`;

  const counts = zeroCounts();
  const seen = new Set<string>();
  for (const r of run?.results ?? []) {
    const cell: Cell = { status: r.status, durationMs: r.durationMs };
    const detail = r.status === 'failed' ? r.failure : r.status === 'skipped' ? r.reason : undefined;
    if (detail !== undefined) cell.detail = detail;
    note(r.id, cell);
    seen.add(r.id);
    counts[r.status]++;
  }
  const missingWhy = why ?? run?.error ?? 'the suite did not report this scenario';
  const logHint = run?.logDir !== undefined ? `\nsuite logs: ${run.logDir}` : '';
  const targetLogs = endKind === 'target-died' || endKind === 'timed-out' ? `\ntarget logs: ${target.logs.map((l) => l.path).join(', ')}` : '';
  for (const id of suite.expected) {
    if (seen.has(id)) continue;
    note(id, { status: 'error', durationMs: 0, detail: `${missingWhy}${logHint}${targetLogs}` });
    counts.error++;
  }
  const so: SuiteOutcome = { name: suite.name, suite: suite.suite, end: endKind, durationMs: Date.now() - t0, counts };
  const err = why ?? run?.error;
  if (err !== undefined) so.error = err;
  if (run?.logDir !== undefined) so.logDir = run.logDir;
  return so;
}

function verdictOf(row: Row, reference: string | undefined, subject: string | undefined): Verdict {
  const ref = reference !== undefined ? row.cells[reference] : undefined;
  const sub = subject !== undefined ? row.cells[subject] : undefined;
  const bad = (c: Cell | undefined): boolean => c === undefined || c.status === 'failed' || c.status === 'error';
  if (reference !== undefined) {
    if (ref === undefined || ref.status === 'error') return 'unverified';
    if (ref.status === 'failed') return 'suite-bug';
    if (subject === undefined) return 'ok';
    if (ref.status === 'passed') return bad(sub) ? 'regression' : sub!.status === 'skipped' ? 'differs' : 'ok';
    return sub?.status === 'skipped' ? 'ok' : 'differs'; // skipped on the reference
  }
  if (subject !== undefined) return bad(sub) ? 'fails' : 'ok';
  return 'ok';
}

export interface Judgement {
  exitCode: number;
  /** One line per reason the run is not clean (regressions first). */
  problems: string[];
  counts: Record<CellStatus, number>;
  verdicts: Record<Verdict, number>;
}

/**
 * Exit codes:
 *   0  no regression (strict: and every cell passed or is an expected skip, nothing left running)
 *   1  a scenario passes on the reference but fails or errs on the subject (without a reference in the run: any
 *      failure on the subject); strict: any failure, error, unexpected skip, suite bug or leftover anywhere
 *   3  not strict, no regression, but the reference could not run some scenario, so they could not be compared
 */
export function judge(m: Matrix, strict: boolean): Judgement {
  const counts = zeroCounts();
  const verdicts: Record<Verdict, number> = { ok: 0, regression: 0, 'suite-bug': 0, differs: 0, unverified: 0, fails: 0 };
  const regressions: string[] = [];
  const others: string[] = [];
  for (const r of m.rows) {
    verdicts[r.verdict]++;
    const key = `${r.suite}:${r.id}`;
    if (r.verdict === 'regression') regressions.push(`regression: ${key} passes on ${m.reference} but is ${r.cells[m.subject!]?.status ?? 'missing'} on ${m.subject}`);
    if (r.verdict === 'fails') regressions.push(`failure: ${key} is ${r.cells[m.subject!]?.status ?? 'missing'} on ${m.subject}`);
    if (r.verdict === 'suite-bug') others.push(`suite bug: ${key} fails on the reference ${m.reference}`);
    if (r.verdict === 'unverified') others.push(`unverified: ${key} could not run on the reference ${m.reference}`);
    if (r.verdict === 'differs') others.push(`differs: ${key} is ${Object.entries(r.cells).map(([t, c]) => `${c.status} on ${t}`).join(', ')}`);
    for (const [t, c] of Object.entries(r.cells)) {
      counts[c.status]++;
      if (!strict) continue;
      if (c.status === 'failed' || c.status === 'error') {
        if (r.verdict !== 'regression' && r.verdict !== 'fails' && r.verdict !== 'suite-bug') others.push(`${c.status}: ${key} on ${t}`);
      } else if (c.status === 'skipped' && c.expectedSkip !== true) others.push(`unexpected skip: ${key} on ${t} (${firstLine(c.detail)})`);
    }
  }
  for (const t of m.targets) {
    if (t.error !== undefined) others.unshift(`target ${t.name}: ${firstLine(t.error)}`);
    if (t.died !== undefined) others.unshift(`target ${t.name} died: ${firstLine(t.died)}`);
    if (t.stopError !== undefined && strict) others.push(`target ${t.name}: ${firstLine(t.stopError)}`);
  }
  if (m.leftovers.length > 0) others.push(`left running after the run (killed): ${m.leftovers.join(', ')}`);
  const problems = [...regressions, ...others];
  let exitCode = 0;
  if (regressions.length > 0) exitCode = 1;
  else if (strict && problems.length > 0) exitCode = 1;
  else if (!strict && verdicts.unverified > 0) exitCode = 3;
  return { exitCode, problems, counts, verdicts };
}

export function firstLine(s: string | undefined, max = 160): string {
  const line = (s ?? '').split('\n', 1)[0] ?? '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** Log files under a target's directory (not its store): *.log, *.out. */
export function collectLogs(dir: string): LogRef[] {
  const out: LogRef[] = [];
  const visit = (d: string, depth: number): void => {
    if (depth > 5 || !fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!['store', 'data', 'consumequeue', 'commitlog', 'index'].includes(e.name)) visit(p, depth + 1);
      } else if (e.isFile() && /\.(log|out)$/.test(e.name)) out.push({ name: path.relative(dir, p), path: p });
    }
  };
  visit(dir, 0);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
