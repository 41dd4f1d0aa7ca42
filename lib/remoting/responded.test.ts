import { strict as assert } from 'node:assert';
import { createRequest, createResponse, type RemotingCommand } from '../../protocol/command';
import { silentLogger } from '../common';
import { RemotingClient } from './client';
import { ProcessorRegistry, SUSPENDED } from './processor';
import { RemotingServer } from './server';

/**
 * The onResponded observer (rpc latency metrics, Java NettyRemotingAbstract#writeResponse): told once per answered
 * request, with `suspended` for a request a processor held and answered later, and `oneway` when nothing is written.
 */
describe('lib/remoting onResponded observer', () => {
  it('reports direct, held (suspended) and oneway requests once each, with their response codes', async () => {
    const seen: { code: number; response: number; suspended: boolean; oneway: boolean }[] = [];
    let held: { request: RemotingCommand; answer: (c: RemotingCommand) => void } | undefined;
    let onewayDone: () => void = () => undefined;
    const onewaySeen = new Promise<void>((r) => (onewayDone = r));
    const reg = new ProcessorRegistry()
      .register(10, (ctx) => createResponse(ctx.request, 0, null, 0))
      .register(11, (ctx) => {
        held = { request: ctx.request, answer: (c) => ctx.connection.respond(ctx.request, c) };
        return SUSPENDED;
      })
      .register(12, (ctx) => createResponse(ctx.request, 1, 'x', 0));
    const server = new RemotingServer({
      host: '127.0.0.1',
      port: 0,
      registry: reg,
      logger: silentLogger(),
      version: 0,
      onResponded: (request, response, startedAt, suspended, oneway) => {
        assert.ok(startedAt <= Date.now());
        seen.push({ code: request.code, response: response.code, suspended, oneway });
        if (oneway) onewayDone();
      },
    });
    await server.start();
    const client = new RemotingClient({ logger: silentLogger(), version: 0 });
    try {
      const addr = `127.0.0.1:${server.port}`;
      await client.invoke(addr, createRequest({ code: 10, opaque: 0, version: 0 }), 5000);
      const later = client.invoke(addr, createRequest({ code: 11, opaque: 0, version: 0 }), 5000);
      while (held === undefined) await new Promise((r) => setTimeout(r, 5));
      held.answer(createResponse(held.request, 0, null, 0));
      await later;
      await client.invokeOneway(addr, createRequest({ code: 12, opaque: 0, version: 0 }));
      await onewaySeen;
      assert.deepEqual(seen, [
        { code: 10, response: 0, suspended: false, oneway: false },
        { code: 11, response: 0, suspended: true, oneway: false },
        { code: 12, response: 1, suspended: false, oneway: true },
      ]);
    } finally {
      client.close();
      await server.close();
    }
  });
});
