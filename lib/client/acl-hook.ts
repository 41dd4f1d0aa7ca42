import { createHmac } from 'node:crypto';

/**
 * Contract: the request signing of the official clients' AclClientRPCHook (ACL 1.0 and 2.0 authentication share it):
 * AccessKey (and SecurityToken) are added to the request's ext fields, then
 *   Signature = Base64(HmacSHA1(UTF-8(secretKey), UTF-8(the ext field values in key order) ++ body)).
 * Java: client/.../acl/common/AclClientRPCHook#doBeforeRequest, AclUtils#combineRequestContent, AclSigner#calSignature.
 * The broker's check of the same signature is lib/broker/acl/signature.ts.
 */

export interface Credentials {
  accessKey: string;
  secretKey: string;
  securityToken?: string;
}

/** The ext fields to send: `ext` plus AccessKey, SecurityToken (when set) and Signature. */
export function signedFields(ext: Map<string, string> | null, body: Buffer | null, c: Credentials): Map<string, string> {
  const out = new Map(ext ?? []);
  out.delete('Signature');
  out.set('AccessKey', c.accessKey);
  if (c.securityToken !== undefined && c.securityToken !== '') out.set('SecurityToken', c.securityToken);
  // Java TreeMap order: UTF-16 code units, which is JavaScript's default sort.
  let text = '';
  for (const k of [...out.keys()].sort()) text += out.get(k)!;
  const mac = createHmac('sha1', Buffer.from(c.secretKey, 'utf8')).update(Buffer.from(text, 'utf8'));
  if (body !== null && body.length > 0) mac.update(body);
  out.set('Signature', mac.digest('base64'));
  return out;
}
