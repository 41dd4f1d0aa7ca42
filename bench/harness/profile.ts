import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per area of the code base, the
 * share of garbage collection, idle time and native/unattributed time, so that "where the time goes" reads in a
 * few lines.
 */
interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  file: string;
  /** Wall time covered by the profile, s. */
  seconds: number;
  /** Sampled time in which the process was busy (not "(idle)"), s. */
  busySeconds: number;
  /** Shares of busy time. */
  gcShare: number;
  programShare: number;
  /** Self time by area (lib/store, lib/remoting, protocol/..., node:net, ...), share of busy time, descending. */
  areas: { area: string; share: number; ms: number }[];
  /** Top functions by self time. */
  top: { fn: string; where: string; area: string; share: number; ms: number }[];
  /** Apogee's own functions (lib/, protocol/) by inclusive time (self + callees): the layers of the hot path. */
  inclusive: { fn: string; where: string; area: string; share: number }[];
}

/** The area of the code a script URL belongs to. */
export function areaOf(url: string, repoRoot: string): string {
  if (url === '') return '(native / V8)';
  let u = url.startsWith('file://') ? url.slice(7) : url;
  if (u.startsWith('node:')) {
    const m = /^node:(?:internal\/)?([a-z_]+)/.exec(u);
    return `node:${m?.[1] ?? 'internal'}`;
  }
  if (u.includes('/node_modules/')) {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
    return `npm:${m?.[1] ?? '?'}`;
  }
  if (u.startsWith(repoRoot)) u = u.slice(repoRoot.length + 1);
  u = u.replace(/^dist\//, '');
  const parts = u.split('/');
  if (parts[0] === 'lib' || parts[0] === 'protocol') {
    if (parts[0] === 'lib' && parts[1] === 'broker' && parts[2] === 'processors') return `lib/broker/processors/${(parts[3] ?? '').replace(/\.js$/, '')}`;
    return `${parts[0]}/${parts[1]}`;
  }
  return parts.slice(0, 2).join('/');
}

export function summarizeProfile(file: string, repoRoot: string, topN = 15): ProfileSummary {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, CpuProfileNode>();
  for (const n of prof.nodes) byId.set(n.id, n);
  // Self time per node from samples/timeDeltas (more exact than hitCount x interval).
  const selfUs = new Map<number, number>();
  const samples = prof.samples ?? [];
  const deltas = prof.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const dt = deltas[i + 1] ?? 0; // the delta after a sample is the time it stands for
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + Math.max(0, dt));
  }
  let idle = 0;
  let gc = 0;
  let program = 0;
  let busy = 0;
  const byFn = new Map<string, { fn: string; where: string; area: string; us: number }>();
  const byArea = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const name = n.callFrame.functionName;
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    busy += us;
    if (name === '(garbage collector)') gc += us;
    if (name === '(program)') program += us;
    const area = name.startsWith('(') ? name : areaOf(n.callFrame.url, repoRoot);
    const rel = n.callFrame.url.replace(/^file:\/\//, '').replace(repoRoot + '/', '');
    const where = n.callFrame.url === '' ? '' : `${rel}:${n.callFrame.lineNumber + 1}`;
    const key = `${name}@${where}`;
    const e = byFn.get(key) ?? { fn: name === '' ? '(anonymous)' : name, where, area, us: 0 };
    e.us += us;
    byFn.set(key, e);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
  }
  const share = (us: number): number => (busy > 0 ? us / busy : 0);
  // Inclusive time: each sample counts once for every distinct own function on its stack.
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map<string, { fn: string; where: string; area: string; us: number }>();
  for (const [id, us] of selfUs) {
    if (byId.get(id)!.callFrame.functionName === '(idle)') continue;
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      const area = areaOf(n.callFrame.url, repoRoot);
      if (!area.startsWith('lib/') && !area.startsWith('protocol/')) continue;
      const rel = n.callFrame.url.replace(/^file:\/\//, '').replace(repoRoot + '/', '');
      const where = `${rel}:${n.callFrame.lineNumber + 1}`;
      const name = n.callFrame.functionName === '' ? '(anonymous)' : n.callFrame.functionName;
      const key = `${name}@${where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const e = incl.get(key) ?? { fn: name, where, area, us: 0 };
      e.us += us;
      incl.set(key, e);
    }
  }
  return {
    file: path.basename(file),
    seconds: (prof.endTime - prof.startTime) / 1e6,
    busySeconds: busy / 1e6,
    gcShare: share(gc),
    programShare: share(program),
    areas: [...byArea.entries()].map(([area, us]) => ({ area, share: share(us), ms: us / 1000 })).sort((a, b) => b.ms - a.ms),
    top: [...byFn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, topN)
      .map((e) => ({ fn: e.fn, where: e.where, area: e.area, share: share(e.us), ms: e.us / 1000 })),
    inclusive: [...incl.values()]
      .filter((e) => e.fn !== '(anonymous)')
      .sort((a, b) => b.us - a.us)
      .slice(0, topN)
      .map((e) => ({ fn: e.fn, where: e.where, area: e.area, share: share(e.us) })),
  };
  void idle;
}

/** The newest .cpuprofile in dir. */
export function newestProfile(dir: string): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return files[0];
}

export function profileMarkdown(title: string, s: ProfileSummary): string[] {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const out: string[] = [];
  out.push(`**${title}** — ${s.busySeconds.toFixed(1)} s busy of ${s.seconds.toFixed(1)} s profiled; garbage collector ${pct(s.gcShare)}, (program) ${pct(s.programShare)} of busy time (\`${s.file}\`)`);
  out.push('');
  out.push('| area | self time |');
  out.push('|---|---|');
  for (const a of s.areas.slice(0, 10)) out.push(`| ${a.area} | ${pct(a.share)} |`);
  out.push('');
  out.push('| function (self time) | where | share |');
  out.push('|---|---|---|');
  for (const t of s.top) out.push(`| \`${t.fn}\` | ${t.where === '' ? t.area : `\`${t.where}\``} | ${pct(t.share)} |`);
  if (s.inclusive.length > 0) {
    out.push('');
    out.push('| Apogee function (inclusive: self + callees) | where | share |');
    out.push('|---|---|---|');
    for (const t of s.inclusive) out.push(`| \`${t.fn}\` | \`${t.where}\` | ${pct(t.share)} |`);
  }
  return out;
}
