/**
 * Names with protocol meaning: well-known topics and groups, prefixes, permissions, and the topic/group
 * validation every server applies. Java: common/.../topic/TopicValidator.java, MixAll.java,
 * constant/PermName.java, sysflag/TopicSysFlag.java, namesrv/NamesrvUtil.java.
 */

/** Template topic for auto-created topics (Java AUTO_CREATE_TOPIC_KEY_TOPIC). */
export const AUTO_CREATE_TOPIC = 'TBW102';
export const SCHEDULE_TOPIC = 'SCHEDULE_TOPIC_XXXX';
export const BENCHMARK_TOPIC = 'BenchmarkTest';
export const TRANS_HALF_TOPIC = 'RMQ_SYS_TRANS_HALF_TOPIC';
export const TRACE_TOPIC = 'RMQ_SYS_TRACE_TOPIC';
export const TRANS_OP_HALF_TOPIC = 'RMQ_SYS_TRANS_OP_HALF_TOPIC';
export const TRANS_CHECK_MAX_TIME_TOPIC = 'TRANS_CHECK_MAX_TIME_TOPIC';
export const SELF_TEST_TOPIC = 'SELF_TEST_TOPIC';
export const OFFSET_MOVED_EVENT = 'OFFSET_MOVED_EVENT';
export const ROCKSDB_OFFSET_TOPIC = 'CHECKPOINT_TOPIC';
export const SYSTEM_TOPIC_PREFIX = 'rmq_sys_';
export const SYNC_BROKER_MEMBER_GROUP_PREFIX = 'rmq_sys_SYNC_BROKER_MEMBER_';

export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';
export const DLQ_GROUP_TOPIC_PREFIX = '%DLQ%';
export const REPLY_TOPIC_POSTFIX = 'REPLY_TOPIC';

export const DEFAULT_PRODUCER_GROUP = 'DEFAULT_PRODUCER';
export const DEFAULT_CONSUMER_GROUP = 'DEFAULT_CONSUMER';
export const TOOLS_CONSUMER_GROUP = 'TOOLS_CONSUMER';
export const CLIENT_INNER_PRODUCER_GROUP = 'CLIENT_INNER_PRODUCER';
export const SELF_TEST_PRODUCER_GROUP = 'SELF_TEST_P_GROUP';
export const CID_RMQ_SYS_PREFIX = 'CID_RMQ_SYS_';
/** Consumer group of the transactional half/op queues. */
export const CID_SYS_RMQ_TRANS = 'CID_RMQ_SYS_TRANS';

/** brokerId of a master (Java MixAll.MASTER_ID). */
export const MASTER_ID = 0;
/** Ext field carrying the broker's zone in REGISTER_BROKER (Java MixAll.ZONE_NAME). */
export const ZONE_NAME_EXT = '__ZONE_NAME';
/** KV namespace holding ordered-topic configuration (Java NamesrvUtil.NAMESPACE_ORDER_TOPIC_CONFIG). */
export const NAMESPACE_ORDER_TOPIC_CONFIG = 'ORDER_TOPIC_CONFIG';

export const SYSTEM_TOPICS: ReadonlySet<string> = new Set([
  AUTO_CREATE_TOPIC,
  SCHEDULE_TOPIC,
  BENCHMARK_TOPIC,
  TRANS_HALF_TOPIC,
  TRACE_TOPIC,
  TRANS_OP_HALF_TOPIC,
  TRANS_CHECK_MAX_TIME_TOPIC,
  SELF_TEST_TOPIC,
  OFFSET_MOVED_EVENT,
  ROCKSDB_OFFSET_TOPIC,
]);

/** Topics no client may send to: NO_PERMISSION (Java TopicValidator.NOT_ALLOWED_SEND_TOPIC_SET). */
export const NOT_ALLOWED_SEND_TOPICS: ReadonlySet<string> = new Set([
  SCHEDULE_TOPIC,
  TRANS_HALF_TOPIC,
  TRANS_OP_HALF_TOPIC,
  TRANS_CHECK_MAX_TIME_TOPIC,
  SELF_TEST_TOPIC,
  OFFSET_MOVED_EVENT,
]);

export function isSystemTopic(topic: string): boolean {
  return SYSTEM_TOPICS.has(topic) || topic.startsWith(SYSTEM_TOPIC_PREFIX);
}

export function isNotAllowedSendTopic(topic: string): boolean {
  return NOT_ALLOWED_SEND_TOPICS.has(topic);
}

export const TOPIC_LENGTH_MAX = 127;
export const RETRY_OR_DLQ_TOPIC_LENGTH_MAX = 255;
export const GROUP_LENGTH_MAX = 120;

const VALID = /^[%|a-zA-Z0-9_-]+$/;

/** null when valid, else Java's remark (TopicValidator#validateTopic). */
export function validateTopic(topic: string | undefined | null): string | null {
  if (topic === undefined || topic === null || topic.trim() === '') return 'The specified topic is blank.';
  if (!VALID.test(topic)) {
    return `The specified topic: ${topic}, contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`;
  }
  if (topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) || topic.startsWith(DLQ_GROUP_TOPIC_PREFIX)) {
    if (topic.length > RETRY_OR_DLQ_TOPIC_LENGTH_MAX) {
      return `The specified topic is DLQ or Retry topic: ${topic}, and it's longer than topic max length: ${RETRY_OR_DLQ_TOPIC_LENGTH_MAX}`;
    }
  } else if (topic.length > TOPIC_LENGTH_MAX) {
    return `The specified topic: ${topic}, is longer than topic max length: ${TOPIC_LENGTH_MAX}`;
  }
  return null;
}

/** null when valid, else Java's remark (TopicValidator#validateGroup). */
export function validateGroup(group: string | undefined | null): string | null {
  if (group === undefined || group === null || group.trim() === '') return 'The specified group is blank.';
  if (!VALID.test(group)) {
    return `The specified group: ${group}, contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`;
  }
  if (group.length > GROUP_LENGTH_MAX) {
    return `The specified group: ${group}, is longer than group max length: ${GROUP_LENGTH_MAX}`;
  }
  return null;
}

export function retryTopic(group: string): string {
  return RETRY_GROUP_TOPIC_PREFIX + group;
}

export function dlqTopic(group: string): string {
  return DLQ_GROUP_TOPIC_PREFIX + group;
}

export function isRetryTopic(topic: string): boolean {
  return topic.startsWith(RETRY_GROUP_TOPIC_PREFIX);
}

export function isDlqTopic(topic: string): boolean {
  return topic.startsWith(DLQ_GROUP_TOPIC_PREFIX);
}

/** Permission bits of a topic / queue data (Java PermName). */
export const Perm = {
  PRIORITY: 8,
  READ: 4,
  WRITE: 2,
  INHERIT: 1,
} as const;

export function isReadable(perm: number): boolean {
  return (perm & Perm.READ) === Perm.READ;
}

export function isWriteable(perm: number): boolean {
  return (perm & Perm.WRITE) === Perm.WRITE;
}

export function isInherited(perm: number): boolean {
  return (perm & Perm.INHERIT) === Perm.INHERIT;
}

/** PermName#perm2String: e.g. 6 -> "RW-", 7 -> "RWX". */
export function permToString(perm: number): string {
  return (isReadable(perm) ? 'R' : '-') + (isWriteable(perm) ? 'W' : '-') + (isInherited(perm) ? 'X' : '-');
}

/** Topic sys flags (Java TopicSysFlag): unit mode bits. */
export const TopicSysFlag = {
  UNIT: 1,
  UNIT_SUB: 2,
} as const;

export function hasUnitFlag(sysFlag: number): boolean {
  return (sysFlag & TopicSysFlag.UNIT) === TopicSysFlag.UNIT;
}

export function hasUnitSubFlag(sysFlag: number): boolean {
  return (sysFlag & TopicSysFlag.UNIT_SUB) === TopicSysFlag.UNIT_SUB;
}
