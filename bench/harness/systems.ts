import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ApacheBroker,
  ApacheNamesrv,
  ApogeeProcess,
  BROKER_JVM_ARGS,
  NAMESRV_JVM_ARGS,
  ensureClasspath,
  freeBrokerPorts,
  freePort,
  LOOPBACK,
  type RunContext,
} from '../../compat-tests/runner';
import { ResponseCode } from '../../protocol/codes';
import { DIST, shebangRun } from './legs';
import { benchClient, firstSuccess, sendDirect } from './ops';

/**
 * The systems under test, each started fresh as local processes on 127.0.0.1:
 *
 *   apogee      `node dist/lib/bin/apogee.js start`: NameServer + broker in one Node.js process, the node flags and env of the bin's #! line (shebangRun in legs.ts).
 *   java-tuned  Apache RocketMQ 5.5.0 NameServer + broker (Maven Central jars) with the heap they need: the compat
 *               harness's flags (compat-tests/runner/apache.ts): NameServer -Xms256m -Xmx256m G1; broker -Xms1g
 *               -Xmx1g G1 (upstream's G1 settings), MaxDirectMemorySize=1g, no AlwaysPreTouch.
 *   java-dist   the same jars with the distribution's own flags (bin/runserver.sh and bin/runbroker.sh of 5.x, for
 *               Java >= 9), their sizes scaled to this machine (see distJvmArgs).
 *
 * Both Java processes are spawned at the same instant (the broker registers at the end of its ~4 s start, long
 * after the NameServer listens). broker.conf is the compat harness's (ASYNC_MASTER, 8 queues, autoCreateTopic)
 * with flushDiskType as asked; Apogee gets the same keys.
 */
export type SystemName = 'apogee' | 'java-tuned' | 'java-dist';
export type FlushMode = 'ASYNC_FLUSH' | 'SYNC_FLUSH';

export interface SystemDef {
  name: SystemName;
  label: string;
  kind: 'apogee' | 'java';
  namesrvJvm: readonly string[];
  brokerJvm: readonly string[];
  description: string;
}

/**
 * The distribution's flags. 5.x bin/runserver.sh (Java >= 9): -server -Xms4g -Xmx4g -XX:MetaspaceSize=128m
 * -XX:MaxMetaspaceSize=320m, G1 (G1HeapRegionSize=16m, G1ReservePercent=25, InitiatingHeapOccupancyPercent=30,
 * SoftRefLRUPolicyMSPerMB=0), GC log, -XX:-OmitStackTraceInFastThrow -XX:-UseLargePages. bin/runbroker.sh:
 * -server -Xms8g -Xmx8g, the same G1 settings and GC log, -XX:-OmitStackTraceInFastThrow -XX:+AlwaysPreTouch
 * -XX:MaxDirectMemorySize=15g -XX:-UseLargePages -XX:-UseBiasedLocking.
 *
 * Those sizes assume a dedicated host of at least 32 GiB; here they are multiplied by min(1, RAM / 32 GiB) and
 * rounded down to 256 MiB (24 GiB: NameServer 3 GiB, broker 6 GiB heap, 11 GiB direct). Everything else is kept,
 * AlwaysPreTouch included (the broker touches its whole heap at start).
 */
export function distJvmArgs(memBytes = os.totalmem(), gcLogDir?: string): { namesrv: string[]; broker: string[]; scale: number } {
  const scale = Math.min(1, memBytes / 2 ** 35);
  const mib = (gib: number): string => `${Math.max(256, Math.floor((gib * 1024 * scale) / 256) * 256)}m`;
  const g1 = ['-XX:+UseG1GC', '-XX:G1HeapRegionSize=16m', '-XX:G1ReservePercent=25', '-XX:InitiatingHeapOccupancyPercent=30', '-XX:SoftRefLRUPolicyMSPerMB=0'];
  const gcLog = (role: string): string[] => (gcLogDir === undefined ? [] : [`-Xlog:gc*:file=${path.join(gcLogDir, `rmq_${role}_gc_%p.log`)}:time,tags:filecount=5,filesize=30M`]);
  return {
    scale,
    namesrv: ['-server', `-Xms${mib(4)}`, `-Xmx${mib(4)}`, '-XX:MetaspaceSize=128m', '-XX:MaxMetaspaceSize=320m', ...g1, ...gcLog('srv'), '-XX:-OmitStackTraceInFastThrow', '-XX:-UseLargePages'],
    broker: [
      '-server',
      `-Xms${mib(8)}`,
      `-Xmx${mib(8)}`,
      ...g1,
      ...gcLog('broker'),
      '-XX:-OmitStackTraceInFastThrow',
      '-XX:+AlwaysPreTouch',
      `-XX:MaxDirectMemorySize=${mib(15)}`,
      '-XX:-UseLargePages',
      '-XX:-UseBiasedLocking',
    ],
  };
}

export function systemDefs(gcLogDir?: string): Record<SystemName, SystemDef> {
  const dist = distJvmArgs(os.totalmem(), gcLogDir);
  return {
    apogee: { name: 'apogee', label: 'Apogee', kind: 'apogee', namesrvJvm: [], brokerJvm: [], description: `Apogee (node ${process.version}, one process, the bin's node flags)` },
    'java-tuned': {
      name: 'java-tuned',
      label: 'Java tuned',
      kind: 'java',
      namesrvJvm: NAMESRV_JVM_ARGS,
      brokerJvm: BROKER_JVM_ARGS,
      description: `Apache RocketMQ 5.5.0, heap it needs: NameServer ${NAMESRV_JVM_ARGS.join(' ')}; broker ${BROKER_JVM_ARGS.join(' ')}`,
    },
    'java-dist': {
      name: 'java-dist',
      label: 'Java dist',
      kind: 'java',
      namesrvJvm: dist.namesrv,
      brokerJvm: dist.broker,
      description: `Apache RocketMQ 5.5.0, distribution flags scaled x${dist.scale.toFixed(2)}: NameServer ${dist.namesrv.join(' ')}; broker ${dist.broker.join(' ')}`,
    },
  };
}

export interface StartTimes {
  /** Process spawn (Java: both spawned together) -> first SEND_OK of a client that routes through the NameServer. */
  toFirstSendMs: number;
  /** Broker process spawn -> first SEND_OK sent straight to the broker port. */
  brokerToFirstSendMs: number;
  /** Spawn -> the harness's readiness check passed (broker registered), polled every 250 ms. */
  toReadyMs: number;
}

export interface RunningSystem {
  def: SystemDef;
  flush: FlushMode;
  namesrvAddr: string;
  brokerAddr: string;
  brokerName: string;
  /** Server processes (Apogee: one; Java: NameServer, broker). */
  pids(): number[];
  brokerPid(): number | undefined;
  start: StartTimes;
  /** SIGKILL the broker (Apogee: its process), then start it again on the same store; the times of that start. */
  killAndRestartBroker(probeTopic: string): Promise<StartTimes>;
  /** SIGTERM and wait (profiles are written on a clean exit). */
  stopGracefully(graceMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  flush: FlushMode;
  /** Node flags for Apogee (e.g. --cpu-prof), after the bin's own (apogeeRun). */
  nodeArgs?: string[];
  /** Extra broker.conf keys. */
  brokerConfig?: Record<string, string | number | boolean>;
  startTimeoutMs?: number;
}

const PROBE_TOPIC = 'BenchStartProbe';

/** Sends through the NameServer route until one is accepted (new topic: auto-created via TBW102 on both). */
function routeProbe(namesrvAddr: string): () => Promise<boolean> {
  return async () => {
    const c = benchClient(namesrvAddr, 1000);
    try {
      const r = await c.send(PROBE_TOPIC, Buffer.alloc(128, 0x70));
      return r.code === ResponseCode.SUCCESS;
    } finally {
      c.close();
    }
  };
}

function brokerProbe(namesrvAddr: string, brokerAddr: string, brokerName: string, topic: string): () => Promise<boolean> {
  return async () => {
    const c = benchClient(namesrvAddr, 1000);
    try {
      return (await sendDirect(c, brokerAddr, brokerName, topic, Buffer.alloc(128, 0x71), 1000)) === ResponseCode.SUCCESS;
    } finally {
      c.close();
    }
  };
}

/** SIGKILL the broker, start it again on the same store; times to ready and to the first accepted send. */
async function timedRestart(who: string, kill: () => Promise<unknown>, start: () => Promise<unknown>, probe: () => Promise<boolean>, timeoutMs: number): Promise<StartTimes> {
  await kill();
  const t1 = process.hrtime.bigint();
  const restarted = start();
  const firstSend = firstSuccess(`${who}: first send after restart`, t1, probe, timeoutMs);
  await restarted;
  const toReadyMs = Number(process.hrtime.bigint() - t1) / 1e6;
  const ms = await firstSend;
  return { toFirstSendMs: ms, brokerToFirstSendMs: ms, toReadyMs };
}

export async function startSystem(ctx: RunContext, def: SystemDef, dir: string, o: StartOptions): Promise<RunningSystem> {
  fs.mkdirSync(dir, { recursive: true });
  const timeout = o.startTimeoutMs ?? 120_000;
  const namesrvPort = await freePort();
  const ports = await freeBrokerPorts();
  const namesrvAddr = `${LOOPBACK}:${namesrvPort}`;
  const brokerAddr = `${LOOPBACK}:${ports.listenPort}`;
  const brokerName = 'broker-a';
  const brokerConfig = { flushDiskType: o.flush, ...o.brokerConfig };
  if (def.kind === 'apogee') {
    const t0 = process.hrtime.bigint();
    const started = ApogeeProcess.start(ctx, {
      dir,
      name: `${def.name}-${path.basename(dir)}`,
      brokerConfig,
      namesrvPort,
      ports,
      readyTimeoutMs: timeout,
      ...apogeeRun(o.nodeArgs),
    });
    const first = firstSuccess('apogee: first send through the route', t0, routeProbe(namesrvAddr), timeout);
    const brokerFirst = firstSuccess('apogee: first send to the broker', t0, brokerProbe(namesrvAddr, brokerAddr, brokerName, PROBE_TOPIC), timeout);
    const p = await started;
    const toReadyMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const start: StartTimes = { toFirstSendMs: await first, brokerToFirstSendMs: await brokerFirst, toReadyMs };
    const pids = (): number[] => (p.pid === undefined ? [] : [p.pid]);
    return {
      def,
      flush: o.flush,
      namesrvAddr,
      brokerAddr,
      brokerName,
      pids,
      brokerPid: () => p.pid,
      start,
      killAndRestartBroker: (probeTopic) => timedRestart('apogee', () => p.kill(), () => p.start(), brokerProbe(namesrvAddr, brokerAddr, brokerName, probeTopic), timeout),
      async stopGracefully(graceMs = 30_000) {
        await p.stop(graceMs);
      },
      async stop() {
        await p.kill();
        fs.rmSync(p.dataDir, { recursive: true, force: true });
      },
    };
  }
  // Java: NameServer and broker spawned together.
  await ensureClasspath(ctx, 'server', '5.5.0');
  const t0 = process.hrtime.bigint();
  const nsP = ApacheNamesrv.start(ctx, { version: '5.5.0', dir: path.join(dir, 'namesrv'), name: `${def.name}/namesrv`, port: namesrvPort, heapArgs: def.namesrvJvm, readyTimeoutMs: timeout });
  const brP = ApacheBroker.start(ctx, {
    version: '5.5.0',
    dir: path.join(dir, 'broker-a'),
    namesrvAddr,
    brokerName,
    name: `${def.name}/broker`,
    ports,
    heapArgs: def.brokerJvm,
    config: brokerConfig,
    readyTimeoutMs: timeout,
  });
  const first = firstSuccess('java: first send through the route', t0, routeProbe(namesrvAddr), timeout);
  const brokerFirst = firstSuccess('java: first send to the broker', t0, brokerProbe(namesrvAddr, brokerAddr, brokerName, PROBE_TOPIC), timeout);
  let ns: ApacheNamesrv | undefined;
  let br: ApacheBroker | undefined;
  try {
    [ns, br] = await Promise.all([nsP, brP]);
  } catch (e) {
    await Promise.allSettled([nsP.then((n) => n.kill()), brP.then((b) => b.kill())]);
    await Promise.allSettled([first, brokerFirst]);
    throw e;
  }
  const toReadyMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const start: StartTimes = { toFirstSendMs: await first, brokerToFirstSendMs: await brokerFirst, toReadyMs };
  const namesrv = ns;
  const broker = br;
  return {
    def,
    flush: o.flush,
    namesrvAddr,
    brokerAddr,
    brokerName,
    pids: () => [namesrv.pid, broker.pid].filter((x): x is number => x !== undefined),
    brokerPid: () => broker.pid,
    start,
    killAndRestartBroker: (probeTopic) => timedRestart('java', () => broker.kill(), () => broker.start(), brokerProbe(namesrvAddr, brokerAddr, brokerName, probeTopic), timeout),
    async stopGracefully(graceMs = 30_000) {
      await broker.stop(graceMs);
      await namesrv.stop(graceMs);
    },
    async stop() {
      await Promise.all([broker.kill(), namesrv.kill()]);
      fs.rmSync(broker.storeDir, { recursive: true, force: true });
    },
  };
}

export interface RunningNamesrv {
  addr: string;
  pids(): number[];
  toFirstAnswerMs: number;
  stop(): Promise<void>;
  /** SIGTERM and wait (profiles are written on a clean exit). */
  stopGracefully(graceMs?: number): Promise<void>;
}

/**
 * How the bench starts apogee.js: the node flags and environment of its #! line (--max-semi-space-size,
 * MALLOC_MMAP_THRESHOLD_, ...: what a user running the bin gets), then `extra`. Before, ApogeeProcess ran
 * `node apogee.js` bare here, so bench rows measured node's defaults (16 MiB semi-spaces: new space 32 MiB).
 */
export function apogeeRun(extra: string[] = []): { nodeArgs: string[]; env: Record<string, string> } {
  const run = shebangRun(path.join(DIST, 'lib', 'bin', 'apogee.js'));
  return { nodeArgs: [...run.nodeArgs, ...extra], env: { ...run.env, APOGEE_LOG_LEVEL: 'warn' } };
}

/** A NameServer alone (issue 3's benchmark): Apogee `apogee start --noBroker`, or the Java NameServer. */
export async function startNamesrvOnly(ctx: RunContext, def: SystemDef, dir: string, nodeArgs?: string[]): Promise<RunningNamesrv> {
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const t0 = process.hrtime.bigint();
  if (def.kind === 'apogee') {
    const p = await ApogeeProcess.start(ctx, { dir, name: `${def.name}-namesrv`, namesrvOnly: true, namesrvPort: port, ...apogeeRun(nodeArgs) });
    return {
      addr: p.namesrvAddr,
      pids: () => (p.pid === undefined ? [] : [p.pid]),
      toFirstAnswerMs: Number(process.hrtime.bigint() - t0) / 1e6,
      stop: () => p.kill(),
      stopGracefully: (graceMs = 30_000) => p.stop(graceMs),
    };
  }
  await ensureClasspath(ctx, 'server', '5.5.0');
  const ns = await ApacheNamesrv.start(ctx, { version: '5.5.0', dir, name: `${def.name}/namesrv-only`, port, heapArgs: def.namesrvJvm });
  return {
    addr: ns.addr,
    pids: () => (ns.pid === undefined ? [] : [ns.pid]),
    toFirstAnswerMs: Number(process.hrtime.bigint() - t0) / 1e6,
    stop: () => ns.kill(),
    stopGracefully: (graceMs = 30_000) => ns.stop(graceMs),
  };
}
