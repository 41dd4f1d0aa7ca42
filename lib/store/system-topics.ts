/**
 * Topics the store must never clean (Java: TopicValidator#isSystemTopic).
 *
 * Contract. Owns: the list of system topic names and prefixes. May call: nothing. Pure.
 */

/** Java: TopicValidator#isSystemTopic (the prefixes and names the store must never clean). */
export function isSystemTopic(topic: string): boolean {
  return (
    topic.startsWith('rmq_sys_') ||
    topic === 'SCHEDULE_TOPIC_XXXX' ||
    topic === 'RMQ_SYS_TRANS_HALF_TOPIC' ||
    topic === 'RMQ_SYS_TRANS_OP_HALF_TOPIC' ||
    topic === 'TBW102' ||
    topic === 'BenchmarkTest' ||
    topic === 'OFFSET_MOVED_EVENT' ||
    topic === 'SELF_TEST_TOPIC' ||
    topic === 'TRANS_CHECK_MAX_TIME_TOPIC' ||
    topic === 'RMQ_SYS_TRACE_TOPIC' ||
    topic === 'rmq_sys_REVIVE_LOG_' ||
    topic.startsWith('%SYS%')
  );
}
