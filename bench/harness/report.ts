import { fmtInt, fmtNum, fmtRatio, median, ratio } from './stats';
import type { ProfileSummary } from './profile';
import { profileMarkdown } from './profile';
import type { FlushMode, StartTimes, SystemName } from './systems';
import type { WorkloadDef, WorkloadResult } from './workloads';
import type { MachineFacts, MachineLimits } from './machine';
import type { LatencySummary } from './stats';

/**
 * Turns the raw results of every round into medians, Apogee/Java ratios, goal checks, a Markdown report and an
 * SVG chart.
 */
export interface SystemRun {
  round: number;
  system: SystemName;
  flush: FlushMode;
  /** Position of this system in its round (alternation). */
  order: number;
  loadAvgBefore: [number, number, number];
  start: StartTimes;
  /** Server processes' peak RSS (VmHWM summed) and anonymous RSS at the end of the run. */
  memory: { hwmMiB: number; anonMiB: number; perProcess: { pid: number; hwmMiB: number; anonMiB: number; fileMiB: number }[] };
  workloads: WorkloadResult[];
  error?: string;
}

export interface NamesrvRun {
  round: number;
  system: SystemName;
  toFirstAnswerMs: number;
  route: { msgsPerSec: number; latency: LatencySummary; errors: number; usage: NsUsage; routeBodyBytes: number };
  register: { msgsPerSec: number; latency: LatencySummary; errors: number; usage: NsUsage; bodyBytes: number };
  error?: string;
}

interface NsUsage {
  seconds: number;
  cpu: Record<string, number>;
  foreignCores: number;
  rssMaxMiB: Record<string, number>;
}

export interface RecoveryRun {
  round: number;
  system: SystemName;
  filledMiB: number;
  commitLogMiB: number;
  fillSeconds: number;
  restart: StartTimes;
  storedBefore: number;
  storedAfter: number;
  error?: string;
}

export interface ProfileRun {
  kind: 'broker' | 'namesrv';
  workload: string;
  flush: FlushMode;
  msgsPerSec: number;
  summary: ProfileSummary;
}

export interface BenchResults {
  name: string;
  command: string;
  date: string;
  mode: 'quick' | 'full' | 'custom';
  options: Record<string, unknown>;
  machine: MachineFacts;
  limits: MachineLimits[];
  systems: Record<string, { label: string; description: string }>;
  workloads: WorkloadDef[];
  runs: SystemRun[];
  namesrv: NamesrvRun[];
  recovery: RecoveryRun[];
  profiles: ProfileRun[];
  /** Cores of CPU used by other processes above which a measurement is marked as taken under load. */
  foreignCoresMax: number;
  durationSec: number;
}

const SYSTEM_ORDER: SystemName[] = ['apogee', 'java-tuned', 'java-dist'];

/** A system's name as the report prints it. */
function systemLabel(r: BenchResults, s: SystemName): string {
  return r.systems[s]?.label ?? s;
}
const JAVA: SystemName[] = ['java-tuned', 'java-dist'];

export interface Cell {
  value: number;
  /** Any round of this cell measured while other processes used more than foreignCoresMax cores. */
  underLoad: boolean;
  rounds: number;
}

function cell(xs: { v: number; foreign: number }[], foreignMax: number): Cell {
  return { value: median(xs.map((x) => x.v)), underLoad: xs.some((x) => x.foreign > foreignMax), rounds: xs.length };
}

export function workloadCell(r: BenchResults, system: SystemName, flush: FlushMode, id: string, pick: (w: WorkloadResult) => number): Cell | undefined {
  const xs = r.runs
    .filter((x) => x.system === system && x.flush === flush)
    .flatMap((x) => x.workloads.filter((w) => w.id === id))
    .map((w) => ({ v: pick(w), foreign: w.foreignCores }));
  return xs.length === 0 ? undefined : cell(xs, r.foreignCoresMax);
}

function systemsIn(r: BenchResults): SystemName[] {
  return SYSTEM_ORDER.filter((s) => r.runs.some((x) => x.system === s) || r.namesrv.some((x) => x.system === s) || r.recovery.some((x) => x.system === s));
}

/** Rounds in a results file (broker runs, NameServer runs or recovery runs alone). */
function roundsIn(r: BenchResults): number {
  return Math.max(0, ...r.runs.map((x) => x.round), ...r.namesrv.map((x) => x.round), ...r.recovery.map((x) => x.round)) + 1;
}

function flushesIn(r: BenchResults): FlushMode[] {
  return (['ASYNC_FLUSH', 'SYNC_FLUSH'] as FlushMode[]).filter((f) => r.runs.some((x) => x.flush === f));
}

const mark = (c: Cell | undefined, f: (x: number) => string): string => (c === undefined ? '–' : `${f(c.value)}${c.underLoad ? ' †' : ''}`);

export interface GoalRow {
  goal: string;
  versus: SystemName;
  measured: string;
  met: boolean | undefined;
}

/** Ratio rows for the chart and the goals table. `better` > 1 means Apogee is better. */
export interface RatioRow {
  label: string;
  group: 'throughput' | 'latency' | 'resources';
  versus: SystemName;
  better: number;
  goal: number;
  text: string;
}

/**
 * Workloads reported as probes and not counted among the goals: the official Producer in async mode (`-y true`). In
 * that mode the Java client 5.5.0 encodes and writes every send, and waits for one of its 65,535 async permits, on the
 * same Netty event loop that reads the answers: NettyRemotingClient#invokeAsync adds each send as a listener of the
 * channel's future, Netty runs listeners on the channel's loop, and NettyRemotingAbstract#invokeAsyncImpl waits in
 * semaphoreAsync.tryAcquire for up to the send's 3 s timeout. With the 10,000 sends the tool keeps queued, that loop
 * stops reading: answers pile up unread in the client's socket, sends time out by the million, and the server under
 * test idles (bench/results/2026-12-06-async-probe-client-stall.md: jstack, ss and jstat of the tool, and the server's
 * and the tool's CPU in every round of two full runs). Which rounds escape the stall depends on the client's timing,
 * not on the server's speed, so a ratio of it ranks nothing. Its rounds are listed in full under "Probes", with both
 * sides' CPU; its memory still counts.
 */
export function isProbe(w: Pick<WorkloadDef, 'kind'>): boolean {
  return w.kind === 'async';
}

export function ratioRows(r: BenchResults): RatioRow[] {
  const rows: RatioRow[] = [];
  const systems = systemsIn(r);
  for (const flush of flushesIn(r)) {
    for (const w of r.workloads) {
      // e2e sends at a fixed rate: its throughput is the rate, not a capacity. A probe is no goal (isProbe).
      if (!w.flush.includes(flush) || w.kind === 'e2e' || isProbe(w)) continue;
      const a = workloadCell(r, 'apogee', flush, w.id, (x) => x.msgsPerSec);
      for (const j of JAVA.filter((s) => systems.includes(s))) {
        const b = workloadCell(r, j, flush, w.id, (x) => x.msgsPerSec);
        if (a === undefined || b === undefined) continue;
        rows.push({ label: `${w.label} · ${flush === 'ASYNC_FLUSH' ? 'async' : 'sync'} flush`, group: 'throughput', versus: j, better: ratio(a.value, b.value), goal: 1, text: `${fmtInt(a.value)} vs ${fmtInt(b.value)} msg/s` });
      }
    }
    for (const w of r.workloads.filter((x) => x.kind === 'loadgen' || x.kind === 'e2e')) {
      if (!w.flush.includes(flush)) continue;
      const a = workloadCell(r, 'apogee', flush, w.id, (x) => x.latency?.p99Ms ?? NaN);
      for (const j of JAVA.filter((s) => systems.includes(s))) {
        const b = workloadCell(r, j, flush, w.id, (x) => x.latency?.p99Ms ?? NaN);
        if (a === undefined || b === undefined) continue;
        rows.push({ label: `p99 ${w.label} · ${flush === 'ASYNC_FLUSH' ? 'async' : 'sync'} flush`, group: 'latency', versus: j, better: ratio(b.value, a.value), goal: 1, text: `${fmtNum(a.value)} vs ${fmtNum(b.value)} ms` });
      }
    }
  }
  const hwm = (s: SystemName): number => median(r.runs.filter((x) => x.system === s && x.error === undefined).map((x) => x.memory.hwmMiB));
  const startMs = (s: SystemName): number => median(r.runs.filter((x) => x.system === s && x.error === undefined).map((x) => x.start.toFirstSendMs));
  for (const j of JAVA.filter((s) => systems.includes(s))) {
    if (r.runs.length > 0) {
      rows.push({ label: 'peak RSS (server processes)', group: 'resources', versus: j, better: ratio(hwm(j), hwm('apogee')), goal: 10, text: `${fmtInt(hwm('apogee'))} vs ${fmtInt(hwm(j))} MiB` });
      rows.push({ label: 'start to first accepted send', group: 'resources', versus: j, better: ratio(startMs(j), startMs('apogee')), goal: 5, text: `${fmtInt(startMs('apogee'))} vs ${fmtInt(startMs(j))} ms` });
    }
    const rec = (s: SystemName): number => median(r.recovery.filter((x) => x.system === s && x.error === undefined).map((x) => x.restart.toFirstSendMs));
    // Issue 18: recovery after SIGKILL in at most half of Java's time.
    if (r.recovery.length > 0) rows.push({ label: 'SIGKILL restart to first send (commit log filled) ≤ 1/2 of Java', group: 'resources', versus: j, better: ratio(rec(j), rec('apogee')), goal: 2, text: `${fmtInt(rec('apogee'))} vs ${fmtInt(rec(j))} ms` });
    const ns = (s: SystemName): number => median(r.namesrv.filter((x) => x.system === s && x.error === undefined).map((x) => x.route.msgsPerSec));
    if (r.namesrv.length > 0) rows.push({ label: 'NameServer GET_ROUTEINFO_BY_TOPIC throughput', group: 'throughput', versus: j, better: ratio(ns('apogee'), ns(j)), goal: 2, text: `${fmtInt(ns('apogee'))} vs ${fmtInt(ns(j))} requests/s` });
  }
  return rows;
}

export function markdown(r: BenchResults): string {
  const L: string[] = [];
  const systems = systemsIn(r);
  const javas = JAVA.filter((s) => systems.includes(s));
  const label = (s: SystemName): string => systemLabel(r, s);
  const m = r.machine;
  L.push(`# Apogee vs Apache RocketMQ 5.5.0 — ${r.name}`);
  L.push('');
  L.push(`Command: \`${r.command}\``);
  L.push('');
  L.push(`${r.date} · ${r.mode} mode · ${roundsIn(r)} round(s), systems alternated (order reversed every round), medians shown · run took ${(r.durationSec / 60).toFixed(0)} min`);
  L.push('');
  L.push(`Machine: ${m.cpus} × ${m.cpuModel} (cgroup cpu.max ${m.cgroupCpuMax}), ${m.memoryGiB} GiB RAM, ${m.kernel}, ${m.disk.fs} on ${m.disk.device} (${m.disk.rotational}, ${m.disk.freeGiB} GiB free), node ${m.node}, ${m.java}. Load average at start ${m.loadAvg.join(' ')}.`);
  for (const l of r.limits) {
    L.push(`Machine limits measured in this run (load ${l.loadAvg.join(' ')}): loopback TCP ${fmtInt(l.loopbackMBps)} MB/s · dd sequential write ${fmtInt(l.ddWriteMBps)} MB/s (${l.ddMiB} MiB, fdatasync) · ${fmtInt(l.fsyncPerSec)} fsyncs/s (4 KiB append + fdatasync).`);
  }
  L.push('');
  for (const s of systems) L.push(`- **${label(s)}**: ${r.systems[s]?.description ?? ''}`);
  L.push('');
  L.push(`† = at least one round of this cell ran while processes that are not part of the benchmark used more than ${r.foreignCoresMax} core(s) (measured from /proc/stat); treat it as noisy.`);
  L.push('');

  // Goals.
  const rows = ratioRows(r);
  L.push('## Goals (reported, not asserted)');
  L.push('');
  L.push(`| goal | vs | Apogee vs Java | × better | met |`);
  L.push(`|---|---|---|---|---|`);
  const goalOf = (row: RatioRow): string =>
    row.group === 'throughput'
      ? row.label.startsWith('NameServer')
        ? 'route lookups ≥ 2× Java'
        : `throughput ≥ Java: ${row.label}`
      : row.group === 'latency'
        ? `${row.label} ≤ Java`
        : row.label === 'peak RSS (server processes)'
          ? 'peak RSS ≤ 1/10 of Java'
          : row.label === 'start to first accepted send'
            ? 'start to first send ≤ 1/5 of Java'
            : row.label;
  for (const row of rows) {
    L.push(`| ${goalOf(row)} | ${label(row.versus)} | ${row.text} | ${fmtRatio(row.better)} | ${Number.isFinite(row.better) ? (row.better >= row.goal ? 'yes' : '**no**') : '–'} |`);
  }
  L.push('');
  L.push('"× better": Apogee/Java for throughput, Java/Apogee for latency, memory and time (above 1 = Apogee better).');
  L.push('');

  // Throughput.
  for (const flush of flushesIn(r)) {
    L.push(`## Throughput, ${flush} (messages/s, median of rounds)`);
    L.push('');
    L.push(`| workload | ${systems.map(label).join(' | ')} | ${javas.map((j) => `Apogee / ${label(j)}`).join(' | ')} | server CPU s per 1M msgs (${systems.map(label).join(' / ')}) | server RSS peak in the window, MiB (${systems.map(label).join(' / ')}) |`);
    L.push(`|---|${systems.map(() => '---').join('|')}|${javas.map(() => '---').join('|')}|---|---|`);
    for (const w of r.workloads.filter((x) => x.flush.includes(flush))) {
      const cells = systems.map((s) => workloadCell(r, s, flush, w.id, (x) => x.msgsPerSec));
      if (cells.every((c) => c === undefined)) continue;
      const a = cells[0];
      const ratios = javas.map((j) => {
        const b = workloadCell(r, j, flush, w.id, (x) => x.msgsPerSec);
        return a === undefined || b === undefined ? '–' : fmtRatio(ratio(a.value, b.value));
      });
      const cpu = systems.map((s) => mark(workloadCell(r, s, flush, w.id, (x) => x.serverCpuSecPerMillion), fmtNum)).join(' / ');
      const rss = systems.map((s) => mark(workloadCell(r, s, flush, w.id, (x) => x.serverRssMaxMiB), fmtInt)).join(' / ');
      L.push(`| ${w.label}${isProbe(w) ? ' (probe, no goal; see Probes)' : ''} | ${cells.map((c) => mark(c, fmtInt)).join(' | ')} | ${ratios.join(' | ')} | ${cpu} | ${rss} |`);
    }
    L.push('');
    L.push('Server RSS peak in the window: the largest sum of the server processes\' VmRSS, sampled every 500 ms during the measured window (median of rounds).');
    L.push('');
    // Latency.
    const lat = r.workloads.filter((x) => x.flush.includes(flush) && (x.kind === 'loadgen' || x.kind === 'e2e'));
    if (lat.length > 0) {
      L.push(`### Latency, ${flush} (ms: p50 / p99 / p99.9, median of rounds)`);
      L.push('');
      L.push(`| workload | ${systems.map(label).join(' | ')} | p99 ${javas.map((j) => `${label(j)} / Apogee`).join(' | ')} | Apogee event-loop delay p99 / max |`);
      L.push(`|---|${systems.map(() => '---').join('|')}|${javas.map(() => '---').join('|')}|---|`);
      for (const w of lat) {
        const cols = systems.map((s) => {
          const p50 = workloadCell(r, s, flush, w.id, (x) => x.latency?.p50Ms ?? NaN);
          const p99 = workloadCell(r, s, flush, w.id, (x) => x.latency?.p99Ms ?? NaN);
          const p999 = workloadCell(r, s, flush, w.id, (x) => x.latency?.p999Ms ?? NaN);
          if (p50 === undefined) return '–';
          return `${fmtNum(p50.value)} / ${fmtNum(p99!.value)} / ${fmtNum(p999!.value)}${p50.underLoad ? ' †' : ''}`;
        });
        const a = workloadCell(r, 'apogee', flush, w.id, (x) => x.latency?.p99Ms ?? NaN);
        const ratios = javas.map((j) => {
          const b = workloadCell(r, j, flush, w.id, (x) => x.latency?.p99Ms ?? NaN);
          return a === undefined || b === undefined ? '–' : fmtRatio(ratio(b.value, a.value));
        });
        const ld99 = workloadCell(r, 'apogee', flush, w.id, (x) => x.serverLoopDelay?.p99Ms ?? NaN);
        const ldMax = workloadCell(r, 'apogee', flush, w.id, (x) => x.serverLoopDelay?.maxMs ?? NaN);
        const loop = ld99 === undefined || ldMax === undefined || !Number.isFinite(ld99.value) ? '–' : `${fmtNum(ld99.value)} / ${fmtNum(ldMax.value)}`;
        L.push(`| ${w.label} | ${cols.join(' | ')} | ${ratios.join(' | ')} | ${loop} |`);
      }
      L.push('');
      L.push('Event-loop delay: the broker\'s own measurement (GET_BROKER_RUNTIME_INFO eventLoopDelay*, ms, its last 60 s, read right after the window): how late its 10 ms sampling timer ran. Apogee builds before commit 2f78054 (2026-12-05 17:52 UTC) reported the tick interval, 10 ms more.');
      L.push('');
    }
    // Official tools' own reports.
    const tools = r.workloads.filter((x) => x.flush.includes(flush) && (x.kind === 'producer' || x.kind === 'async' || x.kind === 'batch'));
    const anyTool = r.runs.some((x) => x.flush === flush && x.workloads.some((w) => w.tool !== undefined && Number.isFinite(w.tool.avgRtMs)));
    if (tools.length > 0 && anyTool) {
      L.push(`<details><summary>The official tools' own last report line, ${flush} (average RT / max RT in ms, over their last 10 s)</summary>`);
      L.push('');
      L.push(`| workload | ${systems.map(label).join(' | ')} |`);
      L.push(`|---|${systems.map(() => '---').join('|')}|`);
      for (const w of tools) {
        const cols = systems.map((s) => {
          const avg = workloadCell(r, s, flush, w.id, (x) => x.tool?.avgRtMs ?? NaN);
          const max = workloadCell(r, s, flush, w.id, (x) => x.tool?.maxRtMs ?? NaN);
          return avg === undefined ? '–' : `${fmtNum(avg.value, 3)} / ${fmtNum(max!.value)}`;
        });
        L.push(`| ${w.label} | ${cols.join(' | ')} |`);
      }
      L.push('');
      L.push('</details>');
      L.push('');
    }
  }

  L.push(...probesMarkdown(r));

  // Resources.
  if (r.runs.length > 0) {
    L.push('## Memory and start-up (median of runs)');
    L.push('');
    L.push(`| | ${systems.filter((s) => r.runs.some((x) => x.system === s)).map(label).join(' | ')} |`);
    const ss = systems.filter((s) => r.runs.some((x) => x.system === s));
    L.push(`|---|${ss.map(() => '---').join('|')}|`);
    const runsOf = (s: SystemName, flush?: FlushMode) => r.runs.filter((x) => x.system === s && x.error === undefined && (flush === undefined || x.flush === flush));
    for (const flush of flushesIn(r)) {
      L.push(`| peak RSS of the server processes, MiB (VmHWM; ${flush}) | ${ss.map((s) => fmtInt(median(runsOf(s, flush).map((x) => x.memory.hwmMiB)))).join(' | ')} |`);
      const windowPeak = (s: SystemName): string => {
        const per = r.workloads.filter((w) => w.flush.includes(flush)).map((w) => ({ w, c: workloadCell(r, s, flush, w.id, (x) => x.serverRssMaxMiB) }));
        const top = per.filter((x) => x.c !== undefined && Number.isFinite(x.c.value)).sort((a, b) => b.c!.value - a.c!.value)[0];
        return top === undefined ? '–' : `${mark(top.c, fmtInt)} (${top.w.label})`;
      };
      L.push(`| largest RSS peak in one measured window, MiB (${flush}; the workload) | ${ss.map(windowPeak).join(' | ')} |`);
    }
    L.push(`| of which anonymous at the end (heap, buffers), MiB | ${ss.map((s) => fmtInt(median(runsOf(s).map((x) => x.memory.anonMiB)))).join(' | ')} |`);
    L.push(`| spawn → first accepted send through the NameServer, ms | ${ss.map((s) => fmtInt(median(runsOf(s).map((x) => x.start.toFirstSendMs)))).join(' | ')} |`);
    L.push(`| spawn → first accepted send straight to the broker, ms | ${ss.map((s) => fmtInt(median(runsOf(s).map((x) => x.start.brokerToFirstSendMs)))).join(' | ')} |`);
    if (r.recovery.length > 0) {
      const rec = (s: SystemName) => r.recovery.filter((x) => x.system === s && x.error === undefined);
      const mib = median(r.recovery.map((x) => x.commitLogMiB));
      L.push(`| SIGKILL with ${fmtInt(mib)} MiB in the commit log → restart → first accepted send, ms | ${ss.map((s) => fmtInt(median(rec(s).map((x) => x.restart.toFirstSendMs)))).join(' | ')} |`);
      L.push(`| acknowledged messages missing after that restart | ${ss.map((s) => fmtInt(median(rec(s).map((x) => Math.max(0, x.storedBefore - x.storedAfter))))).join(' | ')} |`);
    }
    L.push('');
  } else if (r.recovery.length > 0) {
    const ss = systems.filter((s) => r.recovery.some((x) => x.system === s));
    const rec = (s: SystemName) => r.recovery.filter((x) => x.system === s && x.error === undefined);
    L.push('## Recovery after SIGKILL (median of rounds; every round listed)');
    L.push('');
    L.push(`| | ${ss.map(label).join(' | ')} |`);
    L.push(`|---|${ss.map(() => '---').join('|')}|`);
    L.push(`| SIGKILL with ${fmtInt(median(r.recovery.map((x) => x.commitLogMiB)))} MiB in the commit log → restart → first accepted send, ms | ${ss.map((s) => fmtInt(median(rec(s).map((x) => x.restart.toFirstSendMs)))).join(' | ')} |`);
    L.push(`| each round, ms | ${ss.map((s) => rec(s).map((x) => fmtInt(x.restart.toFirstSendMs)).join(', ')).join(' | ')} |`);
    L.push(`| acknowledged messages missing after that restart | ${ss.map((s) => fmtInt(median(rec(s).map((x) => Math.max(0, x.storedBefore - x.storedAfter))))).join(' | ')} |`);
    L.push('');
  }

  // NameServer.
  if (r.namesrv.length > 0) {
    const ns = systems.filter((s) => r.namesrv.some((x) => x.system === s));
    const nsRuns = (s: SystemName) => r.namesrv.filter((x) => x.system === s && x.error === undefined);
    const nsCell = (s: SystemName, f: (x: NamesrvRun) => number, foreign: (x: NamesrvRun) => number): Cell => cell(nsRuns(s).map((x) => ({ v: f(x), foreign: foreign(x) })), r.foreignCoresMax);
    const any = r.namesrv[0]!;
    L.push(`## NameServer alone: 10 brokers × 100 topics (issue 3)`);
    L.push('');
    L.push(`Route bodies of ${fmtInt(any.route.routeBodyBytes)} bytes (10 queue datas, 10 broker datas); REGISTER_BROKER bodies of ${fmtInt(any.register.bodyBytes)} bytes (100 topics). JSON serialization, as the official clients use by default.`);
    L.push('');
    L.push(`| | ${ns.map(label).join(' | ')} | ${javas.filter((j) => ns.includes(j)).map((j) => `Apogee ÷ ${label(j)}`).join(' | ')} |`);
    L.push(`|---|${ns.map(() => '---').join('|')}|${javas.filter((j) => ns.includes(j)).map(() => '---').join('|')}|`);
    const row = (title: string, f: (x: NamesrvRun) => number, fg: (x: NamesrvRun) => number, fmt: (x: number) => string, higherBetter: boolean): void => {
      const cs = ns.map((s) => nsCell(s, f, fg));
      const a = cs[0]!;
      const ratios = javas.filter((j) => ns.includes(j)).map((j) => {
        const b = nsCell(j, f, fg);
        return fmtRatio(higherBetter ? ratio(a.value, b.value) : ratio(a.value, b.value));
      });
      L.push(`| ${title} | ${cs.map((c) => mark(c, fmt)).join(' | ')} | ${ratios.join(' | ')} |`);
    };
    const rf = (x: NamesrvRun) => x.route.usage.foreignCores;
    const gf = (x: NamesrvRun) => x.register.usage.foreignCores;
    row('GET_ROUTEINFO_BY_TOPIC, requests/s', (x) => x.route.msgsPerSec, rf, fmtInt, true);
    row('… p50 latency, ms', (x) => x.route.latency.p50Ms, rf, fmtNum, false);
    row('… p99 latency, ms', (x) => x.route.latency.p99Ms, rf, fmtNum, false);
    row('… p99.9 latency, ms', (x) => x.route.latency.p999Ms, rf, fmtNum, false);
    row('… NameServer CPU, cores', (x) => (x.route.usage.cpu['server'] ?? NaN) / x.route.usage.seconds, rf, fmtNum, false);
    row('… load generator CPU, cores', (x) => (x.route.usage.cpu['loadgen'] ?? NaN) / x.route.usage.seconds, rf, fmtNum, false);
    row('REGISTER_BROKER (10 brokers, one at a time each), requests/s', (x) => x.register.msgsPerSec, gf, fmtInt, true);
    row('… p50 latency, ms', (x) => x.register.latency.p50Ms, gf, fmtNum, false);
    row('… p99 latency, ms', (x) => x.register.latency.p99Ms, gf, fmtNum, false);
    row('… p99.9 latency, ms', (x) => x.register.latency.p999Ms, gf, fmtNum, false);
    row('NameServer peak RSS during route lookups, MiB', (x) => x.route.usage.rssMaxMiB['server'] ?? NaN, rf, fmtInt, false);
    row('spawn → first answer, ms', (x) => x.toFirstAnswerMs, () => 0, fmtInt, false);
    L.push('');
    L.push('"Apogee ÷ Java" is a plain quotient: above 1 is better for requests/s, below 1 is better for latency, CPU and memory. Load generator: one Node.js process (bench/loadgen.ts namesrv), 4 connections × 16 requests in flight for route lookups; CPU in cores = CPU seconds per second of the window. A load generator near 1 core is itself the limit, and the NameServer figure a lower bound.');
    L.push('');
  }

  // Profiles.
  if (r.profiles.length > 0) {
    L.push('## Where Apogee\'s time goes (node --cpu-prof, separate runs)');
    L.push('');
    for (const p of r.profiles) {
      const what = p.kind === 'namesrv' ? `${p.workload} (${fmtInt(p.msgsPerSec)} requests/s while profiled)` : `${p.workload}, ${p.flush} (${fmtInt(p.msgsPerSec)} msgs/s while profiled)`;
      L.push(...profileMarkdown(what, p.summary));
      L.push('');
    }
  }

  // Failures.
  const failed = [...r.runs.filter((x) => x.error !== undefined).map((x) => `run ${x.round} ${x.system} ${x.flush}: ${x.error}`), ...r.namesrv.filter((x) => x.error !== undefined).map((x) => `namesrv ${x.round} ${x.system}: ${x.error}`), ...r.recovery.filter((x) => x.error !== undefined).map((x) => `recovery ${x.round} ${x.system}: ${x.error}`)];
  const notes = r.runs.flatMap((x) => x.workloads.filter((w) => w.note !== undefined || w.errors > 0).map((w) => `${x.system} ${x.flush} round ${x.round} ${w.id}: ${w.note ?? ''}${w.errors > 0 ? ` ${w.errors} errors` : ''}`));
  if (failed.length + notes.length > 0) {
    L.push('## Failures and notes');
    L.push('');
    for (const f of [...failed, ...notes]) L.push(`- ${f}`);
    L.push('');
  }
  return L.join('\n');
}

/** Every round of every probe workload (isProbe): rate, failed sends, and the CPU of the server and of the tool. */
function probesMarkdown(r: BenchResults): string[] {
  const lines = r.workloads.filter(isProbe).flatMap((w) =>
    r.runs.flatMap((run) => {
      const x = run.workloads.find((y) => y.id === w.id);
      return x === undefined ? [] : [{ w, run, x }];
    }),
  );
  if (lines.length === 0) return [];
  const L: string[] = [];
  const cores = (sec: number, x: WorkloadResult): string => (Number.isFinite(sec) && x.seconds > 0 ? fmtNum(sec / x.seconds) : '–');
  L.push('## Probes (reported, not counted as goals)');
  L.push('');
  L.push(
    'The official Producer in async mode stalls inside the Java client: it writes every send, and waits for an async permit, on the Netty event loop that also reads the answers, and under the tool\'s 10,000 queued sends that loop stops reading. The server idles while the tool fails its own sends, so the row ranks nothing (bench/harness/report.ts#isProbe; bench/results/2026-12-06-async-probe-client-stall.md). Every round is listed; CPU in cores = CPU seconds per second of the window.',
  );
  L.push('');
  L.push('| workload | flush | system | round | msg/s | failed sends | server CPU, cores | tool CPU, cores |');
  L.push('|---|---|---|---|---|---|---|---|');
  const order = (s: SystemName): number => SYSTEM_ORDER.indexOf(s);
  lines.sort((a, b) => a.w.id.localeCompare(b.w.id) || a.run.flush.localeCompare(b.run.flush) || order(a.run.system) - order(b.run.system) || a.run.round - b.run.round);
  for (const { w, run, x } of lines) {
    L.push(`| ${w.label} | ${run.flush} | ${systemLabel(r, run.system)} | ${run.round + 1} | ${fmtInt(x.msgsPerSec)} | ${fmtInt(x.errors)} | ${cores(x.serverCpuSec, x)} | ${cores(x.clientCpuSec, x)} |`);
  }
  L.push('');
  return L;
}

/** A horizontal bar chart of the "× better" ratios (log scale), one bar per row and Java variant. */
export function svgChart(r: BenchResults): string {
  const rows = ratioRows(r);
  const versus = [...new Set(rows.map((x) => x.versus))];
  const labels = [...new Set(rows.map((x) => x.label))];
  const rowH = 14 * versus.length + 10;
  const left = 440;
  const width = 1100;
  const plotW = width - left - 110;
  const top = 56;
  const height = top + labels.length * rowH + 50;
  const min = 1 / 16;
  const max = 64;
  const x = (v: number): number => left + ((Math.log2(Math.min(max, Math.max(min, v))) - Math.log2(min)) / (Math.log2(max) - Math.log2(min))) * plotW;
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const colors: Record<string, string> = { 'java-tuned': '#2b6cb0', 'java-dist': '#805ad5' };
  const o: string[] = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`);
  o.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  o.push(`<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${esc(`Apogee vs Apache RocketMQ 5.5.0 — how many times better (log scale; right of 1× = Apogee better)`)}</text>`);
  o.push(`<text x="${width / 2}" y="34" text-anchor="middle" fill="#555">${esc(`${r.date.slice(0, 10)} · ${r.machine.cpus} cores, ${r.machine.memoryGiB} GiB · ${r.mode} mode · medians of ${roundsIn(r)} round(s) · dashed: goal`)}</text>`);
  for (const t of [1 / 16, 1 / 4, 1, 4, 16, 64]) {
    o.push(`<line x1="${x(t)}" y1="${top - 6}" x2="${x(t)}" y2="${height - 40}" stroke="${t === 1 ? '#000' : '#ddd'}" stroke-width="${t === 1 ? 1.5 : 1}"/>`);
    o.push(`<text x="${x(t)}" y="${height - 26}" text-anchor="middle" fill="#333">${t >= 1 ? `${t}×` : `1/${1 / t}×`}</text>`);
  }
  labels.forEach((lab, i) => {
    const y0 = top + i * rowH;
    if (i % 2 === 0) o.push(`<rect x="0" y="${y0 - 2}" width="${width}" height="${rowH}" fill="#f7f7f7"/>`);
    o.push(`<text x="${left - 8}" y="${y0 + rowH / 2 + 2}" text-anchor="end">${esc(lab)}</text>`);
    versus.forEach((v, k) => {
      const row = rows.find((z) => z.label === lab && z.versus === v);
      if (row === undefined || !Number.isFinite(row.better)) return;
      const y = y0 + 3 + k * 14;
      const x1 = x(1);
      const x2 = x(row.better);
      const ok = row.better >= row.goal;
      o.push(`<rect x="${Math.min(x1, x2)}" y="${y}" width="${Math.max(1, Math.abs(x2 - x1))}" height="11" fill="${colors[v] ?? '#444'}" opacity="${ok ? 0.9 : 0.45}"/>`);
      const gx = x(row.goal);
      if (row.goal !== 1) o.push(`<line x1="${gx}" y1="${y - 1}" x2="${gx}" y2="${y + 12}" stroke="#c53030" stroke-width="1.5" stroke-dasharray="2,2"/>`);
      o.push(`<text x="${Math.max(x1, x2, row.goal !== 1 ? gx : 0) + 5}" y="${y + 9}" fill="${ok ? '#22543d' : '#c53030'}">${esc(`${fmtRatio(row.better)}${ok ? '' : ` ✗ (goal ${row.goal}×)`}`)}</text>`);
    });
  });
  let lx = left;
  for (const v of versus) {
    o.push(`<rect x="${lx}" y="${height - 16}" width="12" height="10" fill="${colors[v] ?? '#444'}"/>`);
    o.push(`<text x="${lx + 16}" y="${height - 7}">${esc(`vs ${r.systems[v]?.label ?? v}`)}</text>`);
    lx += 150;
  }
  o.push(`<text x="${lx + 20}" y="${height - 7}" fill="#555">faded bar + ✗ = goal not met</text>`);
  o.push('</svg>');
  return o.join('\n');
}
