import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApacheBroker, ApacheNamesrv, type BrokerConfig } from './apache';
import type { ApacheServerVersion } from './paths';
import { ApogeeProcess } from './apogee';
import { Probe, waitFor } from './probe';
import type { RunContext } from './run';
import { LOOPBACK } from './ports';
import { localLauncher, type Launcher } from './runtime';

/**
 * A Target is whatever the official clients are pointed at: Apache RocketMQ (reference), Apogee, or an external
 * cluster. Suites only need namesrvAddr; scenarios that kill or restart the broker need `control` hooks, and
 * a suite skips (with a reason) what a target cannot do.
 *
 * Runtimes (runtime.ts): a target's processes run as local child processes or in containers (testcontainers; host
 * networking on 127.0.0.1, hooks mapped to docker kill / pause / unpause and a fresh container on restart, the
 * process directories bind-mounted so logs and stores are read in place). The descriptor is the same either way, so
 * suites and runners do not change.
 */
export interface LogRef {
  name: string;
  path: string;
}

/** SIGSTOP/SIGCONT are docker pause/unpause in a container. */
export type BrokerSignal = 'SIGKILL' | 'SIGTERM' | 'SIGSTOP' | 'SIGCONT';

export interface DurableOffsets {
  group: string;
  topic: string;
  /** queueId -> the committed offset that must be on disk. */
  offsets: Record<number, number>;
  timeoutMs: number;
}

export interface TargetControl {
  /** SIGKILL the broker, start it again on the same ports and store; resolves once it is ready again. */
  killAndRestartBroker?(): Promise<void>;
  /** Graceful restart of the broker (SIGTERM, start). */
  restartBroker?(): Promise<void>;
  /** Resolves once the signal is delivered (await it: in a container, SIGSTOP is an asynchronous docker pause). */
  signalBroker?(sig: BrokerSignal): void | Promise<void>;
  signalNamesrv?(sig: BrokerSignal): void | Promise<void>;
  restartNamesrv?(): Promise<void>;
  /**
   * Resolves once the broker has made these committed consumer offsets durable (so a SIGKILL keeps them).
   * Apache persists consumerOffset.json every flushConsumerOffsetInterval (5 s); the hook watches the file.
   */
  awaitOffsetsDurable?(req: DurableOffsets): Promise<void>;
  /** Cluster topology (cluster.ts): SIGKILL / start again NameServer #i of the target's namesrvAddr list. */
  killNamesrv?(index: number): Promise<void>;
  startNamesrv?(index: number): Promise<void>;
  /** Cluster topology: SIGKILL / start again (same ports and store) one broker of the cluster. */
  killBroker?(brokerName: string, brokerId: number): Promise<void>;
  startBroker?(brokerName: string, brokerId: number): Promise<void>;
}

export interface Target {
  /** Stable name used in reports: 'apache-5.5.0', 'apache-4.9.7-broker', 'apogee', 'external'. */
  readonly name: string;
  readonly kind: 'apache' | 'apogee' | 'external';
  /** Human description: versions, runtime. */
  readonly description: string;
  readonly namesrvAddr: string;
  readonly brokerAddr?: string;
  readonly brokerName?: string;
  readonly clusterName: string;
  /** "host:port" of the target's own apache.rocketmq.v2 gRPC endpoint (Apogee's lib/grpc), when it serves one. */
  readonly grpcEndpoint?: string;
  readonly control: TargetControl;
  readonly logs: readonly LogRef[];
  /** Which runtime runs its processes ('local', 'containers'; undefined for an external cluster). */
  readonly runtime?: string;
  /**
   * Undefined while every process of the target is up (or was stopped on purpose); otherwise why one is gone (it
   * crashed, its container was killed from outside), with the tail of its logs. The matrix runner polls it.
   */
  health?(): string | undefined;
  /** Stops every process of the target (idempotent). */
  stop(): Promise<void>;
}

export interface ApacheTargetOptions {
  /** Default: `apache-<brokerVersion>` (plus `-ns-<version>` when the NameServer version differs). */
  name?: string;
  namesrvVersion: ApacheServerVersion;
  brokerVersion: ApacheServerVersion;
  clusterName?: string;
  brokerName?: string;
  brokerConfig?: Partial<BrokerConfig>;
  /** Keep the broker's store directory after stop() (default: deleted; logs are always kept). */
  keepStore?: boolean;
  /** Where the processes run (default: local child processes). */
  launcher?: Launcher;
}

/** Starts an Apache NameServer and one master broker behind it, each waited for on its real readiness signal. */
export async function startApacheTarget(ctx: RunContext, opts: ApacheTargetOptions): Promise<Target> {
  const name =
    opts.name ?? (opts.namesrvVersion === opts.brokerVersion ? `apache-${opts.brokerVersion}` : `apache-${opts.brokerVersion}-broker-ns-${opts.namesrvVersion}`);
  const dir = ctx.subdir(name);
  const launcher = opts.launcher ?? localLauncher;
  const namesrv = await ApacheNamesrv.start(ctx, { version: opts.namesrvVersion, dir: path.join(dir, 'namesrv'), name: `${name}/namesrv`, launcher });
  let broker: ApacheBroker;
  try {
    broker = await ApacheBroker.start(ctx, {
      launcher,
      version: opts.brokerVersion,
      dir: path.join(dir, opts.brokerName ?? 'broker-a'),
      namesrvAddr: namesrv.addr,
      brokerName: opts.brokerName ?? 'broker-a',
      clusterName: opts.clusterName ?? 'DefaultCluster',
      name: `${name}/broker`,
      config: opts.brokerConfig ?? {},
    });
  } catch (e) {
    await namesrv.stop();
    throw e;
  }
  return apacheTarget(ctx, name, namesrv, broker, `Apache RocketMQ NameServer ${opts.namesrvVersion} + broker ${opts.brokerVersion} (${launcher.description})`, opts.keepStore ?? false, launcher.kind);
}

/** Wraps already started Apache processes as a Target. */
export function apacheTarget(ctx: RunContext, name: string, namesrv: ApacheNamesrv, broker: ApacheBroker, description: string, keepStore = false, runtime = 'local'): Target {
  let stopped = false;
  return {
    name,
    kind: 'apache',
    description,
    runtime,
    health: () => (stopped ? undefined : (namesrv.died ?? broker.died)),
    namesrvAddr: namesrv.addr,
    brokerAddr: broker.addr,
    brokerName: broker.brokerName,
    clusterName: broker.clusterName,
    logs: [
      { name: 'namesrv.log', path: namesrv.logFile },
      { name: 'namesrv.out', path: namesrv.outFile },
      { name: 'broker.log', path: broker.logFile },
      { name: 'broker.out', path: broker.outFile },
    ],
    control: {
      async killAndRestartBroker() {
        ctx.logger.info({ target: name, pid: broker.pid }, 'SIGKILL broker');
        await broker.kill();
        await broker.start();
      },
      async restartBroker() {
        await broker.restart();
      },
      signalBroker(sig) {
        return broker.signal(sig);
      },
      signalNamesrv(sig) {
        return namesrv.signal(sig);
      },
      async restartNamesrv() {
        await namesrv.restart();
      },
      async awaitOffsetsDurable(req) {
        const key = `${req.topic}@${req.group}`;
        await waitFor(
          `consumer offsets of ${key} persisted in ${broker.storeDir}/config/consumerOffset.json`,
          async () => {
            const persisted = broker.readPersistedConsumerOffsets().get(key);
            if (persisted === undefined) return undefined;
            for (const [q, want] of Object.entries(req.offsets)) {
              if ((persisted.get(Number(q)) ?? -1) < want) return undefined;
            }
            return true;
          },
          { timeoutMs: req.timeoutMs, intervalMs: 200 },
        );
      },
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await broker.stop();
      await namesrv.stop();
      // The store holds sparse 1 GiB commit log and consume queue files; a run directory keeps only the logs.
      if (!keepStore) fs.rmSync(broker.storeDir, { recursive: true, force: true });
    },
  };
}

/** A running cluster the harness does not manage (no control hooks: restart scenarios are skipped). */
export function externalTarget(namesrvAddr: string, name = 'external', clusterName = 'DefaultCluster', broker?: { addr: string; name: string }): Target {
  return {
    name,
    kind: 'external',
    description: `external cluster at ${namesrvAddr}${broker === undefined ? '' : ` (master ${broker.name} at ${broker.addr})`}`,
    namesrvAddr,
    ...(broker !== undefined ? { brokerAddr: broker.addr, brokerName: broker.name } : {}),
    clusterName,
    control: {},
    logs: [],
    async stop() {
      /* not ours */
    },
  };
}

/**
 * An external cluster, looked up first: its NameServer must answer GET_BROKER_CLUSTER_INFO, and the first master
 * it lists (brokerId 0; the Go suite creates its topics there) becomes the target's broker.
 */
export async function discoverExternalTarget(namesrvAddr: string, name = `external:${namesrvAddr}`, timeoutMs = 30_000): Promise<Target> {
  const probe = new Probe();
  try {
    const info = await waitFor(`the NameServer at ${namesrvAddr} answers GET_BROKER_CLUSTER_INFO and lists a master broker`, async () => {
      const ci = await probe.clusterInfo(namesrvAddr);
      for (const [cluster, names] of ci.clusters) {
        for (const n of names) {
          const addr = ci.brokers.get(n)?.addrs.get(0);
          if (addr !== undefined) return { cluster, name: n, addr };
        }
      }
      return undefined;
    }, { timeoutMs, intervalMs: 500 });
    return externalTarget(namesrvAddr, name, info.cluster, { addr: info.addr, name: info.name });
  } finally {
    probe.close();
  }
}

export interface ApogeeTargetOptions {
  name?: string;
  /** Extra broker.conf properties (Java names). */
  brokerConfig?: Record<string, string | number | boolean>;
  /** Where the process runs (default: a local child process). */
  launcher?: Launcher;
  /** Serve lib/grpc on this port (`--grpcPort`); default off, so parallel targets never race for 8081. */
  grpcPort?: number;
}

/**
 * Apogee as a target: `node dist/lib/bin/apogee.js start` (NameServer + broker in one process) on free ports of
 * 127.0.0.1 with its own data directory, waited for on the real readiness signal. Control hooks SIGKILL and
 * restart that process; awaitOffsetsDurable reads <data>/store/config/consumerOffset.json (Java's format).
 */
export async function startApogeeTarget(ctx: RunContext, opts: ApogeeTargetOptions = {}): Promise<Target> {
  const name = opts.name ?? 'apogee';
  const dir = ctx.subdir(name);
  const launcher = opts.launcher ?? localLauncher;
  const p = await ApogeeProcess.start(ctx, { dir, name, launcher, ...(opts.brokerConfig !== undefined ? { brokerConfig: opts.brokerConfig } : {}), ...(opts.grpcPort !== undefined ? { grpcPort: opts.grpcPort } : {}) });
  let stopped = false;
  return {
    name,
    kind: 'apogee',
    description: `Apogee (apogee start: NameServer + broker in one Node.js process; ${launcher.description})`,
    runtime: launcher.kind,
    health: () => (stopped ? undefined : p.died),
    namesrvAddr: p.namesrvAddr,
    brokerAddr: p.brokerAddr,
    brokerName: p.brokerName,
    clusterName: p.clusterName,
    ...(opts.grpcPort !== undefined && opts.grpcPort > 0 ? { grpcEndpoint: `${LOOPBACK}:${opts.grpcPort}` } : {}),
    logs: [{ name: 'apogee.log', path: p.logFile }],
    control: {
      async killAndRestartBroker() {
        ctx.logger.info({ target: name, pid: p.pid }, 'SIGKILL apogee');
        await p.kill();
        await p.start();
      },
      async restartBroker() {
        await p.stop();
        await p.start();
      },
      signalBroker(sig) {
        return p.signal(sig);
      },
      signalNamesrv(sig) {
        return p.signal(sig);
      },
      async restartNamesrv() {
        await p.stop();
        await p.start();
      },
      async awaitOffsetsDurable(req) {
        const key = `${req.topic}@${req.group}`;
        await waitFor(
          `consumer offsets of ${key} persisted in ${p.dataDir}/store/config/consumerOffset.json`,
          async () => {
            const persisted = p.readPersistedConsumerOffsets().get(key);
            if (persisted === undefined) return undefined;
            for (const [q, want] of Object.entries(req.offsets)) if ((persisted.get(Number(q)) ?? -1) < want) return undefined;
            return true;
          },
          { timeoutMs: req.timeoutMs, intervalMs: 200 },
        );
      },
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await p.stop();
      fs.rmSync(p.dataDir, { recursive: true, force: true });
    },
  };
}
