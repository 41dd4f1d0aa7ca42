export { SerializeType, FLAG_RESPONSE, FLAG_ONEWAY, isResponse, isOneway } from './types';
export type { RemotingCommand } from './types';
export {
  encodeCommand,
  encodeCommandParts,
  decodeCommand,
  decodeFrame,
  createRequest,
  createResponse,
  FRAME_PREFIX_SIZE,
  FRAME_LENGTH_SIZE,
  HEADER_LENGTH_MAX,
  DEFAULT_HEADER_LIMITS,
} from './command';
export type { RequestInit, HeaderLimits } from './command';
export { jsonQuote } from './json-string';
export type { JsonDialect } from './json-string';
export { HeaderFields, HEADER_FIELDS_FLAT_MAX, isFieldMap } from './header-fields';
