import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { EXT_KEY_CACHE_BYTES_MAX, EXT_KEY_CACHE_ENTRIES_MAX } from './binary-header';
import { createRequest, decodeCommand, encodeCommand } from './command';
import { SerializeType } from './types';

/** Encodes a ROCKETMQ request with these ext fields and decodes it again. */
function roundTrip(ext: [string, string][]): Map<string, string> | null {
  const frame = encodeCommand(createRequest({ code: 310, opaque: 1, version: 513, extFields: new Map(ext), serializeType: SerializeType.ROCKETMQ }));
  return decodeCommand(frame.subarray(4)).extFields;
}

describe('protocol/command ROCKETMQ header: ext key cache and short values (decode fast paths)', () => {
  it('keys whose hashes collide ("Aa" / "BB") decode to their own text', () => {
    for (let i = 0; i < 3; i++) {
      const ext = roundTrip([
        ['Aa', '1'],
        ['BB', '2'],
      ]);
      assert.deepEqual([...ext!], [
        ['Aa', '1'],
        ['BB', '2'],
      ]);
    }
  });

  it(`bound: more than EXT_KEY_CACHE_ENTRIES_MAX (${EXT_KEY_CACHE_ENTRIES_MAX}) distinct keys still decode exactly`, () => {
    const keys = Array.from({ length: EXT_KEY_CACHE_ENTRIES_MAX + 200 }, (_, i) => `key-${i.toString(36)}`);
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < keys.length; i += 50) {
        const ext = keys.slice(i, i + 50).map((k, j): [string, string] => [k, `v${i + j}`]);
        assert.deepEqual([...roundTrip(ext)!], ext);
      }
    }
  });

  it('keys over EXT_KEY_CACHE_BYTES_MAX bytes and non-ASCII keys decode as UTF-8', () => {
    const long = 'k'.repeat(EXT_KEY_CACHE_BYTES_MAX + 1);
    const ext: [string, string][] = [
      [long, 'x'],
      ['clé', 'valeur'],
      ['键', '值'],
      ['k'.repeat(EXT_KEY_CACHE_BYTES_MAX), 'y'],
    ];
    for (let i = 0; i < 2; i++) assert.deepEqual([...roundTrip(ext)!], ext);
  });

  it('values of 1..9 bytes, ASCII and not, decode exactly', () => {
    const values = ['1', '42', 'abc', 'true', 'false', 'TBW102', '1234567', '12345678', '123456789', 'é', 'éé', 'aé', '€', '\u0001\u0002', '😀', 'aaaaaaé'];
    const ext = values.map((v, i): [string, string] => [`f${i}`, v]);
    assert.deepEqual([...roundTrip(ext)!], ext);
  });

  it('property: any ext fields survive encode -> decode, twice in a row (cache warm)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 12 })), { maxLength: 10, selector: (t) => t[0] }),
        (ext) => {
          const expected = ext.length === 0 ? null : ext;
          const a = roundTrip(ext);
          const b = roundTrip(ext);
          assert.deepEqual(a === null ? null : [...a], expected);
          assert.deepEqual(b === null ? null : [...b], expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
