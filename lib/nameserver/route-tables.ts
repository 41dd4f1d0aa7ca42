import type { Logger } from '../common';

/**
 * The NameServer route registry's data: the record types (queue data, broker data, data version, ...) and the five
 * tables of Java's RouteInfoManager (namesrv/.../routeinfo/RouteInfoManager.java, 5.x) as one plain value, so that
 * route-info.ts (registration and routes), route-liveness.ts (expiry and channel-close cleanup) and topic-lists.ts
 * (topic-list queries) work on the same tables without importing each other. Types only plus small pure helpers;
 * route-info.ts re-exports the public types, so importers keep importing them from there.
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

/** One registered broker address (Java BrokerLiveInfo, plus the key's parts). */
export interface BrokerLiveInfo {
  clusterName: string;
  brokerAddr: string;
  lastUpdateTimestamp: number;
  heartbeatTimeoutMillis: number;
  dataVersion: DataVersion;
  /** The broker's connection: an opaque token supplied by the caller. */
  channel: unknown;
  haServerAddr: string;
  /**
   * The registration this entry was last built from, and the route version right after it (RouteInfoManager's
   * repeated-registration shortcut); undefined when the entry was not made by a full registration.
   */
  applied?: { input: Omit<RegisterBrokerInput, 'channel'>; version: number };
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

/** Java RouteInfoManager's tables; keys of brokerLiveTable and filterServerTable are addrKey(cluster, addr). */
export interface RouteTables {
  /** topic -> brokerName -> queue data */
  readonly topicQueueTable: Map<string, Map<string, QueueData>>;
  /** brokerName -> broker data */
  readonly brokerAddrTable: Map<string, BrokerData>;
  /** cluster -> broker names */
  readonly clusterAddrTable: Map<string, Set<string>>;
  readonly brokerLiveTable: Map<string, BrokerLiveInfo>;
  readonly filterServerTable: Map<string, string[]>;
}

export function newRouteTables(): RouteTables {
  return {
    topicQueueTable: new Map(),
    brokerAddrTable: new Map(),
    clusterAddrTable: new Map(),
    brokerLiveTable: new Map(),
    filterServerTable: new Map(),
  };
}

/** What the table-walking helpers need of the manager that owns the tables. */
export interface RouteHost {
  readonly tables: RouteTables;
  readonly logger: Logger;
  now(): number;
  /** Bumps the route version (see RouteInfoManager#version). */
  changed(): void;
}

export function addrKey(clusterName: string, brokerAddr: string): string {
  return `${clusterName}\u0000${brokerAddr}`;
}

export function sameDataVersion(a: DataVersion, b: DataVersion): boolean {
  return a.stateVersion === b.stateVersion && a.timestamp === b.timestamp && a.counter === b.counter;
}

export function sameQueueData(a: QueueData, b: QueueData): boolean {
  return (
    a.brokerName === b.brokerName &&
    a.perm === b.perm &&
    a.readQueueNums === b.readQueueNums &&
    a.writeQueueNums === b.writeQueueNums &&
    a.topicSysFlag === b.topicSysFlag
  );
}

/** The smallest broker id of an address map (Infinity when empty). */
export function minKey(m: Map<number, string>): number {
  let min = Infinity;
  for (const k of m.keys()) if (k < min) min = k;
  return min;
}
