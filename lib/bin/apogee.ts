#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node
// glibc: a fixed mmap threshold (no dynamic growth) hands freed network buffers back to the OS (remoting/budget).
import * as path from 'node:path';
import { APOGEE_VERSION, createLogger, ensureWritableDir, SERVER_VERSION_NAME } from '../common';
import { Broker } from '../broker';
import { NameServer } from '../nameserver';
import { checkPortFree, MemoryBudget } from '../remoting';
import { loadBrokerConfig, localAddress } from './broker-config';
import { parseArgs, usage, UsageError, type OptionSpec } from './cli';
import { loadNamesrvConfig, reportWarnings } from './namesrv-config';
import { installShutdown, logLevelFromEnv } from './process';

/**
 * apogee: one process, one command.
 *   apogee start     NameServer (127.0.0.1:9876) and broker (127.0.0.1:10911) in one process, data under ./data
 *   apogee version
 */
const START_SPECS: OptionSpec[] = [
  { long: 'dataDir', value: true, help: 'root of all data (default ./data)' },
  { long: 'host', value: true, help: 'address to listen on and advertise (default 127.0.0.1; 0.0.0.0 listens everywhere and advertises the machine address)' },
  { long: 'namesrvPort', value: true, help: 'NameServer port (default 9876)' },
  { long: 'namesrvConfig', value: true, help: 'namesrv.conf to load (Java property names)' },
  { long: 'brokerPort', value: true, help: 'broker port (default 10911; the VIP port is brokerPort - 2)' },
  { long: 'brokerConfig', value: true, help: 'broker.conf to load (Java property names)' },
  { long: 'noBroker', value: false, help: 'run the NameServer only' },
  { short: 'h', long: 'help', value: false, help: 'print help' },
];

async function start(argv: string[]): Promise<void> {
  const args = parseArgs(argv, START_SPECS);
  if (args.options.has('help')) {
    console.log(usage('apogee start', START_SPECS));
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
  const logger = createLogger({ level: logLevelFromEnv(), name: 'apogee' });
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
      overrides: new Map(opt('brokerPort') !== undefined ? [['listenPort', opt('brokerPort')!]] : []),
    });
    for (const w of bl.warnings) logger.warn(w);
  }
  // One budget per process, shared by both servers: the smaller of namesrv.conf's and broker.conf's settings.
  const budget = new MemoryBudget(Math.min(loaded.config.remotingBufferedBytesMax, bl?.remoting.remotingBufferedBytesMax ?? Number.POSITIVE_INFINITY));
  const broker = bl !== undefined ? await Broker.create({ config: bl.config, remotingConfig: bl.remoting, storeConfig: bl.store, logger, extraProperties: bl.extras, budget }) : undefined;
  const ns = new NameServer({ config: loaded.config, logger, extraProperties: loaded.extras, budget });
  try {
    await ns.start();
    await broker?.start();
  } catch (e) {
    await broker?.shutdown();
    await ns.close();
    throw e;
  }
  console.log(
    `Apogee ${APOGEE_VERSION} (RocketMQ ${SERVER_VERSION_NAME} protocol): NameServer ${host}:${ns.port}` +
      (broker !== undefined ? `, broker ${broker.brokerAddr}` : '') +
      `, data ${dataDir}`,
  );
  installShutdown(logger, async () => {
    await broker?.shutdown();
    await ns.close();
  });
}

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  switch (cmd) {
    case 'start':
      return start(rest);
    case 'version':
    case '--version':
      console.log(`apogee ${APOGEE_VERSION} (RocketMQ ${SERVER_VERSION_NAME} protocol)`);
      return;
    default:
      console.log(['usage: apogee <command>', '  start     run the NameServer and the broker with embedded defaults', '  version   print the version'].join('\n'));
      if (cmd !== undefined && cmd !== 'help' && cmd !== '-h' && cmd !== '--help') process.exit(2);
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
