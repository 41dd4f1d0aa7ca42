import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaults, silentLogger } from '../../common';
import { NameServer, NamesrvSchema } from '../../nameserver';
import { defaultStoreConfig } from '../../store';
import { Broker, BrokerRemotingSchema, BrokerSchema, type BrokerConfig } from '../index';

/** A NameServer and a broker registered with it, both in this process on ephemeral loopback ports. */
export interface InProcessPair {
  ns: NameServer;
  broker: Broker;
  /** "127.0.0.1:port" of the NameServer. */
  nsAddr: string;
  /** Their directory (the broker's store under `store/`). */
  dir: string;
  stop(): Promise<void>;
}

/**
 * Starts the pair the tests of the client, admin and dashboard layers talk to over real sockets: Apogee's defaults,
 * 1 MiB commit-log files, silent logs; `broker` overrides broker config properties.
 */
export async function startInProcess(prefix: string, broker: Partial<BrokerConfig> = {}): Promise<InProcessPair> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const ns = new NameServer({ config: { ...defaults(NamesrvSchema), listenPort: 0, bindAddress: '127.0.0.1', kvConfigPath: path.join(dir, 'kv.json') }, logger: silentLogger() });
  await ns.start();
  const nsAddr = `127.0.0.1:${ns.port}`;
  const b = await Broker.create({
    config: { ...defaults(BrokerSchema), listenPort: 0, brokerIP1: '127.0.0.1', namesrvAddr: nsAddr, ...broker },
    remotingConfig: { ...defaults(BrokerRemotingSchema), bindAddress: '127.0.0.1' },
    storeConfig: defaultStoreConfig({ storePathRootDir: path.join(dir, 'store'), mappedFileSizeCommitLog: 1024 * 1024 }),
    logger: silentLogger(),
  });
  await b.start();
  return {
    ns,
    broker: b,
    nsAddr,
    dir,
    async stop() {
      await b.shutdown();
      await ns.close();
    },
  };
}
