import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createLogger, type Logger } from '../../lib/common';

/**
 * One harness run: a directory that holds every log, report, config file and store of the processes it starts:
 *
 *   <root>/<runId>/
 *     pids/                         pid files of live children (for reaping after a crash)
 *     <target>/namesrv/...          NameServer home, config, logs   (see apache.ts)
 *     <target>/<brokerName>/...     broker home, broker.conf, store, logs
 *     suites/<suite>-<n>/...        reports, control dir, client logs of one suite run
 *
 * <root> defaults to $TMPDIR/apogee-compat. Old runs beyond `keepRuns` are deleted when a new run starts, and
 * children a crashed earlier run left behind are killed (only those whose command line still names their run
 * directory).
 */
export interface RunOptions {
  rootDir?: string;
  runId?: string;
  logger?: Logger;
  /** How many earlier run directories to keep (default 5). */
  keepRuns?: number;
}

export class RunContext {
  readonly dir: string;
  readonly logger: Logger;
  private seq = 0;

  private constructor(dir: string, logger: Logger) {
    this.dir = dir;
    this.logger = logger;
  }

  static create(opts: RunOptions = {}): RunContext {
    const root = opts.rootDir ?? path.join(os.tmpdir(), 'apogee-compat');
    fs.mkdirSync(root, { recursive: true });
    const logger = opts.logger ?? createLogger({ name: 'compat', fd: 2, level: 'info' });
    reapStale(root, logger);
    pruneRuns(root, opts.keepRuns ?? 5);
    const runId = opts.runId ?? `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
    const dir = path.join(root, runId);
    fs.mkdirSync(path.join(dir, 'pids'), { recursive: true });
    logger.info({ dir }, 'compat run directory');
    return new RunContext(dir, logger);
  }

  /** mkdir -p <run>/<parts...> and return it. */
  subdir(...parts: string[]): string {
    const d = path.join(this.dir, ...parts);
    fs.mkdirSync(d, { recursive: true });
    return d;
  }

  /** A fresh, numbered directory for one suite run: <run>/suites/<name>-<n>. */
  suiteDir(name: string): string {
    this.seq++;
    return this.subdir('suites', `${String(this.seq).padStart(2, '0')}-${name}`);
  }

  pidFile(name: string): string {
    return path.join(this.dir, 'pids', `${name.replace(/[^\w.-]+/g, '_')}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.json`);
  }
}

/**
 * Kills children left behind by earlier runs whose harness died without cleaning up (SIGKILLed, machine
 * suspended...): a pid file whose owner process is gone and whose pid still runs a command line naming the run.
 */
export function reapStale(root: string, logger: Logger): void {
  if (!fs.existsSync(root)) return;
  for (const run of fs.readdirSync(root)) {
    const pids = path.join(root, run, 'pids');
    if (!fs.existsSync(pids)) continue;
    for (const f of fs.readdirSync(pids)) {
      const file = path.join(pids, f);
      try {
        const { pid, name, marker, owner } = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number; name: string; marker: string; owner?: number };
        if (owner !== undefined && isAlive(owner)) continue; // its harness is still running (maybe this process)
        let cmdline = '';
        try {
          cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        } catch {
          /* gone */
        }
        if (cmdline !== '' && cmdline.includes(marker)) {
          logger.warn({ pid, name }, 'killing a child left behind by an earlier compat run');
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              /* gone */
            }
          }
        }
        fs.rmSync(file, { force: true });
      } catch {
        fs.rmSync(file, { force: true });
      }
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function pruneRuns(root: string, keep: number): void {
  const runs = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  for (const old of runs.slice(0, Math.max(0, runs.length - keep))) {
    const pids = path.join(root, old, 'pids');
    if (fs.existsSync(pids) && fs.readdirSync(pids).length > 0) continue; // children still registered: in use
    fs.rmSync(path.join(root, old), { recursive: true, force: true });
  }
}
