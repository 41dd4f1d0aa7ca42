import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './paths';
import { freeBrokerPorts, freePort, LOOPBACK, type BrokerPorts } from './ports';
import { Probe } from './probe';
import { ProcessScope } from './process';
import type { RunContext } from './run';
import { localLauncher, type Launcher, type ServerProcess } from './runtime';
import { SupervisedServer } from './supervised';
import { asNumber, asObject, parseFastjson } from './util/fastjson';

/**
 * Apogee as a server process: one `node dist/lib/bin/apogee.js start` runs the NameServer and the broker on
 * 127.0.0.1 with a fresh data directory (a "machine" of its own), as a local child process or in a container of
 * the `apogee` image (the node binary, dist/ and the production node_modules of the working tree; see images.ts).
 * Readiness is the same real signal as for the Apache broker: the broker answers GET_BROKER_RUNTIME_INFO and the
 * NameServer lists it in its cluster info. A SIGKILL kills the whole process; a restart reuses the ports and the
 * data directory.
 */
export interface ApogeeProcessOptions {
  dir: string;
  name: string;
  /** Extra broker.conf properties (Java names). */
  brokerConfig?: Record<string, string | number | boolean>;
  /** Run the NameServer only (`--noBroker`): a Java broker registers with it. */
  namesrvOnly?: boolean;
  readyTimeoutMs?: number;
  /** Default: a free ephemeral port (benchmarks pick ports first to probe them while the process starts). */
  namesrvPort?: number;
  /** Default: a free broker port triple. */
  ports?: BrokerPorts;
  /** Node.js flags placed before the script, e.g. ['--cpu-prof', '--cpu-prof-dir=DIR'] (not allowed in NODE_OPTIONS). */
  nodeArgs?: string[];
  /** Extra environment variables for the process. */
  env?: Record<string, string>;
  /** Where the process runs (default: a local child process). */
  launcher?: Launcher;
  /** lib/grpc's port (`--grpcPort`); default 0, off: parallel Apogees would otherwise race for 8081. */
  grpcPort?: number;
}

export class ApogeeProcess extends SupervisedServer {
  readonly namesrvAddr: string;
  readonly brokerAddr: string;
  readonly brokerName = 'broker-a';
  readonly clusterName = 'DefaultCluster';
  readonly logFile: string;
  readonly dataDir: string;
  private readonly scope: ProcessScope | null = ProcessScope.current() ?? null;

  private constructor(
    private readonly ctx: RunContext,
    private readonly o: ApogeeProcessOptions,
    private readonly namesrvPort: number,
    private readonly ports: BrokerPorts,
  ) {
    super(10_000);
    this.namesrvAddr = `${LOOPBACK}:${namesrvPort}`;
    this.brokerAddr = `${LOOPBACK}:${ports.listenPort}`;
    this.dataDir = path.join(o.dir, 'data');
    this.logFile = path.join(o.dir, 'apogee.log');
    fs.mkdirSync(o.dir, { recursive: true });
  }

  static async start(ctx: RunContext, o: ApogeeProcessOptions): Promise<ApogeeProcess> {
    const p = new ApogeeProcess(ctx, o, o.namesrvPort ?? (await freePort()), o.ports ?? (await freeBrokerPorts()));
    try {
      await p.start();
    } catch (e) {
      await p.kill();
      throw e;
    }
    return p;
  }

  get name(): string {
    return this.o.name;
  }

  async start(): Promise<void> {
    const args = [...(this.o.nodeArgs ?? []), path.join(repoRoot(), 'dist', 'lib', 'bin', 'apogee.js'), 'start', '--dataDir', this.dataDir, '--host', LOOPBACK, '--namesrvPort', String(this.namesrvPort), '--brokerPort', String(this.ports.listenPort), '--grpcPort', String(this.o.grpcPort ?? 0)];
    if (this.o.namesrvOnly === true) args.push('--noBroker');
    if (this.o.brokerConfig !== undefined) {
      const conf = path.join(this.o.dir, 'broker.conf');
      fs.writeFileSync(conf, Object.entries(this.o.brokerConfig).map(([k, v]) => `${k}=${v}\n`).join(''));
      args.push('--brokerConfig', conf);
    }
    const probe = new Probe();
    const t0 = Date.now();
    this.resetLifecycle();
    let p: ServerProcess;
    try {
      p = await (this.o.launcher ?? localLauncher).launch({
        name: this.o.name,
        command: process.execPath,
        args,
        cwd: this.o.dir,
        env: { ...process.env, APOGEE_LOG_LEVEL: process.env.APOGEE_LOG_LEVEL ?? 'info', ...(this.o.env ?? {}) },
        logFile: this.logFile,
        pidFile: this.ctx.pidFile(this.o.name),
        marker: this.ctx.dir,
        scope: this.scope,
        image: 'apogee',
        mounts: [this.o.dir],
        ready: {
          what: `${this.o.name}: broker ${this.brokerAddr} registered with ${this.namesrvAddr}`,
          check: async () => {
            if (this.o.namesrvOnly === true) return (await probe.clusterInfo(this.namesrvAddr), true);
            await probe.brokerRuntimeInfo(this.brokerAddr);
            const info = await probe.clusterInfo(this.namesrvAddr);
            return info.brokers.get(this.brokerName)?.addrs.get(0) === this.brokerAddr ? true : undefined;
          },
          timeoutMs: this.o.readyTimeoutMs ?? 60_000,
        },
      });
    } finally {
      probe.close();
    }
    this.supervise(p, () => `${this.logFile}:\n${p.tail(30)}`);
    this.ctx.logger.info({ name: this.o.name, pid: this.pid, ms: Date.now() - t0 }, 'apogee ready');
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
