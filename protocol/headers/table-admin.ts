import { dflt, header, opt, prim, primReq, req } from './spec';
import { RPC_BASE, TOPIC_BASE } from './table-base';

/** The header table (see table.ts), offset, query and admin headers. */
// ---- offset ----
export const QueryConsumerOffsetRequestHeader = header(
  'QueryConsumerOffsetRequestHeader',
  {
    consumerGroup: req('string'),
    topic: req('string'),
    queueId: req('int'),
    setZeroIfNotFound: opt('boolean', { note: '5.x only' }),
    ...TOPIC_BASE,
  },
);
export const QueryConsumerOffsetResponseHeader = header(
  'QueryConsumerOffsetResponseHeader',
  {
    offset: req('long'),
  },
);
export const UpdateConsumerOffsetRequestHeader = header(
  'UpdateConsumerOffsetRequestHeader',
  {
    consumerGroup: req('string'),
    topic: req('string'),
    queueId: req('int'),
    commitOffset: req('long'),
    ...TOPIC_BASE,
  },
);
export const UpdateConsumerOffsetResponseHeader = header('UpdateConsumerOffsetResponseHeader', {});
export const GetMaxOffsetRequestHeader = header(
  'GetMaxOffsetRequestHeader',
  {
    topic: req('string'),
    queueId: req('int'),
    committed: prim('boolean', { default: true, note: '5.x only' }),
    ...TOPIC_BASE,
  },
);
export const GetMaxOffsetResponseHeader = header(
  'GetMaxOffsetResponseHeader',
  {
    offset: req('long'),
  },
);
export const GetMinOffsetRequestHeader = header(
  'GetMinOffsetRequestHeader',
  {
    topic: req('string'),
    queueId: req('int'),
    ...TOPIC_BASE,
  },
);
export const GetMinOffsetResponseHeader = header(
  'GetMinOffsetResponseHeader',
  {
    offset: req('long'),
  },
);
export const GetEarliestMsgStoretimeRequestHeader = header(
  'GetEarliestMsgStoretimeRequestHeader',
  {
    topic: req('string'),
    queueId: req('int'),
    ...TOPIC_BASE,
  },
);
export const GetEarliestMsgStoretimeResponseHeader = header(
  'GetEarliestMsgStoretimeResponseHeader',
  {
    timestamp: req('long'),
  },
);
export const SearchOffsetRequestHeader = header(
  'SearchOffsetRequestHeader',
  {
    topic: req('string'),
    queueId: req('int'),
    timestamp: req('long'),
    boundaryType: opt('string', { note: 'Java BoundaryType: "lower" or "upper" (case-insensitive), default lower; 5.x only' }),
    liteTopic: opt('string', { note: '5.5.0 lite topics' }),
    ...TOPIC_BASE,
  },
);
export const SearchOffsetResponseHeader = header(
  'SearchOffsetResponseHeader',
  {
    offset: req('long'),
  },
);

// ---- query ----
export const QueryMessageRequestHeader = header(
  'QueryMessageRequestHeader',
  {
    topic: req('string'),
    key: req('string'),
    maxNum: req('int'),
    beginTimestamp: req('long'),
    endTimestamp: req('long'),
    lastKey: opt('string', { note: '5.5.0 paged query' }),
    indexType: opt('string', { note: '5.5.0' }),
    ...TOPIC_BASE,
  },
);
export const QueryMessageResponseHeader = header(
  'QueryMessageResponseHeader',
  {
    indexLastUpdateTimestamp: req('long'),
    indexLastUpdatePhyoffset: req('long'),
  },
);
export const ViewMessageRequestHeader = header(
  'ViewMessageRequestHeader',
  {
    topic: opt('string', { note: '5.x only' }),
    offset: req('long'),
  },
);
export const ViewMessageResponseHeader = header('ViewMessageResponseHeader', {});

// ---- admin ----
export const CreateTopicRequestHeader = header(
  'CreateTopicRequestHeader',
  {
    topic: req('string'),
    defaultTopic: req('string'),
    readQueueNums: req('int'),
    writeQueueNums: req('int'),
    perm: req('int'),
    topicFilterType: req('string'),
    topicSysFlag: opt('int'),
    order: dflt('boolean', false, { notNull: true }),
    attributes: opt('string', { note: '5.x only' }),
    force: dflt('boolean', false, { note: '5.x only' }),
    ...TOPIC_BASE,
  },
);
export const CreateTopicListRequestHeader = header(
  'CreateTopicListRequestHeader',
  {
    ...RPC_BASE,
  },
);
export const DeleteTopicRequestHeader = header(
  'DeleteTopicRequestHeader',
  {
    topic: req('string'),
    ...TOPIC_BASE,
  },
);
export const GetTopicConfigRequestHeader = header(
  'GetTopicConfigRequestHeader',
  {
    topic: req('string'),
    ...TOPIC_BASE,
  },
);
export const GetTopicStatsInfoRequestHeader = header(
  'GetTopicStatsInfoRequestHeader',
  {
    topic: req('string'),
    ...TOPIC_BASE,
  },
);
export const GetConsumerConnectionListRequestHeader = header(
  'GetConsumerConnectionListRequestHeader',
  {
    consumerGroup: req('string'),
    ...RPC_BASE,
  },
);
export const GetProducerConnectionListRequestHeader = header(
  'GetProducerConnectionListRequestHeader',
  {
    producerGroup: req('string'),
    ...RPC_BASE,
  },
);
export const GetConsumeStatsRequestHeader = header(
  'GetConsumeStatsRequestHeader',
  {
    consumerGroup: req('string'),
    topic: opt('string'),
    topicList: opt('string', { note: '5.x only' }),
    ...TOPIC_BASE,
  },
);
export const DeleteSubscriptionGroupRequestHeader = header(
  'DeleteSubscriptionGroupRequestHeader',
  {
    groupName: req('string'),
    cleanOffset: prim('boolean', { default: false, note: '5.x only' }),
    removeOffset: opt('boolean', { note: '4.9.x only (boolean)' }),
    ...RPC_BASE,
  },
);
export const GetBrokerConfigResponseHeader = header(
  'GetBrokerConfigResponseHeader',
  {
    version: req('string'),
  },
);
export const GetAllTopicConfigRequestHeader = header(
  'GetAllTopicConfigRequestHeader',
  {
    topicSeq: req('int'),
    dataVersion: opt('string'),
    maxTopicNum: opt('int'),
  },
);
export const GetAllTopicConfigResponseHeader = header(
  'GetAllTopicConfigResponseHeader',
  {
    totalTopicNum: opt('int', { note: '5.x only' }),
  },
);
export const GetAllSubscriptionGroupRequestHeader = header(
  'GetAllSubscriptionGroupRequestHeader',
  {
    groupSeq: req('int'),
    dataVersion: opt('string'),
    maxGroupNum: opt('int'),
  },
);
export const GetAllSubscriptionGroupResponseHeader = header(
  'GetAllSubscriptionGroupResponseHeader',
  {
    totalGroupNum: req('int'),
  },
);
export const GetConsumerRunningInfoRequestHeader = header(
  'GetConsumerRunningInfoRequestHeader',
  {
    consumerGroup: req('string'),
    clientId: req('string'),
    jstackEnable: prim('boolean'),
    ...RPC_BASE,
  },
);
export const ConsumeMessageDirectlyResultRequestHeader = header(
  'ConsumeMessageDirectlyResultRequestHeader',
  {
    consumerGroup: req('string'),
    clientId: opt('string'),
    msgId: opt('string'),
    brokerName: opt('string'),
    topic: opt('string', { note: '5.x only' }),
    topicSysFlag: opt('int', { note: '5.x only' }),
    groupSysFlag: opt('int', { note: '5.x only' }),
    ...TOPIC_BASE,
  },
);
export const ResetOffsetRequestHeader = header(
  'ResetOffsetRequestHeader',
  {
    group: req('string'),
    topic: req('string'),
    queueId: prim('int', { default: -1, note: '5.x only' }),
    offset: opt('long', { note: '5.x only' }),
    timestamp: primReq('long'),
    isForce: primReq('boolean'),
    ...TOPIC_BASE,
  },
);
export const GetConsumerStatusRequestHeader = header(
  'GetConsumerStatusRequestHeader',
  {
    topic: req('string'),
    group: req('string'),
    clientAddr: opt('string'),
    ...TOPIC_BASE,
  },
);
export const QueryTopicConsumeByWhoRequestHeader = header(
  'QueryTopicConsumeByWhoRequestHeader',
  {
    topic: req('string'),
    ...TOPIC_BASE,
  },
);
export const QueryTopicsByConsumerRequestHeader = header(
  'QueryTopicsByConsumerRequestHeader',
  {
    group: req('string'),
    ...RPC_BASE,
  },
);
export const QuerySubscriptionByConsumerRequestHeader = header(
  'QuerySubscriptionByConsumerRequestHeader',
  {
    group: req('string'),
    topic: opt('string'),
    ...TOPIC_BASE,
  },
);
export const QueryConsumeTimeSpanRequestHeader = header(
  'QueryConsumeTimeSpanRequestHeader',
  {
    topic: req('string'),
    group: req('string'),
    ...TOPIC_BASE,
  },
);
export const GetSubscriptionGroupConfigRequestHeader = header(
  'GetSubscriptionGroupConfigRequestHeader',
  {
    group: req('string'),
    ...RPC_BASE,
  },
);
export const QueryCorrectionOffsetHeader = header(
  'QueryCorrectionOffsetHeader',
  {
    filterGroups: opt('string'),
    compareGroup: req('string'),
    topic: req('string'),
    ...TOPIC_BASE,
  },
);
export const CloneGroupOffsetRequestHeader = header(
  'CloneGroupOffsetRequestHeader',
  {
    srcGroup: req('string'),
    destGroup: req('string'),
    topic: opt('string'),
    offline: prim('boolean'),
    ...RPC_BASE,
  },
);
export const ViewBrokerStatsDataRequestHeader = header(
  'ViewBrokerStatsDataRequestHeader',
  {
    statsName: req('string'),
    statsKey: req('string'),
  },
);
export const GetConsumeStatsInBrokerHeader = header(
  'GetConsumeStatsInBrokerHeader',
  {
    isOrder: primReq('boolean'),
  },
);
export const QueryConsumeQueueRequestHeader = header(
  'QueryConsumeQueueRequestHeader',
  {
    topic: opt('string'),
    queueId: prim('int'),
    index: prim('long'),
    count: prim('int'),
    consumerGroup: opt('string'),
    ...TOPIC_BASE,
  },
);
export const GetAllProducerInfoRequestHeader = header('GetAllProducerInfoRequestHeader', {});
export const UpdateGroupForbiddenRequestHeader = header(
  'UpdateGroupForbiddenRequestHeader',
  {
    group: req('string'),
    topic: req('string'),
    readable: opt('boolean'),
    ...TOPIC_BASE,
  },
);
