import { RETRY_GROUP_TOPIC_PREFIX } from '../naming';

/**
 * POP's text formats that travel to the client and back (the broker's POP and lib/grpc's receipt handles) (Java: remoting/.../header/ExtraInfoUtil.java and
 * common/.../KeyBuilder.java). Every field is separated by MessageConst.KEY_SEPARATOR (one space).
 *
 *   extraInfo (POP_CK property, ack/changeInvisibleTime header):
 *     "<ckQueueOffset> <popTime> <invisibleTime> <reviveQid> <retry 0|1|2> <brokerName> <queueId>[ <msgQueueOffset>]"
 *   startOffsetInfo (POP response header): "<retry> <queueId> <startOffset>" joined by ";"
 *   msgOffsetInfo   (POP response header): "<retry> <queueId> <o1>,<o2>,..." joined by ";"
 *
 * retry is "0" for the topic itself, "1" for %RETRY%<group>_<topic> (v1), "2" for %RETRY%<group>+<topic> (v2).
 */
export const KEY_SEPARATOR = ' ';
/** Java KeyBuilder.POP_ORDER_REVIVE_QUEUE: the reviveQid that marks an orderly POP. */
export const POP_ORDER_REVIVE_QUEUE = 999;

/** Java KeyBuilder#buildPopRetryTopicV1 / V2 / buildPopRetryTopic(enableRetryTopicV2; Java default false). */
export function popRetryTopicV1(topic: string, group: string): string {
  return `${RETRY_GROUP_TOPIC_PREFIX}${group}_${topic}`;
}
export function popRetryTopicV2(topic: string, group: string): string {
  return `${RETRY_GROUP_TOPIC_PREFIX}${group}+${topic}`;
}
export function popRetryTopic(topic: string, group: string, v2: boolean): string {
  return v2 ? popRetryTopicV2(topic, group) : popRetryTopicV1(topic, group);
}
/** Java KeyBuilder#isPopRetryTopicV2. */
export function isPopRetryTopicV2(topic: string): boolean {
  return topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) && topic.includes('+');
}
/** Java KeyBuilder#parseNormalTopic(topic, cid): the business topic of a POP retry topic. */
export function parseNormalTopic(topic: string, group: string): string {
  if (!topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) return topic;
  const sep = isPopRetryTopicV2(topic) ? '+' : '_';
  return topic.substring(`${RETRY_GROUP_TOPIC_PREFIX}${group}${sep}`.length);
}

/** Java ExtraInfoUtil#getRetry(topic). */
export function retryMark(topic: string): '0' | '1' | '2' {
  if (isPopRetryTopicV2(topic)) return '2';
  return topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) ? '1' : '0';
}

/** Java ExtraInfoUtil#getRealTopic(topic, cid, retry); undefined for a mark that is none of 0, 1, 2. */
export function realTopic(topic: string, group: string, retry: string): string | undefined {
  if (retry === '0') return topic;
  if (retry === '1') return popRetryTopicV1(topic, group);
  if (retry === '2') return popRetryTopicV2(topic, group);
  return undefined;
}

export interface ExtraInfo {
  ckQueueOffset: number;
  popTime: number;
  invisibleTime: number;
  reviveQid: number;
  retry: string;
  brokerName: string;
  queueId: number;
  msgQueueOffset?: number;
}

/** Java ExtraInfoUtil#buildExtraInfo (7 fields, or 8 with the message's queue offset). */
export function buildExtraInfo(ckQueueOffset: number, popTime: number, invisibleTime: number, reviveQid: number, topic: string, brokerName: string, queueId: number, msgQueueOffset?: number): string {
  return formatExtraInfo({ ckQueueOffset, popTime, invisibleTime, reviveQid, retry: retryMark(topic), brokerName, queueId, ...(msgQueueOffset !== undefined ? { msgQueueOffset } : {}) });
}

/** An ExtraInfo as text (the inverse of parseExtraInfo). */
export function formatExtraInfo(e: ExtraInfo): string {
  const s = [e.ckQueueOffset, e.popTime, e.invisibleTime, e.reviveQid, e.retry, e.brokerName, e.queueId].join(KEY_SEPARATOR);
  return e.msgQueueOffset === undefined ? s : s + KEY_SEPARATOR + e.msgQueueOffset;
}

const INT = /^[+-]?\d{1,19}$/;
function num(s: string | undefined): number | undefined {
  if (s === undefined || !INT.test(s)) return undefined;
  const v = Number(s);
  return Number.isSafeInteger(v) ? v : undefined;
}

/**
 * Parses an extraInfo as Java's getters read it (split on ' '); a field that Java would fail to read
 * (NumberFormatException / IllegalArgumentException) makes the whole parse fail with its name.
 */
export function parseExtraInfo(text: string): { ok: true; value: ExtraInfo } | { ok: false; error: string } {
  const f = text.split(KEY_SEPARATOR);
  const names = ['ckQueueOffset', 'popTime', 'invisibleTime', 'reviveQid'] as const;
  const nums: number[] = [];
  for (let i = 0; i < names.length; i++) {
    const v = num(f[i]);
    if (v === undefined) return { ok: false, error: `extraInfo "${text}": ${names[i]} (field ${i + 1}) is not a number` };
    nums.push(v);
  }
  if (f.length < 7) return { ok: false, error: `extraInfo "${text}": ${f.length} fields, expected at least 7` };
  const queueId = num(f[6]);
  if (queueId === undefined) return { ok: false, error: `extraInfo "${text}": queueId (field 7) is not a number` };
  const value: ExtraInfo = { ckQueueOffset: nums[0]!, popTime: nums[1]!, invisibleTime: nums[2]!, reviveQid: nums[3]!, retry: f[4]!, brokerName: f[5]!, queueId };
  if (f.length >= 8) {
    const o = num(f[7]);
    if (o === undefined) return { ok: false, error: `extraInfo "${text}": msgQueueOffset (field 8) is not a number` };
    value.msgQueueOffset = o;
  }
  return { ok: true, value };
}

/** Java ExtraInfoUtil#buildStartOffsetInfo: appends one queue's start offset. */
export function appendStartOffsetInfo(acc: string, topic: string, queueId: number, startOffset: number): string {
  return (acc.length > 0 ? acc + ';' : '') + [retryMark(topic), queueId, startOffset].join(KEY_SEPARATOR);
}

/** Java ExtraInfoUtil#buildMsgOffsetInfo: appends one queue's message offsets. */
export function appendMsgOffsetInfo(acc: string, topic: string, queueId: number, offsets: readonly number[]): string {
  return (acc.length > 0 ? acc + ';' : '') + [retryMark(topic), queueId, offsets.join(',')].join(KEY_SEPARATOR);
}
