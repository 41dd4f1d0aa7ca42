import { dflt, header, opt, prim, primReq, req } from './spec';

/**
 * Every custom header Apogee reads or writes, declared once. Field names are the Java field names and so the
 * wire keys; order is Java declaration order (subclass first). Generated from the Apache RocketMQ 5.x sources,
 * then reviewed; headers.test.ts checks every entry against the fields the official 5.x and 4.9.x jars report
 * (protocol/fixtures/java5 and java49, headers.json), so a drift in either direction fails the build.
 *
 * Java base classes (5.x remoting/.../rpc): RpcRequestHeader {ns, nsd, bname, oway} and TopicRequestHeader {lo}.
 */
const RPC_BASE = {
  ns: opt('string', { note: 'namespace (5.x RpcRequestHeader)' }),
  nsd: opt('boolean', { note: 'namespaced already (5.x)' }),
  bname: opt('string', { note: 'broker name (5.x)' }),
  oway: opt('boolean', { note: 'oneway (5.x)' }),
} as const;
const TOPIC_BASE = {
  lo: opt('boolean', { note: 'logical queue (5.x TopicRequestHeader)' }),
  ...RPC_BASE,
} as const;

// ---- namesrv ----
export const RegisterBrokerRequestHeader = header(
  'RegisterBrokerRequestHeader',
  {
    brokerName: req('string'),
    brokerAddr: req('string'),
    clusterName: req('string'),
    haServerAddr: req('string'),
    brokerId: req('long'),
    heartbeatTimeoutMillis: opt('long', { note: '5.x only' }),
    enableActingMaster: opt('boolean', { note: '5.x only' }),
    compressed: prim('boolean'),
    bodyCrc32: dflt('int', 0),
  },
);
export const RegisterBrokerResponseHeader = header(
  'RegisterBrokerResponseHeader',
  {
    haServerAddr: opt('string'),
    masterAddr: opt('string'),
  },
);
export const UnRegisterBrokerRequestHeader = header(
  'UnRegisterBrokerRequestHeader',
  {
    brokerName: req('string'),
    brokerAddr: req('string'),
    clusterName: req('string'),
    brokerId: req('long'),
  },
);
export const QueryDataVersionRequestHeader = header(
  'QueryDataVersionRequestHeader',
  {
    brokerName: req('string'),
    brokerAddr: req('string'),
    clusterName: req('string'),
    brokerId: req('long'),
  },
);
export const QueryDataVersionResponseHeader = header(
  'QueryDataVersionResponseHeader',
  {
    changed: req('boolean'),
  },
);
export const BrokerHeartbeatRequestHeader = header(
  'BrokerHeartbeatRequestHeader',
  {
    clusterName: req('string'),
    brokerAddr: req('string'),
    brokerName: req('string'),
    brokerId: opt('long'),
    epoch: opt('int'),
    maxOffset: opt('long'),
    confirmOffset: opt('long'),
    heartbeatTimeoutMills: opt('long'),
    electionPriority: opt('int'),
  },
);
export const GetRouteInfoRequestHeader = header(
  'GetRouteInfoRequestHeader',
  {
    topic: req('string'),
    acceptStandardJsonOnly: opt('boolean'),
    ...TOPIC_BASE,
  },
);
export const PutKVConfigRequestHeader = header(
  'PutKVConfigRequestHeader',
  {
    namespace: req('string'),
    key: req('string'),
    value: req('string'),
  },
);
export const GetKVConfigRequestHeader = header(
  'GetKVConfigRequestHeader',
  {
    namespace: req('string'),
    key: req('string'),
  },
);
export const GetKVConfigResponseHeader = header(
  'GetKVConfigResponseHeader',
  {
    value: opt('string'),
  },
);
export const DeleteKVConfigRequestHeader = header(
  'DeleteKVConfigRequestHeader',
  {
    namespace: req('string'),
    key: req('string'),
  },
);
export const GetKVListByNamespaceRequestHeader = header(
  'GetKVListByNamespaceRequestHeader',
  {
    namespace: req('string'),
  },
);
export const DeleteTopicFromNamesrvRequestHeader = header(
  'DeleteTopicFromNamesrvRequestHeader',
  {
    topic: req('string'),
    clusterName: opt('string'),
    ...TOPIC_BASE,
  },
);
export const RegisterTopicRequestHeader = header(
  'RegisterTopicRequestHeader',
  {
    topic: req('string'),
    ...TOPIC_BASE,
  },
);
export const RegisterOrderTopicRequestHeader = header(
  'RegisterOrderTopicRequestHeader',
  {
    topic: req('string'),
    orderTopicString: req('string'),
  },
);
export const GetTopicsByClusterRequestHeader = header(
  'GetTopicsByClusterRequestHeader',
  {
    cluster: req('string'),
  },
);
export const WipeWritePermOfBrokerRequestHeader = header(
  'WipeWritePermOfBrokerRequestHeader',
  {
    brokerName: req('string'),
  },
);
export const WipeWritePermOfBrokerResponseHeader = header(
  'WipeWritePermOfBrokerResponseHeader',
  {
    wipeTopicCount: req('int'),
  },
);
export const AddWritePermOfBrokerRequestHeader = header(
  'AddWritePermOfBrokerRequestHeader',
  {
    brokerName: req('string'),
  },
);
export const AddWritePermOfBrokerResponseHeader = header(
  'AddWritePermOfBrokerResponseHeader',
  {
    addTopicCount: req('int'),
  },
);
export const GetBrokerMemberGroupRequestHeader = header(
  'GetBrokerMemberGroupRequestHeader',
  {
    clusterName: req('string'),
    brokerName: req('string'),
  },
);

// ---- send ----
export const SendMessageRequestHeader = header(
  'SendMessageRequestHeader',
  {
    producerGroup: req('string', { v2: 'a' }),
    topic: req('string', { v2: 'b' }),
    defaultTopic: req('string', { v2: 'c' }),
    defaultTopicQueueNums: req('int', { v2: 'd' }),
    queueId: req('int', { v2: 'e' }),
    sysFlag: req('int', { v2: 'f' }),
    bornTimestamp: req('long', { v2: 'g' }),
    flag: req('int', { v2: 'h' }),
    properties: opt('string', { v2: 'i' }),
    reconsumeTimes: opt('int', { v2: 'j' }),
    unitMode: opt('boolean', { v2: 'k', note: '4.9.x: boolean' }),
    batch: opt('boolean', { v2: 'm', note: '4.9.x: boolean' }),
    maxReconsumeTimes: opt('int', { v2: 'l' }),
    lo: opt('boolean'),
    ns: opt('string'),
    nsd: opt('boolean'),
    bname: opt('string', { v2: 'n', note: 'the V2 header carries the broker name only in n' }),
    oway: opt('boolean'),
  },
);
export const SendMessageResponseHeader = header(
  'SendMessageResponseHeader',
  {
    msgId: req('string'),
    queueId: req('int'),
    queueOffset: req('long'),
    transactionId: opt('string'),
    batchUniqId: opt('string', { note: '5.x only' }),
    recallHandle: opt('string', { note: '5.x only' }),
  }, { fastCodes: true },
);
export const ConsumerSendMsgBackRequestHeader = header(
  'ConsumerSendMsgBackRequestHeader',
  {
    offset: req('long'),
    group: req('string'),
    delayLevel: req('int'),
    originMsgId: opt('string'),
    originTopic: opt('string'),
    unitMode: prim('boolean', { default: false }),
    maxReconsumeTimes: opt('int'),
    ...RPC_BASE,
  },
);
export const EndTransactionRequestHeader = header(
  'EndTransactionRequestHeader',
  {
    topic: opt('string', { note: '5.x only' }),
    producerGroup: req('string'),
    tranStateTableOffset: req('long'),
    commitLogOffset: req('long'),
    commitOrRollback: req('int'),
    fromTransactionCheck: dflt('boolean', false),
    msgId: req('string'),
    transactionId: opt('string'),
    ...RPC_BASE,
  },
);
export const EndTransactionResponseHeader = header('EndTransactionResponseHeader', {});
export const CheckTransactionStateRequestHeader = header(
  'CheckTransactionStateRequestHeader',
  {
    topic: opt('string', { note: '5.x only' }),
    tranStateTableOffset: req('long'),
    commitLogOffset: req('long'),
    msgId: opt('string'),
    transactionId: opt('string'),
    offsetMsgId: opt('string'),
    ...RPC_BASE,
  },
);
export const CheckTransactionStateResponseHeader = header(
  'CheckTransactionStateResponseHeader',
  {
    producerGroup: req('string'),
    tranStateTableOffset: req('long'),
    commitLogOffset: req('long'),
    commitOrRollback: req('int'),
  },
);
export const ReplyMessageRequestHeader = header(
  'ReplyMessageRequestHeader',
  {
    producerGroup: req('string'),
    topic: req('string'),
    defaultTopic: req('string'),
    defaultTopicQueueNums: req('int'),
    queueId: req('int'),
    sysFlag: req('int'),
    bornTimestamp: req('long'),
    flag: req('int'),
    properties: opt('string'),
    reconsumeTimes: opt('int'),
    unitMode: prim('boolean', { default: false }),
    bornHost: req('string'),
    storeHost: req('string'),
    storeTimestamp: primReq('long'),
    ...TOPIC_BASE,
  },
);
export const RecallMessageRequestHeader = header(
  'RecallMessageRequestHeader',
  {
    producerGroup: opt('string'),
    topic: req('string'),
    recallHandle: req('string'),
    ...TOPIC_BASE,
  },
);
export const RecallMessageResponseHeader = header(
  'RecallMessageResponseHeader',
  {
    msgId: req('string'),
  },
);
export const ResumeCheckHalfMessageRequestHeader = header(
  'ResumeCheckHalfMessageRequestHeader',
  {
    topic: opt('string', { note: '5.x only' }),
    msgId: opt('string'),
  },
);

// ---- pull ----
export const PullMessageRequestHeader = header(
  'PullMessageRequestHeader',
  {
    consumerGroup: req('string'),
    topic: req('string'),
    liteTopic: opt('string', { note: '5.5.0 lite topics' }),
    queueId: req('int'),
    queueOffset: req('long'),
    maxMsgNums: req('int'),
    sysFlag: req('int'),
    commitOffset: req('long'),
    suspendTimeoutMillis: req('long'),
    subscription: opt('string'),
    subVersion: req('long'),
    expressionType: opt('string'),
    maxMsgBytes: opt('int', { note: '5.x only' }),
    requestSource: opt('int', { note: '5.x only' }),
    proxyFrowardClientId: opt('string', { note: '5.x only' }),
    ...TOPIC_BASE,
  }, { fastCodes: true },
);
export const PullMessageResponseHeader = header(
  'PullMessageResponseHeader',
  {
    suggestWhichBrokerId: req('long'),
    nextBeginOffset: req('long'),
    minOffset: req('long'),
    maxOffset: req('long'),
    offsetDelta: opt('long', { note: '5.x only' }),
    topicSysFlag: opt('int', { note: '5.x only' }),
    groupSysFlag: opt('int', { note: '5.x only' }),
    forbiddenType: opt('int', { note: '5.x only' }),
  }, { fastCodes: true },
);

// ---- consumer ----
export const HeartbeatRequestHeader = header(
  'HeartbeatRequestHeader',
  {
    ...RPC_BASE,
  },
);
export const UnregisterClientRequestHeader = header(
  'UnregisterClientRequestHeader',
  {
    clientID: req('string'),
    producerGroup: opt('string'),
    consumerGroup: opt('string'),
    ...RPC_BASE,
  },
);
export const UnregisterClientResponseHeader = header('UnregisterClientResponseHeader', {});
export const GetConsumerListByGroupRequestHeader = header(
  'GetConsumerListByGroupRequestHeader',
  {
    consumerGroup: req('string'),
    ...RPC_BASE,
  },
);
export const GetConsumerListByGroupResponseHeader = header('GetConsumerListByGroupResponseHeader', {});
export const NotifyConsumerIdsChangedRequestHeader = header(
  'NotifyConsumerIdsChangedRequestHeader',
  {
    consumerGroup: req('string'),
    ...RPC_BASE,
  },
);
export const LockBatchMqRequestHeader = header(
  'LockBatchMqRequestHeader',
  {
    ...RPC_BASE,
  },
);
export const UnlockBatchMqRequestHeader = header(
  'UnlockBatchMqRequestHeader',
  {
    ...RPC_BASE,
  },
);

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

// ---- pop ----
export const PopMessageRequestHeader = header(
  'PopMessageRequestHeader',
  {
    consumerGroup: req('string'),
    topic: req('string'),
    queueId: primReq('int'),
    maxMsgNums: primReq('int'),
    invisibleTime: primReq('long'),
    pollTime: primReq('long'),
    bornTime: primReq('long'),
    initMode: primReq('int'),
    expType: opt('string'),
    exp: opt('string'),
    order: dflt('boolean', false),
    attemptId: opt('string'),
    ...TOPIC_BASE,
  },
);
export const PopMessageResponseHeader = header(
  'PopMessageResponseHeader',
  {
    popTime: primReq('long'),
    invisibleTime: primReq('long'),
    reviveQid: primReq('int'),
    restNum: primReq('long'),
    startOffsetInfo: opt('string'),
    msgOffsetInfo: opt('string'),
    orderCountInfo: opt('string'),
  },
);
export const AckMessageRequestHeader = header(
  'AckMessageRequestHeader',
  {
    consumerGroup: req('string'),
    topic: req('string'),
    queueId: req('int'),
    extraInfo: req('string'),
    offset: req('long'),
    liteTopic: opt('string', { note: '5.5.0 lite topics' }),
    ...TOPIC_BASE,
  },
);
export const ChangeInvisibleTimeRequestHeader = header(
  'ChangeInvisibleTimeRequestHeader',
  {
    consumerGroup: req('string'),
    topic: req('string'),
    queueId: req('int'),
    extraInfo: req('string'),
    offset: req('long'),
    invisibleTime: req('long'),
    liteTopic: opt('string', { note: '5.5.0 lite topics' }),
    suspend: prim('boolean', { note: '5.5.0' }),
    ...TOPIC_BASE,
  },
);
export const ChangeInvisibleTimeResponseHeader = header(
  'ChangeInvisibleTimeResponseHeader',
  {
    popTime: primReq('long'),
    invisibleTime: primReq('long'),
    reviveQid: primReq('int'),
  },
);
export const PeekMessageRequestHeader = header(
  'PeekMessageRequestHeader',
  {
    topic: req('string'),
    queueId: primReq('int'),
    maxMsgNums: primReq('int'),
    consumerGroup: req('string'),
    ...TOPIC_BASE,
  },
);
export const NotificationRequestHeader = header(
  'NotificationRequestHeader',
  {
    consumerGroup: req('string'),
    topic: req('string'),
    queueId: primReq('int'),
    pollTime: primReq('long'),
    bornTime: primReq('long'),
    order: dflt('boolean', false),
    attemptId: opt('string'),
    expType: opt('string', { note: '5.5.0' }),
    exp: opt('string', { note: '5.5.0' }),
    ...TOPIC_BASE,
  },
);
export const NotificationResponseHeader = header(
  'NotificationResponseHeader',
  {
    hasMsg: primReq('boolean', { default: false }),
    pollingFull: prim('boolean', { default: false }),
  },
);
export const PollingInfoRequestHeader = header(
  'PollingInfoRequestHeader',
  {
    consumerGroup: req('string'),
    topic: req('string'),
    queueId: primReq('int'),
    ...TOPIC_BASE,
  },
);
export const PollingInfoResponseHeader = header(
  'PollingInfoResponseHeader',
  {
    pollingNum: primReq('int'),
  },
);
