import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ProtocolError } from '../errors';
import { LanguageCode } from '../codes';
import { createRequest, createResponse, decodeCommand, decodeFrame, encodeCommand, encodeCommandParts } from './command';
import { SerializeType, FLAG_ONEWAY, FLAG_RESPONSE, isOneway, isResponse, type RemotingCommand } from './types';

const arbString = fc.string({ unit: 'binary', maxLength: 40 });
const arbExt = fc.option(
  fc.array(fc.tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 40 })), { maxLength: 8 }),
  { nil: null },
);

function arbCommand(type: SerializeType): fc.Arbitrary<RemotingCommand> {
  const int16 = fc.integer({ min: -32768, max: 32767 });
  const int32 = fc.integer({ min: -2147483648, max: 2147483647 });
  return fc.record({
    code: type === SerializeType.ROCKETMQ ? int16 : int32,
    language: fc.integer({ min: 0, max: 13 }),
    version: type === SerializeType.ROCKETMQ ? int16 : int32,
    opaque: int32,
    flag: int32,
    // Binary encodes an empty remark as absent, as Java does.
    remark: fc.option(type === SerializeType.ROCKETMQ ? arbString.filter((s) => s.length > 0) : arbString, { nil: null }),
    extFields: arbExt.map((e) => (e === null ? null : new Map(e))),
    body: fc.option(fc.uint8Array({ minLength: 1, maxLength: 64 }).map((u) => Buffer.from(u)), { nil: null }),
    serializeType: fc.constant(type),
  });
}

function normalize(c: RemotingCommand): RemotingCommand {
  // Binary encoding of an ext field map that is empty decodes as null (extLen 0), as in Java.
  const ext = c.extFields !== null && c.extFields.size === 0 && c.serializeType === SerializeType.ROCKETMQ ? null : c.extFields;
  return { ...c, extFields: ext };
}

describe('protocol/command RemotingCommand codec', () => {
  for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
    const name = type === SerializeType.JSON ? 'JSON' : 'ROCKETMQ';
    it(`property: ${name} encode -> decode is the identity`, () => {
      fc.assert(
        fc.property(arbCommand(type), (cmd) => {
          const frame = encodeCommand(cmd);
          assert.equal(frame.readInt32BE(0), frame.length - 4);
          assert.equal(frame.readUInt8(4), type);
          const back = decodeFrame(frame);
          // Decoded fields are a HeaderFields (a Map by interface): compared as their Map.
          assert.deepEqual({ ...back, extFields: back.extFields === null ? null : new Map(back.extFields) }, normalize(cmd));
        }),
        { numRuns: 500 },
      );
    });
  }

  it('encodes the protocol reference example 8.2 byte for byte (ROCKETMQ, GET_ROUTEINFO_BY_TOPIC)', () => {
    const cmd = createRequest({
      code: 105,
      opaque: 7,
      version: 401,
      extFields: new Map([['topic', 'TopicTest']]),
      serializeType: SerializeType.ROCKETMQ,
    });
    const expected =
      '0000002d' + '01000029' + '0069' + '00' + '0191' + '00000007' + '00000000' + '00000000' + '00000014' +
      '0005' + Buffer.from('topic').toString('hex') + '00000009' + Buffer.from('TopicTest').toString('hex');
    assert.equal(encodeCommand(cmd).toString('hex'), expected);
  });

  it('decodes the Go client JSON header layout (example 8.1)', () => {
    const json = '{"code":105,"language":"GO","version":317,"opaque":1,"flag":0,"remark":"","extFields":{"topic":"TopicTest"}}';
    const h = Buffer.from(json);
    const frame = Buffer.alloc(8 + h.length);
    frame.writeInt32BE(4 + h.length, 0);
    frame.writeInt32BE(h.length, 4);
    h.copy(frame, 8);
    const cmd = decodeFrame(frame);
    assert.equal(cmd.code, 105);
    assert.equal(cmd.language, LanguageCode.GO);
    assert.equal(cmd.version, 317);
    assert.equal(cmd.remark, '');
    assert.deepEqual([...cmd.extFields!], [['topic', 'TopicTest']]);
    assert.equal(cmd.body, null);
  });

  it('JSON header: accepts language as a number, numeric strings, extra keys; writes fastjson key order', () => {
    const h = Buffer.from('{"opaque":"5","language":9,"code":"34","extra":[1],"serializeTypeCurrentRPC":"JSON"}');
    const payload = Buffer.alloc(4 + h.length);
    payload.writeInt32BE(h.length, 0);
    h.copy(payload, 4);
    const cmd = decodeCommand(payload);
    assert.equal(cmd.opaque, 5);
    assert.equal(cmd.code, 34);
    assert.equal(cmd.language, LanguageCode.GO);
    const res = createResponse(cmd, 0, 'ok', 513, new Map([['k', 'v']]));
    const text = encodeCommand(res).subarray(8).toString();
    assert.equal(
      text,
      '{"code":0,"extFields":{"k":"v"},"flag":1,"language":"JAVA","opaque":5,"remark":"ok","serializeTypeCurrentRPC":"JSON","version":513}',
    );
  });

  it('a response mirrors the serialization and opaque of its request', () => {
    for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
      const req = createRequest({ code: 11, opaque: -42, version: 317, serializeType: type });
      const res = createResponse(req, 19, null, 513);
      assert.equal(res.opaque, -42);
      assert.equal(res.serializeType, type);
      assert.ok(isResponse(res));
      assert.equal(decodeFrame(encodeCommand(res)).flag, FLAG_RESPONSE);
    }
  });

  it('oneway flag round-trips', () => {
    const req = createRequest({ code: 15, opaque: 1, version: 1, oneway: true });
    assert.ok(isOneway(req));
    assert.equal(decodeFrame(encodeCommand(req)).flag, FLAG_ONEWAY);
  });

  it('ROCKETMQ: codes above 32767 are truncated to int16 as Java writeShort does', () => {
    const req = createRequest({ code: 200050, opaque: 1, version: 1, serializeType: SerializeType.ROCKETMQ });
    assert.equal(decodeFrame(encodeCommand(req)).code, (200050 << 16) >> 16);
  });

  it('encodeCommandParts does not copy the body', () => {
    const body = Buffer.from('payload');
    const [, b] = encodeCommandParts(createRequest({ code: 10, opaque: 1, version: 1, body }));
    assert.equal(b, body);
  });

  it('bodyParts are the body: written as given (not copied, empty ones left out) and decoded as their concatenation', () => {
    const parts = [Buffer.from('first record|'), Buffer.alloc(0), Buffer.from('second|'), Buffer.from('third')];
    for (const serializeType of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
      const res = createResponse(createRequest({ code: 11, opaque: 7, version: 453, serializeType }), 0, 'FOUND', 453);
      res.serializeType = serializeType;
      res.body = Buffer.from('ignored when bodyParts is set');
      res.bodyParts = parts;
      const out = encodeCommandParts(res);
      assert.deepEqual(out.slice(1), [parts[0], parts[2], parts[3]]);
      assert.equal(out[1], parts[0]);
      const frame = Buffer.concat(out);
      assert.equal(frame.readInt32BE(0), frame.length - 4);
      const back = decodeFrame(frame);
      assert.equal(back.body?.toString(), 'first record|second|third');
      assert.equal(back.remark, 'FOUND');
      assert.deepEqual(encodeCommand(res), frame);
    }
  });

  it('empty bodyParts make a frame without a body', () => {
    const res = createResponse(createRequest({ code: 11, opaque: 7, version: 453 }), 0, null, 453);
    res.bodyParts = [Buffer.alloc(0)];
    const out = encodeCommandParts(res);
    assert.equal(out.length, 1);
    assert.equal(decodeFrame(out[0]!).body, null);
  });

  describe('malformed input yields a typed ProtocolError, never another exception', () => {
    const cases: [string, Buffer, string][] = [
      ['no header word', Buffer.from('000000', 'hex'), 'FRAME_TOO_SMALL'],
      ['header length past the frame', Buffer.from('0000001000', 'hex'), 'HEADER_LENGTH'],
      ['unknown serialize type', Buffer.from('0200000000', 'hex'), 'SERIALIZE_TYPE'],
      ['bad JSON', Buffer.concat([Buffer.from('00000003', 'hex'), Buffer.from('{"c')]), 'JSON_HEADER'],
      ['JSON array', Buffer.concat([Buffer.from('00000002', 'hex'), Buffer.from('[]')]), 'JSON_HEADER'],
      ['JSON code not a number', Buffer.concat([Buffer.from('0000000c', 'hex'), Buffer.from('{"code":"x"}')]), 'JSON_HEADER'],
      ['truncated binary header', Buffer.from('0100000400690000', 'hex'), 'BINARY_HEADER'],
      ['binary remark length past header', Buffer.concat([Buffer.from('01000015', 'hex'), Buffer.from('0001000001000000010000000000000fff00000000', 'hex')]), 'BINARY_HEADER'],
    ];
    for (const [name, payload, kind] of cases) {
      it(name, () => {
        assert.throws(
          () => decodeCommand(payload),
          (e: unknown) => e instanceof ProtocolError && e.kind === kind,
        );
      });
    }

    it('property: random payloads never throw anything but ProtocolError', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(0, 1, 2), (bytes, type) => {
          const b = Buffer.from(bytes);
          if (b.length >= 4) b[0] = type;
          try {
            decodeCommand(b);
          } catch (e) {
            assert.ok(e instanceof ProtocolError, String(e));
          }
        }),
        { numRuns: 2000 },
      );
    });
  });
});
