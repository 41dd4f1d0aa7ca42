import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { DelayLevelTable, parseProperties, stringifyProperties } from '../../protocol/message';
import { javaStringHashCode } from '../../protocol/codec';
import { buildIndexKey, indexKeyHash } from './index-file';
import { computeTagsCode, indexHashesOf, javaHashOfBytes, newPropertyRanges, scanStoreProperties, checkRecord } from './record';
import { makeRecord } from './testing/records';

/** The byte-level shortcuts of the put and recovery paths equal Java's string semantics. */
describe('store record helpers', () => {
  it('javaHashOfBytes over UTF-8 bytes equals String#hashCode of the decoded string (ASCII and not)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer(), (s, h0) => {
        const b = Buffer.from(s, 'utf8');
        const dec = b.toString('utf8');
        let expect = h0 | 0;
        for (let i = 0; i < dec.length; i++) expect = (Math.imul(expect, 31) + dec.charCodeAt(i)) | 0;
        assert.equal(javaHashOfBytes(h0 | 0, b, 0, b.length), expect);
      }),
    );
    assert.equal(javaHashOfBytes(0, Buffer.from('TagA'), 0, 4), javaStringHashCode('TagA'));
  });

  it('javaHashOfBytes over any sub-range (the four-byte steps, their tail, a non-ASCII byte at any position) equals String#hashCode', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '~', '\u0001', 'é', '中'), maxLength: 40 });
    fc.assert(
      fc.property(fc.string({ maxLength: 7 }), text, fc.string({ maxLength: 7 }), fc.integer(), (pre, s, post, h0) => {
        const pb = Buffer.from(pre, 'utf8');
        const sb = Buffer.from(s, 'utf8');
        const b = Buffer.concat([pb, sb, Buffer.from(post, 'utf8')]);
        let expect = h0 | 0;
        for (let i = 0; i < s.length; i++) expect = (Math.imul(expect, 31) + s.charCodeAt(i)) | 0;
        assert.equal(javaHashOfBytes(h0 | 0, b, pb.length, pb.length + sb.length), expect);
      }),
      { numRuns: 2000 },
    );
    const uniq = '7F0000017A1C18B4AAC2628B1E3C0000';
    assert.equal(javaHashOfBytes(0, Buffer.from(`x${uniq}y`), 1, 33), javaStringHashCode(uniq));
  });

  it('scanStoreProperties finds TAGS/KEYS/UNIQ_KEY/DELAY exactly where Java\'s string2messageProperties would read them', () => {
    const name = fc.constantFrom('TAGS', 'KEYS', 'UNIQ_KEY', 'DELAY', 'X', '', 'TAG', 'KEYSX');
    const value = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\u0001', 'é', '9') , maxLength: 6 });
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 6 }), fc.boolean(), (pairs, trailing) => {
        let s = pairs.map(([k, v]) => `${k}\u0001${v}\u0002`).join('');
        if (!trailing && s.length > 0) s = s.slice(0, -1);
        const b = Buffer.from(s, 'utf8');
        const r = scanStoreProperties(b, 0, b.length, newPropertyRanges());
        const m = parseProperties(s);
        const got = (st: number, en: number): string | undefined => (st < 0 ? undefined : b.toString('utf8', st, en));
        assert.equal(got(r.tagsStart, r.tagsEnd), m.get('TAGS'));
        assert.equal(got(r.keysStart, r.keysEnd), m.get('KEYS'));
        assert.equal(got(r.uniqStart, r.uniqEnd), m.get('UNIQ_KEY'));
        assert.equal(got(r.delayStart, r.delayEnd), m.get('DELAY'));
      }),
    );
  });

  it('index hashes: topic#UNIQ_KEY then each non-empty KEYS word (Java: keys.split(" ")), |hashCode|', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'Z', ' ', 'é', '-'), maxLength: 12 }), fc.option(fc.string({ minLength: 1, maxLength: 5 }).filter((u) => !/[\u0001\u0002]/.test(u)), { nil: undefined }), (keys, uniq) => {
        const props = stringifyProperties([['KEYS', keys], ['UNIQ_KEY', uniq]]);
        const b = Buffer.from(props);
        const r = scanStoreProperties(b, 0, b.length, newPropertyRanges());
        const topic = 'TopicX';
        const prefix = (Math.imul(javaStringHashCode(topic), 31) + 0x23) | 0;
        const m = parseProperties(props);
        const expect: number[] = [];
        if (m.get('UNIQ_KEY') !== undefined) expect.push(indexKeyHash(buildIndexKey(topic, m.get('UNIQ_KEY')!)));
        for (const k of (m.get('KEYS') ?? '').split(' ')) if (k.length > 0) expect.push(indexKeyHash(buildIndexKey(topic, k)));
        assert.deepEqual(indexHashesOf(b, prefix, r) ?? [], expect);
      }),
    );
  });

  it('tagsCode: String#hashCode of TAGS, 0 without; SCHEDULE_TOPIC_XXXX: store time + delay (bad DELAY keeps the hash)', () => {
    const d = new DelayLevelTable();
    const ranges = (p: string): [Buffer, ReturnType<typeof newPropertyRanges>] => {
      const b = Buffer.from(p);
      return [b, scanStoreProperties(b, 0, b.length, newPropertyRanges())];
    };
    let [b, r] = ranges('TAGS\u0001TagA\u0002');
    assert.equal(computeTagsCode(b, 'T', r, 5, d), javaStringHashCode('TagA'));
    [b, r] = ranges('KEYS\u0001k\u0002');
    assert.equal(computeTagsCode(b, 'T', r, 5, d), 0);
    [b, r] = ranges('TAGS\u0001x\u0002DELAY\u00012\u0002');
    assert.equal(computeTagsCode(b, 'SCHEDULE_TOPIC_XXXX', r, 1000, d), 6000);
    assert.equal(computeTagsCode(b, 'Other', r, 1000, d), javaStringHashCode('x'));
    [b, r] = ranges('TAGS\u0001x\u0002DELAY\u0001zz\u0002');
    assert.equal(computeTagsCode(b, 'SCHEDULE_TOPIC_XXXX', r, 1000, d), javaStringHashCode('x'));
  });

  it('checkRecord (recovery): a record torn anywhere is invalid; blank records are recognised', () => {
    const rec = makeRecord({ topic: 'TornT', body: 'body-bytes-here', tags: 'A', keys: 'k' });
    rec.writeBigInt64BE(0n, 28);
    const opts = { checkCrc: true, rejectZeroTail: true, delays: new DelayLevelTable(), expectedPhysicalOffset: 0 };
    assert.equal(checkRecord(rec, 0, rec.length, opts).kind, 'message');
    for (let cut = 0; cut < rec.length; cut++) {
      const torn = Buffer.alloc(rec.length + 16);
      rec.copy(torn, 0, 0, cut);
      assert.equal(checkRecord(torn, 0, torn.length, opts).kind, 'invalid', `torn after ${cut} bytes`);
    }
    assert.equal(checkRecord(rec, 0, rec.length, { ...opts, expectedPhysicalOffset: 100 }).kind, 'invalid');
    const blank = Buffer.alloc(8);
    blank.writeInt32BE(500, 0);
    blank.writeInt32BE(0xcbd43194 | 0, 4);
    assert.deepEqual(checkRecord(blank, 0, 8, opts), { kind: 'blank', size: 500 });
  });
});
