import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequest, SerializeType, type RemotingCommand } from '../../../protocol/command';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { BrokerHarness, ext, type Fields } from '../processors/testing/harness';
import { calSignature, signedContent } from './signature';

/**
 * The authentication gate over real sockets (Java: the request pipeline runs before the processor): a refused
 * request changes nothing, and authFailuresPerMinuteMax refuses a host after its failures (Apogee addition).
 */
describe('lib/broker/acl/gate: authentication before the processor, over real sockets', function () {
  this.timeout(30_000);
  let h: BrokerHarness;
  before(async () => {
    h = await BrokerHarness.start({
      config: { authenticationEnabled: true, authenticationMetadataProvider: 'Local', initAuthenticationUser: '{"username":"root","password":"rootpw"}', authFailuresPerMinuteMax: 3 },
    });
  });
  after(async () => h.close());

  function call(ak: string | undefined, sk: string, code: number, fields: Fields): Promise<RemotingCommand> {
    const f = ext(fields);
    if (ak !== undefined) f.set('AccessKey', ak);
    const req = createRequest({ code, opaque: 0, version: 479, extFields: f, body: null, serializeType: SerializeType.JSON });
    if (ak !== undefined) f.set('Signature', calSignature(signedContent(req), sk));
    return h.client.invoke(h.addr, req, 8000);
  }

  it('an unsigned topic creation is refused (16) and creates nothing; signed by the Super user it succeeds', async () => {
    const fields = { topic: 'GateT', defaultTopic: 'TBW102', readQueueNums: 1, writeQueueNums: 1, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false };
    const r = await h.call(RequestCode.UPDATE_AND_CREATE_TOPIC, fields);
    assert.deepEqual([r.code, r.remark], [ResponseCode.NO_PERMISSION, 'username cannot be null.']);
    const topicsFile = path.join(h.dir, 'store', 'config', 'topics.json');
    assert.ok(!fs.existsSync(topicsFile) || !fs.readFileSync(topicsFile, 'utf8').includes('GateT'));
    assert.equal((await call('root', 'rootpw', RequestCode.UPDATE_AND_CREATE_TOPIC, fields)).code, ResponseCode.SUCCESS);
  });

  it('after authFailuresPerMinuteMax failures the host is refused even with the right secret', async () => {
    // The first test's unsigned call counted one failure.
    for (let i = 0; i < 2; i++) assert.equal((await call('root', 'guess', RequestCode.GET_BROKER_RUNTIME_INFO, {})).remark, 'check signature failed.');
    const r = await call('root', 'rootpw', RequestCode.GET_BROKER_RUNTIME_INFO, {});
    assert.equal(r.code, ResponseCode.NO_PERMISSION);
    assert.match(r.remark ?? '', /^too many failed authentications from 127\.0\.0\.1: 3 in the current minute \(authFailuresPerMinuteMax=3\)/);
  });
});
