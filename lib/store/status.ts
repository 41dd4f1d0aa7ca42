/**
 * Result codes, named as Java's enums so that the broker maps them to response codes the way Java's processors do
 * (Java: PutMessageStatus, GetMessageStatus, BoundaryType).
 */

/** Java: store/PutMessageStatus.java (the values this store produces are marked). */
export const PutMessageStatus = {
  /** Appended (and, for SYNC_FLUSH, fsynced). */
  PUT_OK: 'PUT_OK',
  /** SYNC_FLUSH: appended, but not fsynced within syncFlushTimeout (or the fsync failed). */
  FLUSH_DISK_TIMEOUT: 'FLUSH_DISK_TIMEOUT',
  FLUSH_SLAVE_TIMEOUT: 'FLUSH_SLAVE_TIMEOUT',
  SLAVE_NOT_AVAILABLE: 'SLAVE_NOT_AVAILABLE',
  /** The store is not writable: shut down, disk full (ENOSPC or above diskSpaceWarningLevelRatio), or an fsync failed. */
  SERVICE_NOT_AVAILABLE: 'SERVICE_NOT_AVAILABLE',
  /** A commit log file could not be created. */
  CREATE_MAPPED_FILE_FAILED: 'CREATE_MAPPED_FILE_FAILED',
  /** The record is malformed, too large, or its BODYCRC is wrong. */
  MESSAGE_ILLEGAL: 'MESSAGE_ILLEGAL',
  PROPERTIES_SIZE_EXCEEDED: 'PROPERTIES_SIZE_EXCEEDED',
  /** Too many bytes accepted and not yet written (putPendingBytesMax): back off. */
  OS_PAGE_CACHE_BUSY: 'OS_PAGE_CACHE_BUSY',
  /** A write failed for another reason (EIO, ...). */
  UNKNOWN_ERROR: 'UNKNOWN_ERROR',
} as const;
export type PutMessageStatus = (typeof PutMessageStatus)[keyof typeof PutMessageStatus];

/** Java: store/GetMessageStatus.java. */
export const GetMessageStatus = {
  FOUND: 'FOUND',
  NO_MATCHED_MESSAGE: 'NO_MATCHED_MESSAGE',
  MESSAGE_WAS_REMOVING: 'MESSAGE_WAS_REMOVING',
  OFFSET_FOUND_NULL: 'OFFSET_FOUND_NULL',
  OFFSET_OVERFLOW_BADLY: 'OFFSET_OVERFLOW_BADLY',
  OFFSET_OVERFLOW_ONE: 'OFFSET_OVERFLOW_ONE',
  OFFSET_TOO_SMALL: 'OFFSET_TOO_SMALL',
  NO_MATCHED_LOGIC_QUEUE: 'NO_MATCHED_LOGIC_QUEUE',
  NO_MESSAGE_IN_QUEUE: 'NO_MESSAGE_IN_QUEUE',
  OFFSET_RESET: 'OFFSET_RESET',
} as const;
export type GetMessageStatus = (typeof GetMessageStatus)[keyof typeof GetMessageStatus];

/** Java: common/BoundaryType.java: which offset a timestamp search returns when several messages share a time. */
export type BoundaryType = 'LOWER' | 'UPPER';

/** A store that cannot open: the files on disk are not usable (Java refuses to start in these cases too). */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}
