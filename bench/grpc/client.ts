/**
 * A minimal apache.rocketmq.v2 MessagingService client for the gRPC bench, on @grpc/grpc-js with the protos that
 * lib/grpc loads (lib/grpc/grpc-js.ts loadGrpc: same .cache/rocketmq-apis, same proto-loader options). It sends what
 * rocketmq-client-java 5.x sends and what the Java proxy needs: the x-mq-* metadata on every call (Java
 * InterceptorConstants; the proxy keys client settings by x-mq-client-id), a Telemetry stream opened with the
 * client's Settings before anything else (Java proxy ReceiveMessageActivity reads the consumer's settings from
 * GrpcClientSettingsManager), one Heartbeat for a consumer. One channel per client.
 */
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import { loadGrpc } from '../../lib/grpc';
import { readReceiveStream, type ReceiveOutcome, type ReceivedHandle } from './receive';

/** Per-call deadline of unary calls, ms. */
export const CALL_TIMEOUT_MS = 10_000;
/** How long a Telemetry settings handshake may take, ms. */
export const TELEMETRY_TIMEOUT_MS = 15_000;

let grpcJs: any;
let ctor: any;
function modules(protoDir: string): { grpc: any; Client: any } {
  if (ctor === undefined) {
    ctor = loadGrpc(protoDir).messagingService; // the client constructor (it carries .service too)
    grpcJs = require('@grpc/grpc-js');
  }
  return { grpc: grpcJs, Client: ctor };
}

function dur(ms: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

export type ClientKind = 'PRODUCER' | 'SIMPLE_CONSUMER';

export class BenchGrpcClient {
  private readonly client: any;
  private readonly grpc: any;
  private telemetry: any;
  readonly clientId = `bench@${process.pid}@${randomBytes(6).toString('hex')}`;
  private readonly host: string;
  private readonly port: number;

  constructor(endpoint: string, protoDir: string) {
    const m = modules(protoDir);
    this.grpc = m.grpc;
    this.client = new m.Client(endpoint, m.grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 130 * 1024 * 1024 });
    const [h, p] = endpoint.split(':');
    this.host = h!;
    this.port = Number(p);
  }

  private md(): any {
    const md = new this.grpc.Metadata();
    md.set('x-mq-client-id', this.clientId);
    md.set('x-mq-language', 'JAVA');
    md.set('x-mq-protocol', 'v2');
    md.set('x-mq-client-version', '5.0.8');
    md.set('x-mq-request-id', randomBytes(16).toString('hex'));
    md.set('x-mq-date-time', new Date().toISOString());
    return md;
  }

  private unary(rpc: string, req: unknown, timeoutMs = CALL_TIMEOUT_MS): Promise<any> {
    return new Promise((resolve, reject) => {
      this.client[rpc](req, this.md(), { deadline: Date.now() + timeoutMs }, (err: Error | null, resp: unknown) => (err !== null ? reject(err) : resolve(resp)));
    });
  }

  private endpoints(): unknown {
    return { scheme: 'IPv4', addresses: [{ host: this.host, port: this.port }] };
  }

  /** Opens Telemetry, sends this client's Settings and resolves on the server's settings answer. */
  async handshake(kind: ClientKind, topic: string, group?: string): Promise<void> {
    const settings: Record<string, unknown> = {
      clientType: kind,
      accessPoint: this.endpoints(),
      requestTimeout: dur(3000),
      userAgent: { language: 'JAVA', version: '5.0.8', platform: `node ${process.version}`, hostname: os.hostname() },
    };
    if (kind === 'PRODUCER') settings['publishing'] = { topics: [{ name: topic }], validateMessageType: true };
    else settings['subscription'] = { group: { name: group }, subscriptions: [{ topic: { name: topic }, expression: { type: 'TAG', expression: '*' } }] };
    const call = this.client.Telemetry(this.md());
    this.telemetry = call;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no Telemetry settings answer within ${TELEMETRY_TIMEOUT_MS} ms`)), TELEMETRY_TIMEOUT_MS);
      call.on('data', (cmd: any) => {
        if (cmd.settings !== undefined && cmd.settings !== null) {
          clearTimeout(t);
          resolve();
        } else if (cmd.status !== undefined && cmd.status !== null && cmd.status.code !== 'OK') {
          clearTimeout(t);
          reject(new Error(`Telemetry answered ${cmd.status.code} ${cmd.status.message}`));
        }
      });
      call.on('error', (e: Error) => {
        clearTimeout(t);
        reject(e);
      });
      call.write({ settings });
    });
    call.on('error', () => undefined);
    if (kind === 'SIMPLE_CONSUMER') await this.unary('Heartbeat', { group: { name: group }, clientType: kind });
  }

  /** The first readable queue's broker of `topic` (QueryRoute). */
  async brokerOf(topic: string): Promise<unknown> {
    const r = await this.unary('QueryRoute', { topic: { name: topic }, endpoints: this.endpoints() });
    if (r.status?.code !== 'OK' || r.messageQueues.length === 0) throw new Error(`QueryRoute ${topic}: ${r.status?.code} ${r.status?.message}`);
    return r.messageQueues[0].broker;
  }

  /** One NORMAL message; resolves with the status code name. */
  async send(topic: string, body: Buffer): Promise<string> {
    const now = Date.now();
    const r = await this.unary('SendMessage', {
      messages: [{
        topic: { name: topic },
        body,
        systemProperties: { messageId: randomBytes(16).toString('hex').toUpperCase(), bodyEncoding: 'IDENTITY', messageType: 'NORMAL', bornTimestamp: dur(now), bornHost: os.hostname(), tag: 'bench' },
      }],
    });
    return String(r.status?.code ?? 'NONE');
  }

  /** One ReceiveMessage (batch, long polling, invisible time); the stream read into a status and handles. */
  receive(topic: string, group: string, broker: unknown, batch: number, pollMs: number, invisibleMs: number): { done: Promise<ReceiveOutcome>; cancel(): void } {
    const items: unknown[] = [];
    const call = this.client.ReceiveMessage(
      {
        group: { name: group },
        messageQueue: { topic: { name: topic }, id: -1, permission: 'READ_WRITE', broker },
        filterExpression: { type: 'TAG', expression: '*' },
        batchSize: batch,
        invisibleDuration: dur(invisibleMs),
        autoRenew: false,
        longPollingTimeout: dur(pollMs),
      },
      this.md(),
      { deadline: Date.now() + pollMs + CALL_TIMEOUT_MS },
    );
    const done = new Promise<ReceiveOutcome>((resolve) => {
      call.on('data', (d: unknown) => items.push(d));
      call.on('end', () => resolve(readReceiveStream(items)));
      call.on('error', (e: any) => resolve({ code: `GRPC_${e?.code ?? '?'}`, message: String(e?.details ?? e?.message ?? e), handles: readReceiveStream(items).handles }));
    });
    return { done, cancel: () => call.cancel() };
  }

  async ack(topic: string, group: string, handles: readonly ReceivedHandle[]): Promise<any> {
    return this.unary('AckMessage', { group: { name: group }, topic: { name: topic }, entries: handles });
  }

  close(): void {
    try {
      this.telemetry?.end();
    } catch {
      // already closed
    }
    this.client.close();
  }
}
