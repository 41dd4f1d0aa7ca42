import { LanguageCode, type LanguageName } from '../codes';
import {
  beanBody,
  beanOf,
  bigLong,
  bool,
  dflt,
  enumOf,
  int,
  mapOf,
  opt,
  prim,
  req,
  setOf,
  str,
  stringKey,
} from './schema';

/**
 * Client bodies. Java: remoting/.../protocol/heartbeat/{HeartbeatData,ConsumerData,ProducerData,
 * SubscriptionData,ConsumeType,MessageModel}.java, common/.../consumer/ConsumeFromWhere.java,
 * remoting/.../protocol/body/{CheckClientRequestBody,Connection,ConsumerConnection,ProducerConnection}.java.
 * Go: internal/model.go (heartbeatData, consumerData, SubscriptionData).
 *
 * Variants accepted (pitfall P17): Go sends codeSet as strings (["2598919"]) and subVersion in nanoseconds
 * (> 2^53, kept exact as bigint); 4.9.x Java has no heartbeatFingerprint/withoutSub; Go may send
 * consumeFromWhere "UNKNOWN" (read as absent, as fastjson reads an unknown enum name as null).
 */

export const ConsumeTypes = ['CONSUME_ACTIVELY', 'CONSUME_PASSIVELY', 'CONSUME_POP'] as const;
export type ConsumeType = (typeof ConsumeTypes)[number];
export const MessageModels = ['BROADCASTING', 'CLUSTERING'] as const;
export type MessageModel = (typeof MessageModels)[number];
export const ConsumeFromWheres = [
  'CONSUME_FROM_LAST_OFFSET',
  'CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST',
  'CONSUME_FROM_MIN_OFFSET',
  'CONSUME_FROM_MAX_OFFSET',
  'CONSUME_FROM_FIRST_OFFSET',
  'CONSUME_FROM_TIMESTAMP',
] as const;
export type ConsumeFromWhere = (typeof ConsumeFromWheres)[number];
/** LanguageCode names in ordinal order (ordinal = code). */
export const LanguageNames = (Object.entries(LanguageCode) as [LanguageName, number][])
  .sort((a, b) => a[1] - b[1])
  .map(([n]) => n);

export const consumeType = enumOf(ConsumeTypes);
export const messageModel = enumOf(MessageModels);
export const consumeFromWhere = enumOf(ConsumeFromWheres);
export const languageName = enumOf<LanguageName>(LanguageNames);

/** SubscriptionData: one topic subscription of a consumer group. */
export interface SubscriptionData {
  classFilterMode: boolean;
  /** String.hashCode of each tag (Java Set<Integer>; Go sends numeric strings). */
  codeSet: number[];
  /** "TAG" or "SQL92". */
  expressionType: string;
  /** "*", "TagA||TagB", or a SQL92 expression. */
  subString?: string;
  /** Java: currentTimeMillis at subscribe; Go: UnixNano (exceeds 2^53), hence a bigint. */
  subVersion: bigint;
  tagsSet: string[];
  topic: string;
}
export const subscriptionData = beanOf<SubscriptionData>({
  classFilterMode: prim(bool, false),
  codeSet: dflt(setOf(int), () => []),
  expressionType: dflt(str, () => 'TAG'),
  subString: opt(str),
  subVersion: prim(bigLong, 0n),
  tagsSet: dflt(setOf(str), () => []),
  topic: req(str),
});
export const SubscriptionData = beanBody('SubscriptionData', subscriptionData);

export interface ConsumerData {
  consumeFromWhere?: ConsumeFromWhere;
  consumeType?: ConsumeType;
  groupName: string;
  messageModel?: MessageModel;
  subscriptionDataSet: SubscriptionData[];
  unitMode: boolean;
}
export const consumerData = beanOf<ConsumerData>({
  consumeFromWhere: opt(consumeFromWhere),
  consumeType: opt(consumeType),
  groupName: req(str),
  messageModel: opt(messageModel),
  subscriptionDataSet: dflt(setOf(subscriptionData), () => []),
  unitMode: prim(bool, false),
});

export interface ProducerData {
  groupName: string;
}
export const producerData = beanOf<ProducerData>({ groupName: req(str) });

/**
 * HEART_BEAT (34) body:
 * {"clientID":"ip@pid#nanos","consumerDataSet":[...],"heartbeatFingerprint":0,"producerDataSet":[...],
 *  "withoutSub":false}. Note the key clientID (capital ID, P11).
 */
export interface HeartbeatData {
  clientID: string;
  consumerDataSet: ConsumerData[];
  /** 5.x only (heartbeat v2). */
  heartbeatFingerprint?: number;
  producerDataSet: ProducerData[];
  /** 5.x only (heartbeat v2): subscriptions omitted, keep the previous ones. */
  withoutSub?: boolean;
}
export const HeartbeatData = beanBody(
  'HeartbeatData',
  beanOf<HeartbeatData>({
    clientID: req(str),
    consumerDataSet: dflt(setOf(consumerData), () => []),
    heartbeatFingerprint: opt(int, () => 0),
    producerDataSet: dflt(setOf(producerData), () => []),
    withoutSub: opt(bool, () => false),
  }),
);

/** CHECK_CLIENT_CONFIG (46) body (sent by Java push consumers for SQL92 subscriptions). */
export interface CheckClientRequestBody {
  clientId?: string;
  group?: string;
  /** 5.x only. */
  namespace?: string;
  subscriptionData?: SubscriptionData;
}
export const CheckClientRequestBody = beanBody(
  'CheckClientRequestBody',
  beanOf<CheckClientRequestBody>({
    clientId: opt(str),
    group: opt(str),
    namespace: opt(str),
    subscriptionData: opt(subscriptionData),
  }),
);

// ------------------------------------------------------------------------------------------------ connections

/** One client channel as the broker reports it (GET_CONSUMER/PRODUCER_CONNECTION_LIST). */
export interface Connection {
  clientAddr: string;
  clientId: string;
  language?: LanguageName;
  /** The client's MQVersion ordinal. */
  version: number;
}
export const connection = beanOf<Connection>({
  clientAddr: req(str),
  clientId: req(str),
  language: opt(languageName),
  version: prim(int, 0),
});

/** GET_CONSUMER_CONNECTION_LIST (203) response. */
export interface ConsumerConnection {
  connectionSet: Connection[];
  consumeFromWhere?: ConsumeFromWhere;
  consumeType?: ConsumeType;
  messageModel?: MessageModel;
  subscriptionTable: Map<string, SubscriptionData>;
}
export const ConsumerConnection = beanBody(
  'ConsumerConnection',
  beanOf<ConsumerConnection>({
    connectionSet: dflt(setOf(connection), () => []),
    consumeFromWhere: opt(consumeFromWhere),
    consumeType: opt(consumeType),
    messageModel: opt(messageModel),
    subscriptionTable: dflt(mapOf(stringKey, subscriptionData), () => new Map<string, SubscriptionData>()),
  }),
);

/** GET_PRODUCER_CONNECTION_LIST (204) response. */
export interface ProducerConnection {
  connectionSet: Connection[];
}
export const ProducerConnection = beanBody(
  'ProducerConnection',
  beanOf<ProducerConnection>({ connectionSet: dflt(setOf(connection), () => []) }),
);
