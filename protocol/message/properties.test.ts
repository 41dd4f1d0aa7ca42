import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ProtocolError } from '../errors';
import * as P from './properties';
import { arbPropertyMap } from './testing/arbitraries';

/** Java: MessageDecoder#string2messageProperties, transcribed literally as the reference for the property tests. */
function javaString2messageProperties(properties: string): Map<string, string> {
  const map = new Map<string, string>();
  const len = properties.length;
  let index = 0;
  while (index < len) {
    let newIndex = properties.indexOf('\u0002', index);
    if (newIndex < 0) newIndex = len;
    if (newIndex - index >= 3) {
      const kvSepIndex = properties.indexOf('\u0001', index);
      if (kvSepIndex > index && kvSepIndex < newIndex - 1) {
        map.set(properties.substring(index, kvSepIndex), properties.substring(kvSepIndex + 1, newIndex));
      }
    }
    index = newIndex + 1;
  }
  return map;
}

/** Strings made mostly of separators and short text, where the drop rules matter. */
const arbRawProperties = fc
  .array(fc.constantFrom('\u0001', '\u0002', 'a', 'b', 'KEYS', 'TAGS', '中', '', 'v'), { maxLength: 30 })
  .map((parts) => parts.join(''));

describe('protocol/message properties', () => {
  it('property: parseProperties reads exactly what Java string2messageProperties reads', () => {
    fc.assert(
      fc.property(fc.oneof(arbRawProperties, fc.string({ unit: 'binary', maxLength: 60 })), (s) => {
        assert.deepEqual([...P.parseProperties(s)], [...javaString2messageProperties(s)]);
      }),
      { numRuns: 3000 },
    );
  });

  it('property: getProperty and getPropertyBytes agree with the parsed map for every name', () => {
    fc.assert(
      fc.property(arbRawProperties, fc.constantFrom('a', 'b', 'KEYS', 'TAGS', 'ab', '中', 'a\u0001b', 'a\u0002b', 'x'), (s, name) => {
        const expected = javaString2messageProperties(s).get(name);
        assert.equal(P.getProperty(s, name), expected);
        const buf = Buffer.concat([Buffer.from('\u0002zz\u0001q'), Buffer.from(s), Buffer.from('\u0002')]);
        const start = Buffer.byteLength('\u0002zz\u0001q');
        assert.equal(P.getPropertyBytes(buf, start, start + Buffer.byteLength(s), Buffer.from(name)), expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('property: propertyValueEquals is getPropertyBytes(...) === value for well-formed values, undefined when absent', () => {
    const arbValue = fc.oneof(fc.constantFrom('', 'v', 'w', 'vv', '中', 'v\u0001w', 'hit', 'miss'), fc.string({ maxLength: 4 }));
    fc.assert(
      fc.property(arbRawProperties, fc.constantFrom('a', 'b', 'KEYS', 'ab', '中', 'x', 'k'), arbValue, (s, name, value) => {
        const buf = Buffer.concat([Buffer.from('\u0002zz\u0001q'), Buffer.from(s), Buffer.from('\u0002k\u0001')]);
        const start = Buffer.byteLength('\u0002zz\u0001q');
        const end = start + Buffer.byteLength(s);
        const decoded = P.getPropertyBytesOfName(buf, start, end, Buffer.from(name));
        const got = P.propertyValueEquals(buf, start, end, Buffer.from(name), Buffer.from(value));
        if (decoded === undefined) assert.equal(got, undefined);
        else if (Buffer.from(value).toString() === value && !value.includes('\ufffd')) assert.equal(got, decoded === value);
      }),
      { numRuns: 3000 },
    );
  });

  it('drop rules: empty name, empty value, no separator; value may hold \\u0001; duplicates: last wins in first position', () => {
    const cases: Array<[string, Array<[string, string]>]> = [
      ['', []],
      ['TAGS\u0001A', [['TAGS', 'A']]],
      ['TAGS\u0001A\u0002\u0002', [['TAGS', 'A']]],
      ['a\u0001\u0002', []],
      ['\u0001v\u0002', []],
      ['ab\u0002', []],
      ['k\u0001v\u0001w\u0002', [['k', 'v\u0001w']]],
      ['k\u0001v\u0002garbage', [['k', 'v']]],
      ['k\u0001v\u0002j\u0001x\u0002k\u0001w\u0002', [['k', 'w'], ['j', 'x']]],
    ];
    for (const [s, expected] of cases) assert.deepEqual([...P.parseProperties(s)], expected, JSON.stringify(s));
  });

  it('property: stringify -> parse is the identity for well-formed maps; 4.9 form drops the trailing separator', () => {
    fc.assert(
      fc.property(arbPropertyMap, (m) => {
        const s5 = P.stringifyProperties(m);
        const s49 = P.stringifyProperties(m, { trailingSeparator: false });
        assert.deepEqual(P.parseProperties(s5), m);
        assert.deepEqual(P.parseProperties(s49), m);
        assert.equal(s5, m.size === 0 ? '' : s49 + '\u0002');
        assert.deepEqual(P.parsePropertiesBytes(Buffer.from(s5)), m);
      }),
    );
    assert.equal(P.stringifyProperties(new Map([['a', '1'], ['n', null], ['b', '2']])), 'a\u00011\u0002b\u00012\u0002');
    assert.equal(P.stringifyProperties(null), '');
  });

  it('rule propertiesBytesMax: 32767 UTF-8 bytes pass, 32768 are a ProtocolError', () => {
    assert.equal(P.propertiesByteLength('中'), 3);
    assert.doesNotThrow(() => P.checkPropertiesSize(32767));
    assert.throws(() => P.checkPropertiesSize(32768), (e: unknown) => e instanceof ProtocolError && /propertiesBytesMax 32767/.test(e.message));
  });

  it('javaHashMapOrder: the order kept for a list of names serves the next message with the same names, its own values', () => {
    const a = P.javaHashMapOrder([['TAGS', 'a1'], ['KEYS', 'a2'], ['WAIT', 'a3'], ['UNIQ_KEY', 'a4']]);
    const b = P.javaHashMapOrder(new Map([['TAGS', 'b1'], ['KEYS', 'b2'], ['WAIT', 'b3'], ['UNIQ_KEY', 'b4']]));
    assert.deepEqual(a, [['KEYS', 'a2'], ['UNIQ_KEY', 'a4'], ['WAIT', 'a3'], ['TAGS', 'a1']]);
    assert.deepEqual(b, [['KEYS', 'b2'], ['UNIQ_KEY', 'b4'], ['WAIT', 'b3'], ['TAGS', 'b1']]);
    // Names that only join to the same text are other lists.
    assert.deepEqual(P.javaHashMapOrder([['ab', '1'], ['c', '2']]).map(([k]) => k), P.javaHashMapOrder([['ab', '1'], ['c', '2']]).map(([k]) => k));
    assert.notDeepEqual(P.javaHashMapOrder([['a', '1'], ['bc', '2']]), P.javaHashMapOrder([['ab', '1'], ['c', '2']]));
  });

  it('javaHashMapOrder: iteration order of java.util.HashMap (default capacity 16 and new HashMap<>(128))', () => {
    // Expected orders printed by OpenJDK 17 for HashMap#keySet after put() in the given order.
    const cases: Array<[string[], number, string[]]> = [
      [['TAGS', 'KEYS', 'WAIT', 'UNIQ_KEY'], 16, ['KEYS', 'UNIQ_KEY', 'WAIT', 'TAGS']],
      [['TAGS', 'KEYS', 'WAIT', 'UNIQ_KEY'], 128, ['UNIQ_KEY', 'TAGS', 'KEYS', 'WAIT']],
      [
        ['TAGS', 'KEYS', 'UNIQ_KEY', 'WAIT', 'CLUSTER', 'city', 'emoji', 'emptyValue'],
        16,
        ['emptyValue', 'emoji', 'city', 'KEYS', 'UNIQ_KEY', 'CLUSTER', 'WAIT', 'TAGS'],
      ],
      [
        ['TAGS', 'KEYS', 'UNIQ_KEY', 'WAIT', 'CLUSTER', 'city', 'emoji', 'emptyValue'],
        128,
        ['emoji', 'UNIQ_KEY', 'CLUSTER', 'TAGS', 'city', 'KEYS', 'WAIT', 'emptyValue'],
      ],
      // 20 keys: the default map resizes to 32 buckets.
      [
        [...'abcdefghijklmnop'.split(''), 'TAGS', 'KEYS', 'UNIQ_KEY', 'WAIT'],
        16,
        [...'abcdefghijklmnop'.split(''), 'KEYS', 'UNIQ_KEY', 'WAIT', 'TAGS'],
      ],
      [
        [...'abcdefghijklmnop'.split(''), 'TAGS', 'KEYS', 'UNIQ_KEY', 'WAIT'],
        128,
        ['UNIQ_KEY', 'TAGS', 'KEYS', 'WAIT', ...'abcdefghijklmnop'.split('')],
      ],
    ];
    for (const [keys, cap, expected] of cases) {
      assert.deepEqual(P.javaHashMapOrder(keys.map((k) => [k, '1'] as const), cap).map(([k]) => k), expected);
    }
    // Re-putting keeps the first position and takes the last value.
    assert.deepEqual(P.javaHashMapOrder([['a', '1'], ['b', '2'], ['a', '3']]), [['a', '3'], ['b', '2']]);
    // "Aa" and "BB" collide (same hashCode): insertion order within the bucket.
    assert.deepEqual(P.javaHashMapOrder([['BB', 'x'], ['Aa', 'y']]).map(([k]) => k), ['BB', 'Aa']);
    assert.deepEqual(P.javaHashMapOrder([['Aa', 'x'], ['BB', 'y']]).map(([k]) => k), ['Aa', 'BB']);
  });

  it('MessageConst names and the reserved set follow Java MessageConst', () => {
    assert.equal(P.MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, 'UNIQ_KEY');
    assert.equal(P.MessageConst.PROPERTY_TRANSACTION_ID, '__transactionId__');
    assert.equal(P.MessageConst.PROPERTY_FIRST_POP_TIME, '1ST_POP_TIME');
    assert.ok(P.RESERVED_PROPERTY_NAMES.has('TAGS'));
    assert.ok(P.RESERVED_PROPERTY_NAMES.has('__CRC32#'));
    assert.ok(!P.RESERVED_PROPERTY_NAMES.has('__transactionId__'));
    assert.ok(!P.RESERVED_PROPERTY_NAMES.has('INNER_NUM'));
    assert.equal(P.RESERVED_PROPERTY_NAMES.size, 51);
  });
});
