import { ResponseCode } from '../../protocol/codes';
import { formatJavaProperties } from '../../protocol/codec';
import { applyProperties, configEntries, SERVER_VERSION, writeFileDurably, type Logger } from '../common';
import { MemoryBudget, RemotingServer, type Connection, type TlsServerOptions } from '../remoting';
import { NamesrvSchema, type NamesrvConfig } from './config';
import type { NamesrvContext } from './context';
import { KvConfigManager } from './kv-config';
import { namesrvRegistry } from './registration';
import { RouteInfoManager } from './route-info';

export interface NameServerOptions {
  config: NamesrvConfig;
  logger: Logger;
  clock?: () => number;
  /** Properties from the config file that are not NameServer settings; kept and shown as Java does. */
  extraProperties?: Map<string, string>;
  /** Process-wide budget of held bytes to share with a broker in the same process (remotingBufferedBytesMax). */
  budget?: MemoryBudget;
  /** TLS on the NameServer port (tls.server.mode); absent: plaintext only. */
  tls?: TlsServerOptions;
}

/**
 * The NameServer: a RemotingServer with the NameServer registration table, the route registry, KV config and
 * the broker expiry scan. Several NameServers run side by side with no link between them, as in RocketMQ.
 */
export class NameServer {
  readonly config: NamesrvConfig;
  readonly routes: RouteInfoManager;
  readonly kv: KvConfigManager;
  private readonly server: RemotingServer;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly extras: Map<string, string>;
  private scanTimer: NodeJS.Timeout | null = null;
  private readonly ctx: NamesrvContext;

  constructor(opts: NameServerOptions) {
    this.config = { ...opts.config };
    this.logger = opts.logger.child({ ns: 'namesrv' });
    this.now = opts.clock ?? Date.now;
    this.extras = new Map(opts.extraProperties ?? []);
    this.routes = new RouteInfoManager({
      logger: this.logger,
      clock: this.now,
      limits: { routeTopicsMax: this.config.routeTopicsMax, routeBrokersMax: this.config.routeBrokersMax },
      deleteTopicWithBrokerRegistration: this.config.deleteTopicWithBrokerRegistration,
      supportActingMaster: this.config.supportActingMaster,
    });
    if (this.config.kvConfigPath === '') throw new Error('NameServer: kvConfigPath must be set (lib/bin derives it)');
    this.kv = new KvConfigManager(this.config.kvConfigPath, this.logger);
    const ctx: NamesrvContext = {
      config: this.config,
      routes: this.routes,
      kv: this.kv,
      logger: this.logger,
      version: SERVER_VERSION,
      startedAt: 0,
      updateConfig: (props) => this.updateConfig(props),
      configText: () => this.configText(),
      now: this.now,
    };
    this.ctx = ctx;
    this.server = new RemotingServer({
      host: this.config.bindAddress,
      port: this.config.listenPort,
      registry: namesrvRegistry(ctx),
      logger: opts.logger,
      version: SERVER_VERSION,
      name: 'namesrv',
      limits: { idleTimeoutMs: this.config.serverChannelMaxIdleTimeSeconds * 1000, connectionBufferedBytesMax: this.config.connectionBufferedBytesMax, readBurstParts: this.config.readBurstParts },
      connectionsMax: this.config.connectionsMax,
      budget: opts.budget ?? new MemoryBudget(this.config.remotingBufferedBytesMax),
      ...(opts.tls !== undefined ? { tls: opts.tls } : {}),
    });
    this.server.onConnectionClose((conn: Connection) => this.routes.onChannelDestroy(conn));
  }

  get port(): number {
    return this.server.port;
  }

  async start(): Promise<void> {
    this.kv.load();
    this.ctx.startedAt = this.now();
    await this.server.start();
    this.scanTimer = setInterval(() => this.scan(), this.config.scanNotActiveBrokerInterval);
    this.scanTimer.unref();
    this.logger.info({ port: this.server.port }, `The Name Server boot success. serializeType=JSON, address ${this.config.bindAddress}:${this.server.port}`);
  }

  /** Removes expired brokers and closes their connections (Java scanNotActiveBroker). */
  scan(): void {
    for (const e of this.routes.scanNotActiveBroker()) {
      const conn = e.channel as Connection | undefined;
      conn?.close?.('broker registration expired');
    }
  }

  private updateConfig(props: Map<string, string>): { code: number; remark: string | null } {
    const black = new Set(this.config.configBlackList.split(';').filter((s) => s !== ''));
    for (const k of ['configBlackList', 'configStorePath', 'kvConfigPath', 'rocketmqHome']) black.add(k);
    for (const k of props.keys()) {
      if (black.has(k)) return { code: ResponseCode.NO_PERMISSION, remark: 'Can not update config in black list.' };
    }
    const r = applyProperties(NamesrvSchema, this.config, props);
    if (r.errors.length > 0) return { code: ResponseCode.SYSTEM_ERROR, remark: `invalid config: ${r.errors.join('; ')}` };
    Object.assign(this.config, r.config);
    for (const k of r.unknown) this.extras.set(k, props.get(k)!);
    if (r.unknown.length > 0) this.logger.warn({ keys: r.unknown }, 'UPDATE_NAMESRV_CONFIG: keys unknown to the NameServer kept as-is');
    this.logger.info({ keys: [...props.keys()] }, 'NameServer config updated');
    if (this.config.configStorePath !== '') {
      try {
        writeFileDurably(this.config.configStorePath, this.configText());
      } catch (e) {
        return { code: ResponseCode.SYSTEM_ERROR, remark: `config applied but not persisted to ${this.config.configStorePath}: ${(e as Error).message}` };
      }
    }
    return { code: ResponseCode.SUCCESS, remark: null };
  }

  private configText(): string {
    return formatJavaProperties([...configEntries(NamesrvSchema, this.config), ...this.extras]);
  }

  async close(): Promise<void> {
    if (this.scanTimer !== null) clearInterval(this.scanTimer);
    this.scanTimer = null;
    await this.server.close();
    this.logger.info('NameServer stopped');
  }
}
