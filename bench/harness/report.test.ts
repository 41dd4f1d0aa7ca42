import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../compat-tests/runner';
import { isProbe, markdown, ratioRows, svgChart, type BenchResults } from './report';

describe('bench report: probes are listed, not counted as goals', () => {
  /** A committed three-round full run: 3 systems, both flush modes, the async Producer row in every round. */
  let run: BenchResults;
  before(() => {
    run = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'bench', 'results', '2026-12-06-full-3rounds-6.json'), 'utf8')) as BenchResults;
  });
  const committedRun = (): BenchResults => run;

  it('only the official async Producer is a probe', () => {
    const r = committedRun();
    assert.deepEqual(
      r.workloads.filter(isProbe).map((w) => w.id),
      ['producer-async-1k'],
    );
  });

  it('ratioRows has a goal for every other throughput row in both flush modes and none for the probe', () => {
    const r = committedRun();
    const rows = ratioRows(r).filter((x) => x.versus === 'java-tuned');
    assert.equal(rows.filter((x) => x.label.startsWith('Producer async')).length, 0);
    for (const w of r.workloads.filter((x) => x.kind !== 'e2e' && !isProbe(x))) {
      for (const flush of w.flush) {
        const suffix = flush === 'ASYNC_FLUSH' ? 'async flush' : 'sync flush';
        assert.ok(
          rows.some((x) => x.group === 'throughput' && x.label === `${w.label} · ${suffix}`),
          `no goal row for ${w.id} in ${flush}`,
        );
      }
    }
    // The committed run's "30 of 33" counted the probe twice (once per flush mode): 31 rows remain.
    assert.equal(rows.length, 31);
  });

  it('the report lists every round of the probe with its rate, failed sends and both sides\' CPU', () => {
    const r = committedRun();
    const md = markdown(r);
    const at = md.indexOf('## Probes (reported, not counted as goals)');
    assert.ok(at > 0, 'no Probes section');
    const section = md.slice(at, md.indexOf('\n## ', at + 1));
    const rounds = section.split('\n').filter((l) => l.startsWith('| Producer async'));
    assert.equal(rounds.length, 3 * 2 * 3); // systems × flush modes × rounds
    // Apogee's first ASYNC_FLUSH round of that run: 1,326 msg/s, 1,499,004 failed sends, 1.53 s of server CPU in 15.0 s.
    const first = r.runs.find((x) => x.system === 'apogee' && x.flush === 'ASYNC_FLUSH' && x.round === 0)!.workloads.find((w) => w.id === 'producer-async-1k')!;
    const row = rounds.find((l) => l.includes('| ASYNC_FLUSH | Apogee') && l.includes('| 1 |'));
    assert.ok(row !== undefined, section);
    assert.ok(row.includes('| 1,326 |') && row.includes('| 1,499,004 |'), row);
    assert.ok(row.includes(`| ${(first.serverCpuSec / first.seconds).toFixed(2)} |`), row);
    // The throughput table still shows the row, marked as a probe; the goals table and the chart leave it out.
    assert.match(md, /\| Producer async \(-y true\), 1 KB \(probe, no goal; see Probes\) \|/);
    const goals = md.slice(md.indexOf('## Goals'), md.indexOf('## Throughput'));
    assert.doesNotMatch(goals, /Producer async/);
    assert.doesNotMatch(svgChart(r), /Producer async/);
  });
});
