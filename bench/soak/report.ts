/**
 * The soak's result file shape and its Markdown table and SVG chart (RSS and event-loop delay over time, SIGKILLs
 * marked). Pure functions of the result; bench/soak/run.ts writes them.
 */

export interface SoakSample {
  /** Seconds since the load started. */
  tS: number;
  rssMiB: number;
  /** The server's event-loop delay over its last 60 s (GET_BROKER_RUNTIME_INFO), ms. */
  loopP99Ms: number;
  loopMaxMs: number;
  /** Acknowledged sends so far, send errors so far. */
  acked: number;
  errors: number;
  /** Worst route lookup by a new client in the interval, ms. */
  lookupMaxMs: number;
}

export interface SoakResult {
  name: string;
  minutes: number;
  rate: number;
  killEverySec: number;
  slowReaders: number;
  acknowledged: number;
  found: number;
  lost: number;
  sendErrors: number;
  churnClients: number;
  topicsCreated: number;
  topicErrors: number;
  lookupFailures: number;
  /** Seconds at which the server was SIGKILLed (the last one precedes the final check). */
  kills: number[];
  samples: SoakSample[];
  command: string;
  commit: string;
  date: string;
  machine: { cpus: number; loadavg: number[] };
}

const fin = (xs: number[]): number[] => xs.filter((x) => Number.isFinite(x));
const maxOf = (xs: number[]): number => fin(xs).reduce((a, b) => Math.max(a, b), 0);
const p = (xs: number[], q: number): number => {
  const v = fin(xs).sort((a, b) => a - b);
  return v.length === 0 ? NaN : v[Math.min(v.length - 1, Math.floor(q * v.length))]!;
};
const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '–');

export function soakMarkdown(r: SoakResult, base: string): string {
  const s = r.samples;
  const rss = s.map((x) => x.rssMiB);
  const o: string[] = [];
  o.push(`# Soak, ${r.minutes} min (${r.date.slice(0, 10)})`, '');
  o.push(`Command: \`${r.command}\` (commit ${r.commit || 'working tree'}; ${r.machine.cpus} cores, load average at the end ${r.machine.loadavg.map((x) => x.toFixed(1)).join(' ')}).`, '');
  o.push(`Load: lib/client sync sends of 512 B at ${r.rate} msg/s to 4 topics, a new client every second (route lookup + one send),`);
  o.push(`${r.slowReaders} slow readers (PULL_MESSAGE without reading), a topic created every 2 s and an older one deleted, SIGKILL every ${r.killEverySec} s`);
  o.push('and a restart on the same store; a final SIGKILL before the check. See bench/soak/run.ts.', '');
  o.push('| | |', '|---|---|');
  o.push(`| Acknowledged sends | ${r.acknowledged} |`);
  o.push(`| Found after the final SIGKILL + restart | ${r.found} (distinct sequences; includes unacknowledged sends that were stored) |`);
  o.push(`| **Acknowledged but lost** | **${r.lost}** |`);
  o.push(`| Send errors (refused or no answer, mostly while the server was down) | ${r.sendErrors} |`);
  o.push(`| SIGKILLs | ${r.kills.length} (at ${r.kills.join(', ')} s) |`);
  o.push(`| New clients (route lookup + send) | ${r.churnClients}; lookups failed while the server was up: ${r.lookupFailures} |`);
  o.push(`| Topics created / churn errors | ${r.topicsCreated} / ${r.topicErrors} |`);
  o.push(`| RSS min / median / max | ${f1(Math.min(...fin(rss)))} / ${f1(p(rss, 0.5))} / ${f1(maxOf(rss))} MiB |`);
  o.push(`| Event-loop delay p99 (60 s windows): median / max | ${f1(p(s.map((x) => x.loopP99Ms), 0.5))} / ${f1(maxOf(s.map((x) => x.loopP99Ms)))} ms |`);
  o.push(`| Event-loop delay max (60 s windows): median / max | ${f1(p(s.map((x) => x.loopMaxMs), 0.5))} / ${f1(maxOf(s.map((x) => x.loopMaxMs)))} ms |`);
  o.push(`| Worst route lookup by a new client (5 s intervals): median / max | ${f1(p(s.map((x) => x.lookupMaxMs), 0.5))} / ${f1(maxOf(s.map((x) => x.lookupMaxMs)))} ms |`);
  o.push('', `![RSS and event-loop delay over time](${base}.svg)`, '');
  o.push('The event-loop figures are the server\'s own (lib/common/loop-delay.ts) over its last 60 s, sampled every 5 s; after a');
  o.push('restart the window starts again, so the peaks right after a SIGKILL include start-up (store recovery).', '');
  return o.join('\n');
}

export function soakSvg(r: SoakResult): string {
  const w = 900;
  const panelH = 200;
  const left = 60;
  const right = 20;
  const top = 30;
  const gap = 50;
  const h = top + 2 * panelH + gap + 40;
  const s = r.samples;
  const tMax = Math.max(1, ...s.map((x) => x.tS));
  const x = (t: number): number => left + ((w - left - right) * t) / tMax;
  const o: string[] = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="Helvetica, Arial, sans-serif" font-size="11">`);
  o.push(`<rect width="${w}" height="${h}" fill="white"/>`);
  o.push(`<text x="${left}" y="18" font-size="13">Apogee soak, ${r.minutes} min: RSS and event-loop delay; dashed lines = SIGKILL (acknowledged ${r.acknowledged}, lost ${r.lost})</text>`);
  const panel = (y0: number, title: string, unit: string, series: { label: string; color: string; v: number[] }[]): void => {
    const yMax = Math.max(1, ...series.flatMap((se) => fin(se.v))) * 1.1;
    const y = (v: number): number => y0 + panelH - (panelH * v) / yMax;
    o.push(`<rect x="${left}" y="${y0}" width="${w - left - right}" height="${panelH}" fill="none" stroke="#999"/>`);
    for (let i = 0; i <= 4; i++) {
      const v = (yMax * i) / 4;
      o.push(`<text x="${left - 5}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(v < 10 ? 1 : 0)}</text>`);
    }
    o.push(`<text x="${left}" y="${y0 - 6}">${title} (${unit})</text>`);
    for (const k of r.kills) o.push(`<line x1="${x(k)}" y1="${y0}" x2="${x(k)}" y2="${y0 + panelH}" stroke="#c00" stroke-dasharray="4 3"/>`);
    series.forEach((se, i) => {
      const pts = s.map((smp, j) => (Number.isFinite(se.v[j]!) ? `${x(smp.tS).toFixed(1)},${y(se.v[j]!).toFixed(1)}` : '')).filter((q) => q !== '');
      o.push(`<polyline fill="none" stroke="${se.color}" stroke-width="1.5" points="${pts.join(' ')}"/>`);
      o.push(`<text x="${w - right - 150 + i * 0}" y="${y0 + 14 + 14 * i}" fill="${se.color}">${se.label}</text>`);
    });
  };
  panel(top + 10, 'RSS of the apogee process', 'MiB', [{ label: 'RSS', color: '#1f77b4', v: s.map((q) => q.rssMiB) }]);
  panel(top + panelH + gap, 'Event-loop delay over the last 60 s', 'ms', [
    { label: 'max', color: '#d62728', v: s.map((q) => q.loopMaxMs) },
    { label: 'p99', color: '#2ca02c', v: s.map((q) => q.loopP99Ms) },
  ]);
  const yAxis = top + 2 * panelH + gap + 16;
  for (let i = 0; i <= 6; i++) {
    const t = (tMax * i) / 6;
    o.push(`<text x="${x(t)}" y="${yAxis}" text-anchor="middle">${(t / 60).toFixed(0)} min</text>`);
  }
  o.push('</svg>');
  return `${o.join('\n')}\n`;
}
