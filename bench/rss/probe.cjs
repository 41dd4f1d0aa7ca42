// Memory probe, preloaded into the server under test (node -r bench/rss/probe.cjs dist/lib/bin/apogee.js start):
// every 250 ms it samples process.memoryUsage(), V8's heap spaces and /proc/self/smaps_rollup (anon vs file-backed
// resident; glibc's brk heap from /proc/self/smaps), keeps the sample with the largest RSS, and writes {peak, last} as JSON to $MEM_PROBE_OUT on every
// sample (so the file is current when the process is killed). Measurement only: not part of Apogee.
'use strict';
const fs = require('node:fs');
const v8 = require('node:v8');
// '%p' in MEM_PROBE_OUT becomes the pid (NODE_OPTIONS=-r probe.cjs reaches every node child of the bench harness).
const out = process.env.MEM_PROBE_OUT?.replace('%p', String(process.pid));
const MiB = 1024 * 1024;
function rollup() {
  const r = {};
  try {
    for (const line of fs.readFileSync('/proc/self/smaps_rollup', 'utf8').split('\n')) {
      const m = /^(\w+):\s+(\d+) kB/.exec(line);
      if (m) r[m[1]] = +(Number(m[2]) / 1024).toFixed(1);
    }
  } catch {}
  return { rss: r.Rss, anon: r.Anonymous, file: (r.Rss ?? 0) - (r.Anonymous ?? 0), brkHeap: brkHeap() };
}
/** Resident MiB of glibc's brk heap (the [heap] mapping): small malloc'd buffers, live or kept after free. */
function brkHeap() {
  try {
    const t = fs.readFileSync('/proc/self/smaps', 'utf8');
    const i = t.indexOf(' [heap]\n');
    if (i < 0) return 0;
    const m = /\nRss:\s+(\d+) kB/.exec(t.slice(i));
    return m ? +(Number(m[1]) / 1024).toFixed(1) : 0;
  } catch { return 0; }
}
// glibc's own account (mallinfo2: in use vs free-but-kept) when dist/native/malloc-trim.node is built.
let mallocInfo = () => undefined;
try { mallocInfo = require('../../dist/lib/common/release-memory.js').nativeMallocInfo; } catch {}
function sample() {
  const mu = process.memoryUsage();
  const mi = mallocInfo();
  const spaces = {};
  for (const s of v8.getHeapSpaceStatistics()) spaces[s.space_name] = { sizeMiB: +(s.space_size / MiB).toFixed(1), usedMiB: +(s.space_used_size / MiB).toFixed(1) };
  return {
    t: Date.now(),
    rssMiB: +(mu.rss / MiB).toFixed(1),
    heapTotalMiB: +(mu.heapTotal / MiB).toFixed(1),
    heapUsedMiB: +(mu.heapUsed / MiB).toFixed(1),
    externalMiB: +(mu.external / MiB).toFixed(1),
    arrayBuffersMiB: +(mu.arrayBuffers / MiB).toFixed(1),
    smaps: rollup(),
    malloc: mi && { arenaMiB: +(mi.arenaBytes / MiB).toFixed(1), inUseMiB: +(mi.inUseBytes / MiB).toFixed(1), freeMiB: +(mi.freeBytes / MiB).toFixed(1), mmappedMiB: +(mi.mmappedBytes / MiB).toFixed(1) },
    spaces,
  };
}
// MEM_PROBE_TRACE=1: every sample is also appended to $MEM_PROBE_OUT + 'l' (JSON lines: RSS over a whole bench run).
const trace = process.env.MEM_PROBE_TRACE === '1';
const fastMs = Number(process.env.MEM_PROBE_FAST_MS ?? 250);
const ticks = Math.max(1, Math.round(250 / fastMs));
let peak;
if (out) {
  let n = 0;
  const timer = setInterval(() => {
    // A cheap RSS read every MEM_PROBE_FAST_MS; the full sample every 250 ms, and at once when RSS passes the peak
    // (short spikes: VmHWM was 10-20 MiB above every 250 ms sample).
    if (++n % ticks !== 0 && (peak === undefined || process.memoryUsage.rss() / MiB <= peak.rssMiB)) return;
    const s = sample();
    if (peak === undefined || s.rssMiB > peak.rssMiB) peak = s;
    if (trace) try { fs.appendFileSync(out + 'l', JSON.stringify(s) + '\n'); } catch {}
    try { fs.writeFileSync(out, JSON.stringify({ peak, last: s }, null, 1)); } catch {}
  }, fastMs);
  timer.unref();
}
