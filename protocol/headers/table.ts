import { dflt, header, opt, prim, primReq, req } from './spec';
import { RPC_BASE, TOPIC_BASE } from './table-base';

/**
 * Every custom header Apogee reads or writes, declared once. Field names are the Java field names and so the
 * wire keys; order is Java declaration order (subclass first). Generated from the Apache RocketMQ 5.x sources,
 * then reviewed; headers.test.ts checks every entry against the fields the official 5.x and 4.9.x jars report
 * (protocol/fixtures/java5 and java49, headers.json), so a drift in either direction fails the build. The table is
 * split by family: namesrv, send, pull and consumer here; offset, query and admin in table-admin.ts; POP in
 * table-pop.ts (the bases in table-base.ts). Everything is exported from here.
 */
export * from './table-admin';
export * from './table-pop';

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
