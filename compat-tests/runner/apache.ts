import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureClasspath, type ApacheServerVersion } from './paths';
import { freeBrokerPorts, freePort, LOOPBACK, type BrokerPorts } from './ports';
import { Probe } from './probe';
import { ProcessScope, tailFile } from './process';
import type { RunContext } from './run';
import { localLauncher, type Launcher, type Readiness } from './runtime';
import { SupervisedServer } from './supervised';
import { parseFastjson, asObject, asNumber } from './util/fastjson';
import { renderProperties, type PropValue } from './util/props';

/**
 * Apache RocketMQ NameServer and broker as local processes, started with `java -cp <jars from Maven Central>`.
 *
 * What the Java servers need, and what the harness gives them (per process directory `dir`):
 *   dir/home/            -Duser.home: every user.home-derived path (~/logs/rocketmqlogs, ~/store, ~/namesrv/
 *                        kvConfig.json, ~/.rocketmq_offsets) lands in the run directory, never in the real home
 *   dir/rmqhome/conf/    -Drocketmq.home.dir (ROCKETMQ_HOME): both versions refuse to start without it; 4.9.x
 *                        loads conf/logback_{namesrv,broker,tools}.xml from it
 *   dir/logback.xml      5.x: -Drmq.logback.configurationFile (its shaded logback; same XML, classes rewritten)
 *   dir/logs/<role>.log  everything the server logs (one file, INFO)
 *   dir/<role>.out       stdout + stderr of the JVM
 *   dir/<role>.conf      namesrv.conf / broker.conf written from a typed object (-c)
 *   dir/store/           broker storePathRootDir (commitlog, consumequeue, index, config/*.json)
 *
 * JVM flags (2 cores, 24 GB box; upstream's runserver.sh/runbroker.sh use 4 GB/8 GB heaps and AlwaysPreTouch,
 * which only slow a test start down): see NAMESRV_JVM_ARGS, BROKER_JVM_ARGS, TOOLS_JVM_ARGS below.
 */

/** NameServer: small heap, G1 as upstream. */
export const NAMESRV_JVM_ARGS: readonly string[] = ['-server', '-Xms256m', '-Xmx256m', '-XX:+UseG1GC', '-XX:-OmitStackTraceInFastThrow'];

/**
 * Broker: 1 GB heap and 1 GB direct memory (4 MB messages and the 1 GB sparse commitlog mapping fit easily),
 * upstream's G1 settings, no AlwaysPreTouch (start in ~5 s instead of touching the heap).
 */
export const BROKER_JVM_ARGS: readonly string[] = [
  '-server',
  '-Xms1g',
  '-Xmx1g',
  '-XX:+UseG1GC',
  '-XX:G1HeapRegionSize=16m',
  '-XX:G1ReservePercent=25',
  '-XX:InitiatingHeapOccupancyPercent=30',
  '-XX:SoftRefLRUPolicyMSPerMB=0',
  '-XX:MaxDirectMemorySize=1g',
  '-XX:-OmitStackTraceInFastThrow',
];

/** Short-lived tools (mqadmin): start fast. */
export const TOOLS_JVM_ARGS: readonly string[] = ['-Xms64m', '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

/**
 * 4.9.x targets Java 8: on Java 9+ its MappedFile#clean reflects into java.nio (DirectByteBuffer#attachment,
 * #cleaner) and jdk.internal.ref.Cleaner#clean, which Java 17 refuses without these opens. Without them a 4.9.7 broker restarted after a SIGKILL
 * (abnormal recovery destroys index files) dies with InaccessibleObjectException. 5.x needs none.
 */
export const JAVA8_SERVER_OPENS: readonly string[] = [
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED',
  '--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED',
];

export function versionJvmArgs(version: ApacheServerVersion): readonly string[] {
  return version.startsWith('4.') ? JAVA8_SERVER_OPENS : [];
}

/** Common to every Java process the harness starts. */
export const COMMON_JVM_ARGS: readonly string[] = ['-Dfile.encoding=UTF-8', '-Duser.language=en', '-Duser.country=US'];

export const NAMESRV_MAIN = 'org.apache.rocketmq.namesrv.NamesrvStartup';
export const BROKER_MAIN = 'org.apache.rocketmq.broker.BrokerStartup';
export const MQADMIN_MAIN = 'org.apache.rocketmq.tools.command.MQAdminStartup';

/** One logback config for both versions (5.x rewrites ch.qos.logback to its shaded package when loading it). */
export function logbackXml(logFile: string): string {
  const esc = logFile.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- written by the Apogee compat harness -->
<configuration debug="false">
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>${esc}</file>
    <append>true</append>
    <encoder>
      <pattern>%d{yyyy-MM-dd HH:mm:ss.SSS} %-5p [%t] %c{0} - %m%n</pattern>
      <charset>UTF-8</charset>
    </encoder>
  </appender>
  <root level="INFO">
    <appender-ref ref="FILE"/>
  </root>
</configuration>
`;
}

/** The directories and system properties that keep a Java RocketMQ process inside `dir`. */
export function javaProcessLayout(dir: string, role: string): { jvmArgs: string[]; logFile: string; outFile: string } {
  const home = path.join(dir, 'home');
  const rmqHome = path.join(dir, 'rmqhome');
  const logs = path.join(dir, 'logs');
  for (const d of [home, path.join(rmqHome, 'conf'), logs]) fs.mkdirSync(d, { recursive: true });
  const logFile = path.join(logs, `${role}.log`);
  const xml = logbackXml(logFile);
  const logback = path.join(dir, 'logback.xml');
  fs.writeFileSync(logback, xml);
  // 4.9.x reads these by name from ROCKETMQ_HOME/conf
  for (const f of ['logback_namesrv.xml', 'logback_broker.xml', 'logback_tools.xml']) fs.writeFileSync(path.join(rmqHome, 'conf', f), xml);
  return {
    jvmArgs: [
      ...COMMON_JVM_ARGS,
      `-Duser.home=${home}`,
      `-Drocketmq.home.dir=${rmqHome}`,
      `-Drmq.logback.configurationFile=${logback}`,
      `-Drocketmq.client.logRoot=${logs}`,
      `-Drocketmq.log.root=${logs}`,
    ],
    logFile,
    outFile: path.join(dir, `${role}.out`),
  };
}

interface JavaServerSpec {
  ctx: RunContext;
  name: string;
  version: ApacheServerVersion;
  dir: string;
  role: 'namesrv' | 'broker';
  mainClass: string;
  heapArgs: readonly string[];
  confFile: string;
  javaBin: string;
  launcher: Launcher;
}

/**
 * Shared lifecycle of a Java server process: start, signal, kill, restart with the same dir and config. The
 * process runs where its Launcher puts it (a local child process, or a container of the image
 * apache-<version> with `dir` bind-mounted at the same path); readiness is awaited by the launcher.
 */
abstract class JavaServer extends SupervisedServer {
  readonly logFile: string;
  readonly outFile: string;
  private readonly jvmArgs: string[];
  /** The scope of the code that created the server (a target start): restarts from a suite join it, not the suite's. */
  private readonly scope: ProcessScope | null;

  /**
   * Stops take SIGTERM with 5 s of grace, then SIGKILL: a 5.x broker takes 15-20 s to shut down gracefully (it
   * joins each service thread in turn); 5 s is enough for what tests need (unregistration and offset persistence
   * happen first).
   */
  protected constructor(protected readonly spec: JavaServerSpec) {
    super(5_000);
    const layout = javaProcessLayout(spec.dir, spec.role);
    this.logFile = layout.logFile;
    this.outFile = layout.outFile;
    this.jvmArgs = layout.jvmArgs;
    this.scope = ProcessScope.current() ?? null;
  }

  get name(): string {
    return this.spec.name;
  }

  protected async spawn(ready: Readiness): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running (${this.current!.id})`);
    const cp = await ensureClasspath(this.spec.ctx, 'server', this.spec.version);
    this.resetLifecycle();
    const p = await this.spec.launcher.launch({
      name: this.name,
      command: this.spec.javaBin,
      args: [...this.spec.heapArgs, ...versionJvmArgs(this.spec.version), ...this.jvmArgs, '-cp', cp, this.spec.mainClass, '-c', this.spec.confFile],
      cwd: this.spec.dir,
      logFile: this.outFile,
      pidFile: this.spec.ctx.pidFile(this.name),
      marker: this.spec.ctx.dir,
      scope: this.scope,
      image: `apache-${this.spec.version}`,
      mounts: [this.spec.dir],
      ready,
      diagnostics: () => `--- ${this.logFile} (last lines)\n${tailFile(this.logFile, 30)}`,
    });
    this.supervise(p, () => `${this.outFile}:\n${p.tail(20)}\n${this.logFile}:\n${tailFile(this.logFile, 20)}`);
  }

  abstract start(): Promise<void>;

  /** Stops (gracefully unless already dead) and starts again with the same directory, ports and config. */
  async restart(): Promise<void> {
    if (this.running) await this.stop();
    await this.start();
  }
}

export interface ApacheNamesrvOptions {
  version: ApacheServerVersion;
  /** Process directory (created). */
  dir: string;
  name?: string;
  /** Default: a free ephemeral port on 127.0.0.1. */
  port?: number;
  /** Extra namesrv.conf properties (Java names). */
  config?: Record<string, PropValue>;
  heapArgs?: readonly string[];
  readyTimeoutMs?: number;
  javaBin?: string;
  /** Where the process runs (default: a local child process). */
  launcher?: Launcher;
}

export class ApacheNamesrv extends JavaServer {
  readonly port: number;
  readonly addr: string;
  readonly confFile: string;
  private readonly readyTimeoutMs: number;

  private constructor(ctx: RunContext, opts: ApacheNamesrvOptions, port: number) {
    const dir = opts.dir;
    fs.mkdirSync(dir, { recursive: true });
    const confFile = path.join(dir, 'namesrv.conf');
    super({
      ctx,
      name: opts.name ?? `namesrv-${opts.version}`,
      version: opts.version,
      dir,
      role: 'namesrv',
      mainClass: NAMESRV_MAIN,
      heapArgs: opts.heapArgs ?? NAMESRV_JVM_ARGS,
      confFile,
      javaBin: opts.javaBin ?? 'java',
      launcher: opts.launcher ?? localLauncher,
    });
    this.port = port;
    this.addr = `${LOOPBACK}:${port}`;
    this.confFile = confFile;
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;
    const home = path.join(dir, 'home');
    fs.writeFileSync(
      confFile,
      renderProperties(
        {
          listenPort: port,
          bindAddress: LOOPBACK, // 5.x NettyServerConfig; 4.9.x ignores it
          kvConfigPath: path.join(home, 'namesrv', 'kvConfig.json'),
          ...opts.config,
        },
        `Apache RocketMQ ${opts.version} NameServer, written by the Apogee compat harness`,
      ),
    );
  }

  /** Writes namesrv.conf, starts the JVM and waits until the NameServer answers GET_BROKER_CLUSTER_INFO. */
  static async start(ctx: RunContext, opts: ApacheNamesrvOptions): Promise<ApacheNamesrv> {
    const ns = new ApacheNamesrv(ctx, opts, opts.port ?? (await freePort()));
    try {
      await ns.start();
    } catch (e) {
      await ns.kill();
      throw e;
    }
    return ns;
  }

  async start(): Promise<void> {
    const t0 = Date.now();
    const probe = new Probe();
    try {
      await this.spawn({
        what: `${this.name} at ${this.addr} answers GET_BROKER_CLUSTER_INFO`,
        check: async () => (await probe.clusterInfo(this.addr), true),
        timeoutMs: this.readyTimeoutMs,
      });
    } finally {
      probe.close();
    }
    this.spec.ctx.logger.info({ name: this.name, addr: this.addr, pid: this.pid, ms: Date.now() - t0 }, 'NameServer ready');
  }
}

/** broker.conf, with Java's property names (BrokerConfig, MessageStoreConfig, NettyServerConfig). */
export interface BrokerConfig {
  brokerClusterName: string;
  brokerName: string;
  brokerId: number;
  namesrvAddr: string;
  brokerIP1: string;
  brokerIP2: string;
  listenPort: number;
  haListenPort: number;
  storePathRootDir: string;
  autoCreateTopicEnable: boolean;
  autoCreateSubscriptionGroup: boolean;
  defaultTopicQueueNums: number;
  flushDiskType: 'ASYNC_FLUSH' | 'SYNC_FLUSH';
  brokerRole: 'ASYNC_MASTER' | 'SYNC_MASTER' | 'SLAVE';
  deleteWhen: string;
  fileReservedTime: number;
  /** SQL92 filters (MessageSelector.bySql); Java defaults to false, Apogee to true: the suites compare them on. */
  enablePropertyFilter: boolean;
  /** 5.x NettyServerConfig; ignored by 4.9.x. */
  bindAddress: string;
  /** Any other Java property (unknown names are ignored by the Java broker). */
  [key: string]: PropValue;
}

export interface ApacheBrokerOptions {
  version: ApacheServerVersion;
  dir: string;
  namesrvAddr: string;
  brokerName?: string;
  clusterName?: string;
  name?: string;
  /** Default: a free port triple (listenPort-2, listenPort, listenPort+1) on 127.0.0.1. */
  ports?: BrokerPorts;
  /** Overrides of the defaults in defaultBrokerConfig(). */
  config?: Partial<BrokerConfig>;
  heapArgs?: readonly string[];
  readyTimeoutMs?: number;
  javaBin?: string;
  /** Where the process runs (default: a local child process). */
  launcher?: Launcher;
}

/** The broker.conf the harness uses unless told otherwise (documented in compat-tests/README.md). */
export function defaultBrokerConfig(o: { namesrvAddr: string; brokerName: string; clusterName: string; ports: BrokerPorts; storeDir: string }): BrokerConfig {
  return {
    brokerClusterName: o.clusterName,
    brokerName: o.brokerName,
    brokerId: 0,
    namesrvAddr: o.namesrvAddr,
    brokerIP1: LOOPBACK,
    brokerIP2: LOOPBACK,
    listenPort: o.ports.listenPort,
    haListenPort: o.ports.haListenPort,
    storePathRootDir: o.storeDir,
    autoCreateTopicEnable: true,
    autoCreateSubscriptionGroup: true,
    defaultTopicQueueNums: 8,
    flushDiskType: 'ASYNC_FLUSH',
    brokerRole: 'ASYNC_MASTER',
    deleteWhen: '04',
    fileReservedTime: 48,
    enablePropertyFilter: true,
    bindAddress: LOOPBACK,
  };
}

export class ApacheBroker extends JavaServer {
  readonly addr: string;
  readonly ports: BrokerPorts;
  readonly config: BrokerConfig;
  readonly confFile: string;
  private readonly readyTimeoutMs: number;

  private constructor(ctx: RunContext, opts: ApacheBrokerOptions, ports: BrokerPorts) {
    const brokerName = opts.brokerName ?? 'broker-a';
    const dir = opts.dir;
    fs.mkdirSync(dir, { recursive: true });
    const confFile = path.join(dir, 'broker.conf');
    super({
      ctx,
      name: opts.name ?? `broker-${opts.version}-${brokerName}`,
      version: opts.version,
      dir,
      role: 'broker',
      mainClass: BROKER_MAIN,
      heapArgs: opts.heapArgs ?? BROKER_JVM_ARGS,
      confFile,
      javaBin: opts.javaBin ?? 'java',
      launcher: opts.launcher ?? localLauncher,
    });
    this.ports = ports;
    this.config = {
      ...defaultBrokerConfig({
        namesrvAddr: opts.namesrvAddr,
        brokerName,
        clusterName: opts.clusterName ?? 'DefaultCluster',
        ports,
        storeDir: path.join(dir, 'store'),
      }),
      ...opts.config,
    } as BrokerConfig;
    this.addr = `${this.config.brokerIP1}:${this.config.listenPort}`;
    this.confFile = confFile;
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;
    fs.writeFileSync(confFile, renderProperties(this.config, `Apache RocketMQ ${opts.version} broker, written by the Apogee compat harness`));
  }

  /** Writes broker.conf, starts the JVM and waits until the broker is registered and answers. */
  static async start(ctx: RunContext, opts: ApacheBrokerOptions): Promise<ApacheBroker> {
    const b = new ApacheBroker(ctx, opts, opts.ports ?? (await freeBrokerPorts()));
    try {
      await b.start();
    } catch (e) {
      await b.kill();
      throw e;
    }
    return b;
  }

  get storeDir(): string {
    return this.config.storePathRootDir;
  }

  get brokerName(): string {
    return this.config.brokerName;
  }

  get clusterName(): string {
    return this.config.brokerClusterName;
  }

  /**
   * Readiness: the broker answers GET_BROKER_RUNTIME_INFO on its port AND every configured NameServer lists it
   * (GET_BROKER_CLUSTER_INFO) under its cluster with this address as brokerId 0/…
   */
  async start(): Promise<void> {
    const t0 = Date.now();
    const probe = new Probe();
    const namesrvs = this.config.namesrvAddr.split(';').filter((a) => a !== '');
    try {
      await this.spawn({
        what: `${this.name} at ${this.addr} registered with ${namesrvs.join(', ')}`,
        check: async () => {
          await probe.brokerRuntimeInfo(this.addr);
          for (const ns of namesrvs) {
            const info = await probe.clusterInfo(ns);
            const entry = info.brokers.get(this.brokerName);
            if (entry === undefined || ![...entry.addrs.values()].includes(this.addr)) return undefined;
            if (!(info.clusters.get(this.clusterName) ?? []).includes(this.brokerName)) return undefined;
          }
          return true;
        },
        timeoutMs: this.readyTimeoutMs,
      });
    } finally {
      probe.close();
    }
    this.spec.ctx.logger.info({ name: this.name, addr: this.addr, pid: this.pid, ms: Date.now() - t0 }, 'broker ready');
  }

  /** <store>/config/consumerOffset.json as { "topic@group": { queueId: offset } } (empty if not written yet). */
  readPersistedConsumerOffsets(): Map<string, Map<number, number>> {
    const file = path.join(this.storeDir, 'config', 'consumerOffset.json');
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
