/**
 * The golden vectors in protocol/fixtures are what the official jars produce today: the oracle (compat-tests/
 * oracle, Maven + the official 5.5.0 and 4.9.7 jars) is rerun into a temporary directory and must reproduce every
 * fixture byte for byte. Java's compressed RegisterBrokerBody depends on the JDK's zlib build; a difference
 * confined to those files is reported as such.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './paths';

function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, base));
    else out.push(path.relative(base, p));
  }
  return out.sort();
}

describe('compat: golden vectors reproduce from the official jars', function () {
  this.timeout(10 * 60_000);

  it('compat-tests/oracle/run.sh rewrites protocol/fixtures byte for byte', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-oracle-'));
    try {
      const r = spawnSync('bash', [path.join(repoRoot(), 'compat-tests', 'oracle', 'run.sh'), out], { encoding: 'utf8', timeout: 9 * 60_000 });
      assert.equal(r.status, 0, `oracle failed:\n${r.stdout}\n${r.stderr}`);
      const fixtures = path.join(repoRoot(), 'protocol', 'fixtures');
      const want = listFiles(fixtures);
      const got = listFiles(out);
      assert.deepEqual(got, want, 'the same fixture files');
      const differ = want.filter((f) => !fs.readFileSync(path.join(fixtures, f)).equals(fs.readFileSync(path.join(out, f))));
      const zlibOnly = differ.every((f) => f.endsWith('.compressed.bin'));
      assert.deepEqual(differ, [], zlibOnly ? 'only JDK-zlib-dependent compressed bodies differ (different JDK build?)' : 'fixtures no longer match the official jars: run `npm run oracle` and review the diff');
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
