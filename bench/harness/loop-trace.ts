/**
 * Event-loop gap tracer for benches (issue 14: attribute every server pause > 20 ms to a cause). Preloaded into the
 * server with `node --require dist/bench/harness/loop-trace.js` (bench/topics.ts `--loopTrace FILE`); it writes one
 * JSON line per event to the file named by APOGEE_LOOP_TRACE_FILE:
 *
 *   {"t":1234.5,"ev":"gap","wallMs":23.1,"cpuMs":21.7}   a turn of LOOP_TRACE_TICK_MS came LOOP_TRACE_GAP_MS late or
 *                                                         more; cpuMs = the main thread's CPU time in that gap (Linux
 *                                                         schedstat; CPU far below wallMs = the thread waited for a
 *                                                         core, not a block)
 *   {"t":1230.1,"ev":"gc","kind":"major","ms":19.8}       a V8 GC pause of LOOP_TRACE_GC_MS or more (performance 'gc')
 *
 * `t` is performance.now() at the event's start, ms, so a gap is matched to the GC pauses inside [t, t + wallMs]; the
 * first line ({"ev":"origin","t":..,"hrUs":..}) maps t onto a --cpu-prof profile's clock.
 * Bench-only: lib/ never loads it. Costs one 2 ms timer while it runs.
 */
import * as fs from 'node:fs';
import { constants, performance, PerformanceObserver } from 'node:perf_hooks';

const LOOP_TRACE_TICK_MS = 2;
const LOOP_TRACE_GAP_MS = 10;
const LOOP_TRACE_GC_MS = 2;
/** The main thread's scheduler statistics (Linux): its first field is the time it ran, ns. */
const schedstat = `/proc/self/task/${process.pid}/schedstat`;
const hasSchedstat = fs.existsSync(schedstat);

const file = process.env.APOGEE_LOOP_TRACE_FILE ?? '';
if (file !== '') {
  const fd = fs.openSync(file, 'a');
  const write = (o: Record<string, unknown>): void => {
    fs.writeSync(fd, `${JSON.stringify(o)}\n`);
  };
  const kinds: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration < LOOP_TRACE_GC_MS) continue;
      const kind = ((e as unknown as { detail?: { kind?: number } }).detail)?.kind ?? -1;
      write({ t: round(e.startTime), ev: 'gc', kind: kinds[kind] ?? String(kind), ms: round(e.duration) });
    }
  }).observe({ entryTypes: ['gc'] });
  // Clock origin: a .cpuprofile's timestamps are monotonic µs (as process.hrtime), so t -> hrUs + (t - t0) * 1000.
  write({ t: performance.now(), ev: 'origin', hrUs: Number(process.hrtime.bigint() / 1000n) });
  let last = performance.now();
  let lastCpu = mainThreadCpuMs();
  setInterval(() => {
    const now = performance.now();
    const cpu = mainThreadCpuMs();
    const wallMs = now - last;
    if (wallMs - LOOP_TRACE_TICK_MS >= LOOP_TRACE_GAP_MS) {
      write({ t: round(last), ev: 'gap', wallMs: round(wallMs), cpuMs: round(cpu - lastCpu) });
    }
    last = now;
    lastCpu = cpu;
  }, LOOP_TRACE_TICK_MS).unref();
}

/**
 * CPU time of the main (event-loop) thread, ms: /proc/self/task/<pid>/schedstat's first field (ns on a CPU), so
 * GC helper threads and the libuv pool do not count; elsewhere the whole process's (process.cpuUsage).
 */
function mainThreadCpuMs(): number {
  if (hasSchedstat) return Number(fs.readFileSync(schedstat, 'utf8').split(' ')[0]) / 1e6;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
