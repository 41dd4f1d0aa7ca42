/**
 * The stored message record: one commit log entry, and also each element of a PULL_MESSAGE, QUERY_MESSAGE,
 * VIEW_MESSAGE_BY_ID (and CHECK_TRANSACTION_STATE / CONSUME_MESSAGE_DIRECTLY) body.
 * Java: MessageDecoder#decode, MessageExtEncoder#encode / #calMsgLength, CommitLog$DefaultAppendMessageCallback#doAppend.
 *
 *  offset        size  field
 *  ------------  ----  ---------------------------------------------------------------------------------------
 *   0            4     TOTALSIZE                   int32, the whole record INCLUDING this field
 *   4            4     MAGICCODE                   0xDAA320A7 = V1 (1-byte topic length), 0xDAA320AB = V2 (int16)
 *   8            4     BODYCRC                     crc32(body as stored) & 0x7fffffff
 *  12            4     QUEUEID
 *  16            4     FLAG                        user flag from the send header
 *  20            8     QUEUEOFFSET                 consume-queue offset; patched on append (0 for PREPARED/ROLLBACK)
 *  28            8     PHYSICALOFFSET              commit log offset of TOTALSIZE; patched on append
 *  36            4     SYSFLAG                     MessageSysFlag bits; 0x10/0x20 choose the host sizes B and S
 *  40            8     BORNTIMESTAMP               ms
 *  48            B     BORNHOST                    ip (4 | 16 bytes) + port int32: B = 8, or 20 when SYSFLAG & 0x10
 *  48+B          8     STORETIMESTAMP              ms; patched on append
 *  56+B          S     STOREHOST                   ip (4 | 16 bytes) + port int32: S = 8, or 20 when SYSFLAG & 0x20
 *  56+B+S        4     RECONSUMETIMES
 *  60+B+S        8     PREPAREDTRANSACTIONOFFSET   half message's commit log offset for a committed transaction
 *  68+B+S        4     BODYLENGTH (N)
 *  72+B+S        N     BODY                        as sent (compressed when SYSFLAG & 0x1)
 *  72+B+S+N      L     TOPICLENGTH (T)             L = 1: signed int8 (V1), L = 2: int16 (V2)
 *  72+B+S+N+L    T     TOPIC                       UTF-8
 *  72+B+S+N+L+T  2     PROPERTIESLENGTH (P)        int16, P <= 32767
 *  74+B+S+N+L+T  P     PROPERTIES                  name \u0001 value \u0002 ... (see properties.ts)
 *
 *  TOTALSIZE = 74 + B + S + L + N + T + P   (V1 with IPv4 hosts: 91 + N + T + P)
 *
 * Blank (end-of-file) record, written when a message does not fit in the rest of a commit log file
 * (Java: CommitLog#doAppend, END_FILE_MIN_BLANK_LENGTH):
 *
 *   0  4  TOTALSIZE  the number of bytes left in the file (the reader skips to the next file)
 *   4  4  MAGICCODE  0xCBD43194
 */

// ---- magic codes (Java: MessageDecoder.MESSAGE_MAGIC_CODE, MESSAGE_MAGIC_CODE_V2, BLANK_MAGIC_CODE) ----
/** 0xDAA320A7: V1 record, 1-byte topic length. */
export const MAGIC_CODE_V1 = 0xdaa320a7 | 0; // -626843481
/** 0xDAA320AB: V2 record, 2-byte topic length (5.x, topics longer than 127). */
export const MAGIC_CODE_V2 = 0xdaa320ab | 0; // -626843477
/** 0xCBD43194: blank record marking the unused end of a commit log file. */
export const BLANK_MAGIC_CODE = 0xcbd43194 | 0; // -875286124

/** 1 = V1 (1-byte topic length), 2 = V2 (2-byte topic length). Java: MessageVersion. */
export type MessageVersion = 1 | 2;

// ---- field sizes ----
export const MSG_TOTAL_SIZE_SIZE = 4;
export const MSG_MAGIC_CODE_SIZE = 4;
export const MSG_BODY_CRC_SIZE = 4;
export const MSG_QUEUE_ID_SIZE = 4;
export const MSG_FLAG_SIZE = 4;
export const MSG_QUEUE_OFFSET_SIZE = 8;
export const MSG_PHYSICAL_OFFSET_SIZE = 8;
export const MSG_SYS_FLAG_SIZE = 4;
export const MSG_BORN_TIMESTAMP_SIZE = 8;
export const MSG_STORE_TIMESTAMP_SIZE = 8;
export const MSG_RECONSUME_TIMES_SIZE = 4;
export const MSG_PREPARED_TRANSACTION_OFFSET_SIZE = 8;
export const MSG_BODY_LENGTH_SIZE = 4;
export const MSG_PROPERTIES_LENGTH_SIZE = 2;
export const IPV4_SIZE = 4;
export const IPV6_SIZE = 16;
export const PORT_SIZE = 4;
/** IPv4 address + port. */
export const HOST_V4_SIZE = IPV4_SIZE + PORT_SIZE;
/** IPv6 address + port. */
export const HOST_V6_SIZE = IPV6_SIZE + PORT_SIZE;
/** The smallest record Java writes at the end of a file: TOTALSIZE + MAGICCODE (Java: END_FILE_MIN_BLANK_LENGTH). */
export const BLANK_RECORD_SIZE = MSG_TOTAL_SIZE_SIZE + MSG_MAGIC_CODE_SIZE;

// ---- fixed offsets (the same for every record) ----
export const MSG_TOTAL_SIZE_OFFSET = 0;
/** Java: MessageDecoder.MESSAGE_MAGIC_CODE_POSITION */
export const MSG_MAGIC_CODE_OFFSET = 4;
export const MSG_BODY_CRC_OFFSET = 8;
export const MSG_QUEUE_ID_OFFSET = 12;
/** Java: MessageDecoder.MESSAGE_FLAG_POSITION */
export const MSG_FLAG_OFFSET = 16;
/** Java: MessageDecoder.QUEUE_OFFSET_POSITION */
export const MSG_QUEUE_OFFSET_OFFSET = 20;
/** Java: MessageDecoder.PHY_POS_POSITION / MESSAGE_PHYSIC_OFFSET_POSITION */
export const MSG_PHYSICAL_OFFSET_OFFSET = 28;
/** Java: MessageDecoder.SYSFLAG_POSITION */
export const MSG_SYS_FLAG_OFFSET = 36;
export const MSG_BORN_TIMESTAMP_OFFSET = 40;
export const MSG_BORN_HOST_OFFSET = 48;
/** STORETIMESTAMP when the born host is IPv4 (Java: MESSAGE_STORE_TIMESTAMP_POSITION); else storeTimestampOffset(). */
export const MSG_STORE_TIMESTAMP_OFFSET_V4 = MSG_BORN_HOST_OFFSET + HOST_V4_SIZE;

/**
 * Bytes of a record that do not depend on the host kinds, version or variable parts: every fixed-width field
 * plus the body and properties length words (the hosts, topic length word, body, topic and properties excluded).
 */
export const MSG_FIXED_SIZE =
  MSG_TOTAL_SIZE_SIZE +
  MSG_MAGIC_CODE_SIZE +
  MSG_BODY_CRC_SIZE +
  MSG_QUEUE_ID_SIZE +
  MSG_FLAG_SIZE +
  MSG_QUEUE_OFFSET_SIZE +
  MSG_PHYSICAL_OFFSET_SIZE +
  MSG_SYS_FLAG_SIZE +
  MSG_BORN_TIMESTAMP_SIZE +
  MSG_STORE_TIMESTAMP_SIZE +
  MSG_RECONSUME_TIMES_SIZE +
  MSG_PREPARED_TRANSACTION_OFFSET_SIZE +
  MSG_BODY_LENGTH_SIZE +
  MSG_PROPERTIES_LENGTH_SIZE; // = 74

/** The smallest possible record: V1, IPv4 hosts, empty body, topic and properties (91 bytes). */
export const MSG_SIZE_MIN = MSG_FIXED_SIZE + HOST_V4_SIZE + HOST_V4_SIZE + 1;

/** Properties are prefixed by an int16: at most 32767 UTF-8 bytes (Java: PROPERTIES_SIZE_EXCEEDED). */
export const PROPERTIES_BYTES_MAX = 0x7fff;
/** A V1 topic length is a signed byte: at most 127 UTF-8 bytes. */
export const TOPIC_BYTES_MAX_V1 = 0x7f;
/** A V2 topic length is a signed int16: at most 32767 UTF-8 bytes. */
export const TOPIC_BYTES_MAX_V2 = 0x7fff;

// ---- MessageSysFlag (Java: common/sysflag/MessageSysFlag.java) ----
export const MessageSysFlag = {
  COMPRESSED_FLAG: 0x1,
  MULTI_TAGS_FLAG: 0x1 << 1,
  TRANSACTION_NOT_TYPE: 0,
  TRANSACTION_PREPARED_TYPE: 0x1 << 2,
  TRANSACTION_COMMIT_TYPE: 0x2 << 2,
  TRANSACTION_ROLLBACK_TYPE: 0x3 << 2,
  BORNHOST_V6_FLAG: 0x1 << 4,
  STOREHOSTADDRESS_V6_FLAG: 0x1 << 5,
  /** 5.x: mark a batch for the batch consume queue (inner batch). */
  NEED_UNWRAP_FLAG: 0x1 << 6,
  INNER_BATCH_FLAG: 0x1 << 7,
  COMPRESSION_LZ4_TYPE: 0x1 << 8,
  COMPRESSION_ZSTD_TYPE: 0x2 << 8,
  COMPRESSION_ZLIB_TYPE: 0x3 << 8,
  COMPRESSION_TYPE_COMPARATOR: 0x7 << 8,
} as const;

/** Both host-kind bits; they fix the layout and are derived from the address sizes when encoding. */
export const HOST_V6_FLAGS = MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG;

/** The transaction type bits (Java: MessageSysFlag#getTransactionValue). */
export function transactionValue(sysFlag: number): number {
  return sysFlag & MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
}

/** Java: MessageSysFlag#resetTransactionValue. */
export function resetTransactionValue(sysFlag: number, type: number): number {
  return (sysFlag & ~MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) | type;
}

/**
 * The QUEUEOFFSET a record gets on append: 0 for PREPARED and ROLLBACK records, which never enter a consume queue
 * (Java: CommitLog$DefaultAppendMessageCallback#doAppend).
 */
export function storedQueueOffset(sysFlag: number, queueOffset: number): number {
  const t = sysFlag & MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
  return t === MessageSysFlag.TRANSACTION_PREPARED_TYPE || t === MessageSysFlag.TRANSACTION_ROLLBACK_TYPE ? 0 : queueOffset;
}

/** Java: MessageSysFlag#clearCompressedFlag. */
export function clearCompressedFlag(sysFlag: number): number {
  return sysFlag & ~MessageSysFlag.COMPRESSED_FLAG;
}

export type CompressionType = 'LZ4' | 'ZSTD' | 'ZLIB';

/**
 * The compression algorithm bits 8..10 name (Java: MessageSysFlag#getCompressionType, CompressionType#findByValue):
 * 0 (legacy, 4.9.x and Go producers) and 3 are zlib, 1 LZ4, 2 ZSTD; 4..7 are unknown (Java throws) -> undefined.
 */
export function compressionTypeOf(sysFlag: number): CompressionType | undefined {
  switch ((sysFlag & MessageSysFlag.COMPRESSION_TYPE_COMPARATOR) >> 8) {
    case 0:
    case 3:
      return 'ZLIB';
    case 1:
      return 'LZ4';
    case 2:
      return 'ZSTD';
    default:
      return undefined;
  }
}

// ---- PullSysFlag (Java: common/sysflag/PullSysFlag.java) ----
export const PullSysFlag = {
  FLAG_COMMIT_OFFSET: 0x1,
  FLAG_SUSPEND: 0x1 << 1,
  FLAG_SUBSCRIPTION: 0x1 << 2,
  FLAG_CLASS_FILTER: 0x1 << 3,
  FLAG_LITE_PULL_MESSAGE: 0x1 << 4,
} as const;

/** Java: PullSysFlag#buildSysFlag (five-argument form). */
export function buildPullSysFlag(
  commitOffset: boolean,
  suspend: boolean,
  subscription: boolean,
  classFilter: boolean,
  litePull = false,
): number {
  return (
    (commitOffset ? PullSysFlag.FLAG_COMMIT_OFFSET : 0) |
    (suspend ? PullSysFlag.FLAG_SUSPEND : 0) |
    (subscription ? PullSysFlag.FLAG_SUBSCRIPTION : 0) |
    (classFilter ? PullSysFlag.FLAG_CLASS_FILTER : 0) |
    (litePull ? PullSysFlag.FLAG_LITE_PULL_MESSAGE : 0)
  );
}

export function hasPullFlag(sysFlag: number, flag: number): boolean {
  return (sysFlag & flag) === flag;
}

// ---- offsets that depend on SYSFLAG ----

/** Size of BORNHOST: 8, or 20 for IPv6 (SYSFLAG & 0x10). */
export function bornHostSize(sysFlag: number): number {
  return (sysFlag & MessageSysFlag.BORNHOST_V6_FLAG) === 0 ? HOST_V4_SIZE : HOST_V6_SIZE;
}

/** Size of STOREHOST: 8, or 20 for IPv6 (SYSFLAG & 0x20). */
export function storeHostSize(sysFlag: number): number {
  return (sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG) === 0 ? HOST_V4_SIZE : HOST_V6_SIZE;
}

export function storeTimestampOffset(sysFlag: number): number {
  return MSG_BORN_HOST_OFFSET + bornHostSize(sysFlag);
}

export function storeHostOffset(sysFlag: number): number {
  return storeTimestampOffset(sysFlag) + MSG_STORE_TIMESTAMP_SIZE;
}

export function reconsumeTimesOffset(sysFlag: number): number {
  return storeHostOffset(sysFlag) + storeHostSize(sysFlag);
}

export function preparedTransactionOffsetOffset(sysFlag: number): number {
  return reconsumeTimesOffset(sysFlag) + MSG_RECONSUME_TIMES_SIZE;
}

/** Offset of BODYLENGTH; the body starts 4 bytes later. */
export function bodyLengthOffset(sysFlag: number): number {
  return preparedTransactionOffsetOffset(sysFlag) + MSG_PREPARED_TRANSACTION_OFFSET_SIZE;
}

export function bodyOffset(sysFlag: number): number {
  return bodyLengthOffset(sysFlag) + MSG_BODY_LENGTH_SIZE;
}

/** Width of TOPICLENGTH: 1 for V1, 2 for V2 (Java: MessageVersion#getTopicLengthSize). */
export function topicLengthSize(version: MessageVersion): number {
  return version === 2 ? 2 : 1;
}

/** The version a magic code names, or undefined (blank marker and anything else). */
export function versionOfMagic(magic: number): MessageVersion | undefined {
  if (magic === MAGIC_CODE_V1) return 1;
  if (magic === MAGIC_CODE_V2) return 2;
  return undefined;
}

export function magicOfVersion(version: MessageVersion): number {
  return version === 2 ? MAGIC_CODE_V2 : MAGIC_CODE_V1;
}

/**
 * TOTALSIZE of a record (Java: MessageExtEncoder#calMsgLength). Lengths are in bytes (topic and properties as
 * UTF-8). Only the host bits of sysFlag matter.
 */
export function storedMessageSize(
  sysFlag: number,
  bodyLength: number,
  topicLength: number,
  propertiesLength: number,
  version: MessageVersion = 1,
): number {
  return (
    MSG_FIXED_SIZE +
    bornHostSize(sysFlag) +
    storeHostSize(sysFlag) +
    topicLengthSize(version) +
    bodyLength +
    topicLength +
    propertiesLength
  );
}
