import { createHmac } from 'node:crypto';

/**
 * Contract: the client side of RocketMQ's request signature, as the official clients' AclClientRPCHook adds it before
 * each request: AccessKey (and SecurityToken when set) into the ext fields, then Signature = Base64(HmacSHA1(secretKey,
 * the ext field values in key order ++ body)). Java: client/.../acl/common/AclClientRPCHook#doBeforeRequest,
 * AclUtils#combineRequestContent, AclSigner#calSignature. The broker's check is lib/broker/acl/signature.ts.
 */
export interface Credentials {
  readonly accessKey: string;
  readonly secretKey: string;
  readonly securityToken?: string;
}

/** Adds AccessKey/SecurityToken/Signature to `fields` (mutated and returned). */
export function signFields(fields: Map<string, string>, body: Buffer | null, c: Credentials): Map<string, string> {
  fields.set('AccessKey', c.accessKey);
  if (c.securityToken !== undefined) fields.set('SecurityToken', c.securityToken);
  fields.delete('Signature');
  const keys = [...fields.keys()].sort();
  const h = createHmac('sha1', Buffer.from(c.secretKey, 'utf8'));
  let text = '';
  for (const k of keys) text += fields.get(k)!;
  h.update(Buffer.from(text, 'utf8'));
  if (body !== null && body.length > 0) h.update(body);
  fields.set('Signature', h.digest('base64'));
  return fields;
}
