import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type Dockerode from 'dockerode';
import { GenericContainer, getContainerRuntimeClient, type BoundPorts, type ContainerRuntimeClient, type WaitStrategy } from 'testcontainers';
import { ImageBuilder, type ImageProgress } from './images';
import { onInterrupt, ProcessScope, tailFile, type ExitInfo } from './process';
import type { RunContext } from './run';
import { readinessFailure, type ImageKind, type LaunchSpec, type Launcher, type ServerProcess, type ServerSignal } from './runtime';

/**
 * The containers runtime (testcontainers, the `testcontainers` npm package): each server process of a target is a
 * container of an image built by images.ts, with
 *
 *   - host networking: the process listens on the same 127.0.0.1 ports it would as a local process;
 *   - its process directory bind-mounted at the same path: config files, logs and the store are written where the
 *     harness reads them (awaitOffsetsDurable reads consumerOffset.json in place), and survive the container;
 *   - the host user's uid:gid, so every file it writes belongs to whoever runs the harness;
 *   - stdout + stderr appended to the same log file as a local process (`sh -c 'exec "$@" >>"$0" 2>&1'`, so the
 *     server is PID 1 and gets the signals); the engine's own log of the container is copied out next to it
 *     (<name>-<id>.container.log) when the container ends;
 *   - a testcontainers wait strategy that asks the real readiness question over the protocol (runtime.ts
 *     Readiness: the NameServer answers 106, the broker answers 28 and is registered), never a sleep, and that
 *     gives up early, with the logs, when the container exits;
 *   - SIGKILL/SIGTERM = docker kill / stop, SIGSTOP/SIGCONT = docker pause / unpause (cgroup freezer), restart =
 *     a fresh container on the same ports and directory.
 *
 * The testcontainers reaper (Ryuk) is disabled (TESTCONTAINERS_RYUK_DISABLED=true): it would need an image from a
 * registry. The runner removes its own containers instead — when a process ends, when its target stops, when the
 * scope of a failed start or suite is closed, and on SIGINT/SIGTERM/SIGHUP — and every container carries labels
 * (org.apogee.compat.owner = <host>:<pid>) so that a later run removes the containers of a runner that was itself
 * SIGKILLed. Nothing else is ever touched.
 */
export const LABEL = 'org.apogee.compat';
export const LABEL_OWNER = 'org.apogee.compat.owner';
export const LABEL_RUN = 'org.apogee.compat.run';
export const LABEL_PROCESS = 'org.apogee.compat.process';

const OWNER = `${os.hostname()}:${process.pid}`;

function testcontainersEnv(): void {
  // testcontainers reads these when it first connects: no reaper (it would need an image from a registry), and no
  // guessing of the Docker host — on a machine that has /.dockerenv it would inspect the `bridge` network (absent
  // with dockerd --bridge=none) or run alpine to find a gateway. Host networking on 127.0.0.1 needs neither.
  process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
  process.env['TESTCONTAINERS_HOST_OVERRIDE'] ??= '127.0.0.1';
}

/** A Docker engine that answered, or why none did (within timeoutMs). */
export async function probeDocker(timeoutMs = 8_000): Promise<{ client: ContainerRuntimeClient; description: string } | { error: string }> {
  testcontainersEnv();
  let timer: NodeJS.Timeout | undefined;
  try {
    const client = await Promise.race([
      getContainerRuntimeClient(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    const v = await client.container.dockerode.version();
    return { client, description: `Docker ${v.Version}` };
  } catch (e) {
    return { error: (e instanceof Error ? e.message : String(e)).split('\n')[0]! };
  } finally {
    clearTimeout(timer);
  }
}

export class ContainerEngine {
  readonly images: ImageBuilder;
  private readonly live = new Map<string, ContainerProcess>();
  private readonly unregister: () => void;
  private seq = 0;

  private constructor(
    readonly ctx: RunContext,
    readonly client: ContainerRuntimeClient,
    readonly description: string,
    progress: ImageProgress,
  ) {
    this.images = new ImageBuilder(ctx, client, progress);
    this.unregister = onInterrupt({ async: () => this.removeAll(), sync: () => this.removeAllSync() });
  }

  /** Connects (or throws why no engine answered) and removes containers left by runners that are gone. */
  static async connect(ctx: RunContext, progress: ImageProgress = () => undefined): Promise<ContainerEngine> {
    const d = await probeDocker();
    if ('error' in d) throw new Error(`no Docker engine answered: ${d.error}`);
    const engine = new ContainerEngine(ctx, d.client, d.description, progress);
    const reaped = await engine.reapStale();
    if (reaped.length > 0) progress(`removed ${reaped.length} container(s) left by an earlier run that died: ${reaped.join(', ')}`);
    return engine;
  }

  get docker(): Dockerode {
    return this.client.container.dockerode;
  }

  launcher(): ContainerLauncher {
    return new ContainerLauncher(this);
  }

  /** @internal */
  nextName(processName: string): string {
    this.seq++;
    return `apogee-compat-${process.pid}-${this.seq}-${processName.replace(/[^a-zA-Z0-9_.-]+/g, '_')}`.slice(0, 120);
  }

  /** @internal */
  track(p: ContainerProcess): void {
    this.live.set(p.containerId, p);
  }

  /** @internal */
  untrack(p: ContainerProcess): void {
    this.live.delete(p.containerId);
  }

  /** Names of the containers of this engine that still exist. */
  liveNames(): string[] {
    return [...this.live.values()].map((p) => p.name);
  }

  /** Containers labelled as this runner's (asked from the engine, not from memory). */
  async ownContainers(): Promise<string[]> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL_OWNER}=${OWNER}`] } });
    return list.map((c) => (c.Names[0] ?? c.Id).replace(/^\//, ''));
  }

  /** Removes every container of this runner (SIGKILL, remove). */
  async removeAll(): Promise<void> {
    await Promise.allSettled([...this.live.values()].map((p) => p.kill()));
    try {
      const leftovers = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL_OWNER}=${OWNER}`] } });
      await Promise.allSettled(leftovers.map((c) => this.docker.getContainer(c.Id).remove({ force: true })));
    } catch {
      /* engine gone */
    }
  }

  /** Last resort at process exit (no event loop): the docker CLI, if there is one. */
  private removeAllSync(): void {
    const ids = [...this.live.keys()];
    if (ids.length === 0) return;
    try {
      spawnSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore', timeout: 20_000 });
    } catch {
      /* no CLI: the next run reaps them by label */
    }
  }

  /** Removes containers whose owner (a runner on this host) no longer runs; returns their names. */
  async reapStale(): Promise<string[]> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [LABEL] } });
    const reaped: string[] = [];
    for (const c of list) {
      const owner = c.Labels[LABEL_OWNER] ?? '';
      const [host, pid] = owner.split(':');
      if (host !== os.hostname() || pid === undefined || pid === String(process.pid) || isAlive(Number(pid))) continue;
      try {
        await this.docker.getContainer(c.Id).remove({ force: true });
        reaped.push((c.Names[0] ?? c.Id).replace(/^\//, ''));
      } catch {
        /* already gone */
      }
    }
    return reaped;
  }

  /** Stops tracking interrupts (after removeAll). */
  close(): void {
    this.unregister();
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class ContainerLauncher implements Launcher {
  readonly kind = 'containers' as const;
  readonly description: string;

  constructor(readonly engine: ContainerEngine) {
    this.description = `containers; ${engine.description}`;
  }

  prepare(image: ImageKind): Promise<string> {
    return this.engine.images.ensure(image);
  }

  async launch(spec: LaunchSpec): Promise<ServerProcess> {
    const image = await this.prepare(spec.image);
    return ContainerProcess.start(this.engine, spec, image);
  }
}

/** Environment entries a spec sets beyond the harness's own (the container gets only these, not the host's). */
export function envOverrides(env: NodeJS.ProcessEnv | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env ?? {})) if (v !== undefined && process.env[k] !== v) out[k] = v;
  return out;
}

/** Text of `docker logs` (stdout and stderr multiplexed with 8-byte frame headers when there is no TTY). */
export function demuxDockerLogs(buf: Buffer): string {
  let out = '';
  let i = 0;
  while (i + 8 <= buf.length && (buf[i] === 0 || buf[i] === 1 || buf[i] === 2) && buf[i + 1] === 0 && buf[i + 2] === 0 && buf[i + 3] === 0) {
    const len = buf.readUInt32BE(i + 4);
    out += buf.subarray(i + 8, i + 8 + len).toString('utf8');
    i += 8 + len;
  }
  return i === 0 ? buf.toString('utf8') : out + buf.subarray(i).toString('utf8');
}

const SIGNALS: Record<number, NodeJS.Signals> = { 9: 'SIGKILL', 15: 'SIGTERM', 6: 'SIGABRT', 11: 'SIGSEGV', 2: 'SIGINT' };

/** testcontainers' subclass hook: the container id is known (and tracked) before it starts. */
class CompatContainer extends GenericContainer {
  constructor(
    image: string,
    private readonly created: (id: string) => void,
  ) {
    super(image);
  }

  protected override async containerCreated(containerId: string): Promise<void> {
    this.created(containerId);
  }
}

/** Waits on the process's own readiness question (a protocol probe), giving up early when the container exits. */
class ProbeWaitStrategy implements WaitStrategy {
  private timeoutMs: number;

  constructor(
    private readonly spec: LaunchSpec,
    private readonly failed: (container: Dockerode.Container, why: string) => Promise<Error>,
    private readonly abandoned: () => string | undefined,
  ) {
    this.timeoutMs = spec.ready.timeoutMs;
  }

  withStartupTimeout(ms: number): this {
    this.timeoutMs = ms;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return true;
  }

  getStartupTimeout(): number {
    return this.timeoutMs;
  }

  async waitUntilReady(container: Dockerode.Container, _ports: BoundPorts): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    let last = 'no attempt made';
    for (;;) {
      const gaveUp = this.abandoned();
      if (gaveUp !== undefined) throw await this.failed(container, `given up before it was ready: ${gaveUp}`);
      const st = (await container.inspect()).State;
      if (!st.Running) throw await this.failed(container, `the container exited (exit code ${st.ExitCode}${st.OOMKilled ? ', OOM-killed' : ''}${st.Error ? `, ${st.Error}` : ''}) before it was ready`);
      try {
        if ((await this.spec.ready.check()) === true) return;
        last = 'condition not met yet';
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
      }
      if (Date.now() >= deadline) throw await this.failed(container, `${this.spec.ready.what}: not reached within ${this.timeoutMs} ms (last: ${last})`);
      await new Promise((r) => setTimeout(r, this.spec.ready.intervalMs ?? 250));
    }
  }
}

export class ContainerProcess implements ServerProcess {
  readonly name: string;
  readonly logFile: string;
  readonly exited: Promise<ExitInfo>;
  /** Full container id ('' until created). */
  containerId = '';
  /** The engine's log of the container, copied out when it ends. */
  readonly containerLogFile: string;
  private pidOnHost = -1;
  private exitInfo: ExitInfo | null = null;
  private resolveExit!: (e: ExitInfo) => void;
  killedWith: NodeJS.Signals | null = null;
  private removed: Promise<void> | undefined;
  private readonly scope: ProcessScope | undefined;

  private constructor(
    private readonly engine: ContainerEngine,
    private readonly spec: LaunchSpec,
    readonly containerName: string,
  ) {
    this.name = spec.name;
    this.logFile = spec.logFile;
    this.containerLogFile = path.join(path.dirname(spec.logFile), `${containerName}.container.log`);
    this.exited = new Promise<ExitInfo>((resolve) => {
      this.resolveExit = resolve;
    });
    this.scope = spec.scope === null ? undefined : (spec.scope ?? ProcessScope.current());
  }

  static async start(engine: ContainerEngine, spec: LaunchSpec, image: string): Promise<ContainerProcess> {
    const p = new ContainerProcess(engine, spec, engine.nextName(spec.name));
    p.scope?.add(p); // throws when the scope was closed (a start given up on starts nothing)
    try {
      await p.run(image);
    } catch (e) {
      await p.discard();
      p.scope?.delete(p);
      p.ended({ code: null, signal: p.killedWith });
      throw e;
    }
    return p;
  }

  get id(): string {
    return this.containerId.slice(0, 12);
  }

  get pid(): number {
    return this.pidOnHost;
  }

  get running(): boolean {
    return this.containerId !== '' && this.exitInfo === null;
  }

  get exit(): ExitInfo | null {
    return this.exitInfo;
  }

  private get container(): Dockerode.Container {
    return this.engine.docker.getContainer(this.containerId);
  }

  private async run(image: string): Promise<void> {
    const spec = this.spec;
    fs.mkdirSync(path.dirname(spec.logFile), { recursive: true });
    fs.appendFileSync(spec.logFile, `# ${new Date().toISOString()} container ${this.containerName} (image ${image}): ${spec.command} ${spec.args.join(' ')}\n# cwd ${spec.cwd}\n`);
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    const container = new CompatContainer(image, (id) => {
      this.containerId = id;
      this.engine.track(this);
      if (this.scope?.closed === true) throw new Error(`${this.name}: not started, ${this.scope.name} is closed`);
    })
      .withName(this.containerName)
      .withNetworkMode('host')
      .withUser(`${uid}:${gid}`)
      .withWorkingDir(spec.cwd)
      .withEnvironment(envOverrides(spec.env))
      .withBindMounts(spec.mounts.map((m) => ({ source: m, target: m, mode: 'rw' as const })))
      .withLabels({ [LABEL]: 'true', [LABEL_OWNER]: OWNER, [LABEL_RUN]: this.engine.ctx.dir, [LABEL_PROCESS]: spec.name })
      .withCommand(['/bin/sh', '-c', 'exec "$@" >>"$0" 2>&1', spec.logFile, spec.command, ...spec.args])
      .withWaitStrategy(new ProbeWaitStrategy(spec, (c, why) => this.readinessError(c, why), () => (this.scope?.closed === true ? `${this.scope.name} was closed` : undefined)))
      .withStartupTimeout(spec.ready.timeoutMs);
    await container.start();
    const info = await this.container.inspect();
    this.pidOnHost = info.State.Pid;
    void this.watch();
  }

  /** Follows the container to its end: records the exit, copies the engine's log out, removes it. */
  private async watch(): Promise<void> {
    let code: number | null = null;
    try {
      code = ((await this.container.wait()) as { StatusCode: number }).StatusCode;
    } catch {
      // the wait connection broke (engine restarted?): poll
      for (;;) {
        try {
          const st = (await this.container.inspect()).State;
          if (!st.Running) {
            code = st.ExitCode;
            break;
          }
        } catch {
          break; // gone
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    const signal = this.killedWith ?? (code !== null && code > 128 ? (SIGNALS[code - 128] ?? null) : null);
    fs.appendFileSync(this.logFile, `# container ${this.containerName} ended: ${signal ?? `exit code ${code}`}\n`);
    await this.discard();
    this.scope?.delete(this);
    this.ended({ code: signal === null ? code : null, signal });
  }

  private ended(e: ExitInfo): void {
    if (this.exitInfo !== null) return;
    this.exitInfo = e;
    this.resolveExit(e);
  }

  /** Copies the engine's log out and removes the container (once). */
  private discard(): Promise<void> {
    this.removed ??= (async () => {
      if (this.containerId === '') return;
      await this.copyEngineLog(this.container);
      try {
        await this.container.remove({ force: true, v: true });
      } catch {
        /* already removed (testcontainers removes a container that failed its wait strategy) */
      }
      this.engine.untrack(this);
    })();
    return this.removed;
  }

  private async copyEngineLog(c: Dockerode.Container): Promise<string> {
    try {
      const raw = (await c.logs({ stdout: true, stderr: true, follow: false, timestamps: true })) as unknown as Buffer;
      const text = demuxDockerLogs(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
      fs.writeFileSync(this.containerLogFile, text);
      return text;
    } catch {
      return '';
    }
  }

  private async readinessError(c: Dockerode.Container, why: string): Promise<Error> {
    const engineLog = await this.copyEngineLog(c);
    const extra = engineLog.trim() === '' ? '' : `--- ${this.containerLogFile} (docker logs, last lines)\n${engineLog.trim().split('\n').slice(-20).join('\n')}`;
    return new Error(readinessFailure(this.spec, `container ${this.containerName}: ${why}`, extra));
  }

  async signal(sig: ServerSignal): Promise<void> {
    if (!this.running) return;
    const c = this.container;
    try {
      if (sig === 'SIGSTOP') await c.pause();
      else if (sig === 'SIGCONT') await c.unpause();
      else {
        if (sig === 'SIGKILL') this.killedWith = 'SIGKILL';
        await c.kill({ signal: sig });
      }
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      // "is not paused" / "is not running": the state the signal asked for already holds
      if (!/not paused|not running|No such container|is already paused/i.test(msg)) throw e;
    }
  }

  async kill(): Promise<ExitInfo> {
    if (this.containerId === '') return { code: null, signal: null };
    if (this.exitInfo === null) {
      this.killedWith = 'SIGKILL';
      try {
        await this.container.kill({ signal: 'SIGKILL' });
      } catch {
        /* not running: watch() records the end */
      }
    }
    const e = await this.exited;
    await this.removed;
    return e;
  }

  async stop(graceMs = 10_000): Promise<ExitInfo> {
    if (this.containerId === '') return { code: null, signal: null };
    if (this.exitInfo === null) {
      await this.signal('SIGCONT'); // a paused container cannot handle SIGTERM
      try {
        await this.container.stop({ t: Math.max(1, Math.ceil(graceMs / 1000)) });
      } catch {
        /* already stopped */
      }
    }
    const e = await this.exited;
    await this.removed;
    return e;
  }

  tail(lines = 40): string {
    return tailFile(this.logFile, lines);
  }
}
