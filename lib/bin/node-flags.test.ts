import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The server bins run node with the flags that bound their memory (issue 18, bench/results/2026-12-04-rss-mem.md):
 * glibc's fixed mmap threshold, --expose-gc (the tail cache's release GC), --max-semi-space-size=4 (V8 takes it
 * only on the command line: v8.setFlagsFromString at run time leaves the heap's limit as it was), and
 * --heap-growing-percent=50 (the old generation grows to at most 1.5x what a full GC kept: bursts leave less garbage,
 * bench/results/2026-12-06-heap-growing.md). npm start must run apogee the same way.
 */
const RUNLINE = '#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --expose-gc --max-semi-space-size=4 --heap-growing-percent=50';

describe('bin: node flags of the server programs', () => {
  for (const bin of ['apogee.js', 'mqbroker.js', 'mqnamesrv.js']) {
    it(`rule: ${bin} starts with the memory-bounding #! line`, () => {
      const first = fs.readFileSync(path.join(__dirname, bin), 'utf8').split('\n', 1)[0];
      assert.equal(first, RUNLINE);
    });
  }

  it('rule: npm start runs apogee with the same environment and flags as its #! line', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const flags = RUNLINE.slice('#!/usr/bin/env -S '.length);
    assert.ok(pkg.scripts['start']!.includes(`${flags} dist/lib/bin/apogee.js start`), pkg.scripts['start']);
  });
});
