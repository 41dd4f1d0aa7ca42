import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { javaToolsSkipReason, startApogeeUnderTest, type ApogeeUnderTest } from '../processors/testing/java-fixture';
import { javaLayout, MQADMIN_MAIN, runJava, toolsClasspath } from '../processors/testing/java-tools';
import { ACL_CLIENT_JAVA_5_5_0, ACL_CLIENT_SOURCE } from './testing/acl-java-client';
import { startJavaBrokerUnderTest } from './testing/java-broker';
import { skipBecause } from '../../common/testing/skip';

/**
 * Issue 16: a 4.9.x-style plain_acl.yml under ROCKETMQ_HOME/conf with migrateAuthFromV1Enabled=true, as Java 5.5.0
 * serves it: the accounts become ACL 2.0 users at start-up (admin -> Super), `mqadmin listUser` shows them, and the
 * official Java client 5.5.0 signing as a migrated account sends and consumes while a wrong secret, an unknown key
 * and no signature are refused. Expected output: what the same commands printed against Apache 5.5.0 (BrokerStartup
 * with -Drocketmq.home.dir holding the same plain_acl.yml and the same broker.conf; recorded 2026-12-04).
 * With authorizationEnabled and an authorizationMetadataProvider the accounts' topic/group perms become ACLs too
 * (Java AuthMigrator#createAcl): `mqadmin listAcl` shows them as Java 5.5.0 does. APOGEE_ACL_ALSO_JAVA=1 runs both
 * suites against Apache's BrokerStartup too (testing/java-broker.ts; the plain_acl.yml goes under its
 * -Drocketmq.home.dir), which is how the expected lines are checked.
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
const CONF_AUTHZ =
  CONF +
  'authorizationEnabled=true\n' +
  'authorizationProvider=org.apache.rocketmq.auth.authorization.provider.DefaultAuthorizationProvider\n' +
  'authorizationMetadataProvider=org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider\n';
/** What `mqadmin listAcl` printed against Apache 5.5.0 after the migration with CONF_AUTHZ (recorded 2026-12-04). */
const LIST_ACL_5_5_0 = [
  '#Subject          #PolicyType  #Resource               #Actions              #SourceIp                 #Decision ',
  'User:RocketMQ     Custom      Topic:topicA            [All]                 null                      Deny      ',
  'User:RocketMQ     Custom      Topic:topicB            [Pub, Sub]            null                      Allow     ',
  'User:RocketMQ     Default     Topic:*                 [All]                 null                      Deny      ',
  'User:RocketMQ     Default     Group:*                 [Sub]                 null                      Allow     ',
];
const LIST_USER_5_5_0 = [
  '#UserName         #Password               #UserType               #UserStatus           ',
  'RocketMQ          12345678                Normal                  enable                ',
  'rocketmq          12345678                Super                   enable                ',
  'rocketmq2         87654321                Super                   enable                ',
];

const TARGETS: [string, typeof startApogeeUnderTest][] = [['Apogee', startApogeeUnderTest]];
if (process.env['APOGEE_ACL_ALSO_JAVA'] === '1') TARGETS.push(['Apache RocketMQ 5.5.0', startJavaBrokerUnderTest]);

/** The same plain_acl.yml where Apogee (rocketmqHome in broker.conf) and Java (-Drocketmq.home.dir) read it. */
function preparePlainAcl(d: string): string {
  const home = path.join(d, 'rmqhome-broker');
  for (const h of [home, path.join(d, 'jbroker', 'rmqhome')]) {
    fs.mkdirSync(path.join(h, 'conf'), { recursive: true });
    fs.writeFileSync(path.join(h, 'conf', 'plain_acl.yml'), PLAIN_ACL);
  }
  fs.writeFileSync(path.join(d, 'AclClient.java'), ACL_CLIENT_SOURCE);
  return `rocketmqHome=${home}\n`;
}

function mqadmin(sut: ApogeeUnderTest, args: string[]): Promise<{ out: string }> {
  const layout = javaLayout(path.join(sut.dir, 'java-admin'));
  fs.writeFileSync(path.join(sut.dir, 'java-admin', 'rmqhome', 'conf', 'tools.yml'), 'accessKey: rocketmq\nsecretKey: 12345678\n');
  return runJava([...layout, '-cp', toolsClasspath('5.5.0')!.cp, MQADMIN_MAIN, ...args, '-b', sut.brokerAddr, '-n', sut.nsAddr], sut.dir);
}

for (const [target, start] of TARGETS) {
  describe(`lib/broker/acl: plain_acl.yml migrated into ACL 2.0 users (migrateAuthFromV1Enabled) on ${target} (compat)`, function () {
    this.timeout(300_000);
    let sut: ApogeeUnderTest | undefined;
    const skipReason = javaToolsSkipReason();

    before(async function () {
      if (skipReason !== undefined) skipBecause(this, skipReason);
      sut = await start('apogee-acl-migrate-', CONF, { prepare: preparePlainAcl });
    });

    after(async () => {
      await sut?.stop();
    });

    it('mqadmin listUser shows the migrated accounts as Java 5.5.0 does', async () => {
      const run = await mqadmin(sut!, ['listUser']);
      assert.deepEqual(run.out.split('\n').filter((l) => l.startsWith('#') || /^\S+\s+\S+\s+(Super|Normal)\s/.test(l)), LIST_USER_5_5_0, run.out);
    });

    it('the Java client signing as a migrated account is served; wrong secret, unknown key, no signature refused as Java does', async () => {
      const args = [...javaLayout(path.join(sut!.dir, 'java-client')), '-cp', toolsClasspath('5.5.0')!.cp, path.join(sut!.dir, 'AclClient.java')];
      const run = await runJava([...args, sut!.nsAddr, 'MigTopic', 'MigDenied', 'RocketMQ', '12345678'], sut!.dir);
      assert.deepEqual(run.out.split('\n').filter((l) => /^(ok-|wrong-|unknown-|no-|denied-)/.test(l)), ACL_CLIENT_JAVA_5_5_0, run.out);
    });
  });

  describe(`lib/broker/acl: plain_acl.yml perms migrated into ACL 2.0 rules with authorizationEnabled on ${target} (compat)`, function () {
    this.timeout(300_000);
    let sut: ApogeeUnderTest | undefined;
    const skipReason = javaToolsSkipReason();

    before(async function () {
      if (skipReason !== undefined) skipBecause(this, skipReason);
      sut = await start('apogee-acl-migrate-authz-', CONF_AUTHZ, { prepare: preparePlainAcl });
    });

    after(async () => {
      await sut?.stop();
    });

    it('mqadmin listAcl shows the migrated topicPerms and default perms as Java 5.5.0 does', async () => {
      const run = await mqadmin(sut!, ['listAcl']);
      const lines = run.out.split('\n').filter((l) => l.startsWith('#') || l.startsWith('User:'));
      if (process.env['APOGEE_ACL_RECORD'] === '1') console.log(JSON.stringify(lines, null, 2));
      assert.deepEqual(lines, LIST_ACL_5_5_0, run.out);
    });
  });
}
