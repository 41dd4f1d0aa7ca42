import { RequestCode, ResponseCode } from '../../protocol/codes';
import { TopicConfigAndQueueMapping } from '../../protocol/bodies';
import { GetTopicConfigRequestHeader } from '../../protocol/headers';
import { DLQ_GROUP_TOPIC_PREFIX, RETRY_GROUP_TOPIC_PREFIX } from '../../protocol/naming';
import type { RocketClient } from '../client';
import { Code, status, type Status } from './convert';

/**
 * The proxy's topic message-type check (Java ProxyConfig#enableTopicMessageTypeCheck, true by default), natively:
 * a topic's type is its `message.type` attribute (TopicConfig#getTopicMessageType: NORMAL when absent; UNSPECIFIED
 * when the broker has no such topic — ClusterMetadataService#getTopicMessageType), read from the topic's broker with
 * GET_TOPIC_CONFIG and kept TOPIC_TYPE_CACHE_MS. A message's type comes from its properties
 * (TopicMessageType#parseFromMessageProperty); DefaultTopicMessageTypeValidator refuses a message whose type is not
 * the topic's (MIXED takes all) with MESSAGE_PROPERTY_CONFLICT_WITH_TYPE, and QueryRoute answers the topic's types in
 * accept_message_types (RouteActivity#parseTopicMessageType), which the 5.x clients check before sending.
 * Retry and DLQ topics are not checked (ProducerProcessor#sendMessage).
 */
export type TopicMessageType = 'UNSPECIFIED' | 'NORMAL' | 'FIFO' | 'DELAY' | 'TRANSACTION' | 'MIXED';

/** How long a topic's type read from its broker is used, ms (the proxy caches topic configs too). */
export const TOPIC_TYPE_CACHE_MS = 5_000;
/** Topics whose type is cached at once (the cache is emptied when full). */
export const TOPIC_TYPE_CACHE_ENTRIES_MAX = 10_000;

const KNOWN = new Set<string>(['UNSPECIFIED', 'NORMAL', 'FIFO', 'DELAY', 'TRANSACTION', 'MIXED']);

/** Java TopicMessageType#parseFromMessageProperty over a remoting message's properties. */
export function messageTypeOf(props: ReadonlyMap<string, string>): TopicMessageType {
  if (props.get('TRAN_MSG') === 'true') return 'TRANSACTION';
  if (props.has('DELAY') || props.has('TIMER_DELIVER_MS') || props.has('TIMER_DELAY_SEC') || props.has('TIMER_DELAY_MS')) return 'DELAY';
  if (props.has('__SHARDINGKEY')) return 'FIFO';
  return 'NORMAL';
}

/** Java DefaultTopicMessageTypeValidator#validate: undefined when `actual` may be sent to a topic of type `expected`. */
export function messageTypeConflict(expected: TopicMessageType, actual: TopicMessageType): Status | undefined {
  if (actual !== 'UNSPECIFIED' && (actual === expected || expected === 'MIXED')) return undefined;
  return status(Code.MESSAGE_PROPERTY_CONFLICT_WITH_TYPE, `TopicMessageType validate failed, the expected type is ${expected}, but actual type is ${actual}`);
}

/** Java RouteActivity#parseTopicMessageType: the v2 MessageType names a queue of this topic accepts. */
export function acceptedTypes(t: TopicMessageType): string[] {
  if (t === 'MIXED') return ['NORMAL', 'FIFO', 'DELAY', 'TRANSACTION'];
  if (t === 'UNSPECIFIED') return ['MESSAGE_TYPE_UNSPECIFIED'];
  return [t];
}

/** Whether the check applies to `topic` (not to retry or DLQ topics). */
export function checkedTopic(topic: string): boolean {
  return !topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) && !topic.startsWith(DLQ_GROUP_TOPIC_PREFIX);
}

export class TopicTypes {
  private readonly cache = new Map<string, { type: TopicMessageType; at: number }>();

  constructor(private readonly o: { client: RocketClient; requestTimeoutMs: number }) {}

  /**
   * The topic's type as its broker (`brokerAddr`) has it; UNSPECIFIED when it has no such topic (not cached). A broker
   * that answers anything else (an ACL refusal, an error) leaves the topic unchecked (MIXED, not cached): the check
   * must not turn a broker hiccup into refused sends.
   */
  async typeOf(topic: string, brokerAddr: string): Promise<TopicMessageType> {
    const c = this.cache.get(topic);
    if (c !== undefined && Date.now() - c.at < TOPIC_TYPE_CACHE_MS) return c.type;
    const r = await this.o.client.call(brokerAddr, RequestCode.GET_TOPIC_CONFIG, { spec: GetTopicConfigRequestHeader, value: { topic } }, null, this.o.requestTimeoutMs);
    if (r.code === ResponseCode.TOPIC_NOT_EXIST) return 'UNSPECIFIED';
    if (r.code !== ResponseCode.SUCCESS || r.body === null) return 'MIXED';
    const d = TopicConfigAndQueueMapping.decode(r.body);
    if (!d.ok) return 'MIXED';
    const v = d.value.attributes?.get('message.type');
    const type: TopicMessageType = v === undefined ? 'NORMAL' : KNOWN.has(v) ? (v as TopicMessageType) : 'UNSPECIFIED';
    if (this.cache.size >= TOPIC_TYPE_CACHE_ENTRIES_MAX) this.cache.clear();
    this.cache.set(topic, { type, at: Date.now() });
    return type;
  }
}
