/**
 * How long a ReceiveMessage may long-poll the broker (Java: proxy/.../grpc/v2/consumer/ReceiveMessageActivity
 * #receiveMessage with ProxyConfig.grpcClientConsumerMin/MaxLongPollingTimeoutMillis). Pure; service.ts calls it.
 *   the request's long_polling_timeout if it has one, else the time left before the client's deadline minus half the
 *   client's request timeout (its Settings.request_timeout); then clamped to [min, max]; and when that exceeds the time
 *   left: the time left. Java refuses with ILLEGAL_POLLING_TIME when under the minimum is left; Apogee polls for what
 *   is left instead (never negative), as it did before, so a client with a short deadline still gets an answer.
 * "Time left" is measured to the deadline less the reserve the answer needs to travel back (longPollingReserveMs).
 */

/** Shortest POP long poll, ms (Java ProxyConfig.grpcClientConsumerMinLongPollingTimeoutMillis). */
export const RECEIVE_POLL_MIN_MS = 5_000;
/** Longest POP long poll, ms (Java ProxyConfig.grpcClientConsumerMaxLongPollingTimeoutMillis). */
export const RECEIVE_POLL_MAX_MS = 20_000;

/**
 * `requestedMs`: the request's long_polling_timeout (undefined when absent); `remainingMs`: time left before the
 * client's deadline (reserve already taken off); `clientRequestTimeoutMs`: the client's Settings.request_timeout.
 */
export function receivePollingMs(requestedMs: number | undefined, remainingMs: number, clientRequestTimeoutMs: number): number {
  let pollMs = requestedMs ?? remainingMs - Math.floor(clientRequestTimeoutMs / 2);
  if (pollMs < RECEIVE_POLL_MIN_MS) pollMs = RECEIVE_POLL_MIN_MS;
  if (pollMs > RECEIVE_POLL_MAX_MS) pollMs = RECEIVE_POLL_MAX_MS;
  return Math.max(0, Math.min(pollMs, remainingMs));
}
