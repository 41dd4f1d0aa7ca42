import { strict as assert } from 'node:assert';
import { parseYaml } from './yaml';

describe('lib/broker/acl/yaml: the YAML subset of plain_acl.yml', () => {
  it("reads Java's distributed plain_acl.yml shape: lists, nested mappings, list at the key's indent, comments, quotes", () => {
    const doc = parseYaml(
      [
        '# comment',
        'globalWhiteRemoteAddresses:',
        '  - 10.10.103.*',
        '  - "192.168.0.*"',
        'accounts:',
        '- accessKey: RocketMQ   # trailing comment',
        '  secretKey: 12345678',
        '  whiteRemoteAddress:',
        '  admin: false',
        '  topicPerms:',
        '    - topicA=DENY',
        '    - topicB=PUB|SUB',
        '  groupPerms: []',
        "- accessKey: 'rocket#mq2'",
        '  admin: true',
      ].join('\n'),
    );
    assert.deepEqual(doc, {
      globalWhiteRemoteAddresses: ['10.10.103.*', '192.168.0.*'],
      accounts: [
        { accessKey: 'RocketMQ', secretKey: '12345678', whiteRemoteAddress: null, admin: 'false', topicPerms: ['topicA=DENY', 'topicB=PUB|SUB'], groupPerms: [] },
        { accessKey: 'rocket#mq2', admin: 'true' },
      ],
    });
  });

  it('malformed input names the line and the key', () => {
    assert.throws(() => parseYaml('accounts:\n\t- a: b'), /line 2: a tab in the indentation/);
    assert.throws(() => parseYaml('accounts:\n  - accessKey: a\n    accessKey: b'), /line 3 \(key "accessKey"\): duplicate key/);
    assert.throws(() => parseYaml('a: 1\n   b: 2'), /line 2: unexpected indentation/);
    assert.throws(() => parseYaml('accounts:\n  - secretKey: "abc'), /line 2 \(key "secretKey"\): unterminated double-quoted string/);
    assert.throws(() => parseYaml('just words'), /line 1: expected "key: value", found "just words"/);
    assert.throws(() => parseYaml('a: &anchor x'), /line 1 \(key "a"\): unsupported YAML/);
    assert.throws(() => parseYaml('a: [x, y'), /line 1 \(key "a"\): a flow list must end/);
  });

  it('an empty document is null', () => {
    assert.equal(parseYaml('# nothing\n\n'), null);
  });
});
