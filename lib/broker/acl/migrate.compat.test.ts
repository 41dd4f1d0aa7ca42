import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { javaToolsSkipReason, startApogeeUnderTest, type ApogeeUnderTest } from '../processors/testing/java-fixture';
import { javaLayout, MQADMIN_MAIN, runJava, toolsClasspath } from '../processors/testing/java-tools';
import { ACL_CLIENT_JAVA_5_5_0, ACL_CLIENT_SOURCE } from './testing/acl-java-client';

/**
 * Issue 16: a 4.9.x-style plain_acl.yml under ROCKETMQ_HOME/conf with migrateAuthFromV1Enabled=true, as Java 5.5.0
 * serves it: the accounts become ACL 2.0 users at start-up (admin -> Super), `mqadmin listUser` shows them, and the
 * official Java client 5.5.0 signing as a migrated account sends and consumes while a wrong secret, an unknown key
 * and no signature are refused. Expected output: what the same commands printed against Apache 5.5.0 (BrokerStartup
 * with -Drocketmq.home.dir holding the same plain_acl.yml and the same broker.conf; recorded 2026-12-04).
 */
const PLAIN_ACL = [
  'globalWhiteRemoteAddresses:',
  '  - 10.10.103.*',
  '',
  'accounts:',
  '  - accessKey: RocketMQ',
  '    secretKey: 12345678',
  '    whiteRemoteAddress:',
  '    admin: false',
  '    defaultTopicPerm: DENY',
  '    defaultGroupPerm: SUB',
  '    topicPerms:',
  '      - topicA=DENY',
  '      - topicB=PUB|SUB',
  '  - accessKey: rocketmq2',
  '    secretKey: 87654321',
  '    admin: true',
  '',
].join('\n');
const CONF =
  'authenticationEnabled=true\n' +
  'authenticationMetadataProvider=org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider\n' +
  'initAuthenticationUser={"username":"rocketmq","password":"12345678"}\n' +
  'migrateAuthFromV1Enabled=true\n';
const LIST_USER_5_5_0 = [
  '#UserName         #Password               #UserType               #UserStatus           ',
  'RocketMQ          12345678                Normal                  enable                ',
  'rocketmq          12345678                Super                   enable                ',
  'rocketmq2         87654321                Super                   enable                ',
];

describe('lib/broker/acl: plain_acl.yml migrated into ACL 2.0 users (migrateAuthFromV1Enabled) as Apache 5.5.0 does (compat)', function () {
  this.timeout(300_000);
  let dir = '';
  let nsPort = 0;
  let brokerAddr = '';
  let apogee: ApogeeUnderTest | undefined;
  const skipReason = javaToolsSkipReason();

  before(async function () {
    if (skipReason !== undefined) {
      console.log(`      skipped: ${skipReason}`);
      this.skip();
    }
    apogee = await startApogeeUnderTest('apogee-acl-migrate-', CONF, {
      prepare: (d: string) => {
        const home = path.join(d, 'rmqhome-broker');
        fs.mkdirSync(path.join(home, 'conf'), { recursive: true });
        fs.writeFileSync(path.join(home, 'conf', 'plain_acl.yml'), PLAIN_ACL);
        fs.writeFileSync(path.join(d, 'AclClient.java'), ACL_CLIENT_SOURCE);
        return `rocketmqHome=${home}\n`;
      },
    });
    ({ dir, nsPort, brokerAddr } = apogee);
  });

  after(async () => {
    await apogee?.stop();
  });

  it('mqadmin listUser shows the migrated accounts as Java 5.5.0 does', async () => {
    const layout = javaLayout(path.join(dir, 'java-admin'));
    fs.writeFileSync(path.join(dir, 'java-admin', 'rmqhome', 'conf', 'tools.yml'), 'accessKey: rocketmq\nsecretKey: 12345678\n');
    const run = await runJava([...layout, '-cp', toolsClasspath('5.5.0')!.cp, MQADMIN_MAIN, 'listUser', '-b', brokerAddr, '-n', `127.0.0.1:${nsPort}`], dir);
    assert.deepEqual(run.out.split('\n').filter((l) => l.startsWith('#') || /^\S+\s+\S+\s+(Super|Normal)\s/.test(l)), LIST_USER_5_5_0, run.out);
  });

  it('the Java client signing as a migrated account is served; wrong secret, unknown key, no signature refused as Java does', async () => {
    const args = [...javaLayout(path.join(dir, 'java-client')), '-cp', toolsClasspath('5.5.0')!.cp, path.join(dir, 'AclClient.java')];
    const run = await runJava([...args, `127.0.0.1:${nsPort}`, 'MigTopic', 'MigDenied', 'RocketMQ', '12345678'], dir);
    assert.deepEqual(run.out.split('\n').filter((l) => /^(ok-|wrong-|unknown-|no-|denied-)/.test(l)), ACL_CLIENT_JAVA_5_5_0, run.out);
  });
});
