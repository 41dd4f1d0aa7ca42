/**
 * Typed protocol errors. Every malformed, truncated or oversized input is reported with one of these kinds so
 * that the transport can close exactly the offending connection and log a line that names the problem.
 */
export type ProtocolErrorKind =
  | 'FRAME_TOO_LARGE' // a frame's declared length exceeds frameSizeMax
  | 'FRAME_TOO_SMALL' // a frame shorter than its 4-byte header-length word
  | 'HEADER_LENGTH' // header length word points past the end of the frame
  | 'HEADER_TOO_LARGE' // header longer than headerBytesMax, or more extFields than headerFieldsMax
  | 'SERIALIZE_TYPE' // unknown serialize type byte (neither JSON nor ROCKETMQ)
  | 'JSON_HEADER' // JSON header that does not parse or has the wrong shape
  | 'BINARY_HEADER' // ROCKETMQ header that is truncated or inconsistent
  | 'TRUNCATED' // a read past the end of a buffer
  | 'BAD_VALUE' // a value that does not fit its field (e.g. a string where a number is required)
  | 'MESSAGE' // a message record or batch body that is malformed
  | 'BODY_JSON'; // a JSON body that does not parse

export class ProtocolError extends Error {
  readonly kind: ProtocolErrorKind;
  constructor(kind: ProtocolErrorKind, message: string) {
    super(message);
    this.name = 'ProtocolError';
    this.kind = kind;
  }
}

export function isProtocolError(e: unknown): e is ProtocolError {
  return e instanceof ProtocolError;
}
