/** Per-scenario results, shared by every suite runner (JUnit, go test, mqadmin, benchmark). */
export type ScenarioStatus = 'passed' | 'failed' | 'skipped';

export interface ScenarioResult {
  /** Suite that produced it: 'java-5.5.0', 'java-4.9.8', 'go', 'mqadmin', 'benchmark', ... */
  suite: string;
  /** Stable scenario id, e.g. 'producer.send-sync', 'go.send-sync', 'mqadmin.clusterList'. */
  id: string;
  status: ScenarioStatus;
  durationMs: number;
  /** Why it was skipped (skipped only). */
  reason?: string;
  /** Failure message and details (failed only). */
  failure?: string;
}

export interface SuiteRun {
  suite: string;
  target: string;
  results: ScenarioResult[];
  durationMs: number;
  /** Exit code of the suite process (mvn, go test, ...). */
  exitCode: number | null;
  /** Where the suite's own logs and reports are. */
  logDir: string;
  /** A harness-level failure (build error, timeout, unreadable reports). Results may then be incomplete. */
  error?: string;
}

/** One line per scenario, for logs and assertion messages. */
export function formatResults(results: readonly ScenarioResult[]): string {
  return results
    .map((r) => {
      const extra = r.status === 'failed' ? ` — ${firstLine(r.failure)}` : r.status === 'skipped' ? ` — ${r.reason ?? ''}` : '';
      return `${r.status.toUpperCase().padEnd(7)} ${r.suite}:${r.id} (${(r.durationMs / 1000).toFixed(1)} s)${extra}`;
    })
    .join('\n');
}

/** Failures (and, when asked, skips) with their full text: for assertion messages. */
export function describeProblems(run: SuiteRun, includeSkipped = false): string {
  const bad = run.results.filter((r) => r.status === 'failed' || (includeSkipped && r.status === 'skipped'));
  const parts = [`${run.suite} on ${run.target}: ${bad.length} problem(s); logs in ${run.logDir}`];
  if (run.error !== undefined) parts.push(`harness error: ${run.error}`);
  for (const r of bad) parts.push(`--- ${r.suite}:${r.id} ${r.status}\n${r.failure ?? r.reason ?? ''}`);
  return parts.join('\n');
}

function firstLine(s: string | undefined): string {
  if (s === undefined) return '';
  const line = s.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
