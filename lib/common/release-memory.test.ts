import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nativeMallocTrim, nativeTrimStatus, releaseMemoryAtRest, TRIM_DELAY_MS } from './release-memory';

/** Whether this machine can build dist/native/malloc-trim.node (then `npm run build` must have built it). */
function buildable(): string | undefined {
  if (process.platform !== 'linux') return `malloc_trim is glibc's; this is ${process.platform}`;
  // Where lib/dev/build-native.ts looks for them.
  if (!fs.existsSync(path.resolve(path.dirname(process.execPath), '..', 'include', 'node', 'node_api.h'))) return "Node's headers are not installed next to this node";
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'no C compiler (cc)';
  }
  return undefined;
}

// A child with glibc's brk heap fragmented on purpose: 60,000 malloc'd buffers of 1-4 KiB (under the mmap
// threshold), every 64th kept alive, the rest collected. What the child prints: the [heap] mapping's resident
// MiB after the GC and after malloc_trim.
const FRAGMENT = `
const { nativeMallocTrim, nativeMallocInfo, trimHeapSlack } = require(${JSON.stringify(path.join(__dirname, 'release-memory.js'))});
const fs = require('node:fs');
const heapMiB = () => { const t = fs.readFileSync('/proc/self/smaps', 'utf8'); const i = t.indexOf(' [heap]\\n'); return i < 0 ? 0 : Number(/\\nRss:\\s+(\\d+) kB/.exec(t.slice(i))[1]) / 1024; };
let all = []; const keep = [];
for (let i = 0; i < 60000; i++) { const b = Buffer.allocUnsafeSlow(1024 + (i % 7) * 512); b.fill(1); all.push(b); if (i % 64 === 63) keep.push(b); }
const filled = heapMiB();
all = null; global.gc(); global.gc();
`;
const CHILD = `${FRAGMENT}
setTimeout(() => {
  const afterGc = heapMiB();
  const info = nativeMallocInfo();
  const released = nativeMallocTrim()();
  console.log(JSON.stringify({ filled, afterGc, afterTrim: heapMiB(), released, kept: keep.length, freeMiB: info.freeBytes / 1048576, inUseMiB: info.inUseBytes / 1048576 }));
}, 500);
`;

// The same heap, then trimHeapSlack with a threshold above what is free (nothing happens) and one below it.
const SLACK_CHILD = `${FRAGMENT}
setTimeout(() => {
  const afterGc = heapMiB();
  const above = trimHeapSlack(nativeMallocInfo().freeBytes + 64 * 1048576);
  const untouched = heapMiB();
  const r = trimHeapSlack(1048576);
  console.log(JSON.stringify({ filled, afterGc, above: above === undefined ? null : above, untouched, report: r, afterTrim: heapMiB(), kept: keep.length }));
}, 500);
`;

/** Children run before one whose fill landed in the [heap] mapping is given up on (see runChild). */
const CHILD_ATTEMPTS = 3;

/**
 * Runs a child script with the bins' glibc setting and returns the JSON it printed last (skips without the module).
 * The fill lands in the [heap] mapping only while the program break can grow: when a mapping sits right above it
 * (the address-space layout differs in every process; V8 reserves its ranges at random addresses), glibc's main
 * arena goes on in anonymous mmap'd memory instead. Such a child tests nothing, so another one is run: what the
 * tests check is the trim, not where the process was laid out. Seen once in CI: a fill of 2 MiB resident in [heap].
 */
function runChild(ctx: Mocha.Context, script: string): { filled: number } {
  ctx.timeout(30_000 * CHILD_ATTEMPTS);
  if (nativeMallocTrim() === undefined) {
    console.log(`      skipped: the native module is not available (${buildable() ?? nativeTrimStatus().detail})`);
    ctx.skip();
  }
  let m: { filled: number } = { filled: 0 };
  for (let attempt = 1; attempt <= CHILD_ATTEMPTS; attempt++) {
    const r = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8', env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '131072' } });
    assert.equal(r.status, 0, r.stderr);
    m = JSON.parse(r.stdout.trim().split('\n').pop()!) as { filled: number };
    if (m.filled > 100) break;
    console.log(`      child ${attempt} of ${CHILD_ATTEMPTS}: its fill left ${m.filled} MiB resident in [heap] (the heap could not grow there)`);
  }
  assert.ok(m.filled > 100, `the fill made the heap resident (${m.filled} MiB) in none of ${CHILD_ATTEMPTS} children`);
  return m;
}

describe('release-memory: glibc malloc_trim at rest (rule: freed heap memory goes back to the OS)', () => {
  it('the native module is built wherever it can be (npm run build compiles lib/common/native/malloc-trim.c)', function () {
    const why = buildable();
    if (why !== undefined) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    const s = nativeTrimStatus();
    assert.equal(s.available, true, `dist/native/malloc-trim.node did not load: ${s.detail}`);
  });

  it('malloc_trim hands back the free pages glibc keeps below the top of a fragmented heap; a GC alone does not', function () {
    const m = runChild(this, CHILD) as { filled: number; afterGc: number; afterTrim: number; released: boolean; kept: number; freeMiB: number; inUseMiB: number };
    assert.ok(m.afterGc > m.filled * 0.5, `the GC alone leaves most of it resident (${m.afterGc} of ${m.filled} MiB): the fragmentation this is for`);
    assert.ok(m.freeMiB > m.afterGc * 0.5, `mallinfo2 counts most of the resident heap as free after the GC (${m.freeMiB} MiB free, ${m.inUseMiB} in use)`);
    assert.equal(m.released, true);
    assert.ok(m.afterTrim < m.afterGc / 4, `malloc_trim left ${m.afterTrim} of ${m.afterGc} MiB resident`);
  });

  it('trimHeapSlack trims only when glibc keeps at least the given free bytes, and reports what it gave back', function () {
    const m = runChild(this, SLACK_CHILD) as {
      filled: number; afterGc: number; above: unknown; untouched: number; afterTrim: number;
      report: { freeBytes: number; rssBeforeBytes: number; rssAfterBytes: number; trimMs: number } | null;
    };
    assert.equal(m.above, null, 'below its threshold it does nothing');
    assert.ok(m.untouched > m.afterGc * 0.9, `and the heap stays as it was (${m.untouched} of ${m.afterGc} MiB)`);
    assert.ok(m.report !== null, 'above its threshold it trims');
    assert.ok(m.report.freeBytes > 50 * 1048576, `it reports what was free (${m.report.freeBytes} bytes)`);
    assert.ok(m.report.rssAfterBytes < m.report.rssBeforeBytes - 50 * 1048576, `RSS ${m.report.rssBeforeBytes} -> ${m.report.rssAfterBytes}`);
    assert.ok(m.report.trimMs >= 0);
    assert.ok(m.afterTrim < m.afterGc / 4, `malloc_trim left ${m.afterTrim} of ${m.afterGc} MiB resident`);
  });

  it('releaseMemoryAtRest reports the RSS before the GC and after the trim, TRIM_DELAY_MS later', async function () {
    this.timeout(10_000);
    const t0 = Date.now();
    const r = await new Promise<{ rssBeforeBytes: number; rssAfterBytes: number; trimmed: boolean }>((resolve) => releaseMemoryAtRest(resolve));
    assert.ok(r.rssBeforeBytes > 0 && r.rssAfterBytes > 0);
    assert.equal(r.trimmed, nativeMallocTrim() !== undefined);
    if (r.trimmed) assert.ok(Date.now() - t0 >= TRIM_DELAY_MS - 5, 'the trim waits for V8 to free the collected backing stores');
  });
});
