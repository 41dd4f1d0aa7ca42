import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeProblems, formatResults, type SuiteRun } from './results';
import type { RunContext } from './run';

/**
 * Assertions the *.compat.ts mocha files make about suite runs against Apache RocketMQ: every expected scenario
 * reported, none failed, none skipped (against the reference, a skip is as suspicious as a failure) — except the
 * listed skips of client/broker pairings Apache itself does not support, with their expected reason.
 */
export function assertAllPassed(run: SuiteRun, expected: readonly string[], allowedSkips: Readonly<Record<string, RegExp>> = {}): void {
  const notes: string[] = [];
  const ids = run.results.map((r) => r.id);
  const missing = expected.filter((id) => !ids.includes(id));
  // A skip is accepted only where Apache itself does not support the pairing, and only with the expected reason.
  const problems = run.results.filter((r) => r.status !== 'passed' && !(r.status === 'skipped' && allowedSkips[r.id]?.test(r.reason ?? '') === true));
  const unusedAllowance = Object.keys(allowedSkips).filter((id) => run.results.find((r) => r.id === id)?.status !== 'skipped');
  if (unusedAllowance.length > 0) notes.push(`expected skips that did not happen (update the allowance): ${unusedAllowance.join(', ')}`);
  const lines = [formatResults(run.results), ...notes];
  if (run.error !== undefined) lines.push(`harness error: ${run.error}`);
  if (missing.length > 0) lines.push(`missing scenarios: ${missing.join(', ')}`);
  if (problems.length > 0 || missing.length > 0 || unusedAllowance.length > 0 || run.error !== undefined) {
    assert.fail(`${run.suite} on ${run.target}:\n${lines.join('\n')}\n\n${describeProblems(run, true)}`);
  }
}

/** Appends a suite run to <run dir>/report.json (the matrix input of the future runner) and prints its lines. */
export function record(ctx: RunContext, run: SuiteRun): void {
  const file = path.join(ctx.dir, 'report.json');
  const all: SuiteRun[] = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as SuiteRun[]) : [];
  all.push(run);
  fs.writeFileSync(file, JSON.stringify(all, null, 2));
  const indent = (t: string): string => t.replace(/^/gm, '        ');
  process.stdout.write(`${indent(`${run.suite} on ${run.target}: ${(run.durationMs / 1000).toFixed(0)} s, logs ${run.logDir}\n${formatResults(run.results)}`)}\n`);
}
