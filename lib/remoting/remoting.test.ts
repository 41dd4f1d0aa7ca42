import { strict as assert } from 'node:assert';
import { createRequest, createResponse, encodeCommand, SerializeType } from '../../protocol/command';
import { ResponseCode } from '../../protocol/codes';
import { silentLogger } from '../common';
import { RemotingClient } from './client';
import { RemotingError } from './errors';
import { ProcessorRegistry, SUSPENDED, type RequestContext } from './processor';
import { RemotingServer } from './server';
import { RawPeer } from './testing/raw-peer';
import type { ConnectionLimits } from './limits';

const VERSION = 513;

async function startServer(registry: ProcessorRegistry, limits: Partial<ConnectionLimits> = {}, connectionsMax?: number): Promise<RemotingServer> {
  const s = new RemotingServer({ host: '127.0.0.1', port: 0, registry, logger: silentLogger(), version: VERSION, limits, ...(connectionsMax ? { connectionsMax } : {}) });
  await s.start();
  return s;
}


function echoRegistry(): ProcessorRegistry {
  return new ProcessorRegistry().register(105, (ctx: RequestContext) => {
    const topic = ctx.request.extFields?.get('topic') ?? '';
    return createResponse(ctx.request, ResponseCode.SUCCESS, null, VERSION, new Map([['echo', topic]]), Buffer.from(`route:${topic}`));
  });
}

describe('lib/remoting over real sockets', () => {
  let server: RemotingServer;
  afterEach(async () => {
    if (server) await server.close();
  });

  it('a raw-frame client gets answers in both serializations, mirrored, with its opaque', async () => {
    server = await startServer(echoRegistry());
    const peer = await RawPeer.connect(server.port);
    // Hand-made ROCKETMQ frame (protocol reference 8.2) and a hand-made Go-style JSON frame (8.1).
    const bin = Buffer.from(
      '0000002d' + '01000029' + '0069' + '00' + '0191' + '00000007' + '00000000' + '00000000' + '00000014' +
        '0005' + Buffer.from('topic').toString('hex') + '00000009' + Buffer.from('TopicTest').toString('hex'),
      'hex',
    );
    const json = Buffer.from('{"code":105,"language":"GO","version":317,"opaque":-3,"flag":0,"remark":"","extFields":{"topic":"T2"}}');
    const jf = Buffer.alloc(8);
    jf.writeInt32BE(4 + json.length, 0);
    jf.writeInt32BE(json.length, 4);
    peer.socket.write(bin);
    peer.socket.write(Buffer.concat([jf, json]));
    await peer.waitFor(() => peer.frames.length === 2);
    const [a, b] = peer.frames;
    assert.equal(a!.serializeType, SerializeType.ROCKETMQ);
    assert.equal(a!.opaque, 7);
    assert.equal(a!.flag & 1, 1);
    assert.equal(a!.version, VERSION);
    assert.equal(a!.extFields!.get('echo'), 'TopicTest');
    assert.equal(a!.body!.toString(), 'route:TopicTest');
    assert.equal(b!.serializeType, SerializeType.JSON);
    assert.equal(b!.opaque, -3);
    assert.equal(b!.body!.toString(), 'route:T2');
    peer.end();
  });

  it('answers an unknown code with REQUEST_CODE_NOT_SUPPORTED, same opaque, Java remark', async () => {
    server = await startServer(new ProcessorRegistry());
    const peer = await RawPeer.connect(server.port);
    peer.socket.write(encodeCommand(createRequest({ code: 9999, opaque: 77, version: 401 })));
    await peer.waitFor(() => peer.frames.length === 1);
    assert.equal(peer.frames[0]!.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    assert.equal(peer.frames[0]!.opaque, 77);
    assert.equal(peer.frames[0]!.remark, ' request type 9999 not supported');
    peer.end();
  });

  it('writes nothing back for a oneway request, but runs its processor', async () => {
    let calls = 0;
    const reg = echoRegistry().register(15, (ctx) => {
      calls++;
      return createResponse(ctx.request, 0, null, VERSION);
    });
    server = await startServer(reg);
    const peer = await RawPeer.connect(server.port);
    peer.socket.write(encodeCommand(createRequest({ code: 15, opaque: 1, version: 1, oneway: true })));
    peer.socket.write(encodeCommand(createRequest({ code: 105, opaque: 2, version: 1, extFields: new Map([['topic', 'x']]) })));
    await peer.waitFor(() => peer.frames.length === 1);
    assert.equal(peer.frames[0]!.opaque, 2);
    assert.equal(calls, 1);
    peer.end();
  });

  it('accepts frames fed one byte at a time', async () => {
    server = await startServer(echoRegistry());
    const peer = await RawPeer.connect(server.port);
    const f = encodeCommand(createRequest({ code: 105, opaque: 9, version: 1, extFields: new Map([['topic', 'slow']]) }));
    for (const byte of f) {
      peer.socket.write(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    await peer.waitFor(() => peer.frames.length === 1);
    assert.equal(peer.frames[0]!.extFields!.get('echo'), 'slow');
    peer.end();
  });

  it('a processor that throws yields SYSTEM_ERROR and the connection goes on', async () => {
    const reg = echoRegistry().register(11, () => {
      throw new Error('boom');
    });
    server = await startServer(reg);
    const client = new RemotingClient({ logger: silentLogger(), version: 401 });
    const addr = `127.0.0.1:${server.port}`;
    const r1 = await client.invoke(addr, createRequest({ code: 11, opaque: 0, version: 401 }), 2000);
    assert.equal(r1.code, ResponseCode.SYSTEM_ERROR);
    assert.match(r1.remark!, /boom/);
    const r2 = await client.invoke(addr, createRequest({ code: 105, opaque: 0, version: 401, extFields: new Map([['topic', 'a']]) }), 2000);
    assert.equal(r2.code, 0);
    client.close();
  });

  it('SUSPENDED processors answer later; other requests on the same connection are not blocked', async () => {
    const parked: RequestContext[] = [];
    const reg = echoRegistry().register(11, (ctx) => {
      parked.push(ctx);
      return SUSPENDED;
    });
    server = await startServer(reg);
    const client = new RemotingClient({ logger: silentLogger(), version: 401 });
    const addr = `127.0.0.1:${server.port}`;
    const held = client.invoke(addr, createRequest({ code: 11, opaque: 0, version: 401 }), 5000);
    const quick = await client.invoke(addr, createRequest({ code: 105, opaque: 0, version: 401, extFields: new Map([['topic', 'q']]) }), 2000);
    assert.equal(quick.code, 0);
    assert.equal(parked.length, 1);
    const ctx = parked[0]!;
    ctx.connection.respond(ctx.request, createResponse(ctx.request, ResponseCode.PULL_NOT_FOUND, null, VERSION));
    assert.equal((await held).code, ResponseCode.PULL_NOT_FOUND);
    client.close();
  });

  it('server-initiated requests reach the client registry and come back', async () => {
    server = await startServer(echoRegistry());
    const clientReg = new ProcessorRegistry().register(40, (ctx) =>
      createResponse(ctx.request, 0, `got ${ctx.request.extFields?.get('consumerGroup')}`, 401),
    );
    const client = new RemotingClient({ logger: silentLogger(), version: 401, registry: clientReg });
    const addr = `127.0.0.1:${server.port}`;
    await client.invoke(addr, createRequest({ code: 105, opaque: 0, version: 401, extFields: new Map([['topic', 'x']]) }), 2000);
    const [conn] = [...server.connections];
    const res = await conn!.invoke(createRequest({ code: 40, opaque: 0, version: VERSION, extFields: new Map([['consumerGroup', 'g1']]) }), 2000);
    assert.equal(res.remark, 'got g1');
    client.close();
  });

  it('rule pendingRequestsMax and TIMEOUT: unanswered requests time out, and the table is bounded', async () => {
    const reg = new ProcessorRegistry().register(11, () => SUSPENDED);
    server = await startServer(reg);
    const client = new RemotingClient({ logger: silentLogger(), version: 401, limits: { pendingRequestsMax: 2 } });
    const addr = `127.0.0.1:${server.port}`;
    const a = client.invoke(addr, createRequest({ code: 11, opaque: 0, version: 401 }), 200);
    const b = client.invoke(addr, createRequest({ code: 11, opaque: 0, version: 401 }), 200);
    await new Promise((r) => setTimeout(r, 20));
    await assert.rejects(client.invoke(addr, createRequest({ code: 11, opaque: 0, version: 401 }), 200), (e: unknown) => e instanceof RemotingError && e.kind === 'PENDING_FULL');
    await assert.rejects(a, (e: unknown) => e instanceof RemotingError && e.kind === 'TIMEOUT');
    await assert.rejects(b, (e: unknown) => e instanceof RemotingError && e.kind === 'TIMEOUT');
    client.close();
  });

  it('rule inFlightRequestsMax: reading pauses while a peer has too many requests in processing', async () => {
    const held: RequestContext[] = [];
    const resolvers: (() => void)[] = [];
    const reg2 = new ProcessorRegistry().register(
      11,
      (ctx) =>
        new Promise((resolve) => {
          held.push(ctx);
          resolvers.push(() => resolve(createResponse(ctx.request, 0, null, VERSION)));
        }),
    );
    server = await startServer(reg2, { inFlightRequestsMax: 3 });
    const peer = await RawPeer.connect(server.port);
    const frames = [];
    for (let i = 0; i < 10; i++) frames.push(encodeCommand(createRequest({ code: 11, opaque: i, version: 1 })));
    peer.socket.write(Buffer.concat(frames));
    await peer.waitFor(() => held.length === 3);
    // Frames already read in the same chunk wait in the backlog: never more than 3 requests in processing.
    peer.socket.write(encodeCommand(createRequest({ code: 11, opaque: 100, version: 1 })));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(held.length, 3, 'no further request is processed while paused');
    while (peer.frames.length < 11) {
      assert.ok(resolvers.length <= 3, `${resolvers.length} requests in processing`);
      for (const r of resolvers.splice(0)) r();
      await peer.waitFor(() => resolvers.length > 0 || peer.frames.length === 11);
    }
    assert.deepEqual(peer.frames.map((f) => f.opaque), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100]);
    peer.end();
  });

  it('rule idleTimeoutMs: an idle connection is closed', async () => {
    server = await startServer(echoRegistry(), { idleTimeoutMs: 150 });
    const peer = await RawPeer.connect(server.port);
    await peer.waitFor(() => peer.closed, 2000);
    assert.equal(server.connections.size, 0);
  });

  it('rule connectionsMax: a connection beyond the limit gets its first request answered SYSTEM_BUSY naming the setting, then is closed', async () => {
    server = await startServer(echoRegistry(), {}, 1);
    const a = await RawPeer.connect(server.port);
    const b = await RawPeer.connect(server.port);
    b.socket.write(encodeCommand(createRequest({ code: 11, opaque: 7, version: 1 })));
    await b.waitFor(() => b.closed, 4000);
    assert.equal(b.frames.length, 1);
    assert.equal(b.frames[0]!.code, ResponseCode.SYSTEM_BUSY);
    assert.equal(b.frames[0]!.opaque, 7);
    assert.match(b.frames[0]!.remark ?? '', /connectionsMax/);
    a.socket.write(encodeCommand(createRequest({ code: 11, opaque: 8, version: 1 })));
    await a.waitFor(() => a.frames.length === 1);
    assert.equal(a.closed, false);
    assert.equal(server.refuser.refusedTotal, 1);
    a.end();
  });

  describe('bad input closes only the offending connection', () => {
    const bad: [string, Buffer][] = [
      ['a frame over frameSizeMax', Buffer.from('01000001', 'hex')],
      ['a header length past the frame', Buffer.from('0000000800000100aaaaaaaa', 'hex')],
      ['an unknown serialize type', Buffer.from('0000000805000000aaaaaaaa', 'hex')],
      ['bad JSON', Buffer.concat([Buffer.from('0000000700000003', 'hex'), Buffer.from('{"c')])],
      ['a truncated binary header', Buffer.from('000000080100000400690000', 'hex')],
      ['a negative length', Buffer.from('ffffffff', 'hex')],
    ];
    for (const [name, bytes] of bad) {
      it(name, async () => {
        server = await startServer(echoRegistry());
        const good = await RawPeer.connect(server.port);
        const evil = await RawPeer.connect(server.port);
        evil.socket.write(bytes);
        await evil.waitFor(() => evil.closed, 2000);
        good.socket.write(encodeCommand(createRequest({ code: 105, opaque: 5, version: 1, extFields: new Map([['topic', 'still']]) })));
        await good.waitFor(() => good.frames.length === 1);
        assert.equal(good.frames[0]!.extFields!.get('echo'), 'still');
        good.end();
      });
    }
  });
});
