import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { createRequest, createResponse, decodeCommand, encodeCommand } from '../../protocol/command';
import { FrameDecoder } from '../../protocol/frame';
import { silentLogger } from '../common';
import { DEFAULT_CONNECTION_LIMITS } from './limits';
import { ProcessorRegistry } from './processor';
import { RemotingServer } from './server';

describe('rule writeBufferHighBytes (Java: autoRead off while the channel is not writable)', () => {
  it('defaults to Netty 64 KiB; a peer that does not read stops having its requests processed; once it reads, all are answered in order', async () => {
    assert.equal(DEFAULT_CONNECTION_LIMITS.writeBufferHighBytes, 64 * 1024);
    let processed = 0;
    const registry = new ProcessorRegistry().register(1, (ctx) => {
      processed++;
      return createResponse(ctx.request, 0, null, 1, null, Buffer.alloc(1024 * 1024));
    });
    const server = new RemotingServer({ host: '127.0.0.1', port: 0, registry, logger: silentLogger(), version: 1 });
    await server.start();
    const s = net.connect({ host: '127.0.0.1', port: server.port });
    try {
      await new Promise((r) => s.once('connect', r));
      s.pause();
      const n = 100; // 100 MiB of answers asked
      s.write(Buffer.concat(Array.from({ length: n }, (_, i) => encodeCommand(createRequest({ code: 1, opaque: i, version: 1 })))));
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(processed < n / 2, `${processed} of ${n} processed while the peer reads nothing (the kernel's socket buffers take a few)`);
      const opaques: number[] = [];
      const dec = new FrameDecoder();
      s.on('data', (c: Buffer) => dec.push(c, (p) => opaques.push(decodeCommand(Buffer.from(p)).opaque)));
      s.resume();
      const deadline = Date.now() + 15_000;
      while (opaques.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(opaques, Array.from({ length: n }, (_, i) => i));
    } finally {
      s.destroy();
      await server.close();
    }
  });
});
