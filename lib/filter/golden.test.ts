import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileSql92, FilterEvalError, type PropertyGetter } from './index';

/**
 * Golden vectors from Java's own evaluator (compat-tests/oracle/filter, rocketmq-filter 5.5.0; regenerate with
 * `npm run oracle:filter`): for every expression Apogee refuses exactly what Java refuses, and for every property set
 * gives Java's verdict (T true, F false, N null, E evaluation error).
 */
function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}

interface Fixture {
  propertySets: Record<string, string>[];
  cases: { sql: string; v?: string; error?: string }[];
}

const fixture = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'lib', 'filter', 'fixtures', 'sql92-java5.json'), 'utf8')) as Fixture;

/** A getter over the strings, or one that also answers `prop = 'literal'` on UTF-8 bytes (as the broker's does). */
function getterOf(props: Record<string, string>, bytes: boolean): PropertyGetter {
  const get: PropertyGetter = (n) => (Object.prototype.hasOwnProperty.call(props, n) ? props[n] : undefined);
  if (bytes) get.equalsUtf8 = (n, v) => (Object.prototype.hasOwnProperty.call(props, n) ? Buffer.from(props[n]!, 'utf8').equals(v) : undefined);
  return get;
}

function verdict(f: { evaluate(get: PropertyGetter): boolean | null }, props: Record<string, string>, bytes = false): string {
  try {
    const r = f.evaluate(getterOf(props, bytes));
    return r === null ? 'N' : r ? 'T' : 'F';
  } catch (e) {
    if (e instanceof FilterEvalError) return 'E';
    throw e;
  }
}

describe('filter: SQL92 golden vectors from rocketmq-filter 5.5.0', () => {
  it('has thousands of vectors, malformed ones included', () => {
    assert.ok(fixture.cases.length >= 3000);
    assert.ok(fixture.cases.filter((c) => c.error !== undefined).length >= 500);
    assert.ok(fixture.propertySets.length >= 10);
  });

  it('refuses exactly the expressions Java refuses', () => {
    const wrong: string[] = [];
    for (const c of fixture.cases) {
      const r = compileSql92(c.sql);
      if (r.ok !== (c.error === undefined)) wrong.push(`${JSON.stringify(c.sql)}: java ${c.error ?? 'accepts'}, apogee ${r.ok ? 'accepts' : r.error}`);
    }
    assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} mismatches`);
  });

  it('gives Java verdict for every accepted expression and property set', () => {
    const wrong: string[] = [];
    for (const c of fixture.cases) {
      if (c.v === undefined) continue;
      const r = compileSql92(c.sql);
      if (!r.ok) continue;
      const got = fixture.propertySets.map((p) => verdict(r.filter, p)).join('');
      if (got !== c.v) wrong.push(`${JSON.stringify(c.sql)}: java ${c.v}, apogee ${got}`);
    }
    assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} mismatches`);
  });

  it('gives Java verdict when the getter compares values as UTF-8 bytes (the broker\'s record getter)', () => {
    const wrong: string[] = [];
    for (const c of fixture.cases) {
      if (c.v === undefined) continue;
      const r = compileSql92(c.sql);
      if (!r.ok) continue;
      const got = fixture.propertySets.map((p) => verdict(r.filter, p, true)).join('');
      if (got !== c.v) wrong.push(`${JSON.stringify(c.sql)}: java ${c.v}, apogee ${got}`);
    }
    assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} mismatches`);
  });

  it('answers the refusal with Java message', () => {
    const wrong: string[] = [];
    let total = 0;
    for (const c of fixture.cases) {
      if (c.error === undefined) continue;
      total++;
      const r = compileSql92(c.sql);
      if (!r.ok && r.error !== c.error) wrong.push(`${JSON.stringify(c.sql)}:\n  java   ${JSON.stringify(c.error)}\n  apogee ${JSON.stringify(r.error)}`);
    }
    assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} of ${total} messages differ`);
  });
});
