import { strict as assert } from 'node:assert';
import { readFixtureJson, type FixtureVersion } from '../testing/fixtures';
import * as table from './table';
import { decodeHeader, encodeHeader, type FieldKind, type FieldSpec, type HeaderSpec } from './spec';
import { decodeSendMessageHeaderV2, encodeSendMessageHeaderV2, SendMessageRequestHeaderV2Order } from './v2';

/**
 * Checks the header table against the fields the official jars report by reflection (compat-tests/oracle ->
 * protocol/fixtures/java*\/headers.json): same field names (wire keys), kinds, @CFNotNull and primitive flags;
 * and that Java's own encoding of a populated header decodes and re-encodes to the same ext fields.
 */
interface JavaField {
  name: string;
  type: string;
  notNull: boolean;
  declaredIn: string;
  static: boolean;
}
interface JavaHeader {
  class: string;
  fastCodes: boolean;
  fields: JavaField[];
  sample: Record<string, string>;
  binaryKeyOrder: string[];
}

const KIND: Record<string, FieldKind> = {
  'java.lang.String': 'string',
  'java.lang.Integer': 'int',
  int: 'int',
  'java.lang.Long': 'long',
  long: 'long',
  'java.lang.Boolean': 'boolean',
  boolean: 'boolean',
  'java.lang.Double': 'double',
  double: 'double',
  'org.apache.rocketmq.common.BoundaryType': 'string',
};

function load(v: FixtureVersion): Record<string, JavaHeader> {
  return readFixtureJson<{ headers: Record<string, JavaHeader> }>(v, 'headers.json').headers;
}

const specs = Object.values(table).filter((x): x is HeaderSpec => typeof x === 'object' && x !== null && 'keys' in x);

describe('protocol/headers table matches the official jars', () => {
  const java5 = load('java5');
  const java49 = load('java49');

  it('declares every header of the table (sanity)', () => {
    assert.ok(specs.length >= 90, `${specs.length} headers`);
  });

  for (const spec of specs) {
    it(`${spec.name}: fields, kinds, @CFNotNull and primitives as in 5.5.0 (and 4.9.7)`, () => {
      const j5 = java5[spec.name];
      assert.ok(j5 !== undefined, `${spec.name} is not a 5.5.0 header class`);
      const fields = spec.fields as Record<string, FieldSpec>;
      const j5fields = j5.fields.filter((f) => !f.static);
      const j49fields = (java49[spec.name]?.fields ?? []).filter((f) => !f.static);
      for (const f of j5fields) {
        const mine = fields[f.name];
        assert.ok(mine !== undefined, `${spec.name}.${f.name} (${f.type}) is missing from the table`);
        assert.equal(mine.kind, KIND[f.type], `${spec.name}.${f.name}: kind`);
        assert.equal(mine.notNull, f.notNull, `${spec.name}.${f.name}: @CFNotNull`);
        assert.equal(mine.primitive, !f.type.includes('.'), `${spec.name}.${f.name}: primitive`);
      }
      for (const name of spec.keys) {
        const in5 = j5fields.some((f) => f.name === name);
        const in49 = j49fields.some((f) => f.name === name);
        assert.ok(in5 || in49, `${spec.name}.${name} exists in neither 5.5.0 nor 4.9.7`);
      }
      for (const f of j49fields) {
        assert.ok(fields[f.name] !== undefined, `${spec.name}.${f.name} (4.9.7) is missing from the table`);
      }
    });

    it(`${spec.name}: Java's populated sample decodes and re-encodes unchanged`, () => {
      const j5 = java5[spec.name]!;
      const sample = new Map(Object.entries(j5.sample));
      const d = decodeHeader(spec, sample);
      assert.ok(d.ok, d.ok ? '' : d.error);
      const back = encodeHeader(spec, d.value);
      assert.deepEqual([...back].sort(), [...sample].sort());
    });

    if (java5[spec.name]?.fastCodes) {
      it(`${spec.name}: FastCodes fields come first in Java's binary order`, () => {
        const order = java5[spec.name]!.binaryKeyOrder.filter((k) => spec.keys.includes(k));
        const mine = spec.keys.filter((k) => order.includes(k));
        assert.deepEqual(order.slice(0, mine.length), mine);
      });
    }
  }

  it('SendMessageRequestHeaderV2: the v2 column maps every short key of the 5.5.0 class', () => {
    const j = java5.SendMessageRequestHeaderV2!;
    const sample = new Map(Object.entries(j.sample));
    const d = decodeSendMessageHeaderV2(sample);
    assert.ok(d.ok, d.ok ? '' : d.error);
    const back = encodeSendMessageHeaderV2(d.value);
    // Java's V2 class has a..n plus inherited long names; the V1 bname is the V2 n.
    const expected = [...sample].filter(([k]) => k !== 'bname');
    assert.deepEqual([...back].filter(([k]) => k !== 'bname').sort(), expected.sort());
    const order = j.binaryKeyOrder.filter((k) => /^[a-n]$/.test(k));
    assert.deepEqual(
      SendMessageRequestHeaderV2Order.keys.map((k) => (SendMessageRequestHeaderV2Order.fields as Record<string, FieldSpec>)[k]!.v2).filter((x) => x !== undefined),
      order,
    );
  });

  it("a missing @CFNotNull field is a clear error in Java's words", () => {
    const d = decodeHeader(table.PullMessageRequestHeader, new Map([['topic', 'T']]));
    assert.deepEqual(d, { ok: false, error: 'the custom field <consumerGroup> is null' });
    const e = decodeHeader(table.PullMessageRequestHeader, new Map(Object.entries({ ...java5.PullMessageRequestHeader!.sample, queueOffset: 'x' })));
    assert.deepEqual(e, { ok: false, error: 'the custom field <queueOffset> is not a long: "x"' });
  });

  it('Java initializers are the defaults (GetMaxOffsetRequestHeader.committed = true)', () => {
    const d = decodeHeader(table.GetMaxOffsetRequestHeader, new Map([['topic', 'T'], ['queueId', '1']]));
    assert.ok(d.ok);
    assert.equal(d.value.committed, true);
  });
});
