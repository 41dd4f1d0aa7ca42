import { AsyncLocalStorage } from 'node:async_hooks';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Child processes of the harness (Java servers, mvn, go test, mqadmin, benchmark tools).
 *
 * Every child is spawned in its own process group (detached) so that a signal reaches the whole tree (mvn forks a
 * surefire JVM, go test runs a test binary), with stdout and stderr appended to one log file. Every live child is
 * in a registry: on process exit, SIGINT and SIGTERM the harness SIGKILLs each group it started, by id. A pid
 * file per child (in the run directory) lets a later run reap children orphaned by a harness that was itself
 * SIGKILLed (see reapStale in run.ts).
 */
export interface SpawnSpec {
  /** Short name for logs and errors, e.g. 'apache-5.5.0/broker-a'. */
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** stdout (and stderr, unless errFile is given) are appended here. */
  logFile: string;
  /** stderr is appended here instead of logFile. */
  errFile?: string;
  /** Written with {pid, name, marker, owner} while the process lives; removed when it exits. */
  pidFile?: string;
  /**
   * A string the child's command line contains (the run directory): a later run only reaps a stale pid whose
   * /proc/<pid>/cmdline still contains it, so a recycled pid is never killed. Default: cwd.
   */
  marker?: string;
  /**
   * The scope the process belongs to (closing the scope kills it). Default: the scope of the calling async context
   * (see ProcessScope.run); null: none.
   */
  scope?: ProcessScope | null;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Something a scope can kill: a ManagedProcess, a container (containers.ts). */
export interface Killable {
  readonly name: string;
  kill(): Promise<unknown>;
}

const scopeStorage = new AsyncLocalStorage<ProcessScope>();

/**
 * A group of processes (and containers) that end together: what one target start or one suite run started. The
 * matrix runner runs each suite inside its own scope; when the suite outlives its bound, or its target dies, the
 * runner closes the scope, which kills every process still in it and refuses new ones (a suite still running
 * cannot start another mqadmin after it was given up). Processes join the scope of the async context that starts
 * them (AsyncLocalStorage) unless their spec names one.
 */
export class ProcessScope {
  private readonly members = new Set<Killable>();
  private closedReason: string | undefined;

  constructor(readonly name: string) {}

  /** The scope of the calling async context, if any. */
  static current(): ProcessScope | undefined {
    return scopeStorage.getStore();
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  /** Runs fn (and everything it starts, also later from its timers and callbacks) inside this scope. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return scopeStorage.run(this, fn);
  }

  /** Throws when the scope is closed. */
  add(k: Killable): void {
    if (this.closedReason !== undefined) throw new Error(`${k.name} not started: ${this.name} is closed (${this.closedReason})`);
    this.members.add(k);
  }

  delete(k: Killable): void {
    this.members.delete(k);
  }

  /** Names of live members. */
  names(): string[] {
    return [...this.members].map((m) => m.name);
  }

  /** Refuses new members and kills every live one; resolves with the names of those it killed. */
  async close(reason: string): Promise<string[]> {
    this.closedReason ??= reason;
    const members = [...this.members];
    this.members.clear();
    await Promise.allSettled(members.map((m) => m.kill()));
    return members.map((m) => m.name);
  }
}

const live = new Set<ManagedProcess>();
let hooksInstalled = false;
const syncCleanups = new Set<() => void>();
const asyncCleanups = new Set<() => Promise<void>>();
/** How long an interrupted harness waits for asynchronous cleanups (container removal) before it dies. */
const INTERRUPT_CLEANUP_MS = 30_000;

function killAllSync(): void {
  for (const p of live) p.killGroupSync('SIGKILL');
}

function runSyncCleanups(): void {
  for (const c of syncCleanups) {
    try {
      c();
    } catch {
      /* best effort */
    }
  }
}

/**
 * Registers cleanups for when the harness is interrupted (SIGINT, SIGTERM, SIGHUP) or exits: `async` runs first on a
 * signal (bounded by 30 s), `sync` runs at exit and after `async` (it must not need the event loop). Returns an
 * unregister function. Child process groups are always SIGKILLed first.
 */
export function onInterrupt(cleanup: { async?: () => Promise<void>; sync?: () => void }): () => void {
  installHooks();
  if (cleanup.async !== undefined) asyncCleanups.add(cleanup.async);
  if (cleanup.sync !== undefined) syncCleanups.add(cleanup.sync);
  return () => {
    if (cleanup.async !== undefined) asyncCleanups.delete(cleanup.async);
    if (cleanup.sync !== undefined) syncCleanups.delete(cleanup.sync);
  };
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    killAllSync();
    runSyncCleanups();
  });
  let interrupted = false;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      killAllSync();
      const die = (): void => {
        runSyncCleanups();
        process.removeListener(sig, handler);
        process.kill(process.pid, sig);
      };
      if (interrupted || asyncCleanups.size === 0) return die(); // a second signal: no more waiting
      interrupted = true;
      process.stderr.write(`compat harness: ${sig}, removing what it started\n`);
      const timer = setTimeout(die, INTERRUPT_CLEANUP_MS);
      void Promise.allSettled([...asyncCleanups].map((c) => c())).then(() => {
        clearTimeout(timer);
        die();
      });
    };
    process.on(sig, handler);
  }
}

export class ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  readonly startedAt = Date.now();
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | null = null;
  private readonly child: ChildProcess;
  private readonly pidFile: string | undefined;
  private readonly scope: ProcessScope | undefined;

  private constructor(spec: SpawnSpec) {
    installHooks();
    this.name = spec.name;
    this.scope = spec.scope === null ? undefined : (spec.scope ?? scopeStorage.getStore());
    if (this.scope?.closed === true) this.scope.add(this); // throws: a closed scope starts nothing
    this.logFile = spec.logFile;
    this.pidFile = spec.pidFile;
    fs.mkdirSync(path.dirname(spec.logFile), { recursive: true });
    const fd = fs.openSync(spec.logFile, 'a');
    const errFd = spec.errFile === undefined ? fd : fs.openSync(spec.errFile, 'a');
    try {
      fs.writeSync(fd, `# ${new Date().toISOString()} ${spec.command} ${spec.args.map(quote).join(' ')}\n# cwd ${spec.cwd}\n`);
      this.child = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: spec.env ?? process.env,
        stdio: ['ignore', fd, errFd],
        detached: true,
      });
    } finally {
      fs.closeSync(fd);
      if (errFd !== fd) fs.closeSync(errFd);
    }
    if (this.child.pid === undefined) {
      // spawn failed synchronously (ENOENT is reported through 'error')
      this.pid = -1;
    } else {
      this.pid = this.child.pid;
    }
    this.exited = new Promise<ExitInfo>((resolve) => {
      this.child.once('error', (e) => {
        fs.appendFileSync(spec.logFile, `# spawn error: ${e.message}\n`);
        this.exitInfo = { code: -1, signal: null };
        this.forget();
        resolve(this.exitInfo);
      });
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        this.forget();
        resolve(this.exitInfo);
      });
    });
    if (this.pid > 0) {
      live.add(this);
      this.scope?.add(this);
      if (this.pidFile !== undefined) {
        fs.mkdirSync(path.dirname(this.pidFile), { recursive: true });
        fs.writeFileSync(this.pidFile, JSON.stringify({ pid: this.pid, name: this.name, marker: spec.marker ?? spec.cwd, owner: process.pid }));
      }
    }
  }

  static start(spec: SpawnSpec): ManagedProcess {
    return new ManagedProcess(spec);
  }

  get running(): boolean {
    return this.exitInfo === null && this.pid > 0;
  }

  get exit(): ExitInfo | null {
    return this.exitInfo;
  }

  /** The process id as a string (the common ServerProcess shape; containers have a container id). */
  get id(): string {
    return String(this.pid);
  }

  private forget(): void {
    live.delete(this);
    this.scope?.delete(this);
    if (this.pidFile !== undefined) fs.rmSync(this.pidFile, { force: true });
  }

  /** Sends `sig` to the child's whole process group. */
  signal(sig: NodeJS.Signals): void {
    if (!this.running) return;
    this.killGroupSync(sig);
  }

  /** @internal also used by the exit hooks. */
  killGroupSync(sig: NodeJS.Signals): void {
    if (this.pid <= 0) return;
    try {
      process.kill(-this.pid, sig);
    } catch {
      try {
        process.kill(this.pid, sig);
      } catch {
        /* already gone */
      }
    }
  }

  /** SIGKILL and wait for the exit. */
  async kill(): Promise<ExitInfo> {
    if (!this.running) return this.exitInfo ?? { code: null, signal: null };
    this.killGroupSync('SIGKILL');
    return this.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  async stop(graceMs = 10_000): Promise<ExitInfo> {
    if (!this.running) return this.exitInfo ?? { code: null, signal: null };
    // A stopped (SIGSTOP) process cannot handle SIGTERM: continue it first.
    this.killGroupSync('SIGCONT');
    this.killGroupSync('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const r = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (r === 'timeout') {
      fs.appendFileSync(this.logFile, `# harness: no exit ${graceMs} ms after SIGTERM, sending SIGKILL\n`);
      return this.kill();
    }
    return r;
  }

  /** Resolves with the exit, or rejects after `timeoutMs` (the process is then killed). */
  async waitExit(timeoutMs: number): Promise<ExitInfo> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const r = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (r === 'timeout') {
      fs.appendFileSync(this.logFile, `# harness: still running after ${timeoutMs} ms, killed\n`);
      await this.kill();
      throw new Error(`${this.name} did not finish within ${timeoutMs} ms (killed); log: ${this.logFile}`);
    }
    return r;
  }

  /** The last `lines` lines of the log file (for error messages). */
  tail(lines = 40): string {
    return tailFile(this.logFile, lines);
  }
}

export function tailFile(file: string, lines = 40): string {
  try {
    const size = fs.statSync(file).size;
    const len = Math.min(size, 64 * 1024);
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      // long lines (the command line header, classpaths) are cut: this text goes into error messages
      return buf
        .toString('utf8')
        .split('\n')
        .slice(-lines - 1)
        .map((l) => (l.length > 400 ? `${l.slice(0, 400)}…` : l))
        .join('\n');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return `(no log at ${file})`;
  }
}

export interface Completed extends ExitInfo {
  /** What the process wrote to logFile (stdout, plus stderr when no errFile) during this run. */
  output: string;
  /** What it wrote to errFile (empty without errFile). */
  errOutput: string;
  durationMs: number;
}

/** Runs a command to completion (killed after timeoutMs, which rejects); resolves with its exit and output. */
export async function runToCompletion(spec: SpawnSpec, timeoutMs: number): Promise<Completed> {
  const t0 = Date.now();
  const size = (f: string | undefined): number => (f !== undefined && fs.existsSync(f) ? fs.statSync(f).size : 0);
  const before = size(spec.logFile);
  const beforeErr = size(spec.errFile);
  const p = ManagedProcess.start(spec);
  const exit = await p.waitExit(timeoutMs);
  const out = fs.readFileSync(spec.logFile).subarray(before).toString('utf8');
  const err = spec.errFile === undefined ? '' : fs.readFileSync(spec.errFile).subarray(beforeErr).toString('utf8');
  // The first two lines of a log chunk are the harness's own "# command" / "# cwd" header.
  const strip = (s: string): string => s.replace(/^# .*\n# cwd .*\n/, '');
  return { ...exit, output: strip(out), errOutput: err, durationMs: Date.now() - t0 };
}

/** Number of harness children alive right now (tests assert it drops to zero). */
export function liveProcessCount(): number {
  return live.size;
}

/** Names of the live children (for diagnostics). */
export function liveProcessNames(): string[] {
  return [...live].map((p) => `${p.name} (pid ${p.pid})`);
}

function quote(a: string): string {
  return /^[-\w./:=@,+%]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`;
}
