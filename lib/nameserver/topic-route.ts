import { MASTER_ID, Perm, SYNC_BROKER_MEMBER_GROUP_PREFIX } from '../../protocol/naming';
import { addrKey, minKey, type BrokerData, type RouteData, type RouteTables } from './route-tables';

/**
 * The route of one topic (GET_ROUTEINFO_BY_TOPIC) built from the NameServer route tables: copies of the topic's
 * queue data and of its brokers' data, the filter servers of those brokers, and — with supportActingMaster — the
 * smallest slave id shown as master for a broker name that has lost its master and whose queues are read-only.
 * Read-only over the tables; RouteInfoManager#pickupTopicRouteData delegates here.
 */

/** Java RouteInfoManager#pickupTopicRouteData; undefined when the topic has no route. */
export function pickupTopicRouteData(t: RouteTables, topic: string, supportActingMaster: boolean): RouteData | undefined {
  const qdMap = t.topicQueueTable.get(topic);
  if (qdMap === undefined) return undefined;
  const queueDatas = [...qdMap.values()].map((q) => ({ ...q }));
  const brokerDatas: BrokerData[] = [];
  const filterServerTable = new Map<string, string[]>();
  for (const name of qdMap.keys()) {
    const bd = t.brokerAddrTable.get(name);
    if (bd === undefined) continue;
    const clone: BrokerData = { ...bd, brokerAddrs: new Map(bd.brokerAddrs) };
    brokerDatas.push(clone);
    if (t.filterServerTable.size === 0) continue;
    for (const addr of clone.brokerAddrs.values()) {
      const list = t.filterServerTable.get(addrKey(clone.cluster, addr));
      if (list !== undefined) filterServerTable.set(addr, list);
    }
  }
  if (queueDatas.length === 0 || brokerDatas.length === 0) return undefined;
  const route: RouteData = { queueDatas, brokerDatas, filterServerTable };
  if (!supportActingMaster || topic.startsWith(SYNC_BROKER_MEMBER_GROUP_PREFIX)) return route;
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
