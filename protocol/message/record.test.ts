import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ProtocolError } from '../errors';
import { bodyCrc } from './crc';
import { MAGIC_CODE_V1, MAGIC_CODE_V2, MSG_SIZE_MIN, MessageSysFlag, storedMessageSize } from './layout';
import * as R from './record';
import { arbStoredMessage, plainMessage } from './testing/arbitraries';

const isMessageError = (e: unknown): boolean => e instanceof ProtocolError && e.kind === 'MESSAGE';

/** protocol.md 8.6: V1, IPv4, topic TopicTest, body Hello, TAGS=A. */
const example: R.StoredMessageInit = {
  queueId: 2,
  queueOffset: 118,
  physicalOffset: 76364,
  bornTimestamp: 1700000000123,
  bornHost: { ip: Buffer.from([192, 168, 0, 10]), port: 53872 },
  storeTimestamp: 1700000000130,
  storeHost: { ip: Buffer.from([192, 168, 0, 2]), port: 10911 },
  body: Buffer.from('Hello'),
  topic: 'TopicTest',
  properties: 'TAGS\u0001A\u0002',
};

const EXAMPLE_HEX =
  '00000070' + // TOTALSIZE 112
  'daa320a7' + // MAGICCODE V1
  (bodyCrc(Buffer.from('Hello')) >>> 0).toString(16).padStart(8, '0') +
  '00000002' + // QUEUEID
  '00000000' + // FLAG
  '0000000000000076' + // QUEUEOFFSET 118
  '0000000000012a4c' + // PHYSICALOFFSET 76364
  '00000000' + // SYSFLAG
  '0000018bcfe5687b' + // BORNTIMESTAMP 1700000000123
  'c0a8000a0000d270' + // BORNHOST
  '0000018bcfe56882' + // STORETIMESTAMP 1700000000130
  'c0a8000200002a9f' + // STOREHOST
  '00000000' + // RECONSUMETIMES
  '0000000000000000' + // PREPAREDTRANSACTIONOFFSET
  '00000005' + Buffer.from('Hello').toString('hex') +
  '09' + Buffer.from('TopicTest').toString('hex') +
  '0007' + Buffer.from('TAGS\u0001A\u0002').toString('hex');

describe('protocol/message record codec', () => {
  it('encodes the protocol.md 8.6 record byte for byte and decodes it back', () => {
    const bin = R.encodeStoredMessage(example);
    assert.equal(bin.toString('hex'), EXAMPLE_HEX);
    assert.equal(bin.length, 112);
    const { message, size } = R.decodeStoredMessage(bin);
    assert.equal(size, 112);
    assert.equal(message.version, 1);
    assert.equal(message.topic, 'TopicTest');
    assert.equal(message.properties, 'TAGS\u0001A\u0002');
    assert.equal(message.bodyCrc, bodyCrc(Buffer.from('Hello')));
    assert.equal(message.bodyCrc, 0x7fffffff & 0xf7d18982); // java.util.zip.CRC32("Hello") = 0xF7D18982
  });

  it('property: encode -> decode is the identity (V1/V2, IPv4/IPv6 born and store hosts, random fields)', () => {
    fc.assert(
      fc.property(arbStoredMessage, (m) => {
        const bin = R.encodeStoredMessage(m);
        assert.equal(bin.length, R.storedMessageSizeOf(m));
        assert.equal(bin.readInt32BE(0), bin.length);
        assert.equal(bin.readInt32BE(4), m.version === 2 ? MAGIC_CODE_V2 : MAGIC_CODE_V1);
        const { message, size } = R.decodeStoredMessage(bin);
        assert.equal(size, bin.length);
        assert.deepEqual(plainMessage(message), plainMessage(m));
      }),
      { numRuns: 400 },
    );
  });

  it('computes BODYCRC when absent and picks V2 only for topics over 127 UTF-8 bytes', () => {
    const a = R.decodeStoredMessage(R.encodeStoredMessage({ ...example, topic: 'x'.repeat(127) })).message;
    assert.equal(a.version, 1);
    const b = R.decodeStoredMessage(R.encodeStoredMessage({ ...example, topic: 'x'.repeat(128) })).message;
    assert.equal(b.version, 2);
    assert.equal(b.topic, 'x'.repeat(128));
    // 43 three-byte characters = 129 bytes: by bytes, not by UTF-16 length (Java uses topic.length()).
    const c = R.decodeStoredMessage(R.encodeStoredMessage({ ...example, topic: '中'.repeat(43) })).message;
    assert.equal(c.version, 2);
    assert.equal(a.bodyCrc, bodyCrc(Buffer.from('Hello')));
  });

  it('derives the IPv6 host bits of SYSFLAG from the address sizes', () => {
    const v6 = { ip: Buffer.alloc(16, 0x20), port: 1 };
    const m = R.decodeStoredMessage(R.encodeStoredMessage({ ...example, sysFlag: 0x30 | 0x1 })).message;
    assert.equal(m.sysFlag, 0x1);
    const n = R.decodeStoredMessage(R.encodeStoredMessage({ ...example, bornHost: v6 })).message;
    assert.equal(n.sysFlag, MessageSysFlag.BORNHOST_V6_FLAG);
    const o = R.decodeStoredMessage(R.encodeStoredMessage({ ...example, storeHost: v6 })).message;
    assert.equal(o.sysFlag, MessageSysFlag.STOREHOSTADDRESS_V6_FLAG);
  });

  it('refuses values that do not fit the layout with ProtocolError(MESSAGE)', () => {
    const bad: Array<Partial<R.StoredMessageInit>> = [
      { topic: 'x'.repeat(128), version: 1 },
      { topic: 'x'.repeat(32768), version: 2 },
      { properties: 'k\u0001' + 'v'.repeat(32767) },
      { bornHost: { ip: Buffer.alloc(5), port: 1 } },
      { storeHost: { ip: Buffer.alloc(4), port: 65536 } },
      { queueOffset: 2 ** 60 },
    ];
    for (const b of bad) assert.throws(() => R.encodeStoredMessage({ ...example, ...b }), isMessageError, JSON.stringify(Object.keys(b)));
    // 32767 property bytes is the limit, inclusive.
    const max = 'k\u0001' + 'v'.repeat(32765);
    assert.equal(R.decodeStoredMessage(R.encodeStoredMessage({ ...example, properties: max })).message.properties, max);
  });

  it('encodeStoredMessageInto writes at an offset and refuses a buffer that is too small', () => {
    const target = Buffer.alloc(200, 0xee);
    assert.equal(R.encodeStoredMessageInto(example, target, 50), 112);
    assert.equal(target.subarray(50, 162).toString('hex'), EXAMPLE_HEX);
    assert.equal(target[49], 0xee);
    assert.equal(target[162], 0xee);
    assert.throws(() => R.encodeStoredMessageInto(example, Buffer.alloc(111), 0), RangeError);
  });

  it('property: concatenated records decode the same whole or record by record (chunk-independent)', () => {
    fc.assert(
      fc.property(fc.array(arbStoredMessage, { minLength: 1, maxLength: 6 }), (msgs) => {
        const bins = msgs.map((m) => R.encodeStoredMessage(m));
        const all = Buffer.concat(bins);
        const whole = R.decodeStoredMessages(all).map(plainMessage);
        const parts = bins.map((b) => plainMessage(R.decodeStoredMessage(b).message));
        assert.deepEqual(whole, parts);
        // Record at its offset inside a larger buffer, with a bounded `end`.
        let pos = 0;
        for (const b of bins) {
          const { size } = R.decodeStoredMessage(all, pos, { end: pos + b.length });
          pos += size;
        }
        assert.equal(pos, all.length);
      }),
      { numRuns: 100 },
    );
  });

  it('property: random bytes never decode to anything but a message or a ProtocolError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (u) => {
        const b = Buffer.from(u);
        try {
          R.decodeStoredMessages(b);
        } catch (e) {
          assert.ok(e instanceof ProtocolError, String(e));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('property: every truncation of a valid record is a ProtocolError(MESSAGE)', () => {
    fc.assert(
      fc.property(arbStoredMessage, fc.nat(), (m, cut) => {
        const bin = R.encodeStoredMessage(m);
        const n = cut % bin.length;
        assert.throws(() => R.decodeStoredMessage(bin.subarray(0, n)), isMessageError);
        assert.throws(() => R.decodeStoredMessage(bin, 0, { end: n }), isMessageError);
        assert.throws(() => R.scanRecord(bin, 0, n, R.newRecordScan()), isMessageError);
      }),
      { numRuns: 300 },
    );
  });

  it('property: mutated records decode or fail with ProtocolError, never anything else', () => {
    fc.assert(
      fc.property(arbStoredMessage, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (m, edits) => {
        const bin = R.encodeStoredMessage(m);
        for (const [at, v] of edits) bin[at % bin.length] = v;
        try {
          const { size } = R.decodeStoredMessage(bin, 0, { checkCrc: true });
          assert.ok(size >= MSG_SIZE_MIN && size <= bin.length);
        } catch (e) {
          assert.ok(e instanceof ProtocolError, String(e));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('names the fault: bad magic, blank record, short TOTALSIZE, length mismatch, negative lengths, ports', () => {
    const bin = R.encodeStoredMessage(example);
    const mutate = (f: (b: Buffer) => void): Buffer => {
      const b = Buffer.from(bin);
      f(b);
      return b;
    };
    const cases: Array<[Buffer, RegExp]> = [
      [mutate((b) => b.writeInt32BE(0x12345678, 4)), /unknown MAGICCODE 0x12345678/],
      [R.encodeBlankRecord(4096), /blank \(end-of-file\) record of 4096 bytes/],
      [mutate((b) => b.writeInt32BE(90, 0)), /below the 91-byte minimum/],
      [mutate((b) => b.writeInt32BE(113, 0)), /truncated: TOTALSIZE 113/],
      [Buffer.concat([mutate((b) => b.writeInt32BE(113, 0)), Buffer.alloc(1)]), /disagrees with the fields/],
      [mutate((b) => b.writeInt32BE(-1, 84)), /negative BODYLENGTH/],
      [mutate((b) => b.writeInt32BE(1000, 84)), /runs past TOTALSIZE/],
      [mutate((b) => (b[93] = 0x80)), /negative topic length -128/],
      [mutate((b) => b.writeInt16BE(-1, 103)), /negative PROPERTIESLENGTH/],
      [mutate((b) => b.writeInt32BE(70000, 52)), /BORNHOST port 70000/],
      [mutate((b) => b.writeInt32BE(0x30, 36)), /too small for IPv6 hosts|disagrees|runs past/],
    ];
    for (const [b, re] of cases) assert.throws(() => R.decodeStoredMessage(b), (e: unknown) => isMessageError(e) && re.test((e as Error).message), re.source);
    assert.throws(() => R.decodeStoredMessage(mutate((b) => (b[90] ^= 1)), 0, { checkCrc: true }), /BODYCRC/);
    assert.doesNotThrow(() => R.decodeStoredMessage(mutate((b) => (b[90] ^= 1))));
  });

  it('scanRecord fills positions that match the layout and peek agrees with decode', () => {
    fc.assert(
      fc.property(arbStoredMessage, fc.nat({ max: 16 }), (m, lead) => {
        const bin = Buffer.concat([Buffer.alloc(lead, 0xaa), R.encodeStoredMessage(m)]);
        const s = R.newRecordScan();
        const size = R.scanRecord(bin, lead, bin.length, s);
        const d = R.decodeStoredMessage(bin, lead).message;
        assert.equal(size, bin.length - lead);
        assert.equal(s.start, lead);
        assert.equal(s.version, m.version);
        assert.equal(s.sysFlag, d.sysFlag);
        assert.deepEqual(bin.subarray(s.bodyPos, s.bodyPos + s.bodyLength), d.body);
        assert.equal(bin.toString('utf8', s.topicPos, s.topicPos + s.topicLength), d.topic);
        assert.equal(bin.toString('utf8', s.propertiesPos, s.propertiesPos + s.propertiesLength), d.properties);
        assert.equal(R.peekTotalSize(bin, lead), size);
        assert.equal(R.peekMagicCode(bin, lead), m.version === 2 ? MAGIC_CODE_V2 : MAGIC_CODE_V1);
        assert.equal(R.peekBodyCrc(bin, lead), d.bodyCrc);
        assert.equal(R.peekQueueId(bin, lead), d.queueId);
        assert.equal(R.peekFlag(bin, lead), d.flag);
        assert.equal(R.peekQueueOffset(bin, lead), d.queueOffset);
        assert.equal(R.peekPhysicalOffset(bin, lead), d.physicalOffset);
        assert.equal(R.peekSysFlag(bin, lead), d.sysFlag);
        assert.equal(R.peekBornTimestamp(bin, lead), d.bornTimestamp);
        assert.equal(R.peekStoreTimestamp(bin, lead), d.storeTimestamp);
        assert.deepEqual(bin.subarray(R.peekStoreHostPos(bin, lead), R.peekStoreHostPos(bin, lead) + d.storeHost.ip.length), Buffer.from(d.storeHost.ip));
        assert.equal(R.peekReconsumeTimes(bin, lead), d.reconsumeTimes);
        assert.equal(R.peekPreparedTransactionOffset(bin, lead), d.preparedTransactionOffset);
        assert.equal(R.peekBodyLength(bin, lead), s.bodyLength);
        assert.equal(R.peekBodyPos(bin, lead), s.bodyPos);
        assert.equal(R.peekTopicLength(bin, lead), s.topicLength);
        assert.equal(R.peekTopicPos(bin, lead), s.topicPos);
        assert.equal(R.peekTopic(bin, lead), d.topic);
        assert.equal(R.peekPropertiesLength(bin, lead), s.propertiesLength);
        assert.equal(R.peekPropertiesPos(bin, lead), s.propertiesPos);
        assert.equal(R.computeRecordBodyCrc(bin, lead), bodyCrc(d.body));
      }),
      { numRuns: 200 },
    );
  });

  it('property: patch functions change exactly their field (DefaultAppendMessageCallback#doAppend)', () => {
    fc.assert(
      fc.property(
        arbStoredMessage,
        fc.maxSafeInteger(),
        fc.maxSafeInteger(),
        fc.maxSafeInteger(),
        fc.integer({ min: 0, max: 0x7fffffff }),
        (m, qo, po, ts, crc) => {
          const bin = R.encodeStoredMessage({ ...m, queueOffset: 0, physicalOffset: 0, storeTimestamp: 0 });
          R.patchQueueOffset(bin, 0, qo);
          R.patchPhysicalOffset(bin, 0, po);
          R.patchStoreTimestamp(bin, 0, ts);
          R.patchBodyCrc(bin, 0, crc);
          const expected = R.encodeStoredMessage({ ...m, queueOffset: qo, physicalOffset: po, storeTimestamp: ts, bodyCrc: crc });
          assert.deepEqual(bin, expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('blank record: 8 bytes, TOTALSIZE = remaining, magic 0xCBD43194', () => {
    const b = R.encodeBlankRecord(1000);
    assert.equal(b.toString('hex'), '000003e8cbd43194');
    assert.ok(R.isBlankRecord(b, 0));
    assert.equal(R.readBlankRecord(b, 0), 1000);
    assert.ok(!R.isBlankRecord(R.encodeStoredMessage(example), 0));
    assert.ok(!R.isBlankRecord(b, 1));
    assert.throws(() => R.readBlankRecord(R.encodeStoredMessage(example), 0), isMessageError);
    assert.throws(() => R.writeBlankRecord(Buffer.alloc(8), 0, 7), RangeError);
    const big = Buffer.alloc(64, 0x55);
    R.writeBlankRecord(big, 8, 56);
    assert.equal(big.subarray(8, 16).toString('hex'), '00000038cbd43194');
    assert.equal(big[16], 0x55); // only the 8 header bytes are written
  });

  it('size helpers agree', () => {
    assert.equal(R.storedMessageSizeOf(example), storedMessageSize(0, 5, 9, 7));
  });
});
