import * as fs from 'node:fs';
import * as path from 'node:path';
import { firstLine, fmtMs, judge, type Cell, type Judgement, type Matrix, type Row, type Verdict } from './matrix';

/**
 * The matrix as a console table, Markdown (the README's section), JUnit XML (CI viewers) and JSON (everything,
 * including failure texts, log paths and the judgement).
 */
const STATUS: Record<Cell['status'], string> = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP', error: 'ERROR' };
const VERDICT_TEXT: Record<Verdict, string> = {
  ok: '',
  regression: 'REGRESSION',
  'suite-bug': 'SUITE BUG (fails on the reference)',
  differs: 'differs',
  unverified: 'unverified (reference did not run it)',
  fails: 'FAILS',
};

function label(m: Matrix, target: string): string {
  return target === m.reference ? `${target} (reference)` : target;
}

function cellText(c: Cell | undefined): string {
  if (c === undefined) return '-';
  const d = c.status === 'skipped' || c.durationMs === 0 ? '' : ` ${fmtMs(c.durationMs)}`;
  return `${STATUS[c.status]}${d}${c.status === 'skipped' && c.expectedSkip === true ? ' (expected)' : ''}`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** The console table: one row per scenario, a column per target, the verdict, then numbered notes. */
export function renderTable(m: Matrix, j: Judgement = judge(m, false)): string {
  const targets = m.targets.map((t) => t.name);
  const notes: string[] = [];
  const lines: string[][] = [['scenario', ...targets.map((t) => label(m, t)), 'verdict']];
  for (const r of m.rows) {
    const row = [`${r.suite}:${r.id}`];
    for (const t of targets) {
      const c = r.cells[t];
      let text = cellText(c);
      if (c !== undefined && c.status !== 'passed' && c.detail !== undefined && c.expectedSkip !== true) {
        notes.push(`[${notes.length + 1}] ${t} ${r.suite}:${r.id}: ${firstLine(c.detail, 300)}`);
        text += ` [${notes.length}]`;
      }
      row.push(text);
    }
    row.push(VERDICT_TEXT[r.verdict]);
    lines.push(row);
  }
  const widths = lines[0]!.map((_, i) => Math.min(70, Math.max(...lines.map((l) => l[i]!.length))));
  const out = lines.map((l) => l.map((c, i) => pad(c, widths[i]!)).join('  ').trimEnd());
  out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  out.push('', ...summaryLines(m, j), ...(notes.length > 0 ? ['', 'notes:', ...notes] : []));
  return out.join('\n');
}

function summaryLines(m: Matrix, j: Judgement): string[] {
  const out: string[] = [`runtime: ${m.runtime.kind} — ${m.runtime.description} (${m.runtime.reason})`];
  for (const t of m.targets) {
    const c = { passed: 0, failed: 0, skipped: 0, error: 0 };
    for (const r of m.rows) {
      const cell = r.cells[t.name];
      if (cell !== undefined) c[cell.status]++;
    }
    out.push(
      `${label(m, t.name)}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${c.error > 0 ? `, ${c.error} error` : ''}` +
        (t.ready ? ` — ready in ${fmtMs(t.startMs)}` : ` — NOT READY: ${firstLine(t.error)}`) +
        (t.died !== undefined ? ` — DIED: ${firstLine(t.died)}` : ''),
    );
  }
  const v = j.verdicts;
  if (m.reference !== undefined && m.subject !== undefined) {
    out.push(`${m.subject} vs ${m.reference}: ${v.ok} agree, ${v.regression} regression(s), ${v['suite-bug']} suite bug(s), ${v.differs} differ, ${v.unverified} unverified`);
  }
  for (const p of j.problems.slice(0, 40)) out.push(`  ${p}`);
  if (j.problems.length > 40) out.push(`  ... ${j.problems.length - 40} more (see the JSON report)`);
  return out;
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function mdCell(c: Cell | undefined): string {
  if (c === undefined) return '–';
  const d = c.durationMs > 0 && c.status !== 'skipped' ? ` ${fmtMs(c.durationMs)}` : '';
  switch (c.status) {
    case 'passed':
      return `pass${d}`;
    case 'skipped':
      return `skipped: ${mdEscape(firstLine(c.detail, 90))}`;
    case 'failed':
      return `**FAIL**${d}: ${mdEscape(firstLine(c.detail, 90))}`;
    case 'error':
      return `**ERROR**: ${mdEscape(firstLine(c.detail, 90))}`;
  }
}

/** Markdown: run facts, targets, per-suite counts, and every scenario (in a collapsible block). */
export function renderMarkdown(m: Matrix, j: Judgement = judge(m, false)): string {
  const targets = m.targets.map((t) => t.name);
  const out: string[] = [];
  out.push(
    `Run ${m.startedAt.replace(/\.\d+Z$/, 'Z')}, ${fmtMs(m.durationMs)}, runtime **${m.runtime.kind}** (${mdEscape(m.runtime.description)}; ${mdEscape(m.runtime.reason)}).`,
  );
  if (m.command !== undefined) out.push('', `Reproduce: \`${m.command}\``);
  out.push('', '| Target | What ran | Ready in | Scenarios |', '|---|---|---|---|');
  for (const t of m.targets) {
    const c = { passed: 0, failed: 0, skipped: 0, error: 0 };
    for (const r of m.rows) {
      const cell = r.cells[t.name];
      if (cell !== undefined) c[cell.status]++;
    }
    const counts = `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${c.error > 0 ? `, ${c.error} error` : ''}`;
    out.push(`| ${label(m, t.name)} | ${mdEscape(t.description)} | ${t.ready ? fmtMs(t.startMs) : `not ready: ${mdEscape(firstLine(t.error, 80))}`} | ${counts} |`);
  }
  out.push('', `| Suite | ${targets.map((t) => label(m, t)).join(' | ')} |`, `|---|${targets.map(() => '---|').join('')}`);
  for (const s of m.suites) {
    const rows = m.rows.filter((r) => r.suite === s.suite);
    const cols = targets.map((t) => {
      const c = { passed: 0, failed: 0, skipped: 0, error: 0 };
      let ms = 0;
      for (const r of rows) {
        const cell = r.cells[t];
        if (cell !== undefined) c[cell.status]++;
      }
      const so = m.targets.find((x) => x.name === t)?.suites.find((x) => x.suite === s.suite);
      ms = so?.durationMs ?? 0;
      const parts = [`${c.passed}/${rows.length} pass`];
      if (c.failed > 0) parts.push(`**${c.failed} fail**`);
      if (c.error > 0) parts.push(`**${c.error} error**`);
      if (c.skipped > 0) parts.push(`${c.skipped} skipped`);
      return `${parts.join(', ')}${ms > 0 ? ` (${fmtMs(ms)})` : ''}`;
    });
    out.push(`| ${s.suite} (\`${s.name}\`) | ${cols.join(' | ')} |`);
  }
  const v = j.verdicts;
  if (m.reference !== undefined && m.subject !== undefined) {
    out.push(
      '',
      `${m.subject} vs ${m.reference}: **${v.regression} regression(s)**, ${v['suite-bug']} suite bug(s) (fail on the reference), ${v.differs} differ, ${v.unverified} unverified, ${v.ok} agree.`,
    );
  }
  out.push('', '<details><summary>Every scenario</summary>', '', `| Scenario | ${targets.map((t) => label(m, t)).join(' | ')} | Verdict |`, `|---|${targets.map(() => '---|').join('')}---|`);
  for (const r of m.rows) out.push(`| \`${r.suite}:${r.id}\` | ${targets.map((t) => mdCell(r.cells[t])).join(' | ')} | ${VERDICT_TEXT[r.verdict]} |`);
  out.push('', '</details>');
  if (j.problems.length > 0) {
    out.push('', 'Problems:', '');
    for (const p of j.problems.slice(0, 50)) out.push(`- ${mdEscape(p)}`);
  }
  return `${out.join('\n')}\n`;
}

function xmlEscape(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** JUnit XML: a <testsuite> per target and suite, plus one of verdicts (regressions are its failures). */
export function renderJunit(m: Matrix, j: Judgement = judge(m, false)): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  const secs = (ms: number): string => (ms / 1000).toFixed(3);
  for (const t of m.targets) {
    for (const s of m.suites) {
      const rows = m.rows.filter((r) => r.suite === s.suite && r.cells[t.name] !== undefined);
      const cases: string[] = [];
      const c = { failed: 0, error: 0, skipped: 0 };
      for (const r of rows) {
        const cell = r.cells[t.name]!;
        let body = '';
        if (cell.status === 'failed') body = `<failure message="${xmlEscape(firstLine(cell.detail, 500))}" type="failed">${xmlEscape(cell.detail ?? '')}</failure>`;
        else if (cell.status === 'error') body = `<error message="${xmlEscape(firstLine(cell.detail, 500))}" type="harness">${xmlEscape(cell.detail ?? '')}</error>`;
        else if (cell.status === 'skipped') body = `<skipped message="${xmlEscape(firstLine(cell.detail, 500))}"/>`;
        if (cell.status !== 'passed') c[cell.status]++;
        cases.push(`    <testcase classname="${xmlEscape(`${t.name}.${s.suite}`)}" name="${xmlEscape(r.id)}" time="${secs(cell.durationMs)}">${body}</testcase>`);
      }
      const so = t.suites.find((x) => x.suite === s.suite);
      tests += rows.length;
      failures += c.failed;
      errors += c.error;
      skipped += c.skipped;
      const props = [
        `      <property name="target" value="${xmlEscape(t.description)}"/>`,
        `      <property name="runtime" value="${xmlEscape(t.runtime)}"/>`,
        ...(so?.logDir !== undefined ? [`      <property name="logs" value="${xmlEscape(so.logDir)}"/>`] : []),
        ...(so?.error !== undefined ? [`      <property name="harness-error" value="${xmlEscape(firstLine(so.error, 500))}"/>`] : []),
      ];
      suites.push(
        `  <testsuite name="${xmlEscape(`${t.name}/${s.suite}`)}" tests="${rows.length}" failures="${c.failed}" errors="${c.error}" skipped="${c.skipped}" time="${secs(so?.durationMs ?? 0)}" timestamp="${m.startedAt.replace(/\.\d+Z$/, '')}">\n    <properties>\n${props.join('\n')}\n    </properties>\n${cases.join('\n')}\n  </testsuite>`,
      );
    }
  }
  if (m.reference !== undefined && m.subject !== undefined) {
    const cases: string[] = [];
    let f = 0;
    for (const r of m.rows) {
      let body = '';
      if (r.verdict === 'regression' || r.verdict === 'suite-bug') {
        f++;
        const detail = Object.entries(r.cells).map(([t, c]) => `${t}: ${c.status}${c.detail !== undefined ? ` — ${c.detail}` : ''}`).join('\n');
        body = `<failure message="${xmlEscape(VERDICT_TEXT[r.verdict])}" type="${r.verdict}">${xmlEscape(detail)}</failure>`;
      }
      cases.push(`    <testcase classname="${xmlEscape(`verdict.${r.suite}`)}" name="${xmlEscape(r.id)}" time="0">${body}</testcase>`);
    }
    tests += cases.length;
    failures += f;
    suites.push(`  <testsuite name="${xmlEscape(`verdict: ${m.subject} vs ${m.reference}`)}" tests="${cases.length}" failures="${f}" errors="0" skipped="0" time="0">\n${cases.join('\n')}\n  </testsuite>`);
  }
  void j;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="apogee-compat" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${secs(m.durationMs)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** The last line of a run: the plain "N passed, N failed, N skipped" count of every cell (errors count as failed). */
export function closingLine(j: Judgement): string {
  return `compat: ${j.counts.passed} passed, ${j.counts.failed + j.counts.error} failed, ${j.counts.skipped} skipped`;
}

export interface WrittenReport {
  dir: string;
  json: string;
  junit: string;
  markdown: string;
  text: string;
  logs: string[];
}

/** Writes matrix.{json,xml,md,txt} into `dir` and copies the logs of targets with problems into dir/logs/<target>/. */
export function writeReport(m: Matrix, j: Judgement, dir: string, logBytesMax = 2 * 1024 * 1024): WrittenReport {
  fs.mkdirSync(dir, { recursive: true });
  const copied: string[] = [];
  for (const t of m.targets) {
    const troubled = !t.ready || t.died !== undefined || m.rows.some((r) => ['failed', 'error'].includes(r.cells[t.name]?.status ?? ''));
    if (!troubled) continue;
    for (const l of t.logs) {
      const dest = path.join(dir, 'logs', t.name.replace(/[^\w.-]+/g, '_'), l.name.replace(/\.\.+/g, '_'));
      try {
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        const size = fs.statSync(l.path).size;
        if (size <= logBytesMax) fs.copyFileSync(l.path, dest);
        else {
          const fd = fs.openSync(l.path, 'r');
          const buf = Buffer.alloc(logBytesMax);
          fs.readSync(fd, buf, 0, logBytesMax, size - logBytesMax);
          fs.closeSync(fd);
          fs.writeFileSync(dest, Buffer.concat([Buffer.from(`# last ${logBytesMax} bytes of ${l.path}\n`), buf]));
        }
        copied.push(dest);
      } catch {
        /* a log that vanished */
      }
    }
  }
  const files = { json: path.join(dir, 'matrix.json'), junit: path.join(dir, 'matrix.xml'), markdown: path.join(dir, 'matrix.md'), text: path.join(dir, 'matrix.txt') };
  fs.writeFileSync(files.json, JSON.stringify({ ...m, judgement: j, copiedLogs: copied }, null, 2));
  fs.writeFileSync(files.junit, renderJunit(m, j));
  fs.writeFileSync(files.markdown, renderMarkdown(m, j));
  fs.writeFileSync(files.text, `${renderTable(m, j)}\n`);
  return { dir, ...files, logs: copied };
}

export type { Row };
