import { describeExit, type ServerProcess, type ServerSignal } from './runtime';

/**
 * What every server process of a target shares (the Apache NameServer and broker, Apogee): the process it runs as
 * now, its pid while running, why it died when nobody asked it to, and the signals the harness sends it. A
 * subclass launches the process and hands it to `supervise`.
 */
export abstract class SupervisedServer {
  private proc: ServerProcess | undefined;
  private expectingExit = false;
  private death: string | undefined;

  protected constructor(private readonly stopGraceMs: number) {}

  abstract get name(): string;

  /** The process id on this machine (a container's main process too), while running. */
  get pid(): number | undefined {
    return this.proc?.running === true ? this.proc.pid : undefined;
  }

  get running(): boolean {
    return this.proc?.running === true;
  }

  /** Why the process is gone when nobody stopped it (a crash, a container killed from outside), else undefined. */
  get died(): string | undefined {
    return this.death;
  }

  /** The process currently started, if any (running or not). */
  protected get current(): ServerProcess | undefined {
    return this.proc;
  }

  /** Call before launching: forget the previous process's death and the exit the harness expected. */
  protected resetLifecycle(): void {
    this.death = undefined;
    this.expectingExit = false;
  }

  /** Takes `p` as the current process; an exit the harness did not ask for is recorded with `why`. */
  protected supervise(p: ServerProcess, why: (exit: string) => string): void {
    this.proc = p;
    void p.exited.then((e) => {
      if (this.proc === p && !this.expectingExit) this.death = `${this.name} (${p.id}) exited unexpectedly (${describeExit(e)}); ${why(describeExit(e))}`;
    });
  }

  signal(sig: ServerSignal): void | Promise<void> {
    if (this.proc === undefined || !this.proc.running) throw new Error(`${this.name} is not running`);
    if (sig === 'SIGKILL' || sig === 'SIGTERM') this.expectingExit = true;
    return this.proc.signal(sig);
  }

  /** SIGKILL and wait for the exit. */
  async kill(): Promise<void> {
    this.expectingExit = true;
    await this.proc?.kill();
  }

  /** SIGTERM, SIGKILL after graceMs. */
  async stop(graceMs = this.stopGraceMs): Promise<void> {
    this.expectingExit = true;
    await this.proc?.stop(graceMs);
  }
}
