import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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

  it('settings Apogee does not implement refuse to start, naming the key; a bad whitelist names the entry', () => {
    assert.throws(() => aclFromConfig(conf({ authorizationEnabled: true }), dir, silentLogger(), Date.now), /authorizationEnabled=true/);
    assert.throws(() => aclFromConfig(conf({ migrateAuthFromV1Enabled: true }), dir, silentLogger(), Date.now), /migrateAuthFromV1Enabled=true/);
    assert.throws(() => aclFromConfig(conf({ authenticationEnabled: true, authenticationWhitelist: '34, x' }), dir, silentLogger(), Date.now), /authenticationWhitelist: "x"/);
  });
});
