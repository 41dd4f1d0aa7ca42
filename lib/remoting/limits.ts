import { FRAME_SIZE_MAX_DEFAULT } from '../../protocol/frame';

/**
 * Every limit of the transport, named with its unit last. Defaults mirror Java where Java has one.
 */
export interface ConnectionLimits {
  /** Largest frame accepted, length field included (Java NettyDecoder: 16 MiB). */
  frameSizeMax: number;
  /** Close a connection with neither reads nor writes for this long (Java serverChannelMaxIdleTimeSeconds 120). 0 = never. */
  idleTimeoutMs: number;
  /** Outstanding requests this side may have sent on one connection and not yet had answered. */
  pendingRequestsMax: number;
  /** Requests of one connection being processed at once; reading from the peer pauses above it. */
  inFlightRequestsMax: number;
  /** Bytes queued for writing to one peer above which reading from that peer pauses until the socket drains. */
  writeBufferHighBytes: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  frameSizeMax: FRAME_SIZE_MAX_DEFAULT,
  idleTimeoutMs: 120_000,
  pendingRequestsMax: 65_536,
  inFlightRequestsMax: 1024,
  writeBufferHighBytes: 32 * 1024 * 1024,
};
