import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './paths';
import { freeBrokerPorts, freePort, LOOPBACK, type BrokerPorts } from './ports';
import { Probe, waitFor } from './probe';
import { ManagedProcess } from './process';
import type { RunContext } from './run';
import { asNumber, asObject, parseFastjson } from './util/fastjson';

/**
 * Apogee as local processes: one `node dist/lib/bin/apogee.js start` runs the NameServer and the broker on
 * 127.0.0.1 with a fresh data directory (a "machine" of its own). Readiness is the same real signal as for the
 * Apache broker: the broker answers GET_BROKER_RUNTIME_INFO and the NameServer lists it in its cluster info.
 * A SIGKILL kills the whole process; a restart reuses the ports and the data directory.
 */
export interface ApogeeProcessOptions {
  dir: string;
  name: string;
  /** Extra broker.conf properties (Java names). */
  brokerConfig?: Record<string, string | number | boolean>;
  /** Run the NameServer only (`--noBroker`): a Java broker registers with it. */
  namesrvOnly?: boolean;
  readyTimeoutMs?: number;
}

export class ApogeeProcess {
  readonly namesrvAddr: string;
  readonly brokerAddr: string;
  readonly brokerName = 'broker-a';
  readonly clusterName = 'DefaultCluster';
  readonly logFile: string;
  readonly dataDir: string;
  private proc: ManagedProcess | undefined;

  private constructor(
    private readonly ctx: RunContext,
    private readonly o: ApogeeProcessOptions,
    private readonly namesrvPort: number,
    private readonly ports: BrokerPorts,
  ) {
    this.namesrvAddr = `${LOOPBACK}:${namesrvPort}`;
    this.brokerAddr = `${LOOPBACK}:${ports.listenPort}`;
    this.dataDir = path.join(o.dir, 'data');
    this.logFile = path.join(o.dir, 'apogee.log');
    fs.mkdirSync(o.dir, { recursive: true });
  }

  static async start(ctx: RunContext, o: ApogeeProcessOptions): Promise<ApogeeProcess> {
    const p = new ApogeeProcess(ctx, o, await freePort(), await freeBrokerPorts());
    try {
      await p.start();
    } catch (e) {
      await p.kill();
      throw e;
    }
    return p;
  }

  get pid(): number | undefined {
    return this.proc?.running === true ? this.proc.pid : undefined;
  }

  async start(): Promise<void> {
    const args = [path.join(repoRoot(), 'dist', 'lib', 'bin', 'apogee.js'), 'start', '--dataDir', this.dataDir, '--host', LOOPBACK, '--namesrvPort', String(this.namesrvPort), '--brokerPort', String(this.ports.listenPort)];
    if (this.o.namesrvOnly === true) args.push('--noBroker');
    if (this.o.brokerConfig !== undefined) {
      const conf = path.join(this.o.dir, 'broker.conf');
      fs.writeFileSync(conf, Object.entries(this.o.brokerConfig).map(([k, v]) => `${k}=${v}\n`).join(''));
      args.push('--brokerConfig', conf);
    }
    this.proc = ManagedProcess.start({
      name: this.o.name,
      command: process.execPath,
      args,
      cwd: this.o.dir,
      env: { ...process.env, APOGEE_LOG_LEVEL: process.env.APOGEE_LOG_LEVEL ?? 'info' },
      logFile: this.logFile,
      pidFile: this.ctx.pidFile(this.o.name),
      marker: this.ctx.dir,
    });
    const probe = new Probe();
    const t0 = Date.now();
    try {
      await waitFor(
        `${this.o.name}: broker ${this.brokerAddr} registered with ${this.namesrvAddr}`,
        async () => {
          if (this.o.namesrvOnly === true) return (await probe.clusterInfo(this.namesrvAddr), true);
          await probe.brokerRuntimeInfo(this.brokerAddr);
          const info = await probe.clusterInfo(this.namesrvAddr);
          return info.brokers.get(this.brokerName)?.addrs.get(0) === this.brokerAddr ? true : undefined;
        },
        {
          timeoutMs: this.o.readyTimeoutMs ?? 60_000,
          abortIf: () => (this.proc !== undefined && !this.proc.running ? `apogee exited before it was ready; ${this.logFile}:\n${this.proc.tail(30)}` : undefined),
        },
      );
    } finally {
      probe.close();
    }
    this.ctx.logger.info({ name: this.o.name, pid: this.pid, ms: Date.now() - t0 }, 'apogee ready');
  }

  signal(sig: 'SIGKILL' | 'SIGTERM' | 'SIGSTOP' | 'SIGCONT'): void {
    if (this.proc === undefined || !this.proc.running) throw new Error(`${this.o.name} is not running`);
    this.proc.signal(sig);
  }

  async kill(): Promise<void> {
    await this.proc?.kill();
  }

  async stop(graceMs = 10_000): Promise<void> {
    await this.proc?.stop(graceMs);
  }

  /** <data>/store/config/consumerOffset.json, Java's format. */
  readPersistedConsumerOffsets(): Map<string, Map<number, number>> {
    const file = path.join(this.dataDir, 'store', 'config', 'consumerOffset.json');
    const out = new Map<string, Map<number, number>>();
    if (!fs.existsSync(file)) return out;
    const text = fs.readFileSync(file, 'utf8');
    if (text.trim() === '') return out;
    const table = asObject(asObject(parseFastjson(text), 'consumerOffset.json')['offsetTable'] ?? {}, 'offsetTable');
    for (const [key, queues] of Object.entries(table)) {
      const m = new Map<number, number>();
      for (const [q, off] of Object.entries(asObject(queues, key))) m.set(Number(q), asNumber(off, `${key}/${q}`));
      out.set(key, m);
    }
    return out;
  }
}
