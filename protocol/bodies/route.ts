import { beanBody, beanOf, bool, dflt, int, listOf, mapOf, numberKey, opt, prim, req, setOf, str, stringKey } from './schema';
import { topicQueueMappingInfo, type TopicQueueMappingInfo } from './topic';

/**
 * Route bodies. Java: remoting/.../protocol/route/{TopicRouteData,QueueData,BrokerData}.java,
 * remoting/.../protocol/body/ClusterInfo.java (4.9.x: common/.../protocol/route, body).
 *
 * Apogee writes these as STANDARD compact JSON with quoted brokerAddrs keys (the default of writeJson):
 * the Go client splits the brokerAddrs text by hand (pitfall P1: no whitespace, never null) and every Java
 * client parses quoted keys. Java itself writes {0:"addr"} (fastjson), or quoted keys and sorted maps on the
 * NameServer's GET_ROUTEINFO_BY_TOPIC path for clients >= V4_9_4 (ClientRequestProcessor: BrowserCompatible,
 * MapSortField); pass { numericKeys: 'java' } / { sortMaps: true } to reproduce either.
 */

export interface QueueData {
  brokerName: string;
  perm: number;
  readQueueNums: number;
  topicSysFlag: number;
  writeQueueNums: number;
}
export const queueData = beanOf<QueueData>({
  brokerName: req(str),
  perm: prim(int, 0),
  readQueueNums: prim(int, 0),
  topicSysFlag: prim(int, 0),
  writeQueueNums: prim(int, 0),
});
export const QueueData = beanBody('QueueData', queueData);

export interface BrokerData {
  /** brokerId (0 = master) -> "ip:port". Never absent on the wire (Go would panic, P1). */
  brokerAddrs: Map<number, string>;
  brokerName: string;
  cluster: string;
  /** 5.x only (absent from 4.9.x bodies). */
  enableActingMaster?: boolean;
  /** 5.x only, nullable. */
  zoneName?: string;
}
export const brokerData = beanOf<BrokerData>({
  brokerAddrs: dflt(mapOf(numberKey, str), () => new Map<number, string>()),
  brokerName: req(str),
  cluster: req(str),
  enableActingMaster: opt(bool, () => false),
  zoneName: opt(str),
});
export const BrokerData = beanBody('BrokerData', brokerData);

/** GET_ROUTEINFO_BY_TOPIC (105) response; REGISTER_TOPIC_IN_NAMESRV (217) request. */
export interface TopicRouteData {
  brokerDatas: BrokerData[];
  /** brokerAddr -> filter server addresses; always {} today. */
  filterServerTable: Map<string, string[]>;
  /** "brokerName:queueNum;..." for ordered topics (NameServer orderMessageEnable). */
  orderTopicConf?: string;
  queueDatas: QueueData[];
  /** 5.x static topics only; Apogee omits it. */
  topicQueueMappingByBroker?: Map<string, TopicQueueMappingInfo>;
}
export const topicRouteData = beanOf<TopicRouteData>({
  brokerDatas: dflt(listOf(brokerData), () => []),
  filterServerTable: dflt(mapOf(stringKey, listOf(str)), () => new Map<string, string[]>()),
  orderTopicConf: opt(str),
  queueDatas: dflt(listOf(queueData), () => []),
  topicQueueMappingByBroker: opt(mapOf(stringKey, topicQueueMappingInfo)),
});
export const TopicRouteData = beanBody('TopicRouteData', topicRouteData);

/**
 * GET_BROKER_CLUSTER_INFO (106) response:
 * {"brokerAddrTable":{"broker-a":{BrokerData}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}}.
 */
export interface ClusterInfo {
  brokerAddrTable: Map<string, BrokerData>;
  clusterAddrTable: Map<string, string[]>;
}
export const ClusterInfo = beanBody(
  'ClusterInfo',
  beanOf<ClusterInfo>({
    brokerAddrTable: dflt(mapOf(stringKey, brokerData), () => new Map<string, BrokerData>()),
    clusterAddrTable: dflt(mapOf(stringKey, setOf(str)), () => new Map<string, string[]>()),
  }),
);

/** BrokerMemberGroup (5.x): the members of one broker group. */
export interface BrokerMemberGroup {
  brokerAddrs: Map<number, string>;
  brokerName?: string;
  cluster?: string;
}
export const brokerMemberGroup = beanOf<BrokerMemberGroup>({
  brokerAddrs: dflt(mapOf(numberKey, str), () => new Map<number, string>()),
  brokerName: opt(str),
  cluster: opt(str),
});

/** GET_BROKER_MEMBER_GROUP (901, 5.x) response: {"brokerMemberGroup":{"brokerAddrs":{...},"brokerName":..,"cluster":..}}. */
export interface GetBrokerMemberGroupResponseBody {
  brokerMemberGroup?: BrokerMemberGroup;
}
export const GetBrokerMemberGroupResponseBody = beanBody(
  'GetBrokerMemberGroupResponseBody',
  beanOf<GetBrokerMemberGroupResponseBody>({ brokerMemberGroup: opt(brokerMemberGroup) }),
);
