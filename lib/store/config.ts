import * as os from 'node:os';
import * as path from 'node:path';
import { p, defaults, type ConfigOf } from '../common';
import { StoreJavaOnlySchema } from './config-java-only';

/**
 * The message store configuration: Java's MessageStoreConfig property names and defaults (Java:
 * store/config/MessageStoreConfig.java), so a broker.conf written for the Java broker loads unchanged. lib/bin
 * parses the file with lib/common's applyProperties(storeConfigSchema, ...) and passes the typed value down.
 *
 * Keys marked inert are accepted for compatibility and have no effect here. A few Apogee-only keys (bounds of the
 * in-memory caches) end with their unit, as the house rules ask; Java ignores unknown keys, so a file carrying them
 * still loads in Java.
 */

const FLUSH_DISK_TYPES = ['ASYNC_FLUSH', 'SYNC_FLUSH'];
const BROKER_ROLES = ['ASYNC_MASTER', 'SYNC_MASTER', 'SLAVE'];

const oneOf = (values: readonly string[]) => (v: string): string | undefined =>
  values.includes(v) ? undefined : `expected one of ${values.join(', ')}`;
const atLeast = (min: number) => (v: number): string | undefined => (v >= min ? undefined : `must be >= ${min}`);
const ratio = (v: number): string | undefined => (v >= 0 && v <= 100 ? undefined : 'a percentage, 0..100');
const deleteWhenCheck = (v: string): string | undefined =>
  v.split(';').every((h) => /^\s*\d{1,2}\s*$/.test(h)) ? undefined : 'hours of the day separated by ";", e.g. "04" or "01;04"';

export const storeConfigSchema = {
  ...StoreJavaOnlySchema,
  // ---- paths ----
  storePathRootDir: p.string(path.join(os.homedir(), 'store'), 'root directory of the store (Java default ~/store)'),
  storePathCommitLog: p.string('', 'commit log directory; empty means <storePathRootDir>/commitlog'),

  // ---- file sizes ----
  mappedFileSizeCommitLog: p.int(1024 * 1024 * 1024, 'bytes per commit log file (must match the files on disk)', { check: atLeast(4096) }),
  mappedFileSizeConsumeQueue: p.int(300000 * 20, 'bytes per consume queue file (a multiple of 20)', {
    check: (v) => (v >= 20 && v % 20 === 0 ? undefined : 'a positive multiple of 20'),
  }),

  // ---- flush ----
  flushDiskType: p.string('ASYNC_FLUSH', 'ASYNC_FLUSH: ack after write(2); SYNC_FLUSH: ack after fsync (group commit)', { check: oneOf(FLUSH_DISK_TYPES) }),
  flushIntervalCommitLog: p.int(500, 'ASYNC_FLUSH: ms between commit log flush attempts', { check: atLeast(1) }),
  flushCommitLogLeastPages: p.int(4, 'ASYNC_FLUSH: fsync only when at least this many 4 KiB pages are dirty', { check: atLeast(0) }),
  flushCommitLogThoroughInterval: p.int(10000, 'ASYNC_FLUSH: fsync whatever is dirty at least this often (ms)', { check: atLeast(0) }),
  flushCommitLogTimed: p.inertBoolean(true),
  syncFlushTimeout: p.int(5000, 'SYNC_FLUSH: a put not fsynced within this many ms answers FLUSH_DISK_TIMEOUT', { check: atLeast(1) }),
  flushIntervalConsumeQueue: p.int(1000, 'ms between writes of consume queue and index data (and their flush attempts)', { check: atLeast(1) }),
  flushConsumeQueueLeastPages: p.int(2, 'fsync a consume queue when at least this many 4 KiB pages are dirty', { check: atLeast(0) }),
  flushConsumeQueueThoroughInterval: p.int(60000, 'fsync all consume queues, the index and the checkpoint at least this often (ms)', { check: atLeast(0) }),

  // ---- retention ----
  fileReservedTime: p.int(72, 'hours a commit log file is kept after its last write', { check: atLeast(0) }),
  deleteWhen: p.string('04', 'hours of the day when expired files are deleted, e.g. "04" or "01;04"', { check: deleteWhenCheck }),
  diskMaxUsedSpaceRatio: p.int(75, 'disk usage (%) above which the oldest files are deleted even if not expired', { check: ratio }),
  diskSpaceWarningLevelRatio: p.int(90, 'disk usage (%) above which puts are refused (disk full); clamped to 35..90 as Java', { check: ratio }),
  diskSpaceCleanForciblyRatio: p.int(85, 'disk usage (%) above which files are deleted at once; clamped to 30..85 as Java', { check: ratio }),
  cleanFileForciblyEnable: p.boolean(true, 'allow deleting unexpired files when the disk is nearly full'),
  cleanResourceInterval: p.int(10000, 'ms between retention checks', { check: atLeast(1) }),
  deleteCommitLogFilesInterval: p.int(100, 'ms pause between two commit log file deletions', { check: atLeast(0) }),
  deleteConsumeQueueFilesInterval: p.int(100, 'ms pause after deleting files of one consume queue', { check: atLeast(0) }),
  deleteFileBatchMax: p.int(10, 'commit log files deleted per retention run', { check: atLeast(1) }),
  destroyMapedFileIntervalForcibly: p.inertInt(1000 * 120),
  redeleteHangedFileInterval: p.inertInt(1000 * 120),

  // ---- messages ----
  osPageCacheBusyTimeOutMills: p.long(1000, 'ms a commit log write may take before puts are refused as OS_PAGE_CACHE_BUSY and sends answered SYSTEM_BUSY [REJECTREQUEST] (Java: DefaultMessageStore#isOSPageCacheBusy, the time a put has held the put lock)', { check: atLeast(1) }),
  maxMessageSize: p.int(1024 * 1024 * 4, 'bytes: the largest body accepted (records may be 64 KiB larger for headers and properties)', { check: atLeast(10) }),
  checkCRCOnRecover: p.boolean(true, 'verify body CRCs while recovering the commit log'),
  messageDelayLevel: p.string('1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h', 'delay levels (SCHEDULE_TOPIC_XXXX tagsCode)'),

  // ---- index ----
  messageIndexEnable: p.boolean(true, 'index KEYS and UNIQ_KEY for queries by key'),
  messageIndexSafe: p.boolean(false, 'after a crash, start the commit log replay early enough to rebuild the index too'),
  maxHashSlotNum: p.int(5000000, 'hash slots per index file', { check: atLeast(1) }),
  maxIndexNum: p.int(5000000 * 4, 'entries per index file', { check: atLeast(2) }),
  maxMsgsNumBatch: p.int(64, 'the most results one query by key returns', { check: atLeast(1) }),
  defaultQueryMaxNum: p.int(32, 'default maxNum of a query by key (used by the broker)', { check: atLeast(1) }),

  // ---- reads ----
  maxTransferBytesOnMessageInMemory: p.int(1024 * 256, 'bytes per pull when the data is recent (in memory)', { check: atLeast(1) }),
  maxTransferCountOnMessageInMemory: p.int(32, 'messages per pull when the data is recent (in memory)', { check: atLeast(1) }),
  maxTransferBytesOnMessageInDisk: p.int(1024 * 64, 'bytes per pull when the data is old (on disk)', { check: atLeast(1) }),
  maxTransferCountOnMessageInDisk: p.int(8, 'messages per pull when the data is old (on disk)', { check: atLeast(1) }),
  accessMessageInMemoryMaxRatio: p.int(40, 'share (%) of RAM counted as "recent" data for the limits above', { check: ratio }),
  maxFilterMessageSize: p.int(16000, 'consume queue bytes examined per pull when filtering by tag', { check: atLeast(20) }),
  travelCqFileNumWhenGetMessage: p.int(1, 'consume queue files examined per pull', { check: atLeast(1) }),
  brokerRole: p.string('ASYNC_MASTER', 'ASYNC_MASTER, SYNC_MASTER or SLAVE (a SLAVE does not correct pull offsets)', { check: oneOf(BROKER_ROLES) }),
  offsetCheckInSlave: p.boolean(false, 'correct out-of-range pull offsets on a slave too'),
  readUnCommitted: p.inertBoolean(false),

  // ---- high availability (Java: MessageStoreConfig ha*; served by lib/ha, wired by the broker) ----
  haListenPort: p.int(0, 'master: TCP port of the HA service slaves connect to; 0 means listenPort + 1 (Java BrokerStartup)', { check: atLeast(0) }),
  haMasterAddress: p.string('', 'slave: host:port of the master\'s HA service (else learnt from the NameServer register answer)'),
  haSendHeartbeatInterval: p.int(5000, 'ms between heartbeats (master: empty frame; slave: offset report) on an idle HA connection', { check: atLeast(1) }),
  haHousekeepingInterval: p.int(20000, 'ms without reading anything after which an HA connection is closed', { check: atLeast(1) }),
  haTransferBatchSize: p.int(32 * 1024, 'bytes: the most commit log data one HA frame carries', { check: atLeast(1) }),
  haMaxGapNotInSync: p.int(256 * 1024 * 1024, 'bytes: a slave further behind than this is not in sync (haStatus inSync)', { check: atLeast(1) }),
  inSyncReplicas: p.int(1, 'SYNC_MASTER: replicas (master included) that must hold a message before it is acknowledged; 1 waits for none (Java 5.x)', { check: atLeast(1) }),
  slaveTimeout: p.int(3000, 'SYNC_MASTER: ms to wait for the slaves\' acks before answering FLUSH_SLAVE_TIMEOUT', { check: atLeast(1) }),

  // ---- timer messages (Java: MessageStoreConfig timer*; served by lib/timer, wired by the broker) ----
  timerWheelEnable: p.boolean(true, 'accept timer messages (TIMER_DELIVER_MS / TIMER_DELAY_SEC / TIMER_DELAY_MS); false refuses them as Java does'),
  timerPrecisionMs: p.int(1000, 'ms per timer wheel slot (rounded down to 100, 200, 500 or 1000 as Java does): a timer is delivered within one slot after its time', { check: atLeast(1) }),
  timerMaxDelaySec: p.int(3600 * 24 * 3, 'seconds: the longest delay a timer message may ask for (longer ones are refused)', { check: atLeast(1) }),
  timerRollWindowSlot: p.int(3600 * 24 * 2, 'slots: timers further away are parked and re-enqueued (rolled) until they fall within this window', { check: atLeast(2) }),
  timerFlushIntervalMs: p.int(1000, 'ms between flushes of timerlog, timerwheel, timercheck and timermetrics', { check: atLeast(1) }),
  mappedFileSizeTimerLog: p.int(100 * 1024 * 1024, 'bytes per timerlog file (must match the files on disk)', { check: atLeast(4096) }),
  timerStopEnqueue: p.boolean(false, 'stop moving timer messages from rmq_sys_wheel_timer into the wheel'),
  timerStopDequeue: p.boolean(false, 'stop delivering due timer messages'),
  timerEnableRetryUntilSuccess: p.boolean(false, 'retry the delivery of a due timer message until it is stored (else 3 attempts)'),
  timerCongestNumEachSlot: p.int(2147483647, 'timers per slot above which new timers for that slot are refused at random (flow control), all at twice it', { check: atLeast(0) }),
  timerSkipUnknownError: p.inertBoolean(false, 'accepted for Java compatibility; Apogee retries a failed timer step and skips a message it cannot read'),
  timerGetMessageThreadNum: p.inertInt(3),
  timerPutMessageThreadNum: p.inertInt(3),
  timerEnableDisruptor: p.inertBoolean(false),
  timerEnableCheckMetrics: p.inertBoolean(true),
  timerInterceptDelayLevel: p.inertBoolean(false),
  timerCheckMetricsWhen: p.inertString('05'),
  timerWarmEnable: p.inertBoolean(false),
  timerMetricSmallThreshold: p.inertInt(1000000),
  timerProgressLogIntervalMs: p.inertInt(10 * 1000),
  timerColdDataCheckIntervalMs: p.inertInt(60 * 1000),
  disappearTimeAfterStart: p.inertInt(-1),

  // ---- Apogee-only bounds ----
  // 16 MiB (was 64): peak RSS under 64 lib/client senders of 1 KiB 204 -> 137 MiB (issue 18); ~16K 1 KiB records, far
  // more than a consumer that keeps up lags by; older pulls read the page cache, as Java's always do.
  commitLogTailCacheBytesMax: p.int(16 * 1024 * 1024, 'Apogee: bytes of recently written commit log kept in memory to serve tail pulls', { check: atLeast(0) }),
  commitLogTailCacheUnreadReleaseMs: p.int(10_000, 'Apogee: the tail cache is released, and writes are not copied into it, after this long without a read of the commit log (0 = never): a broker nobody reads from spends no memory or GC on it', { check: atLeast(0) }),
  commitLogTailCacheIdleReleaseMs: p.int(30_000, 'Apogee: the tail cache is released after this long without a write (0 = never): at rest the memory goes back', { check: atLeast(0) }),
  commitLogWriteBatchBytesMax: p.int(4 * 1024 * 1024, 'Apogee: the most bytes one write(2) of the commit log carries', { check: atLeast(64 * 1024) }),
  commitLogWriteInlineBytesMax: p.int(64 * 1024, 'Apogee: a commit log write of at most this many bytes, with no other write in flight, is done on the event loop thread instead of a thread-pool round trip (0 = always in the thread pool)', { check: atLeast(0) }),
  consumeQueueTailUnitsMax: p.int(1024, 'Apogee: recent consume queue units kept in memory per queue (20 bytes each)', { check: atLeast(0) }),
  consumeQueueReadCacheBytesMax: p.int(16 * 1024 * 1024, 'Apogee: consume queue blocks (64 KiB) read from the files kept in memory, all queues together, so that consumers behind the tail read each block once (0 = none)', { check: atLeast(0) }),
  recoveryReplayLagBytesMax: p.int(64 * 1024 * 1024, 'Apogee: a consume queue whose oldest not yet fsynced unit lies this far behind the dispatched offset is fsynced at the next consume queue flush even below flushConsumeQueueLeastPages, so the crash replay point (checkpoint.apogee) keeps up', { check: atLeast(0) }),
  readCoalesceBytesMax: p.int(1024 * 1024, 'Apogee: a pull from disk reads one span instead of several when it is at most this big', { check: atLeast(0) }),
  putPendingBytesMax: p.int(256 * 1024 * 1024, 'Apogee: bytes accepted but not yet written; puts beyond it answer OS_PAGE_CACHE_BUSY', { check: atLeast(1024 * 1024) }),
  // Under one lib/client sender, 22 of glibc's 27 MiB brk heap were free holes; trimming them costs 0.5-1.2 ms of
  // event loop per call under load (bench/results/2026-12-06-heap-slack.md).
  heapTrimIntervalMs: p.int(5_000, 'Apogee: every this many ms, glibc\'s free heap memory goes back to the OS (malloc_trim) if it keeps at least heapTrimFreeBytesMin (0 = only at rest; needs dist/native/malloc-trim.node)', { check: atLeast(0) }),
  heapTrimFreeBytesMin: p.int(8 * 1024 * 1024, 'Apogee: free bytes inside glibc\'s heap (mallinfo2) above which the periodic malloc_trim runs', { check: atLeast(0) }),

  // ---- accepted for compatibility, no effect ----
  enableConsumeQueueExt: p.inertBoolean(false),
  transientStorePoolEnable: p.inertBoolean(false),
  transientStorePoolSize: p.inertInt(5),
  fastFailIfNoBufferInStorePool: p.inertBoolean(false),
  commitIntervalCommitLog: p.inertInt(200),
  commitCommitLogLeastPages: p.inertInt(4),
  commitCommitLogThoroughInterval: p.inertInt(200),
  useReentrantLockWhenPutMessage: p.inertBoolean(true),
  warmMapedFileEnable: p.inertBoolean(false),
  flushLeastPagesWhenWarmMapedFile: p.inertInt(1024 / 4 * 16),
  maxRecoveryCommitlogFiles: p.inertInt(30),
  duplicationEnable: p.inertBoolean(false),
  diskFallRecorded: p.inertBoolean(true),
  autoMessageVersionOnTopicLen: p.inertBoolean(true),
  enabledAppendPropCRC: p.inertBoolean(false),
  forceVerifyPropCRC: p.inertBoolean(false),
  writeWithoutMmap: p.inertBoolean(false),
  mappedFileSwapEnable: p.inertBoolean(true),
  putConsumeQueueDataByFileChannel: p.inertBoolean(true),
  enableCompaction: p.inertBoolean(true),
  storeType: p.inertString('default'),
} as const;

export type StoreConfig = ConfigOf<typeof storeConfigSchema>;

/** A complete store config with Java's defaults; override fields as needed. */
export function defaultStoreConfig(overrides: Partial<StoreConfig> = {}): StoreConfig {
  return { ...defaults(storeConfigSchema), ...overrides };
}

/** Paths derived from the config (Java: StorePathConfigHelper). */
export interface StorePaths {
  root: string;
  commitLog: string;
  consumeQueue: string;
  index: string;
  checkpoint: string;
  abort: string;
  lock: string;
}

export function storePaths(config: StoreConfig): StorePaths {
  const root = config.storePathRootDir;
  return {
    root,
    commitLog: config.storePathCommitLog !== '' ? config.storePathCommitLog : path.join(root, 'commitlog'),
    consumeQueue: path.join(root, 'consumequeue'),
    index: path.join(root, 'index'),
    checkpoint: path.join(root, 'checkpoint'),
    abort: path.join(root, 'abort'),
    lock: path.join(root, 'lock'),
  };
}

/** Java: UtilAll#isItTimeToDo: true when the current local hour is one of the ";"-separated hours. */
export function isItTimeToDo(when: string, nowMs: number): boolean {
  const hour = new Date(nowMs).getHours();
  return when.split(';').some((w) => Number.parseInt(w.trim(), 10) === hour);
}

/** Java: CleanCommitLogService#getDiskSpaceWarningLevelRatio (clamped to 0.35..0.90). */
export function diskSpaceWarningLevel(config: StoreConfig): number {
  return Math.min(0.9, Math.max(0.35, config.diskSpaceWarningLevelRatio / 100));
}

/** Java: CleanCommitLogService#getDiskSpaceCleanForciblyRatio (clamped to 0.30..0.85). */
export function diskSpaceCleanForciblyLevel(config: StoreConfig): number {
  return Math.min(0.85, Math.max(0.3, config.diskSpaceCleanForciblyRatio / 100));
}
