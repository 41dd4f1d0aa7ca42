import { messageQueue, queueMapOf, type MessageQueue, type QueueMap } from './message-queue';
import {
  beanBody,
  beanOf,
  dflt,
  double,
  listOf,
  long,
  mapOf,
  numberKey,
  opt,
  prim,
  setOf,
  str,
  stringKey,
} from './schema';
import { dataVersion, type DataVersion } from './topic';

/**
 * Offset and statistics bodies. Java: remoting/.../protocol/admin/{ConsumeStats,OffsetWrapper,TopicStatsTable,
 * TopicOffset}.java, remoting/.../protocol/body/{ResetOffsetBody,ResetOffsetBodyForC,GetConsumerStatusBody,
 * QueryConsumeTimeSpanBody,QueueTimeSpan,ConsumerOffsetSerializeWrapper}.java,
 * common/.../message/MessageQueueForC.java, broker/.../schedule/DelayOffsetSerializeWrapper.java,
 * broker/.../offset/ConsumerOffsetManager.java (consumerOffset.json).
 *
 * Maps keyed by MessageQueue are written in fastjson's object-key syntax (P8), compact, with plain integer
 * values: Go's ResetOffsetBody parser (go internal/model.go parseFastJsonFormat) splits that exact text.
 */

export interface OffsetWrapper {
  brokerOffset: number;
  consumerOffset: number;
  lastTimestamp: number;
  /** 5.x only. */
  pullOffset?: number;
}
export const offsetWrapper = beanOf<OffsetWrapper>({
  brokerOffset: prim(long, 0),
  consumerOffset: prim(long, 0),
  lastTimestamp: prim(long, 0),
  pullOffset: opt(long, () => 0),
});

/** GET_CONSUME_STATS (208) response: {"consumeTps":0.0,"offsetTable":{{mq}:{OffsetWrapper},...}}. */
export interface ConsumeStats {
  consumeTps: number;
  offsetTable: QueueMap<OffsetWrapper>;
}
export const ConsumeStats = beanBody(
  'ConsumeStats',
  beanOf<ConsumeStats>({
    consumeTps: prim(double, 0),
    offsetTable: dflt(queueMapOf(offsetWrapper), () => []),
  }),
);

export interface TopicOffset {
  lastUpdateTimestamp: number;
  maxOffset: number;
  minOffset: number;
}
export const topicOffset = beanOf<TopicOffset>({
  lastUpdateTimestamp: prim(long, 0),
  maxOffset: prim(long, 0),
  minOffset: prim(long, 0),
});

/** GET_TOPIC_STATS_INFO (202) response: {"offsetTable":{{mq}:{TopicOffset}},"topicPutTps":0.0}. */
export interface TopicStatsTable {
  offsetTable: QueueMap<TopicOffset>;
  /** 5.x only. */
  topicPutTps?: number;
}
export const TopicStatsTable = beanBody(
  'TopicStatsTable',
  beanOf<TopicStatsTable>({
    offsetTable: dflt(queueMapOf(topicOffset), () => []),
    topicPutTps: opt(double, () => 0),
  }),
);

/** INVOKE_BROKER_TO_RESET_OFFSET (222) response and RESET_CONSUMER_CLIENT_OFFSET (220) request body. */
export interface ResetOffsetBody {
  offsetTable: QueueMap<number>;
}
export const ResetOffsetBody = beanBody('ResetOffsetBody', beanOf<ResetOffsetBody>({ offsetTable: dflt(queueMapOf(long), () => []) }));

/** MessageQueueForC: a MessageQueue with its offset (the C++ client's reset body). */
export interface MessageQueueForC extends MessageQueue {
  offset: number;
}
export const messageQueueForC = beanOf<MessageQueueForC>({ ...messageQueue.specs, offset: prim(long, 0) });

/** ResetOffsetBodyForC: what the broker sends to CPP clients instead of ResetOffsetBody. */
export interface ResetOffsetBodyForC {
  offsetTable: MessageQueueForC[];
}
export const ResetOffsetBodyForC = beanBody(
  'ResetOffsetBodyForC',
  beanOf<ResetOffsetBodyForC>({ offsetTable: dflt(listOf(messageQueueForC), () => []) }),
);

/**
 * INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223) response {"consumerTable":{"clientId":{{mq}:offset}}} and
 * GET_CONSUMER_STATUS_FROM_CLIENT (221) client response {"messageQueueTable":{{mq}:offset}}.
 */
export interface GetConsumerStatusBody {
  consumerTable: Map<string, QueueMap<number>>;
  messageQueueTable: QueueMap<number>;
}
export const GetConsumerStatusBody = beanBody(
  'GetConsumerStatusBody',
  beanOf<GetConsumerStatusBody>({
    consumerTable: dflt(mapOf(stringKey, queueMapOf(long)), () => new Map<string, QueueMap<number>>()),
    messageQueueTable: dflt(queueMapOf(long), () => []),
  }),
);

/**
 * QueueTimeSpan. The three *Str properties are Java getters formatting the timestamps in the JVM's time zone
 * ("yyyy-MM-dd#HH:mm:ss:SSS"); they are read and written as given (see formatQueueTimeSpanDate).
 */
export interface QueueTimeSpan {
  consumeTimeStamp: number;
  consumeTimeStampStr?: string;
  delayTime: number;
  maxTimeStamp: number;
  maxTimeStampStr?: string;
  messageQueue?: MessageQueue;
  minTimeStamp: number;
  minTimeStampStr?: string;
}
export const queueTimeSpan = beanOf<QueueTimeSpan>({
  consumeTimeStamp: prim(long, 0),
  consumeTimeStampStr: opt(str),
  delayTime: prim(long, 0),
  maxTimeStamp: prim(long, 0),
  maxTimeStampStr: opt(str),
  messageQueue: opt(messageQueue),
  minTimeStamp: prim(long, 0),
  minTimeStampStr: opt(str),
});

/** UtilAll.formatDate(new Date(ms), "yyyy-MM-dd#HH:mm:ss:SSS") in a zone `offsetMinutes` east of UTC. */
export function formatQueueTimeSpanDate(ms: number, offsetMinutes = 0): string {
  const d = new Date(ms + offsetMinutes * 60000);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return (
    `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}#` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}:${p(d.getUTCMilliseconds(), 3)}`
  );
}

/** QUERY_CONSUME_TIME_SPAN (303) response. */
export interface QueryConsumeTimeSpanBody {
  consumeTimeSpanSet: QueueTimeSpan[];
}
export const QueryConsumeTimeSpanBody = beanBody(
  'QueryConsumeTimeSpanBody',
  beanOf<QueryConsumeTimeSpanBody>({ consumeTimeSpanSet: dflt(listOf(queueTimeSpan), () => []) }),
);

/**
 * ConsumerOffsetSerializeWrapper ({"offsetTable":{"topic@group":{0:10,1:20}}}, 5.x + "dataVersion"), which is
 * also the shape of consumerOffset.json: ConfigManager.persist writes ConsumerOffsetManager.encode(true), i.e.
 * fastjson PrettyFormat of the manager bean, whose getters add (5.x) groupTopicMap and (5.5.0, not 5.3.3) pullOffsetTable.
 * To write the file as Java does, use JAVA_DISK_FORMAT ({ pretty: true, numericKeys: 'java' }).
 */
export interface ConsumerOffsetSerializeWrapper {
  /** 5.x only, nullable. */
  dataVersion?: DataVersion;
  /** consumerOffset.json (5.x): group -> topics, derived from offsetTable by ConsumerOffsetManager. */
  groupTopicMap?: Map<string, string[]>;
  /** "topic@group" -> queueId -> offset. */
  offsetTable: Map<string, Map<number, number>>;
  /** consumerOffset.json (5.5.0): last pull offsets, same shape as offsetTable. */
  pullOffsetTable?: Map<string, Map<number, number>>;
}
const offsetTableCodec = mapOf(stringKey, mapOf(numberKey, long));
export const ConsumerOffsetSerializeWrapper = beanBody(
  'ConsumerOffsetSerializeWrapper',
  beanOf<ConsumerOffsetSerializeWrapper>({
    dataVersion: opt(dataVersion),
    groupTopicMap: opt(mapOf(stringKey, setOf(str))),
    offsetTable: dflt(offsetTableCodec, () => new Map<string, Map<number, number>>()),
    pullOffsetTable: opt(offsetTableCodec),
  }),
);

/** delayOffset.json: {"offsetTable":{1:0,2:5}} (delay level -> offset), 5.x + "dataVersion". */
export interface DelayOffsetSerializeWrapper {
  dataVersion?: DataVersion;
  offsetTable: Map<number, number>;
}
export const DelayOffsetSerializeWrapper = beanBody(
  'DelayOffsetSerializeWrapper',
  beanOf<DelayOffsetSerializeWrapper>({
    dataVersion: opt(dataVersion),
    offsetTable: dflt(mapOf(numberKey, long), () => new Map<number, number>()),
  }),
);

