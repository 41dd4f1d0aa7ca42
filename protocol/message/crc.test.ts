import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { bodyCrc, crc32, crc32Table } from './crc';

describe('protocol/message crc32', () => {
  it('is java.util.zip.CRC32 (check value of "123456789") and BODYCRC masks the sign bit (UtilAll#crc32)', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32Table(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(bodyCrc(Buffer.from('123456789')), 0x4bf43926);
    assert.equal(bodyCrc(Buffer.alloc(0)), 0);
  });

  it('property: the table fallback equals the native implementation', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 500 }), (u) => assert.equal(crc32Table(u), crc32(u))));
  });
});
