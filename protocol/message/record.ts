/**
 * Encode, decode, peek and patch of the stored message record; the byte layout is in layout.ts.
 *
 * Three levels, from safe to fast:
 *  - encodeStoredMessage / decodeStoredMessage: typed values; every length, bound and magic is checked and any
 *    fault is a ProtocolError('MESSAGE').
 *  - scanRecord: validates a record in place (the same checks as decode) and fills a caller-owned RecordScan with
 *    the positions of its variable parts. No allocation: the store's recovery and dispatch path.
 *  - peek / patch: read or write one field of a record that is known to be well-formed (just encoded, or scanned).
 *    No checks and no allocation (plain byte indexing): on a record that is not well-formed, or a buffer that is too
 *    short, a peek returns garbage and a patch writes nothing past the end.
 *    The broker encodes a record once when a send arrives, then patches QUEUEOFFSET, PHYSICALOFFSET and
 *    STORETIMESTAMP when it appends (Java: CommitLog$DefaultAppendMessageCallback#doAppend).
 *
 * FILES. record-decode.ts (decoded types, scanRecord, decode), record-encode.ts (encode), record-blank.ts (the
 * blank end-of-file record), record-peek.ts (peek and patch). This file only re-exports them.
 */

export { newRecordScan, scanRecord, decodeStoredMessage, decodeStoredMessages } from './record-decode';
export type { StoredMessage, DecodedRecord, DecodeRecordOptions, RecordScan } from './record-decode';
export { storedMessageSizeOf, encodeStoredMessageInto, encodeStoredMessage } from './record-encode';
export type { StoredMessageInit } from './record-encode';
export { isBlankRecord, writeBlankRecord, encodeBlankRecord, readBlankRecord } from './record-blank';
export {
  peekTotalSize,
  peekMagicCode,
  peekBodyCrc,
  peekQueueId,
  peekFlag,
  peekQueueOffset,
  peekPhysicalOffset,
  peekSysFlag,
  peekBornTimestamp,
  peekStoreTimestamp,
  peekStoreHostPos,
  peekReconsumeTimes,
  peekPreparedTransactionOffset,
  peekBodyLength,
  peekBodyPos,
  peekTopicLength,
  peekTopicPos,
  peekTopic,
  peekPropertiesLength,
  peekPropertiesPos,
  patchQueueOffset,
  patchPhysicalOffset,
  patchStoreTimestamp,
  patchBodyCrc,
  computeRecordBodyCrc,
} from './record-peek';
