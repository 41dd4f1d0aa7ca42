import { hasUnitFlag, hasUnitSubFlag, MASTER_ID, Perm, SYNC_BROKER_MEMBER_GROUP_PREFIX } from '../../protocol/naming';
import type { Logger } from '../common';

/**
 * The NameServer's route registry. Java: namesrv/.../routeinfo/RouteInfoManager.java (5.x), whose behaviour this
 * follows method by method; Node runs it on one thread, so Java's read/write lock has no equivalent.
 * Transport-agnostic: a broker's connection is an opaque `channel` token supplied by the caller.
 */

export interface QueueData {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag: number;
}

export interface BrokerData {
  cluster: string;
  brokerName: string;
  /** brokerId -> "ip:port"; iteration in ascending id order when encoded. */
  brokerAddrs: Map<number, string>;
  zoneName?: string;
  enableActingMaster: boolean;
}

export interface DataVersion {
  stateVersion: number;
  timestamp: number;
  counter: number;
}

export interface TopicConfigLike {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag: number;
}

export interface RouteData {
  queueDatas: QueueData[];
  brokerDatas: BrokerData[];
  filterServerTable: Map<string, string[]>;
  orderTopicConf?: string;
}

interface BrokerLiveInfo {
  lastUpdateTimestamp: number;
  heartbeatTimeoutMillis: number;
  dataVersion: DataVersion;
  channel: unknown;
  haServerAddr: string;
}

export interface RegisterBrokerInput {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
  haServerAddr: string;
  zoneName?: string;
  heartbeatTimeoutMillis?: number;
  /** undefined = an "old-version" broker (no enableActingMaster header). */
  enableActingMaster?: boolean;
  dataVersion: DataVersion;
  topicConfigs: Map<string, TopicConfigLike>;
  /** null: the body had no filterServerList. */
  filterServerList: string[] | null;
  channel: unknown;
}

export type RegisterBrokerResult =
  | { ok: true; haServerAddr?: string; masterAddr?: string }
  | { ok: false; reason: string };

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

function addrKey(clusterName: string, brokerAddr: string): string {
  return `${clusterName}\u0000${brokerAddr}`;
}

function sameDataVersion(a: DataVersion, b: DataVersion): boolean {
  return a.stateVersion === b.stateVersion && a.timestamp === b.timestamp && a.counter === b.counter;
}

function sameQueueData(a: QueueData, b: QueueData): boolean {
  return (
    a.brokerName === b.brokerName &&
    a.perm === b.perm &&
    a.readQueueNums === b.readQueueNums &&
    a.writeQueueNums === b.writeQueueNums &&
    a.topicSysFlag === b.topicSysFlag
  );
}

function minKey(m: Map<number, string>): number {
  let min = Infinity;
  for (const k of m.keys()) if (k < min) min = k;
  return min;
}

export class RouteInfoManager {
  private readonly topicQueueTable = new Map<string, Map<string, QueueData>>();
  private readonly brokerAddrTable = new Map<string, BrokerData>();
  private readonly clusterAddrTable = new Map<string, Set<string>>();
  private readonly brokerLiveTable = new Map<string, BrokerLiveInfo & { clusterName: string; brokerAddr: string }>();
  private readonly filterServerTable = new Map<string, string[]>();
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
  }

  get topicCount(): number {
    return this.topicQueueTable.size;
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
    if (!this.brokerAddrTable.has(r.brokerName) && this.brokerAddrTable.size >= this.limits.routeBrokersMax) {
      return { ok: false, reason: `register broker failed: routeBrokersMax ${this.limits.routeBrokersMax} broker names reached` };
    }
    let newTopics = 0;
    for (const name of r.topicConfigs.keys()) if (!this.topicQueueTable.has(name)) newTopics++;
    if (this.topicQueueTable.size + newTopics > this.limits.routeTopicsMax) {
      return { ok: false, reason: `register broker failed: routeTopicsMax ${this.limits.routeTopicsMax} topics reached` };
    }

    let brokerNames = this.clusterAddrTable.get(r.clusterName);
    if (brokerNames === undefined) {
      brokerNames = new Set();
      this.clusterAddrTable.set(r.clusterName, brokerNames);
    }
    if (!brokerNames.has(r.brokerName)) {
      brokerNames.add(r.brokerName);
      this.changed();
    }

    let registerFirst = false;
    let brokerData = this.brokerAddrTable.get(r.brokerName);
    if (brokerData === undefined) {
      registerFirst = true;
      brokerData = { cluster: r.clusterName, brokerName: r.brokerName, brokerAddrs: new Map(), enableActingMaster: false };
      this.brokerAddrTable.set(r.brokerName, brokerData);
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
      const old = this.brokerLiveTable.get(addrKey(r.clusterName, oldBrokerAddr));
      if (old !== undefined && old.dataVersion.stateVersion > r.dataVersion.stateVersion) {
        this.logger.warn(
          { cluster: r.clusterName, brokerName: r.brokerName, brokerId: r.brokerId, oldBrokerAddr, brokerAddr: r.brokerAddr },
          'registering broker conflicts with the existing one (older stateVersion); ignored',
        );
        this.brokerLiveTable.delete(addrKey(r.clusterName, r.brokerAddr));
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
        for (const [topic, qdMap] of [...this.topicQueueTable]) {
          if (qdMap.has(r.brokerName) && !r.topicConfigs.has(topic)) {
            qdMap.delete(r.brokerName);
            this.changed();
            if (qdMap.size === 0) this.topicQueueTable.delete(topic);
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

    const key = addrKey(r.clusterName, r.brokerAddr);
    const prev = this.brokerLiveTable.get(key);
    this.brokerLiveTable.set(key, {
      clusterName: r.clusterName,
      brokerAddr: r.brokerAddr,
      lastUpdateTimestamp: this.now(),
      heartbeatTimeoutMillis: r.heartbeatTimeoutMillis ?? BROKER_CHANNEL_EXPIRED_MS_DEFAULT,
      dataVersion: r.dataVersion,
      channel: r.channel,
      haServerAddr: r.haServerAddr,
    });
    if (prev === undefined) {
      this.logger.info({ cluster: r.clusterName, brokerAddr: r.brokerAddr, brokerName: r.brokerName, brokerId: r.brokerId }, 'new broker registered');
    }
    if (r.filterServerList !== null) {
      const before = this.filterServerTable.get(key);
      if (r.filterServerList.length === 0) this.filterServerTable.delete(key);
      else this.filterServerTable.set(key, r.filterServerList);
      if ((before ?? []).join(',') !== r.filterServerList.join(',')) this.changed();
    }
    const result: RegisterBrokerResult = { ok: true };
    if (r.brokerId !== MASTER_ID) {
      const masterAddr = brokerData.brokerAddrs.get(MASTER_ID);
      if (masterAddr !== undefined) {
        const masterLive = this.brokerLiveTable.get(addrKey(r.clusterName, masterAddr));
        if (masterLive !== undefined) {
          result.haServerAddr = masterLive.haServerAddr;
          result.masterAddr = masterAddr;
        }
      }
    }
    return result;
  }

  private topicMissingBroker(brokerName: string, topic: string): boolean {
    const qd = this.topicQueueTable.get(topic);
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
    let m = this.topicQueueTable.get(tc.topicName);
    if (m === undefined) {
      m = new Map();
      this.topicQueueTable.set(tc.topicName, m);
      this.logger.debug({ topic: tc.topicName, brokerName }, 'new topic registered');
    }
    const existed = m.get(brokerName);
    if (existed === undefined || !sameQueueData(existed, qd)) {
      m.set(brokerName, qd);
      this.changed();
    }
  }

  isBrokerTopicConfigChanged(clusterName: string, brokerAddr: string, dv: DataVersion): boolean {
    const prev = this.brokerLiveTable.get(addrKey(clusterName, brokerAddr));
    return prev === undefined || !sameDataVersion(prev.dataVersion, dv);
  }

  queryBrokerTopicConfig(clusterName: string, brokerAddr: string): DataVersion | undefined {
    return this.brokerLiveTable.get(addrKey(clusterName, brokerAddr))?.dataVersion;
  }

  updateBrokerInfoUpdateTimestamp(clusterName: string, brokerAddr: string): void {
    const live = this.brokerLiveTable.get(addrKey(clusterName, brokerAddr));
    if (live !== undefined) live.lastUpdateTimestamp = this.now();
  }

  /** Java RouteInfoManager#unRegisterBroker for one request. */
  unregisterBroker(clusterName: string, brokerAddr: string, brokerName: string, brokerId: number): void {
    this.unregisterBrokers([{ clusterName, brokerAddr, brokerName, brokerId }]);
  }

  unregisterBrokers(reqs: { clusterName: string; brokerAddr: string; brokerName: string; brokerId: number }[]): void {
    this.changed();
    const removed = new Set<string>();
    const reduced = new Set<string>();
    for (const r of reqs) {
      const key = addrKey(r.clusterName, r.brokerAddr);
      const had = this.brokerLiveTable.delete(key);
      this.filterServerTable.delete(key);
      this.logger.info({ cluster: r.clusterName, brokerAddr: r.brokerAddr, live: had }, 'unregister broker');
      let removeBrokerName = false;
      const bd = this.brokerAddrTable.get(r.brokerName);
      if (bd !== undefined) {
        for (const [id, addr] of [...bd.brokerAddrs]) if (addr === r.brokerAddr) bd.brokerAddrs.delete(id);
        if (bd.brokerAddrs.size === 0) {
          this.brokerAddrTable.delete(r.brokerName);
          removeBrokerName = true;
        }
      }
      if (removeBrokerName) {
        const names = this.clusterAddrTable.get(r.clusterName);
        if (names !== undefined) {
          names.delete(r.brokerName);
          if (names.size === 0) this.clusterAddrTable.delete(r.clusterName);
        }
        removed.add(r.brokerName);
      } else {
        reduced.add(r.brokerName);
      }
    }
    this.cleanTopicByUnRegisterRequests(removed, reduced);
  }

  private cleanTopicByUnRegisterRequests(removed: Set<string>, reduced: Set<string>): void {
    for (const [topic, qdMap] of [...this.topicQueueTable]) {
      for (const name of removed) qdMap.delete(name);
      if (qdMap.size === 0) {
        this.topicQueueTable.delete(topic);
        continue;
      }
      for (const name of reduced) {
        const qd = qdMap.get(name);
        const bd = this.brokerAddrTable.get(name);
        if (qd !== undefined && bd !== undefined && bd.enableActingMaster && this.isNoMasterExists(name)) {
          qd.perm &= ~Perm.WRITE;
        }
      }
    }
  }

  private isNoMasterExists(brokerName: string): boolean {
    const bd = this.brokerAddrTable.get(brokerName);
    if (bd === undefined || bd.brokerAddrs.size === 0) return true;
    return minKey(bd.brokerAddrs) > 0;
  }

  /** Java RouteInfoManager#pickupTopicRouteData; undefined when the topic has no route. */
  pickupTopicRouteData(topic: string): RouteData | undefined {
    const qdMap = this.topicQueueTable.get(topic);
    if (qdMap === undefined) return undefined;
    const queueDatas = [...qdMap.values()].map((q) => ({ ...q }));
    const brokerDatas: BrokerData[] = [];
    const filterServerTable = new Map<string, string[]>();
    for (const name of qdMap.keys()) {
      const bd = this.brokerAddrTable.get(name);
      if (bd === undefined) continue;
      const clone: BrokerData = { ...bd, brokerAddrs: new Map(bd.brokerAddrs) };
      brokerDatas.push(clone);
      if (this.filterServerTable.size === 0) continue;
      for (const addr of clone.brokerAddrs.values()) {
        const list = this.filterServerTable.get(addrKey(clone.cluster, addr));
        if (list !== undefined) filterServerTable.set(addr, list);
      }
    }
    if (queueDatas.length === 0 || brokerDatas.length === 0) return undefined;
    const route: RouteData = { queueDatas, brokerDatas, filterServerTable };
    if (!this.supportActingMaster || topic.startsWith(SYNC_BROKER_MEMBER_GROUP_PREFIX)) return route;
    const needActingMaster = brokerDatas.some((b) => b.brokerAddrs.size !== 0 && !b.brokerAddrs.has(MASTER_ID));
    if (!needActingMaster) return route;
    for (const bd of brokerDatas) {
      if (bd.brokerAddrs.size === 0 || bd.brokerAddrs.has(MASTER_ID) || !bd.enableActingMaster) continue;
      const qd = queueDatas.find((q) => q.brokerName === bd.brokerName);
      if (qd !== undefined && (qd.perm & Perm.WRITE) === 0) {
        const min = minKey(bd.brokerAddrs);
        const acting = bd.brokerAddrs.get(min)!;
        bd.brokerAddrs.delete(min);
        bd.brokerAddrs.set(MASTER_ID, acting);
      }
    }
    return route;
  }

  /** Java RouteInfoManager#registerTopic (REGISTER_TOPIC_IN_NAMESRV). */
  registerTopic(topic: string, queueDatas: QueueData[]): void {
    if (queueDatas.length === 0) return;
    for (const qd of queueDatas) {
      if (!this.brokerAddrTable.has(qd.brokerName)) {
        this.logger.warn({ topic, brokerName: qd.brokerName }, 'register topic contains an unknown broker; ignored');
        return;
      }
    }
    if (!this.topicQueueTable.has(topic) && this.topicQueueTable.size >= this.limits.routeTopicsMax) {
      this.logger.warn({ topic, routeTopicsMax: this.limits.routeTopicsMax }, 'register topic refused: routeTopicsMax reached');
      return;
    }
    let m = this.topicQueueTable.get(topic);
    if (m === undefined) {
      m = new Map();
      this.topicQueueTable.set(topic, m);
    }
    for (const qd of queueDatas) m.set(qd.brokerName, { ...qd });
    this.changed();
  }

  deleteTopic(topic: string, clusterName?: string): void {
    this.changed();
    if (clusterName === undefined || clusterName === '') {
      this.topicQueueTable.delete(topic);
      return;
    }
    const names = this.clusterAddrTable.get(clusterName);
    if (names === undefined || names.size === 0) return;
    const m = this.topicQueueTable.get(topic);
    if (m === undefined) return;
    for (const n of names) m.delete(n);
    if (m.size === 0) this.topicQueueTable.delete(topic);
  }

  allTopics(): string[] {
    return [...this.topicQueueTable.keys()];
  }

  topicsByCluster(cluster: string): string[] {
    const names = this.clusterAddrTable.get(cluster);
    const out: string[] = [];
    if (names === undefined) return out;
    for (const n of names) {
      for (const [topic, m] of this.topicQueueTable) if (m.has(n)) out.push(topic);
    }
    return out;
  }

  /** Java getSystemTopicList: cluster names and broker names as "topics", plus one broker address. */
  systemTopicList(): { topics: string[]; brokerAddr?: string } {
    const topics: string[] = [];
    for (const [cluster, names] of this.clusterAddrTable) topics.push(cluster, ...names);
    let brokerAddr: string | undefined;
    for (const bd of this.brokerAddrTable.values()) {
      const first = bd.brokerAddrs.values().next();
      if (!first.done) {
        brokerAddr = first.value;
        break;
      }
    }
    return brokerAddr === undefined ? { topics } : { topics, brokerAddr };
  }

  unitTopics(kind: 'unit' | 'unitSub' | 'unitSubNotUnit'): string[] {
    const out: string[] = [];
    for (const [topic, m] of this.topicQueueTable) {
      const first = m.values().next();
      if (first.done) continue;
      const f = first.value.topicSysFlag;
      const ok =
        kind === 'unit' ? hasUnitFlag(f) : kind === 'unitSub' ? hasUnitSubFlag(f) : !hasUnitFlag(f) && hasUnitSubFlag(f);
      if (ok) out.push(topic);
    }
    return out;
  }

  /** WIPE_WRITE_PERM_OF_BROKER / ADD_WRITE_PERM_OF_BROKER: number of topics touched. */
  operateWritePerm(brokerName: string, wipe: boolean): number {
    this.changed();
    let n = 0;
    for (const m of this.topicQueueTable.values()) {
      const qd = m.get(brokerName);
      if (qd === undefined) continue;
      qd.perm = wipe ? qd.perm & ~Perm.WRITE : Perm.READ | Perm.WRITE;
      n++;
    }
    return n;
  }

  clusterInfo(): { brokerAddrTable: Map<string, BrokerData>; clusterAddrTable: Map<string, Set<string>> } {
    return { brokerAddrTable: this.brokerAddrTable, clusterAddrTable: this.clusterAddrTable };
  }

  brokerMemberGroup(clusterName: string, brokerName: string): { cluster: string; brokerName: string; brokerAddrs: Map<number, string> } {
    const bd = this.brokerAddrTable.get(brokerName);
    return { cluster: clusterName, brokerName, brokerAddrs: new Map(bd?.brokerAddrs ?? []) };
  }

  /** Brokers whose last registration is older than their heartbeat timeout (Java scanNotActiveBroker). */
  scanNotActiveBroker(): { channel: unknown; clusterName: string; brokerAddr: string }[] {
    const now = this.now();
    const expired: { channel: unknown; clusterName: string; brokerAddr: string }[] = [];
    for (const live of this.brokerLiveTable.values()) {
      if (live.lastUpdateTimestamp + live.heartbeatTimeoutMillis < now) {
        this.logger.warn({ cluster: live.clusterName, brokerAddr: live.brokerAddr, timeoutMs: live.heartbeatTimeoutMillis }, 'broker expired');
        expired.push({ channel: live.channel, clusterName: live.clusterName, brokerAddr: live.brokerAddr });
        this.onBrokerGone(live.clusterName, live.brokerAddr);
      }
    }
    return expired;
  }

  /** A broker's connection closed: unregister every broker address registered over it (Java onChannelDestroy). */
  onChannelDestroy(channel: unknown): void {
    for (const live of [...this.brokerLiveTable.values()]) {
      if (live.channel === channel) this.onBrokerGone(live.clusterName, live.brokerAddr);
    }
  }

  private onBrokerGone(clusterName: string, brokerAddr: string): void {
    for (const bd of this.brokerAddrTable.values()) {
      if (bd.cluster !== clusterName) continue;
      for (const [id, addr] of bd.brokerAddrs) {
        if (addr === brokerAddr) {
          this.unregisterBroker(clusterName, brokerAddr, bd.brokerName, id);
          return;
        }
      }
    }
    // Live entry without an address record: drop the live entry alone.
    this.brokerLiveTable.delete(addrKey(clusterName, brokerAddr));
    this.changed();
  }
}
