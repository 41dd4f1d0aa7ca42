import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { javaToolsSkipReason, startApogeeUnderTest, type ApogeeUnderTest } from '../processors/testing/java-fixture';
import { javaLayout, MQADMIN_MAIN, runJava, toolsClasspath } from '../processors/testing/java-tools';
import { startJavaBrokerUnderTest } from './testing/java-broker';
import { skipBecause } from '../../common/testing/skip';

/**
 * Issue 16 (ACL 2.0 users) with the OFFICIAL mqadmin 5.5.0, signing with the Super user of conf/tools.yml (Java:
 * MQAdminStartup reads ROCKETMQ_HOME/conf/tools.yml into an AclClientRPCHook): createUser, getUser, listUser,
 * updateUser, deleteUser against `apogee start` with authenticationEnabled=true. The expected output is what the
 * same commands printed against Apache RocketMQ 5.5.0 (BrokerStartup, same broker.conf; recorded 2026-12-04), stack
 * frames left out — including Java's quirk that deleteUser without an authorizationMetadataProvider deletes the user
 * and then answers SYSTEM_ERROR. APOGEE_ACL_ALSO_JAVA=1 runs the suite against Apache's BrokerStartup too
 * (testing/java-broker.ts).
 */
const CONF =
  'authenticationEnabled=true\n' +
  'authenticationMetadataProvider=org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider\n' +
  'initAuthenticationUser={"username":"rocketmq","password":"12345678"}\n';
const COMMANDS = [
  'createUser -b BROKER -u app1 -p p1',
  'getUser -b BROKER -u app1',
  'listUser -b BROKER',
  'updateUser -b BROKER -u app1 -s disable',
  'updateUser -b BROKER -u app1 -p p2',
  'getUser -b BROKER -u app1',
  'createUser -b BROKER -u rocketmq -p x',
  'updateUser -b BROKER -u ghost -p x',
  'deleteUser -b BROKER -u app1',
  'getUser -b BROKER -u app1',
  'deleteUser -b BROKER -u ghost',
  'getUser -b BROKER -u ghost',
];
const HEAD = '#UserName         #Password               #UserType               #UserStatus           ';
const JAVA_5_5_0: string[][] = [
  ['create user to BROKER success.'],
  [HEAD, 'app1              p1                      Normal                  enable                '],
  [HEAD, 'app1              p1                      Normal                  enable                ', 'rocketmq          12345678                Super                   enable                '],
  ['update user to BROKER success.'],
  ['update user to BROKER success.'],
  [HEAD, 'app1              p2                      Normal                  disable               '],
  ['org.apache.rocketmq.tools.command.SubCommandException: CreateUserSubCommand command failed', 'Caused by: org.apache.rocketmq.client.exception.MQBrokerException: CODE: 16  DESC: The user is existed'],
  ['org.apache.rocketmq.tools.command.SubCommandException: UpdateUserSubCommand command failed', 'Caused by: org.apache.rocketmq.client.exception.MQBrokerException: CODE: 16  DESC: The user is not exist'],
  ['org.apache.rocketmq.tools.command.SubCommandException: DeleteUserSubCommand command failed', 'Caused by: org.apache.rocketmq.client.exception.MQBrokerException: CODE: 1  DESC: An system error occurred, please try again later.'],
  [],
  ['delete user to BROKER success.'],
  [],
];

const TARGETS: [string, typeof startApogeeUnderTest][] = [['Apogee', startApogeeUnderTest]];
if (process.env['APOGEE_ACL_ALSO_JAVA'] === '1') TARGETS.push(['Apache RocketMQ 5.5.0', startJavaBrokerUnderTest]);

for (const [target, start] of TARGETS) {
  describe(`lib/broker/acl: mqadmin 5.5.0 user commands against an authenticating broker print what Apache 5.5.0 prints, on ${target} (compat)`, function () {
    this.timeout(600_000);
    let dir = '';
    let nsPort = 0;
    let brokerAddr = '';
    let apogee: ApogeeUnderTest | undefined;
    const skipReason = javaToolsSkipReason();

    before(async function () {
      if (skipReason !== undefined) skipBecause(this, skipReason);
      apogee = await start('apogee-acl-mqadmin-', CONF);
      ({ dir, nsPort, brokerAddr } = apogee);
    });

    after(async () => {
      await apogee?.stop();
    });

    it('createUser/getUser/listUser/updateUser/deleteUser print what they print against Apache 5.5.0', async () => {
      const layout = javaLayout(path.join(dir, 'java'));
      fs.writeFileSync(path.join(dir, 'java', 'rmqhome', 'conf', 'tools.yml'), 'accessKey: rocketmq\nsecretKey: 12345678\n');
      const cp = toolsClasspath('5.5.0')!.cp;
      for (const [i, command] of COMMANDS.entries()) {
        const args = command.replace('BROKER', brokerAddr).split(' ');
        const run = await runJava([...layout, '-cp', cp, MQADMIN_MAIN, ...args, '-n', `127.0.0.1:${nsPort}`], dir);
        const lines = run.out
          .split('\n')
          .filter((l) => l !== '' && !l.startsWith('\tat ') && !/^\t\.\.\. \d+ more/.test(l) && !l.startsWith('For more information') && !l.includes('|-'))
          .map((l) => l.split(brokerAddr).join('BROKER'));
        assert.deepEqual(lines, JAVA_5_5_0[i], `${command}\n${run.out}`);
      }
    });
  });
}
