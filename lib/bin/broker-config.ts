import * as fs from 'node:fs';
import * as os from 'node:os';
import { parseJavaProperties } from '../../protocol/codec';
import { applyProperties, configEntries, defaults, type Schema } from '../common';
import { BrokerRemotingSchema, BrokerSchema, type BrokerConfig, type BrokerRemotingConfig } from '../broker';
import { storeConfigSchema, type StoreConfig } from '../store';

export interface LoadedBrokerConfig {
  config: BrokerConfig;
  remoting: BrokerRemotingConfig;
  store: StoreConfig;
  extras: Map<string, string>;
  warnings: string[];
  inert: string[];
}

/** Java NetworkUtil#getLocalAddress: the first non-loopback IPv4 address, else 127.0.0.1. */
export function localAddress(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

/**
 * Builds the broker config as Java's BrokerStartup does: defaults (listenPort 10911), the -c file (broker.conf
 * with BrokerConfig, NettyServerConfig, NettyClientConfig and MessageStoreConfig names), then command-line
 * properties. Invalid values are errors naming the key; unknown keys are warnings; keys Java knows but Apogee
 * does not use are listed as inert.
 */
export function loadBrokerConfig(opts: { file?: string; overrides?: Map<string, string>; defaultsOverride?: Map<string, string> }): LoadedBrokerConfig {
  let config = defaults(BrokerSchema);
  let remoting = defaults(BrokerRemotingSchema);
  let store = defaults(storeConfigSchema);
  const extras = new Map<string, string>();
  const warnings: string[] = [];
  const inert = new Set<string>();
  const errors: string[] = [];
  const apply = (props: Map<string, string>, where: string): void => {
    const b = applyProperties(BrokerSchema, config, props, [BrokerRemotingSchema, storeConfigSchema]);
    const r = applyProperties(BrokerRemotingSchema, remoting, props, [BrokerSchema, storeConfigSchema]);
    const s = applyProperties(storeConfigSchema, store, props, [BrokerSchema, BrokerRemotingSchema]);
    config = b.config;
    remoting = r.config;
    store = s.config;
    errors.push(...[...b.errors, ...r.errors, ...s.errors].map((e) => `${where}: ${e}`));
    for (const k of b.unknown) {
      extras.set(k, props.get(k)!);
      warnings.push(`${where}: unknown key ${k} (kept, no effect)`);
    }
    for (const k of [...b.inert, ...r.inert, ...s.inert]) inert.add(k);
  };
  if (opts.defaultsOverride !== undefined) apply(opts.defaultsOverride, 'defaults');
  if (opts.file !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(opts.file, 'latin1');
    } catch (e) {
      throw new Error(`cannot read config file ${opts.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    apply(parseJavaProperties(text), opts.file);
  }
  if (opts.overrides !== undefined) apply(opts.overrides, 'command line');
  if (errors.length > 0) throw new Error(`invalid broker configuration:\n  ${errors.join('\n  ')}`);
  if (config.brokerIP1 === '') config.brokerIP1 = localAddress();
  if (config.brokerIP2 === '') config.brokerIP2 = config.brokerIP1;
  return { config, remoting, store, extras, warnings, inert: [...inert] };
}

/** The line `mqbroker -p` prints before the keys Apogee accepts but does not act on. */
export const INERT_SECTION_HEADER = '# Accepted for Java compatibility; no effect in Apogee:';

/**
 * `mqbroker -p` (Java BrokerStartup -p: every config item as key=value): the keys Apogee acts on, then, under
 * INERT_SECTION_HEADER, the Java keys it accepts without effect. Every line but the header stays a valid
 * properties line, so the output still loads as a broker.conf.
 */
export function printConfigLines(loaded: LoadedBrokerConfig, only?: readonly string[]): string[] {
  const parts: [Schema, Record<string, unknown>][] = [
    [BrokerSchema, loaded.config],
    [BrokerRemotingSchema, loaded.remoting],
    [storeConfigSchema, loaded.store],
  ];
  const active: string[] = [];
  const inert: string[] = [];
  for (const [schema, config] of parts) {
    for (const [k, v] of configEntries(schema, config as never)) {
      if (only !== undefined && !only.includes(k)) continue;
      (schema[k]!.inert === true ? inert : active).push(`${k}=${v}`);
    }
  }
  return inert.length === 0 ? active : [...active, INERT_SECTION_HEADER, ...inert];
}
