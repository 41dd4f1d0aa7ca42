import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApacheBroker, ApacheNamesrv } from './apache';
import { ApogeeProcess } from './apogee';
import { repoRoot, type ApacheServerVersion } from './paths';
import { freeBrokerPorts, LOOPBACK, type BrokerPorts } from './ports';
import { Probe } from './probe';
import { ProcessScope } from './process';
import type { RunContext } from './run';
import { localLauncher, type ServerProcess } from './runtime';
import { SupervisedServer } from './supervised';
import type { Target } from './target';

/**
 * The cluster topology (issue 13): 2 NameServers that never talk to each other, 2 masters (broker-a, broker-b,
 * brokerId 0, ASYNC_MASTER) and one slave of each (brokerId 1, SLAVE), every broker registered with both
 * NameServers (namesrvAddr "ns0;ns1"), all in DefaultCluster on 127.0.0.1 — for Apogee (`mqnamesrv`-like
 * `apogee start --noBroker` and `mqbroker` processes) and for Apache RocketMQ (mqnamesrv / mqbroker JVMs).
 * slaveReadEnable=true on every broker: a Java 5.x slave refuses pulls without it (PullMessageProcessor
 * #rejectRequest), so consuming from a slave after its master died needs it.
 *
 * The target's namesrvAddr is "ns0;ns1"; brokerAddr is broker-a's master. Control hooks: killNamesrv(i) /
 * startNamesrv(i), killBroker(name, id) / startBroker(name, id) (SIGKILL, then a start on the same ports and store).
 */
export type ClusterKind = 'apogee' | 'apache';

/** Lib/ha replication (branch h/ha-repl) is not merged yet: Apogee slaves hold no messages. Flip when merged. */
export const APOGEE_SLAVE_REPLICATION = false;

export interface ClusterMember {
  brokerName: string;
  brokerId: number;
  addr: string;
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterNamesrv {
  addr: string;
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterTarget extends Target {
  readonly namesrvs: readonly ClusterNamesrv[];
  readonly members: readonly ClusterMember[];
  /** Whether a slave holds its master's messages (Apache: yes; Apogee: APOGEE_SLAVE_REPLICATION). */
  readonly slaveReplication: boolean;
}

const BROKER_NAMES = ['broker-a', 'broker-b'] as const;

/** An Apogee broker alone (`node dist/lib/bin/mqbroker.js -c broker.conf`), ready once every NameServer lists it. */
export class ApogeeBroker extends SupervisedServer {
  readonly addr: string;
  readonly logFile: string;
  private readonly scope: ProcessScope | null = ProcessScope.current() ?? null;

  constructor(
    private readonly ctx: RunContext,
    private readonly dir: string,
    readonly brokerName: string,
    readonly brokerId: number,
    private readonly namesrvAddr: string,
    ports: BrokerPorts,
  ) {
    super(10_000);
    this.addr = `${LOOPBACK}:${ports.listenPort}`;
    this.logFile = path.join(dir, 'broker.log');
    fs.mkdirSync(dir, { recursive: true });
    const conf: Record<string, string | number | boolean> = {
      brokerClusterName: 'DefaultCluster',
      brokerName,
      brokerId,
      brokerRole: brokerId === 0 ? 'ASYNC_MASTER' : 'SLAVE',
      namesrvAddr,
      brokerIP1: LOOPBACK,
      listenPort: ports.listenPort,
      haListenPort: ports.haListenPort,
      storePathRootDir: path.join(dir, 'store'),
      defaultTopicQueueNums: 8,
      slaveReadEnable: true,
    };
    fs.writeFileSync(path.join(dir, 'broker.conf'), Object.entries(conf).map(([k, v]) => `${k}=${v}\n`).join(''));
  }

  get name(): string {
    return `cluster/${this.brokerName}-${this.brokerId}`;
  }

  async start(): Promise<void> {
    const probe = new Probe();
    const namesrvs = this.namesrvAddr.split(';');
    this.resetLifecycle();
    let p: ServerProcess;
    try {
      p = await localLauncher.launch({
        name: this.name,
        command: process.execPath,
        args: [path.join(repoRoot(), 'dist', 'lib', 'bin', 'mqbroker.js'), '-c', path.join(this.dir, 'broker.conf')],
        cwd: this.dir,
        env: { ...process.env, APOGEE_LOG_LEVEL: process.env.APOGEE_LOG_LEVEL ?? 'info' },
        logFile: this.logFile,
        pidFile: this.ctx.pidFile(this.name.replace('/', '-')),
        marker: this.ctx.dir,
        scope: this.scope,
        image: 'apogee',
        mounts: [this.dir],
        ready: {
          what: `${this.name} at ${this.addr} registered with ${namesrvs.join(', ')}`,
          check: async () => {
            await probe.brokerRuntimeInfo(this.addr);
            for (const ns of namesrvs) {
              const info = await probe.clusterInfo(ns);
              if (info.brokers.get(this.brokerName)?.addrs.get(this.brokerId) !== this.addr) return undefined;
            }
            return true;
          },
          timeoutMs: 60_000,
        },
      });
    } finally {
      probe.close();
    }
    this.supervise(p, () => `${this.logFile}:\n${p.tail(30)}`);
  }
}

export async function startClusterTarget(ctx: RunContext, kind: ClusterKind, version: ApacheServerVersion = '5.5.0'): Promise<ClusterTarget> {
  const name = kind === 'apogee' ? 'apogee-cluster' : `apache-${version}-cluster`;
  const dir = ctx.subdir(name);
  const namesrvs: ClusterNamesrv[] = [];
  const members: ClusterMember[] = [];
  const died: (() => string | undefined)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const m of [...members].reverse()) await m.stop().catch(() => undefined);
    for (const n of namesrvs) await n.stop().catch(() => undefined);
  };
  try {
    for (const i of [0, 1]) {
      if (kind === 'apogee') {
        const p = await ApogeeProcess.start(ctx, { dir: path.join(dir, `namesrv-${i}`), name: `${name}/namesrv-${i}`, namesrvOnly: true });
        died.push(() => p.died);
        namesrvs.push({ addr: p.namesrvAddr, kill: () => p.kill(), start: () => p.start(), stop: () => p.stop() });
      } else {
        const p = await ApacheNamesrv.start(ctx, { version, dir: path.join(dir, `namesrv-${i}`), name: `${name}/namesrv-${i}` });
        died.push(() => p.died);
        namesrvs.push({ addr: p.addr, kill: () => p.kill(), start: () => p.start(), stop: () => p.stop() });
      }
    }
    const namesrvAddr = namesrvs.map((n) => n.addr).join(';');
    for (const brokerName of BROKER_NAMES) {
      for (const brokerId of [0, 1]) {
        const bdir = path.join(dir, `${brokerName}-${brokerId}`);
        const ports = await freeBrokerPorts();
        if (kind === 'apogee') {
          const b = new ApogeeBroker(ctx, bdir, brokerName, brokerId, namesrvAddr, ports);
          await b.start();
          died.push(() => b.died);
          members.push({ brokerName, brokerId, addr: b.addr, kill: () => b.kill(), start: () => b.start(), stop: () => b.stop() });
        } else {
          const b = await ApacheBroker.start(ctx, {
            version,
            dir: bdir,
            namesrvAddr,
            brokerName,
            name: `${name}/${brokerName}-${brokerId}`,
            ports,
            config: { brokerId, brokerRole: brokerId === 0 ? 'ASYNC_MASTER' : 'SLAVE', slaveReadEnable: true },
          });
          died.push(() => b.died);
          members.push({ brokerName, brokerId, addr: b.addr, kill: () => b.kill(), start: () => b.start(), stop: () => b.stop() });
        }
      }
    }
  } catch (e) {
    await stopAll();
    throw e;
  }
  const find = (brokerName: string, brokerId: number): ClusterMember => {
    const m = members.find((x) => x.brokerName === brokerName && x.brokerId === brokerId);
    if (m === undefined) throw new Error(`no broker ${brokerName}/${brokerId} in ${name}`);
    return m;
  };
  const ns = (i: number): ClusterNamesrv => {
    const n = namesrvs[i];
    if (n === undefined) throw new Error(`no NameServer #${i} in ${name}`);
    return n;
  };
  let stopped = false;
  return {
    name,
    kind,
    description: `${kind === 'apogee' ? 'Apogee' : `Apache RocketMQ ${version}`} cluster: 2 NameServers, 2 masters, 2 slaves (local processes)`,
    runtime: 'local',
    namesrvAddr: namesrvs.map((n) => n.addr).join(';'),
    brokerAddr: find('broker-a', 0).addr,
    brokerName: 'broker-a',
    clusterName: 'DefaultCluster',
    namesrvs,
    members,
    slaveReplication: kind === 'apache' || APOGEE_SLAVE_REPLICATION,
    logs: [],
    // A member killed on purpose is not "died" (SupervisedServer/JavaServer record only unexpected exits).
    health: () => (stopped ? undefined : died.map((d) => d()).find((d) => d !== undefined)),
    control: {
      killNamesrv: (i) => ns(i).kill(),
      startNamesrv: (i) => ns(i).start(),
      killBroker: (brokerName, brokerId) => find(brokerName, brokerId).kill(),
      startBroker: (brokerName, brokerId) => find(brokerName, brokerId).start(),
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopAll();
    },
  };
}
