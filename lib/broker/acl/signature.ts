import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RemotingCommand } from '../../../protocol/command';
import { mqVersion } from '../../../protocol/codes';

/**
 * Contract: the request signature of RocketMQ's remoting ACL, as the Java 5.5.0 broker checks it and the official
 * clients' AclClientRPCHook computes it. Pure functions, no I/O.
 *
 *   content   = UTF-8( concat of the extFields VALUES, in key order (Java TreeMap: UTF-16 code unit order),
 *                      without the Signature field ) ++ body (when present)
 *   signature = Base64( HmacSHA1(key = UTF-8(secretKey), content) )
 *
 * Java: auth/.../DefaultAuthenticationContextBuilder#build(ChannelHandlerContext, RemotingCommand) (skips
 * _UNIQUE_KEY_QUERY for clients <= V4_9_3), client/.../acl/common/AclUtils#combineRequestContent, AclSigner#calSignature,
 * DefaultAuthenticationHandler#doAuthenticate (MessageDigest.isEqual: constant-time compare).
 */

/** Java SessionCredentials field names. */
export const ACCESS_KEY = 'AccessKey';
export const SIGNATURE = 'Signature';
export const SECURITY_TOKEN = 'SecurityToken';
/** Java MixAll.UNIQUE_MSG_QUERY_FLAG: not signed by clients up to V4_9_3. */
const UNIQUE_MSG_QUERY_FLAG = '_UNIQUE_KEY_QUERY';
const V4_9_3 = mqVersion('V4_9_3');

/** The bytes the client signed (see the box above). */
export function signedContent(request: RemotingCommand): Buffer {
  const head = signedFields(request);
  return request.body === null || request.body.length === 0 ? head : Buffer.concat([head, request.body]);
}

/** calSignature(signedContent(request), secretKey) without copying the body (the per-request path). */
export function requestSignature(request: RemotingCommand, secretKey: string): string {
  const h = createHmac('sha1', Buffer.from(secretKey, 'utf8')).update(signedFields(request));
  if (request.body !== null && request.body.length > 0) h.update(request.body);
  return h.digest('base64');
}

/** The signed extFields values, in key order, as UTF-8. */
function signedFields(request: RemotingCommand): Buffer {
  const fields = request.extFields;
  const keys = fields === null ? [] : [...fields.keys()].filter((k) => k !== SIGNATURE);
  if (request.version <= V4_9_3) {
    const i = keys.indexOf(UNIQUE_MSG_QUERY_FLAG);
    if (i >= 0) keys.splice(i, 1);
  }
  keys.sort(); // default sort = UTF-16 code unit order, as Java's String#compareTo
  let text = '';
  for (const k of keys) text += fields!.get(k)!;
  return Buffer.from(text, 'utf8');
}

/** Base64(HmacSHA1(secretKey, content)). Java: AclSigner#calSignature. */
export function calSignature(content: Buffer, secretKey: string): string {
  return createHmac('sha1', Buffer.from(secretKey, 'utf8')).update(content).digest('base64');
}

/** Constant-time comparison of the expected signature with the one sent (Java MessageDigest#isEqual). */
export function signatureMatches(expected: string, sent: string | undefined): boolean {
  if (sent === undefined) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(sent, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
