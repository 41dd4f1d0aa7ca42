import { ProtocolError } from '../errors';
import { javaParseInt, javaParseLong, javaStringHashCode } from '../codec';

/**
 * Consume-queue tagsCode and the delay-level table.
 *
 * tagsCode (Java: MessageExtBrokerInner#tagsString2tagsCode, CommitLog#checkMessageAndReturnSize): the TAGS
 * property's String#hashCode sign-extended to a long; 0 when there is no TAGS or it is empty. For a record in
 * SCHEDULE_TOPIC_XXXX with a DELAY property it is instead the deliver time: storeTimestamp + delay of the level.
 */
export const SCHEDULE_TOPIC = 'SCHEDULE_TOPIC_XXXX';

/** Java: MessageStoreConfig#messageDelayLevel default. */
export const DEFAULT_MESSAGE_DELAY_LEVEL = '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h';

/** String#hashCode of the tags, or 0 for none (the int value; as a long it is the same number). */
export function tagsCode(tags: string | null | undefined): number {
  if (tags === null || tags === undefined || tags.length === 0) return 0;
  return javaStringHashCode(tags);
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a messageDelayLevel string into delay milliseconds; element i is level i + 1.
 * Java: ScheduleMessageService#parseDelayLevel: split at single spaces (trailing empty parts dropped, as
 * String#split does), each part = Long number + one unit letter s|m|h|d. Java logs and refuses to start on any bad
 * part (an empty part from a double or leading space, an unknown unit, a bad number); here that is
 * ProtocolError('BAD_VALUE') naming the part.
 */
export function parseDelayLevels(levels: string): number[] {
  // "".split(" ") is [""] in Java (no match: the input itself), and an empty part fails.
  if (levels === '') throw new ProtocolError('BAD_VALUE', 'messageDelayLevel is empty');
  const parts = levels.split(' ');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  const out: number[] = [];
  for (const part of parts) {
    const unit = UNIT_MS[part.slice(-1)];
    const num = part.length > 1 ? javaParseLong(part.slice(0, -1)) : undefined;
    if (unit === undefined || num === undefined) {
      throw new ProtocolError('BAD_VALUE', `messageDelayLevel "${levels}": bad level "${part}" (expected a number and s, m, h or d)`);
    }
    out.push(num * unit);
  }
  return out;
}

/** A parsed delay-level table (Java: ScheduleMessageService#delayLevelTable, maxDelayLevel). */
export class DelayLevelTable {
  readonly delaysMs: readonly number[];

  constructor(levels: string = DEFAULT_MESSAGE_DELAY_LEVEL) {
    this.delaysMs = parseDelayLevels(levels);
  }

  get maxLevel(): number {
    return this.delaysMs.length;
  }

  /** Delay of a level (1-based), or undefined outside 1..maxLevel. */
  delayMs(level: number): number | undefined {
    return Number.isInteger(level) && level >= 1 && level <= this.delaysMs.length ? this.delaysMs[level - 1] : undefined;
  }

  /** Java: ScheduleMessageService#computeDeliverTimestamp: storeTimestamp + delay, or + 1000 for an unknown level. */
  deliverTimestamp(level: number, storeTimestamp: number): number {
    const d = this.delayMs(level);
    return storeTimestamp + (d === undefined ? 1000 : d);
  }

  /** Levels above the maximum are clamped to it (Java: HookUtils#handleScheduleMessage, CommitLog). */
  clamp(level: number): number {
    return level > this.maxLevel ? this.maxLevel : level;
  }

  /** Queue of SCHEDULE_TOPIC_XXXX holding a level (Java: ScheduleMessageService#delayLevel2QueueId). */
  static queueIdOf(level: number): number {
    return level - 1;
  }

  /** Java: ScheduleMessageService#queueId2DelayLevel. */
  static levelOfQueueId(queueId: number): number {
    return queueId + 1;
  }
}

export interface TagsCodeInput {
  topic: string;
  /** The TAGS property. */
  tags: string | null | undefined;
  /** The DELAY property text. */
  delay: string | null | undefined;
  storeTimestamp: number;
}

/**
 * The consume-queue tagsCode of a stored record (Java: CommitLog#checkMessageAndReturnSize): the tags hash, except
 * in SCHEDULE_TOPIC_XXXX with a DELAY property, where a level > 0 (clamped to the maximum) gives the deliver
 * time. A DELAY that is not an int makes Java fail the dispatch of the record; here it is ProtocolError('BAD_VALUE').
 */
export function consumeQueueTagsCode(input: TagsCodeInput, table: DelayLevelTable): number {
  let code = tagsCode(input.tags);
  if (input.topic === SCHEDULE_TOPIC && input.delay !== null && input.delay !== undefined) {
    const parsed = javaParseInt(input.delay);
    if (parsed === undefined) throw new ProtocolError('BAD_VALUE', `DELAY property "${input.delay}" is not an int`);
    const level = table.clamp(parsed);
    if (level > 0) code = table.deliverTimestamp(level, input.storeTimestamp);
  }
  return code;
}
