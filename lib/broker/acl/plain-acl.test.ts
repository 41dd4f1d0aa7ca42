import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '../../common';
import { migratePlainAcl, parsePlainAcl } from './plain-acl';
import { UserStore } from './users';

/** Java: AuthMigrator#migrate / createUser (admin -> Super, else Normal; existing users untouched). */
describe('lib/broker/acl/plain-acl: plain_acl.yml accounts migrated into ACL 2.0 users', () => {
  let dir = '';
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-plainacl-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const yml = 'accounts:\n  - accessKey: RocketMQ\n    secretKey: 12345678\n    admin: false\n  - accessKey: rocketmq2\n    secretKey: 87654321\n    admin: true\n  - accessKey: nosecret\n';

  it('admin accounts become Super users, others Normal; an account without secretKey is skipped; existing users stay', () => {
    const users = new UserStore(dir);
    users.put({ username: 'rocketmq2', password: 'kept', userType: 'Normal', userStatus: 'enable' });
    assert.equal(migratePlainAcl([{ path: 'plain_acl.yml', text: yml }], users, silentLogger()), 1);
    assert.deepEqual(users.get('RocketMQ'), { username: 'RocketMQ', password: '12345678', userType: 'Normal', userStatus: 'enable' });
    assert.equal(users.get('rocketmq2')?.password, 'kept');
    assert.equal(users.get('nosecret'), undefined);
  });

  it('a malformed file names the file, line and key; a bad admin value names the account and key', () => {
    assert.throws(() => parsePlainAcl('accounts:\n  - accessKey: a\n    accessKey: b\n', 'conf/plain_acl.yml'), /conf\/plain_acl\.yml: line 3 \(key "accessKey"\): duplicate key/);
    assert.throws(() => parsePlainAcl('accounts:\n  - accessKey: a\n    admin: yes\n', 'f.yml'), /f\.yml: accounts\[0\]: key "admin": expected true or false, found "yes"/);
    assert.throws(() => parsePlainAcl('accounts: x\n', 'f.yml'), /f\.yml: key "accounts": expected a list/);
  });
});
