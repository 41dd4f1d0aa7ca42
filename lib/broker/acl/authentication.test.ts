import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { createRequest } from '../../../protocol/command';
import { mqVersion } from '../../../protocol/codes';
import { AUTH_FAILURE_WINDOW_MS, Authenticator, type AuthenticationOptions } from './authentication';
import { calSignature, signedContent } from './signature';
import { UserStore } from './users';

/** Java: DefaultAuthenticationHandler's remarks and order; AbstractAuthenticationStrategy's whitelist. */
describe('lib/broker/acl/authentication: per-request authentication (Java 5.5.0 ACL 2.0)', () => {
  let dir = '';
  let users: UserStore;
  let clock = 1_000_000;
  let logged = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-auth-'));
    users = new UserStore(dir);
    users.put({ username: 'alice', password: 'alice-secret', userType: 'Super', userStatus: 'enable' });
    users.put({ username: 'bob', password: 'bob-secret', userType: 'Normal', userStatus: 'disable' });
    logged = '';
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const auth = (o: Partial<AuthenticationOptions> = {}) =>
    new Authenticator({
      metadataProviderConfigured: true,
      whitelist: new Set(),
      users,
      failuresPerMinuteMax: 0,
      failureHostsMax: 100,
      logger: pino({ level: 'debug' }, { write: (s: string) => (logged += s) }),
      now: () => clock,
      ...o,
    });
  const signed = (ak: string | undefined, sk: string, code = 10, body = Buffer.from('m')) => {
    const fields = new Map<string, string>([['topic', 'T']]);
    if (ak !== undefined) fields.set('AccessKey', ak);
    const r = createRequest({ code, opaque: 1, version: mqVersion('V5_5_0'), extFields: fields, body });
    fields.set('Signature', calSignature(signedContent(r), sk));
    return r;
  };

  it('a correctly signed request of an enabled user passes', () => {
    assert.deepEqual(auth().authenticate(signed('alice', 'alice-secret'), '10.0.0.1'), { ok: true, username: 'alice' });
  });

  it("refusals carry Java's remarks: no AccessKey, unknown user, disabled user, wrong secret, changed body", () => {
    const a = auth();
    assert.deepEqual(a.authenticate(signed(undefined, 'x'), 'h'), { ok: false, remark: 'username cannot be null.' });
    assert.deepEqual(a.authenticate(signed('mallory', 'x'), 'h'), { ok: false, remark: 'User:mallory is not found.' });
    assert.deepEqual(a.authenticate(signed('bob', 'bob-secret'), 'h'), { ok: false, remark: 'User:bob is disabled.' });
    assert.deepEqual(a.authenticate(signed('alice', 'wrong'), 'h'), { ok: false, remark: 'check signature failed.' });
    const replay = signed('alice', 'alice-secret');
    replay.body = Buffer.from('changed');
    assert.deepEqual(a.authenticate(replay, 'h'), { ok: false, remark: 'check signature failed.' });
    const unsigned = signed('alice', 'alice-secret');
    unsigned.extFields!.delete('Signature');
    assert.deepEqual(a.authenticate(unsigned, 'h'), { ok: false, remark: 'check signature failed.' });
    assert.equal(a.failedTotal, 6);
  });

  it('without authenticationMetadataProvider every request is refused as Java does', () => {
    assert.deepEqual(auth({ metadataProviderConfigured: false }).authenticate(signed('alice', 'alice-secret'), 'h'), {
      ok: false,
      remark: 'The authenticationMetadataProvider is not configured',
    });
  });

  it('whitelisted request codes skip authentication (authenticationWhitelist)', () => {
    assert.equal(auth({ whitelist: new Set([34]) }).authenticate(signed(undefined, 'x', 34), 'h').ok, true);
    assert.equal(auth({ whitelist: new Set([34]) }).authenticate(signed(undefined, 'x', 10), 'h').ok, false);
  });

  it('authFailuresPerMinuteMax: a host is refused after N failures until its window ends; other hosts unaffected', () => {
    const a = auth({ failuresPerMinuteMax: 3 });
    for (let i = 0; i < 3; i++) assert.equal(a.authenticate(signed('alice', 'guess'), '10.0.0.9').ok, false);
    const r = a.authenticate(signed('alice', 'alice-secret'), '10.0.0.9');
    assert.equal(r.ok, false);
    assert.match((r as { remark: string }).remark, /too many failed authentications from 10\.0\.0\.9: 3 .*authFailuresPerMinuteMax=3.*retry in 60 s/);
    assert.equal(a.rateLimitedTotal, 1);
    assert.equal(a.authenticate(signed('alice', 'alice-secret'), '10.0.0.8').ok, true, 'another host still authenticates');
    clock += AUTH_FAILURE_WINDOW_MS;
    assert.equal(a.authenticate(signed('alice', 'alice-secret'), '10.0.0.9').ok, true, 'a new window lets the host in');
  });

  it('authFailureHostsMax bounds the hosts tracked', () => {
    const a = auth({ failuresPerMinuteMax: 5, failureHostsMax: 2 });
    for (const h of ['h1', 'h2', 'h3', 'h4']) a.authenticate(signed('alice', 'bad'), h);
    assert.equal(a.trackedHosts(), 2);
  });

  it('failure logs name the user and host but never a secret or a signature', () => {
    const r = signed('alice', 'wrong-secret');
    auth().authenticate(r, '10.0.0.7');
    assert.match(logged, /authentication failed/);
    assert.match(logged, /alice/);
    assert.doesNotMatch(logged, /alice-secret|wrong-secret/);
    assert.ok(!logged.includes(r.extFields!.get('Signature')!), 'the signature is not logged');
  });
});
