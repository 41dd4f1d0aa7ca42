/**
 * lib/store: a durable message store in Apache RocketMQ 5.x's on-disk format (commit log, consume queues, index,
 * checkpoint, abort file), so that a Java broker's storePathRootDir can be served by Apogee and back.
 * Knows nothing of the network. See README.md.
 */
export { MessageStore, isSystemTopic } from './message-store';
export type {
  MessageStoreDeps,
  PutOptions,
  PutMessageResult,
  MessageFilter,
  GetMessageResult,
  QueryMessageResult,
  MessageArrival,
  MessageArrivingListener,
  StoreRuntimeStats,
} from './types';
export { PutMessageStatus, GetMessageStatus, StoreError } from './status';
export type { BoundaryType } from './status';
export { storeConfigSchema, defaultStoreConfig, storePaths, isItTimeToDo } from './config';
export type { StoreConfig, StorePaths } from './config';
export { NodeStoreIO, diskUsedRatio } from './io';
export { offset2FileName } from './mapped-file';
export { loadNonZeroPages } from './sparse-load';
export type { StoreIO, FileHandle, FileStat, DirEntry, DiskSpace } from './io';
export { tagsCodeFilter, allMessagesFilter } from './filter';
export { MAX_PULL_MSG_SIZE } from './reads';
export type { ReplicaAppendResult, ReplicaWait } from './replica';
export { LatencyStats, PUT_TIME_DISTRIBUTION_LABELS, PERCENTILE_BUCKETS_MS, LATENCY_ROLL_INTERVAL_MS } from './latency-stats';
