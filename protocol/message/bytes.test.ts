import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { get16, get32, get64, put16, put32, put64 } from './bytes';

describe('protocol/message unchecked byte access', () => {
  it('property: agrees with Buffer big-endian reads and writes', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.integer({ min: -2147483648, max: 2147483647 }), fc.integer({ min: -32768, max: 32767 }), (v64, v32, v16) => {
        const a = Buffer.alloc(14);
        const b = Buffer.alloc(14);
        put64(a, 0, v64);
        b.writeBigInt64BE(BigInt(v64), 0);
        put32(a, 8, v32);
        b.writeInt32BE(v32, 8);
        put16(a, 12, v16);
        b.writeInt16BE(v16, 12);
        assert.deepEqual(a, b);
        assert.equal(get64(a, 0), v64);
        assert.equal(get32(a, 8), v32);
        assert.equal(get16(a, 12), v16);
      }),
      { numRuns: 1000 },
    );
  });
});
