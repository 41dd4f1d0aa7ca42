#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --expose-gc --max-semi-space-size=4 --heap-growing-percent=50
import * as path from 'node:path';
import { configEntries, createLogger, ensureWritableDir } from '../common';
import { NameServer, NamesrvSchema } from '../nameserver';
import { parseArgs, usage, UsageError, type OptionSpec } from './cli';
import { loadNamesrvConfig, reportWarnings } from './namesrv-config';
import { installShutdown, logLevelFromEnv, prettyLogsFromEnv } from './process';
import { tlsFromEnvironment } from './tls-config';

/**
 * mqnamesrv: the NameServer alone, with Java's flags (NamesrvStartup): -c <namesrv.conf>, -p prints the
 * configuration and exits, -h help. -n is accepted and ignored, as in Java.
 */
const SPECS: OptionSpec[] = [
  { short: 'c', long: 'configFile', value: true, help: 'NameServer config properties file' },
  { short: 'p', long: 'printConfigItem', value: false, help: 'print all config items and exit' },
  { short: 'n', long: 'namesrvAddr', value: true, help: 'accepted and ignored (Java compatibility)' },
  { short: 'h', long: 'help', value: false, help: 'print help' },
  { long: 'listenPort', value: true, help: 'override listenPort' },
];

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2), SPECS);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`mqnamesrv: ${e.message}\n${usage('mqnamesrv', SPECS)}`);
      process.exit(2);
    }
    throw e;
  }
  if (args.options.has('help')) {
    console.log(usage('mqnamesrv', SPECS));
    return;
  }
  const overrides = new Map<string, string>();
  const lp = args.options.get('listenPort');
  if (typeof lp === 'string') overrides.set('listenPort', lp);
  const file = args.options.get('configFile');
  const loaded = loadNamesrvConfig({ ...(typeof file === 'string' ? { file } : {}), overrides });
  if (args.options.has('printConfigItem')) {
    for (const [k, v] of configEntries(NamesrvSchema, loaded.config)) console.log(`${k}=${v}`);
    return;
  }
  const logger = createLogger({ level: logLevelFromEnv(), name: 'mqnamesrv', pretty: prettyLogsFromEnv() });
  reportWarnings(logger, loaded.warnings);
  ensureWritableDir(path.dirname(loaded.config.kvConfigPath), 'the kvConfigPath directory'); // a file, EROFS, EACCES
  const t = tlsFromEnvironment(process.env, (m) => logger.warn(m)); // JAVA_OPT -Dtls.* and tls.config.file
  logger.info({ tlsMode: t.settings.mode, tlsTestMode: t.settings.testMode }, `NameServer runs in TLS ${t.settings.mode} mode`);
  const ns = new NameServer({ config: loaded.config, logger, extraProperties: loaded.extras, ...(t.server !== undefined ? { tls: t.server } : {}) });
  await ns.start();
  console.log(`The Name Server boot success. serializeType=JSON, address ${loaded.config.bindAddress}:${ns.port}`);
  installShutdown(logger, async () => ns.close());
}

main().catch((e: unknown) => {
  console.error(`mqnamesrv: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
