import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequest, SerializeType, type RemotingCommand } from '../../../protocol/command';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { RocketClient } from '../../client';
import { silentLogger } from '../../common';
import { BrokerHarness, ext, type Fields } from '../processors/testing/harness';
import { calSignature, signedContent } from './signature';

/**
 * Authorization over real sockets (authorization.ts, acl-admin.ts): the ACL admin codes as Java 5.5.0's
 * AdminBrokerProcessor#createAcl..listAcl answer them, then per-request decisions with Java's NO_PERMISSION remarks
 * (AclAuthorizationHandler, UserAuthorizationHandler); a refused request never reaches its processor.
 */
describe('lib/broker/acl/authorization: ACL 2.0 rules decide each request (Java AuthorizationPipeline)', function () {
  this.timeout(30_000);
  let h: BrokerHarness;
  before(async () => {
    h = await BrokerHarness.start({
      config: {
        authenticationEnabled: true,
        authenticationMetadataProvider: 'Local',
        authorizationEnabled: true,
        authorizationMetadataProvider: 'Local',
        initAuthenticationUser: '{"username":"root","password":"rootpw"}',
      },
    });
  });
  after(async () => h.close());

  async function call(ak: string, sk: string, code: number, fields: Fields, body?: object): Promise<RemotingCommand> {
    const f = ext(fields);
    f.set('AccessKey', ak);
    const req = createRequest({ code, opaque: 0, version: 479, extFields: f, body: body === undefined ? null : Buffer.from(JSON.stringify(body)), serializeType: SerializeType.JSON });
    f.set('Signature', calSignature(signedContent(req), sk));
    return h.client.invoke(h.addr, req, 8000);
  }
  const root = (code: number, fields: Fields, body?: object) => call('root', 'rootpw', code, fields, body);
  const app = (code: number, fields: Fields, body?: object) => call('app1', 'p1', code, fields, body);
  const acl = (entries: object[]) => ({ subject: 'User:app1', policies: [{ entries }] });
  const maxOffset = (topic: string) => app(RequestCode.GET_MAX_OFFSET, { topic, queueId: 0 });
  const noPerm = (r: RemotingCommand) => [r.code, r.remark];

  it('ACL admin: the subject must exist; invalid entries get Java remarks; create/get/list/delete', async () => {
    let r = await root(RequestCode.AUTH_CREATE_ACL, { subject: 'User:app1' }, acl([{ resource: 'Topic:T', actions: ['Pub'], decision: 'Allow' }]));
    assert.deepEqual(noPerm(r), [ResponseCode.NO_PERMISSION, 'The subject of User:app1 is not exist.']);
    assert.equal((await root(RequestCode.AUTH_CREATE_USER, { username: 'app1' }, { username: 'app1', password: 'p1' })).code, ResponseCode.SUCCESS);
    r = await root(RequestCode.AUTH_CREATE_ACL, { subject: 'User:app1' }, acl([{ resource: 'Topic:T', actions: ['Pub'], sourceIps: ['x'], decision: 'Allow' }]));
    assert.deepEqual(noPerm(r), [ResponseCode.NO_PERMISSION, 'The source ip is invalid.']);
    r = await root(RequestCode.AUTH_CREATE_ACL, { subject: 'User:app1' }, acl([{ resource: 'Topic:*', actions: ['Pub', 'Sub', 'Get'], decision: 'Allow' }, { resource: 'Topic:Denied', actions: ['All'], decision: 'Deny' }]));
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    r = await root(RequestCode.AUTH_UPDATE_ACL, { subject: 'User:app1' }, acl([{ resource: 'Topic:Far', actions: ['Get'], sourceIps: ['10.0.0.0/8'], decision: 'Allow' }, { resource: 'Group:G*', actions: ['Sub'], decision: 'Allow' }]));
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    r = await root(RequestCode.AUTH_GET_ACL, { subject: 'User:app1' });
    const info = JSON.parse(r.body!.toString()) as { subject: string; policies: { policyType: string; entries: { resource: string }[] }[] };
    assert.equal(info.subject, 'User:app1');
    assert.deepEqual(info.policies.map((p) => [p.policyType, p.entries.map((e) => e.resource)]), [['Custom', ['Topic:*', 'Topic:Denied', 'Topic:Far', 'Group:G*']]]);
    r = await root(RequestCode.AUTH_LIST_ACL, { resourceFilter: 'Group' });
    assert.deepEqual((JSON.parse(r.body!.toString()) as typeof info[]).map((a) => a.policies[0]!.entries.map((e) => e.resource)), [['Group:G*']]);
    assert.match(fs.readFileSync(path.join(h.dir, 'store', 'config', 'acls.json'), 'utf8'), /"resource": "Topic:Denied"/);
    // malformed bodies: answered, never a crash (Java: the converter's NullPointerException -> SYSTEM_ERROR)
    for (const bad of [{ policies: 'x' }, { policies: [{ entries: [{ resource: 7, actions: ['Pub'], decision: 1 }] }] }, { policies: [{ entries: [{ resource: 'Topic:x' }] }] }, { policies: [] }]) {
      assert.notEqual((await root(RequestCode.AUTH_CREATE_ACL, { subject: 'User:app1' }, bad)).code, ResponseCode.SUCCESS, JSON.stringify(bad));
    }
    r = await root(RequestCode.AUTH_DELETE_ACL, { subject: 'User:nobody' });
    assert.deepEqual(noPerm(r), [ResponseCode.NO_PERMISSION, 'The subject is not exist.']);
  });

  it('decisions: allowed topic passes; Deny literal overrides Topic:*; no rule, wrong source IP -> Java remarks', async () => {
    assert.notEqual((await maxOffset('Open')).code, ResponseCode.NO_PERMISSION);
    assert.deepEqual(noPerm(await maxOffset('Denied')), [ResponseCode.NO_PERMISSION, 'User:app1 has no permission to access Topic:Denied from 127.0.0.1, the decision is deny.']);
    // Topic:Far is allowed only from 10/8; from 127.0.0.1 the Topic:* Allow entry (Pub,Sub,Get) still matches
    assert.notEqual((await maxOffset('Far')).code, ResponseCode.NO_PERMISSION);
    const r = await app(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'Other' });
    assert.deepEqual(noPerm(r), [ResponseCode.NO_PERMISSION, 'User:app1 has no permission to access Group:Other from 127.0.0.1, no matched policies.']);
    // a Normal user may not touch the cluster's admin codes without a Cluster rule; the Super user bypasses rules
    assert.deepEqual(noPerm(await app(RequestCode.AUTH_LIST_USER, {})), [ResponseCode.NO_PERMISSION, 'User:app1 has no permission to access Cluster:DefaultCluster from 127.0.0.1, no matched policies.']);
    assert.equal((await root(RequestCode.GET_MAX_OFFSET, { topic: 'Denied', queueId: 0 })).code === ResponseCode.NO_PERMISSION, false);
  });

  it("Apogee's own client with credentials signs as AclClientRPCHook: accepted, then authorized per rule", async () => {
    const c = new RocketClient({ namesrvAddr: '127.0.0.1:1', logger: silentLogger(), timeoutMs: 5000, credentials: { accessKey: 'app1', secretKey: 'p1' } });
    try {
      assert.notEqual((await c.call(h.addr, RequestCode.GET_MAX_OFFSET, new Map([['topic', 'Open'], ['queueId', '0']]))).code, ResponseCode.NO_PERMISSION);
      const r = await c.call(h.addr, RequestCode.GET_MAX_OFFSET, new Map([['topic', 'Denied'], ['queueId', '0']]));
      assert.deepEqual(noPerm(r), [ResponseCode.NO_PERMISSION, 'User:app1 has no permission to access Topic:Denied from 127.0.0.1, the decision is deny.']);
    } finally {
      c.close();
    }
  });

  it('source IPs: an entry limited to another network does not match; deleting the entry removes the rule', async () => {
    let r = await root(RequestCode.AUTH_DELETE_ACL, { subject: 'User:app1', resource: 'Topic:*' });
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    assert.deepEqual(noPerm(await maxOffset('Far')), [ResponseCode.NO_PERMISSION, 'User:app1 has no permission to access Topic:Far from 127.0.0.1, no matched policies.']);
    r = await root(RequestCode.AUTH_DELETE_ACL, { subject: 'User:app1' });
    assert.equal(r.code, ResponseCode.SUCCESS);
    assert.equal((await root(RequestCode.AUTH_GET_ACL, { subject: 'User:app1' })).body, null);
  });
});
