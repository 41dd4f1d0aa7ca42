#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --expose-gc --max-semi-space-size=4 --heap-growing-percent=50
// glibc: a fixed mmap threshold (no dynamic growth) hands freed network buffers back to the OS (remoting/budget).
// V8: young generation semi-spaces of at most 4 MiB (default 16): peak RSS under 64 lib/client senders 144 -> 116 MiB
// (median of 2 rounds), no measurable msg/s cost (bench/results/2026-12-04-rss-mem.md). It must be a node flag:
// v8.setFlagsFromString('--max-semi-space-size') at run time leaves the heap's limit as it was (checked).
// V8: the old generation may grow to 1.5x what the last full GC kept (--heap-growing-percent=50; V8 picks up to 4x):
// a burst of requests (the async Producer probe) no longer grows the heap by 25-35 MiB of garbage before a full GC,
// peak RSS 131-155 -> 101-118 MiB over 4 rounds each, steady rows within noise (bench/results/2026-12-06-heap-growing.md).
import * as path from 'node:path';
import { APOGEE_VERSION, createLogger, ensureWritableDir, SERVER_VERSION_NAME, type Logger } from '../common';
import { Broker } from '../broker';
import { Dashboard } from '../dashboard';
import { GrpcServer } from '../grpc';
import { NameServer } from '../nameserver';
import { checkPortFree, MemoryBudget, type TlsServerOptions } from '../remoting';
import { loadBrokerConfig, localAddress } from './broker-config';
import { plainAclFiles } from './plain-acl-files';
import { apogeeHelp, START_SPECS, unknownCommand } from './apogee-help';
import { parseArgs, usage, UsageError } from './cli';
import { checkHealth, HEALTH_SPECS } from './health';
import { loadNamesrvConfig, reportWarnings } from './namesrv-config';
import { installShutdown, logLevelFromEnv, prettyLogsFromEnv } from './process';
import { tlsFromEnvironment } from './tls-config';

/**
 * apogee: one process, one command.
 *   apogee start     NameServer (127.0.0.1:9876) and broker (127.0.0.1:10911) in one process, data under ./data
 *   apogee health    exit 0 when the NameServer and the broker answer and the broker is registered (health checks)
 *   apogee version
 */
function brokerOverrides(brokerPort: string | undefined, metricsPort: string | undefined, dashboardPort: string | undefined, dashboardHost: string | undefined): Map<string, string> {
  const m = new Map<string, string>();
  if (brokerPort !== undefined) m.set('listenPort', brokerPort);
  if (dashboardPort !== undefined) m.set('apogeeDashboardPort', dashboardPort);
  if (dashboardHost !== undefined) m.set('apogeeDashboardHost', dashboardHost);
  if (metricsPort !== undefined) {
    m.set('metricsExporterType', 'PROM');
    m.set('metricsPromExporterPort', metricsPort);
  }
  return m;
}

/**
 * The one line `apogee start` prints when it serves: addresses and ports, data dir, config files loaded, flush
 * mode, whether the last exit was clean and how long recovery took, the metrics URL.
 */
function startLine(o: { host: string; nsPort: number; dataDir: string; nsFile: string | undefined; brokerFile: string | undefined; broker: Broker | undefined; dashboard: Dashboard | undefined }): string {
  const files = [o.nsFile, o.brokerFile].filter((f): f is string => f !== undefined).map((f) => path.resolve(f));
  const parts = [`NameServer ${o.host}:${o.nsPort}`];
  const b = o.broker;
  if (b !== undefined) {
    const port = b.port;
    const r = b.store.recovery;
    parts.push(
      `broker ${b.brokerAddr} (fast ${port - 2}, HA ${b.ctx.ha.port > 0 ? b.ctx.ha.port : port + 1}, ${b.ctx.storeConfig.brokerRole})`,
      `flush ${b.ctx.storeConfig.flushDiskType}`,
      `last exit ${r.lastExitOK ? 'clean' : 'NOT clean (crash recovery)'}, recovery ${r.ms} ms`,
    );
    if (b.metricsPort !== undefined) parts.push(`metrics http://${b.ctx.config.metricsPromExporterHost || b.ctx.config.brokerIP1}:${b.metricsPort}/metrics`);
  }
  if (o.dashboard !== undefined) parts.push(`dashboard ${o.dashboard.url}`);
  parts.push(`data ${o.dataDir}`, `config ${files.length > 0 ? files.join(', ') : 'none (embedded defaults)'}`);
  return `Apogee ${APOGEE_VERSION} (RocketMQ ${SERVER_VERSION_NAME} protocol): ${parts.join(', ')}`;
}

async function start(argv: string[]): Promise<void> {
  const args = parseArgs(argv, START_SPECS);
  if (args.options.has('help')) {
    console.log(apogeeHelp());
    return;
  }
  const opt = (k: string): string | undefined => {
    const v = args.options.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const dataDir = path.resolve(opt('dataDir') ?? 'data');
  const host = opt('host') ?? '127.0.0.1';
  ensureWritableDir(dataDir, '--dataDir'); // names the real cause: a file, EROFS, EACCES
  const overrides = new Map<string, string>([
    ['bindAddress', host],
    ['listenPort', opt('namesrvPort') ?? '9876'],
  ]);
  const nsFile = opt('namesrvConfig');
  const loaded = loadNamesrvConfig({ ...(nsFile !== undefined ? { file: nsFile } : {}), overrides, dataDir: path.join(dataDir, 'namesrv') });
  const logger = createLogger({ level: logLevelFromEnv(), name: 'apogee', pretty: prettyLogsFromEnv() });
  reportWarnings(logger, loaded.warnings);
  // Validate everything before opening anything: both configs, then the ports, then the store; only then does the
  // NameServer listen (and say "boot success").
  const nsPort = loaded.config.listenPort;
  if (nsPort === 0 && !args.options.has('noBroker')) throw new UsageError('--namesrvPort 0 needs --noBroker (the broker must be told the NameServer port)');
  await checkPortFree(loaded.config.bindAddress, nsPort, 'namesrvPort / listenPort of the NameServer');
  const nsHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  let bl: ReturnType<typeof loadBrokerConfig> | undefined;
  if (!args.options.has('noBroker')) {
    const brokerFile = opt('brokerConfig');
    bl = loadBrokerConfig({
      ...(brokerFile !== undefined ? { file: brokerFile } : {}),
      defaultsOverride: new Map([
        // Listening on every interface, advertise the machine's address (Java NetworkUtil#getLocalAddress).
        ['brokerIP1', host === '0.0.0.0' || host === '::' ? localAddress() : host],
        ['namesrvAddr', `${nsHost}:${nsPort}`],
        ['storePathRootDir', path.join(dataDir, 'store')],
        ['bindAddress', host],
      ]),
      overrides: brokerOverrides(opt('brokerPort'), opt('metricsPort'), opt('dashboardPort'), opt('dashboardHost')),
    });
    for (const w of bl.warnings) logger.warn(w);
    // As mqbroker: the keys given that Java knows but Apogee does not act on.
    if (bl.inert.length > 0) logger.info({ keys: bl.inert }, 'config keys accepted for Java compatibility without effect in Apogee');
  }
  // The dashboard (opt-in): a client of this NameServer, as mqadmin is. Its port is checked before the store opens.
  const dashPort = bl !== undefined ? bl.config.apogeeDashboardPort : Number(opt('dashboardPort') ?? '0');
  const dashHost = bl !== undefined ? bl.config.apogeeDashboardHost : (opt('dashboardHost') ?? '127.0.0.1');
  if (!Number.isInteger(dashPort) || dashPort < 0 || dashPort > 65535) throw new UsageError(`--dashboardPort / apogeeDashboardPort must be a port number (0 = off), got ${dashPort}`);
  if (dashPort > 0) await checkPortFree(dashHost, dashPort, 'dashboardPort / apogeeDashboardPort');
  // An explicit --grpcPort must be free before the store opens; the default 8081 only warns later when taken.
  const grpcPortOpt = opt('grpcPort');
  if (grpcPortOpt !== undefined && Number(grpcPortOpt) > 0 && bl !== undefined) await checkPortFree(host, Number(grpcPortOpt), '--grpcPort (the gRPC endpoint)');
  // One budget per process, shared by both servers: the smaller of namesrv.conf's and broker.conf's settings.
  const budget = new MemoryBudget(Math.min(loaded.config.remotingBufferedBytesMax, bl?.remoting.remotingBufferedBytesMax ?? Number.POSITIVE_INFINITY));
  const t = tlsFromEnvironment(process.env, (m) => logger.warn(m));
  logger.info({ tlsMode: t.settings.mode, tlsTestMode: t.settings.testMode, tlsClient: t.client !== undefined }, `servers run in TLS ${t.settings.mode} mode`);
  const tlsOpts = { ...(t.server !== undefined ? { tls: t.server } : {}), ...(t.client !== undefined ? { tlsClient: t.client } : {}) };
  const broker = bl !== undefined ? await Broker.create({ config: bl.config, remotingConfig: bl.remoting, storeConfig: bl.store, logger, extraProperties: bl.extras, budget, plainAclFiles: plainAclFiles(bl.config), ...tlsOpts }) : undefined;
  const ns = new NameServer({ config: loaded.config, logger, extraProperties: loaded.extras, budget, ...(t.server !== undefined ? { tls: t.server } : {}) });
  const dashboard = dashPort > 0 ? new Dashboard({ port: dashPort, host: dashHost, namesrvAddr: `${nsHost}:${nsPort}`, logger }) : undefined;
  let grpc: GrpcServer | undefined;
  try {
    await ns.start();
    await broker?.start();
    await dashboard?.start();
    if (broker !== undefined) grpc = await startGrpc(opt('grpcPort'), host, `${nsHost}:${nsPort}`, logger, t.server);
  } catch (e) {
    await dashboard?.close().catch(() => undefined);
    await broker?.shutdown();
    await ns.close();
    throw e;
  }
  console.log(startLine({ host, nsPort: ns.port, dataDir, nsFile: opt('namesrvConfig'), brokerFile: opt('brokerConfig'), broker, dashboard }));
  installShutdown(logger, async () => {
    await grpc?.close();
    await dashboard?.close();
    await broker?.shutdown();
    await ns.close();
  });
}

/** Java ProxyConfig.grpcServerPort's default: 5.x clients are configured with <host>:8081. */
export const GRPC_PORT_DEFAULT = 8081;

/**
 * The gRPC endpoint (lib/grpc) beside the broker, on by default as the Java proxy listens by default. Asked for
 * explicitly (--grpcPort N), any failure stops the start; by default, a missing package / proto or a taken 8081 is a
 * warning that says how to fix it, and the remoting servers run on.
 */
async function startGrpc(portOpt: string | undefined, host: string, namesrvAddr: string, logger: Logger, tls: TlsServerOptions | undefined): Promise<GrpcServer | undefined> {
  const port = portOpt === undefined ? GRPC_PORT_DEFAULT : Number(portOpt);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--grpcPort must be a port number (0 = off), got ${portOpt}`);
  if (port === 0) return undefined;
  const protoDir = path.resolve(__dirname, '..', '..', '..', '.cache', 'rocketmq-apis');
  // The broker's TLS mode applies to the gRPC port too (the Go 5.x client always dials TLS).
  const g = new GrpcServer({ host, port, namesrvAddr, protoDir, logger: logger.child({ module: 'grpc' }), ...(tls !== undefined ? { tls } : {}) });
  try {
    await g.start();
    return g;
  } catch (e) {
    await g.close();
    if (portOpt !== undefined) throw new UsageError(`gRPC endpoint on ${host}:${port}: ${(e as Error).message}`);
    logger.warn(`gRPC endpoint off: ${(e as Error).message} (pass --grpcPort 0 to silence, another port to move it)`);
    return undefined;
  }
}

async function health(argv: string[]): Promise<void> {
  const args = parseArgs(argv, HEALTH_SPECS);
  if (args.options.has('help')) {
    console.log(usage('apogee health', HEALTH_SPECS));
    return;
  }
  const get = (k: string, d: string): string => {
    const v = args.options.get(k);
    return typeof v === 'string' ? v : d;
  };
  const timeoutMs = Number(get('timeout', '3000'));
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout ${get('timeout', '')}: a positive number of milliseconds`);
  const namesrv = get('namesrv', process.env['APOGEE_HEALTH_NAMESRV'] ?? '127.0.0.1:9876');
  const broker = args.options.has('noBroker') ? undefined : get('broker', process.env['APOGEE_HEALTH_BROKER'] ?? '127.0.0.1:10911');
  const r = await checkHealth({ namesrv, broker, timeoutMs });
  (r.healthy ? console.log : console.error)(r.line);
  process.exitCode = r.healthy ? 0 : 1;
}

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  switch (cmd) {
    case 'start':
      return start(rest);
    case 'health':
      return health(rest);
    case 'version':
    case '--version':
      console.log(`apogee ${APOGEE_VERSION} (RocketMQ ${SERVER_VERSION_NAME} protocol)`);
      return;
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      console.log(apogeeHelp());
      return;
    default:
      console.error(`apogee: ${unknownCommand(cmd)}`);
      process.exit(2);
  }
}

main().catch((e: unknown) => {
  if (e instanceof UsageError) {
    console.error(`apogee: ${e.message}`);
    process.exit(2);
  }
  console.error(`apogee: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
