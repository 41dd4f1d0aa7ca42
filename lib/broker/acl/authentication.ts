import type { RemotingCommand } from '../../../protocol/command';
import type { Logger } from '../../common';
import { ACCESS_KEY, SIGNATURE, requestSignature, signatureMatches } from './signature';
import type { UserStore } from './users';

/**
 * Contract: the per-request authentication of the Java 5.5.0 broker (ACL 2.0, `authenticationEnabled=true`), run
 * before the processor; a refusal is NO_PERMISSION (16) with Java's remark and the processor never runs, so nothing
 * is stored or changed. Java: broker/.../auth/pipeline/AuthenticationPipeline (AuthenticationException ->
 * AbortProcessException(NO_PERMISSION, message)), auth/.../AbstractAuthenticationStrategy#doEvaluate (whitelist of
 * request codes), DefaultAuthenticationHandler (the remarks below, in Java's order).
 *
 * Apogee addition (no Java counterpart): failed authentications are counted per remote host in a fixed window of
 * AUTH_FAILURE_WINDOW_MS; a host with authFailuresPerMinuteMax failures in the current window is refused without
 * evaluation until the window ends (brute-force guard). The table of hosts is bounded (authFailureHostsMax). Logs
 * carry the username and the remote address, never a secret or a signature.
 */

export interface AuthenticationOptions {
  /** Java `authenticationMetadataProvider`: blank = Java answers every signed request "not configured". */
  readonly metadataProviderConfigured: boolean;
  /** Java `authenticationWhitelist`: request codes that skip authentication. */
  readonly whitelist: ReadonlySet<number>;
  /** undefined when no metadata provider is configured (then every request is refused, as Java). */
  readonly users: UserStore | undefined;
  /** Failed authentications per host per window before the host is refused; 0 = no limit. */
  readonly failuresPerMinuteMax: number;
  /** Hosts tracked at once; beyond it the window's oldest host is forgotten. */
  readonly failureHostsMax: number;
  readonly logger: Logger;
  readonly now: () => number;
}

export const AUTH_FAILURE_WINDOW_MS = 60_000;

/** Java remarks (DefaultAuthenticationHandler, MessageFormatter-expanded). */
export const REMARK_NO_PROVIDER = 'The authenticationMetadataProvider is not configured';
export const REMARK_NO_USERNAME = 'username cannot be null.';
export const userNotFound = (u: string): string => `User:${u} is not found.`;
export const userDisabled = (u: string): string => `User:${u} is disabled.`;
export const REMARK_BAD_SIGNATURE = 'check signature failed.';

export interface AuthOk { readonly ok: true; readonly username: string | undefined }
export interface AuthRefused { readonly ok: false; readonly remark: string }

interface Window { start: number; failures: number }

export class Authenticator {
  private readonly failures = new Map<string, Window>();
  /** Failed authentications since start (all hosts): GET_BROKER_RUNTIME_INFO-style counter. */
  failedTotal = 0;
  /** Requests refused by the per-host limit without evaluation. */
  rateLimitedTotal = 0;

  constructor(private readonly o: AuthenticationOptions) {}

  /** Decides one request; remoteHost is the peer's IP (the rate-limit key). */
  authenticate(request: RemotingCommand, remoteHost: string): AuthOk | AuthRefused {
    if (this.o.whitelist.has(request.code)) return { ok: true, username: undefined };
    const limited = this.limited(remoteHost);
    if (limited !== undefined) {
      this.rateLimitedTotal++;
      return { ok: false, remark: limited };
    }
    const remark = this.evaluate(request);
    if (remark === undefined) return { ok: true, username: request.extFields?.get(ACCESS_KEY) };
    this.failedTotal++;
    this.countFailure(remoteHost);
    this.o.logger.info({ remote: remoteHost, code: request.code, user: request.extFields?.get(ACCESS_KEY) ?? null, reason: remark }, 'authentication failed');
    return { ok: false, remark };
  }

  /** Java DefaultAuthenticationContextBuilder#build + DefaultAuthenticationHandler#handle. */
  private evaluate(request: RemotingCommand): string | undefined {
    const fields = request.extFields;
    // No AccessKey field: the context has no username -> "username cannot be null." (after the provider check).
    const username = fields?.get(ACCESS_KEY);
    if (!this.o.metadataProviderConfigured || this.o.users === undefined) return REMARK_NO_PROVIDER;
    if (username === undefined || username === '') return REMARK_NO_USERNAME;
    const user = this.o.users.get(username);
    if (user === undefined) return userNotFound(username);
    if (user.userStatus === 'disable') return userDisabled(username);
    const expected = requestSignature(request, user.password);
    if (!signatureMatches(expected, fields!.get(SIGNATURE))) return REMARK_BAD_SIGNATURE;
    return undefined;
  }

  private limited(host: string): string | undefined {
    const max = this.o.failuresPerMinuteMax;
    if (max <= 0) return undefined;
    const w = this.failures.get(host);
    if (w === undefined || this.o.now() - w.start >= AUTH_FAILURE_WINDOW_MS || w.failures < max) return undefined;
    const retryS = Math.ceil((w.start + AUTH_FAILURE_WINDOW_MS - this.o.now()) / 1000);
    return `too many failed authentications from ${host}: ${w.failures} in the current minute (authFailuresPerMinuteMax=${max}); retry in ${retryS} s with valid credentials`;
  }

  private countFailure(host: string): void {
    if (this.o.failuresPerMinuteMax <= 0) return;
    const now = this.o.now();
    let w = this.failures.get(host);
    if (w === undefined || now - w.start >= AUTH_FAILURE_WINDOW_MS) {
      this.failures.delete(host);
      if (this.failures.size >= this.o.failureHostsMax) {
        // Forget the host tracked longest (Map keeps insertion order).
        const oldest = this.failures.keys().next().value;
        if (oldest !== undefined) this.failures.delete(oldest);
      }
      w = { start: now, failures: 0 };
      this.failures.set(host, w);
    }
    w.failures++;
  }

  /** Hosts currently tracked (tests: the bound). */
  trackedHosts(): number {
    return this.failures.size;
  }
}
