import { messageQueue, type MessageQueue } from './message-queue';
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
  opt,
  prim,
  primArrayOf,
  req,
  setOf,
  str,
  stringKey,
} from './schema';
import { dataVersion, type DataVersion } from './topic';

/**
 * Consumer-group bodies. Java: remoting/.../protocol/subscription/{SubscriptionGroupConfig,GroupRetryPolicy,
 * CustomizedRetryPolicy,ExponentialRetryPolicy,SimpleSubscriptionData}.java, remoting/.../protocol/body/
 * {SubscriptionGroupWrapper,SubscriptionGroupList,GroupList,LockBatchRequestBody,LockBatchResponseBody,
 * UnlockBatchRequestBody}.java, remoting/.../protocol/header/GetConsumerListByGroupResponseBody.java
 * (4.9.x: common/.../subscription, common/.../protocol/body; no 5.x properties).
 */

export const GroupRetryPolicyTypes = ['EXPONENTIAL', 'CUSTOMIZED'] as const;
export type GroupRetryPolicyType = (typeof GroupRetryPolicyTypes)[number];

/** CustomizedRetryPolicy.next: the upstream default delays (ms) for reconsume times 1..18. */
export const DEFAULT_RETRY_DELAYS_MS = [
  1000, 5000, 10000, 30000, 60000, 120000, 180000, 240000, 300000, 360000, 420000, 480000, 540000, 600000, 1200000,
  1800000, 3600000, 7200000,
];

export interface CustomizedRetryPolicy {
  next: number[];
}
export const customizedRetryPolicy = beanOf<CustomizedRetryPolicy>({
  next: dflt(primArrayOf(long), () => [...DEFAULT_RETRY_DELAYS_MS]),
});

export interface ExponentialRetryPolicy {
  initial: number;
  max: number;
  multiplier: number;
}
export const exponentialRetryPolicy = beanOf<ExponentialRetryPolicy>({
  initial: prim(long, 5000),
  max: prim(long, 7200000),
  multiplier: prim(long, 2),
});

/** GroupRetryPolicy (5.x). Upstream default: {"type":"CUSTOMIZED"} (both policies null). */
export interface GroupRetryPolicy {
  customizedRetryPolicy?: CustomizedRetryPolicy;
  exponentialRetryPolicy?: ExponentialRetryPolicy;
  type: GroupRetryPolicyType;
}
export const groupRetryPolicy = beanOf<GroupRetryPolicy>({
  customizedRetryPolicy: opt(customizedRetryPolicy),
  exponentialRetryPolicy: opt(exponentialRetryPolicy),
  type: dflt(enumOf(GroupRetryPolicyTypes), (): GroupRetryPolicyType => 'CUSTOMIZED'),
});

export interface SimpleSubscriptionData {
  expression?: string;
  expressionType?: string;
  topic?: string;
  version: number;
}
export const simpleSubscriptionData = beanOf<SimpleSubscriptionData>({
  expression: opt(str),
  expressionType: opt(str),
  topic: opt(str),
  version: prim(long, 0),
});

/**
 * SubscriptionGroupConfig (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP 200 body; subscriptionGroup.json entries).
 * 4.9.x has only brokerId, consumeBroadcastEnable, consumeEnable, consumeFromMinEnable, groupName,
 * notifyConsumerIdsChangedEnable, retryMaxTimes, retryQueueNums, whichBrokerWhenConsumeSlowly; the others are
 * 5.x (5.5.0's lite* and priority properties are not serialized by fastjson2 and are not modelled).
 */
export interface SubscriptionGroupConfig {
  attributes?: Map<string, string>;
  brokerId: number;
  consumeBroadcastEnable: boolean;
  consumeEnable: boolean;
  consumeFromMinEnable: boolean;
  consumeMessageOrderly?: boolean;
  consumeTimeoutMinute?: number;
  groupName: string;
  groupRetryPolicy?: GroupRetryPolicy;
  groupSysFlag?: number;
  notifyConsumerIdsChangedEnable: boolean;
  retryMaxTimes: number;
  retryQueueNums: number;
  subscriptionDataSet?: SimpleSubscriptionData[];
  whichBrokerWhenConsumeSlowly: number;
}
export const subscriptionGroupConfig = beanOf<SubscriptionGroupConfig>({
  attributes: opt(mapOf(stringKey, str), () => new Map<string, string>()),
  brokerId: prim(long, 0),
  consumeBroadcastEnable: prim(bool, true),
  consumeEnable: prim(bool, true),
  consumeFromMinEnable: prim(bool, true),
  consumeMessageOrderly: opt(bool, () => false),
  consumeTimeoutMinute: opt(int, () => 15),
  groupName: req(str),
  groupRetryPolicy: opt(groupRetryPolicy, () => groupRetryPolicy.make({})),
  groupSysFlag: opt(int, () => 0),
  notifyConsumerIdsChangedEnable: prim(bool, true),
  retryMaxTimes: prim(int, 16),
  retryQueueNums: prim(int, 1),
  subscriptionDataSet: opt(setOf(simpleSubscriptionData)),
  whichBrokerWhenConsumeSlowly: prim(long, 1),
});
export const SubscriptionGroupConfig = beanBody('SubscriptionGroupConfig', subscriptionGroupConfig);

/**
 * GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201) response, and the shape of subscriptionGroup.json
 * (SubscriptionGroupManager.encode(true): the manager bean has the same three properties).
 */
export interface SubscriptionGroupWrapper {
  dataVersion: DataVersion;
  /** 5.x only: group -> topic -> forbidden bits. */
  forbiddenTable?: Map<string, Map<string, number>>;
  subscriptionGroupTable: Map<string, SubscriptionGroupConfig>;
}
export const SubscriptionGroupWrapper = beanBody(
  'SubscriptionGroupWrapper',
  beanOf<SubscriptionGroupWrapper>({
    dataVersion: dflt(dataVersion, () => dataVersion.make({})),
    forbiddenTable: opt(mapOf(stringKey, mapOf(stringKey, int)), () => new Map<string, Map<string, number>>()),
    subscriptionGroupTable: dflt(mapOf(stringKey, subscriptionGroupConfig), () => new Map<string, SubscriptionGroupConfig>()),
  }),
);

/** UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST (225, 5.x) body. */
export interface SubscriptionGroupList {
  groupConfigList: SubscriptionGroupConfig[];
}
export const SubscriptionGroupList = beanBody(
  'SubscriptionGroupList',
  beanOf<SubscriptionGroupList>({ groupConfigList: dflt(listOf(subscriptionGroupConfig), () => []) }),
);

/** QUERY_TOPIC_CONSUME_BY_WHO (300) response: {"groupList":["g1","g2"]}. */
export interface GroupList {
  groupList: string[];
}
export const GroupList = beanBody('GroupList', beanOf<GroupList>({ groupList: dflt(setOf(str), () => []) }));

/** GET_CONSUMER_LIST_BY_GROUP (38) response: {"consumerIdList":["ip@instance",...]}. */
export interface GetConsumerListByGroupResponseBody {
  consumerIdList: string[];
}
export const GetConsumerListByGroupResponseBody = beanBody(
  'GetConsumerListByGroupResponseBody',
  beanOf<GetConsumerListByGroupResponseBody>({ consumerIdList: dflt(listOf(str), () => []) }),
);

/**
 * LOCK_BATCH_MQ (41) / UNLOCK_BATCH_MQ (42) request body:
 * {"clientId":"...","consumerGroup":"g1","mqSet":[{mq}],"onlyThisBroker":false}. Go and 4.9.x omit
 * onlyThisBroker.
 */
export interface LockBatchRequestBody {
  clientId: string;
  consumerGroup: string;
  mqSet: MessageQueue[];
  /** 5.x only. */
  onlyThisBroker?: boolean;
}
const lockSpecs = {
  clientId: req(str),
  consumerGroup: req(str),
  mqSet: dflt(setOf(messageQueue), (): MessageQueue[] => []),
  onlyThisBroker: opt(bool, () => false),
};
export const LockBatchRequestBody = beanBody('LockBatchRequestBody', beanOf<LockBatchRequestBody>(lockSpecs));
export type UnlockBatchRequestBody = LockBatchRequestBody;
export const UnlockBatchRequestBody = beanBody('UnlockBatchRequestBody', beanOf<UnlockBatchRequestBody>(lockSpecs));

/** LOCK_BATCH_MQ response: {"lockOKMQSet":[{mq}]} (Go reads it with strict jsoniter: queueId a number). */
export interface LockBatchResponseBody {
  lockOKMQSet: MessageQueue[];
}
export const LockBatchResponseBody = beanBody(
  'LockBatchResponseBody',
  beanOf<LockBatchResponseBody>({ lockOKMQSet: dflt(setOf(messageQueue), () => []) }),
);
