import * as net from 'node:net';
import * as tls from 'node:tls';
import type { RemotingCommand } from '../../protocol/command';
import type { Logger } from '../common';
import { Connection, type ConnectionHost } from './connection';
import { RemotingError } from './errors';
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './limits';
import { ProcessorRegistry } from './processor';

export interface RemotingClientOptions {
  logger: Logger;
  /** MQVersion ordinal sent on requests and on responses to server-initiated requests. */
  version: number;
  /** Processors for requests the server sends us (NOTIFY_CONSUMER_IDS_CHANGED, ...). */
  registry?: ProcessorRegistry;
  limits?: Partial<ConnectionLimits>;
  connectTimeoutMs?: number;
  /**
   * Connect over TLS with these options (Java: NettyClientConfig.useTLS; TlsHelper#buildSslContext(true)). The
   * connect timeout then also bounds the handshake.
   */
  tls?: tls.ConnectionOptions;
  /**
   * Called on every outgoing request just before it is sent, after its ext fields and body are final (Java:
   * RPCHook#doBeforeRequest, e.g. the broker's AclClientRPCHook signing with innerClientAuthenticationCredentials).
   */
  beforeRequest?: (addr: string, request: RemotingCommand) => void;
}

/**
 * Remoting client: one connection per "host:port", opened on first use and reopened after a close. Used by the
 * broker (to register with NameServers), by lib/client, tools, tests and benchmarks.
 */
export class RemotingClient implements ConnectionHost {
  readonly registry: ProcessorRegistry;
  readonly limits: ConnectionLimits;
  readonly logger: Logger;
  readonly version: number;
  private readonly conns = new Map<string, Connection>();
  private readonly connecting = new Map<string, Promise<Connection>>();
  private opaque = 0;
  private shut = false;

  constructor(private readonly opts: RemotingClientOptions) {
    this.registry = opts.registry ?? new ProcessorRegistry();
    this.limits = { ...DEFAULT_CONNECTION_LIMITS, idleTimeoutMs: 0, ...opts.limits };
    this.logger = opts.logger.child({ ns: 'remoting-client' });
    this.version = opts.version;
  }

  nextOpaque(): number {
    this.opaque = (this.opaque + 1) | 0;
    return this.opaque;
  }

  onClose(conn: Connection): void {
    for (const [addr, c] of this.conns) if (c === conn) this.conns.delete(addr);
  }

  /** The open connection to `addr` ("host:port"), connecting if needed. */
  connection(addr: string): Promise<Connection> {
    if (this.shut) return Promise.reject(new RemotingError('CLOSED', 'client is shut down'));
    const c = this.conns.get(addr);
    if (c !== undefined && !c.closed) return Promise.resolve(c);
    const p = this.connecting.get(addr);
    if (p !== undefined) return p;
    const created = this.connect(addr).finally(() => this.connecting.delete(addr));
    this.connecting.set(addr, created);
    return created;
  }

  private connect(addr: string): Promise<Connection> {
    const i = addr.lastIndexOf(':');
    const host = addr.slice(0, i).replace(/^\[|\]$/g, '');
    const port = Number(addr.slice(i + 1));
    if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
      return Promise.reject(new RemotingError('CONNECT', `bad address "${addr}": expected host:port`));
    }
    const timeoutMs = this.opts.connectTimeoutMs ?? 3000;
    return new Promise((resolve, reject) => {
      const useTls = this.opts.tls !== undefined;
      const socket: net.Socket = useTls ? tls.connect({ ...this.opts.tls, host, port }) : net.connect({ host, port, noDelay: true });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RemotingError('CONNECT', `connect to ${addr} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new RemotingError('CONNECT', `cannot connect to ${addr}: ${e.code ?? e.message}`));
      });
      socket.once(useTls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        const conn = new Connection(socket, this);
        this.conns.set(addr, conn);
        resolve(conn);
      });
    });
  }

  async invoke(addr: string, request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    const conn = await this.connection(addr);
    if (request.version === 0) request.version = this.version;
    this.opts.beforeRequest?.(addr, request);
    return conn.invoke(request, timeoutMs);
  }

  async invokeOneway(addr: string, request: RemotingCommand): Promise<void> {
    const conn = await this.connection(addr);
    if (request.version === 0) request.version = this.version;
    this.opts.beforeRequest?.(addr, request);
    if (!conn.invokeOneway(request)) throw new RemotingError('SEND', `cannot send to ${addr}`);
  }

  closeConnection(addr: string): void {
    this.conns.get(addr)?.close('closed by client');
  }

  close(): void {
    this.shut = true;
    for (const c of [...this.conns.values()]) c.close('client shut down');
    this.conns.clear();
  }
}
