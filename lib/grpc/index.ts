/**
 * lib/grpc: Apogee's native apache.rocketmq.v2.MessagingService endpoint (issue 15 step 2, "natively"). server.ts
 * holds the contract (what is served, what is refused); convert.ts and settings.ts the pure mappings.
 */
export { GrpcServer, IMPLEMENTED_RPCS, notImplemented } from './server';
export type { GrpcServerOptions } from './server';
export { Code, decodeReceiptHandle, extraInfoOf, popReceipts } from './convert';
export { loadGrpc, SERVICE_PROTO } from './grpc-js';
