import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { plainAclFiles } from './plain-acl-files';

describe('lib/bin/plain-acl-files: the plain_acl.yml files migrateAuthFromV1Enabled reads (Java PlainPermissionManager)', () => {
  let home = '';
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-rmqhome-'));
    fs.mkdirSync(path.join(home, 'conf', 'acl'), { recursive: true });
    fs.writeFileSync(path.join(home, 'conf', 'plain_acl.yml'), 'accounts: []\n');
    fs.writeFileSync(path.join(home, 'conf', 'acl', 'b.yml'), 'x: 1\n');
    fs.writeFileSync(path.join(home, 'conf', 'acl', 'a.txt'), 'ignored');
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('reads nothing unless migrateAuthFromV1Enabled', () => {
    assert.deepEqual(plainAclFiles({ migrateAuthFromV1Enabled: false, rocketmqHome: home }), []);
  });

  it('conf/plain_acl.yml and conf/acl/*.yml under rocketmqHome, else ROCKETMQ_HOME; no home is an error naming both', () => {
    const names = (fs2: { path: string }[]) => fs2.map((f) => path.relative(home, f.path));
    assert.deepEqual(names(plainAclFiles({ migrateAuthFromV1Enabled: true, rocketmqHome: home })), [path.join('conf', 'plain_acl.yml'), path.join('conf', 'acl', 'b.yml')]);
    assert.equal(plainAclFiles({ migrateAuthFromV1Enabled: true, rocketmqHome: '' }, { ROCKETMQ_HOME: home }).length, 2);
    assert.throws(() => plainAclFiles({ migrateAuthFromV1Enabled: true, rocketmqHome: '' }, {}), /needs ROCKETMQ_HOME \(or rocketmqHome in broker\.conf\)/);
  });
});
