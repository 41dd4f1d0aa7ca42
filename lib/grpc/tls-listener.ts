import * as net from 'node:net';
import * as tls from 'node:tls';
import { Duplex } from 'node:stream';
import type { Logger } from '../common';
import { admitTls, type TlsServerOptions } from '../remoting';
import type { GrpcServerLike } from './grpc-js';

/**
 * The gRPC port in the broker's TLS mode, as the Java proxy serves it (Java: proxy GrpcServer with
 * ProxyAndTlsProtocolNegotiator: one port, TLS or plaintext decided by the first bytes). Needed by clients that
 * always speak TLS: the official Go client (rocketmq-clients/golang/v5 dials with credentials.NewTLS, no plaintext
 * option), while rocketmq-client-java is usually configured with enableSsl(false).
 *
 * A node:net server accepts; lib/remoting's TLS gate peeks the first byte (0x16 = ClientHello -> TLS session with
 * the broker's certificate, self-signed in tls.test.mode; anything else -> plaintext, unless enforcing); the
 * resulting socket (raw or TLSSocket) is handed to grpc-js through a connection injector over insecure credentials,
 * so HTTP/2 runs over whichever socket the gate produced.
 *
 * A plaintext socket is handed on as it is: node's HTTP/2 session consumes its native handle and first takes the
 * bytes the gate peeked and pushed back (unshift) from the JS buffer (Http2Session: "bytes already in buffer"), so
 * the gate must not resume it (plainReadsNatively). Each frame is then written natively; through a JS Duplex every
 * HTTP/2 write crossed into JS twice (a third of the gRPC receive phase's write cost, issue 15 profile).
 * A TLSSocket is handed on as a plain JS Duplex (overJs): consumed natively after the gate's handshake it never
 * answered (the client waits until its deadline); over a JS stream, http2 reads through 'data' events.
 */
export interface TlsListener {
  port: number;
  close(): Promise<void>;
}

export async function listenWithTlsGate(
  server: GrpcServerLike,
  insecureCredentials: unknown,
  o: { host: string; port: number; tls: TlsServerOptions; logger: Logger; firstByteTimeoutMs: number },
): Promise<TlsListener> {
  const injector = server.createConnectionInjector(insecureCredentials);
  const admitting = new Map<net.Socket, () => void>();
  // HTTP/2 over TLS needs ALPN h2: node's http2 server refuses a TLSSocket that negotiated none.
  const tlsOpts: TlsServerOptions = { ...o.tls, alpnProtocols: ['h2'] };
  const listener = net.createServer({ noDelay: true }, (socket) => {
    const abort = admitTls(socket, tlsOpts, {
      logger: o.logger,
      firstByteTimeoutMs: o.firstByteTimeoutMs,
      plainReadsNatively: true,
      serve: (s) => {
        admitting.delete(socket);
        injector.injectConnection(s instanceof tls.TLSSocket ? overJs(s) : s);
      },
    });
    admitting.set(socket, abort);
    socket.once('close', () => admitting.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(o.port, o.host, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  listener.on('error', (err) => o.logger.warn({ err }, 'gRPC listener error'));
  const addr = listener.address();
  return {
    port: typeof addr === 'object' && addr !== null ? addr.port : o.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const abort of admitting.values()) abort();
        admitting.clear();
        injector.destroy();
        listener.close(() => resolve());
      }),
  };
}

/** A Duplex reading and writing through `s`'s JS stream interface (so its buffered bytes are read first). */
export function overJs(s: net.Socket): Duplex {
  const d = new Duplex({
    read: () => {
      s.resume();
    },
    write: (chunk: Buffer, _enc, cb) => {
      s.write(chunk, cb);
    },
    final: (cb) => {
      s.end();
      cb();
    },
    destroy: (err, cb) => {
      s.destroy();
      cb(err);
    },
  });
  s.on('data', (chunk: Buffer) => {
    if (!d.push(chunk)) s.pause();
  });
  s.on('end', () => d.push(null));
  s.on('error', (e) => d.destroy(e));
  s.on('close', () => d.destroy());
  return d;
}
