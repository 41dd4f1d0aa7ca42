/**
 * Apogee against Apache RocketMQ 5.5.0, side by side on this machine, in one run (issue 7; the NameServer part of
 * issue 3). See bench/README.md for what is measured and how to read the results.
 *
 *   npm run bench -- --quick      a few minutes: Apogee and Java (tuned), ASYNC_FLUSH, one round, four workloads
 *   npm run bench -- --full       ~1.5-2 h: Apogee, Java tuned and Java with the distribution's flags, ASYNC_FLUSH
 *                                 and SYNC_FLUSH, three rounds, every workload, CPU profiles of Apogee
 *
 * Options (after --quick/--full, which set the defaults):
 *   --rounds N  --warmup S  --seconds S      rounds; per-workload warm-up and measured seconds
 *   --systems apogee,java-tuned,java-dist    --flush ASYNC_FLUSH,SYNC_FLUSH
 *   --only TEXT[,TEXT]                       only workloads whose id contains one of the TEXTs
 *   --phases limits,namesrv,broker,recovery,profile
 *   --recoveryMiB N                          message bodies written before the SIGKILL (default 1024 full, 128 quick)
 *   --profile / --no-profile                 CPU-profile Apogee where it falls short (default: full yes, quick no)
 *   --profileRows ID,ID                      with --profile: profile these workloads (ASYNC_FLUSH) instead
 *   --apogeeConf KEY=VALUE,...               extra broker.conf keys for Apogee only (A/B of a setting)
 *   --apogeeNodeArgs "FLAG FLAG"             extra node flags for Apogee only, after the bin's #! flags (A/B of a flag)
 *   --serverWarmup S                         load on each freshly started server before its first workload (default
 *                                            full 10, quick 4; Java's JIT needs minutes to reach its full-run speed)
 *   --name NAME  --out DIR                   results: DIR/<date>-NAME.{json,md,svg} (default bench/results, NAME = mode)
 *   --readme / --no-readme                   rewrite the "latest results" block of bench/README.md (default: full yes)
 *   --workDir DIR                            run directories, stores, logs (default $TMPDIR/apogee-bench)
 *   --render FILE.json                       no run: rewrite FILE.md and FILE.svg (and with --readme the README block)
 *                                            from a results file
 *   --regBodies N                            REGISTER_BROKER: each fake broker cycles through N bodies that differ in their
 *                                            data version, so that every registration is decoded (default 1: same body)
 *   --soak --minutes N                       instead: the soak of issue 14 (bench/soak/run.ts: mixed load, slow readers,
 *                                            topic and client churn, SIGKILLs; every acknowledged message accounted for)
 *
 * Every process the run starts is killed at the end (and on Ctrl-C) by the compat harness's process registry.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunContext, repoRoot } from '../compat-tests/runner';
import { createLogger } from '../lib/common';
import { machineFacts, machineLimits, type MachineLimits } from './harness/machine';
import { benchClient, brokerTotals, createTopic, storedInTopic } from './harness/ops';
import { loadAverage } from './harness/proc';
import { runSoak } from './soak/run';
import { newestProfile, summarizeProfile } from './harness/profile';
import { markdown, ratioRows, svgChart, type BenchResults, type NamesrvRun, type RecoveryRun, type SystemRun } from './harness/report';
import { fmtInt, median } from './harness/stats';
import { startNamesrvOnly, startSystem, systemDefs, type FlushMode, type RunningSystem, type StartOptions } from './harness/systems';
import { fillTopic, runLoadgen, runWorkload, serverMemory, type WorkloadDef, type WorkloadTiming } from './harness/workloads';

import { A, S, argv, cfg, full, has, mode, opt, WORKLOADS } from './harness/run-options';

const t00 = Date.now();
function progress(msg: string): void {
  const s = Math.round((Date.now() - t00) / 1000);
  process.stdout.write(`[${String(Math.floor(s / 60)).padStart(3)}m${String(s % 60).padStart(2, '0')}s] ${msg}\n`);
}

/** ABC, CBA, ABC, ...: each system runs first, last and in the middle equally often. */
function alternate<T>(xs: T[], round: number): T[] {
  return round % 2 === 0 ? [...xs] : [...xs].reverse();
}

function workloadsFor(flush: FlushMode): WorkloadDef[] {
  return WORKLOADS.filter((w) => w.flush.includes(flush) && (full || w.quick === true || cfg.only !== '') && (cfg.only === '' || cfg.only.split(',').some((t) => t !== '' && w.id.includes(t))));
}

async function warmServer(ctx: RunContext, sys: RunningSystem): Promise<void> {
  const client = benchClient(sys.namesrvAddr);
  const topic = 'BenchWarmup';
  try {
    await createTopic(client, sys.brokerAddr, topic, 8);
  } finally {
    client.close();
  }
  for (const size of [128, 1024]) {
    await runLoadgen(
      ctx,
      `${sys.def.name}-warmup`,
      ['send', '--namesrv', sys.namesrvAddr, '--topic', topic, '--size', String(size), '--concurrency', '32', '--warmup', '0', '--seconds', String(cfg.serverWarmupSec / 2)],
      120_000,
    );
  }
}

async function brokerRounds(ctx: RunContext, results: BenchResults, totalSteps: { n: number; done: number }): Promise<void> {
  const defs = systemDefs(ctx.subdir('gc'));
  const t: WorkloadTiming = { warmupSec: cfg.warmupSec, measureSec: cfg.measureSec };
  for (const flush of cfg.flush) {
    const wls = workloadsFor(flush);
    if (wls.length === 0) continue;
    for (let round = 0; round < cfg.rounds; round++) {
      const order = alternate(cfg.systems, round);
      for (let k = 0; k < order.length; k++) {
        const name = order[k]!;
        const def = defs[name];
        const loadAvgBefore = loadAverage();
        progress(`${flush} round ${round + 1}/${cfg.rounds}: starting ${def.label} (load average ${loadAvgBefore.join(' ')})`);
        const run: SystemRun = { round, system: name, flush, order: k, loadAvgBefore, start: { toFirstSendMs: NaN, brokerToFirstSendMs: NaN, toReadyMs: NaN }, memory: { hwmMiB: NaN, anonMiB: NaN, perProcess: [] }, workloads: [] };
        results.runs.push(run);
        let sys: RunningSystem | undefined;
        try {
          sys = await startSystem(ctx, def, ctx.subdir(`${flush}-r${round}-${name}`), { flush, ...apogeeOnly(name, { brokerConfig: cfg.apogeeConf, nodeArgs: cfg.apogeeNodeArgs }) });
          run.start = sys.start;
          progress(`  ${def.label} up: first send ${fmtInt(sys.start.toFirstSendMs)} ms after spawn; warming up ${cfg.serverWarmupSec} s`);
          await warmServer(ctx, sys);
          for (const w of wls) {
            totalSteps.done++;
            try {
              const r = await runWorkload(ctx, sys, w, t);
              run.workloads.push(r);
              const lat = r.latency !== undefined ? ` p50 ${r.latency.p50Ms.toFixed(2)} p99 ${r.latency.p99Ms.toFixed(2)} p99.9 ${r.latency.p999Ms.toFixed(2)} ms` : '';
              progress(
                `  [${totalSteps.done}/${totalSteps.n}] ${def.label} ${w.id}: ${fmtInt(r.msgsPerSec)} msg/s${lat}, server CPU ${r.serverCpuSecPerMillion.toFixed(0)} s/M msgs, other load ${r.foreignCores.toFixed(2)} cores${r.errors > 0 ? `, ${r.errors} errors` : ''}${r.note !== undefined ? ` (${r.note})` : ''}`,
              );
            } catch (e) {
              const msg = e instanceof Error ? e.message : String(e);
              run.workloads.push({ id: w.id, kind: w.kind, msgsPerSec: NaN, msgs: 0, seconds: 0, errors: 1, serverCpuSec: NaN, serverCpuSecPerMillion: NaN, serverRssMaxMiB: NaN, serverAnonMaxMiB: NaN, clientCpuSec: NaN, foreignCores: NaN, machineBusyCores: NaN, loadAvgStart: loadAverage(), note: `failed: ${msg.slice(0, 300)}` });
              progress(`  [${totalSteps.done}/${totalSteps.n}] ${def.label} ${w.id}: FAILED ${msg.slice(0, 300)}`);
            }
          }
          const mem = serverMemory(sys);
          run.memory = { hwmMiB: mem.hwmMiB, anonMiB: mem.anonMiB, perProcess: mem.perProcess };
          progress(`  ${def.label}: peak RSS ${fmtInt(mem.hwmMiB)} MiB (anonymous now ${fmtInt(mem.anonMiB)} MiB)`);
        } catch (e) {
          run.error = e instanceof Error ? e.message : String(e);
          progress(`  ${def.label}: FAILED ${run.error.slice(0, 400)}`);
        } finally {
          await sys?.stop().catch(() => undefined);
        }
      }
    }
  }
}

async function namesrvRounds(ctx: RunContext, results: BenchResults): Promise<void> {
  const defs = systemDefs();
  for (let round = 0; round < cfg.rounds; round++) {
    for (const name of alternate(cfg.systems, round)) {
      const def = defs[name];
      progress(`NameServer round ${round + 1}/${cfg.rounds}: ${def.label} (10 brokers x 100 topics)`);
      const run = { round, system: name } as NamesrvRun;
      let ns: Awaited<ReturnType<typeof startNamesrvOnly>> | undefined;
      try {
        ns = await startNamesrvOnly(ctx, def, ctx.subdir(`namesrv-r${round}-${name}`), apogeeOnly(name, { nodeArgs: cfg.apogeeNodeArgs }).nodeArgs);
        run.toFirstAnswerMs = ns.toFirstAnswerMs;
        const r = (await runLoadgen(
          ctx,
          `${name}-namesrv`,
          ['namesrv', '--namesrv', ns.addr, '--brokers', '10', '--topics', '100', '--warmup', String(full ? 3 : 1), '--seconds', String(cfg.namesrvSec), '--connections', '4', '--inflight', '16', '--regBodies', opt('regBodies') ?? '1', '--serverPids', ns.pids().join(',')],
          10 * 60_000,
        )) as unknown as Pick<NamesrvRun, 'route' | 'register'>;
        run.route = r.route;
        run.register = r.register;
        progress(
          `  ${def.label}: route lookups ${fmtInt(r.route.msgsPerSec)}/s (p99 ${r.route.latency.p99Ms.toFixed(2)} ms), REGISTER_BROKER ${fmtInt(r.register.msgsPerSec)}/s (p99 ${r.register.latency.p99Ms.toFixed(2)} ms), other load ${r.route.usage.foreignCores.toFixed(2)} cores`,
        );
      } catch (e) {
        run.error = e instanceof Error ? e.message : String(e);
        progress(`  ${def.label}: FAILED ${run.error.slice(0, 400)}`);
      } finally {
        await ns?.stop().catch(() => undefined);
      }
      results.namesrv.push(run);
    }
  }
}

/** Start options that apply to Apogee only (--apogeeConf, --apogeeNodeArgs); Java systems get none. */
function apogeeOnly(name: string, o: Pick<StartOptions, 'brokerConfig' | 'nodeArgs'>): Pick<StartOptions, 'brokerConfig' | 'nodeArgs'> {
  return name === 'apogee' ? o : {};
}

async function recoveryRounds(ctx: RunContext, results: BenchResults): Promise<void> {
  const defs = systemDefs();
  for (let round = 0; round < cfg.rounds; round++) {
    for (const name of alternate(cfg.systems, round)) {
      const def = defs[name];
      progress(`recovery round ${round + 1}/${cfg.rounds}: ${def.label}: writing ${cfg.recoveryMiB} MiB of 1 KB messages, SIGKILL, restart`);
      const run = { round, system: name } as RecoveryRun;
      let sys: RunningSystem | undefined;
      const client = () => benchClient(sys!.namesrvAddr);
      try {
        sys = await startSystem(ctx, def, ctx.subdir(`recovery-r${round}-${name}`), { flush: A, ...apogeeOnly(name, { nodeArgs: cfg.apogeeNodeArgs }) });
        const topic = 'BenchRecovery';
        const c = client();
        try {
          await createTopic(c, sys.brokerAddr, topic, 8);
        } finally {
          c.close();
        }
        const fill = await fillTopic(ctx, sys, topic, cfg.recoveryMiB, 1024);
        const c2 = client();
        try {
          run.storedBefore = await storedInTopic(c2, sys.brokerAddr, topic);
          run.commitLogMiB = (await brokerTotals(c2, sys.brokerAddr)).commitLogMaxOffset / 2 ** 20;
        } finally {
          c2.close();
        }
        run.filledMiB = cfg.recoveryMiB;
        run.fillSeconds = fill.ms / 1000;
        run.restart = await sys.killAndRestartBroker('BenchRecoveryProbe');
        const c3 = client();
        try {
          run.storedAfter = await storedInTopic(c3, sys.brokerAddr, topic);
        } finally {
          c3.close();
        }
        progress(`  ${def.label}: ${fmtInt(run.commitLogMiB)} MiB commit log written in ${run.fillSeconds.toFixed(1)} s; SIGKILL -> first accepted send ${fmtInt(run.restart.toFirstSendMs)} ms; ${run.storedAfter} of ${run.storedBefore} acknowledged messages there`);
      } catch (e) {
        run.error = e instanceof Error ? e.message : String(e);
        progress(`  ${def.label}: FAILED ${run.error.slice(0, 400)}`);
      } finally {
        await sys?.stop().catch(() => undefined);
      }
      results.recovery.push(run);
    }
  }
}

/**
 * Profiles Apogee (node --cpu-prof, a separate run: profiling slows it down) on the broker workloads where it falls
 * shortest of Java tuned (the heaviest ones when it never does), and its NameServer when route lookups miss the 2x
 * goal.
 */
async function profileRuns(ctx: RunContext, results: BenchResults): Promise<void> {
  const rows = ratioRows(results).filter((r) => r.versus === 'java-tuned' && r.group !== 'resources' && !r.label.startsWith('NameServer'));
  const short = rows.filter((r) => r.better < r.goal).sort((a, b) => a.better - b.better);
  const pick = new Map<string, FlushMode>();
  for (const r of short) {
    const w = WORKLOADS.find((x) => r.label.includes(x.label));
    if (w !== undefined && w.kind !== 'e2e' && !pick.has(w.id)) pick.set(w.id, r.label.includes('sync flush') && !r.label.includes('async flush') ? S : A);
    if (pick.size >= 2) break;
  }
  for (const id of ['producer-w64-1k', 'libclient-c64-1k']) if (pick.size < 2 && !pick.has(id)) pick.set(id, A);
  if (cfg.profileRows.length > 0) {
    pick.clear();
    for (const id of cfg.profileRows) {
      if (!WORKLOADS.some((x) => x.id === id)) throw new Error(`--profileRows: no workload ${id} (ids: ${WORKLOADS.map((x) => x.id).join(', ')})`);
      pick.set(id, A);
    }
  }
  const defs = systemDefs();
  for (const [id, flush] of pick) {
    const w = WORKLOADS.find((x) => x.id === id)!;
    const dir = ctx.subdir(`profile-${id}`);
    const profDir = path.join(dir, 'cpuprofile');
    progress(`profile: Apogee with --cpu-prof under ${w.label}, ${flush}`);
    let sys: RunningSystem | undefined;
    try {
      sys = await startSystem(ctx, defs.apogee, path.join(dir, 'apogee'), { flush, brokerConfig: cfg.apogeeConf, nodeArgs: [...cfg.apogeeNodeArgs, '--cpu-prof', `--cpu-prof-dir=${profDir}`] });
      await warmServer(ctx, sys);
      const r = await runWorkload(ctx, sys, w, { warmupSec: cfg.warmupSec, measureSec: cfg.measureSec });
      await sys.stopGracefully(60_000);
      const file = newestProfile(profDir);
      if (file === undefined) throw new Error(`no .cpuprofile in ${profDir}`);
      const summary = summarizeProfile(file, repoRoot());
      results.profiles.push({ kind: 'broker', workload: w.label, flush, msgsPerSec: r.msgsPerSec, summary });
      progress(`  ${fmtInt(r.msgsPerSec)} msg/s while profiled; GC ${(summary.gcShare * 100).toFixed(1)}%; top: ${summary.top.slice(0, 3).map((x) => `${x.fn} ${(x.share * 100).toFixed(1)}%`).join(', ')}`);
    } catch (e) {
      progress(`  profile FAILED: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      await sys?.stop().catch(() => undefined);
    }
  }
  const nsShort = ratioRows(results).some((r) => r.versus === 'java-tuned' && r.label.startsWith('NameServer') && r.better < r.goal);
  if (!nsShort) return;
  for (const phase of ['route', 'register']) {
    const dir = ctx.subdir(`profile-namesrv-${phase}`);
    const profDir = path.join(dir, 'cpuprofile');
    const label = phase === 'route' ? 'NameServer GET_ROUTEINFO_BY_TOPIC (10 brokers x 100 topics)' : 'NameServer REGISTER_BROKER (10 brokers x 100 topics)';
    progress(`profile: Apogee with --cpu-prof under ${label}`);
    let ns: Awaited<ReturnType<typeof startNamesrvOnly>> | undefined;
    try {
      ns = await startNamesrvOnly(ctx, defs.apogee, path.join(dir, 'apogee'), ['--cpu-prof', `--cpu-prof-dir=${profDir}`]);
      const r = (await runLoadgen(
        ctx,
        `apogee-namesrv-profile-${phase}`,
        ['namesrv', '--namesrv', ns.addr, '--brokers', '10', '--topics', '100', '--warmup', '1', '--seconds', String(cfg.namesrvSec), '--phases', phase, '--serverPids', ns.pids().join(',')],
        10 * 60_000,
      )) as unknown as Pick<NamesrvRun, 'route' | 'register'>;
      await ns.stopGracefully(30_000);
      const file = newestProfile(profDir);
      if (file === undefined) throw new Error(`no .cpuprofile in ${profDir}`);
      const summary = summarizeProfile(file, repoRoot());
      const rate = phase === 'route' ? r.route.msgsPerSec : r.register.msgsPerSec;
      results.profiles.push({ kind: 'namesrv', workload: label, flush: A, msgsPerSec: rate, summary });
      progress(`  ${fmtInt(rate)} requests/s while profiled; GC ${(summary.gcShare * 100).toFixed(1)}%; top: ${summary.top.slice(0, 3).map((x) => `${x.fn} ${(x.share * 100).toFixed(1)}%`).join(', ')}`);
    } catch (e) {
      progress(`  profile FAILED: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      await ns?.stop().catch(() => undefined);
    }
  }
}

function writeResults(results: BenchResults): { json: string; md: string; svg: string } {
  fs.mkdirSync(cfg.out, { recursive: true });
  const base = path.join(cfg.out, `${results.date.slice(0, 10)}-${results.name}`);
  const json = `${base}.json`;
  const md = `${base}.md`;
  const svg = `${base}.svg`;
  fs.writeFileSync(json, JSON.stringify(results, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
  fs.writeFileSync(md, markdown(results) + '\n');
  fs.writeFileSync(svg, svgChart(results) + '\n');
  return { json, md, svg };
}

function updateReadme(results: BenchResults, files: { md: string; svg: string }): void {
  const readme = path.join(repoRoot(), 'bench', 'README.md');
  if (!fs.existsSync(readme)) return;
  const text = fs.readFileSync(readme, 'utf8');
  const startTag = '<!-- bench:latest:start -->';
  const endTag = '<!-- bench:latest:end -->';
  const i = text.indexOf(startTag);
  const j = text.indexOf(endTag);
  if (i < 0 || j < i) return;
  const rel = (f: string): string => path.relative(path.dirname(readme), f).split(path.sep).join('/');
  const md = markdown(results)
    .split('\n')
    .slice(1) // the report's own title
    .map((l) => l.replace(/^## /, '#### ').replace(/^### /, '##### '));
  const block = [startTag, `Latest: [${rel(files.md)}](${rel(files.md)}) — produced by \`${results.command}\``, '', `![Apogee vs Apache RocketMQ](${rel(files.svg)})`, '', ...md, endTag].join('\n');
  fs.writeFileSync(readme, text.slice(0, i) + block + text.slice(j + endTag.length));
}

async function main(): Promise<void> {
  if (has('help')) {
    const src = fs.readFileSync(path.join(repoRoot(), 'bench', 'run.ts'), 'utf8');
    process.stdout.write(`${src.slice(src.indexOf('/**'), src.indexOf('*/') + 2)}\n`);
    return;
  }
  const render = opt('render');
  if (render !== undefined) {
    const results = JSON.parse(fs.readFileSync(render, 'utf8')) as BenchResults;
    const base = render.replace(/\.json$/, '');
    const files = { md: `${base}.md`, svg: `${base}.svg` };
    fs.writeFileSync(files.md, markdown(results) + '\n');
    fs.writeFileSync(files.svg, svgChart(results) + '\n');
    if (has('readme')) updateReadme(results, files);
    process.stdout.write(`rendered ${files.md}, ${files.svg}${has('readme') ? ' and the bench/README.md block' : ''}\n`);
    return;
  }
  if (!fs.existsSync(path.join(repoRoot(), 'dist', 'lib', 'bin', 'apogee.js'))) throw new Error('build first: npm run build');
  const ctx = RunContext.create({ rootDir: cfg.workDir, keepRuns: 3, logger: createLogger({ name: 'bench', fd: 2, level: 'warn' }) });
  const command = `npm run bench -- ${argv.join(' ')}`.trim();
  const defs = systemDefs();
  const results: BenchResults = {
    name: cfg.name,
    command,
    date: new Date().toISOString(),
    mode: argv.some((a) => ['--rounds', '--seconds', '--systems', '--flush', '--only', '--phases'].includes(a)) ? 'custom' : mode,
    options: { ...cfg, workloads: undefined },
    machine: machineFacts(ctx.dir),
    limits: [],
    systems: Object.fromEntries(cfg.systems.map((s) => [s, { label: defs[s].label, description: defs[s].description }])),
    workloads: [...new Set(cfg.flush.flatMap(workloadsFor))],
    runs: [],
    namesrv: [],
    recovery: [],
    profiles: [],
    foreignCoresMax: cfg.foreignCoresMax,
    durationSec: 0,
  };
  const steps = { n: cfg.rounds * cfg.systems.length * cfg.flush.reduce((s, f) => s + workloadsFor(f).length, 0), done: 0 };
  progress(`${mode} benchmark: ${cfg.systems.join(', ')}; ${cfg.flush.join(', ')}; ${cfg.rounds} round(s); ${steps.n} broker workload runs; run directory ${ctx.dir}`);
  progress(`machine: ${results.machine.cpus} x ${results.machine.cpuModel}, ${results.machine.memoryGiB} GiB, load average ${results.machine.loadAvg.join(' ')}`);
  const phase = (p: string): boolean => cfg.phases.includes(p);
  const limits = async (): Promise<void> => {
    const l: MachineLimits = await machineLimits(ctx.dir, !full);
    results.limits.push(l);
    progress(`machine limits: loopback ${fmtInt(l.loopbackMBps)} MB/s, dd ${fmtInt(l.ddWriteMBps)} MB/s, ${fmtInt(l.fsyncPerSec)} fsync/s`);
  };
  try {
    if (phase('limits')) await limits();
    if (phase('namesrv')) await namesrvRounds(ctx, results);
    if (phase('broker')) await brokerRounds(ctx, results, steps);
    if (phase('recovery')) await recoveryRounds(ctx, results);
    if (phase('profile') && cfg.profile && cfg.systems.includes('apogee')) await profileRuns(ctx, results);
    if (phase('limits') && full) await limits();
  } finally {
    results.durationSec = (Date.now() - t00) / 1000;
    const files = writeResults(results);
    if (cfg.readme) updateReadme(results, files);
    progress(`results: ${files.md}, ${files.json}, ${files.svg}${cfg.readme ? ' (bench/README.md updated)' : ''}`);
    const rows = ratioRows(results).filter((r) => r.versus === 'java-tuned');
    const met = rows.filter((r) => r.better >= r.goal).length;
    progress(`goals vs Java tuned: ${met}/${rows.length} met; median throughput ratio ${median(rows.filter((r) => r.group === 'throughput').map((r) => r.better)).toFixed(2)}`);
  }
}

if (has('soak')) runSoak();
else main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
