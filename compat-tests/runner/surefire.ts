import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ScenarioResult } from './results';
import { childrenNamed, firstChild, parseXml, type XmlElement } from './util/xml';

/**
 * Reads Maven surefire XML reports (TEST-*.xml) into per-scenario results. The suites name each test with its
 * scenario id through @DisplayName and surefire's phrased method names (see compat-tests/java/suites/pom.xml);
 * a test without a scenario-like display name is reported as Class#method.
 */
const SCENARIO_ID = /^[a-z0-9][a-z0-9.-]*$/;

export function parseSurefireXml(xml: string, suite: string): ScenarioResult[] {
  const root = parseXml(xml);
  const suites = root.name === 'testsuites' ? childrenNamed(root, 'testsuite') : [root];
  const out: ScenarioResult[] = [];
  for (const s of suites) {
    for (const tc of childrenNamed(s, 'testcase')) out.push(testcase(tc, suite));
  }
  return out;
}

function testcase(tc: XmlElement, suite: string): ScenarioResult {
  const name = (tc.attrs['name'] ?? '').trim();
  const cls = (tc.attrs['classname'] ?? '').trim();
  const id = SCENARIO_ID.test(name) ? name : `${cls.replace(/^.*\./, '')}#${name.replace(/\(\)$/, '')}`;
  const durationMs = Math.round(parseFloat((tc.attrs['time'] ?? '0').replace(/,/g, '')) * 1000) || 0;
  const problem = firstChild(tc, 'failure') ?? firstChild(tc, 'error');
  if (problem !== undefined) {
    const message = problem.attrs['message'] ?? '';
    const type = problem.attrs['type'] ?? '';
    const text = problem.text.trim();
    const out = firstChild(tc, 'system-out')?.text.trim() ?? '';
    return {
      suite,
      id,
      status: 'failed',
      durationMs,
      failure: [`${type}${message === '' ? '' : `: ${message}`}`, text, out === '' ? '' : `--- stdout\n${out.slice(-4000)}`].filter((x) => x !== '').join('\n'),
    };
  }
  const skipped = firstChild(tc, 'skipped');
  if (skipped !== undefined) {
    // surefire puts the reason in @message, or (aborted in a @BeforeEach) the exception text: keep its first line
    const raw = (skipped.attrs['message'] ?? skipped.text).trim().split('\n')[0] ?? '';
    const reason = raw.replace(/^org\.opentest4j\.TestAbortedException: /, '').replace(/^Assumption failed: /, '').trim();
    return { suite, id, status: 'skipped', durationMs, reason: reason === '' ? 'skipped' : reason };
  }
  return { suite, id, status: 'passed', durationMs };
}

/** All TEST-*.xml in a directory, in file-name order. */
export function readSurefireReports(dir: string, suite: string): ScenarioResult[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^TEST-.*\.xml$/.test(f))
    .sort()
    .flatMap((f) => parseSurefireXml(fs.readFileSync(path.join(dir, f), 'utf8'), suite));
}
