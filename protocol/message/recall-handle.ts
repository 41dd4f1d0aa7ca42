/**
 * Recall handle of a timer/delay message (Java: common/.../producer/RecallMessageHandle, HandleV1): the URL-safe
 * base64 (with padding) of "v1 <topic> <brokerName> <timestampStr> <messageId>", one space between fields. The
 * broker hands it out in the send response (recallHandle) and RECALL_MESSAGE (370) takes it back.
 *
 * Decoding follows Java decodeHandle: empty, not URL-safe base64, fewer than 5 fields or a version other than v1
 * is refused with Java's message "recall handle is invalid"; extra fields are ignored, as Java's split does.
 */
export interface RecallHandle {
  topic: string;
  brokerName: string;
  /** Java keeps it a string; the broker parses it (NumberUtils.toLong, -1 when unparsable). */
  timestampStr: string;
  /** The message's unique key (UNIQ_KEY), the id the client knows. */
  messageId: string;
}

export const RECALL_HANDLE_INVALID = 'recall handle is invalid';

const VERSION_1 = 'v1';

/** Java HandleV1.buildHandle: no check of the fields. */
export function encodeRecallHandle(h: RecallHandle): string {
  const raw = [VERSION_1, h.topic, h.brokerName, h.timestampStr, h.messageId].join(' ');
  return Buffer.from(raw, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** Java Base64.getUrlDecoder(): the URL-safe alphabet, optional padding, no stray characters. */
const URL_BASE64 = /^[A-Za-z0-9_-]*(={0,2})$/;

export function decodeRecallHandle(handle: string): { ok: true; value: RecallHandle } | { ok: false; error: string } {
  const m = URL_BASE64.exec(handle);
  const unpadded = m === null ? 0 : handle.length - m[1]!.length;
  // Java's decoder refuses a dangling 6-bit group (length % 4 == 1) and padding that does not complete a quantum.
  if (handle === '' || m === null || unpadded % 4 === 1 || (m[1]!.length > 0 && handle.length % 4 !== 0)) return { ok: false, error: RECALL_HANDLE_INVALID };
  const raw = Buffer.from(handle, 'base64url').toString('utf8');
  // Java String.split(" "): trailing empty fields dropped.
  const items = raw.split(' ');
  while (items.length > 0 && items[items.length - 1] === '') items.pop();
  if (items[0] !== VERSION_1 || items.length < 5) return { ok: false, error: RECALL_HANDLE_INVALID };
  return { ok: true, value: { topic: items[1]!, brokerName: items[2]!, timestampStr: items[3]!, messageId: items[4]! } };
}
