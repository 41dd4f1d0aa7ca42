import { strict as assert } from 'node:assert';
import pino from 'pino';
import { createRequest, decodeCommand, encodeCommand, DEFAULT_HEADER_LIMITS, SerializeType } from '../../protocol/command';
import { ResponseCode } from '../../protocol/codes';
import { isProtocolError } from '../../protocol/errors';
import { createResponse } from '../../protocol/command';
import { ProcessorRegistry } from './processor';
import { RemotingServer } from './server';
import { RawPeer } from './testing/raw-peer';

/** A ROCKETMQ (binary) request frame with `fields` extFields "kN"="v", built by hand (totalLength included). */
function binaryFrame(fields: number, opaque = 1): Buffer {
  const ext: Buffer[] = [];
  for (let i = 0; i < fields; i++) {
    const k = Buffer.from(`k${i}`);
    const e = Buffer.alloc(2 + k.length + 4 + 1);
    e.writeInt16BE(k.length, 0);
    k.copy(e, 2);
    e.writeInt32BE(1, 2 + k.length);
    e.write('v', 6 + k.length);
    ext.push(e);
  }
  const extBuf = Buffer.concat(ext);
  const head = Buffer.alloc(2 + 1 + 2 + 4 + 4 + 4 + 4);
  head.writeInt16BE(105, 0); // GET_ROUTEINFO_BY_TOPIC
  head.writeUInt8(0, 2);
  head.writeInt16BE(1, 3);
  head.writeInt32BE(opaque, 5);
  head.writeInt32BE(0, 9); // flag
  head.writeInt32BE(0, 13); // remark length
  head.writeInt32BE(extBuf.length, 17);
  const headerLen = head.length + extBuf.length;
  const prefix = Buffer.alloc(8);
  prefix.writeInt32BE(4 + headerLen, 0);
  prefix.writeInt32BE((SerializeType.ROCKETMQ << 24) | headerLen, 4);
  return Buffer.concat([prefix, head, extBuf]);
}

function jsonFrame(fields: number): Buffer {
  const ext: Record<string, string> = {};
  for (let i = 0; i < fields; i++) ext[`k${i}`] = 'v';
  const header = Buffer.from(JSON.stringify({ code: 105, language: 'JAVA', version: 1, opaque: 1, flag: 0, extFields: ext }));
  const prefix = Buffer.alloc(8);
  prefix.writeInt32BE(4 + header.length, 0);
  prefix.writeInt32BE(header.length, 4);
  return Buffer.concat([prefix, header]);
}

const tooLarge = (e: unknown): boolean => isProtocolError(e) && e.kind === 'HEADER_TOO_LARGE';

describe('header limits (headerBytesMax, headerFieldsMax)', () => {
  const limits = { headerBytesMax: 4096, headerFieldsMax: 10 };

  it('rule headerFieldsMax: a header with one field too many is refused, at the limit it decodes (binary and JSON)', () => {
    assert.equal(decodeCommand(binaryFrame(10).subarray(4), limits).extFields?.size, 10);
    assert.throws(() => decodeCommand(binaryFrame(11).subarray(4), limits), tooLarge);
    assert.equal(decodeCommand(jsonFrame(10).subarray(4), limits).extFields?.size, 10);
    assert.throws(() => decodeCommand(jsonFrame(11).subarray(4), limits), tooLarge);
  });

  it('rule headerBytesMax: a header longer than the limit is refused before it is parsed', () => {
    const big = binaryFrame(600); // > 4096 bytes, fields not even counted
    assert.ok(big.length > 4096 + 8);
    assert.throws(() => decodeCommand(big.subarray(4), { headerBytesMax: 4096, headerFieldsMax: 1_000_000 }), tooLarge);
    assert.throws(() => decodeCommand(jsonFrame(600).subarray(4), { headerBytesMax: 4096, headerFieldsMax: 1_000_000 }), tooLarge);
  });

  it('defaults: 1 MiB and 1024 fields; a legitimate large header (30 KiB properties) passes', () => {
    assert.deepEqual(DEFAULT_HEADER_LIMITS, { headerBytesMax: 1024 * 1024, headerFieldsMax: 1024 });
    const req = createRequest({ code: 10, opaque: 1, version: 1, extFields: new Map([['properties', 'x'.repeat(30_000)]]) });
    assert.equal(decodeCommand(encodeCommand(req).subarray(4), DEFAULT_HEADER_LIMITS).extFields?.get('properties')?.length, 30_000);
  });

  it('five 4 MB headers with 300k fields close the sender with a clear log line; another client is answered meanwhile', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (s: string) => void lines.push(s) });
    const answered: string[] = [];
    const registry = new ProcessorRegistry().register(105, (ctx) => {
      answered.push(ctx.connection.remoteAddress);
      return createResponse(ctx.request, ResponseCode.SUCCESS, null, 1);
    });
    const server = new RemotingServer({ host: '127.0.0.1', port: 0, registry, logger, version: 1 });
    await server.start();
    try {
      const frame = binaryFrame(300_000);
      assert.ok(frame.length > 4_000_000 && frame.length < 16 * 1024 * 1024);
      const attacker = await RawPeer.connect(server.port);
      const victim = await RawPeer.connect(server.port);
      for (let i = 0; i < 5; i++) attacker.socket.write(frame);
      for (let i = 0; i < 20; i++) victim.socket.write(binaryFrame(3, 100 + i));
      await attacker.waitFor(() => attacker.closed, 10_000);
      await victim.waitFor(() => victim.frames.length === 20, 10_000);
      assert.equal(attacker.frames.length, 0, 'the attacker gets no answer');
      assert.deepEqual(victim.frames.map((f) => f.opaque), Array.from({ length: 20 }, (_, i) => 100 + i));
      assert.equal(victim.closed, false);
      assert.equal(answered.length, 20, 'only the victim reached a processor');
      assert.ok(lines.some((l) => l.includes('HEADER_TOO_LARGE') && l.includes('headerBytesMax')), lines.join('\n'));
      victim.end();
    } finally {
      await server.close();
    }
  });
});
