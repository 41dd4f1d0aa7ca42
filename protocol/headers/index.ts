export * from './table';
export { header, opt, req, prim, primReq, dflt, decodeHeader, encodeHeader } from './spec';
export type { FieldKind, FieldSpec, Fields, HeaderSpec, HeaderValue, ValueOf, Decoded } from './spec';
export {
  SendMessageRequestHeaderV2Order,
  decodeSendMessageHeaderV2,
  encodeSendMessageHeaderV2,
  sendMessageV2Key,
} from './v2';
export type { SendMessageRequest } from './v2';
