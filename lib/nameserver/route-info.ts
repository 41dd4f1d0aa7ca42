import { MASTER_ID, Perm } from '../../protocol/naming';
import type { Logger } from '../common';
import { onChannelDestroy, scanNotActiveBroker, unregisterBrokers, type ExpiredBroker, type UnregisterRequest } from './route-liveness';
import {
  addrKey,
  minKey,
  newRouteTables,
  sameDataVersion,
  sameQueueData,
  type BrokerData,
  type BrokerLiveInfo,
  type DataVersion,
  type QueueData,
  type RouteData,
  type RegisterBrokerInput,
  type RegisterBrokerResult,
  type RouteHost,
  type TopicConfigLike,
} from './route-tables';
import { allTopics, systemTopicList, topicsByCluster, unitTopics } from './topic-lists';
import { pickupTopicRouteData } from './topic-route';

/**
 * The NameServer's route registry. Java: namesrv/.../routeinfo/RouteInfoManager.java (5.x), whose behaviour this
 * follows method by method; Node runs it on one thread, so Java's read/write lock has no equivalent.
 * Transport-agnostic: a broker's connection is an opaque `channel` token supplied by the caller.
 * This file: broker registration, topic registration and deletion, write perms, cluster info. The tables and
 * record types live in route-tables.ts; brokers leaving (unregistration, heartbeat expiry, channel close) in
 * route-liveness.ts; the topic-list queries in topic-lists.ts; the route of one topic in topic-route.ts.
 * RouteInfoManager delegates to them and stays the one public surface.
 */

export type { QueueData, BrokerData, DataVersion, TopicConfigLike, RouteData, RegisterBrokerInput, RegisterBrokerResult } from './route-tables';

export interface RouteLimits {
  /** Topics in the route table; registrations that would exceed it are refused. */
  routeTopicsMax: number;
  /** Broker names in the route table. */
  routeBrokersMax: number;
}

export interface RouteInfoOptions {
  logger: Logger;
  clock?: () => number;
  limits?: Partial<RouteLimits>;
  /** NamesrvConfig.deleteTopicWithBrokerRegistration */
  deleteTopicWithBrokerRegistration?: boolean;
  /** NamesrvConfig.supportActingMaster */
  supportActingMaster?: boolean;
}

/** Java RouteInfoManager.DEFAULT_BROKER_CHANNEL_EXPIRED_TIME */
export const BROKER_CHANNEL_EXPIRED_MS_DEFAULT = 120_000;

export const DEFAULT_ROUTE_LIMITS: RouteLimits = { routeTopicsMax: 500_000, routeBrokersMax: 4096 };

export class RouteInfoManager {
  private readonly tables = newRouteTables();
  /** The view route-liveness.ts works through (tables, logger, clock, version bump). */
  private readonly host: RouteHost;
  private readonly logger: Logger;
  private readonly now: () => number;
  readonly limits: RouteLimits;
  private readonly deleteTopicWithBrokerRegistration: boolean;
  private readonly supportActingMaster: boolean;
  private generation = 0;

  constructor(opts: RouteInfoOptions) {
    this.logger = opts.logger;
    this.now = opts.clock ?? Date.now;
    this.limits = { ...DEFAULT_ROUTE_LIMITS, ...opts.limits };
    this.deleteTopicWithBrokerRegistration = opts.deleteTopicWithBrokerRegistration ?? false;
    this.supportActingMaster = opts.supportActingMaster ?? false;
    this.host = {
      tables: this.tables,
      logger: this.logger,
      now: () => this.now(),
      changed: () => this.changed(),
    };
  }

  get topicCount(): number {
    return this.tables.topicQueueTable.size;
  }

  /**
   * Changes whenever anything a route or the cluster info is built from changes (a re-registration that changes
   * nothing leaves it alone), so a caller may keep encoded routes while it stays the same.
   */
  get version(): number {
    return this.generation;
  }

  private changed(): void {
    this.generation++;
  }

  /** Java RouteInfoManager#registerBroker. */
  registerBroker(r: RegisterBrokerInput): RegisterBrokerResult {
    const key = addrKey(r.clusterName, r.brokerAddr);
    const live = this.tables.brokerLiveTable.get(key);
    if (live?.applied !== undefined && live.applied.version === this.generation && sameRegistration(live.applied.input, r)) {
      // A broker's periodic registration repeats its last one (the same decoded body, see the processor's cache of
      // recent bodies) and no table has changed since that one was applied: Java's walk of its topics would change
      // nothing (every topic is there with this broker's queue data, the data version is the same). Only the
      // liveness is refreshed. With 100 topics the walk was ~27% of the NameServer's CPU under REGISTER_BROKER.
      live.lastUpdateTimestamp = this.now();
      live.heartbeatTimeoutMillis = r.heartbeatTimeoutMillis ?? BROKER_CHANNEL_EXPIRED_MS_DEFAULT;
      live.channel = r.channel;
      return this.masterOf(r);
    }
    if (!this.tables.brokerAddrTable.has(r.brokerName) && this.tables.brokerAddrTable.size >= this.limits.routeBrokersMax) {
      return { ok: false, reason: `register broker failed: routeBrokersMax ${this.limits.routeBrokersMax} broker names reached` };
    }
    let newTopics = 0;
    for (const name of r.topicConfigs.keys()) if (!this.tables.topicQueueTable.has(name)) newTopics++;
    if (this.tables.topicQueueTable.size + newTopics > this.limits.routeTopicsMax) {
      return { ok: false, reason: `register broker failed: routeTopicsMax ${this.limits.routeTopicsMax} topics reached` };
    }

    let brokerNames = this.tables.clusterAddrTable.get(r.clusterName);
    if (brokerNames === undefined) {
      brokerNames = new Set();
      this.tables.clusterAddrTable.set(r.clusterName, brokerNames);
    }
    if (!brokerNames.has(r.brokerName)) {
      brokerNames.add(r.brokerName);
      this.changed();
    }

    let registerFirst = false;
    let brokerData = this.tables.brokerAddrTable.get(r.brokerName);
    if (brokerData === undefined) {
      registerFirst = true;
      brokerData = { cluster: r.clusterName, brokerName: r.brokerName, brokerAddrs: new Map(), enableActingMaster: false };
      this.tables.brokerAddrTable.set(r.brokerName, brokerData);
      this.changed();
    }
    const isOldVersionBroker = r.enableActingMaster === undefined;
    const enableActingMaster = !isOldVersionBroker && r.enableActingMaster === true;
    if (brokerData.enableActingMaster !== enableActingMaster || brokerData.zoneName !== r.zoneName) this.changed();
    brokerData.enableActingMaster = enableActingMaster;
    if (r.zoneName === undefined) delete brokerData.zoneName;
    else brokerData.zoneName = r.zoneName;

    const addrs = brokerData.brokerAddrs;
    // Switch slave to master: the same address must have one record only.
    for (const [id, addr] of [...addrs]) {
      if (addr === r.brokerAddr && id !== r.brokerId) {
        addrs.delete(id);
        this.changed();
      }
    }

    const oldBrokerAddr = addrs.get(r.brokerId);
    if (oldBrokerAddr !== undefined && oldBrokerAddr !== r.brokerAddr) {
      const old = this.tables.brokerLiveTable.get(addrKey(r.clusterName, oldBrokerAddr));
      if (old !== undefined && old.dataVersion.stateVersion > r.dataVersion.stateVersion) {
        this.logger.warn(
          { cluster: r.clusterName, brokerName: r.brokerName, brokerId: r.brokerId, oldBrokerAddr, brokerAddr: r.brokerAddr },
          'registering broker conflicts with the existing one (older stateVersion); ignored',
        );
        this.tables.brokerLiveTable.delete(addrKey(r.clusterName, r.brokerAddr));
        return { ok: true };
      }
    }

    if (!addrs.has(r.brokerId) && r.topicConfigs.size === 1) {
      // Java refuses a single-topic registration from a broker that has not registered yet.
      this.logger.warn({ brokerId: r.brokerId, brokerAddr: r.brokerAddr }, "can't register a single topic before the broker registered");
      return { ok: false, reason: 'register broker failed' };
    }

    const oldAddr = addrs.get(r.brokerId);
    if (oldAddr !== r.brokerAddr) this.changed();
    addrs.set(r.brokerId, r.brokerAddr);
    registerFirst = registerFirst || oldAddr === undefined || oldAddr === '';
    const isMaster = r.brokerId === MASTER_ID;
    const isPrimeSlave = !isOldVersionBroker && !isMaster && r.brokerId === minKey(addrs);

    if (isMaster || isPrimeSlave) {
      if (this.deleteTopicWithBrokerRegistration) {
        for (const [topic, qdMap] of [...this.tables.topicQueueTable]) {
          if (qdMap.has(r.brokerName) && !r.topicConfigs.has(topic)) {
            qdMap.delete(r.brokerName);
            this.changed();
            if (qdMap.size === 0) this.tables.topicQueueTable.delete(topic);
          }
        }
      }
      const changedVersion = this.isBrokerTopicConfigChanged(r.clusterName, r.brokerAddr, r.dataVersion);
      for (const tc of r.topicConfigs.values()) {
        if (registerFirst || changedVersion || this.topicMissingBroker(r.brokerName, tc.topicName)) {
          let perm = tc.perm;
          if (isPrimeSlave && brokerData.enableActingMaster) perm &= ~Perm.WRITE;
          this.createAndUpdateQueueData(r.brokerName, { ...tc, perm });
        }
      }
    }

    const prev = this.tables.brokerLiveTable.get(key);
    const entry: BrokerLiveInfo = {
      clusterName: r.clusterName,
      brokerAddr: r.brokerAddr,
      lastUpdateTimestamp: this.now(),
      heartbeatTimeoutMillis: r.heartbeatTimeoutMillis ?? BROKER_CHANNEL_EXPIRED_MS_DEFAULT,
      dataVersion: r.dataVersion,
      channel: r.channel,
      haServerAddr: r.haServerAddr,
    };
    this.tables.brokerLiveTable.set(key, entry);
    if (prev === undefined) {
      this.logger.info({ cluster: r.clusterName, brokerAddr: r.brokerAddr, brokerName: r.brokerName, brokerId: r.brokerId }, 'new broker registered');
    }
    if (r.filterServerList !== null) {
      const before = this.tables.filterServerTable.get(key);
      if (r.filterServerList.length === 0) this.tables.filterServerTable.delete(key);
      else this.tables.filterServerTable.set(key, r.filterServerList);
      if ((before ?? []).join(',') !== r.filterServerList.join(',')) this.changed();
    }
    // Without the channel: a reconnected broker's old connection is not held here.
    const { channel: _channel, ...input } = r;
    entry.applied = { input, version: this.generation };
    return this.masterOf(r);
  }

  /** The answer to a registration: a slave learns its master's address and HA address when the master is live. */
  private masterOf(r: RegisterBrokerInput): RegisterBrokerResult {
    const result: RegisterBrokerResult = { ok: true };
    if (r.brokerId === MASTER_ID) return result;
    const masterAddr = this.tables.brokerAddrTable.get(r.brokerName)?.brokerAddrs.get(MASTER_ID);
    if (masterAddr === undefined) return result;
    const masterLive = this.tables.brokerLiveTable.get(addrKey(r.clusterName, masterAddr));
    if (masterLive !== undefined) {
      result.haServerAddr = masterLive.haServerAddr;
      result.masterAddr = masterAddr;
    }
    return result;
  }

  private topicMissingBroker(brokerName: string, topic: string): boolean {
    const qd = this.tables.topicQueueTable.get(topic);
    return qd === undefined || qd.size === 0 || !qd.has(brokerName);
  }

  private createAndUpdateQueueData(brokerName: string, tc: TopicConfigLike): void {
    const qd: QueueData = {
      brokerName,
      writeQueueNums: tc.writeQueueNums,
      readQueueNums: tc.readQueueNums,
      perm: tc.perm,
      topicSysFlag: tc.topicSysFlag,
    };
    let m = this.tables.topicQueueTable.get(tc.topicName);
    if (m === undefined) {
      m = new Map();
      this.tables.topicQueueTable.set(tc.topicName, m);
      this.logger.debug({ topic: tc.topicName, brokerName }, 'new topic registered');
    }
    const existed = m.get(brokerName);
    if (existed === undefined || !sameQueueData(existed, qd)) {
      m.set(brokerName, qd);
      this.changed();
    }
  }

  isBrokerTopicConfigChanged(clusterName: string, brokerAddr: string, dv: DataVersion): boolean {
    const prev = this.tables.brokerLiveTable.get(addrKey(clusterName, brokerAddr));
    return prev === undefined || !sameDataVersion(prev.dataVersion, dv);
  }

  queryBrokerTopicConfig(clusterName: string, brokerAddr: string): DataVersion | undefined {
    return this.tables.brokerLiveTable.get(addrKey(clusterName, brokerAddr))?.dataVersion;
  }

  updateBrokerInfoUpdateTimestamp(clusterName: string, brokerAddr: string): void {
    const live = this.tables.brokerLiveTable.get(addrKey(clusterName, brokerAddr));
    if (live !== undefined) live.lastUpdateTimestamp = this.now();
  }

  /** Java RouteInfoManager#unRegisterBroker for one request. */
  unregisterBroker(clusterName: string, brokerAddr: string, brokerName: string, brokerId: number): void {
    this.unregisterBrokers([{ clusterName, brokerAddr, brokerName, brokerId }]);
  }

  unregisterBrokers(reqs: UnregisterRequest[]): void {
    unregisterBrokers(this.host, reqs);
  }

  /** Java RouteInfoManager#pickupTopicRouteData; undefined when the topic has no route. */
  pickupTopicRouteData(topic: string): RouteData | undefined {
    return pickupTopicRouteData(this.tables, topic, this.supportActingMaster);
  }

  /** Java RouteInfoManager#registerTopic (REGISTER_TOPIC_IN_NAMESRV). */
  registerTopic(topic: string, queueDatas: QueueData[]): void {
    if (queueDatas.length === 0) return;
    for (const qd of queueDatas) {
      if (!this.tables.brokerAddrTable.has(qd.brokerName)) {
        this.logger.warn({ topic, brokerName: qd.brokerName }, 'register topic contains an unknown broker; ignored');
        return;
      }
    }
    if (!this.tables.topicQueueTable.has(topic) && this.tables.topicQueueTable.size >= this.limits.routeTopicsMax) {
      this.logger.warn({ topic, routeTopicsMax: this.limits.routeTopicsMax }, 'register topic refused: routeTopicsMax reached');
      return;
    }
    let m = this.tables.topicQueueTable.get(topic);
    if (m === undefined) {
      m = new Map();
      this.tables.topicQueueTable.set(topic, m);
    }
    for (const qd of queueDatas) m.set(qd.brokerName, { ...qd });
    this.changed();
  }

  deleteTopic(topic: string, clusterName?: string): void {
    this.changed();
    if (clusterName === undefined || clusterName === '') {
      this.tables.topicQueueTable.delete(topic);
      return;
    }
    const names = this.tables.clusterAddrTable.get(clusterName);
    if (names === undefined || names.size === 0) return;
    const m = this.tables.topicQueueTable.get(topic);
    if (m === undefined) return;
    for (const n of names) m.delete(n);
    if (m.size === 0) this.tables.topicQueueTable.delete(topic);
  }

  allTopics(): string[] {
    return allTopics(this.tables);
  }

  topicsByCluster(cluster: string): string[] {
    return topicsByCluster(this.tables, cluster);
  }

  /** Java getSystemTopicList: cluster names and broker names as "topics", plus one broker address. */
  systemTopicList(): { topics: string[]; brokerAddr?: string } {
    return systemTopicList(this.tables);
  }

  unitTopics(kind: 'unit' | 'unitSub' | 'unitSubNotUnit'): string[] {
    return unitTopics(this.tables, kind);
  }

  /** WIPE_WRITE_PERM_OF_BROKER / ADD_WRITE_PERM_OF_BROKER: number of topics touched. */
  operateWritePerm(brokerName: string, wipe: boolean): number {
    this.changed();
    let n = 0;
    for (const m of this.tables.topicQueueTable.values()) {
      const qd = m.get(brokerName);
      if (qd === undefined) continue;
      qd.perm = wipe ? qd.perm & ~Perm.WRITE : Perm.READ | Perm.WRITE;
      n++;
    }
    return n;
  }

  clusterInfo(): { brokerAddrTable: Map<string, BrokerData>; clusterAddrTable: Map<string, Set<string>> } {
    return { brokerAddrTable: this.tables.brokerAddrTable, clusterAddrTable: this.tables.clusterAddrTable };
  }

  brokerMemberGroup(clusterName: string, brokerName: string): { cluster: string; brokerName: string; brokerAddrs: Map<number, string> } {
    const bd = this.tables.brokerAddrTable.get(brokerName);
    return { cluster: clusterName, brokerName, brokerAddrs: new Map(bd?.brokerAddrs ?? []) };
  }

  /** Brokers whose last registration is older than their heartbeat timeout (Java scanNotActiveBroker). */
  scanNotActiveBroker(): ExpiredBroker[] {
    return scanNotActiveBroker(this.host);
  }

  /** A broker's connection closed: unregister every broker address registered over it (Java onChannelDestroy). */
  onChannelDestroy(channel: unknown): void {
    onChannelDestroy(this.host, channel);
  }
}

/**
 * Whether a registration repeats `prev` in everything registerBroker reads except the liveness (channel, timeout):
 * the same decoded topics and data version (the same objects: the processor hands back its decoded copy of an
 * unchanged body) and the same header fields.
 */
function sameRegistration(prev: Omit<RegisterBrokerInput, 'channel'>, r: RegisterBrokerInput): boolean {
  return (
    prev.topicConfigs === r.topicConfigs &&
    prev.dataVersion === r.dataVersion &&
    prev.filterServerList === r.filterServerList &&
    prev.brokerName === r.brokerName &&
    prev.brokerId === r.brokerId &&
    prev.haServerAddr === r.haServerAddr &&
    prev.zoneName === r.zoneName &&
    prev.enableActingMaster === r.enableActingMaster
  );
}
