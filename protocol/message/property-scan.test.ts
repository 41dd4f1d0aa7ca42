import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import * as P from './properties';
import { findPropertyValueIn, propertyScanView, propertyValueEqualsIn } from './property-scan';

/** Strings made mostly of separators and short text (runs of either, so that both the word and byte steps run). */
const arbRawProperties = fc
  .array(fc.constantFrom('\u0001', '\u0002', 'a', 'b', 'k', 'KEYS', 'hit', '中', '', 'vvvvvvv', '\u0002\u0002'), { maxLength: 40 })
  .map((parts) => parts.join(''));

describe('protocol/message property-scan', () => {
  it('property: findPropertyValueIn answers as findPropertyValueAt, inside a larger buffer at any offset', () => {
    fc.assert(
      fc.property(arbRawProperties, fc.constantFrom('a', 'b', 'k', 'KEYS', 'ab', '中', 'x'), fc.nat(7), fc.nat(7), (s, name, before, pad) => {
        // The properties sit at `before` inside a slice that itself starts at `pad` of a pool (byteOffset != 0),
        // between bytes that look like separators, as records sit in a shared segment.
        const pool = Buffer.alloc(pad + before + Buffer.byteLength(s) + 8, 2);
        const buf = pool.subarray(pad);
        const start = before;
        const end = start + buf.write(s, start);
        const n = Buffer.from(name);
        const view = propertyScanView(buf);
        assert.equal(findPropertyValueIn(view, buf, start, end, n), P.findPropertyValueAt(buf, start, end, n));
        for (const value of ['hit', 'a', 'vvvvvvv', '']) {
          const v = Buffer.from(value);
          assert.equal(propertyValueEqualsIn(view, buf, start, end, n, v), P.propertyValueEquals(buf, start, end, n, v));
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('finds the last non-empty segment naming the key, past runs of plain bytes longer than a word', () => {
    const s = 'k\u0001first\u0002UNIQ_KEY\u00017F0000010000000000000000ABCD\u0002k\u0001\u0002WAIT\u0001true';
    const buf = Buffer.from(s);
    const at = findPropertyValueIn(propertyScanView(buf), buf, 0, buf.length, Buffer.from('k'));
    assert.equal(buf.toString('utf8', at, at + 5), 'first');
    assert.equal(findPropertyValueIn(propertyScanView(buf), buf, 0, buf.length, Buffer.from('TAGS')), -1);
  });
});
