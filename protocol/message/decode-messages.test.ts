import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ProtocolError } from '../errors';
import { deflateBody, inflateBody } from './compression';
import { decodeMessages } from './decode-messages';
import { MessageSysFlag } from './layout';
import { createOffsetMsgId } from './msgid';
import { parseProperties } from './properties';
import { type StoredMessageInit, encodeStoredMessage } from './record';
import { arbStoredMessage } from './testing/arbitraries';

const base: StoredMessageInit = {
  queueId: 1,
  queueOffset: 5,
  physicalOffset: 1000,
  bornTimestamp: 1,
  bornHost: { ip: Buffer.from([10, 0, 0, 1]), port: 5000 },
  storeTimestamp: 2,
  storeHost: { ip: Buffer.from([10, 0, 0, 2]), port: 10911 },
  body: Buffer.from('plain'),
  topic: 'T',
  properties: 'TAGS\u0001a\u0002KEYS\u0001k1 k2\u0002',
};

describe('protocol/message decodeMessages (client view)', () => {
  it('exposes ids, hosts, tags and keys as the Java client does (MessageClientExt)', () => {
    const [v] = decodeMessages(encodeStoredMessage(base));
    assert.ok(v);
    assert.equal(v.offsetMsgId, '0A00000200002A9F00000000000003E8');
    assert.equal(v.msgId, v.offsetMsgId); // no UNIQ_KEY
    assert.equal(v.tags, 'a');
    assert.equal(v.keys, 'k1 k2');
    assert.equal(v.bornHost, '10.0.0.1:5000');
    assert.equal(v.storeHost, '10.0.0.2:10911');
    assert.equal(v.storeSize, encodeStoredMessage(base).length);
    const [u] = decodeMessages(encodeStoredMessage({ ...base, properties: 'UNIQ_KEY\u0001ABCD\u0002' }));
    assert.equal(u!.msgId, 'ABCD');
    assert.equal(u!.tags, null);
    assert.equal(u!.keys, null);
  });

  it('inflates zlib bodies (sysFlag 0x1 and 0x301) and clears COMPRESSED_FLAG like 5.x (4.9.x keeps it)', () => {
    const plain = Buffer.from('Hello RocketMQ! '.repeat(20));
    for (const sysFlag of [0x1, 0x301]) {
      const bin = encodeStoredMessage({ ...base, sysFlag, body: deflateBody(plain) });
      const [v] = decodeMessages(bin);
      assert.deepEqual(v!.body, plain);
      assert.equal(v!.sysFlag, sysFlag & ~1);
      assert.equal(v!.error, undefined);
      assert.equal(decodeMessages(bin, { keepCompressedFlag: true })[0]!.sysFlag, sysFlag);
      assert.notDeepEqual(decodeMessages(bin, { decompress: false })[0]!.body, plain);
    }
  });

  it('reports LZ4, ZSTD, unknown types, corrupt zlib and oversized output as an error entry, not a throw', () => {
    const z = deflateBody(Buffer.alloc(10000));
    const cases: Array<[number, Buffer, RegExp]> = [
      [0x101, Buffer.from('x'), /unsupported compression LZ4/],
      [0x201, Buffer.from('x'), /unsupported compression ZSTD/],
      [0x501, Buffer.from('x'), /unknown compression type 5/],
      [0x301, Buffer.from('not zlib'), /does not inflate/],
    ];
    for (const [sysFlag, body, re] of cases) {
      const [v] = decodeMessages(encodeStoredMessage({ ...base, sysFlag, body }));
      assert.match(v!.error ?? '', re);
      assert.deepEqual(v!.body, body);
      assert.equal(v!.sysFlag, sysFlag);
    }
    const [big] = decodeMessages(encodeStoredMessage({ ...base, sysFlag: 1, body: z }), { inflatedBodyBytesMax: 9999 });
    assert.match(big!.error ?? '', /inflatedBodyBytesMax 9999/);
    assert.equal(inflateBody(z, 1, 10000).ok, true);
  });

  it('property: a body of concatenated records decodes to one view per record, in order', () => {
    fc.assert(
      fc.property(fc.array(arbStoredMessage.map((m) => ({ ...m, sysFlag: m.sysFlag & ~1 })), { maxLength: 5 }), (msgs) => {
        const views = decodeMessages(Buffer.concat(msgs.map((m) => encodeStoredMessage(m))));
        assert.equal(views.length, msgs.length);
        views.forEach((v, i) => {
          const m = msgs[i]!;
          assert.equal(v.topic, m.topic);
          assert.equal(v.queueOffset, m.queueOffset);
          assert.equal(v.commitLogOffset, m.physicalOffset);
          assert.equal(v.offsetMsgId, createOffsetMsgId(m.storeHost, m.physicalOffset));
          assert.deepEqual(v.properties, parseProperties(m.properties));
          assert.deepEqual(v.body, m.body);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('malformed bodies are a ProtocolError (Java silently stops at the first bad record)', () => {
    const bin = encodeStoredMessage(base);
    assert.throws(() => decodeMessages(Buffer.concat([bin, bin.subarray(0, 50)])), ProtocolError);
    assert.throws(() => decodeMessages(Buffer.from([1, 2, 3])), ProtocolError);
    assert.deepEqual(decodeMessages(Buffer.alloc(0)), []);
  });

  it('an IPv4-mapped IPv6 store host reads as IPv4, and its offset msgId is padded as Java pads it', () => {
    const mapped = Buffer.from('00000000000000000000ffff0a000002', 'hex');
    const [v] = decodeMessages(encodeStoredMessage({ ...base, storeHost: { ip: mapped, port: 10911 } }));
    assert.equal(v!.storeHost, '10.0.0.2:10911');
    assert.equal(v!.offsetMsgId, '0A00000200002A9F00000000000003E8' + '0'.repeat(24));
    assert.equal(v!.sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG, MessageSysFlag.STOREHOSTADDRESS_V6_FLAG);
  });
});
