import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { javaToolsSkipReason, startApogeeUnderTest, type ApogeeUnderTest } from '../processors/testing/java-fixture';
import { javaLayout, MQADMIN_MAIN, runJava, toolsClasspath } from '../processors/testing/java-tools';
import { MQADMIN_ACLS_JAVA_5_5_0 } from './testing/mqadmin-acls-expected';
import { startJavaBrokerUnderTest } from './testing/java-broker';
import { fullRunOnly } from '../../common/testing/skip';

/**
 * Issue 16 (ACL 2.0 rules) with the OFFICIAL mqadmin 5.5.0, signing as the Super user of conf/tools.yml:
 * createAcl, updateAcl, getAcl, listAcl (with filters), deleteAcl (one resource, then all), copyAcl and copyUser
 * (source = target: the single-broker form), and the refusals Java gives (unknown subject, action Any, bad source IP,
 * bad decision, no ACL) against a broker with authentication + authorization on. The expected output
 * (testing/mqadmin-acls-expected.ts) is what the same commands printed against Apache RocketMQ 5.5.0 (BrokerStartup,
 * same broker.conf); APOGEE_ACL_ALSO_JAVA=1 runs the suite against that broker too, APOGEE_ACL_RECORD=1 prints the
 * outputs instead of comparing (how the expectation was recorded, 2026-12-04). Stack frames are left out.
 */
const CONF =
  'authenticationEnabled=true\n' +
  'authenticationMetadataProvider=org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider\n' +
  'authorizationEnabled=true\n' +
  'authorizationMetadataProvider=org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider\n' +
  'initAuthenticationUser={"username":"rocketmq","password":"12345678"}\n';
export const ACL_COMMANDS = [
  'createUser -b BROKER -u app1 -p p1',
  'createAcl -b BROKER -s User:app1 -r Topic:t1,Group:g1 -a Pub,Sub -d Allow',
  'updateAcl -b BROKER -s User:app1 -r Topic:t2* -a Pub -i 127.0.0.1,10.0.0.0/8 -d Deny',
  'getAcl -b BROKER -s User:app1',
  'listAcl -b BROKER',
  'listAcl -b BROKER -r Group',
  'listAcl -b BROKER -s nobody',
  'createAcl -b BROKER -s User:ghost -r Topic:t1 -a Pub -d Allow',
  'createAcl -b BROKER -s User:app1 -r Topic:t1 -a Any -d Allow',
  'createAcl -b BROKER -s User:app1 -r Topic:t1 -a Pub -i 1.2.3 -d Allow',
  'createAcl -b BROKER -s User:app1 -r Topic:t1 -a Pub -d Maybe',
  'createAcl -b BROKER -s User:app1 -r Queue:q -a Pub -d Allow',
  'deleteAcl -b BROKER -s User:app1 -r Topic:t1',
  'getAcl -b BROKER -s User:app1',
  'copyAcl -f BROKER -t BROKER',
  'copyUser -f BROKER -t BROKER -u app1',
  'deleteAcl -b BROKER -s User:app1',
  'getAcl -b BROKER -s User:app1',
  'deleteAcl -b BROKER -s User:app1',
  'getAcl -b BROKER -s User:ghost',
  'deleteUser -b BROKER -u app1',
];

const TARGETS: [string, typeof startApogeeUnderTest][] = [['Apogee', startApogeeUnderTest]];
if (process.env['APOGEE_ACL_ALSO_JAVA'] === '1') TARGETS.push(['Apache RocketMQ 5.5.0', startJavaBrokerUnderTest]);

for (const [target, start] of TARGETS) {
  describe(`lib/broker/acl: mqadmin 5.5.0 ACL commands on ${target} print what they print against Apache 5.5.0 (compat)`, function () {
    this.timeout(900_000);
    let sut: ApogeeUnderTest | undefined;
    const skipReason = javaToolsSkipReason();

    before(async function () {
      if (skipReason !== undefined) {
        console.log(`      skipped: ${skipReason}`);
        this.skip();
      }
      sut = await start('apogee-acl-rules-', CONF);
    });

    after(async () => {
      await sut?.stop();
    });

    it('createAcl/updateAcl/getAcl/listAcl/deleteAcl/copyAcl/copyUser and their refusals', async function () {
      fullRunOnly(this, 'lib/broker/acl/authorization.compat (ACL rules enforced on the official client 5.5.0) and mqadmin-users.compat (the official tool on the AUTH_*_USER codes)');
      const layout = javaLayout(path.join(sut!.dir, 'java'));
      fs.writeFileSync(path.join(sut!.dir, 'java', 'rmqhome', 'conf', 'tools.yml'), 'accessKey: rocketmq\nsecretKey: 12345678\n');
      const cp = toolsClasspath('5.5.0')!.cp;
      const got: string[][] = [];
      for (const command of ACL_COMMANDS) {
        const args = command.split('BROKER').join(sut!.brokerAddr).split(' ');
        const run = await runJava([...layout, '-cp', cp, MQADMIN_MAIN, ...args, '-n', sut!.nsAddr], sut!.dir);
        got.push(
          run.out
            .split('\n')
            .filter((l) => l !== '' && !l.startsWith('\tat ') && !/^\t\.\.\. \d+ more/.test(l) && !l.startsWith('For more information') && !l.includes('|-'))
            .map((l) => l.split(sut!.brokerAddr).join('BROKER').trimEnd()),
        );
      }
      if (process.env['APOGEE_ACL_RECORD'] === '1') {
        console.log(JSON.stringify(got, null, 2));
        return;
      }
      for (const [i, command] of ACL_COMMANDS.entries()) assert.deepEqual(got[i], MQADMIN_ACLS_JAVA_5_5_0[i], command);
    });
  });
}
