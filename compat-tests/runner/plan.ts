import * as fs from 'node:fs';
import * as path from 'node:path';
import { runBenchmarkSuite } from './benchmark';
import { ContainerEngine, probeDocker } from './containers';
import { runGoSuite } from './go-suite';
import { runGrpcProxySuite } from './grpc-proxy';
import { runJavaSuite } from './java-suite';
import type { RuntimeInfo, SuitePlan, TargetPlan } from './matrix';
import { runMqadminSuite } from './mqadmin-suite';
import { ensureClasspath, repoRoot, type ApacheServerVersion } from './paths';
import type { RunContext } from './run';
import { localLauncher, type Launcher } from './runtime';
import { BENCHMARK_SCENARIOS, FULL_RUN_ONLY, GO_SCENARIOS, GRPC_FULL_RUN_ONLY, GRPC_PROXY_SCENARIOS, JAVA_5_SCENARIOS, JAVA_FULL_RUN_ONLY, JAVA_SCENARIOS, MQADMIN_BROKER_SCENARIOS, MQADMIN_SCENARIOS, TARGET_SCENARIOS } from './scenarios';
import { discoverExternalTarget, startApacheTarget, startApogeeTarget } from './target';
import { runTargetSuite } from './target-suite';

/**
 * What the runner can run: the targets (apogee, apache-5, apache-4, external:host:port), the suites, and the
 * runtime that starts the targets' processes.
 */
export const SUITE_NAMES = ['target', 'mqadmin', 'java-5', 'java-4.9', 'go', 'benchmark', 'grpc-proxy'] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];

export interface SuiteOptions {
  /** How long the official benchmark Producer sends (default 30 s). */
  benchmarkSeconds?: number;
  /** Multiplies every suite bound (slow machines). */
  timeoutScale?: number;
  /** A full run: the Java suites run their full-run-only scenarios (-Dcompat.full=true) instead of skipping them. */
  full?: boolean;
}

const MIN = 60_000;

export function suitePlans(names: readonly string[], o: SuiteOptions = {}): SuitePlan[] {
  const scale = o.timeoutScale ?? 1;
  const seconds = o.benchmarkSeconds ?? 30;
  const full = o.full ?? false;
  const javaProps = { 'compat.full': String(full) };
  const javaSkips = full ? {} : { allowedSkips: Object.fromEntries(JAVA_FULL_RUN_ONLY.map((id) => [id, FULL_RUN_ONLY])) };
  const all: Record<SuiteName, SuitePlan> = {
    target: { name: 'target', suite: 'target', expected: TARGET_SCENARIOS, timeoutMs: 5 * MIN * scale, run: (ctx, target) => runTargetSuite(ctx, { target }) },
    mqadmin: { name: 'mqadmin', suite: 'mqadmin', expected: [...MQADMIN_SCENARIOS, ...MQADMIN_BROKER_SCENARIOS], timeoutMs: 10 * MIN * scale, run: (ctx, target) => runMqadminSuite(ctx, { target }) },
    'java-5': {
      name: 'java-5',
      suite: 'java-5.5.0',
      expected: JAVA_5_SCENARIOS,
      timeoutMs: 25 * MIN * scale,
      run: (ctx, target, timeoutMs) => runJavaSuite(ctx, { clientVersion: '5.5.0', target, timeoutMs, props: javaProps }),
      ...javaSkips,
    },
    'java-4.9': {
      name: 'java-4.9',
      suite: 'java-4.9.8',
      expected: JAVA_SCENARIOS,
      timeoutMs: 20 * MIN * scale,
      run: (ctx, target, timeoutMs) => runJavaSuite(ctx, { clientVersion: '4.9.8', target, timeoutMs, props: javaProps }),
      ...javaSkips,
    },
    go: { name: 'go', suite: 'go', expected: GO_SCENARIOS, timeoutMs: 15 * MIN * scale, run: (ctx, target, timeoutMs) => runGoSuite(ctx, { target, timeoutMs }) },
    'grpc-proxy': {
      name: 'grpc-proxy',
      suite: 'grpc-proxy',
      expected: GRPC_PROXY_SCENARIOS,
      timeoutMs: 15 * MIN * scale,
      run: (ctx, target, timeoutMs) => runGrpcProxySuite(ctx, { target, timeoutMs, full }),
      ...(full ? {} : { allowedSkips: Object.fromEntries(GRPC_FULL_RUN_ONLY.map((id) => [id, FULL_RUN_ONLY])) }),
    },
    benchmark: {
      name: 'benchmark',
      suite: 'benchmark',
      expected: BENCHMARK_SCENARIOS,
      timeoutMs: (5 * MIN + seconds * 1000) * scale,
      run: (ctx, target) => runBenchmarkSuite(ctx, { target, seconds }),
    },
  };
  return names.map((n) => {
    const p = all[n as SuiteName];
    if (p === undefined) throw new UsageError(`unknown suite "${n}"; known: ${SUITE_NAMES.join(', ')}`);
    return p;
  });
}

export class UsageError extends Error {}

export interface TargetSpec {
  name: string;
  kind: 'apogee' | 'apache' | 'external';
  namesrvVersion?: ApacheServerVersion;
  brokerVersion?: ApacheServerVersion;
  /** external: host:port of its NameServer. */
  addr?: string;
}

/** apogee | apache-5 (apache-5.5.0) | apache-4 (apache-4.9.7) | external:host:port */
export function parseTarget(s: string): TargetSpec {
  const t = s.trim();
  if (t === 'apogee') return { name: 'apogee', kind: 'apogee' };
  if (t === 'apache-5' || t === 'apache-5.5.0') return { name: 'apache-5', kind: 'apache', namesrvVersion: '5.5.0', brokerVersion: '5.5.0' };
  if (t === 'apache-4' || t === 'apache-4.9.7') return { name: 'apache-4', kind: 'apache', namesrvVersion: '4.9.7', brokerVersion: '4.9.7' };
  const m = /^external:([^:\s]+):(\d{1,5})$/.exec(t);
  if (m !== null) return { name: `external:${m[1]}:${m[2]}`, kind: 'external', addr: `${m[1]}:${m[2]}` };
  throw new UsageError(`unknown target "${s}"; known: apogee, apache-5, apache-4, external:<host>:<port>`);
}

/**
 * Skips Apache itself causes on a target: the 5.x lite pull consumer against a 4.9.x broker (LITE_PULL_MESSAGE); the
 * official proxy against a 4.9.x broker (no POP: grpc-proxy.ts skips every scenario there).
 */
const APACHE_4_SKIPS: Readonly<Record<string, RegExp>> = {
  ...Object.fromEntries(GRPC_PROXY_SCENARIOS.map((id) => [`grpc-proxy:${id}`, /needs a 5\.x broker/])),
  'java-5.5.0:litepull.subscribe-commit': /LITE_PULL_MESSAGE \(361\)/,
  'java-5.5.0:litepull.assign-seek-commit': /LITE_PULL_MESSAGE \(361\)/,
};

export function targetPlan(spec: TargetSpec, launcher: Launcher): TargetPlan {
  switch (spec.kind) {
    case 'apogee':
      return {
        name: spec.name,
        dir: (ctx) => path.join(ctx.dir, spec.name),
        async prepare() {
          if (!fs.existsSync(path.join(repoRoot(), 'dist', 'lib', 'bin', 'apogee.js'))) throw new Error('dist/lib/bin/apogee.js is missing: build first (npx tsc -p .)');
          return [`image/binaries: ${await launcher.prepare('apogee')}`];
        },
        start: (ctx) => startApogeeTarget(ctx, { name: spec.name, launcher }),
      };
    case 'apache': {
      const ns = spec.namesrvVersion!;
      const broker = spec.brokerVersion!;
      return {
        name: spec.name,
        dir: (ctx) => path.join(ctx.dir, spec.name),
        ...(broker.startsWith('4.') ? { allowedSkips: APACHE_4_SKIPS } : {}),
        async prepare(ctx) {
          const notes: string[] = [];
          for (const v of new Set([ns, broker])) {
            await ensureClasspath(ctx, 'server', v);
            notes.push(`Apache RocketMQ ${v}: ${await launcher.prepare(`apache-${v}`)}`);
          }
          return notes;
        },
        start: (ctx) => startApacheTarget(ctx, { name: spec.name, namesrvVersion: ns, brokerVersion: broker, launcher }),
      };
    }
    case 'external':
      return { name: spec.name, start: () => discoverExternalTarget(spec.addr!, spec.name) };
  }
}

export type RuntimeChoice = 'auto' | 'containers' | 'local';

export interface ChosenRuntime {
  launcher: Launcher;
  info: RuntimeInfo;
  engine?: ContainerEngine;
}

/**
 * containers when asked, or (auto) when a Docker engine answers; local otherwise. Asking for containers without an
 * engine is an error (a UsageError, exit 2), never a silent fallback.
 */
export async function chooseRuntime(ctx: RunContext, choice: RuntimeChoice, progress: (line: string) => void): Promise<ChosenRuntime> {
  if (choice === 'local') return { launcher: localLauncher, info: { kind: 'local', description: localLauncher.description, reason: '--runtime local' } };
  const d = await probeDocker();
  if ('error' in d) {
    if (choice === 'containers') throw new UsageError(`--runtime containers: no Docker engine answered (${d.error})`);
    return { launcher: localLauncher, info: { kind: 'local', description: localLauncher.description, reason: `no Docker engine answered (${d.error})` } };
  }
  const engine = await ContainerEngine.connect(ctx, (line) => progress(`[images] ${line}`));
  const launcher = engine.launcher();
  return {
    launcher,
    engine,
    info: { kind: 'containers', description: `testcontainers, images built locally; ${engine.description}`, reason: choice === 'containers' ? '--runtime containers' : 'a Docker engine answered' },
  };
}
