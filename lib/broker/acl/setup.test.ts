import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequest } from '../../../protocol/command';
import { RequestCode } from '../../../protocol/codes';
import { defaults, silentLogger } from '../../common';
import { BrokerSchema } from '../config';
import { AUTH_CONFIG_KEYS, aclFromConfig } from './setup';

describe('lib/broker/acl/setup: the authenticator from broker.conf (Java AuthConfig keys)', () => {
  let dir = '';
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-auth-setup-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const conf = (o: Record<string, unknown>) => ({ ...defaults(BrokerSchema), ...o });

  it('every hidden auth key is a broker.conf key (GET_BROKER_CONFIG filters by this list)', () => {
    for (const k of AUTH_CONFIG_KEYS) assert.ok(k in BrokerSchema, k);
  });

  it('off by default, as Java (authenticationEnabled=false): no authenticator, no users file', () => {
    assert.equal(aclFromConfig(conf({}), dir, silentLogger(), Date.now).authenticator, undefined);
    assert.equal(fs.existsSync(path.join(dir, 'config', 'users.json')), false);
  });

  it('on: the start-up user is stored under storePathRootDir/config', () => {
    const a = aclFromConfig(conf({ authenticationEnabled: true, authenticationMetadataProvider: 'x', initAuthenticationUser: '{"username":"u","password":"p"}' }), dir, silentLogger(), Date.now).authenticator;
    assert.ok(a !== undefined);
    assert.match(fs.readFileSync(path.join(dir, 'config', 'users.json'), 'utf8'), /"username": "u"/);
  });

  it('migrateAuthFromV1Enabled imports plain_acl.yml accounts after the start-up user; a malformed file fails the start naming it', () => {
    const c = conf({ authenticationMetadataProvider: 'x', migrateAuthFromV1Enabled: true, initAuthenticationUser: '{"username":"u","password":"p"}' });
    const files = [{ path: 'conf/plain_acl.yml', text: 'accounts:\n  - accessKey: ak1\n    secretKey: sk1\n    admin: true\n' }];
    const users = aclFromConfig(c, dir, silentLogger(), Date.now, files).users!;
    assert.deepEqual(users.list().map((u) => [u.username, u.userType]), [['u', 'Super'], ['ak1', 'Super']]);
    assert.throws(() => aclFromConfig(c, dir, silentLogger(), Date.now, [{ path: 'conf/plain_acl.yml', text: 'accounts:\n\t- x' }]), /conf\/plain_acl\.yml: line 2/);
  });

  it('migrateAuthFromV1Enabled with authorizationEnabled (Java AuthMigrator#createAcl): the accounts\' perms become ACLs that the Authorizer enforces', () => {
    const c = conf({ authenticationMetadataProvider: 'x', authorizationMetadataProvider: 'x', authorizationEnabled: true, migrateAuthFromV1Enabled: true });
    const files = [{ path: 'conf/plain_acl.yml', text: 'accounts:\n  - accessKey: ak1\n    secretKey: sk1\n    defaultTopicPerm: DENY\n    topicPerms:\n      - topicB=PUB|SUB\n' }];
    const a = aclFromConfig(c, dir, silentLogger(), Date.now, files);
    assert.deepEqual(a.users!.list().map((u) => [u.username, u.userType]), [['ak1', 'Normal']]);
    const send = (topic: string) => createRequest({ code: RequestCode.SEND_MESSAGE_V2, opaque: 0, version: 479, extFields: new Map([['AccessKey', 'ak1'], ['a', 'PG'], ['b', topic]]) });
    assert.equal(a.authorizer!.authorize(send('topicB'), '10.0.0.1'), undefined);
    assert.match(a.authorizer!.authorize(send('topicA'), '10.0.0.1') ?? '', /ak1/);
  });

  it('a bad whitelist refuses the start, naming the key and the entry', () => {
    assert.throws(() => aclFromConfig(conf({ authenticationEnabled: true, authenticationWhitelist: '34, x' }), dir, silentLogger(), Date.now), /authenticationWhitelist: "x"/);
    assert.throws(() => aclFromConfig(conf({ authorizationEnabled: true, authorizationWhitelist: 'y' }), dir, silentLogger(), Date.now), /authorizationWhitelist: "y"/);
  });

  it('authorizationEnabled builds the Authorizer; authorizationMetadataProvider builds the ACL store (acls.json)', () => {
    const a = aclFromConfig(conf({ authorizationEnabled: true, authenticationMetadataProvider: 'x', authorizationMetadataProvider: 'x' }), dir, silentLogger(), Date.now);
    assert.ok(a.authorizer !== undefined && a.acls !== undefined && a.authenticator === undefined);
    assert.equal(aclFromConfig(conf({}), dir, silentLogger(), Date.now).authorizer, undefined);
  });
});
