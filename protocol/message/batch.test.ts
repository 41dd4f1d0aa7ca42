import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ProtocolError } from '../errors';
import * as B from './batch';
import { stringifyProperties } from './properties';
import { arbPropertyMap, int32 } from './testing/arbitraries';

const isMessageError = (e: unknown): boolean => e instanceof ProtocolError && e.kind === 'MESSAGE';

const arbBatch = fc.array(
  fc.record({
    flag: int32,
    body: fc.uint8Array({ maxLength: 200 }).map((u) => Buffer.from(u)),
    properties: arbPropertyMap.map((m) => stringifyProperties(m)),
  }),
  { maxLength: 8 },
);

describe('protocol/message batch body (SEND_BATCH_MESSAGE)', () => {
  it('rule box-comment: entry offsets add up', () => {
    assert.equal(B.BATCH_MAGIC_CODE_OFFSET, B.BATCH_TOTAL_SIZE_OFFSET + 4);
    assert.equal(B.BATCH_BODY_CRC_OFFSET, B.BATCH_MAGIC_CODE_OFFSET + 4);
    assert.equal(B.BATCH_FLAG_OFFSET, B.BATCH_BODY_CRC_OFFSET + 4);
    assert.equal(B.BATCH_BODY_LENGTH_OFFSET, B.BATCH_FLAG_OFFSET + 4);
    assert.equal(B.BATCH_BODY_OFFSET, B.BATCH_BODY_LENGTH_OFFSET + 4);
    assert.equal(B.BATCH_ENTRY_FIXED_SIZE, B.BATCH_BODY_OFFSET + 2);
  });

  it('encodes what Java MessageDecoder#encodeMessage writes: TOTALSIZE, 0, 0, FLAG, BODY, PROPS', () => {
    const bin = B.encodeBatch([{ flag: 7, body: Buffer.from('hi'), properties: 'TAGS\u0001A\u0002' }]);
    assert.equal(bin.toString('hex'), '0000001f' + '00000000' + '00000000' + '00000007' + '00000002' + '6869' + '0007' + Buffer.from('TAGS\u0001A\u0002').toString('hex'));
  });

  it('property: encode -> decode is the identity; countBatch counts; entries are views', () => {
    fc.assert(
      fc.property(arbBatch, (msgs) => {
        const bin = B.encodeBatch(msgs);
        const back = B.decodeBatch(bin);
        assert.deepEqual(back.map((m) => ({ ...m, body: m.body.toString('hex') })), msgs.map((m) => ({ ...m, body: m.body.toString('hex') })));
        assert.equal(B.countBatch(bin), msgs.length);
      }),
      { numRuns: 300 },
    );
  });

  it('property: random bytes, truncations and mutations give messages or ProtocolError(MESSAGE), never a crash', () => {
    fc.assert(
      fc.property(arbBatch, fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), (msgs, cut, edits) => {
        const bin = B.encodeBatch(msgs);
        if (bin.length > 0) {
          const n = cut % bin.length;
          const entryEnds = new Set<number>([0]);
          let at = 0;
          for (const m of msgs) entryEnds.add((at += 22 + m.body.length + Buffer.byteLength(m.properties)));
          if (!entryEnds.has(n)) assert.throws(() => B.decodeBatch(bin.subarray(0, n)), isMessageError);
          for (const [p, v] of edits) bin[p % bin.length] = v;
        }
        try {
          B.decodeBatch(bin);
        } catch (e) {
          assert.ok(isMessageError(e), String(e));
        }
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (u) => {
        try {
          B.decodeBatch(Buffer.from(u));
        } catch (e) {
          assert.ok(isMessageError(e), String(e));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('names bad sizes clearly', () => {
    const good = B.encodeBatch([{ body: Buffer.from('abc'), properties: 'k\u0001v\u0002' }]);
    const mutate = (f: (b: Buffer) => void): Buffer => {
      const b = Buffer.from(good);
      f(b);
      return b;
    };
    const cases: Array<[Buffer, RegExp]> = [
      [good.subarray(0, 10), /message #0 at offset 0: truncated: 10 byte\(s\) left/],
      [mutate((b) => b.writeInt32BE(99, 0)), /TOTALSIZE 99 disagrees with the fields \(29 bytes\)/],
      [mutate((b) => b.writeInt32BE(-5, 16)), /negative BODYLENGTH -5/],
      [mutate((b) => b.writeInt32BE(100, 16)), /BODYLENGTH 100 runs past the end/],
      [mutate((b) => b.writeInt16BE(-2, 23)), /negative PROPERTIESLENGTH -2/],
      [mutate((b) => b.writeInt16BE(50, 23)), /PROPERTIESLENGTH 50 runs past the end/],
      [Buffer.concat([good, good.subarray(0, 5)]), /message #1 at offset 29: truncated/],
    ];
    for (const [b, re] of cases) assert.throws(() => B.decodeBatch(b), (e: unknown) => isMessageError(e) && re.test((e as Error).message), re.source);
    assert.deepEqual(B.decodeBatch(Buffer.alloc(0)), []);
    assert.throws(() => B.decodeBatch(Buffer.concat([good, good, good]), 2), /more than 2 messages/);
  });

  it('refuses properties over 32767 bytes on encode', () => {
    assert.throws(() => B.encodeBatch([{ body: Buffer.alloc(0), properties: 'k\u0001' + 'v'.repeat(32766) }]), isMessageError);
  });
});
