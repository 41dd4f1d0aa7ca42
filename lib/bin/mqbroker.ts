#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --expose-gc --max-semi-space-size=4 --heap-growing-percent=50
import { createLogger, ensureWritableDir } from '../common';
import { Broker } from '../broker';
import { Dashboard } from '../dashboard';
import { loadBrokerConfig, printConfigLines } from './broker-config';
import { plainAclFiles } from './plain-acl-files';
import { parseArgs, usage, UsageError, type OptionSpec } from './cli';
import { installShutdown, logLevelFromEnv, prettyLogsFromEnv } from './process';
import { tlsFromEnvironment } from './tls-config';

/**
 * mqbroker: the broker alone, with Java's flags (BrokerStartup): -c <broker.conf>, -n <namesrvAddr>, -p prints
 * every config item and exits (the keys Apogee does not act on in a section of their own), -m prints the important ones, -h help.
 */
const SPECS: OptionSpec[] = [
  { short: 'c', long: 'configFile', value: true, help: 'broker config properties file (broker.conf)' },
  { short: 'n', long: 'namesrvAddr', value: true, help: 'NameServer addresses, e.g. 127.0.0.1:9876;10.0.0.2:9876' },
  { short: 'p', long: 'printConfigItem', value: false, help: 'print all config items and exit' },
  { short: 'm', long: 'printImportantConfig', value: false, help: 'print important config items and exit' },
  { short: 'h', long: 'help', value: false, help: 'print help' },
];

const IMPORTANT = ['brokerClusterName', 'brokerName', 'brokerId', 'namesrvAddr', 'listenPort', 'brokerIP1', 'storePathRootDir', 'flushDiskType', 'brokerRole', 'autoCreateTopicEnable'];

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2), SPECS);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`mqbroker: ${e.message}\n${usage('mqbroker', SPECS)}`);
      process.exit(2);
    }
    throw e;
  }
  if (args.options.has('help')) {
    console.log(usage('mqbroker', SPECS));
    return;
  }
  const overrides = new Map<string, string>();
  const n = args.options.get('namesrvAddr') ?? process.env.NAMESRV_ADDR;
  if (typeof n === 'string') overrides.set('namesrvAddr', n);
  const file = args.options.get('configFile');
  const loaded = loadBrokerConfig({ ...(typeof file === 'string' ? { file } : {}), overrides });
  if (args.options.has('printConfigItem') || args.options.has('printImportantConfig')) {
    for (const line of printConfigLines(loaded, args.options.has('printImportantConfig') ? IMPORTANT : undefined)) console.log(line);
    return;
  }
  const logger = createLogger({ level: logLevelFromEnv(), name: 'mqbroker', pretty: prettyLogsFromEnv() });
  for (const w of loaded.warnings) logger.warn(w);
  if (loaded.inert.length > 0) logger.info({ keys: loaded.inert }, 'config keys accepted for Java compatibility without effect in Apogee');
  ensureWritableDir(loaded.store.storePathRootDir, 'storePathRootDir'); // names the real cause: a file, EROFS, EACCES
  const t = tlsFromEnvironment(process.env, (m) => logger.warn(m)); // JAVA_OPT -Dtls.* and tls.config.file
  logger.info({ tlsMode: t.settings.mode, tlsTestMode: t.settings.testMode, tlsClient: t.client !== undefined }, `broker runs in TLS ${t.settings.mode} mode`);
  const broker = await Broker.create({
    config: loaded.config, remotingConfig: loaded.remoting, storeConfig: loaded.store, logger, extraProperties: loaded.extras,
    plainAclFiles: plainAclFiles(loaded.config),
    ...(t.server !== undefined ? { tls: t.server } : {}), ...(t.client !== undefined ? { tlsClient: t.client } : {}),
  });
  await broker.start();
  // apogeeDashboardPort > 0: the web dashboard, a client of the NameServers this broker registers with.
  const c = loaded.config;
  const dashboard = c.apogeeDashboardPort > 0 && c.namesrvAddr !== '' ? new Dashboard({ port: c.apogeeDashboardPort, host: c.apogeeDashboardHost, namesrvAddr: c.namesrvAddr, logger }) : undefined;
  if (c.apogeeDashboardPort > 0 && c.namesrvAddr === '') logger.warn('apogeeDashboardPort is set but namesrvAddr is empty: the dashboard reads the cluster through a NameServer; not started');
  try {
    await dashboard?.start();
  } catch (e) {
    await broker.shutdown();
    throw new Error(`dashboard on ${c.apogeeDashboardHost}:${c.apogeeDashboardPort} (apogeeDashboardPort): ${(e as Error).message}`);
  }
  console.log(`The broker[${loaded.config.brokerName}, ${broker.brokerAddr}] boot success. serializeType=JSON and name server is ${loaded.config.namesrvAddr}`);
  if (dashboard !== undefined) console.log(`dashboard ${dashboard.url}`);
  installShutdown(logger, async () => {
    await dashboard?.close();
    await broker.shutdown();
  });
}

main().catch((e: unknown) => {
  console.error(`mqbroker: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
