import { strict as assert } from 'node:assert';
import pino from 'pino';
import { createRequest, createResponse, encodeCommand } from '../../protocol/command';
import { ResponseCode } from '../../protocol/codes';
import { REFUSED_CONNECTIONS_ANSWERED_MAX } from './limits';
import { ProcessorRegistry } from './processor';
import { RemotingServer } from './server';
import { RawPeer } from './testing/raw-peer';

describe('connections beyond connectionsMax (ConnectionRefuser)', () => {
  it(`rule REFUSED_CONNECTIONS_ANSWERED_MAX (${REFUSED_CONNECTIONS_ANSWERED_MAX}): more refused sockets than that are closed at once; the log line is rate-limited`, async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (s: string) => void lines.push(s) });
    const registry = new ProcessorRegistry().register(105, (ctx) => createResponse(ctx.request, ResponseCode.SUCCESS, null, 1));
    const server = new RemotingServer({ host: '127.0.0.1', port: 0, registry, logger, version: 1, connectionsMax: 1 });
    await server.start();
    const peers: RawPeer[] = [];
    try {
      const served = await RawPeer.connect(server.port);
      peers.push(served);
      const extra = REFUSED_CONNECTIONS_ANSWERED_MAX + 6;
      for (let i = 0; i < extra; i++) peers.push(await RawPeer.connect(server.port));
      await served.waitFor(() => server.refuser.refusedTotal === extra);
      assert.equal(server.refuser.answeringCount, REFUSED_CONNECTIONS_ANSWERED_MAX);
      const closedAtOnce = peers.slice(1 + REFUSED_CONNECTIONS_ANSWERED_MAX);
      for (const p of closedAtOnce) await p.waitFor(() => p.closed);
      // One of the kept ones still gets its answer.
      const kept = peers[1]!;
      kept.socket.write(encodeCommand(createRequest({ code: 105, opaque: 5, version: 1 })));
      await kept.waitFor(() => kept.closed);
      assert.equal(kept.frames[0]?.code, ResponseCode.SYSTEM_BUSY);
      // The served one is untouched.
      served.socket.write(encodeCommand(createRequest({ code: 105, opaque: 6, version: 1 })));
      await served.waitFor(() => served.frames.length === 1);
      assert.equal(served.frames[0]!.code, ResponseCode.SUCCESS);
      assert.equal(lines.filter((l) => l.includes('connectionsMax 1 reached')).length, 1, 'one log line for the burst');
    } finally {
      for (const p of peers) p.end();
      await server.close();
    }
  });
});
