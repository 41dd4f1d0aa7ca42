import type { X509Certificate } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Logger } from '../common';

/**
 * TLS on a remoting port, as Java's NettyRemotingServer does it (Java: NettyRemotingServer.TlsModeHandler).
 *
 * The first byte a client sends decides: 0x16 (a TLS record of type handshake, the ClientHello) starts a TLS
 * server session over the accepted socket; anything else is a plaintext RemotingCommand frame.
 *
 *   mode        first byte 0x16           any other first byte
 *   disabled    closed                    plaintext          (the server does not install the gate at all)
 *   permissive  TLS                       plaintext          (Java's default)
 *   enforcing   TLS                       closed
 *
 * Nothing here blocks: the byte is peeked from the first 'data' chunk, which is pushed back (unshift) before the
 * socket is handed on, so a node:tls TLSSocket or the plaintext Connection reads it again. Two bounds:
 * - firstByteTimeoutMs: a socket that sends nothing is closed (the server passes its idle timeout, as Java's idle
 *   handler would close it);
 * - handshakeTimeoutMs: a ClientHello must complete its handshake within this time (Netty SslHandler's
 *   handshakeTimeoutMillis, 10 s), else the connection is closed: a stalled handshake holds nothing for long.
 */

export type TlsMode = 'disabled' | 'permissive' | 'enforcing';
export const TLS_MODES: readonly TlsMode[] = ['disabled', 'permissive', 'enforcing'];
/** Java: TlsHelper.parseClientAuthMode (netty ClientAuth NONE/OPTIONAL/REQUIRE). */
export type TlsClientAuth = 'none' | 'optional' | 'require';

/** First byte of a TLS handshake record (Java: TlsModeHandler.HANDSHAKE_MAGIC_CODE). */
export const TLS_HANDSHAKE_RECORD_BYTE = 0x16;
/** Netty SslHandler's default handshakeTimeoutMillis. */
export const TLS_HANDSHAKE_TIMEOUT_MS_DEFAULT = 10_000;

export interface TlsServerOptions {
  mode: TlsMode;
  /**
   * The server's certificate and key. A function so a self-signed certificate (Java's tls.test.mode.enable) can be
   * made on first use without delaying start-up; its result is awaited, never blocking. A rejection closes the TLS
   * connection (Java: "Trying to establish an SSL connection but SslContext is null").
   */
  context: () => Promise<tls.SecureContext>;
  /** tls.server.need.client.auth. */
  clientAuth: TlsClientAuth;
  /**
   * tls.server.authClient: a client certificate must be issued by one of these CAs (tls.server.trustCertPath).
   * A presented client certificate must be signed directly by one of these (no intermediate CAs).
   */
  verifyClient: boolean;
  trustedCas?: readonly X509Certificate[];
  handshakeTimeoutMs: number;
  /** ALPN protocols offered (lib/grpc: ['h2'], without which node's HTTP/2 server refuses a TLS socket); remoting: none. */
  alpnProtocols?: readonly string[];
}

export interface TlsGateHooks {
  logger: Logger;
  /** Bound on the wait for the first byte, ms (the server's idle timeout); 0 means none. */
  firstByteTimeoutMs: number;
  /** Receives the socket to serve: the accepted one (plaintext) or a TLSSocket after its handshake. */
  serve: (socket: net.Socket) => void;
  /**
   * The plaintext socket's reader consumes its native handle and takes the bytes the gate pushed back itself (node's
   * HTTP/2 session does, on the next tick): the gate does not resume the socket, whose 'data' events nobody hears.
   */
  plainReadsNatively?: boolean;
}

/** What a first byte asks for under a mode: 'tls', 'plain' or 'close' (Java: TlsModeHandler#channelRead0). */
export function decideByFirstByte(mode: TlsMode, firstByte: number): 'tls' | 'plain' | 'close' {
  if (firstByte === TLS_HANDSHAKE_RECORD_BYTE) return mode === 'disabled' ? 'close' : 'tls';
  return mode === 'enforcing' ? 'close' : 'plain';
}

/**
 * Peeks the first byte of `socket` and serves it as plaintext or TLS, or closes it, per `opts.mode`. Returns an
 * abort function that closes the connection while it is still in the gate (server shutdown).
 */
export function admitTls(socket: net.Socket, opts: TlsServerOptions, hooks: TlsGateHooks): () => void {
  const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
  const log = hooks.logger;
  let timer: NodeJS.Timeout | undefined;
  const stopTimer = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const onEarlyError = (e: Error): void => {
    stopTimer();
    log.debug({ remote, err: e.message }, 'connection failed before its first byte');
    socket.destroy();
  };
  const onEarlyClose = (): void => stopTimer();
  const onData = (chunk: Buffer): void => {
    stopTimer();
    socket.off('data', onData);
    socket.off('error', onEarlyError);
    socket.off('close', onEarlyClose);
    socket.pause();
    socket.unshift(chunk);
    const decision = decideByFirstByte(opts.mode, chunk[0]!);
    if (decision === 'plain') {
      hooks.serve(socket);
      if (hooks.plainReadsNatively !== true) socket.resume();
    } else if (decision === 'close') {
      log.warn({ remote, mode: opts.mode }, opts.mode === 'enforcing'
        ? 'plaintext client refused: this server runs in TLS enforcing mode (tls.server.mode=enforcing)'
        : 'TLS client refused: this server runs in TLS disabled mode (tls.server.mode=disabled)');
      socket.destroy();
    } else {
      abort = startTls(socket, remote, opts, hooks);
    }
  };
  let abort = (): void => {
    stopTimer();
    socket.destroy();
  };
  if (hooks.firstByteTimeoutMs > 0) {
    timer = setTimeout(() => {
      log.debug({ remote, timeoutMs: hooks.firstByteTimeoutMs }, 'closed: nothing received before the idle timeout');
      socket.destroy();
    }, hooks.firstByteTimeoutMs);
  }
  socket.on('data', onData);
  socket.on('error', onEarlyError);
  socket.on('close', onEarlyClose);
  return () => abort();
}

/** Starts the TLS session; returns its abort (destroys whichever socket is live). */
function startTls(socket: net.Socket, remote: string, opts: TlsServerOptions, hooks: TlsGateHooks): () => void {
  const log = hooks.logger;
  let done = false;
  // Once the TLSSocket exists it owns the raw socket's handle: only it may be destroyed (destroying the raw
  // socket under a live TLS wrap crashes node).
  let live: net.Socket = socket;
  // One bound for getting the context and completing the handshake.
  const timer = setTimeout(() => {
    if (done) return;
    done = true;
    log.warn({ remote, handshakeTimeoutMs: opts.handshakeTimeoutMs }, `TLS handshake did not complete within handshakeTimeoutMs=${opts.handshakeTimeoutMs}; connection closed`);
    live.destroy();
  }, opts.handshakeTimeoutMs);
  const fail = (why: string, err?: unknown): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    log.warn({ remote, err: err instanceof Error ? err.message : err }, why);
    live.destroy();
  };
  // While the context is being made, an error or a close of the raw socket ends the attempt.
  const onRawError = (e: Error): void => fail('connection failed before the TLS handshake', e);
  const onRawClose = (): void => fail('connection closed before the TLS handshake');
  socket.on('error', onRawError);
  socket.on('close', onRawClose);
  opts.context().then(
    (secureContext) => {
      socket.off('error', onRawError);
      socket.off('close', onRawClose);
      // The TLSSocket reports the connection's errors; one left on the raw socket must not become an uncaught one.
      socket.on('error', () => undefined);
      if (done) return;
      const requestCert = opts.clientAuth !== 'none';
      // 'require' with authClient: OpenSSL refuses a handshake without a client certificate.
      const rejectUnauthorized = opts.clientAuth === 'require' && opts.verifyClient;
      const ts = new tls.TLSSocket(socket, { isServer: true, secureContext, requestCert, rejectUnauthorized, ...(opts.alpnProtocols !== undefined ? { ALPNProtocols: [...opts.alpnProtocols] } : {}) });
      live = ts;
      ts.once('secure', () => {
        if (done) return;
        const refusal = clientCertRefusal(ts, opts);
        if (refusal !== undefined) {
          fail(refusal);
          return;
        }
        done = true;
        clearTimeout(timer);
        log.debug({ remote, protocol: ts.getProtocol() }, 'TLS session established');
        hooks.serve(ts);
      });
      ts.on('error', (e) => {
        if (done) return; // after the handshake the Connection owns errors
        fail('TLS handshake failed', e);
      });
      ts.once('close', () => fail('connection closed during the TLS handshake'));
    },
    (e: unknown) => fail('TLS connection closed: no server certificate (see the start-up log)', e),
  );
  return () => fail('server shutting down');
}

/** Why the client certificate is not acceptable under tls.server.need.client.auth / tls.server.authClient. */
function clientCertRefusal(ts: tls.TLSSocket, opts: TlsServerOptions): string | undefined {
  if (opts.clientAuth === 'none') return undefined;
  const cert = ts.getPeerX509Certificate();
  if (cert === undefined) return opts.clientAuth === 'require' ? 'TLS client refused: no client certificate (tls.server.need.client.auth=require)' : undefined;
  // node's OpenSSL verify callback accepts every chain (node checks it in JS, only for a tls.Server's sockets), so
  // the issuer is checked here, for 'require' and 'optional' alike.
  if (!opts.verifyClient) return undefined;
  const now = Date.now();
  const inDate = Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo);
  const issued = (opts.trustedCas ?? []).some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey));
  return inDate && issued ? undefined : 'TLS client refused: its certificate is not issued by tls.server.trustCertPath (tls.server.authClient=true)';
}
