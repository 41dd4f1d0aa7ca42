import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { HEADER_FIELDS_FLAT_MAX, HeaderFields, isFieldMap } from './header-fields';
import { createRequest, decodeCommand, encodeCommand } from './command';
import { SerializeType } from './types';

/**
 * A ROCKETMQ frame after its total-length word (as decodeCommand takes it) whose ext fields are exactly these pairs,
 * duplicates included. The encoder walks ext fields with forEach, so an object with only forEach stands in for them.
 */
function binaryFrameWith(pairs: readonly (readonly [string, string])[]): Buffer {
  const fields = { forEach: (cb: (v: string, k: string) => void) => pairs.forEach(([k, v]) => cb(v, k)) } as unknown as Map<string, string>;
  return encodeCommand(createRequest({ code: 310, opaque: 7, version: 513, extFields: fields, serializeType: SerializeType.ROCKETMQ })).subarray(4);
}

function decodeRequest(ext: [string, string][], serializeType: SerializeType): Map<string, string> {
  const frame = encodeCommand(createRequest({ code: 310, opaque: 1, version: 513, extFields: new Map(ext), serializeType }));
  return decodeCommand(frame.subarray(4)).extFields!;
}

type Op = { op: 'set'; k: string; v: string } | { op: 'delete'; k: string } | { op: 'clear' };

describe('protocol/command HeaderFields (decoded ext fields kept flat)', () => {
  it('answers every Map operation as a Map does (random operation sequences against a reference Map)', () => {
    const key: fc.Arbitrary<string> = fc.constantFrom('topic', 'queueId', 'a', 'b', 'producerGroup', 'properties', '');
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), k: key, v: fc.string({ maxLength: 4 }) }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), k: key }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const) }) },
    );
    const initial = fc.array(fc.tuple(key, fc.string({ maxLength: 3 })), { maxLength: 12 });
    fc.assert(
      fc.property(initial, fc.array(op, { maxLength: 30 }), (init, ops) => {
        const flat = init.flat();
        const h = HeaderFields.fromFlat(flat, flat.length);
        const ref = new Map(init);
        const same = (): void => {
          assert.equal(h.size, ref.size);
          assert.deepEqual([...h], [...ref]);
          assert.deepEqual([...h.keys()], [...ref.keys()]);
          assert.deepEqual([...h.values()], [...ref.values()]);
          const seen: [string, string][] = [];
          h.forEach((v, k, m) => {
            assert.equal(m, h);
            seen.push([k, v]);
          });
          assert.deepEqual(seen, [...ref.entries()]);
          for (const k of ['topic', 'queueId', 'a', 'b', 'producerGroup', 'properties', '', 'absent']) {
            assert.equal(h.get(k), ref.get(k));
            assert.equal(h.has(k), ref.has(k));
          }
        };
        same();
        for (const o of ops) {
          if (o.op === 'set') assert.equal(h.set(o.k, o.v), h), ref.set(o.k, o.v);
          else if (o.op === 'delete') assert.equal(h.delete(o.k), ref.delete(o.k));
          else h.clear(), ref.clear();
          same();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('fromFlat copies what it keeps: the scratch array can be reused at once', () => {
    const scratch = ['topic', 'T', 'queueId', '1', 'left', 'over'];
    const h = HeaderFields.fromFlat(scratch, 4);
    scratch[1] = 'changed';
    scratch.length = 0;
    assert.deepEqual([...h], [
      ['topic', 'T'],
      ['queueId', '1'],
    ]);
  });

  it('isFieldMap accepts Map and HeaderFields and nothing else; a HeaderFields copies into a Map', () => {
    const h = HeaderFields.fromFlat(['k', 'v'], 2);
    assert.equal(isFieldMap(h), true);
    assert.equal(isFieldMap(new Map()), true);
    assert.equal(isFieldMap({ k: 'v' }), false);
    assert.equal(isFieldMap(null), false);
    assert.deepEqual(new Map(h), new Map([['k', 'v']]));
    assert.equal(Object.prototype.toString.call(h), '[object HeaderFields]');
  });

  for (const [name, type] of [
    ['ROCKETMQ', SerializeType.ROCKETMQ],
    ['JSON', SerializeType.JSON],
  ] as const) {
    it(`${name}: a header of up to HEADER_FIELDS_FLAT_MAX (${HEADER_FIELDS_FLAT_MAX}) fields decodes to HeaderFields, a larger one to a Map, both with every field in order`, () => {
      for (const n of [1, 14, HEADER_FIELDS_FLAT_MAX, HEADER_FIELDS_FLAT_MAX + 1, 3 * HEADER_FIELDS_FLAT_MAX]) {
        const ext = Array.from({ length: n }, (_, i): [string, string] => [`field${i}`, `value${i}`]);
        const got = decodeRequest(ext, type);
        assert.equal(got instanceof HeaderFields, n <= HEADER_FIELDS_FLAT_MAX, `${n} fields`);
        assert.equal(got instanceof Map, n > HEADER_FIELDS_FLAT_MAX, `${n} fields`);
        assert.deepEqual([...got], ext);
        for (const [k, v] of ext) assert.equal(got.get(k), v);
        assert.equal(got.get('absent'), undefined);
      }
    });
  }

  it('ROCKETMQ: a key sent twice keeps its first place and its last value, as Java\'s HashMap and a Map (flat and large headers)', () => {
    const small = decodeCommand(binaryFrameWith([['topic', 'A'], ['queueId', '1'], ['topic', 'B'], ['flag', '0'], ['queueId', '2']])).extFields!;
    assert.ok(small instanceof HeaderFields);
    assert.deepEqual([...small], [
      ['topic', 'B'],
      ['queueId', '2'],
      ['flag', '0'],
    ]);
    const many = Array.from({ length: HEADER_FIELDS_FLAT_MAX + 4 }, (_, i): [string, string] => [`f${i}`, `${i}`]);
    const large = decodeCommand(binaryFrameWith([...many, ['f0', 'last'], ['f35', 'again']])).extFields!;
    assert.ok(large instanceof Map);
    assert.equal(large.size, many.length);
    assert.equal(large.get('f0'), 'last');
    assert.equal(large.get('f35'), 'again');
    assert.equal([...large.keys()][0], 'f0');
  });

  it('a decode that throws halfway leaves nothing behind for the next header', () => {
    const good = binaryFrameWith([['topic', 'T']]);
    const bad = Buffer.from(binaryFrameWith([['leak', 'x'], ['topic', 'U'], ['queueId', '3']]));
    bad.writeInt32BE(1 << 20, bad.length - 4 - 1); // the last value's length runs past the header
    assert.throws(() => decodeCommand(bad));
    assert.deepEqual([...decodeCommand(good).extFields!], [['topic', 'T']]);
  });
});
