import type { Decoded } from '../../protocol/headers';
import {
  ClusterInfo,
  DataVersion as DataVersionBody,
  decodeRegisterBrokerBody as decodeRegisterBody,
  KVTable,
  RegisterBodySteps,
  type RegisterBrokerBody,
  TopicConfigSerializeWrapper,
  TopicList,
  TopicRouteData,
  type TopicConfig,
} from '../../protocol/bodies';
import type { BrokerData, DataVersion, QueueData, RouteData, TopicConfigLike } from './route-info';

/**
 * The NameServer's seam to protocol/bodies: turns wire bodies into route-registry values and back. Routes,
 * cluster info, topic lists and KV tables are written as compact standard JSON (quoted numeric keys).
 */
export interface RegistrationBody {
  dataVersion: DataVersion;
  topicConfigs: Map<string, TopicConfigLike>;
  filterServerList: string[] | null;
}

function toDataVersion(dv: { counter: number; timestamp: number; stateVersion?: number }): DataVersion {
  return { counter: dv.counter, timestamp: dv.timestamp, stateVersion: dv.stateVersion ?? 0 };
}

function toTopicConfigs(table: Map<string, TopicConfig>): Map<string, TopicConfigLike> {
  const out = new Map<string, TopicConfigLike>();
  for (const [name, tc] of table) {
    out.set(name, {
      topicName: tc.topicName ?? name,
      readQueueNums: tc.readQueueNums,
      writeQueueNums: tc.writeQueueNums,
      perm: tc.perm,
      topicSysFlag: tc.topicSysFlag,
    });
  }
  return out;
}

const EMPTY: RegistrationBody = { dataVersion: { counter: 0, timestamp: 0, stateVersion: 0 }, topicConfigs: new Map(), filterServerList: null };

/** REGISTER_BROKER body from a broker >= V3_0_11: RegisterBrokerBody, plain or compressed. */
export function decodeRegisterBrokerBody(body: Buffer | null, compressed: boolean, version: number): Decoded<RegistrationBody> {
  if (body === null) return { ok: true, value: EMPTY };
  const d = decodeRegisterBody(body, compressed, { brokerVersion: version });
  if (!d.ok) return d;
  const w = d.value.topicConfigSerializeWrapper;
  return {
    ok: true,
    value: { dataVersion: toDataVersion(w.dataVersion), topicConfigs: toTopicConfigs(w.topicConfigTable), filterServerList: d.value.filterServerList },
  };
}

function fromRegisterBody(v: RegisterBrokerBody): RegistrationBody {
  const w = v.topicConfigSerializeWrapper;
  return { dataVersion: toDataVersion(w.dataVersion), topicConfigs: toTopicConfigs(w.topicConfigTable), filterServerList: v.filterServerList };
}

/** Topics decoded per step of a REGISTER_BROKER body (steps run back to back until registerBodyStepMsMax passes). */
export const registerBodyTopicsPerStep = 100;
/**
 * Longest run of decode steps before the NameServer yields to the event loop, ms (issue 14: no block > 20 ms; a
 * changed 1,000-topic body decoded in one go held the loop for ~20 ms on a quiet machine).
 */
export const registerBodyStepMsMax = 3;

/**
 * REGISTER_BROKER body from a broker >= V3_0_11, decoded `registerBodyTopicsPerStep` topics per step with a
 * macrotask (setImmediate) whenever `registerBodyStepMsMax` has passed (issue 14: 10k topics in one go held the
 * event loop for 50-150 ms). A body of at most that many topics is decoded in one step, and the result is then
 * returned synchronously (no await); a longer one always yields at least once.
 */
export function decodeRegisterBrokerBodySliced(body: Buffer | null, compressed: boolean, version: number): Decoded<RegistrationBody> | Promise<Decoded<RegistrationBody>> {
  if (body === null) return { ok: true, value: EMPTY };
  const steps = new RegisterBodySteps(body, compressed, { brokerVersion: version });
  const done = (r: Decoded<RegisterBrokerBody>): Decoded<RegistrationBody> => (r.ok ? { ok: true, value: fromRegisterBody(r.value) } : r);
  // Two steps at once: the compressed form's first step only inflates and reads the head.
  const first = steps.step(registerBodyTopicsPerStep);
  if (first.done) return done(first.result);
  const second = steps.step(registerBodyTopicsPerStep);
  if (second.done) return done(second.result);
  return new Promise((resolve) => {
    const next = (): void => {
      const t0 = performance.now();
      do {
        const r = steps.step(registerBodyTopicsPerStep);
        if (r.done) {
          resolve(done(r.result));
          return;
        }
      } while (performance.now() - t0 < registerBodyStepMsMax);
      setImmediate(next);
    };
    setImmediate(next);
  });
}

/** REGISTER_BROKER body from a broker older than V3_0_11: a bare TopicConfigSerializeWrapper. */
export function decodeTopicConfigWrapper(body: Buffer | null): Decoded<RegistrationBody> {
  if (body === null) return { ok: true, value: EMPTY };
  const d = TopicConfigSerializeWrapper.decode(body);
  if (!d.ok) return d;
  return { ok: true, value: { dataVersion: toDataVersion(d.value.dataVersion), topicConfigs: toTopicConfigs(d.value.topicConfigTable), filterServerList: null } };
}

export function decodeDataVersion(body: Buffer | null): Decoded<DataVersion> {
  if (body === null) return { ok: false, error: 'no body' };
  const d = DataVersionBody.decode(body);
  return d.ok ? { ok: true, value: toDataVersion(d.value) } : d;
}

export function encodeDataVersion(dv: DataVersion): Buffer {
  return DataVersionBody.encode(dv);
}

function brokerDataOut(b: BrokerData) {
  return {
    brokerAddrs: new Map([...b.brokerAddrs].sort((x, y) => x[0] - y[0])),
    brokerName: b.brokerName,
    cluster: b.cluster,
    enableActingMaster: b.enableActingMaster,
    ...(b.zoneName !== undefined ? { zoneName: b.zoneName } : {}),
  };
}

export function encodeRouteData(route: RouteData): Buffer {
  return TopicRouteData.encode({
    brokerDatas: route.brokerDatas.map(brokerDataOut),
    filterServerTable: route.filterServerTable,
    queueDatas: route.queueDatas,
    ...(route.orderTopicConf !== undefined ? { orderTopicConf: route.orderTopicConf } : {}),
  });
}

export function encodeClusterInfo(info: { brokerAddrTable: Map<string, BrokerData>; clusterAddrTable: Map<string, Set<string>> }): Buffer {
  const brokerAddrTable = new Map([...info.brokerAddrTable].map(([k, v]) => [k, brokerDataOut(v)] as const));
  const clusterAddrTable = new Map<string, string[]>([...info.clusterAddrTable].map(([k, v]): [string, string[]] => [k, [...v]]));
  return ClusterInfo.encode({ brokerAddrTable, clusterAddrTable });
}

export function encodeTopicList(topics: string[], brokerAddr?: string): Buffer {
  return TopicList.encode({ topicList: topics, ...(brokerAddr !== undefined ? { brokerAddr } : {}) });
}

export function encodeKvTable(table: Map<string, string>): Buffer {
  return KVTable.encode({ table });
}

export function decodeRouteQueueDatas(body: Buffer | null): Decoded<QueueData[]> {
  if (body === null) return { ok: true, value: [] };
  const d = TopicRouteData.decode(body);
  return d.ok ? { ok: true, value: d.value.queueDatas } : d;
}

/** GetBrokerMemberGroupResponseBody: {"brokerMemberGroup":{"brokerAddrs":{...},"brokerName":..,"cluster":..}}. */
export function encodeBrokerMemberGroup(g: { cluster: string; brokerName: string; brokerAddrs: Map<number, string> }): Buffer {
  const addrs = [...g.brokerAddrs].sort((a, b) => a[0] - b[0]).map(([id, a]) => `"${id}":${JSON.stringify(a)}`).join(',');
  return Buffer.from(`{"brokerMemberGroup":{"brokerAddrs":{${addrs}},"brokerName":${JSON.stringify(g.brokerName)},"cluster":${JSON.stringify(g.cluster)}}}`);
}
