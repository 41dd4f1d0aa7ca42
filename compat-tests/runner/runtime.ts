import type { ExitInfo, SpawnSpec } from './process';
import { ManagedProcess, tailFile } from './process';
import { waitFor } from './probe';

/**
 * Runtimes: where the server processes of a target (Apache NameServer and broker, Apogee) run.
 *
 *   local       plain child processes of the harness (process.ts), as the compat tests always did;
 *   containers  one container per server process (containers.ts), from images the harness builds and caches
 *               (images.ts); host networking on 127.0.0.1, the process directory bind-mounted at the same path.
 *
 * Either way a target's code (apache.ts, apogee.ts) describes the process once — command, arguments, log file,
 * directories, readiness — and a Launcher runs it, waits on the real readiness signal (a protocol probe, never a
 * sleep) and returns a ServerProcess with the same controls. Clients and tools (mvn, go test, mqadmin, benchmark)
 * always run on the host and reach the target over 127.0.0.1.
 */
export type RuntimeKind = 'local' | 'containers';

/** What the harness can do to a server process: SIGSTOP/SIGCONT map to docker pause/unpause in a container. */
export type ServerSignal = 'SIGKILL' | 'SIGTERM' | 'SIGSTOP' | 'SIGCONT';

export interface ServerProcess {
  readonly name: string;
  /** The process id on this machine (for a container: its main process, seen from the host). */
  readonly pid: number;
  /** For logs: the pid (local) or the short container id. */
  readonly id: string;
  readonly running: boolean;
  readonly exit: ExitInfo | null;
  readonly exited: Promise<ExitInfo>;
  /** stdout + stderr of the process. */
  readonly logFile: string;
  signal(sig: ServerSignal): void | Promise<void>;
  /** SIGKILL; resolves once it is gone (a container is also removed). */
  kill(): Promise<ExitInfo>;
  /** SIGTERM, SIGKILL after graceMs. */
  stop(graceMs?: number): Promise<ExitInfo>;
  tail(lines?: number): string;
}

/** The readiness signal of a server process, asked over the protocol (probe.ts). */
export interface Readiness {
  what: string;
  /** One attempt: true when ready, undefined when not yet (a thrown error is "not yet" too, and reported). */
  check: () => Promise<true | undefined>;
  timeoutMs: number;
  intervalMs?: number;
}

/** Which image holds what a process needs (containers); the local runtime ignores it. */
export type ImageKind = 'apogee' | 'apache-5.5.0' | 'apache-4.9.7';

export interface LaunchSpec extends SpawnSpec {
  image: ImageKind;
  /** Host directories the process reads and writes (a container gets each bind-mounted at the same path). */
  mounts: string[];
  ready: Readiness;
  /** More text for a readiness failure (e.g. the tail of the server's own log file). */
  diagnostics?: () => string;
}

export interface Launcher {
  readonly kind: RuntimeKind;
  /** For reports: "local processes", "containers (Docker 20.10.24, unix:///var/run/docker.sock)". */
  readonly description: string;
  /** Makes what `image` needs available (containers: builds or finds the cached image); idempotent. */
  prepare(image: ImageKind): Promise<string>;
  /** Starts the process and resolves once `spec.ready` holds; on failure nothing of it is left running. */
  launch(spec: LaunchSpec): Promise<ServerProcess>;
}

/** Text of a readiness failure: what was awaited, why it failed, and the logs. */
export function readinessFailure(spec: LaunchSpec, why: string, extraLogs = ''): string {
  const parts = [`${spec.name}: ${why}`, `--- ${spec.logFile} (last lines)`, tailFile(spec.logFile, 30)];
  if (extraLogs !== '') parts.push(extraLogs);
  const more = spec.diagnostics?.();
  if (more !== undefined && more !== '') parts.push(more);
  return parts.join('\n');
}

export function describeExit(e: ExitInfo | null): string {
  if (e === null) return 'still running';
  return e.signal !== null ? `killed by ${e.signal}` : `exit code ${e.code}`;
}

/** Plain child processes (process.ts): what the compat tests always ran. */
export class LocalLauncher implements Launcher {
  readonly kind = 'local' as const;
  readonly description = 'local processes';

  async prepare(image: ImageKind): Promise<string> {
    return `${image} (from the host)`;
  }

  async launch(spec: LaunchSpec): Promise<ServerProcess> {
    const p = ManagedProcess.start(spec);
    try {
      await waitFor(spec.ready.what, spec.ready.check, {
        timeoutMs: spec.ready.timeoutMs,
        ...(spec.ready.intervalMs !== undefined ? { intervalMs: spec.ready.intervalMs } : {}),
        abortIf: () => (p.running ? undefined : `the process exited (${describeExit(p.exit)}) before it was ready`),
      });
    } catch (e) {
      await p.kill();
      throw new Error(readinessFailure(spec, e instanceof Error ? e.message : String(e)));
    }
    return p;
  }
}

export const localLauncher = new LocalLauncher();
