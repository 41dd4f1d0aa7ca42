import { strict as assert } from 'node:assert';
import { createRequest, SerializeType, type RemotingCommand } from '../../../protocol/command';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { BrokerHarness, ext, type Fields } from '../processors/testing/harness';
import { calSignature, signedContent } from './signature';

/**
 * The user admin codes over real sockets against an authenticating broker, answers as Java 5.5.0's
 * AdminBrokerProcessor#createUser..listUser gives them (remarks and codes; see user-admin.ts).
 */
describe('lib/broker/acl/user-admin: AUTH_CREATE_USER..AUTH_LIST_USER (Java AdminBrokerProcessor)', function () {
  this.timeout(30_000);
  let h: BrokerHarness;
  before(async () => {
    h = await BrokerHarness.start({
      config: { authenticationEnabled: true, authenticationMetadataProvider: 'Local', initAuthenticationUser: '{"username":"root","password":"rootpw"}' },
    });
  });
  after(async () => h.close());

  async function call(ak: string | undefined, sk: string, code: number, fields: Fields, body?: object): Promise<RemotingCommand> {
    const f = ext(fields);
    if (ak !== undefined) f.set('AccessKey', ak);
    const req = createRequest({ code, opaque: 0, version: 479, extFields: f, body: body === undefined ? null : Buffer.from(JSON.stringify(body)), serializeType: SerializeType.JSON });
    if (ak !== undefined) f.set('Signature', calSignature(signedContent(req), sk));
    return h.client.invoke(h.addr, req, 8000);
  }
  const root = (code: number, fields: Fields, body?: object) => call('root', 'rootpw', code, fields, body);

  it('create, get, list, update, delete a Normal user as the Super user; the new user authenticates', async () => {
    let r = await root(RequestCode.AUTH_CREATE_USER, { username: 'app1' }, { username: 'app1', password: 'p1' });
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    r = await root(RequestCode.AUTH_GET_USER, { username: 'app1' });
    assert.deepEqual(JSON.parse(r.body!.toString()), { password: 'p1', userStatus: 'enable', userType: 'Normal', username: 'app1' });
    r = await root(RequestCode.AUTH_LIST_USER, { filter: 'app' });
    assert.deepEqual((JSON.parse(r.body!.toString()) as { username: string }[]).map((u) => u.username), ['app1']);
    assert.equal((await call('app1', 'p1', RequestCode.GET_BROKER_RUNTIME_INFO, {})).code, ResponseCode.SUCCESS);
    r = await root(RequestCode.AUTH_UPDATE_USER, { username: 'app1' }, { username: 'app1', password: 'p2', userStatus: 'disable' });
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    r = await call('app1', 'p2', RequestCode.GET_BROKER_RUNTIME_INFO, {});
    assert.deepEqual([r.code, r.remark], [ResponseCode.NO_PERMISSION, 'User:app1 is disabled.']);
    r = await root(RequestCode.AUTH_DELETE_USER, { username: 'app1' });
    // Java deletes the user, then fails on the missing authorizationMetadataProvider.
    assert.deepEqual([r.code, r.remark], [ResponseCode.SYSTEM_ERROR, 'An system error occurred, please try again later.']);
    r = await root(RequestCode.AUTH_GET_USER, { username: 'app1' });
    assert.deepEqual([r.code, r.body], [ResponseCode.SUCCESS, null]);
  });

  it("refusals carry Java's codes and remarks", async () => {
    assert.deepEqual(await pair(root(RequestCode.AUTH_CREATE_USER, {}, { password: 'x' })), [ResponseCode.INVALID_PARAMETER, 'The username is blank']);
    assert.deepEqual(await pair(root(RequestCode.AUTH_CREATE_USER, { username: 'np' }, {})), [ResponseCode.NO_PERMISSION, 'password can not be blank']);
    assert.deepEqual(await pair(root(RequestCode.AUTH_CREATE_USER, { username: 'root' }, { password: 'x' })), [ResponseCode.NO_PERMISSION, 'The user is existed']);
    assert.deepEqual(await pair(root(RequestCode.AUTH_UPDATE_USER, { username: 'ghost' }, { password: 'x' })), [ResponseCode.NO_PERMISSION, 'The user is not exist']);
    assert.deepEqual(await pair(root(RequestCode.AUTH_DELETE_USER, { username: 'ghost' })), [ResponseCode.SUCCESS, null]);
    assert.equal((await root(RequestCode.AUTH_CREATE_USER, { username: 'plain' }, { password: 'pp' })).code, ResponseCode.SUCCESS);
    const asPlain = (code: number, fields: Fields, body?: object) => pair(call('plain', 'pp', code, fields, body));
    assert.deepEqual(await asPlain(RequestCode.AUTH_CREATE_USER, { username: 's2' }, { password: 'x', userType: 'Super' }), [ResponseCode.SYSTEM_ERROR, 'The super user can only be create by super user']);
    assert.deepEqual(await asPlain(RequestCode.AUTH_UPDATE_USER, { username: 'root' }, { password: 'x' }), [ResponseCode.NO_PERMISSION, 'The super user can only be update by super user']);
    assert.deepEqual(await asPlain(RequestCode.AUTH_DELETE_USER, { username: 'root' }), [ResponseCode.NO_PERMISSION, 'The super user can only be update by super user']);
    assert.equal((await root(RequestCode.AUTH_GET_USER, { username: 'root' })).code, ResponseCode.SUCCESS, 'root is unchanged and still signs');
  });

  async function pair(p: Promise<RemotingCommand>): Promise<[number, string | null]> {
    const r = await p;
    return [r.code, r.remark];
  }
});
