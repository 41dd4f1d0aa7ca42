#!/usr/bin/env node
import * as path from 'node:path';
import { APOGEE_VERSION, createLogger, SERVER_VERSION_NAME } from '../common';
import { NameServer } from '../nameserver';
import { parseArgs, usage, UsageError, type OptionSpec } from './cli';
import { loadNamesrvConfig, reportWarnings } from './namesrv-config';
import { installShutdown, logLevelFromEnv } from './process';

/**
 * apogee: one process, one command.
 *   apogee start     NameServer (127.0.0.1:9876) with data under ./data (override with flags)
 *   apogee version
 */
const START_SPECS: OptionSpec[] = [
  { long: 'dataDir', value: true, help: 'root of all data (default ./data)' },
  { long: 'host', value: true, help: 'address to listen on and advertise (default 127.0.0.1)' },
  { long: 'namesrvPort', value: true, help: 'NameServer port (default 9876)' },
  { long: 'namesrvConfig', value: true, help: 'namesrv.conf to load (Java property names)' },
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
  const overrides = new Map<string, string>([
    ['bindAddress', host],
    ['listenPort', opt('namesrvPort') ?? '9876'],
  ]);
  const nsFile = opt('namesrvConfig');
  const loaded = loadNamesrvConfig({ ...(nsFile !== undefined ? { file: nsFile } : {}), overrides, dataDir: path.join(dataDir, 'namesrv') });
  const logger = createLogger({ level: logLevelFromEnv(), name: 'apogee' });
  reportWarnings(logger, loaded.warnings);
  const ns = new NameServer({ config: loaded.config, logger, extraProperties: loaded.extras });
  await ns.start();
  console.log(`Apogee ${APOGEE_VERSION} (RocketMQ ${SERVER_VERSION_NAME} protocol): NameServer ${host}:${ns.port}, data ${dataDir}`);
  installShutdown(logger, async () => {
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
      console.log(['usage: apogee <command>', '  start     run the NameServer with embedded defaults', '  version   print the version'].join('\n'));
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
