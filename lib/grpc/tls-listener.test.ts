import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { silentLogger } from '../common';
import { defaultProtoDir, fetchProtos } from '../dev/fetch-protos';
import { TLS_HANDSHAKE_TIMEOUT_MS_DEFAULT } from '../remoting';
import { SERVICE_PROTO } from './grpc-js';
import { GrpcServer } from './server';
import { skipBecause } from '../common/testing/skip';

/**
 * The gRPC port in TLS permissive mode (the broker's default, as the Java proxy): one port answers both a TLS client
 * (the official Go 5.x client always dials TLS) and a plaintext one (rocketmq-client-java with enableSsl(false)).
 * Heartbeat without x-mq-client-id answers CLIENT_ID_REQUIRED without a broker (a gRPC answer from the service), so it proves HTTP/2 + gRPC run over the gate's socket either way.
 */
describe('lib/grpc/tls-listener: TLS permissive on the gRPC port', function () {
  this.timeout(30_000);
  let server: GrpcServer;
  let S: any;
  let grpc: any;
  let cert: Buffer;
  const clients: any[] = [];

  before(async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grpc-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-subj', '/CN=localhost', '-days', '1'], { stdio: 'ignore' });
    } catch {
      skipBecause(this, 'the openssl command (needed to make a test certificate) is not on PATH');
    }
    cert = fs.readFileSync(path.join(dir, 'c.pem'));
    const key = fs.readFileSync(path.join(dir, 'k.pem'));
    const protoDir = defaultProtoDir();
    fetchProtos(protoDir);
    server = new GrpcServer({
      host: '127.0.0.1', port: 0, namesrvAddr: '127.0.0.1:1', protoDir, logger: silentLogger(),
      tls: { mode: 'permissive', clientAuth: 'none', verifyClient: false, handshakeTimeoutMs: TLS_HANDSHAKE_TIMEOUT_MS_DEFAULT, context: async () => tls.createSecureContext({ cert, key }) },
    });
    await server.start();
    grpc = require('@grpc/grpc-js');
    const loader = require('@grpc/proto-loader');
    const def = loader.loadSync(SERVICE_PROTO, { includeDirs: [protoDir], keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
    S = grpc.loadPackageDefinition(def).apache.rocketmq.v2.MessagingService;
  });
  after(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });

  const heartbeat = (client: any): Promise<{ status: { code: string } }> =>
    new Promise((resolve, reject) => client.heartbeat({}, { deadline: Date.now() + 10_000 }, (e: unknown, v: any) => (e ? reject(e) : resolve(v))));

  it('a plaintext client is served (first byte not 0x16)', async () => {
    const c = new S(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    clients.push(c);
    assert.equal((await heartbeat(c)).status.code, 'CLIENT_ID_REQUIRED');
  });

  it('a TLS client is served (ClientHello, ALPN h2) with the configured certificate', async () => {
    const c = new S(`127.0.0.1:${server.port}`, grpc.credentials.createSsl(cert), { 'grpc.ssl_target_name_override': 'localhost' });
    clients.push(c);
    assert.equal((await heartbeat(c)).status.code, 'CLIENT_ID_REQUIRED');
  });
});
