/**
 * The scenario ids each suite must report (a suite that silently loses a scenario fails the harness tests).
 * Java ids are the @DisplayName of the JUnit tests in compat-tests/java/suites; Go ids derive from the test names
 * (TestSendSync -> go.send-sync); mqadmin and benchmark ids are set by mqadmin-suite.ts and benchmark.ts.
 */
export const JAVA_NAMESERVER_SCENARIOS = ['ns.route-lookup', 'ns.send-consume', 'ns.topic-autocreate-tbw102'] as const;

export const JAVA_BROKER_SCENARIOS = [
  'producer.send-sync',
  'producer.send-async',
  'producer.send-oneway',
  'producer.send-batch',
  'producer.queue-selector',
  'message.keys-tags-properties',
  'message.tag-filter',
  'message.sql92-filter',
  'message.sql92-malformed-refused',
  'body.0b-rejected-by-java-client',
  'body.1b',
  'body.1kb',
  'body.1mb',
  'body.4mb',
  'body.compressed-over-4kb',
  'push.clustering-3-consumers-share-8-queues',
  'push.clustering-rebalance-on-leave',
  'push.retry-reconsume-later-to-dlq',
  'push.retry-default-delay-level',
  'push.retry-topic-routed-at-first-heartbeat',
  'push.broadcasting',
  'litepull.subscribe-commit',
  'litepull.assign-seek-commit',
  'consume-from.first-offset',
  'consume-from.last-offset',
  'consume-from.timestamp',
  'admin.query-by-key',
  'admin.query-by-msgid',
  'trace.pub-subbefore-subafter',
  'request-reply.sync',
  'request-reply.async',
  'timer.deliver-at-1s-and-6s',
  'timer.beyond-max-delay-refused',
  'transaction.timer-properties', // issue 12: timer properties on a transactional message
  'timer.deliver-at-60s', // full run only (JAVA_FULL_RUN_ONLY)
  'timer.just-under-max-delay-parked',
] as const;

/**
 * Java scenarios too slow for the CI slice (> 30 s of waiting each): they run with -Dcompat.full=true (compat
 * --full / --suites all, or APOGEE_COMPAT_FULL=1) and otherwise skip with a reason matching FULL_RUN_ONLY, a skip
 * the matrix expects on every target.
 */
export const JAVA_FULL_RUN_ONLY: readonly string[] = ['timer.deliver-at-60s'];
export const FULL_RUN_ONLY = /^full run only\b/;

export const JAVA_RESTART_SCENARIOS = ['restart.offsets-survive-broker-sigkill', 'timer.survives-broker-sigkill'] as const;

export const JAVA_SCENARIOS: readonly string[] = [...JAVA_NAMESERVER_SCENARIOS, ...JAVA_BROKER_SCENARIOS, ...JAVA_RESTART_SCENARIOS];

/** Client 5.5.0 only (4.9.8 has no POP): PopConsumeTest lives in the 5.x adapter source tree (issue 15). */
export const JAVA_5_ONLY_SCENARIOS = ['pop.push-consume-once', 'pop.reconsume-later-back-after-invisible-time', 'pop.orderly-one-batch-per-queue-in-order', 'pop.peek-notification-polling-info', 'pop.dlq-via-send-back-as-the-proxy', 'recall.timer-message-not-delivered'] as const;

export const JAVA_5_SCENARIOS: readonly string[] = [...JAVA_SCENARIOS, ...JAVA_5_ONLY_SCENARIOS];

export const GO_SCENARIOS: readonly string[] = [
  'go.route-resolution',
  'go.send-sync',
  'go.send-async',
  'go.send-one-way',
  'go.send-batch',
  'go.body-sizes',
  'go.body-empty',
  'go.push-clustering',
  'go.push-retry',
  'go.sql92-filter',
  // issue 12: delay levels, request-reply and message trace with the Go client
  'go.delay-level',
  'go.request-reply',
  'go.message-trace',
];

export const MQADMIN_SCENARIOS: readonly string[] = [
  'mqadmin.updateTopic',
  'mqadmin.clusterList',
  'mqadmin.topicList',
  'mqadmin.topicRoute',
  'mqadmin.getNamesrvConfig',
  'mqadmin.updateNamesrvConfig',
  'mqadmin.updateKvConfig',
  'mqadmin.deleteKvConfig',
  'mqadmin.wipeWritePerm',
  'mqadmin.addWritePerm',
  'mqadmin.deleteTopic',
];

/** The issue-12 broker commands of the mqadmin suite (runMqadminSuite's brokerCommands). */
export const MQADMIN_BROKER_SCENARIOS: readonly string[] = [
  'mqadmin.getBrokerConfig',
  'mqadmin.brokerStatus',
  'mqadmin.exportMetrics',
  'mqadmin.cloneGroupOffset-unknown-group',
  'mqadmin.coldDataFlowCtr',
  'mqadmin.setCommitLogReadAheadMode',
  'mqadmin.exportPopRecord',
  'mqadmin.getBrokerLiteInfo',
  'mqadmin.updateTopic-lite',
  'mqadmin.updateStaticTopic',
];

export const BENCHMARK_SCENARIOS: readonly string[] = ['benchmark.producer-consumer'];

/** The harness's checks of a target (target-suite.ts). */
export const TARGET_SCENARIOS: readonly string[] = ['target.ready', 'target.freeze-resume', 'target.kill-restart'];

/**
 * The grpc-proxy suite (compat-tests/java/grpc-suites): rocketmq-client-java 5.x through the official rocketmq-proxy
 * 5.5.0 in cluster mode in front of the target (grpc-proxy.ts).
 */
export const GRPC_PROXY_SCENARIOS: readonly string[] = [
  'grpc.normal-send-simple-receive-ack',
  'grpc.simple-redeliver-unacked-and-change-invisible-duration',
  'grpc.push-consumer-consume-and-retry',
  'grpc.push-consumer-dead-letter',
  'grpc.fifo-message-group-order',
  'grpc.delay-message',
  'grpc.transaction-commit-rollback',
  'grpc.tag-filter',
  'grpc.sql92-filter',
  'grpc.recall-delay-message',
  'grpc.transaction-orphan-checker-commits',
];

/** gRPC scenarios that wait for the broker's transaction check (up to 36 s): run with -Dcompat.full=true only. */
export const GRPC_FULL_RUN_ONLY: readonly string[] = ['grpc.transaction-orphan-checker-commits'];
