import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApacheBroker, ApacheNamesrv, type BrokerConfig } from './apache';
import type { ApacheServerVersion } from './paths';
import { ApogeeProcess } from './apogee';
import { waitFor } from './probe';
import type { RunContext } from './run';

/**
 * A Target is whatever the official clients are pointed at: Apache RocketMQ (reference), Apogee, or an external
 * cluster. Suites only need namesrvAddr; scenarios that kill or restart the broker need `control` hooks, and
 * a suite skips (with a reason) what a target cannot do.
 *
 * Runtimes: today every target is a set of local processes. The testcontainers runtime of issue 6 will produce
 * the same descriptor (addresses on 127.0.0.1 with host networking; hooks that `docker kill -s KILL` and restart
 * the container; logs copied out of the container), so suites and runners do not change.
 */
export interface LogRef {
  name: string;
  path: string;
}

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
  signalBroker?(sig: BrokerSignal): void;
  signalNamesrv?(sig: BrokerSignal): void;
  restartNamesrv?(): Promise<void>;
  /**
   * Resolves once the broker has made these committed consumer offsets durable (so a SIGKILL keeps them).
   * Apache persists consumerOffset.json every flushConsumerOffsetInterval (5 s); the hook watches the file.
   */
  awaitOffsetsDurable?(req: DurableOffsets): Promise<void>;
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
  readonly control: TargetControl;
  readonly logs: readonly LogRef[];
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
}

/** Starts an Apache NameServer and one master broker behind it, each waited for on its real readiness signal. */
export async function startApacheTarget(ctx: RunContext, opts: ApacheTargetOptions): Promise<Target> {
  const name =
    opts.name ?? (opts.namesrvVersion === opts.brokerVersion ? `apache-${opts.brokerVersion}` : `apache-${opts.brokerVersion}-broker-ns-${opts.namesrvVersion}`);
  const dir = ctx.subdir(name);
  const namesrv = await ApacheNamesrv.start(ctx, { version: opts.namesrvVersion, dir: path.join(dir, 'namesrv'), name: `${name}/namesrv` });
  let broker: ApacheBroker;
  try {
    broker = await ApacheBroker.start(ctx, {
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
  return apacheTarget(ctx, name, namesrv, broker, `Apache RocketMQ NameServer ${opts.namesrvVersion} + broker ${opts.brokerVersion} (local processes)`, opts.keepStore ?? false);
}

/** Wraps already started Apache processes as a Target. */
export function apacheTarget(ctx: RunContext, name: string, namesrv: ApacheNamesrv, broker: ApacheBroker, description: string, keepStore = false): Target {
  let stopped = false;
  return {
    name,
    kind: 'apache',
    description,
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
        broker.signal(sig);
      },
      signalNamesrv(sig) {
        namesrv.signal(sig);
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
export function externalTarget(namesrvAddr: string, name = 'external', clusterName = 'DefaultCluster'): Target {
  return {
    name,
    kind: 'external',
    description: `external cluster at ${namesrvAddr}`,
    namesrvAddr,
    clusterName,
    control: {},
    logs: [],
    async stop() {
      /* not ours */
    },
  };
}

export interface ApogeeTargetOptions {
  name?: string;
  /** Extra broker.conf properties (Java names). */
  brokerConfig?: Record<string, string | number | boolean>;
}

/**
 * Apogee as a target: `node dist/lib/bin/apogee.js start` (NameServer + broker in one process) on free ports of
 * 127.0.0.1 with its own data directory, waited for on the real readiness signal. Control hooks SIGKILL and
 * restart that process; awaitOffsetsDurable reads <data>/store/config/consumerOffset.json (Java's format).
 */
export async function startApogeeTarget(ctx: RunContext, opts: ApogeeTargetOptions = {}): Promise<Target> {
  const name = opts.name ?? 'apogee';
  const dir = ctx.subdir(name);
  const p = await ApogeeProcess.start(ctx, { dir, name, ...(opts.brokerConfig !== undefined ? { brokerConfig: opts.brokerConfig } : {}) });
  let stopped = false;
  return {
    name,
    kind: 'apogee',
    description: 'Apogee (apogee start: NameServer + broker in one Node.js process, local)',
    namesrvAddr: p.namesrvAddr,
    brokerAddr: p.brokerAddr,
    brokerName: p.brokerName,
    clusterName: p.clusterName,
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
        p.signal(sig);
      },
      signalNamesrv(sig) {
        p.signal(sig);
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
