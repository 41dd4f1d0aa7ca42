import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { createRequest, createResponse, decodeCommand, encodeCommand } from '../../protocol/command';
import { FrameDecoder } from '../../protocol/frame';
import { silentLogger } from '../common';
import { READ_BURST_PART_FRAMES_MIN, ReadFlow } from './flow-control';
import { DEFAULT_CONNECTION_LIMITS } from './limits';
import { ProcessorRegistry } from './processor';
import { RemotingServer } from './server';

/**
 * Sends `n` requests in one write and returns, for each request in the order processed, how many bytes of answers
 * the server had handed to the kernel when it processed it (0 for every request of the first part).
 */
async function burst(n: number, readBurstParts: number | undefined): Promise<{ writtenAtProcess: number[]; answered: number[] }> {
  const writtenAtProcess: number[] = [];
  const registry = new ProcessorRegistry().register(1, (ctx) => {
    writtenAtProcess.push(ctx.connection.socket.bytesWritten - ctx.connection.socket.writableLength); // handed to the kernel
    return createResponse(ctx.request, 0, null, 1);
  });
  const server = new RemotingServer({ host: '127.0.0.1', port: 0, registry, logger: silentLogger(), version: 1, ...(readBurstParts !== undefined ? { limits: { readBurstParts } } : {}) });
  await server.start();
  const s = net.connect({ host: '127.0.0.1', port: server.port });
  try {
    await new Promise((r) => s.once('connect', r));
    const answered: number[] = [];
    const dec = new FrameDecoder();
    s.on('data', (c: Buffer) => dec.push(c, (p) => answered.push(decodeCommand(Buffer.from(p)).opaque)));
    s.write(Buffer.concat(Array.from({ length: n }, (_, i) => encodeCommand(createRequest({ code: 1, opaque: i, version: 1 })))));
    const deadline = Date.now() + 10_000;
    while (answered.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return { writtenAtProcess, answered };
  } finally {
    s.destroy();
    await server.close();
  }
}

describe('rule readBurstParts (the requests of one read are processed in parts, one per event-loop turn)', () => {
  it('clients default to 1; servers take 2 from the config schemas; a part holds at least 8 requests', async () => {
    assert.equal(DEFAULT_CONNECTION_LIMITS.readBurstParts, 1);
    const { RemotingLimitsSchema } = await import('../common/netty-config');
    assert.equal(RemotingLimitsSchema.readBurstParts.default, 2);
    assert.equal(READ_BURST_PART_FRAMES_MIN, 8);
  });

  it('2 parts: the first half of 16 requests is answered on the socket before the second half is processed; all answered in order', async () => {
    const r = await burst(16, 2);
    assert.deepEqual(r.answered, Array.from({ length: 16 }, (_, i) => i));
    assert.equal(r.writtenAtProcess.length, 16);
    assert.deepEqual(r.writtenAtProcess.slice(0, 8), new Array(8).fill(0), 'the first part runs before any answer is written');
    const second = r.writtenAtProcess.slice(8);
    assert.ok(second.every((b) => b === second[0] && b > 0), `the second part sees the first part's 8 answers written: ${second.join(',')}`);
  });

  it('1 part: every request of the read is processed in the same turn, before any answer is written', async () => {
    const r = await burst(16, 1);
    assert.deepEqual(r.answered, Array.from({ length: 16 }, (_, i) => i));
    assert.deepEqual(r.writtenAtProcess, new Array(16).fill(0));
  });

  it('a read of at most READ_BURST_PART_FRAMES_MIN requests is one part; 17 requests in 2 parts are 9 then 8', async () => {
    const small = await burst(READ_BURST_PART_FRAMES_MIN, 2);
    assert.deepEqual(small.writtenAtProcess, new Array(READ_BURST_PART_FRAMES_MIN).fill(0));
    const odd = await burst(17, 2);
    assert.deepEqual(odd.answered, Array.from({ length: 17 }, (_, i) => i));
    assert.deepEqual(odd.writtenAtProcess.slice(0, 9), new Array(9).fill(0));
    assert.ok(odd.writtenAtProcess.slice(9).every((b) => b > 0), odd.writtenAtProcess.join(','));
  });

  it('4 parts of 64 requests: 16 per turn, the answers written grow part by part', async () => {
    const r = await burst(64, 4);
    assert.deepEqual(r.answered, Array.from({ length: 64 }, (_, i) => i));
    const perPart = [0, 16, 32, 48].map((i) => r.writtenAtProcess[i]!);
    assert.equal(perPart[0], 0);
    for (let p = 0; p < 4; p++) assert.ok(r.writtenAtProcess.slice(p * 16, p * 16 + 16).every((b) => b === perPart[p]), `part ${p}: ${r.writtenAtProcess.slice(p * 16, p * 16 + 16).join(',')}`);
    assert.ok(perPart[1]! > 0 && perPart[2]! > perPart[1]! && perPart[3]! > perPart[2]!, perPart.join(','));
  });
});

describe('rule readBurstParts: a peer that closes right after a burst', () => {
  it('every oneway request of a read followed by the peer closing its side is processed (none left in a later part)', async () => {
    let processed = 0;
    const registry = new ProcessorRegistry().register(1, (ctx) => {
      processed++;
      return createResponse(ctx.request, 0, null, 1); // not written: the requests are oneway
    });
    const server = new RemotingServer({ host: '127.0.0.1', port: 0, registry, logger: silentLogger(), version: 1, limits: { readBurstParts: 4 } });
    await server.start();
    try {
      for (const n of [16, 64]) {
        processed = 0;
        const s = net.connect({ host: '127.0.0.1', port: server.port });
        await new Promise((r) => s.once('connect', r));
        const frames = Array.from({ length: n }, (_, i) => encodeCommand(createRequest({ code: 1, opaque: i, version: 1, oneway: true })));
        s.end(Buffer.concat(frames)); // the requests and the FIN together
        await new Promise((r) => s.once('close', r));
        const deadline = Date.now() + 5000;
        while (processed < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        assert.equal(processed, n, `${n} oneway requests then FIN`);
      }
    } finally {
      await server.close();
    }
  });
});

describe('rule readBurstParts: a peer that keeps writing during a burst', () => {
  it('a read during a burst raises the part size to half of what waits, so the backlog cannot outgrow the parts', async () => {
    const processed: number[] = [];
    const flow = new ReadFlow({
      owner: { closed: false, heldBytes: 0, remoteAddress: '127.0.0.1:1', close: () => undefined, setBudgetPaused: () => undefined },
      socket: { pause: () => undefined, resume: () => undefined },
      limits: { ...DEFAULT_CONNECTION_LIMITS, readBurstParts: 2 },
      logger: silentLogger(),
      budget: undefined,
      onFrame: (p) => processed.push(p.readUInt32BE(0)),
      onDecodeError: (e) => assert.fail(String(e)),
    });
    const frame = (i: number): Buffer => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(i);
      return b;
    };
    let next = 0;
    const read = (n: number): void => {
      for (let i = 0; i < n; i++) flow.onFrameOrQueue(frame(next++));
      flow.endOfRead();
    };
    const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
    read(20); // a burst of 20: parts of max(8, 10) = 10
    assert.equal(processed.length, 10);
    read(100); // before the next turn 110 wait: the part grows to 55 (the turn queued after the first part takes them)
    assert.equal(processed.length, 10, 'the rest waits for its turn');
    await turn();
    assert.equal(processed.length, 10 + 55);
    await turn();
    assert.equal(processed.length, 120);
    assert.deepEqual(processed, Array.from({ length: 120 }, (_, i) => i), 'in order');
    read(3); // a new burst: its own part size
    assert.equal(processed.length, 123);
  });
});
