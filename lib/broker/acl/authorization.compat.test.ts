import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { javaToolsSkipReason, startApogeeUnderTest, type ApogeeUnderTest } from '../processors/testing/java-fixture';
import { javaLayout, runJava, toolsClasspath } from '../processors/testing/java-tools';
import { AUTHZ49_CLIENT_SOURCE, AUTHZ_CLIENT_SOURCE } from './testing/acl-authz-java-client';
import { startJavaBrokerUnderTest } from './testing/java-broker';

/**
 * Issue 16 (ACL 2.0 authorization) with the OFFICIAL Java clients and AclClientRPCHook against a broker with
 * authenticationEnabled + authorizationEnabled (Java 5.5.0's providers in broker.conf): AuthzClient (client 5.5.0,
 * testing/acl-authz-java-client.ts) creates a Normal user and its rules through DefaultMQAdminExt as the Super user,
 * then sends and consumes where the rules allow and is refused — denied topic, Deny overriding a prefixed Allow, a
 * source IP outside the entry's CIDR, a denied group, a cluster admin code — with the code and remark Java gives;
 * nothing of the refused sends is stored. Authz49Client (client 4.9.8) then sends and consumes as the same user.
 * The expected lines are what the same programs printed against Apache RocketMQ 5.5.0 (BrokerStartup with the same
 * broker.conf and an Apogee NameServer); APOGEE_ACL_ALSO_JAVA=1 runs the suite against that broker too (recorded
 * 2026-12-04). Missing prerequisites (built apogee, java, the classpaths) skip the suite with the reason printed.
 */
const BROKER_CONF =
  'authenticationEnabled=true\n' +
  'authenticationMetadataProvider=org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider\n' +
  'authorizationEnabled=true\n' +
  'authorizationProvider=org.apache.rocketmq.auth.authorization.provider.DefaultAuthorizationProvider\n' +
  'authorizationMetadataProvider=org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider\n' +
  'initAuthenticationUser={"username":"rocketmq","password":"12345678"}\n';

const NO = (what: string, why: string) => `User:app1 has no permission to access ${what} from 127.0.0.1, ${why}`;
/** What AuthzClient printed against Apache RocketMQ 5.5.0 (recorded 2026-12-04). */
export const AUTHZ_JAVA_5_5_0 = [
  'setup OK',
  'ok-send SEND_OK',
  'ok-consume authz-ok',
  `denied-topic ERR 16 ${NO('Topic:OtherTopic', 'no matched policies.')}`,
  `deny-override ERR 16 ${NO('Topic:AuthzDenied', 'the decision is deny.')}`,
  `wrong-ip ERR 16 ${NO('Topic:FarTopic', 'no matched policies.')}`,
  `denied-group ERR 16 ${NO('Group:CG_other', 'no matched policies.')}`,
  `normal-admin ERR 16 ${NO('Cluster:DefaultCluster', 'no matched policies.')}`,
  'denied-stored -1 -1 -1',
  'acl Custom/Topic:Authz*/[Pub, Sub, Get]/null/Allow Custom/Topic:AuthzDenied/[Pub]/null/Deny Custom/Group:CG_authz/[Sub]/null/Allow Custom/Topic:FarTopic/[Pub]/[10.0.0.0/8]/Allow',
];
/** What Authz49Client (client 4.9.8) printed against Apache RocketMQ 5.5.0 (recorded 2026-12-04). */
export const AUTHZ49_JAVA_5_5_0 = ['ok-send SEND_OK', 'ok-consume authz-ok-49', `denied-topic ERR 16 ${NO('Topic:OtherTopic49', 'no matched policies.')}`];

const TARGETS: [string, typeof startApogeeUnderTest][] = [['Apogee', startApogeeUnderTest]];
if (process.env['APOGEE_ACL_ALSO_JAVA'] === '1') TARGETS.push(['Apache RocketMQ 5.5.0', startJavaBrokerUnderTest]);

for (const [target, start] of TARGETS) {
  describe(`lib/broker/acl: Java clients 5.5.0 and 4.9.8 with AclClientRPCHook against authorizationEnabled=true on ${target} (compat)`, function () {
    this.timeout(300_000);
    let sut: ApogeeUnderTest | undefined;
    const skipReason = javaToolsSkipReason() ?? (toolsClasspath('4.9')?.label === '4.9.8' ? undefined : 'no client 4.9.8 classpath (mvn offline)');

    before(async function () {
      if (skipReason !== undefined) {
        console.log(`      skipped: ${skipReason}`);
        this.skip();
      }
      sut = await start('apogee-authz-java-', BROKER_CONF, {
        prepare: (d: string) => {
          fs.writeFileSync(path.join(d, 'AuthzClient.java'), AUTHZ_CLIENT_SOURCE);
          fs.writeFileSync(path.join(d, 'Authz49Client.java'), AUTHZ49_CLIENT_SOURCE);
          return '';
        },
      });
    });

    after(async () => {
      await sut?.stop();
    });

    const lines = (out: string) => out.split('\n').filter((l) => /^(setup|ok-|denied-|deny-|wrong-|normal-|acl )/.test(l));

    it('client 5.5.0: allowed send/consume work; denied topic, Deny over Allow, wrong source IP, denied group, admin code refused as Java; nothing stored', async () => {
      const run = await runJava([...javaLayout(path.join(sut!.dir, 'java')), '-cp', toolsClasspath('5.5.0')!.cp, path.join(sut!.dir, 'AuthzClient.java'), sut!.nsAddr, 'rocketmq', '12345678'], sut!.dir);
      assert.deepEqual(lines(run.out), AUTHZ_JAVA_5_5_0, run.out);
      const topics = fs.readFileSync(path.join(sut!.dir, 'data', 'store', 'config', 'topics.json'), 'utf8');
      for (const t of ['OtherTopic', 'AuthzDenied', 'FarTopic']) assert.ok(!topics.includes(`"${t}"`), `${t} was not created`);
    });

    it('client 4.9.8: the same Normal user sends and consumes where its rules allow; a topic outside them is refused', async () => {
      const run = await runJava([...javaLayout(path.join(sut!.dir, 'java49')), '-cp', toolsClasspath('4.9')!.cp, path.join(sut!.dir, 'Authz49Client.java'), sut!.nsAddr, 'app1', 'p1'], sut!.dir);
      assert.deepEqual(lines(run.out), AUTHZ49_JAVA_5_5_0, run.out);
    });
  });
}
