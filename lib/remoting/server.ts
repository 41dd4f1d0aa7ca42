import * as net from 'node:net';
import type { Logger } from '../common';
import { Connection, type ConnectionHost, type RespondedObserver } from './connection';
import { MemoryBudget } from './budget';
import { CONNECTIONS_MAX_DEFAULT, DEFAULT_CONNECTION_LIMITS, REMOTING_BUFFERED_BYTES_MAX_DEFAULT, type ConnectionLimits } from './limits';
import { ConnectionRefuser } from './refuse';
import type { ProcessorRegistry } from './processor';
import { admitTls, type TlsServerOptions } from './tls-gate';

export interface RemotingServerOptions {
  host: string;
  /** 0 picks an ephemeral port; read it back from `port` after start(). */
  port: number;
  registry: ProcessorRegistry;
  logger: Logger;
  /** MQVersion ordinal written on the responses this server creates. */
  version: number;
  limits?: Partial<ConnectionLimits>;
  /** Connections served at once; further ones get their first request answered with SYSTEM_BUSY, then closed. */
  connectionsMax?: number;
  /** Process-wide budget of held bytes, shared by every server of the process; one of its own if absent. */
  budget?: MemoryBudget;
  /** Human name for logs ('namesrv', 'broker', 'broker-vip'). */
  name?: string;
  /** Told of every answered request (rpc latency metrics). */
  onResponded?: RespondedObserver;
  /** TLS on this port (tls.server.mode); absent or mode 'disabled': plaintext only, no first-byte peek. */
  tls?: TlsServerOptions;
}

/**
 * TCP server speaking RemotingCommand frames. Every accepted socket becomes a Connection whose requests go to
 * the registry. A broken frame closes only that connection; the server keeps serving everybody else.
 */
export class RemotingServer implements ConnectionHost {
  readonly registry: ProcessorRegistry;
  readonly limits: ConnectionLimits;
  readonly logger: Logger;
  readonly version: number;
  readonly connectionsMax: number;
  readonly budget: MemoryBudget;
  readonly refuser: ConnectionRefuser;
  readonly onResponded: RespondedObserver | undefined;
  private readonly server: net.Server;
  private readonly conns = new Set<Connection>();
  private readonly connectListeners: ((c: Connection) => void)[] = [];
  private readonly closeListeners: ((c: Connection, reason: string) => void)[] = [];
  private opaque = 0;
  private boundPort = 0;
  /** Sockets accepted but still in the TLS gate (first byte or handshake), with their abort; they count toward connectionsMax. */
  private readonly admitting = new Map<net.Socket, () => void>();

  constructor(private readonly opts: RemotingServerOptions) {
    this.registry = opts.registry;
    this.limits = { ...DEFAULT_CONNECTION_LIMITS, ...opts.limits };
    this.logger = opts.logger.child({ ns: opts.name ?? 'remoting' });
    this.version = opts.version;
    this.connectionsMax = opts.connectionsMax ?? CONNECTIONS_MAX_DEFAULT;
    this.budget = opts.budget ?? new MemoryBudget(REMOTING_BUFFERED_BYTES_MAX_DEFAULT);
    this.refuser = new ConnectionRefuser(this.logger, 'connectionsMax', this.version, this.limits);
    this.onResponded = opts.onResponded;
    this.server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server.on('error', (e) => this.logger.error({ err: e }, 'server error'));
  }

  get port(): number {
    return this.boundPort;
  }

  /** Sockets still in the TLS gate. */
  get admittingCount(): number {
    return this.admitting.size;
  }

  get connections(): ReadonlySet<Connection> {
    return this.conns;
  }

  onConnect(l: (c: Connection) => void): void {
    this.connectListeners.push(l);
  }

  onConnectionClose(l: (c: Connection, reason: string) => void): void {
    this.closeListeners.push(l);
  }

  nextOpaque(): number {
    this.opaque = (this.opaque + 1) | 0;
    return this.opaque;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      this.server.once('error', onError);
      this.server.listen({ host: this.opts.host, port: this.opts.port, exclusive: true }, () => {
        this.server.off('error', onError);
        const addr = this.server.address();
        this.boundPort = typeof addr === 'object' && addr !== null ? addr.port : this.opts.port;
        this.logger.info({ host: this.opts.host, port: this.boundPort }, 'listening');
        resolve();
      });
    });
  }

  private accept(socket: net.Socket): void {
    if (this.conns.size + this.admitting.size >= this.connectionsMax) {
      this.refuser.refuse(socket, this.connectionsMax);
      return;
    }
    const tlsOpts = this.opts.tls;
    if (tlsOpts !== undefined && tlsOpts.mode !== 'disabled') {
      const leave = (): boolean => this.admitting.delete(socket);
      socket.once('close', leave);
      const serve = (s: net.Socket): void => {
        leave();
        this.serve(s);
      };
      this.admitting.set(socket, admitTls(socket, tlsOpts, { logger: this.logger, firstByteTimeoutMs: this.limits.idleTimeoutMs, serve }));
      return;
    }
    this.serve(socket);
  }

  private serve(socket: net.Socket): void {
    const conn = new Connection(socket, this);
    this.conns.add(conn);
    this.logger.debug({ remote: conn.remoteAddress, id: conn.id }, 'connection accepted');
    for (const l of this.connectListeners) l(conn);
  }

  onClose(conn: Connection, reason: string): void {
    if (!this.conns.delete(conn)) return;
    this.logger.debug({ remote: conn.remoteAddress, id: conn.id, reason }, 'connection closed');
    for (const l of this.closeListeners) {
      try {
        l(conn, reason);
      } catch (e) {
        this.logger.error({ err: e }, 'connection close listener failed');
      }
    }
  }

  /** Stops accepting, closes every connection. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const abort of [...this.admitting.values()]) abort();
      this.admitting.clear();
      for (const c of [...this.conns]) c.close('server shutting down');
    });
  }
}
