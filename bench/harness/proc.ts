import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';

/**
 * What each process costs, read from /proc (Linux): CPU seconds (utime + stime of the process; a JVM's threads
 * are all in its own stat), resident memory (VmRSS, its anonymous and file-backed parts, and the kernel's peak
 * VmHWM), and the whole machine's busy CPU from /proc/stat, so that CPU used by processes that are not ours
 * (other engineers' builds and tests on a shared box) can be reported next to every number.
 */

let clkTck = 0;
function ticksPerSecond(): number {
  if (clkTck === 0) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

/** CPU seconds used so far by `pid` (user + system, its threads included); NaN when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may hold spaces and parentheses: fields start after the last ')'
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / ticksPerSecond();
  } catch {
    return NaN;
  }
}

export interface MemInfo {
  /** Resident set now, MiB. */
  rssMiB: number;
  /** Peak resident set over the process's life (kernel's VmHWM), MiB. */
  hwmMiB: number;
  /** Anonymous resident memory (heap, stacks, malloc, direct buffers), MiB. */
  anonMiB: number;
  /** File-backed resident pages (code, and for Java the mmapped commit log and consume queues), MiB. */
  fileMiB: number;
}

export function memInfo(pid: number): MemInfo | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string): number => {
      const m = new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s);
      return m === null ? NaN : Number(m[1]) / 1024;
    };
    return { rssMiB: kb('VmRSS'), hwmMiB: kb('VmHWM'), anonMiB: kb('RssAnon'), fileMiB: kb('RssFile') + kb('RssShmem') };
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine (all cores) from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const t = ticksPerSecond();
  return { busy: (total - idle) / t, total: total / t };
}

export function loadAverage(): [number, number, number] {
  const l = os.loadavg();
  return [Number(l[0]!.toFixed(2)), Number(l[1]!.toFixed(2)), Number(l[2]!.toFixed(2))];
}

/**
 * Watches a set of processes during one measured window: CPU seconds used by each group of pids, the largest
 * RSS seen (sampled every `intervalMs`), and the machine CPU used by everything else ("foreign").
 */
export interface WindowUsage {
  seconds: number;
  /** CPU seconds per named group of pids (e.g. server, loadgen). */
  cpu: Record<string, number>;
  /** Largest VmRSS sum per group seen while sampling, MiB. */
  rssMaxMiB: Record<string, number>;
  /** Largest RssAnon sum per group seen while sampling, MiB. */
  anonMaxMiB: Record<string, number>;
  /** CPU busy on the machine during the window, in cores (busy seconds / wall seconds). */
  machineBusyCores: number;
  /** Busy CPU not accounted to any watched group nor to this harness process, in cores: other people's work. */
  foreignCores: number;
  loadAvgStart: [number, number, number];
}

export class UsageWindow {
  private readonly cpu0 = new Map<number, number>();
  private readonly cpuLast = new Map<number, number>();
  private readonly rssMax = new Map<string, number>();
  private readonly anonMax = new Map<string, number>();
  private readonly t0 = Date.now();
  private readonly machine0 = machineCpu();
  private readonly self0 = process.cpuUsage();
  private readonly load0 = loadAverage();
  private timer: NodeJS.Timeout | null = null;

  /** `groups`: named sets of pids, fixed for the window (a pid that exits keeps its last CPU reading). */
  constructor(
    private readonly groups: Record<string, number[]>,
    intervalMs = 500,
    /** The name this process's own CPU is reported under. */
    private readonly selfLabel = 'harness',
  ) {
    for (const pids of Object.values(groups)) {
      for (const pid of pids) {
        const c = cpuSeconds(pid);
        this.cpu0.set(pid, c);
        this.cpuLast.set(pid, c);
      }
    }
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    for (const [g, pids] of Object.entries(this.groups)) {
      const m: MemInfo[] = [];
      for (const pid of pids) {
        const c = cpuSeconds(pid);
        if (Number.isFinite(c)) this.cpuLast.set(pid, c);
        const mi = memInfo(pid);
        if (mi !== undefined) m.push(mi);
      }
      if (m.length === 0) continue;
      this.rssMax.set(g, Math.max(this.rssMax.get(g) ?? 0, sum(m.map((x) => x.rssMiB))));
      this.anonMax.set(g, Math.max(this.anonMax.get(g) ?? 0, sum(m.map((x) => x.anonMiB))));
    }
  }

  end(): WindowUsage {
    if (this.timer !== null) clearInterval(this.timer);
    this.sample();
    const seconds = (Date.now() - this.t0) / 1000;
    const cpu: Record<string, number> = {};
    for (const [g, pids] of Object.entries(this.groups)) {
      cpu[g] = sum(pids.map((pid) => (this.cpuLast.get(pid) ?? NaN) - (this.cpu0.get(pid) ?? NaN)));
    }
    const m1 = machineCpu();
    const self = process.cpuUsage(this.self0);
    const selfSec = (self.user + self.system) / 1e6;
    const busy = m1.busy - this.machine0.busy;
    const ours = sum(Object.values(cpu)) + selfSec;
    return {
      seconds,
      cpu: { ...cpu, [this.selfLabel]: selfSec },
      rssMaxMiB: Object.fromEntries(this.rssMax),
      anonMaxMiB: Object.fromEntries(this.anonMax),
      machineBusyCores: busy / seconds,
      foreignCores: Math.max(0, (busy - ours) / seconds),
      loadAvgStart: this.load0,
    };
  }
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) if (Number.isFinite(x)) s += x;
  return s;
}

/**
 * Node flags of the load generator (lib/client), the same whichever system it loads. Young-generation semi-spaces
 * of 4 MiB (Node's default is 16): with 16 callers and default flags its own scavenges held its event loop ~3.4 ms
 * each (1.3 MB surviving each one; the parallel scavenge tasks wait for a core the server holds), stalls of the size
 * of the p99 it measured, and more of them the faster the server answered. With 4 MiB, against the same broker:
 * its loop-delay p99 2.5-3.3 -> 1.5-1.9 ms and the send p99 3.6-4.0 -> 2.8-3.1 ms
 * (bench/results/2026-12-07-loadgen-gc.md). APOGEE_BENCH_LOADGEN_NODE_ARGS replaces them (an A/B of the instrument;
 * "" for Node's defaults).
 */
export const LOADGEN_NODE_ARGS: readonly string[] = (process.env.APOGEE_BENCH_LOADGEN_NODE_ARGS ?? '--max-semi-space-size=4').split(' ').filter((a) => a !== '');
