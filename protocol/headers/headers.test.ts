import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import * as table from './table';
import { decodeHeader, encodeHeader, type FieldSpec, type HeaderSpec } from './spec';
import { decodeSendMessageHeaderV2, encodeSendMessageHeaderV2 } from './v2';

const specs = Object.values(table).filter((x): x is HeaderSpec => typeof x === 'object' && x !== null && 'keys' in x);

function arbField(f: FieldSpec): fc.Arbitrary<unknown> {
  switch (f.kind) {
    case 'string':
      return fc.string({ maxLength: 30 });
    case 'int':
      return fc.integer({ min: -2147483648, max: 2147483647 });
    case 'long':
      return fc.maxSafeInteger();
    case 'boolean':
      return fc.boolean();
    case 'double':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
  }
}

/** A value with every required field and a random subset of the optional ones. */
function arbHeader(spec: HeaderSpec): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const requiredKeys: string[] = [];
  for (const k of spec.keys) {
    const f = (spec.fields as Record<string, FieldSpec>)[k]!;
    model[k] = arbField(f);
    if (f.notNull) requiredKeys.push(k);
  }
  return fc.record(model, { requiredKeys });
}

function expected(spec: HeaderSpec, v: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of spec.keys) {
    const f = (spec.fields as Record<string, FieldSpec>)[k]!;
    const x = v[k];
    if (x !== undefined) out[k] = f.kind === 'double' && Object.is(x, -0) ? 0 : x;
    else if (f.default !== undefined) out[k] = f.default;
    else if (f.primitive) out[k] = f.kind === 'boolean' ? false : 0;
  }
  return out;
}

describe('protocol/headers round trips (fast-check, every header of the table)', () => {
  for (const spec of specs) {
    it(`${spec.name}: decode(encode(v)) == v`, () => {
      fc.assert(
        fc.property(arbHeader(spec), (v) => {
          const d = decodeHeader(spec, encodeHeader(spec, v as never));
          assert.ok(d.ok, d.ok ? '' : d.error);
          assert.deepEqual(d.value, expected(spec, v));
        }),
        { numRuns: 50 },
      );
    });
  }

  it('SendMessageRequestHeader: V1 and V2 wire forms decode to the same value', () => {
    fc.assert(
      fc.property(arbHeader(table.SendMessageRequestHeader), (v) => {
        const v1 = decodeHeader(table.SendMessageRequestHeader, encodeHeader(table.SendMessageRequestHeader, v as never));
        const v2 = decodeSendMessageHeaderV2(encodeSendMessageHeaderV2(v as never));
        assert.ok(v1.ok && v2.ok);
        assert.deepEqual(v2.value, v1.value);
      }),
      { numRuns: 200 },
    );
  });
});
