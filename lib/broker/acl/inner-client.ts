import type { RemotingCommand } from '../../../protocol/command';
import { signFields, type Credentials } from '../../client';

/**
 * Contract: the broker signs its own outgoing calls (registration with the NameServers, a slave's SlaveSynchronize
 * reads from its master, every request of the broker's outer client) with `innerClientAuthenticationCredentials`, as
 * Java 5.5.0 does. Java: broker/.../out/BrokerOuterAPI#newAclRPCHook — a blank setting, or a JSON object whose
 * accessKey or secretKey is blank, registers no hook (requests go unsigned); otherwise an AclClientRPCHook signs every
 * request (AccessKey + Signature, HmacSHA1 as lib/client/acl-sign.ts). A setting that is not a JSON object stops the
 * broker at start-up (Java's JSON.parseObject throws in the BrokerOuterAPI constructor) with an error naming the key.
 * The same setting also creates that user as Super on a broker with authentication on (lib/broker/acl/users.ts), so
 * a master and its slaves configured alike accept each other's calls.
 */
export type InnerCredentials =
  | { readonly ok: true; readonly credentials: Credentials | undefined; readonly ignoredBecause?: string }
  | { readonly ok: false; readonly error: string };

export function innerClientCredentials(text: string): InnerCredentials {
  if (text.trim() === '') return { ok: true, credentials: undefined };
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `innerClientAuthenticationCredentials: expected a JSON object {"accessKey":..,"secretKey":..} (${(e as Error).message})` };
  }
  if (j === null || typeof j !== 'object' || Array.isArray(j)) {
    return { ok: false, error: 'innerClientAuthenticationCredentials: expected a JSON object {"accessKey":..,"secretKey":..}' };
  }
  const { accessKey, secretKey } = j as { accessKey?: unknown; secretKey?: unknown };
  if (typeof accessKey !== 'string' || accessKey.trim() === '' || typeof secretKey !== 'string' || secretKey.trim() === '') {
    return { ok: true, credentials: undefined, ignoredBecause: 'innerClientAuthenticationCredentials has a blank accessKey or secretKey: the broker\'s own calls go unsigned (as Java)' };
  }
  return { ok: true, credentials: { accessKey, secretKey } };
}

/** RemotingClientOptions.beforeRequest that signs each request (Java AclClientRPCHook#doBeforeRequest). */
export function signingHook(c: Credentials): (addr: string, request: RemotingCommand) => void {
  return (_addr, request) => {
    request.extFields = signFields(request.extFields ?? new Map<string, string>(), request.body, c);
  };
}
