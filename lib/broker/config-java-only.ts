/**
 * The BrokerConfig / BrokerIdentity / NettyClientConfig keys of Java 5.5.0 that Apogee has no code for yet: a broker.conf or UPDATE_BROKER_CONFIG carrying
 * them loads unchanged, GET_BROKER_CONFIG lists them with Java's defaults (as a 5.5.0 broker prints them), and
 * `mqbroker -p` marks them as having no effect. Taken from a real Apache RocketMQ 5.5.0 broker's getBrokerConfig
 * output and the field types of common/BrokerConfig.java, BrokerIdentity.java, remoting/netty/NettyClientConfig.java (rocketmq 5.5.0 jars).
 * Spread FIRST into the schema that owns them: a key that later gets real behaviour is redeclared there (the later
 * declaration wins) and should then be deleted here.
 */
import { p } from '../common';

export const BrokerJavaOnlySchema = {
  enableLiteEventMode: p.inertBoolean(true),
  enableLitePopLog: p.inertBoolean(false),
  liteLagCountMetricsEnable: p.inertBoolean(false),
  liteLagLatencyCollectEnable: p.inertBoolean(false),
  liteLagLatencyMetricsEnable: p.inertBoolean(false),
  persistConsumerOffsetIncrementally: p.inertBoolean(false),
  popReviveSkipIfGroupAbsent: p.inertBoolean(true),
  priorityOrderAsc: p.inertBoolean(true),
  useMessageFilterForNotification: p.inertBoolean(true),
  useSeparateRetryQueue: p.inertBoolean(false),
  useSingleRocksDBForAllConfigs: p.inertBoolean(false),
  liteLagLatencyTopK: p.inertInt(50),
  maxClientEventCount: p.inertInt(100),
  maxMessageFilterNumForNotification: p.inertInt(64),
  metricsExportBatchMaxDataPoints: p.inertInt(1000),
  popFromRetryProbabilityForPriority: p.inertInt(0),
  popReviveConcurrency: p.inertInt(32),
  transactionCheckRocksdbCoreThreads: p.inertInt(2),
  transactionCheckRocksdbMaxThreads: p.inertInt(5),
  transactionCheckRocksdbQueueCapacity: p.inertInt(2000),
  liteEventCheckInterval: p.inertLong(10000),
  liteEventFullDispatchDelayTime: p.inertLong(10000),
  liteEventFullDispatchDelayTimeForWildcardGroup: p.inertLong(10000),
  liteSubscriptionCheckInterval: p.inertLong(120000),
  liteSubscriptionCheckTimeoutMills: p.inertLong(180000),
  liteTtlCheckInterval: p.inertLong(120000),
  maxLiteSubscriptionCount: p.inertLong(100000),
  minLiteTTl: p.inertLong(900000),
  isBrokerContainer: p.inertBoolean(false),
  isInBrokerContainer: p.inertBoolean(false),
} as const;

export const RemotingJavaOnlySchema = {
  enableReconnectForGoAway: p.inertBoolean(true),
  isScanAvailableNameSrv: p.inertBoolean(true),
  socksProxyConfig: p.inertString('{}'),
  maxReconnectIntervalTimeSeconds: p.inertLong(60),
} as const;
