import { SendMessageRequestHeader } from './table';
import { decodeHeader, encodeHeader, header, type Decoded, type FieldSpec, type ValueOf } from './spec';

/**
 * SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320) carry SendMessageRequestHeader under the short keys a..n
 * (Java: SendMessageRequestHeaderV2, createSendMessageRequestHeaderV1/V2). The mapping is the `v2` column of the
 * SendMessageRequestHeader table; this file only derives the V2 wire order from it (a..n first, as Java's
 * FastCodesHeader.encode writes them, then the inherited long-named fields).
 */
const fields = SendMessageRequestHeader.fields;
const byLetter = Object.keys(fields)
  .filter((k) => (fields as Record<string, FieldSpec>)[k]!.v2 !== undefined)
  .sort((x, y) =>
    (fields as Record<string, FieldSpec>)[x]!.v2!.localeCompare((fields as Record<string, FieldSpec>)[y]!.v2!),
  );
const rest = Object.keys(fields).filter((k) => (fields as Record<string, FieldSpec>)[k]!.v2 === undefined);
const reordered = Object.fromEntries(
  [...byLetter, ...rest].map((k) => [k, (fields as Record<string, FieldSpec>)[k]!]),
) as typeof fields;

/** SendMessageRequestHeader fields in V2 wire order (field names stay the V1 names). */
export const SendMessageRequestHeaderV2Order = header('SendMessageRequestHeaderV2', reordered, { fastCodes: true });

const v2Key = (name: string, f: FieldSpec): string => f.v2 ?? name;

export type SendMessageRequest = ValueOf<typeof SendMessageRequestHeader>;

export function decodeSendMessageHeaderV2(ext: ReadonlyMap<string, string> | null): Decoded<SendMessageRequest> {
  return decodeHeader(SendMessageRequestHeaderV2Order, ext, v2Key) as Decoded<SendMessageRequest>;
}

export function encodeSendMessageHeaderV2(
  value: Partial<SendMessageRequest>,
  into: Map<string, string> = new Map(),
): Map<string, string> {
  return encodeHeader(SendMessageRequestHeaderV2Order, value, into, v2Key);
}

/** The short key of a V1 field name, or the name itself when it has none. */
export function sendMessageV2Key(field: string): string {
  return (fields as Record<string, FieldSpec>)[field]?.v2 ?? field;
}
