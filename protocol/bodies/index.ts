/**
 * protocol/bodies: the JSON bodies RocketMQ clients, brokers, NameServers and tools exchange, in fastjson's
 * dialect (see json.ts for the parser/writer and schema.ts for how bodies are declared).
 *
 * Each body is a value with the Java class name and a TypeScript type of the same name:
 *   TopicRouteData.decode(buf) -> Decoded<TopicRouteData>     (never throws; {ok:false,error} on bad input)
 *   TopicRouteData.encode(value, opts?) -> Buffer              (fastjson's bytes; see JsonWriteOptions)
 *   TopicConfig.make({ topicName: 'T' }) -> a TopicConfig with Java's defaults
 */
import { beanBody, type Body } from './schema';
import { messageQueue, type MessageQueue as MQ } from './message-queue';
import * as topic from './topic';
import * as route from './route';
import * as hb from './heartbeat';
import * as offsets from './offsets';
import * as group from './group';
import * as misc from './misc';
import { RegisterBrokerBody } from './register-broker';
import type { JsonWriteOptions } from './json';

export {
  parseJson,
  writeJson,
  JsonObject,
  isJsonObject,
  javaDouble,
  javaUtf8,
  quote as fastjsonQuote,
  jsonBytesMax,
  jsonDepthMax,
  jsonNumberLengthMax,
  bean as outBean,
  map as outMap,
  list as outList,
  set as outSet,
  prim as outPrim,
  dbl as outDouble,
  raw as outRaw,
  outOf,
} from './json';
export type { JsonValue, JsonKey, JsonEntry, JsonLimits, JsonDialect, JsonWriteOptions, Out, OutKey } from './json';
export { unwrap } from './schema';
export type { Body, BeanBody, Codec, BodyInput, JavaVersion } from './schema';

export { sameQueue } from './message-queue';
export type { QueueMap } from './message-queue';
export {
  DataVersion,
  TopicConfig,
  TopicFilterTypes,
  TopicQueueMappingInfo,
  TopicConfigAndQueueMapping,
  TopicConfigSerializeWrapper,
  TopicConfigAndMappingSerializeWrapper,
  TopicList,
  CreateTopicListRequestBody,
} from './topic';
export type { TopicFilterType } from './topic';
export { QueueData, BrokerData, TopicRouteData, ClusterInfo, GetBrokerMemberGroupResponseBody } from './route';
export type { BrokerMemberGroup } from './route';
export {
  RegisterBrokerBody,
  encodeRegisterBrokerBodyCompressed,
  decodeRegisterBrokerBodyCompressed,
  decodeRegisterBrokerBody,
  compressedPayload,
  encodeTopicLine,
  decodeTopicLine,
  registerBodyInflatedBytesMax,
} from './register-broker';
export type { CompressOptions, DecompressOptions } from './register-broker';
export { RegisterBodySteps } from './register-broker-steps';
export { TopicListBodySteps, type TopicListStepResult } from './topic-list-steps';
export type { StepResult as RegisterBodyStepResult } from './register-broker-steps';
export {
  ConsumeTypes,
  MessageModels,
  ConsumeFromWheres,
  SubscriptionData,
  HeartbeatData,
  CheckClientRequestBody,
  ConsumerConnection,
  ProducerConnection,
} from './heartbeat';
export type { ConsumeType, MessageModel, ConsumeFromWhere } from './heartbeat';
export {
  ConsumeStats,
  TopicStatsTable,
  ResetOffsetBody,
  ResetOffsetBodyForC,
  GetConsumerStatusBody,
  QueryConsumeTimeSpanBody,
  ConsumerOffsetSerializeWrapper,
  DelayOffsetSerializeWrapper,
  formatQueueTimeSpanDate,
} from './offsets';
export {
  GroupRetryPolicyTypes,
  DEFAULT_RETRY_DELAYS_MS,
  SubscriptionGroupConfig,
  SubscriptionGroupWrapper,
  SubscriptionGroupList,
  GroupList,
  GetConsumerListByGroupResponseBody,
  LockBatchRequestBody,
  UnlockBatchRequestBody,
  LockBatchResponseBody,
} from './group';
export type { GroupRetryPolicyType, CustomizedRetryPolicy, ExponentialRetryPolicy } from './group';
export {
  KVTable,
  CMResults,
  ConsumeMessageDirectlyResult,
  ConsumerRunningInfo,
  BrokerStatsData,
  PropertiesBody,
} from './misc';
export type { CMResult } from './misc';

// Nested beans, as bodies of their own (decode/encode/make), under their Java class names.
export type MessageQueue = MQ;
export const MessageQueue = beanBody('MessageQueue', messageQueue);
export type ConsumerData = hb.ConsumerData;
export const ConsumerData = beanBody('ConsumerData', hb.consumerData);
export type ProducerData = hb.ProducerData;
export const ProducerData = beanBody('ProducerData', hb.producerData);
export type Connection = hb.Connection;
export const Connection = beanBody('Connection', hb.connection);
export type OffsetWrapper = offsets.OffsetWrapper;
export const OffsetWrapper = beanBody('OffsetWrapper', offsets.offsetWrapper);
export type TopicOffset = offsets.TopicOffset;
export const TopicOffset = beanBody('TopicOffset', offsets.topicOffset);
export type MessageQueueForC = offsets.MessageQueueForC;
export const MessageQueueForC = beanBody('MessageQueueForC', offsets.messageQueueForC);
export type QueueTimeSpan = offsets.QueueTimeSpan;
export const QueueTimeSpan = beanBody('QueueTimeSpan', offsets.queueTimeSpan);
export type GroupRetryPolicy = group.GroupRetryPolicy;
export const GroupRetryPolicy = beanBody('GroupRetryPolicy', group.groupRetryPolicy);
export type SimpleSubscriptionData = group.SimpleSubscriptionData;
export const SimpleSubscriptionData = beanBody('SimpleSubscriptionData', group.simpleSubscriptionData);
export type ProcessQueueInfo = misc.ProcessQueueInfo;
export const ProcessQueueInfo = beanBody('ProcessQueueInfo', misc.processQueueInfo);
export type PopProcessQueueInfo = misc.PopProcessQueueInfo;
export const PopProcessQueueInfo = beanBody('PopProcessQueueInfo', misc.popProcessQueueInfo);
export type ConsumeStatus = misc.ConsumeStatus;
export const ConsumeStatus = beanBody('ConsumeStatus', misc.consumeStatus);
export type BrokerStatsItem = misc.BrokerStatsItem;
export const BrokerStatsItem = beanBody('BrokerStatsItem', misc.brokerStatsItem);
export type TopicQueueMappingDetail = topic.TopicQueueMappingDetail;
export const TopicQueueMappingDetail = beanBody('TopicQueueMappingDetail', topic.topicQueueMappingDetail);
export type LogicQueueMappingItem = topic.LogicQueueMappingItem;
export const LogicQueueMappingItem = beanBody('LogicQueueMappingItem', topic.logicQueueMappingItem);

/** What ConfigManager.persist writes: fastjson PrettyFormat with Java's unquoted integer keys. */
export const JAVA_DISK_FORMAT: JsonWriteOptions = Object.freeze({ pretty: true, numericKeys: 'java' });
/** What RemotingSerializable.encode writes: compact, Java's unquoted integer keys. */
export const JAVA_WIRE_FORMAT: JsonWriteOptions = Object.freeze({ numericKeys: 'java' });

/** Every JSON body by Java simple class name (golden tests, diagnostics). */
export const BODIES: Readonly<Record<string, Body<any>>> = Object.freeze(
  Object.fromEntries(
    [
      topic.DataVersion,
      topic.TopicConfig,
      topic.TopicQueueMappingInfo,
      TopicQueueMappingDetail,
      LogicQueueMappingItem,
      topic.TopicConfigAndQueueMapping,
      topic.TopicConfigSerializeWrapper,
      topic.TopicConfigAndMappingSerializeWrapper,
      topic.TopicList,
      topic.CreateTopicListRequestBody,
      route.QueueData,
      route.BrokerData,
      route.TopicRouteData,
      route.ClusterInfo,
      route.GetBrokerMemberGroupResponseBody,
      RegisterBrokerBody,
      hb.SubscriptionData,
      hb.HeartbeatData,
      hb.CheckClientRequestBody,
      hb.ConsumerConnection,
      hb.ProducerConnection,
      offsets.ConsumeStats,
      offsets.TopicStatsTable,
      offsets.ResetOffsetBody,
      offsets.ResetOffsetBodyForC,
      offsets.GetConsumerStatusBody,
      offsets.QueryConsumeTimeSpanBody,
      offsets.ConsumerOffsetSerializeWrapper,
      offsets.DelayOffsetSerializeWrapper,
      group.SubscriptionGroupConfig,
      group.SubscriptionGroupWrapper,
      group.SubscriptionGroupList,
      group.GroupList,
      group.GetConsumerListByGroupResponseBody,
      group.LockBatchRequestBody,
      group.UnlockBatchRequestBody,
      group.LockBatchResponseBody,
      misc.KVTable,
      misc.ConsumeMessageDirectlyResult,
      misc.ConsumerRunningInfo,
      misc.BrokerStatsData,
      MessageQueue,
      ConsumerData,
      ProducerData,
      Connection,
      OffsetWrapper,
      TopicOffset,
      MessageQueueForC,
      QueueTimeSpan,
      GroupRetryPolicy,
      SimpleSubscriptionData,
      ProcessQueueInfo,
      PopProcessQueueInfo,
      ConsumeStatus,
      BrokerStatsItem,
    ].map((b) => [b.name, b as Body<any>]),
  ),
);
