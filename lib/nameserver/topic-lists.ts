import { hasUnitFlag, hasUnitSubFlag } from '../../protocol/naming';
import type { RouteTables } from './route-tables';

/**
 * Topic-list queries over the NameServer route tables (GET_ALL_TOPIC_LIST_FROM_NAMESERVER,
 * GET_TOPICS_BY_CLUSTER, GET_SYSTEM_TOPIC_LIST_FROM_NS, GET_UNIT_TOPIC_LIST, GET_HAS_UNIT_SUB_TOPIC_LIST,
 * GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST). Read-only; Java RouteInfoManager#getAllTopicList and its siblings.
 * RouteInfoManager delegates here.
 */

/** Java getAllTopicList. */
export function allTopics(t: RouteTables): string[] {
  return [...t.topicQueueTable.keys()];
}

/** Java getTopicsByCluster: topics with a queue on any broker name of the cluster (once per broker name). */
export function topicsByCluster(t: RouteTables, cluster: string): string[] {
  const names = t.clusterAddrTable.get(cluster);
  const out: string[] = [];
  if (names === undefined) return out;
  for (const n of names) {
    for (const [topic, m] of t.topicQueueTable) if (m.has(n)) out.push(topic);
  }
  return out;
}

/** Java getSystemTopicList: cluster names and broker names as "topics", plus one broker address. */
export function systemTopicList(t: RouteTables): { topics: string[]; brokerAddr?: string } {
  const topics: string[] = [];
  for (const [cluster, names] of t.clusterAddrTable) topics.push(cluster, ...names);
  let brokerAddr: string | undefined;
  for (const bd of t.brokerAddrTable.values()) {
    const first = bd.brokerAddrs.values().next();
    if (!first.done) {
      brokerAddr = first.value;
      break;
    }
  }
  return brokerAddr === undefined ? { topics } : { topics, brokerAddr };
}

/** Java getUnitTopics / getHasUnitSubTopicList / getHasUnitSubUnUnitTopicList, by the first queue data's flag. */
export function unitTopics(t: RouteTables, kind: 'unit' | 'unitSub' | 'unitSubNotUnit'): string[] {
  const out: string[] = [];
  for (const [topic, m] of t.topicQueueTable) {
    const first = m.values().next();
    if (first.done) continue;
    const f = first.value.topicSysFlag;
    const ok =
      kind === 'unit' ? hasUnitFlag(f) : kind === 'unitSub' ? hasUnitSubFlag(f) : !hasUnitFlag(f) && hasUnitSubFlag(f);
    if (ok) out.push(topic);
  }
  return out;
}
