import { RocketClient } from '../client';
import type { Logger } from '../common';
import type { TlsServerOptions } from '../remoting';
import { Code, OK, status, type Status } from './convert';
import { loadGrpc, type GrpcServerLike, type MetadataLike, type ServerDuplexStream, type ServerUnaryCall, type ServerWritableStream, type UnaryCallback } from './grpc-js';
import { GrpcClients } from './clients';
import { GrpcOffsets } from './offsets';
import { pullMessage } from './pull';
import { recallMessage } from './recall';
import { OrphanedTransactions } from './transaction-check';
import { RequestCode } from '../../protocol/codes';
import { GrpcService } from './service';
import { DEFAULT_SERVER_SETTINGS, mergeSettings, type ServerSettings } from './settings';
import { listenWithTlsGate, type TlsListener } from './tls-listener';

/**
 * Apogee's own gRPC endpoint: apache.rocketmq.v2.MessagingService for the RocketMQ 5.x clients (rocketmq-client-java
 * 5.x and friends), without the Java proxy. Served on grpcServerPort (Java ProxyConfig.grpcServerPort, default 8081).
 *
 *   implemented  QueryRoute, QueryAssignment, Heartbeat and Telemetry settings (the client registered with the
 *                broker: clients.ts), SendMessage (normal, FIFO, delay, transactional half messages), ReceiveMessage
 *                (over the broker's POP), AckMessage, ChangeInvisibleDuration, ForwardMessageToDeadLetterQueue,
 *                EndTransaction (half messages sent through this endpoint), NotifyClientTermination (UNREGISTER_CLIENT),
 *                UpdateOffset, GetOffset and QueryOffset (offsets.ts), PullMessage (pull.ts), RecallMessage (recall.ts;
 *                SendMessage answers a timer message with its recall_handle)
 *                Telemetry relays the broker's transaction checks to producers (RecoverOrphanedTransactionCommand,
 *                transaction-check.ts)
 *   refused      every other RPC: Status NOT_IMPLEMENTED (50100) naming the RPC; Telemetry answers commands other
 *                than settings from the client with NOT_IMPLEMENTED too
 *
 * It talks to the local NameServer and broker over remoting on loopback (lib/client), as the Java proxy's cluster
 * mode does; the broker's processors do the work (send, POP, ack, change-invisible-time).
 */
export interface GrpcServerOptions {
  host: string;
  port: number;
  namesrvAddr: string;
  protoDir: string;
  logger: Logger;
  settings?: Partial<ServerSettings>;
  /** Remoting request timeout for non-polling calls, ms. */
  requestTimeoutMs?: number;
  /** The broker's TLS mode (permissive/enforcing) on this port too, as the Java proxy does; absent: plaintext only. */
  tls?: TlsServerOptions;
}

/** A connection that sends nothing is closed after this long, ms (the TLS gate's first-byte bound). */
export const GRPC_FIRST_BYTE_TIMEOUT_MS = 120_000;

/** The RPCs served; any other name in the service definition gets NOT_IMPLEMENTED. */
export const IMPLEMENTED_RPCS: readonly string[] = [
  'QueryRoute', 'QueryAssignment', 'Heartbeat', 'Telemetry', 'SendMessage', 'ReceiveMessage', 'AckMessage', 'ChangeInvisibleDuration', 'ForwardMessageToDeadLetterQueue', 'EndTransaction',
  'NotifyClientTermination', 'UpdateOffset', 'GetOffset', 'QueryOffset', 'PullMessage', 'RecallMessage',
];

/** The client id the 5.x clients send in every call's metadata (Java proxy GrpcConstants.CLIENT_ID). */
export const CLIENT_ID_HEADER = 'x-mq-client-id';

export function clientIdOf(md: MetadataLike | undefined): string | undefined {
  const v = md?.get(CLIENT_ID_HEADER)[0];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

const CLIENT_ID_MISSING = status(Code.CLIENT_ID_REQUIRED, `metadata ${CLIENT_ID_HEADER} is required`);

/** Reserve kept between the broker's POP hold and the client's deadline, ms (Java ProxyConfig.longPollingReserveTimeInMillis). */
export const LONG_POLLING_RESERVE_MS = 100;

export function notImplemented(rpc: string): Status {
  return status(Code.NOT_IMPLEMENTED, `${rpc} is not implemented by Apogee's gRPC endpoint yet (served: ${IMPLEMENTED_RPCS.join(', ')})`);
}

/**
 * Observed with rocketmq-client-java 5.2.0: its Telemetry stream died with DEADLINE_EXCEEDED ~0.5 s after opening,
 * before the settings answer; without the server's deadline timer it works. Likely cause: grpc-js 1.14 converts the
 * grpc-timeout header to ms with `| 0` (server-interceptors.js), so a very long client deadline wraps to a small or
 * negative int32. A Telemetry stream lives as long as the client (Java ClientSessionImpl), so its deadline timer is
 * dropped. The field names are grpc-js's BaseServerInterceptingCall internals (the call an interceptor first
 * receives); compat-tests/runner/grpc-native.compat.ts (the Java client) fails if they change.
 */
function keepTelemetryOpen(method: { path: string }, call: any): any {
  if (method.path.endsWith('/Telemetry') && call !== null && typeof call === 'object' && 'deadlineTimer' in call) {
    if (call.deadlineTimer !== null) clearTimeout(call.deadlineTimer);
    call.deadlineTimer = null;
    call.deadline = Infinity;
  }
  return call;
}

export class GrpcServer {
  private server: GrpcServerLike | null = null;
  private readonly client: RocketClient;
  private readonly service: GrpcService;
  private readonly clients: GrpcClients;
  private readonly settings: ServerSettings;
  private readonly orphans: OrphanedTransactions;
  private boundPort = 0;
  private tlsListener: TlsListener | null = null;

  constructor(private readonly o: GrpcServerOptions) {
    this.client = new RocketClient({ namesrvAddr: o.namesrvAddr, logger: o.logger.child({ module: 'grpc-client' }), timeoutMs: o.requestTimeoutMs ?? 3_000 });
    this.settings = { ...DEFAULT_SERVER_SETTINGS, ...(o.settings ?? {}) };
    this.service = new GrpcService({ client: this.client, logger: o.logger, longPollingReserveMs: LONG_POLLING_RESERVE_MS, requestTimeoutMs: o.requestTimeoutMs ?? 3_000 });
    this.clients = new GrpcClients({ client: this.client, logger: o.logger, requestTimeoutMs: o.requestTimeoutMs ?? 3_000 });
    this.orphans = new OrphanedTransactions({ logger: o.logger, rememberHalf: (id, h) => this.service.rememberHalf(id, h) });
    this.client.remoting.registry.register(RequestCode.CHECK_TRANSACTION_STATE, this.orphans.processor());
  }

  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    const g = loadGrpc(this.o.protoDir);
    const server = new g.Server({ 'grpc.max_receive_message_length': 130 * 1024 * 1024, interceptors: [keepTelemetryOpen] });
    const impl: Record<string, (...a: any[]) => void> = {};
    for (const rpc of Object.keys(g.messagingService.service)) {
      const def = g.messagingService.service[rpc] as { responseStream: boolean; requestStream: boolean };
      if (def.requestStream) impl[rpc] = (call: ServerDuplexStream) => this.refuseStream(rpc, call);
      else if (def.responseStream) impl[rpc] = (call: ServerWritableStream) => { call.write({ status: notImplemented(rpc) }); call.end(); };
      else impl[rpc] = (_call: ServerUnaryCall, cb: UnaryCallback) => cb(null, { status: notImplemented(rpc) });
    }
    const s = this.service;
    impl['QueryRoute'] = this.unary('QueryRoute', (r) => s.queryRoute(r));
    impl['QueryAssignment'] = this.unary('QueryAssignment', (r) => s.queryAssignment(r));
    impl['SendMessage'] = this.unary('SendMessage', (r) => s.sendMessage(r));
    impl['AckMessage'] = this.unary('AckMessage', (r) => s.ackMessage(r));
    impl['ChangeInvisibleDuration'] = this.unary('ChangeInvisibleDuration', (r) => s.changeInvisibleDuration(r));
    impl['EndTransaction'] = this.unary('EndTransaction', (r) => s.endTransaction(r));
    const offsets = new GrpcOffsets({ client: this.client, requestTimeoutMs: this.o.requestTimeoutMs ?? 3_000 });
    impl['PullMessage'] = (call: ServerWritableStream) => void this.pull(call);
    impl['UpdateOffset'] = this.unary('UpdateOffset', (r) => offsets.updateOffset(r));
    impl['GetOffset'] = this.unary('GetOffset', (r) => offsets.getOffset(r));
    impl['QueryOffset'] = this.unary('QueryOffset', (r) => offsets.queryOffset(r));
    impl['ForwardMessageToDeadLetterQueue'] = this.unary('ForwardMessageToDeadLetterQueue', (r) => s.forwardMessageToDeadLetterQueue(r));
    impl['RecallMessage'] = this.unary('RecallMessage', (r) => recallMessage({ client: this.client, requestTimeoutMs: this.o.requestTimeoutMs ?? 3_000, typeConflict: (t, a) => this.service.typeConflict(t, a) }, r));
    const c = this.clients;
    impl['Heartbeat'] = this.unary('Heartbeat', async (r, md) => {
      const id = clientIdOf(md);
      return { status: id === undefined ? CLIENT_ID_MISSING : await c.heartbeat(id, r.group?.name || undefined) };
    });
    impl['NotifyClientTermination'] = this.unary('NotifyClientTermination', async (r, md) => {
      const id = clientIdOf(md);
      return { status: id === undefined ? CLIENT_ID_MISSING : await c.terminate(id, r.group?.name || undefined) };
    });
    impl['ReceiveMessage'] = (call: ServerWritableStream) => void this.receive(call);
    impl['Telemetry'] = (call: ServerDuplexStream) => this.telemetry(call);
    server.addService(g.messagingService.service, impl);
    if (this.o.tls !== undefined) {
      const l = await listenWithTlsGate(server, g.insecureCredentials(), { host: this.o.host, port: this.o.port, tls: this.o.tls, logger: this.o.logger, firstByteTimeoutMs: GRPC_FIRST_BYTE_TIMEOUT_MS });
      this.tlsListener = l;
      this.boundPort = l.port;
    } else {
      this.boundPort = await new Promise<number>((resolve, reject) =>
        server.bindAsync(`${this.o.host.includes(':') ? `[${this.o.host}]` : this.o.host}:${this.o.port}`, g.insecureCredentials(), (err, port) => (err !== null ? reject(err) : resolve(port))),
      );
    }
    this.server = server;
    this.o.logger.info({ port: this.boundPort, tlsMode: this.o.tls?.mode ?? 'disabled' }, 'gRPC MessagingService listening');
  }

  private unary(rpc: string, f: (req: any, md: MetadataLike) => Promise<unknown>): (call: ServerUnaryCall, cb: UnaryCallback) => void {
    return (call, cb) => {
      f(call.request, call.metadata).then(
        (r) => cb(null, r),
        (err: unknown) => {
          this.o.logger.warn({ err, rpc, peer: call.getPeer() }, 'gRPC call failed');
          cb(null, { status: status(Code.INTERNAL_SERVER_ERROR, `${rpc} failed in Apogee: ${(err as Error)?.message ?? String(err)}`) });
        },
      );
    };
  }

  private async receive(call: ServerWritableStream): Promise<void> {
    try {
      const d = call.getDeadline();
      const deadline = typeof d === 'number' ? d : d.getTime();
      const r = await this.service.receiveMessage(call.request, Number.isFinite(deadline) ? deadline : Date.now() + 30_000, this.clients.requestTimeoutMs(clientIdOf(call.metadata)));
      if (call.cancelled) return; // The messages stay invisible until their invisible time ends, then come back.
      call.write({ status: r.status });
      for (const m of r.messages) call.write({ message: m });
    } catch (err) {
      this.o.logger.warn({ err, peer: call.getPeer() }, 'ReceiveMessage failed');
      call.write({ status: status(Code.INTERNAL_SERVER_ERROR, `ReceiveMessage failed in Apogee: ${(err as Error)?.message ?? String(err)}`) });
    }
    call.end();
  }

  private async pull(call: ServerWritableStream): Promise<void> {
    try {
      const d = call.getDeadline();
      const deadline = typeof d === 'number' ? d : d.getTime();
      const opts = { client: this.client, requestTimeoutMs: this.o.requestTimeoutMs ?? 3_000, longPollingReserveMs: LONG_POLLING_RESERVE_MS };
      const out = await pullMessage(opts, call.request, Number.isFinite(deadline) ? deadline : Date.now() + 30_000);
      if (!call.cancelled) for (const r of out) call.write(r);
    } catch (err) {
      this.o.logger.warn({ err, peer: call.getPeer() }, 'PullMessage failed');
      call.write({ status: status(Code.INTERNAL_SERVER_ERROR, `PullMessage failed in Apogee: ${(err as Error)?.message ?? String(err)}`) });
    }
    call.end();
  }

  /**
   * Java ClientActivity#telemetry: settings in, merged settings out; a producer's stream also receives
   * RecoverOrphanedTransactionCommand (transaction-check.ts). Other commands from the client are not served yet.
   */
  private telemetry(call: ServerDuplexStream): void {
    call.on('data', (cmd: { command?: string; settings?: any }) => {
      if (cmd.command === 'settings' && cmd.settings !== undefined && cmd.settings !== null) {
        // Java ClientActivity#processAndWriteClientSettings registers the client on its Settings; the answer does
        // not wait for the broker (a failed registration is logged and retried by the next Heartbeat).
        const id = clientIdOf(call.metadata);
        if (cmd.settings.clientType === 'PRODUCER') {
          this.orphans.track(call, (cmd.settings.publishing?.topics ?? []).map((t: { name?: string }) => t.name ?? '').filter((t: string) => t !== ''));
        }
        if (id !== undefined) {
          this.clients.remember(id, cmd.settings).then(
            (st) => { if (st.code !== Code.OK) this.o.logger.warn({ clientId: id, status: st }, 'gRPC client registration failed'); },
            (err: unknown) => this.o.logger.warn({ err, clientId: id }, 'gRPC client registration failed'),
          );
        }
        void this.settingsFor(cmd.settings).then(
          (merged) => call.write({ status: OK, settings: merged }),
          (err: unknown) => call.write({ status: status(Code.INTERNAL_SERVER_ERROR, `settings merge failed: ${(err as Error)?.message ?? String(err)}`) }),
        );
      } else if (cmd.command !== undefined) {
        call.write({ status: notImplemented(`Telemetry command ${cmd.command}`) });
      }
    });
    call.on('end', () => {
      this.orphans.forget(call);
      call.end();
    });
    call.on('error', () => this.orphans.forget(call));
    call.on('close', () => this.orphans.forget(call));
  }

  private async settingsFor(c: any): Promise<unknown> {
    let policy = { fifo: false, retryMaxTimes: this.settings.retryMaxTimes };
    const group: string | undefined = c.subscription?.group?.name;
    const topic: string | undefined = c.subscription?.subscriptions?.[0]?.topic?.name;
    if (group !== undefined && topic !== undefined) {
      const addr = await this.service.anyBrokerAddr(topic);
      if (addr !== undefined) policy = await this.service.groupPolicy(group, addr);
    }
    return mergeSettings(c, this.settings, policy.fifo, policy.retryMaxTimes);
  }

  private refuseStream(rpc: string, call: ServerDuplexStream): void {
    call.on('data', () => undefined);
    call.on('error', () => undefined);
    call.write({ status: notImplemented(rpc) });
    call.end();
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    const l = this.tlsListener;
    this.tlsListener = null;
    await l?.close();
    if (s !== null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          s.forceShutdown();
          resolve();
        }, 2_000);
        s.tryShutdown(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    this.client.close();
  }
}
