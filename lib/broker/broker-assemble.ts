/**
 * Contract: owns the assembly of a broker before it starts — the start-up checks (IP, ports, HA role), the
 * BrokerContext with every manager and service wired, the NameServer registrar and the transaction service —
 * and the GET/UPDATE_BROKER_CONFIG operations the context exposes. Broker (broker.ts) owns starting and stopping.
 * Java: BrokerController#initialize.
 */
import * as path from 'node:path';
import { formatJavaProperties } from '../../protocol/codec';
import { ResponseCode } from '../../protocol/codes';
import type { TopicConfig } from '../../protocol/bodies';
import { DelayLevelTable, parseIp, UniqIdGenerator } from '../../protocol/message';
import { applyProperties, configEntries, SERVER_VERSION, type Logger } from '../common';
import { checkPortFree, RemotingClient, type MemoryBudget, type TlsServerOptions } from '../remoting';
import type { ConnectionOptions } from 'node:tls';
import { BrokerMetrics } from '../metrics';
import { NodeStoreIO, storeConfigSchema, type MessageStore, type StoreConfig } from '../store';
import { TopicCounts, type TimerMessageStore } from '../timer';
import { Broker2Client } from './client/broker2client';
import { ConsumerManager } from './client/consumer-manager';
import { ProducerManager } from './client/producer-manager';
import { RebalanceLockManager } from './client/rebalance-lock-manager';
import { AUTH_CONFIG_KEYS, innerClientCredentials, signingHook } from './acl';
import type { Credentials } from '../client';
import { BrokerRemotingSchema, BrokerSchema, type BrokerConfig, type BrokerRemotingConfig } from './config';
import { ConsumerFilterManager } from './consumer-filter';
import { applyDelayLevel } from './message-build';
import { BrokerHa, checkHaRole } from './ha-wiring';
import type { BrokerContext } from './context';
import { PullRequestHoldService } from './longpolling/pull-request-hold-service';
import { ConsumerOffsetManager } from './metadata/consumer-offset-manager';
import { SubscriptionGroupManager } from './metadata/subscription-group-manager';
import { TopicConfigManager } from './metadata/topic-config-manager';
import { processPull } from './processors/pull';
import { FaultInjector } from './faults/injector';
import { Registrar } from './registrar';
import { ScheduleMessageService } from './schedule/schedule-message-service';
import { javaProcessorNames, metricsSources } from './metrics';
import { MasterAddress } from './slave/master-address';
import { BrokerStats } from './stats';
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
  /** Process-wide budget of held bytes to share with a NameServer in the same process (remotingBufferedBytesMax). */
  budget?: MemoryBudget;
  /** ACL 1.0 files (plain_acl.yml) read by lib/bin when migrateAuthFromV1Enabled=true; imported as users at start. */
  plainAclFiles?: readonly { path: string; text: string }[];
  /** TLS on the broker ports (tls.server.mode); absent: plaintext only. */
  tls?: TlsServerOptions;
  /** TLS for the broker's own calls (NameServers, slave -> master), Java tls.enable; absent: plaintext. */
  tlsClient?: ConnectionOptions;
}

/** The ports a broker listens on, with the setting each comes from: listenPort and the VIP port listenPort - 2. */
export function brokerPorts(listenPort: number): [number, string][] {
  return listenPort > 2 ? [[listenPort, 'listenPort'], [listenPort - 2, 'listenPort - 2, the VIP channel']] : [[listenPort, 'listenPort']];
}

/** Java: client channels not heard from for 120 s are dropped (ClientHousekeepingService). */
const CHANNEL_EXPIRED_MS = 120_000;
/** Compiled SQL92 subscriptions kept, (group, topic) pairs. */
const CONSUMER_FILTER_ENTRIES_MAX = 65_536;
/** Distinct expressions kept compiled (Java: SelectorParser's PARSE_CACHE, 100). */
const FILTER_COMPILE_CACHE_ENTRIES_MAX = 100;

/** What Broker.create decided before opening the store: the copied configs, the logger and clock, brokerIP1 parsed. */
export interface BrokerStartup {
  config: BrokerConfig;
  storeConfig: StoreConfig;
  logger: Logger;
  now: () => number;
  ip: Buffer;
  /** innerClientAuthenticationCredentials parsed: the broker's own calls are signed with it when set. */
  innerCredentials: Credentials | undefined;
}

/**
 * The start-up checks of Broker.create, before anything is opened: brokerIP1/2 defaults, the HA role, brokerIP1 an
 * IP address, and every port free (listenPort, the VIP port, the HA port of a master) so a port in use costs no recovery.
 */
export async function checkBrokerStartup(o: BrokerOptions): Promise<BrokerStartup> {
  const now = o.clock ?? Date.now;
  const config = { ...o.config };
  const logger = o.logger.child({ ns: 'broker' });
  if (config.brokerIP1 === '') config.brokerIP1 = '127.0.0.1';
  if (config.brokerIP2 === '') config.brokerIP2 = config.brokerIP1;
  const storeConfig = { ...o.storeConfig };
  checkHaRole(config, storeConfig, logger);
  const ip = parseIp(config.brokerIP1);
  if (ip === undefined) throw new Error(`brokerIP1=${config.brokerIP1} is not an IP address; set brokerIP1 to the address clients reach`);
  const inner = innerClientCredentials(config.innerClientAuthenticationCredentials);
  if (!inner.ok) throw new Error(inner.error);
  if (inner.ignoredBecause !== undefined) logger.warn(inner.ignoredBecause);
  // Validate everything before opening anything: the ports first, so that a port in use costs no recovery.
  for (const [port, setting] of brokerPorts(config.listenPort)) await checkPortFree(o.remotingConfig.bindAddress, port, setting);
  if (storeConfig.brokerRole !== 'SLAVE' && config.listenPort > 0) {
    const haPort = storeConfig.haListenPort > 0 ? storeConfig.haListenPort : config.listenPort + 1;
    await checkPortFree(o.remotingConfig.bindAddress, haPort, 'haListenPort (default listenPort + 1), where slaves connect');
  }
  return { config, storeConfig, logger, now, ip, innerCredentials: inner.credentials };
}

/** The services Broker keeps besides the context. */
export interface BrokerParts {
  registrar: Registrar;
  schedule: ScheduleMessageService;
  tx: TransactionService;
  nsClient: RemotingClient;
}

/** The rest of Broker.create, once the store (and timer store) are open: the context and the services, loaded. */
export async function assembleBroker(
  o: BrokerOptions,
  a: BrokerStartup & { store: MessageStore; timer: TimerMessageStore | undefined },
): Promise<{ ctx: BrokerContext; parts: BrokerParts }> {
  const { config, storeConfig, logger, now, ip, store, timer } = a;
  const ha = new BrokerHa(store, storeConfig, logger);
  const extras = new Map(o.extraProperties ?? []);
  const root = storeConfig.storePathRootDir;
  let ctxRef: BrokerContext | undefined;
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
      journalSync: storeConfig.flushDiskType === 'SYNC_FLUSH',
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
      halfCounts: new TopicCounts(new NodeStoreIO(), path.join(storeConfig.storePathRootDir, 'config', 'transactionMetrics'), now, 'transactionCount'),
      timer,
      ha,
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
  // Java BrokerOuterAPI: one outer client for NameServer and master calls, signed when innerClientAuthenticationCredentials is set.
  const nsClient = new RemotingClient({
    logger: o.logger,
    version: SERVER_VERSION,
    ...(o.tlsClient !== undefined ? { tls: o.tlsClient } : {}),
    ...(a.innerCredentials !== undefined ? { beforeRequest: signingHook(a.innerCredentials) } : {}),
  });
  const registrar = new Registrar({
    config,
    brokerAddr: () => ctx.brokerAddr,
    haServerAddr: () => `${config.brokerIP2}:${ctx.ha.port > 0 ? ctx.ha.port : ctx.storeHost.port + 1}`,
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
    halfCounts: ctx.halfCounts,
    halfCountsFlushIntervalMs: config.transactionMetricFlushInterval,
    // Java HookUtils#handleScheduleMessage on the committed put: timer first, then DELAY levels.
    beforeCommitPut: (m) => {
      const refused = handleTimerMessage(ctx, m);
      if (refused === undefined) applyDelayLevel(m, ctx.delayLevels);
      return refused;
    },
  });
  await ctx.halfCounts.load();
  await tx.load();
  return { ctx, parts: { registrar, schedule, tx, nsClient } };
}

/** GET_BROKER_CONFIG body: every broker, remoting and store property as Java's Configuration prints them. */
function configText(ctx: BrokerContext, extras: Map<string, string>): string {
  return formatJavaProperties([
    // Java's Configuration holds no AuthConfig: the auth keys (initAuthenticationUser carries a password) are not shown.
    ...configEntries(BrokerSchema, ctx.config).filter(([k]) => !AUTH_CONFIG_KEYS.has(k)),
    ...configEntries(BrokerRemotingSchema, ctx.remotingConfig),
    ...configEntries(storeConfigSchema, ctx.storeConfig),
    ...extras,
  ]);
}

/** UPDATE_BROKER_CONFIG: known keys are validated and applied; Java's black list refuses a few. */
function updateConfig(ctx: BrokerContext, props: Map<string, string>, extras: Map<string, string>): { code: number; remark: string | null } {
  const black = ['brokerConfigPath', 'rocketmqHome', 'configBlackList', 'brokerName', 'brokerClusterName', 'brokerId', 'listenPort', 'storePathRootDir', 'storePathCommitLog'];
  for (const k of props.keys()) if (black.includes(k)) return { code: ResponseCode.NO_PERMISSION, remark: `Can not update config in black list: ${k}` };
  // AuthConfig is read once at start-up (Java: not part of the broker's Configuration): its keys are not updated.
  props = new Map([...props].filter(([k]) => !AUTH_CONFIG_KEYS.has(k)));
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
  if (props.has('haMasterAddress')) ctx.ha.applyConfiguredHaMasterAddress();
  return { code: ResponseCode.SUCCESS, remark: null };
}

/** The fault injector of broker.conf's apogeeFault* keys; bad rule text fails the start with the rule named. */
function faultInjector(config: BrokerConfig): FaultInjector {
  const f = new FaultInjector();
  f.configure(config.apogeeFaultsEnable, config.apogeeFaultRules, config.apogeeFaultSeed);
  return f;
}
