/**
 * The command line of bench/run.ts (options documented there) and the broker workloads it runs.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../../compat-tests/runner';
import type { FlushMode, SystemName } from './systems';
import type { WorkloadDef } from './workloads';

export const A: FlushMode = 'ASYNC_FLUSH';
export const S: FlushMode = 'SYNC_FLUSH';

export const argv = process.argv.slice(2);
export const has = (f: string): boolean => argv.includes(`--${f}`);
export const opt = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : undefined;
};
export const full = has('full');
export const mode: 'quick' | 'full' = full ? 'full' : 'quick';

export const WORKLOADS: WorkloadDef[] = [
  { id: 'producer-w1-128b', label: 'Producer sync -w 1, 128 B', kind: 'producer', size: 128, threads: 1, flush: [A] },
  { id: 'producer-w16-128b', label: 'Producer sync -w 16, 128 B', kind: 'producer', size: 128, threads: 16, flush: [A] },
  { id: 'producer-w64-128b', label: 'Producer sync -w 64, 128 B', kind: 'producer', size: 128, threads: 64, flush: [A] },
  { id: 'producer-w1-1k', label: 'Producer sync -w 1, 1 KB', kind: 'producer', size: 1024, threads: 1, flush: [A, S] },
  { id: 'producer-w16-1k', label: 'Producer sync -w 16, 1 KB', kind: 'producer', size: 1024, threads: 16, flush: [A, S], quick: true },
  { id: 'producer-w64-1k', label: 'Producer sync -w 64, 1 KB', kind: 'producer', size: 1024, threads: 64, flush: [A, S] },
  { id: 'producer-async-1k', label: 'Producer async (-y true), 1 KB', kind: 'async', size: 1024, flush: [A, S] },
  { id: 'batch-w16-b16-128b', label: 'BatchProducer -w 16 -b 16, 128 B', kind: 'batch', size: 128, threads: 16, batch: 16, flush: [A, S] },
  { id: 'consumer-1k', label: 'Consumer (push) draining a 1 KB backlog', kind: 'consumer', size: 1024, backlog: full ? 300_000 : 100_000, flush: [A], quick: true },
  { id: 'libclient-c1-1k', label: 'lib/client sync send, 1 caller, 1 KB', kind: 'loadgen', size: 1024, concurrency: 1, flush: [A, S] },
  { id: 'libclient-c16-1k', label: 'lib/client sync send, 16 callers, 1 KB', kind: 'loadgen', size: 1024, concurrency: 16, flush: [A, S], quick: true },
  { id: 'libclient-c64-1k', label: 'lib/client sync send, 64 callers, 1 KB', kind: 'loadgen', size: 1024, concurrency: 64, flush: [A, S] },
  { id: 'sqlpull-1in10-128b', label: 'SQL92-filtered pull (k = \'hit\', one message in ten), 128 B, matches/s', kind: 'sqlpull', size: 128, backlog: 20_000, matchEvery: 10, flush: [A] },
  { id: 'sqlpull-1in100-128b', label: 'SQL92-filtered pull (k = \'hit\', one message in a hundred), 128 B, matches/s', kind: 'sqlpull', size: 128, backlog: 20_000, matchEvery: 100, flush: [A] },
  { id: 'e2e-2000ps-128b', label: 'end-to-end send → long-poll pull, 2,000 msg/s, 128 B', kind: 'e2e', size: 128, rate: 2000, flush: [A, S], quick: true },
];

export const cfg = {
  rounds: Number(opt('rounds') ?? (full ? 3 : 1)),
  warmupSec: Number(opt('warmup') ?? (full ? 5 : 3)),
  measureSec: Number(opt('seconds') ?? (full ? 15 : 5)),
  /** Load put on a freshly started server before the first measured workload (JIT, caches), seconds. */
  serverWarmupSec: Number(opt('serverWarmup') ?? (full ? 10 : 4)),
  apogeeConf: Object.fromEntries((opt('apogeeConf') ?? '').split(',').filter((kv) => kv.includes('=')).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])) as Record<string, string>,
  /** Extra node flags for Apogee only, after the bin's own (an A/B of a V8 or node setting). */
  apogeeNodeArgs: (opt('apogeeNodeArgs') ?? '').split(' ').filter((x) => x !== ''),
  systems: (opt('systems') ?? (full ? 'apogee,java-tuned,java-dist' : 'apogee,java-tuned')).split(',') as SystemName[],
  flush: (opt('flush') ?? (full ? 'ASYNC_FLUSH,SYNC_FLUSH' : 'ASYNC_FLUSH')).split(',') as FlushMode[],
  only: opt('only') ?? '',
  phases: (opt('phases') ?? 'limits,namesrv,broker,recovery,profile').split(','),
  recoveryMiB: Number(opt('recoveryMiB') ?? (full ? 1024 : 128)),
  profile: has('profile') || (full && !has('no-profile')),
  profileRows: (opt('profileRows') ?? '').split(',').filter((x) => x !== ''),
  name: opt('name') ?? mode,
  out: path.resolve(opt('out') ?? path.join(repoRoot(), 'bench', 'results')),
  readme: has('readme') || (full && !has('no-readme')),
  workDir: opt('workDir') ?? path.join(os.tmpdir(), 'apogee-bench'),
  namesrvSec: full ? 10 : 3,
  foreignCoresMax: 0.3,
};
