/**
 * Contract: owns the Broker object — create (start-up checks, store and timer store opened, then assembled by
 * broker-assemble.ts), start (the remoting servers on listenPort and the VIP port, HA, the role's services, periodic
 * tasks, metrics, registration) and shutdown, and the getters lib/bin and tests use. Java: BrokerController.
 */
import { nativeTrimStatus, SERVER_VERSION, sharedLoopDelay } from '../common';
import { MemoryBudget, RemotingServer, type Connection, type RemotingClient } from '../remoting';
import { PrometheusServer, registerProcessMetrics, type BrokerMetrics, type ProcessMetrics } from '../metrics';
import { MessageStore } from '../store';
import { TimerMessageStore, type TimerDeps } from '../timer';
import { assembleBroker, brokerPorts, checkBrokerStartup, type BrokerOptions, type BrokerParts } from './broker-assemble';
import type { BrokerContext } from './context';
import { Pop } from './pop';
import { aclFromConfig } from './acl';
import { brokerRegistry } from './registration';
import { registerConnectionGauges, rpcObserver } from './metrics';
import type { Registrar } from './registrar';
import type { ScheduleMessageService } from './schedule/schedule-message-service';
import { SlaveSynchronize, SYNC_CHECK_INTERVAL_MS, SYNC_INITIAL_DELAY_MS } from './slave/slave-synchronize';
import { TOPIC_PUT_NUMS } from './stats-items';
import type { TransactionService } from './transaction/transaction-service';

export type { BrokerOptions } from './broker-assemble';

/**
 * The broker: one process-level object wiring the store, the metadata managers, the client managers, the
 * processors and the NameServer registration (Java: broker/.../BrokerController.java). It listens on listenPort
 * and on the VIP port listenPort - 2 with the same handlers.
 */
export class Broker {
  readonly ctx: BrokerContext;
  private readonly servers: RemotingServer[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly registrar: Registrar;
  private readonly schedule: ScheduleMessageService;
  private readonly tx: TransactionService;
  private readonly nsClient: RemotingClient;
  private metricsServer: PrometheusServer | undefined;
  private processMetrics: ProcessMetrics | undefined;
  private metricsBoundPort: number | undefined;
  private closed = false;
  private slaveSyncStart: NodeJS.Timeout | null = null;
  /** A slave's metadata copier (undefined on a master); syncAll() runs one round now (tests, operators). */
  slaveSync: SlaveSynchronize | undefined;
  /** POP consumption (pop/index.ts), created with the registry in startServices. */
  private pop: Pop | undefined;

  private constructor(
    private readonly o: BrokerOptions,
    readonly store: MessageStore,
    ctx: BrokerContext,
    parts: BrokerParts,
  ) {
    this.ctx = ctx;
    this.registrar = parts.registrar;
    this.schedule = parts.schedule;
    this.tx = parts.tx;
    this.nsClient = parts.nsClient;
  }

  static async create(o: BrokerOptions): Promise<Broker> {
    const s = await checkBrokerStartup(o);
    const { storeConfig, now } = s;
    const store = await MessageStore.open(storeConfig, { logger: o.logger, clock: { now } });
    // A failure from here on must not leave the store marked as crashed: shut it down cleanly (removes the abort file).
    let timer: TimerMessageStore | undefined;
    try {
      // Java BrokerController#initializeMessageStore: the timer store exists only with timerWheelEnable.
      const timerDeps: TimerDeps = { store, config: storeConfig, logger: o.logger.child({ ns: 'timer' }), now };
      timer = storeConfig.timerWheelEnable ? await TimerMessageStore.open(timerDeps) : undefined;
      const { ctx, parts } = await assembleBroker(o, { ...s, store, timer });
      // The timer read its deps live: its metric calls reach the broker's metrics once they exist.
      const m = ctx.metrics?.popTimer;
      if (m !== undefined) timerDeps.observer = { fetched: (t, d, b) => m.timerFetched(t, d, b), delivered: (t) => m.timerDelivered(t) };
      return new Broker(o, store, ctx, parts);
    } catch (e) {
      await timer?.shutdown().catch(() => undefined);
      await store.shutdown().catch(() => undefined);
      throw e;
    }
  }

  get port(): number {
    return this.servers[0]?.port ?? 0;
  }

  get brokerAddr(): string {
    return this.ctx.brokerAddr;
  }

  /** Binds the ports and starts the services; on failure (port in use, ...) shuts down cleanly and rethrows. */
  async start(): Promise<void> {
    try {
      await this.startServices();
    } catch (e) {
      await this.shutdown().catch((err: unknown) => this.ctx.logger.error({ err }, 'shutdown after a failed start failed'));
      throw e;
    }
  }

  private async startServices(): Promise<void> {
    const ctx = this.ctx;
    // The event-loop delay is measured from here on (GET_BROKER_RUNTIME_INFO eventLoopDelay*).
    sharedLoopDelay();
    const trim = nativeTrimStatus();
    ctx.logger.info({ mallocTrim: trim.available, detail: trim.detail }, trim.available ? 'at rest, freed heap memory goes back to the OS (malloc_trim)' : 'dist/native/malloc-trim.node not loaded: at rest glibc keeps the heap memory it freed (npm run build builds it with a C compiler)');
    this.pop = new Pop(ctx);
    const revive = this.pop.revive;
    ctx.metrics?.popTimer.readReviveFrom(() => revive.behind());
    const acl = aclFromConfig(ctx.config, ctx.storeConfig.storePathRootDir, ctx.logger, () => ctx.now(), this.o.plainAclFiles ?? []);
    const registry = brokerRegistry(ctx, this.tx, this.pop, acl);
    const rc = this.o.remotingConfig;
    const limits = { idleTimeoutMs: rc.serverChannelMaxIdleTimeSeconds * 1000, connectionBufferedBytesMax: rc.connectionBufferedBytesMax, readBurstParts: rc.readBurstParts };
    const budget = this.o.budget ?? new MemoryBudget(rc.remotingBufferedBytesMax);
    const host = rc.bindAddress;
    for (const [i, [port]] of brokerPorts(ctx.config.listenPort).entries()) {
      const s = new RemotingServer({
        host,
        port,
        registry,
        logger: this.o.logger,
        version: SERVER_VERSION,
        limits,
        budget,
        connectionsMax: rc.connectionsMax,
        name: i === 0 ? 'broker' : 'broker-vip',
        ...(this.o.tls !== undefined ? { tls: this.o.tls } : {}),
        ...(ctx.metrics !== undefined ? { onResponded: rpcObserver(ctx) } : {}),
      });
      s.onConnectionClose((c: Connection) => this.onConnectionGone(c));
      await s.start();
      this.servers.push(s);
    }
    // listenPort 0 (tests): advertise the port actually bound, in routes, STOREHOST and msgIds.
    const bound = this.servers[0]!.port;
    ctx.brokerAddr = `${ctx.config.brokerIP1}:${bound}`;
    ctx.storeHost = { ip: ctx.storeHost.ip, port: bound };
    ctx.store.onMessageArriving((a) => {
      ctx.holds.notifyMessageArriving(a.topic, a.queueId, a.logicOffset, a.tagsCode, a.record);
      this.pop?.onMessageArriving(a.topic);
      ctx.stats.items.add(TOPIC_PUT_NUMS, a.topic, 1); // Java BrokerStatsManager#incTopicPutNums
    });
    ctx.holds.start(1000);
    this.pop.start(!ctx.ha.isSlave);
    await ctx.ha.start(ctx.config.listenPort, host); // listenPort 0 (tests): an ephemeral HA port too
    if (ctx.ha.isSlave) {
      // Java BrokerController#start -> changeSpecialServiceStatus(brokerId == MASTER_ID): a slave runs no delayed
      // delivery, transaction check or timer dequeue (they would write to a store the master owns).
      this.startSlaveSynchronize();
      // The master's HA address as the NameServers answer it (a configured haMasterAddress wins, as Java's
      // BrokerController#registerBrokerAll); onMasterChanged replays the current address to a late subscriber.
      ctx.masterAddress.onMasterChanged((_masterAddr, haServerAddr) => ctx.ha.learnHaMasterAddress(haServerAddr));
    } else {
      // Java BrokerController#startProcessorByHa: these put messages, which only a master does.
      this.schedule.start();
      ctx.timer?.start();
      this.tx.start();
    }
    this.every(ctx.config.flushConsumerOffsetInterval, () => {
      ctx.offsets.persistIfDirty();
      this.schedule.persistIfDirty();
    });
    this.every(1000, () => ctx.stats.sample());
    this.every(10_000, () => this.expireChannels());
    if (ctx.metrics !== undefined) await this.startMetrics(ctx.metrics);
    await this.registrar.start();
    this.o.logger.info({ brokerAddr: ctx.brokerAddr, ports: this.servers.map((s) => s.port) }, 'broker started');
  }

  /** Java BrokerController#initializeBrokerScheduledTasks for a SLAVE: SlaveSynchronize after 10 s, every 3 s. */
  private startSlaveSynchronize(): void {
    const ctx = this.ctx;
    const sync = new SlaveSynchronize({
      masterAddr: () => ctx.masterAddress.masterAddr,
      selfAddr: () => ctx.brokerAddr,
      invoke: (addr, req, timeoutMs) => this.nsClient.invoke(addr, req, timeoutMs),
      topics: ctx.topics,
      groups: ctx.groups,
      offsets: ctx.offsets,
      schedule: this.schedule,
      logger: ctx.logger.child({ ns: 'slave-sync' }),
      now: ctx.now,
    });
    this.slaveSync = sync;
    const first = setTimeout(() => this.every(SYNC_CHECK_INTERVAL_MS, () => void sync.tick()), SYNC_INITIAL_DELAY_MS);
    first.unref();
    this.slaveSyncStart = first;
  }

  /** Java BrokerMetricsManager#init, PROM: the endpoint on metricsPromExporterHost (empty: brokerIP1) : port. */
  private async startMetrics(m: BrokerMetrics): Promise<void> {
    const c = this.ctx.config;
    const host = c.metricsPromExporterHost !== '' ? c.metricsPromExporterHost : c.brokerIP1;
    this.processMetrics = registerProcessMetrics(m.registry);
    registerConnectionGauges(m.registry, () => this.servers.map((s, i) => [i === 0 ? 'broker' : 'broker-vip', s]));
    const server = new PrometheusServer(m.registry, this.ctx.logger.child({ ns: 'metrics' }));
    const port = await server.listen(host, c.metricsPromExporterPort);
    this.metricsServer = server;
    this.metricsBoundPort = port;
    this.ctx.logger.info({ url: `http://${host}:${port}/metrics` }, 'Prometheus metrics endpoint started');
  }

  /** The address of the Prometheus endpoint, when metricsExporterType=PROM. */
  get metricsPort(): number | undefined {
    return this.metricsBoundPort;
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(() => {
      try {
        fn();
      } catch (e) {
        this.ctx.logger.error({ err: e }, 'periodic task failed');
      }
    }, ms);
    t.unref();
    this.timers.push(t);
  }

  private onConnectionGone(c: Connection): void {
    const ctx = this.ctx;
    ctx.consumers.onConnectionGone(c, (g) => (ctx.groups.get(g)?.notifyConsumerIdsChangedEnable ?? true) && ctx.config.notifyConsumerIdsChangedEnable);
    ctx.producers.onConnectionGone(c);
  }

  /** Java ClientHousekeepingService: close channels that stopped heart-beating. */
  private expireChannels(): void {
    for (const c of [...this.ctx.consumers.expiredConnections(), ...this.ctx.producers.expiredConnections()]) {
      this.ctx.logger.warn({ remote: c.remoteAddress }, 'client channel expired');
      c.close('client channel expired');
    }
    this.ctx.filters.retainGroups((g) => this.ctx.consumers.get(g) !== undefined);
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.slaveSyncStart !== null) clearTimeout(this.slaveSyncStart);
    for (const t of this.timers) clearInterval(t);
    await this.registrar.shutdown();
    this.ctx.holds.stop();
    this.pop?.stop();
    for (const s of this.servers) await s.close();
    this.schedule.stop();
    await this.ctx.timer?.shutdown();
    await this.tx.stop();
    this.nsClient.close();
    await this.ctx.ha.stop();
    await this.metricsServer?.close();
    this.processMetrics?.stop();
    // Every metadata file is written at shutdown, synchronously, as before (coalescing-writer.ts#close).
    for (const m of [this.ctx.offsets, this.ctx.topics, this.ctx.groups]) {
      m.persist();
      await m.close().catch((e: Error) => this.ctx.logger.error({ err: e.message }, 'metadata not written at shutdown'));
    }
    await this.store.shutdown();
    this.ctx.logger.info('broker stopped');
  }
}
