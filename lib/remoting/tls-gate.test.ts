import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import pino from 'pino';
import { createRequest, createResponse, encodeCommand } from '../../protocol/command';
import { ResponseCode } from '../../protocol/codes';
import { RemotingClient } from './client';
import { ProcessorRegistry } from './processor';
import { RemotingServer } from './server';
import { RawPeer } from './testing/raw-peer';
import { skipBecause } from '../common/testing/skip';
import { makeTestPki, noOpensslReason, type TestPki } from './testing/tls-certs';
import { decideByFirstByte, TLS_HANDSHAKE_RECORD_BYTE, type TlsMode, type TlsServerOptions } from './tls-gate';

const CODE = 105;

describe('TLS on a remoting port (tls-gate; Java: NettyRemotingServer.TlsModeHandler)', function () {
  this.timeout(60_000);
  let pki: TestPki;
  let context: tls.SecureContext;
  const servers: RemotingServer[] = [];
  const clients: RemotingClient[] = [];
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });

  before(async function () {
    const why = noOpensslReason();
    if (why !== undefined) skipBecause(this, why);
    pki = await makeTestPki();
    context = tls.createSecureContext({ cert: fs.readFileSync(pki.serverCert), key: fs.readFileSync(pki.serverKey), ca: fs.readFileSync(pki.caCert) });
  });
  after(() => pki?.remove());
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const s of servers.splice(0)) await s.close();
  });

  function opts(mode: TlsMode, more: Partial<TlsServerOptions> = {}): TlsServerOptions {
    const trustedCas = [new X509Certificate(fs.readFileSync(pki.caCert))];
    return { mode, context: () => Promise.resolve(context), clientAuth: 'none', verifyClient: false, trustedCas, handshakeTimeoutMs: 10_000, ...more };
  }

  async function server(t: TlsServerOptions | undefined, idleTimeoutMs = 120_000): Promise<RemotingServer> {
    const registry = new ProcessorRegistry().register(CODE, (ctx) => createResponse(ctx.request, ResponseCode.SUCCESS, null, 1));
    const s = new RemotingServer({ host: '127.0.0.1', port: 0, registry, logger, version: 1, limits: { idleTimeoutMs }, ...(t !== undefined ? { tls: t } : {}) });
    await s.start();
    servers.push(s);
    return s;
  }

  function client(tlsOpts?: tls.ConnectionOptions): RemotingClient {
    const c = new RemotingClient({ logger, version: 1, ...(tlsOpts !== undefined ? { tls: tlsOpts } : {}) });
    clients.push(c);
    return c;
  }

  const trustAll: tls.ConnectionOptions = { rejectUnauthorized: false, checkServerIdentity: () => undefined };

  async function plaintextAnswer(port: number): Promise<'answered' | 'closed'> {
    const p = await RawPeer.connect(port);
    p.socket.write(encodeCommand(createRequest({ code: CODE, opaque: 7, version: 1 })));
    await p.waitFor(() => p.frames.length > 0 || p.closed, 10_000);
    const r = p.frames.length > 0 && p.frames[0]!.code === ResponseCode.SUCCESS ? 'answered' : 'closed';
    p.end();
    return r;
  }

  async function tlsAnswer(port: number, o: tls.ConnectionOptions = trustAll): Promise<number> {
    const r = await client(o).invoke(`127.0.0.1:${port}`, createRequest({ code: CODE, opaque: 0, version: 1 }), 5000);
    return r.code;
  }

  it('rule: the first byte decides (0x16 = TLS handshake record): disabled closes TLS, enforcing closes plaintext, permissive takes both', () => {
    assert.equal(TLS_HANDSHAKE_RECORD_BYTE, 0x16);
    const plainFirst = 0x00; // a RemotingCommand frame starts with its 4-byte big-endian length
    assert.deepEqual(
      (['disabled', 'permissive', 'enforcing'] as TlsMode[]).map((m) => [m, decideByFirstByte(m, 0x16), decideByFirstByte(m, plainFirst)]),
      [['disabled', 'close', 'plain'], ['permissive', 'tls', 'plain'], ['enforcing', 'tls', 'close']],
    );
  });

  it('rule: permissive mode serves plaintext and TLS clients on the same port', async () => {
    const s = await server(opts('permissive'));
    assert.equal(await plaintextAnswer(s.port), 'answered');
    assert.equal(await tlsAnswer(s.port), ResponseCode.SUCCESS);
  });

  it('rule: enforcing mode closes a plaintext client without answering and serves a TLS client', async () => {
    const s = await server(opts('enforcing'));
    assert.equal(await plaintextAnswer(s.port), 'closed');
    assert.ok(lines.some((l) => l.includes('plaintext client refused')), 'the refusal is logged');
    assert.equal(await tlsAnswer(s.port), ResponseCode.SUCCESS);
  });

  it('rule: a server without the gate (mode disabled) is plaintext only; a TLS client fails', async () => {
    const s = await server(opts('disabled'));
    assert.equal(await plaintextAnswer(s.port), 'answered');
    await assert.rejects(tlsAnswer(s.port));
  });

  it('rule handshakeTimeoutMs: a ClientHello that stalls is closed after the bound, and the server still serves others', async () => {
    const s = await server(opts('enforcing', { handshakeTimeoutMs: 200 }));
    const p = await RawPeer.connect(s.port);
    p.socket.write(Buffer.from([0x16, 0x03, 0x01])); // a TLS record header that never completes
    await p.waitFor(() => p.closed, 10_000);
    assert.ok(lines.some((l) => l.includes('handshakeTimeoutMs=200')), 'the timeout is logged with its bound');
    assert.equal(await tlsAnswer(s.port), ResponseCode.SUCCESS);
  });

  it('rule: a socket that sends nothing waits in the gate no longer than the idle timeout (idleTimeoutMs)', async () => {
    const s = await server(opts('permissive'), 200);
    const p = await RawPeer.connect(s.port);
    await p.waitFor(() => p.closed, 10_000);
    assert.equal(s.connections.size, 0);
  });

  it('rule: sockets still in the gate count toward connectionsMax', async () => {
    const registry = new ProcessorRegistry().register(CODE, (ctx) => createResponse(ctx.request, ResponseCode.SUCCESS, null, 1));
    const s = new RemotingServer({ host: '127.0.0.1', port: 0, registry, logger, version: 1, connectionsMax: 1, tls: opts('permissive') });
    await s.start();
    servers.push(s);
    const silent = await RawPeer.connect(s.port); // accepted, waiting for its first byte
    const second = await RawPeer.connect(s.port);
    second.socket.write(encodeCommand(createRequest({ code: CODE, opaque: 9, version: 1 })));
    await second.waitFor(() => second.closed || second.frames.length > 0, 10_000);
    assert.equal(second.frames[0]?.code, ResponseCode.SYSTEM_BUSY);
    silent.end();
    second.end();
  });

  it('rule: a certificate that cannot be made closes the TLS connection (Java: SslContext is null); plaintext still served', async () => {
    const s = await server(opts('permissive', { context: () => Promise.reject(new Error('no openssl')) }));
    await assert.rejects(tlsAnswer(s.port));
    assert.equal(await plaintextAnswer(s.port), 'answered');
  });

  it('rule tls.server.need.client.auth=require: no client certificate, refused; a certificate from the trusted CA, served', async () => {
    const s = await server(opts('enforcing', { clientAuth: 'require', verifyClient: true }));
    await assert.rejects(tlsAnswer(s.port));
    const withCert = { ...trustAll, cert: fs.readFileSync(pki.clientCert), key: fs.readFileSync(pki.clientKey) };
    assert.equal(await tlsAnswer(s.port, withCert), ResponseCode.SUCCESS);
  });

  it('rule tls.server.authClient=true: a client certificate from an untrusted CA is refused (optional and require)', async () => {
    for (const clientAuth of ['optional', 'require'] as const) {
      const s = await server(opts('enforcing', { clientAuth, verifyClient: true }));
      const stranger = { ...trustAll, cert: fs.readFileSync(pki.strangerCert), key: fs.readFileSync(pki.strangerKey) };
      await assert.rejects(tlsAnswer(s.port, stranger), `${clientAuth}: untrusted client certificate refused`);
    }
    const s = await server(opts('enforcing', { clientAuth: 'optional', verifyClient: true }));
    assert.equal(await tlsAnswer(s.port), ResponseCode.SUCCESS, 'optional: no certificate is fine');
    const trusted = { ...trustAll, cert: fs.readFileSync(pki.clientCert), key: fs.readFileSync(pki.clientKey) };
    assert.equal(await tlsAnswer(s.port, trusted), ResponseCode.SUCCESS, 'optional: a trusted certificate is fine');
  });

  it('rule: the client verifies the server against tls.client.trustCertPath when asked (authServer)', async () => {
    const s = await server(opts('enforcing'));
    const verify = { ca: fs.readFileSync(pki.caCert), rejectUnauthorized: true };
    assert.equal(await tlsAnswer(s.port, verify), ResponseCode.SUCCESS);
    await assert.rejects(tlsAnswer(s.port, { ca: fs.readFileSync(pki.strangerCert), rejectUnauthorized: true }));
  });

  it('rule: the peeked chunk is given back: a plaintext frame split after its first byte is still served', async () => {
    const s = await server(opts('permissive'));
    const frame = encodeCommand(createRequest({ code: CODE, opaque: 11, version: 1 }));
    const p = await RawPeer.connect(s.port);
    p.socket.write(frame.subarray(0, 1)); // the gate sees one byte, then the rest arrives later
    await new Promise((r) => setTimeout(r, 50));
    p.socket.write(frame.subarray(1));
    await p.waitFor(() => p.frames.length > 0 || p.closed, 10_000);
    assert.equal(p.frames[0]?.code, ResponseCode.SUCCESS);
    p.end();
  });

  it('rule: TLS clients that reset their connection (RST) during and after the handshake leave the server serving', async () => {
    const s = await server(opts('enforcing'));
    const rawTo = (): Promise<net.Socket> => new Promise((r) => {
      const raw = net.connect({ host: '127.0.0.1', port: s.port }, () => r(raw));
      raw.on('error', () => undefined);
    });
    for (let i = 0; i < 3; i++) {
      const raw1 = await rawTo();
      const mid = tls.connect({ socket: raw1, ...trustAll });
      mid.on('error', () => undefined);
      raw1.resetAndDestroy(); // the ClientHello is on its way, the handshake not through
      const raw2 = await rawTo();
      const after = tls.connect({ socket: raw2, ...trustAll });
      after.on('error', () => undefined);
      await new Promise<void>((r) => after.once('secureConnect', () => r()));
      raw2.resetAndDestroy();
    }
    assert.equal(await tlsAnswer(s.port), ResponseCode.SUCCESS);
  });

  it('rule: close() ends sockets still in the gate (waiting for a first byte or in a handshake)', async () => {
    const s = await server(opts('enforcing', { handshakeTimeoutMs: 600_000 }));
    const silent = await RawPeer.connect(s.port);
    const stalled = await RawPeer.connect(s.port);
    stalled.socket.write(Buffer.from([0x16, 0x03, 0x01]));
    await stalled.waitFor(() => s.admittingCount === 2);
    await s.close();
    servers.splice(servers.indexOf(s), 1);
    await silent.waitFor(() => silent.closed, 10_000);
    await stalled.waitFor(() => stalled.closed, 10_000);
  });
});
