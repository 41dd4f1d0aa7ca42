import * as path from 'node:path';

/**
 * The narrow slice of @grpc/grpc-js and @grpc/proto-loader that lib/grpc uses, loaded at run time so that the rest
 * of Apogee builds and runs without them (they are dependencies in package.json; `npm ci` installs them). The
 * protos come from `.cache/rocketmq-apis` (lib/dev/fetch-protos.ts puts them there; never committed).
 */
/** grpc-js Metadata: the values of one header (the 5.x clients send x-mq-client-id, x-mq-language, ...). */
export interface MetadataLike {
  get(key: string): unknown[];
}
export interface ServerUnaryCall {
  request: any;
  metadata: MetadataLike;
  getPeer(): string;
  getDeadline(): Date | number;
}
export interface ServerWritableStream extends ServerUnaryCall {
  write(msg: unknown): boolean;
  end(): void;
  cancelled: boolean;
}
export interface ServerDuplexStream {
  on(ev: 'data', f: (m: any) => void): void;
  on(ev: 'end' | 'error' | 'close', f: (e?: unknown) => void): void;
  write(msg: unknown): boolean;
  end(): void;
  getPeer(): string;
  metadata: MetadataLike;
}
export type UnaryCallback = (err: unknown, value?: unknown) => void;
export interface GrpcServerLike {
  addService(service: unknown, impl: Record<string, (...a: any[]) => void>): void;
  bindAsync(addr: string, creds: unknown, cb: (err: Error | null, port: number) => void): void;
  /** grpc-js 1.10+: serves HTTP/2 over sockets accepted elsewhere (lib/grpc/tls-listener.ts). */
  createConnectionInjector(creds: unknown): { injectConnection(socket: import('node:stream').Duplex): void; destroy(): void };
  tryShutdown(cb: (err?: Error) => void): void;
  forceShutdown(): void;
}
export interface GrpcModules {
  Server: new (opts?: Record<string, unknown>) => GrpcServerLike;
  insecureCredentials(): unknown;
  /** MessagingService's service definition. */
  messagingService: { service: Record<string, unknown> };
}

export const SERVICE_PROTO = 'apache/rocketmq/v2/service.proto';

/** Loads grpc-js, proto-loader and the protos; throws an Error naming the fix when one is missing. */
export function loadGrpc(protoDir: string): GrpcModules {
  let grpc: any;
  let loader: any;
  try {
    grpc = require('@grpc/grpc-js');
    loader = require('@grpc/proto-loader');
  } catch (e) {
    throw new Error(`gRPC endpoint needs @grpc/grpc-js and @grpc/proto-loader: run npm ci (${(e as Error).message})`);
  }
  let def: unknown;
  try {
    def = loader.loadSync(SERVICE_PROTO, { includeDirs: [protoDir], keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
  } catch (e) {
    throw new Error(`gRPC endpoint needs the rocketmq-apis protos in ${path.join(protoDir, SERVICE_PROTO)}: run node dist/lib/dev/fetch-protos.js (${(e as Error).message})`);
  }
  const pkg = grpc.loadPackageDefinition(def);
  return { Server: grpc.Server, insecureCredentials: () => grpc.ServerCredentials.createInsecure(), messagingService: pkg.apache.rocketmq.v2.MessagingService };
}
