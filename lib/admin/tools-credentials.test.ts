import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { signedFields } from '../client';
import { toolsCredentials } from './tools-credentials';

describe('lib/admin: the credentials mqadmin signs with ($ROCKETMQ_HOME/conf/tools.yml, as Java MQAdminStartup)', () => {
  let home = '';
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-tools-yml-'));
    fs.mkdirSync(path.join(home, 'conf'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('reads accessKey and secretKey (quotes stripped); no home, no file or a missing key: unsigned', () => {
    assert.equal(toolsCredentials(undefined), undefined);
    assert.equal(toolsCredentials(home), undefined);
    fs.writeFileSync(path.join(home, 'conf', 'tools.yml'), 'accessKey: rocketmq\n');
    assert.equal(toolsCredentials(home), undefined);
    fs.writeFileSync(path.join(home, 'conf', 'tools.yml'), '# tools\naccessKey: rocketmq\r\nsecretKey: "1234 5678"\n');
    assert.deepEqual(toolsCredentials(home), { accessKey: 'rocketmq', secretKey: '1234 5678' });
  });

  it('a tools.yml that cannot be read is an error naming the file', () => {
    fs.mkdirSync(path.join(home, 'conf', 'tools.yml'));
    assert.throws(() => toolsCredentials(home), /cannot read .*tools\.yml/);
  });

  it('rule (AclClientRPCHook): AccessKey is added and signed with the other fields in key order, then the body', () => {
    const f = signedFields(new Map([['topic', 'T'], ['Signature', 'stale']]), Buffer.from('b'), { accessKey: 'ak', secretKey: 'sk' });
    assert.equal(f.get('AccessKey'), 'ak');
    assert.equal(f.get('topic'), 'T');
    // HmacSHA1("sk", "ak" + "T" + "b"): the stale Signature is not part of the content.
    const again = signedFields(new Map([['topic', 'T']]), Buffer.from('b'), { accessKey: 'ak', secretKey: 'sk' });
    assert.equal(f.get('Signature'), again.get('Signature'));
    assert.notEqual(signedFields(new Map([['topic', 'T']]), Buffer.from('c'), { accessKey: 'ak', secretKey: 'sk' }).get('Signature'), f.get('Signature'));
    assert.equal(f.get('Signature'), 'bWTOP/MZP+1emZOBkPhWZUjzGiw=');
  });
});
