import { strict as assert } from 'node:assert';
import { attributesToHeader, attributesToString, javaSplit, parseAttributeModification } from './attributes';
import { hashOrderBy, javaStringHash } from './java-order';

/** updateTopic -a: Java AttributeParser#parseToMap / #parseToString and HashMap#toString of the result. */
describe('lib/admin attributes (updateTopic -a, Java AttributeParser)', () => {
  it('javaSplit is String#split with a literal: no match gives the text, trailing empty parts are dropped', () => {
    assert.deepEqual(javaSplit('', ','), ['']);
    assert.deepEqual(javaSplit('a,,b,,', ','), ['a', '', 'b']);
    assert.deepEqual(javaSplit(',', ','), []);
    assert.deepEqual(javaSplit('=b', '='), ['', 'b']);
  });

  it('parseToMap: +k=v adds, -k deletes, the sign stays in the key; empty text is no attribute', () => {
    assert.deepEqual([...parseAttributeModification('')], []);
    assert.deepEqual([...parseAttributeModification('+message.type=NORMAL,-e')], [['+message.type', 'NORMAL'], ['-e', '']]);
    // Java keeps only the text between the first and the second '='; a trailing ',' yields no entry.
    assert.deepEqual([...parseAttributeModification('+a=b=c,')], [['+a', 'b']]);
  });

  it('parseToMap refuses as Java does, naming the key, then says the format', () => {
    assert.throws(() => parseAttributeModification('a=b'), /^Error: add\/alter attribute format is wrong: a; write attribute\(\+a=b,\+c=d,-e\)/);
    assert.throws(() => parseAttributeModification('+a=b,e'), /^Error: delete attribute format is wrong: e; /);
    assert.throws(() => parseAttributeModification('+a=b,,+c=d'), /^Error: delete attribute format is wrong: ; /);
    assert.throws(() => parseAttributeModification('-e,-e'), /^Error: key duplication: -e; give each attribute once/);
    assert.throws(() => parseAttributeModification('+a='), /^Error: Index 1 out of bounds for length 1: attribute "\+a=" has no value/);
  });

  it('parseToString and HashMap#toString iterate the HashMap: "k=v" or bare "k", in Java hash order', () => {
    const one = parseAttributeModification('+message.type=NORMAL');
    assert.equal(attributesToHeader(one), '+message.type=NORMAL');
    assert.equal(attributesToString(one), '{+message.type=NORMAL}');
    assert.equal(attributesToString(new Map()), '{}');
    assert.equal(attributesToHeader(new Map()), '');
    // String#hashCode: "-z" 1517 (bucket 13 of 16), "+a" 1430 (6), "+b" 1431 (7): not the order typed.
    const keys = ['-z', '+a', '+b'];
    const m = parseAttributeModification('-z,+a=1,+b=2');
    const order = hashOrderBy(keys, javaStringHash);
    assert.deepEqual(order, ['+a', '+b', '-z']);
    assert.equal(attributesToHeader(m), '+a=1,+b=2,-z');
    assert.equal(attributesToString(m), '{+a=1, +b=2, -z=}');
  });
});
