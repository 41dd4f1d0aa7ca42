import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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
});
