import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseJavaProperties } from '../../protocol/codec';
import { applyProperties, defaults, type Logger } from '../common';
import { NamesrvSchema, type NamesrvConfig } from '../nameserver';

export interface LoadedNamesrvConfig {
  config: NamesrvConfig;
  extras: Map<string, string>;
  warnings: string[];
}

/**
 * Builds the NameServer config as Java's NamesrvStartup does: defaults (listenPort 9876), then the -c file,
 * then command-line properties; paths default under `home` (Java: ${user.home}/namesrv/...). Invalid values are
 * errors naming the key; unknown keys are warnings.
 */
export function loadNamesrvConfig(opts: {
  file?: string;
  overrides?: Map<string, string>;
  home?: string;
  dataDir?: string;
}): LoadedNamesrvConfig {
  let config = defaults(NamesrvSchema);
  const extras = new Map<string, string>();
  const warnings: string[] = [];
  const errors: string[] = [];
  const apply = (props: Map<string, string>, where: string): void => {
    const r = applyProperties(NamesrvSchema, config, props);
    config = r.config;
    errors.push(...r.errors.map((e) => `${where}: ${e}`));
    for (const k of r.unknown) {
      extras.set(k, props.get(k)!);
      warnings.push(`${where}: unknown key ${k} (kept, no effect)`);
    }
  };
  if (opts.file !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(opts.file, 'utf8');
    } catch (e) {
      throw new Error(`cannot read config file ${opts.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    apply(parseJavaProperties(text), opts.file);
  }
  if (opts.overrides !== undefined) apply(opts.overrides, 'command line');
  if (errors.length > 0) throw new Error(`invalid NameServer configuration:\n  ${errors.join('\n  ')}`);
  const base = opts.dataDir ?? path.join(opts.home ?? os.homedir(), 'namesrv');
  if (config.kvConfigPath === '') config.kvConfigPath = path.join(base, 'kvConfig.json');
  if (config.configStorePath === '') config.configStorePath = opts.file ?? path.join(base, 'namesrv.properties');
  return { config, extras, warnings };
}

export function reportWarnings(logger: Logger, warnings: string[]): void {
  for (const w of warnings) logger.warn(w);
}
