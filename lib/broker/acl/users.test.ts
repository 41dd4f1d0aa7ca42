import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserStore } from './users';

describe('lib/broker/acl/users: the ACL 2.0 user store (users.json)', () => {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-users-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('initAuthenticationUser and innerClientAuthenticationCredentials become Super users, persisted and reloaded', () => {
    const s = new UserStore(dir);
    s.initFromConfig('{"username":"rocketmq","password":"12345678"}', '{"accessKey":"inner","secretKey":"s3"}');
    const again = new UserStore(dir);
    assert.deepEqual(again.get('rocketmq'), { username: 'rocketmq', password: '12345678', userType: 'Super', userStatus: 'enable' });
    assert.equal(again.get('inner')?.password, 's3');
  });

  it('a start-up user is created only when absent (Java initUser): an existing password is kept', () => {
    const s = new UserStore(dir);
    s.put({ username: 'rocketmq', password: 'changed', userType: 'Normal', userStatus: 'enable' });
    s.initFromConfig('{"username":"rocketmq","password":"12345678"}', '');
    assert.equal(new UserStore(dir).get('rocketmq')?.password, 'changed');
  });

  it('malformed start-up JSON or a users.json that does not parse is an error naming the key or file', () => {
    assert.throws(() => new UserStore(dir).initFromConfig('{username:', ''), /initAuthenticationUser: expected a JSON object/);
    assert.throws(() => new UserStore(dir).initFromConfig('', '{"secretKey":"x"}'), /innerClientAuthenticationCredentials: "accessKey" is required/);
    fs.writeFileSync(path.join(dir, 'users.json'), '{"users":[{"password":"x"}]}');
    assert.throws(() => new UserStore(dir), /users\.json: users\[0\]: "username" is required/);
  });

  it('usersMax bounds the store: the next new user is refused with an actionable text', () => {
    const s = new UserStore(dir, 2);
    assert.equal(s.put({ username: 'a', password: '', userType: 'Normal', userStatus: 'enable' }), undefined);
    assert.equal(s.put({ username: 'b', password: '', userType: 'Normal', userStatus: 'enable' }), undefined);
    assert.match(s.put({ username: 'c', password: '', userType: 'Normal', userStatus: 'enable' }) ?? '', /too many users: 2 \(usersMax=2\)/);
    assert.equal(s.put({ username: 'a', password: 'new', userType: 'Normal', userStatus: 'enable' }), undefined, 'replacing is allowed');
  });
});
