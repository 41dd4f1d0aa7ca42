import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { formatJavaProperties, parseJavaProperties } from './properties-text';

describe('protocol/codec Java properties text', () => {
  it('reads what java.util.Properties#load reads', () => {
    const text = [
      '# comment',
      '! also a comment',
      '  brokerClusterName = DefaultCluster',
      'brokerName:broker-a',
      'brokerId 0',
      'namesrvAddr=127.0.0.1:9876;127.0.0.2:9876',
      'multi=a\\',
      '   b',
      'esc=tab\\there\\u0041\\=',
      'empty=',
      'dup=1',
      'dup=2',
      'trailing=value  ',
      'key\\ with\\ space=x',
    ].join('\n');
    const m = parseJavaProperties(text);
    assert.equal(m.get('brokerClusterName'), 'DefaultCluster');
    assert.equal(m.get('brokerName'), 'broker-a');
    assert.equal(m.get('brokerId'), '0');
    assert.equal(m.get('namesrvAddr'), '127.0.0.1:9876;127.0.0.2:9876');
    assert.equal(m.get('multi'), 'ab');
    assert.equal(m.get('esc'), 'tab\thereA=');
    assert.equal(m.get('empty'), '');
    assert.equal(m.get('dup'), '2');
    assert.equal(m.get('trailing'), 'value  ', 'load keeps trailing whitespace (properties2Object trims Strings)');
    assert.equal(m.get('key with space'), 'x');
    assert.equal(m.size, 10);
  });

  it('refuses a malformed \\uXXXX escape as Java loadConvert does', () => {
    assert.throws(() => parseJavaProperties('k=\\u12'), /malformed \\uxxxx encoding/);
  });

  it('writes MixAll#properties2String(sorted) output', () => {
    assert.equal(formatJavaProperties([['b', '2'], ['a', '1']]), 'a=1\nb=2\n');
  });

  it('property: format then parse round-trips simple keys and values', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9.]{0,20}$/), fc.stringMatching(/^[^\\\r\n]{0,30}$/).map((s) => s.trimStart())),
        (d) => {
          const m = parseJavaProperties(formatJavaProperties(Object.entries(d)));
          assert.deepEqual([...m].sort(), Object.entries(d).sort());
        },
      ),
    );
  });
});
