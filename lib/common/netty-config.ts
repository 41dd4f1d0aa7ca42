import * as os from 'node:os';
import { p } from './config';

/**
 * Java's NettyServerConfig / NettyClientConfig tuning keys (thread pools, buffers, epoll, ...): a namesrv.conf or
 * broker.conf may carry them; Node has no equivalent, so they are accepted without effect and listed at start.
 * Java: remoting/.../netty/NettyServerConfig.java, NettyClientConfig.java.
 */
export const NettyInertSchema = {
  serverWorkerThreads: p.inertInt(8),
  serverCallbackExecutorThreads: p.inertInt(0),
  serverSelectorThreads: p.inertInt(3),
  serverOnewaySemaphoreValue: p.inertInt(256),
  serverAsyncSemaphoreValue: p.inertInt(64),
  serverSocketSndBufSize: p.inertInt(0),
  serverSocketRcvBufSize: p.inertInt(0),
  writeBufferHighWaterMark: p.inertInt(0),
  writeBufferLowWaterMark: p.inertInt(0),
  serverSocketBacklog: p.inertInt(1024),
  serverNettyWorkerGroupEnable: p.inertBoolean(true),
  serverPooledByteBufAllocatorEnable: p.inertBoolean(true),
  enableShutdownGracefully: p.inertBoolean(false),
  shutdownWaitTimeSeconds: p.inertInt(30),
  useEpollNativeSelector: p.inertBoolean(false),
  clientWorkerThreads: p.inertInt(4),
  // Java NettySystemConfig: Runtime#availableProcessors; mqadmin exportMetrics reports it as the broker's cpuNum.
  clientCallbackExecutorThreads: p.inertInt(os.availableParallelism()),
  clientOnewaySemaphoreValue: p.inertInt(65535),
  clientAsyncSemaphoreValue: p.inertInt(65535),
  connectTimeoutMillis: p.inertInt(3000),
  channelNotActiveInterval: p.inertLong(60000),
  clientChannelMaxIdleTimeSeconds: p.inertInt(120),
  clientSocketSndBufSize: p.inertInt(0),
  clientSocketRcvBufSize: p.inertInt(0),
  clientPooledByteBufAllocatorEnable: p.inertBoolean(false),
  clientCloseSocketIfTimeout: p.inertBoolean(true),
  useTLS: p.inertBoolean(false),
  disableCallbackExecutor: p.inertBoolean(false),
  disableNettyWorkerGroup: p.inertBoolean(false),
} as const;

/**
 * Apogee's transport limits, the same keys for namesrv.conf and broker.conf (Java has no equivalent; Java ignores
 * unknown keys, so files carrying them still load in Java). Defaults: lib/remoting/limits.ts.
 */
export const RemotingLimitsSchema = {
  connectionsMax: p.int(50_000, 'Apogee: client connections served at once (Java has no cap; the open-file limit usually binds first); a further one gets SYSTEM_BUSY naming this setting, then is closed', {
    check: (v) => (v >= 1 ? undefined : 'expected >= 1'),
  }),
  remotingBufferedBytesMax: p.long(512 * 1024 * 1024, 'Apogee: bytes of unsent responses and unprocessed requests held for all connections of the process; above it reading stops on the connections holding the most', {
    check: (v) => (v >= 1024 * 1024 ? undefined : 'expected >= 1048576'),
  }),
  connectionBufferedBytesMax: p.long(64 * 1024 * 1024, 'Apogee: bytes one connection may hold (unsent responses, unprocessed requests) before it is closed with a log line naming it', {
    check: (v) => (v > 32 * 1024 * 1024 ? undefined : 'expected > 33554432 (32 MiB: twice the largest frame, 16 MiB)'),
  }),
  // Measured (bench/results/2026-12-05-read-burst-parts-ab.md, Apogee alone, alternated): lib/client sync send with 16
  // callers on one connection +36%, 64 callers +44%, with lower p99; the official tools' rows within run-to-run noise.
  readBurstParts: p.int(2, 'Apogee: the requests of one read from a connection are processed in this many parts, one per event-loop turn (at least 8 requests each), so the first answers leave while the rest are processed; 1 = all in one turn', {
    check: (v) => (v >= 1 && v <= 64 ? undefined : 'expected 1..64'),
  }),
} as const;
