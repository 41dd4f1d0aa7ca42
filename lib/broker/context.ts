import type { DelayLevelTable, HostAddress, UniqIdGenerator } from '../../protocol/message';
import type { Logger } from '../common';
import type { MessageStore, StoreConfig } from '../store';
import type { TimerMessageStore, TopicCounts } from '../timer';
import type { Broker2Client } from './client/broker2client';
import type { ConsumerManager } from './client/consumer-manager';
import type { ProducerManager } from './client/producer-manager';
import type { RebalanceLockManager } from './client/rebalance-lock-manager';
import type { BrokerConfig, BrokerRemotingConfig } from './config';
import type { BrokerHa } from './ha-wiring';
import type { ConsumerFilterManager } from './consumer-filter';
import type { FaultInjector } from './faults/injector';
import type { PullRequestHoldService } from './longpolling/pull-request-hold-service';
import type { ConsumerOffsetManager } from './metadata/consumer-offset-manager';
import type { SubscriptionGroupManager } from './metadata/subscription-group-manager';
import type { TopicConfigManager } from './metadata/topic-config-manager';
import type { ScheduleMessageService } from './schedule/schedule-message-service';
import type { MasterAddress } from './slave/master-address';
import type { BrokerStats } from './stats';
import type { BrokerMetrics } from '../metrics';

/**
 * Everything a broker processor may use, built once by Broker. Processors are functions of (BrokerContext,
 * RequestContext); nothing here reads argv, env or config files.
 */
export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly remotingConfig: BrokerRemotingConfig;
  readonly storeConfig: StoreConfig;
  readonly store: MessageStore;
  readonly topics: TopicConfigManager;
  readonly groups: SubscriptionGroupManager;
  readonly offsets: ConsumerOffsetManager;
  readonly consumers: ConsumerManager;
  /** Compiled SQL92 subscriptions by (group, topic). */
  readonly filters: ConsumerFilterManager;
  readonly producers: ProducerManager;
  readonly locks: RebalanceLockManager;
  readonly holds: PullRequestHoldService;
  readonly toClient: Broker2Client;
  readonly stats: BrokerStats;
  /** Opt-in fault injection (apogeeFaults* keys), re-configured by UPDATE_BROKER_CONFIG. */
  readonly faults: FaultInjector;
  /** Java-named metrics; undefined unless metricsExporterType=PROM. */
  metrics: BrokerMetrics | undefined;
  readonly delayLevels: DelayLevelTable;
  /** Delayed delivery: its per-level offsets for GET_ALL_DELAY_OFFSET and GET_BROKER_RUNTIME_INFO. */
  readonly schedule: ScheduleMessageService;
  /** Half messages pending per real topic (Java TransactionMetrics, `config/transactionMetrics`). */
  readonly halfCounts: TopicCounts;
  /** Timer messages (rmq_sys_wheel_timer -> wheel -> real topic); undefined when timerWheelEnable=false. */
  readonly timer: TimerMessageStore | undefined;
  /** Replication (ha-wiring.ts): the master service or the slave client; updateHaMasterAddress(addr) on a slave. */
  readonly ha: BrokerHa;
  /** UNIQ_KEY for messages that arrive without one (Java MessageClientIDSetter.createUniqID). */
  readonly uniqIds: UniqIdGenerator;
  readonly logger: Logger;
  /** A slave's master (masterAddr, haServerAddr) from the NameServers' register answers; listeners on change. */
  readonly masterAddress: MasterAddress;
  /** "brokerIP1:listenPort": the address in routes and msgIds (the bound port once listening, for listenPort 0). */
  brokerAddr: string;
  /** brokerIP1 + listenPort as STOREHOST. */
  storeHost: HostAddress;
  readonly bootTimestamp: number;
  now(): number;
  /** Re-register with every NameServer soon (topics changed). */
  registerSoon(): void;
  /** Re-register with every NameServer now; resolves when every NameServer answered or failed (Java registers
   * synchronously inside UPDATE_AND_CREATE_TOPIC, so the route exists when mqadmin's call returns). */
  registerNow(): Promise<void>;
  /** Applies an UPDATE_BROKER_CONFIG body; returns null or an error. */
  updateConfig(props: Map<string, string>): { code: number; remark: string | null };
  /** Properties text for GET_BROKER_CONFIG. */
  configText(): string;
}
