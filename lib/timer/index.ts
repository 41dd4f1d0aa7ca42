/**
 * lib/timer: timer messages (delivery at an arbitrary time) in Apache RocketMQ 5.x's on-disk layout — timerwheel,
 * timerlog/, config/timercheck, config/timermetrics — over lib/store's public interface. Never imports lib/broker:
 * the broker rewrites timer messages to rmq_sys_wheel_timer on send and runs this service.
 */
export { TimerMessageStore } from './timer-message-store';
export { TIMER_TOPIC, ENQUEUE_NEVER, DEQUEUE_EMPTY_SLOTS_PER_YIELD, normalizePrecisionMs, timerOutMs } from './timer-config';
export type { TimerConfig, TimerDeps, TimerObserver, TimerStats } from './timer-config';
export { TimerWheel, SLOTS_TOTAL, SLOT_SIZE, wheelFileName } from './timer-wheel';
export { TimerLog, timerLogDir, UNIT_SIZE, MIN_BLANK_LEN, BLANK_MAGIC_CODE } from './timer-log';
export { TimerCheckpoint, checkpointFileName } from './timer-checkpoint';
export { TimerMetrics, TopicCounts, metricsFileName, encodeMetrics } from './timer-metrics';
export type { CountsField } from './timer-metrics';
export { TIMER_DIST_SEC, timerDistSnapshot } from './timer-snapshot';
