import { formatJavaProperties } from '../../protocol/codec';
import { ResponseCode } from '../../protocol/codes';
import type { TopicConfig } from '../../protocol/bodies';
import { DelayLevelTable, parseIp, UniqIdGenerator } from '../../protocol/message';
import { applyProperties, configEntries, SERVER_VERSION, sharedLoopDelay, type Logger } from '../common';
import { RemotingClient, RemotingServer, type Connection } from '../remoting';
import { BrokerMetrics, PrometheusServer, registerProcessMetrics, type ProcessMetrics } from '../metrics';
import { MessageStore, storeConfigSchema, type StoreConfig } from '../store';
import { TimerMessageStore } from '../timer';
import { Broker2Client } from './client/broker2client';
import { ConsumerManager } from './client/consumer-manager';
import { ProducerManager } from './client/producer-manager';
import { RebalanceLockManager } from './client/rebalance-lock-manager';
import { BrokerRemotingSchema, BrokerSchema, type BrokerConfig, type BrokerRemotingConfig } from './config';
import { ConsumerFilterManager } from './consumer-filter';
import { applyDelayLevel } from './message-build';
import type { BrokerContext } from './context';
import { PullRequestHoldService } from './longpolling/pull-request-hold-service';
import { ConsumerOffsetManager } from './metadata/consumer-offset-manager';
import { SubscriptionGroupManager } from './metadata/subscription-group-manager';
import { TopicConfigManager } from './metadata/topic-config-manager';
import { processPull } from './processors/pull';
import { Registrar } from './registrar';
import { brokerRegistry } from './registration';
import { FaultInjector } from './faults/injector';
import { ScheduleMessageService } from './schedule/schedule-message-service';
import { javaProcessorNames, metricsSources, registerConnectionGauges, rpcObserver } from './metrics';
import { MasterAddress } from './slave/master-address';
import { SlaveSynchronize, SYNC_CHECK_INTERVAL_MS, SYNC_INITIAL_DELAY_MS } from './slave/slave-synchronize';
import { BrokerStats } from './stats';
import { TOPIC_PUT_NUMS } from './stats-items';
import { handleTimerMessage } from './timer-hook';
import { TransactionService } from './transaction/transaction-service';

export interface BrokerOptions {
  config: BrokerConfig;
  remotingConfig: BrokerRemotingConfig;
  storeConfig: StoreConfig;
  logger: Logger;
  clock?: () => number;
  /** Properties of the config file that no schema knows; kept and shown by GET_BROKER_CONFIG as Java does. */
  extraProperties?: Map<string, string>;
}

/** Java: client channels not heard from for 120 s are dropped (ClientHousekeepingService). */
const CHANNEL_EXPIRED_MS = 120_000;
/** Compiled SQL92 subscriptions kept, (group, topic) pairs. */
const CONSUMER_FILTER_ENTRIES_MAX = 65_536;
/** Distinct expressions kept compiled (Java: SelectorParser's PARSE_CACHE, 100). */
const FILTER_COMPILE_CACHE_ENTRIES_MAX = 100;

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

  private constructor(
    private readonly o: BrokerOptions,
    readonly store: MessageStore,
    ctx: BrokerContext,
    parts: { registrar: Registrar; schedule: ScheduleMessageService; tx: TransactionService; nsClient: RemotingClient },
  ) {
    this.ctx = ctx;
    this.registrar = parts.registrar;
    this.schedule = parts.schedule;
    this.tx = parts.tx;
    this.nsClient = parts.nsClient;
  }

  static async create(o: BrokerOptions): Promise<Broker> {
    const now = o.clock ?? Date.now;
    const config = { ...o.config };
    const logger = o.logger.child({ ns: 'broker' });
    if (config.brokerIP1 === '') config.brokerIP1 = '127.0.0.1';
    if (config.brokerIP2 === '') config.brokerIP2 = config.brokerIP1;
    const storeConfig = { ...o.storeConfig };
    // Java: brokerId 0 is the master, any other id a slave; BrokerStartup forces brokerId 0 for a master role and
    // refuses brokerId <= 0 for SLAVE ("Slave's brokerId must be > 0").
    if (storeConfig.brokerRole === 'SLAVE' && config.brokerId <= 0) throw new Error(`brokerRole=SLAVE brokerId=${config.brokerId}: Slave's brokerId must be > 0 (Java BrokerStartup)`);
    if (storeConfig.brokerRole !== 'SLAVE' && config.brokerId !== 0) {
      logger.warn({ brokerId: config.brokerId, brokerRole: storeConfig.brokerRole }, 'a master registers with brokerId 0 (Java BrokerStartup sets it)');
      config.brokerId = 0;
    }
    if (storeConfig.brokerRole === 'SYNC_MASTER') {
      logger.warn('brokerRole=SYNC_MASTER: Apogee has no slaves to wait for; sends are acknowledged as an ASYNC_MASTER would');
    }
    const store = await MessageStore.open(storeConfig, { logger: o.logger.child({ ns: 'store' }), clock: { now } });
    // Java BrokerController#initializeMessageStore: the timer store exists only with timerWheelEnable.
    const timer = storeConfig.timerWheelEnable ? await TimerMessageStore.open({ store, config: storeConfig, logger: o.logger.child({ ns: 'timer' }), now }) : undefined;
    const extras = new Map(o.extraProperties ?? []);
    const root = storeConfig.storePathRootDir;
    let ctxRef: BrokerContext | undefined;
    const ip = parseIp(config.brokerIP1);
    if (ip === undefined) throw new Error(`brokerIP1=${config.brokerIP1} is not an IP address; set brokerIP1 to the address clients reach`);
    // Filled in once the registrar exists; topic changes before that need no re-registration.
    const hooks = {
      registerSoon: (): void => undefined,
      registerNow: (): Promise<void> => Promise.resolve(),
      topicsChanged: (_tcs: readonly TopicConfig[]): void => undefined,
    };
    {
      const topics = new TopicConfigManager({
        storePathRootDir: root,
        brokerClusterName: config.brokerClusterName,
        brokerName: config.brokerName,
        autoCreateTopicEnable: config.autoCreateTopicEnable,
        defaultTopicQueueNums: config.defaultTopicQueueNums,
        clusterTopicEnable: config.clusterTopicEnable,
        brokerTopicEnable: config.brokerTopicEnable,
        traceTopicEnable: config.traceTopicEnable,
        msgTraceTopicName: config.msgTraceTopicName,
        timerWheelEnable: storeConfig.timerWheelEnable,
        topicsMax: config.topicsMax,
        logger,
        now,
        onChange: (tcs) => hooks.topicsChanged(tcs),
      });
      const groups = new SubscriptionGroupManager({ storePathRootDir: root, autoCreateSubscriptionGroup: config.autoCreateSubscriptionGroup, groupsMax: config.groupsMax, logger, now });
      const offsets = new ConsumerOffsetManager(root, logger, now);
      const toClient = new Broker2Client(logger);
      const consumers = new ConsumerManager({
        logger,
        now,
        channelExpiredMs: CHANNEL_EXPIRED_MS,
        clientChannelsMax: config.clientChannelsMax,
        onMembersChanged: (group, info) => {
          for (const c of info.channels.values()) toClient.notifyConsumerIdsChanged(c.connection, group);
        },
      });
      const producers = new ProducerManager(logger, now, CHANNEL_EXPIRED_MS, config.clientChannelsMax);
      const locks = new RebalanceLockManager(now);
      const stats = new BrokerStats(now, config.topicsMax);
      let wake: (h: Parameters<PullRequestHoldService['suspend']>[0]) => void = () => undefined;
      const holds = new PullRequestHoldService({
        logger,
        now,
        pullHoldRequestsMax: config.pullHoldRequestsMax,
        pullHoldMsMax: config.pullHoldMsMax,
        maxOffset: (t, q) => store.getMaxOffsetInQueue(t, q),
        wake: (h) => wake(h),
      });
      const port = o.config.listenPort;
      const delayLevels = new DelayLevelTable(storeConfig.messageDelayLevel);
      const schedule = new ScheduleMessageService({ store, levels: delayLevels, storePathRootDir: root, logger, now });
      const ctx: BrokerContext = {
        config,
        remotingConfig: o.remotingConfig,
        storeConfig,
        store,
        topics,
        groups,
        offsets,
        consumers,
        filters: new ConsumerFilterManager({ logger, consumerFilterEntriesMax: CONSUMER_FILTER_ENTRIES_MAX, compileCacheEntriesMax: FILTER_COMPILE_CACHE_ENTRIES_MAX }),
        producers,
        locks,
        holds,
        toClient,
        stats,
        faults: faultInjector(config),
        metrics: undefined,
        delayLevels,
        schedule,
        timer,
        uniqIds: new UniqIdGenerator({ ip, pid: process.pid, clock: now }),
        logger,
        masterAddress: new MasterAddress(storeConfig.brokerRole === 'SLAVE', logger),
        brokerAddr: `${config.brokerIP1}:${port}`,
        storeHost: { ip, port },
        bootTimestamp: now(),
        now,
        registerSoon: () => hooks.registerSoon(),
        registerNow: () => hooks.registerNow(),
        updateConfig: (props) => updateConfig(ctx, props, extras),
        configText: () => configText(ctx, extras),
      };
      wake = (h) => {
        if (h.connection.closed) return;
        void Promise.resolve(processPull(ctx, { connection: h.connection, request: h.request, receivedAt: now() }, false)).then(
          (r) => {
            if (typeof r !== 'symbol') h.connection.respond(h.request, r);
          },
          (e: unknown) => logger.error({ err: e }, 'held pull failed on wake-up'),
        );
      };
      if (config.metricsExporterType === 'PROM' || config.metricsExporterType === '2') {
        ctx.metrics = new BrokerMetrics({
          cluster: config.brokerClusterName,
          brokerName: config.brokerName,
          metricsLabel: config.metricsLabel,
          inDelta: config.metricsInDelta,
          seriesMax: config.metricsOtelCardinalityLimit,
          sources: metricsSources(ctx, javaProcessorNames),
        });
      } else if (!['DISABLE', '0'].includes(config.metricsExporterType)) {
        logger.warn({ metricsExporterType: config.metricsExporterType }, 'metricsExporterType: Apogee exports PROM only (OTLP_GRPC and LOG are not supported); metrics disabled');
      }
      ctxRef = ctx;
    }
    const ctx = ctxRef!;
    ctx.topics.load();
    ctx.groups.load();
    ctx.offsets.load();
    const nsClient = new RemotingClient({ logger: o.logger, version: SERVER_VERSION });
    const registrar = new Registrar({
      config,
      brokerAddr: () => ctx.brokerAddr,
      haServerAddr: () => `${config.brokerIP2}:${ctx.storeHost.port + 1}`,
      topics: ctx.topics,
      client: nsClient,
      logger,
      onRegistered: (results) => ctx.masterAddress.handleRegisterResults(results),
    });
    hooks.registerSoon = () => registrar.registerSoon();
    // Topic changes register only the changed topics (Java registerIncrementBrokerData).
    hooks.registerNow = () => registrar.registerIncrement();
    hooks.topicsChanged = (tcs) => registrar.topicsChanged(tcs);
    const schedule = ctx.schedule;
    schedule.load();
    const tx = new TransactionService({
      store,
      offsets: ctx.offsets,
      producers: ctx.producers,
      toClient: ctx.toClient,
      storeHost: ctx.storeHost,
      brokerName: config.brokerName,
      logger,
      now,
      transactionTimeOutMs: config.transactionTimeOut,
      transactionCheckMax: config.transactionCheckMax,
      transactionCheckIntervalMs: config.transactionCheckInterval,
      // Java HookUtils#handleScheduleMessage on the committed put: timer first, then DELAY levels.
      beforeCommitPut: (m) => {
        const refused = handleTimerMessage(ctx, m);
        if (refused === undefined) applyDelayLevel(m, ctx.delayLevels);
        return refused;
      },
    });
    await tx.load();
    return new Broker(o, store, ctx, { registrar, schedule, tx, nsClient });
  }

  get port(): number {
    return this.servers[0]?.port ?? 0;
  }

  get brokerAddr(): string {
    return this.ctx.brokerAddr;
  }

  async start(): Promise<void> {
    const ctx = this.ctx;
    // The event-loop delay is measured from here on (GET_BROKER_RUNTIME_INFO eventLoopDelay*).
    sharedLoopDelay();
    const registry = brokerRegistry(ctx, this.tx);
    const limits = { idleTimeoutMs: this.o.remotingConfig.serverChannelMaxIdleTimeSeconds * 1000 };
    const host = this.o.remotingConfig.bindAddress;
    const ports = [ctx.config.listenPort];
    if (ctx.config.listenPort > 2) ports.push(ctx.config.listenPort - 2);
    for (const [i, port] of ports.entries()) {
      const s = new RemotingServer({
        host,
        port,
        registry,
        logger: this.o.logger,
        version: SERVER_VERSION,
        limits,
        name: i === 0 ? 'broker' : 'broker-vip',
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
      ctx.holds.notifyMessageArriving(a.topic, a.queueId, a.logicOffset, a.tagsCode);
      ctx.stats.items.add(TOPIC_PUT_NUMS, a.topic, 1); // Java BrokerStatsManager#incTopicPutNums
    });
    ctx.holds.start(1000);
    if (ctx.storeConfig.brokerRole === 'SLAVE') {
      // Java BrokerController#start -> changeSpecialServiceStatus(brokerId == MASTER_ID): a slave runs no delayed
      // delivery, transaction check or timer dequeue (they would write to a store the master owns).
      this.startSlaveSynchronize();
      // HA CALL SITE (issue 13, for the integrator): the slave's replication client (lib/ha, branch h/ha-repl)
      // follows the master here, e.g.
      //   ctx.masterAddress.onMasterChanged((_masterAddr, haServerAddr) => haClient.updateHaMasterAddress(haServerAddr));
      // onMasterChanged replays the current address to a late subscriber, so it may be called before or after start.
    } else {
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
    for (const s of this.servers) await s.close();
    this.schedule.stop();
    await this.ctx.timer?.shutdown();
    this.tx.stop();
    this.nsClient.close();
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

/** GET_BROKER_CONFIG body: every broker, remoting and store property as Java's Configuration prints them. */
function configText(ctx: BrokerContext, extras: Map<string, string>): string {
  return formatJavaProperties([
    ...configEntries(BrokerSchema, ctx.config),
    ...configEntries(BrokerRemotingSchema, ctx.remotingConfig),
    ...configEntries(storeConfigSchema, ctx.storeConfig),
    ...extras,
  ]);
}

/** UPDATE_BROKER_CONFIG: known keys are validated and applied; Java's black list refuses a few. */
function updateConfig(ctx: BrokerContext, props: Map<string, string>, extras: Map<string, string>): { code: number; remark: string | null } {
  const black = ['brokerConfigPath', 'rocketmqHome', 'configBlackList', 'brokerName', 'brokerClusterName', 'brokerId', 'listenPort', 'storePathRootDir', 'storePathCommitLog'];
  for (const k of props.keys()) if (black.includes(k)) return { code: ResponseCode.NO_PERMISSION, remark: `Can not update config in black list: ${k}` };
  const b = applyProperties(BrokerSchema, ctx.config, props, [BrokerRemotingSchema, storeConfigSchema]);
  const r = applyProperties(BrokerRemotingSchema, ctx.remotingConfig, props, [BrokerSchema, storeConfigSchema]);
  const s = applyProperties(storeConfigSchema, ctx.storeConfig, props, [BrokerSchema, BrokerRemotingSchema]);
  const errors = [...b.errors, ...r.errors, ...s.errors];
  if (errors.length > 0) return { code: ResponseCode.SYSTEM_ERROR, remark: `invalid config: ${errors.join('; ')}` };
  const permChanged = b.config.brokerPermission !== ctx.config.brokerPermission;
  if ([...props.keys()].some((k) => k.startsWith('apogeeFault'))) {
    try {
      ctx.faults.configure(b.config.apogeeFaultsEnable, b.config.apogeeFaultRules, b.config.apogeeFaultSeed);
    } catch (e) {
      return { code: ResponseCode.SYSTEM_ERROR, remark: `invalid config: ${(e as Error).message}` };
    }
    ctx.logger.info({ enabled: ctx.faults.enabled, rules: b.config.apogeeFaultRules, seed: b.config.apogeeFaultSeed }, 'fault injection configured');
  }
  Object.assign(ctx.config, b.config);
  Object.assign(ctx.remotingConfig, r.config);
  Object.assign(ctx.storeConfig, s.config);
  for (const k of b.unknown) if (r.unknown.includes(k) && s.unknown.includes(k)) extras.set(k, props.get(k)!);
  ctx.logger.info({ keys: [...props.keys()] }, 'broker config updated');
  if (permChanged) ctx.registerSoon();
  return { code: ResponseCode.SUCCESS, remark: null };
}

/** The fault injector of broker.conf's apogeeFault* keys; bad rule text fails the start with the rule named. */
function faultInjector(config: BrokerConfig): FaultInjector {
  const f = new FaultInjector();
  f.configure(config.apogeeFaultsEnable, config.apogeeFaultRules, config.apogeeFaultSeed);
  return f;
}
