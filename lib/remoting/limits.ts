import { DEFAULT_HEADER_LIMITS } from '../../protocol/command';
import { FRAME_SIZE_MAX_DEFAULT } from '../../protocol/frame';

/**
 * Every limit of the transport, named with its unit last. Defaults mirror Java where Java has one.
 */
export interface ConnectionLimits {
  /** Largest frame accepted, length field included (Java NettyDecoder: 16 MiB). */
  frameSizeMax: number;
  /** Largest request/response header accepted (Java has no bound but the frame's); checked before parsing. */
  headerBytesMax: number;
  /** Most extFields entries in one header (Java has none); a frame with more closes the connection. */
  headerFieldsMax: number;
  /** Close a connection with neither reads nor writes for this long (Java serverChannelMaxIdleTimeSeconds 120). 0 = never. */
  idleTimeoutMs: number;
  /** Outstanding requests this side may have sent on one connection and not yet had answered. */
  pendingRequestsMax: number;
  /** Requests of one connection being processed at once; reading from the peer pauses above it. */
  inFlightRequestsMax: number;
  /**
   * Bytes queued for writing to one peer above which reading from that peer pauses until the socket drains. Java
   * 5.5.0 does the same with Netty's default high water mark, 64 KiB (NettyRemotingServer.NettyServerHandler
   * #channelWritabilityChanged turns autoRead off; NettySystemConfig writeBufferHighWaterMark 0 = Netty's default).
   */
  writeBufferHighBytes: number;
  /**
   * Bytes one connection may hold (unsent responses + buffered request bytes) before it is closed with a log
   * line naming it: its share of the process-wide budget. Must exceed frameSizeMax (one whole frame may be held).
   */
  connectionBufferedBytesMax: number;
  /**
   * The requests of one read are processed in this many parts, one per event-loop turn (each of at least
   * READ_BURST_PART_FRAMES_MIN frames, flow-control.ts), so the first part's answers are written while the rest are
   * processed. 1 = every frame of a read in the same turn. Servers take readBurstParts from the config schemas
   * (lib/common/netty-config.ts, default 2); clients keep 1.
   */
  readBurstParts: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  frameSizeMax: FRAME_SIZE_MAX_DEFAULT,
  headerBytesMax: DEFAULT_HEADER_LIMITS.headerBytesMax,
  headerFieldsMax: DEFAULT_HEADER_LIMITS.headerFieldsMax,
  idleTimeoutMs: 120_000,
  pendingRequestsMax: 65_536,
  inFlightRequestsMax: 1024,
  writeBufferHighBytes: 64 * 1024,
  connectionBufferedBytesMax: 64 * 1024 * 1024,
  readBurstParts: 1,
};

/** Process-wide default of MemoryBudget#bufferedBytesMax (remotingBufferedBytesMax in the config schemas). */
export const REMOTING_BUFFERED_BYTES_MAX_DEFAULT = 512 * 1024 * 1024;

/**
 * Connections accepted at once by a server (connectionsMax in the config schemas). Java has no such cap; this one is a
 * safety bound well above a large deployment's client count (10,000 idle clients leave room for new ones, issue 14),
 * and in practice the process's open-file limit (ulimit -n) binds first.
 */
export const CONNECTIONS_MAX_DEFAULT = 50_000;

/**
 * Connections beyond connectionsMax that are kept open just long enough to read one request and answer it with
 * SYSTEM_BUSY; beyond this many at once, further ones are closed at once.
 */
export const REFUSED_CONNECTIONS_ANSWERED_MAX = 64;
/** How long a refused connection may take to send its first request before it is closed without an answer. */
export const REFUSED_CONNECTION_WAIT_MS = 3000;
/** At most one "connectionsMax reached" log line per this many ms (with the count refused meanwhile). */
export const REFUSED_LOG_INTERVAL_MS = 10_000;
