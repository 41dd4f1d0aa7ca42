import { strict as assert } from 'node:assert';
import { silentLogger } from '../common';
import { defaultProtoDir, fetchProtos } from '../dev/fetch-protos';
import { Code } from './convert';
import { SERVICE_PROTO } from './grpc-js';
import { GrpcServer, IMPLEMENTED_RPCS } from './server';

/**
 * The endpoint's contract without a broker: every RPC it does not serve answers Status NOT_IMPLEMENTED naming itself
 * (never silence, never a transport error), a Telemetry command other than settings too, and the settings handshake
 * answers with the merged settings. (The served RPCs against a real broker: compat-tests/runner/grpc-native.compat.ts.)
 */
describe('lib/grpc/server', function () {
  this.timeout(20_000);
  let server: GrpcServer;
  let client: any;
  let service: Record<string, { requestStream: boolean; responseStream: boolean }>;

  before(async () => {
    const protoDir = defaultProtoDir();
    fetchProtos(protoDir); // idempotent: a no-op once .cache/rocketmq-apis holds them
    server = new GrpcServer({ host: '127.0.0.1', port: 0, namesrvAddr: '127.0.0.1:1', protoDir, logger: silentLogger() });
    await server.start();
    const grpc = require('@grpc/grpc-js');
    const loader = require('@grpc/proto-loader');
    const def = loader.loadSync(SERVICE_PROTO, { includeDirs: [protoDir], keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
    const S = grpc.loadPackageDefinition(def).apache.rocketmq.v2.MessagingService;
    service = S.service;
    client = new S(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  });
  after(async () => {
    client?.close();
    await server?.close();
  });

  const unary = (rpc: string, req: unknown): Promise<{ status: { code: string; message: string } }> =>
    new Promise((resolve, reject) => client[rpc[0]!.toLowerCase() + rpc.slice(1)](req, (e: unknown, v: any) => (e ? reject(e) : resolve(v))));

  it('every RPC not served answers NOT_IMPLEMENTED with a message naming it', async () => {
    const refused = Object.keys(service).filter((rpc) => !IMPLEMENTED_RPCS.includes(rpc));
    assert.ok(refused.includes('SyncLiteSubscription') && !refused.includes('RecallMessage'), refused.join());
    assert.ok(!refused.includes('UpdateOffset') && !refused.includes('GetOffset') && !refused.includes('QueryOffset') && !refused.includes('PullMessage'));
    assert.ok(!refused.includes('ForwardMessageToDeadLetterQueue'));
    for (const rpc of refused) {
      const d = service[rpc]!;
      let status: { code: string; message: string };
      if (d.requestStream) continue; // no client-streaming RPC besides Telemetry (served) in v2
      if (d.responseStream) {
        const call = client[rpc[0]!.toLowerCase() + rpc.slice(1)]({});
        const got: any[] = [];
        call.on('data', (x: any) => got.push(x));
        await new Promise((r) => call.on('end', r));
        status = got[0].status;
      } else {
        status = (await unary(rpc, {})).status;
      }
      assert.equal(status.code, 'NOT_IMPLEMENTED', rpc);
      assert.match(status.message, new RegExp(`^${rpc} is not implemented`), rpc);
    }
  });

  it('Telemetry: settings in, merged settings out; other commands NOT_IMPLEMENTED', async () => {
    const t = client.telemetry();
    const got: any[] = [];
    t.on('data', (x: any) => got.push(x));
    t.on('error', () => undefined);
    t.write({ settings: { clientType: 'PRODUCER', publishing: { topics: [{ name: 'T' }] } } });
    t.write({ threadStackTrace: { nonce: 'n' } });
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        if (got.length >= 2) {
          clearInterval(tick);
          resolve();
        }
      }, 10);
    });
    t.end();
    const settings = got.find((x) => x.settings !== null && x.settings !== undefined);
    assert.equal(settings.status.code, 'OK');
    assert.equal(settings.settings.publishing.maxBodySize, 4 * 1024 * 1024);
    const other = got.find((x) => x.settings === null || x.settings === undefined);
    assert.equal(other.status.code, 'NOT_IMPLEMENTED');
    assert.match(other.status.message, /threadStackTrace/);
  });

  it('Heartbeat: without x-mq-client-id CLIENT_ID_REQUIRED; a client whose Settings never came UNRECOGNIZED_CLIENT_TYPE', async () => {
    const grpc = require('@grpc/grpc-js');
    const hb = (md: unknown): Promise<{ status: { code: string } }> =>
      new Promise((resolve, reject) => client.heartbeat({ group: { name: 'G' }, clientType: 'SIMPLE_CONSUMER' }, md, (e: unknown, v: any) => (e ? reject(e) : resolve(v))));
    assert.equal((await hb(new grpc.Metadata())).status.code, 'CLIENT_ID_REQUIRED');
    const md = new grpc.Metadata();
    md.set('x-mq-client-id', 'never-sent-settings');
    assert.equal((await hb(md)).status.code, 'UNRECOGNIZED_CLIENT_TYPE');
  });

  it('a served RPC whose NameServer is unreachable answers a Status (INTERNAL_SERVER_ERROR with the cause), not a transport error', async () => {
    const r = await unary('QueryRoute', { topic: { name: 'T' }, endpoints: { scheme: 'IPv4', addresses: [{ host: '127.0.0.1', port: 8081 }] } });
    assert.equal(r.status.code, 'INTERNAL_SERVER_ERROR');
    assert.match(r.status.message, /QueryRoute failed in Apogee: no NameServer answered/);
    assert.equal(Code.INTERNAL_SERVER_ERROR, 50001);
  });
});
