export { get32, get64 } from './bytes';
export {
  MAGIC_CODE_V1,
  MAGIC_CODE_V2,
  BLANK_MAGIC_CODE,
  BLANK_RECORD_SIZE,
  MSG_TOTAL_SIZE_OFFSET,
  MSG_MAGIC_CODE_OFFSET,
  MSG_BODY_CRC_OFFSET,
  MSG_QUEUE_ID_OFFSET,
  MSG_FLAG_OFFSET,
  MSG_QUEUE_OFFSET_OFFSET,
  MSG_PHYSICAL_OFFSET_OFFSET,
  MSG_SYS_FLAG_OFFSET,
  MSG_BORN_TIMESTAMP_OFFSET,
  MSG_BORN_HOST_OFFSET,
  MSG_STORE_TIMESTAMP_OFFSET_V4,
  MSG_FIXED_SIZE,
  MSG_SIZE_MIN,
  IPV4_SIZE,
  IPV6_SIZE,
  HOST_V4_SIZE,
  HOST_V6_SIZE,
  PROPERTIES_BYTES_MAX,
  TOPIC_BYTES_MAX_V1,
  TOPIC_BYTES_MAX_V2,
  MessageSysFlag,
  HOST_V6_FLAGS,
  PullSysFlag,
  buildPullSysFlag,
  hasPullFlag,
  transactionValue,
  resetTransactionValue,
  storedQueueOffset,
  clearCompressedFlag,
  compressionTypeOf,
  bornHostSize,
  storeHostSize,
  storeTimestampOffset,
  storeHostOffset,
  reconsumeTimesOffset,
  preparedTransactionOffsetOffset,
  bodyLengthOffset,
  bodyOffset,
  topicLengthSize,
  versionOfMagic,
  magicOfVersion,
  storedMessageSize,
} from './layout';
export type { MessageVersion, CompressionType } from './layout';

export { formatIp, formatHost, parseIp, parseHost, isIpv4Mapped } from './host';
export type { HostAddress } from './host';

export { crc32, bodyCrc } from './crc';

export * from './record'; // record-decode/encode/blank/peek through one face

export {
  NAME_VALUE_SEPARATOR,
  PROPERTY_SEPARATOR,
  MessageConst,
  RESERVED_PROPERTY_NAMES,
  parseProperties,
  parsePropertiesBytes,
  stringifyProperties,
  propertiesByteLength,
  checkPropertiesSize,
  getProperty,
  getPropertyBytes,
  getPropertyBytesOfName,
  findPropertyValueAt,
  propertyValueEndAt,
  propertyValueEquals,
  isPropertyNameBytes,
  javaHashMapOrder,
} from './properties';
export type { StringifyPropertiesOptions } from './properties';
export { propertyScanView, findPropertyValueIn, propertyValueEqualsIn } from './property-scan';

export {
  BATCH_ENTRY_FIXED_SIZE,
  scanBatchEntry,
  newBatchEntryScan,
  decodeBatch,
  countBatch,
  encodeBatch,
} from './batch';
export type { BatchMessage, BatchMessageInit, BatchEntryScan } from './batch';

export {
  OFFSET_MSG_ID_LENGTH_V4,
  OFFSET_MSG_ID_LENGTH_V6,
  UNIQ_ID_LENGTH_V4,
  UNIQ_ID_LENGTH_V6,
  createOffsetMsgId,
  createOffsetMsgIds,
  offsetMsgIdOfRecord,
  decodeOffsetMsgId,
  UniqIdGenerator,
  localMonthStart,
  utcMonthStart,
  ipFromUniqId,
  ipStringFromUniqId,
  pidFromUniqId,
  nearlyTimeFromUniqId,
} from './msgid';
export type { OffsetMsgId, UniqIdGeneratorOptions, MonthStartFn, NearlyTimeOptions } from './msgid';

export {
  SCHEDULE_TOPIC,
  DEFAULT_MESSAGE_DELAY_LEVEL,
  tagsCode,
  parseDelayLevels,
  DelayLevelTable,
  consumeQueueTagsCode,
} from './tags';
export type { TagsCodeInput } from './tags';

export {
  INFLATED_BODY_BYTES_MAX_DEFAULT,
  COMPRESS_LEVEL_DEFAULT,
  deflateBody,
  inflateBody,
} from './compression';
export type { InflateResult } from './compression';

export { decodeMessages, toMessageView } from './decode-messages';
export type { MessageView, DecodeMessagesOptions } from './decode-messages';

export { encodeRecallHandle, decodeRecallHandle, RECALL_HANDLE_INVALID } from './recall-handle';
export type { RecallHandle } from './recall-handle';

export {
  KEY_SEPARATOR,
  POP_ORDER_REVIVE_QUEUE,
  popRetryTopicV1,
  popRetryTopicV2,
  popRetryTopic,
  isPopRetryTopicV2,
  parseNormalTopic,
  retryMark,
  realTopic,
  buildExtraInfo,
  formatExtraInfo,
  parseExtraInfo,
  appendStartOffsetInfo,
  appendMsgOffsetInfo,
} from './pop-extra-info';
export type { ExtraInfo } from './pop-extra-info';
