import {
  beanBody,
  beanOf,
  bool,
  dflt,
  enumOf,
  int,
  listOf,
  long,
  mapOf,
  numberKey,
  opt,
  prim,
  req,
  setOf,
  str,
  stringKey,
} from './schema';

/**
 * Topic metadata bodies. Java: remoting/.../protocol/DataVersion.java, common/.../TopicConfig.java,
 * remoting/.../protocol/body/TopicConfigSerializeWrapper.java, TopicConfigAndMappingSerializeWrapper.java,
 * TopicList.java, CreateTopicListRequestBody.java, remoting/.../protocol/statictopic/*.java (4.9.x: the same
 * classes under common/.../protocol/, without the 5.x properties marked below).
 */

// ------------------------------------------------------------------------------------------------ DataVersion

/** {"counter":7,"stateVersion":0,"timestamp":1700000000000}. 4.9.x has no stateVersion. */
export interface DataVersion {
  counter: number;
  /** 5.x only. */
  stateVersion?: number;
  timestamp: number;
}

export const dataVersion = beanOf<DataVersion>({
  counter: prim(long, 0),
  stateVersion: opt(long, () => 0),
  timestamp: prim(long, 0),
});
export const DataVersion = beanBody('DataVersion', dataVersion);

// ------------------------------------------------------------------------------------------------ TopicConfig

export const TopicFilterTypes = ['SINGLE_TAG', 'MULTI_TAG'] as const;
export type TopicFilterType = (typeof TopicFilterTypes)[number];

/**
 * TopicConfig, as the broker keeps it in topics.json and sends it in registrations and GET_TOPIC_CONFIG:
 * {"attributes":{},"order":false,"perm":6,"readQueueNums":8,"topicFilterType":"SINGLE_TAG","topicName":"T",
 *  "topicSysFlag":0,"writeQueueNums":8}. Java defaults: 16 read/write queues, perm 6 (RW).
 * 5.5.0's liteTopicExpiration/topicMessageType are not serialized by fastjson2 and are not modelled.
 */
export interface TopicConfig {
  /** 5.x only ("+message.type=NORMAL" style attributes, e.g. {"message.type":"NORMAL"}). */
  attributes?: Map<string, string>;
  order: boolean;
  perm: number;
  readQueueNums: number;
  topicFilterType: TopicFilterType;
  topicName: string;
  topicSysFlag: number;
  writeQueueNums: number;
}

const topicConfigSpecs = {
  attributes: opt(mapOf(stringKey, str), () => new Map<string, string>()),
  order: prim(bool, false),
  perm: prim(int, 6),
  readQueueNums: prim(int, 16),
  topicFilterType: dflt(enumOf(TopicFilterTypes), (): TopicFilterType => 'SINGLE_TAG'),
  topicName: req(str),
  topicSysFlag: prim(int, 0),
  writeQueueNums: prim(int, 16),
};
export const topicConfig = beanOf<TopicConfig>(topicConfigSpecs);
export const TopicConfig = beanBody('TopicConfig', topicConfig);

// ------------------------------------------------------------------------------------------------ static topics (5.x)

export interface LogicQueueMappingItem {
  bname?: string;
  endOffset: number;
  gen: number;
  logicOffset: number;
  queueId: number;
  startOffset: number;
  timeOfEnd: number;
  timeOfStart: number;
}
export const logicQueueMappingItem = beanOf<LogicQueueMappingItem>({
  bname: opt(str),
  endOffset: prim(long, -1),
  gen: prim(int, 0),
  logicOffset: prim(long, 0),
  queueId: prim(int, 0),
  startOffset: prim(long, 0),
  timeOfEnd: prim(long, -1),
  timeOfStart: prim(long, -1),
});

/** TopicQueueMappingInfo (static topics, 5.x). */
export interface TopicQueueMappingInfo {
  bname?: string;
  currIdMap: Map<number, number>;
  dirty: boolean;
  epoch: number;
  scope: string;
  topic?: string;
  totalQueues: number;
}
const topicQueueMappingInfoSpecs = {
  bname: opt(str),
  currIdMap: dflt(mapOf(numberKey, int), () => new Map<number, number>()),
  dirty: prim(bool, false),
  epoch: prim(long, 0),
  scope: dflt(str, () => '__global__'),
  topic: opt(str),
  totalQueues: prim(int, 0),
};
export const topicQueueMappingInfo = beanOf<TopicQueueMappingInfo>(topicQueueMappingInfoSpecs);
export const TopicQueueMappingInfo = beanBody('TopicQueueMappingInfo', topicQueueMappingInfo);

export interface TopicQueueMappingDetail extends TopicQueueMappingInfo {
  hostedQueues: Map<number, LogicQueueMappingItem[]>;
}
export const topicQueueMappingDetail = beanOf<TopicQueueMappingDetail>({
  ...topicQueueMappingInfoSpecs,
  hostedQueues: dflt(mapOf(numberKey, listOf(logicQueueMappingItem)), () => new Map<number, LogicQueueMappingItem[]>()),
});

/** GET_TOPIC_CONFIG (351, 5.x) response: TopicConfig + mappingDetail (null, i.e. absent, for normal topics). */
export interface TopicConfigAndQueueMapping extends TopicConfig {
  mappingDetail?: TopicQueueMappingDetail;
}
export const TopicConfigAndQueueMapping = beanBody(
  'TopicConfigAndQueueMapping',
  beanOf<TopicConfigAndQueueMapping>({ ...topicConfigSpecs, mappingDetail: opt(topicQueueMappingDetail) }),
);

// ------------------------------------------------------------------------------------------------ wrappers

/** topics.json and GET_ALL_TOPIC_CONFIG (4.9.x): {"dataVersion":{...},"topicConfigTable":{"T":{...}}}. */
export interface TopicConfigSerializeWrapper {
  dataVersion: DataVersion;
  topicConfigTable: Map<string, TopicConfig>;
}
const wrapperSpecs = {
  dataVersion: dflt(dataVersion, () => dataVersion.make({})),
  topicConfigTable: dflt(mapOf(stringKey, topicConfig), () => new Map<string, TopicConfig>()),
};
export const TopicConfigSerializeWrapper = beanBody('TopicConfigSerializeWrapper', beanOf<TopicConfigSerializeWrapper>(wrapperSpecs));

/**
 * TopicConfigAndMappingSerializeWrapper (5.x GET_ALL_TOPIC_CONFIG, and RegisterBrokerBody's
 * topicConfigSerializeWrapper): adds mappingDataVersion, topicQueueMappingDetailMap, topicQueueMappingInfoMap,
 * which a 4.9.x body lacks (then they stay undefined).
 */
export interface TopicConfigAndMappingSerializeWrapper extends TopicConfigSerializeWrapper {
  mappingDataVersion?: DataVersion;
  topicQueueMappingDetailMap?: Map<string, TopicQueueMappingDetail>;
  topicQueueMappingInfoMap?: Map<string, TopicQueueMappingInfo>;
}
export const topicConfigAndMappingSerializeWrapper = beanOf<TopicConfigAndMappingSerializeWrapper>({
  ...wrapperSpecs,
  mappingDataVersion: opt(dataVersion, () => dataVersion.make({})),
  topicQueueMappingDetailMap: opt(mapOf(stringKey, topicQueueMappingDetail), () => new Map<string, TopicQueueMappingDetail>()),
  topicQueueMappingInfoMap: opt(mapOf(stringKey, topicQueueMappingInfo), () => new Map<string, TopicQueueMappingInfo>()),
});
export const TopicConfigAndMappingSerializeWrapper = beanBody('TopicConfigAndMappingSerializeWrapper', topicConfigAndMappingSerializeWrapper);

// ------------------------------------------------------------------------------------------------ lists

/** TopicList: {"topicList":["TopicA","%RETRY%g"]}; brokerAddr (304 GET_SYSTEM_TOPIC_LIST_FROM_NS) omitted when null. */
export interface TopicList {
  brokerAddr?: string;
  topicList: string[];
}
export const TopicList = beanBody('TopicList', beanOf<TopicList>({ brokerAddr: opt(str), topicList: dflt(setOf(str), () => []) }));

/** UPDATE_AND_CREATE_TOPIC_LIST (18, 5.x) request body. */
export interface CreateTopicListRequestBody {
  topicConfigList: TopicConfig[];
}
export const CreateTopicListRequestBody = beanBody(
  'CreateTopicListRequestBody',
  beanOf<CreateTopicListRequestBody>({ topicConfigList: dflt(listOf(topicConfig), () => []) }),
);
