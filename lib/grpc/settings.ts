import { toDuration, type PbDuration } from './convert';

/**
 * The Settings a client gets back on its Telemetry stream (Java: proxy/.../grpc/v2/common/GrpcClientSettingsManager
 * #mergeProducerData / #mergeSubscriptionData, ClientActivity#processClientSettings). The client sends its own
 * settings first; the server answers with them merged with what the server decides:
 *   producer         publishing.max_body_size (broker maxMessageSize), validate_message_type (false: Apogee topics
 *                    accept every message type), backoff as the client asked
 *   simple consumer  subscription.fifo (the group's consumeMessageOrderly), receive_batch_size, long_polling_timeout,
 *                    backoff = the group's retry policy: retryMaxTimes + 1 attempts over Java's default
 *                    CustomizedRetryPolicy (the delay levels 1s..2h)
 */
export interface ServerSettings {
  maxBodySizeBytes: number;
  receiveBatchSize: number;
  longPollingTimeoutMs: number;
  /** SubscriptionGroupConfig.retryMaxTimes when the group's config cannot be read (Java: 16). */
  retryMaxTimes: number;
}

export const DEFAULT_SERVER_SETTINGS: ServerSettings = { maxBodySizeBytes: 4 * 1024 * 1024, receiveBatchSize: 32, longPollingTimeoutMs: 20_000, retryMaxTimes: 16 };

/** Java CustomizedRetryPolicy's default `next`: the broker's messageDelayLevel, in ms. */
export const CUSTOMIZED_BACKOFF_MS: readonly number[] = [
  1_000, 5_000, 10_000, 30_000, 60_000, 120_000, 180_000, 240_000, 300_000, 360_000, 420_000, 480_000, 540_000, 600_000, 1_200_000, 1_800_000, 3_600_000, 7_200_000,
];

export interface ClientSettings {
  clientType?: string;
  accessPoint?: unknown;
  backoffPolicy?: unknown;
  requestTimeout?: PbDuration;
  publishing?: { topics: unknown[]; maxBodySize?: number; validateMessageType?: boolean };
  subscription?: { group?: { name: string }; subscriptions: unknown[]; fifo?: boolean };
  userAgent?: unknown;
  metric?: unknown;
  pubSub?: string;
}

/** `retryMaxTimes`: the consumer group's (SubscriptionGroupConfig), else the server default. */
export function mergeSettings(c: ClientSettings, s: ServerSettings, fifo: boolean, retryMaxTimes = s.retryMaxTimes): ClientSettings {
  const out: ClientSettings = { ...c, metric: { on: false } };
  if (c.publishing !== undefined && c.publishing !== null) {
    out.publishing = { ...c.publishing, maxBodySize: s.maxBodySizeBytes, validateMessageType: false };
  }
  if (c.subscription !== undefined && c.subscription !== null) {
    out.subscription = { ...c.subscription, fifo, receiveBatchSize: s.receiveBatchSize, longPollingTimeout: toDuration(s.longPollingTimeoutMs) } as ClientSettings['subscription'];
    out.backoffPolicy = { maxAttempts: retryMaxTimes + 1, customizedBackoff: { next: CUSTOMIZED_BACKOFF_MS.map(toDuration) } };
  }
  return out;
}
