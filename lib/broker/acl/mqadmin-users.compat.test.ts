import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RocketClient } from '../../client';
import { silentLogger } from '../../common';
import { stopChild } from '../../common/testing/child';
import { freeBrokerPort, freePort } from '../../remoting/testing/ports';
import { startApogee, waitApogeeReady } from '../processors/testing/apogee-process';
import { APOGEE, CP_DIR, hasJava, javaLayout, MQADMIN_MAIN, runJava, toolsClasspath } from '../processors/testing/java-tools';

/**
 * Issue 16 (ACL 2.0 users) with the OFFICIAL mqadmin 5.5.0, signing with the Super user of conf/tools.yml (Java:
 * MQAdminStartup reads ROCKETMQ_HOME/conf/tools.yml into an AclClientRPCHook): createUser, getUser, listUser,
 * updateUser, deleteUser against `apogee start` with authenticationEnabled=true. The expected output is what the
 * same commands printed against Apache RocketMQ 5.5.0 (BrokerStartup, same broker.conf; recorded 2026-12-04), stack
 * frames left out — including Java's quirk that deleteUser without an authorizationMetadataProvider deletes the user
 * and then answers SYSTEM_ERROR.
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

describe('lib/broker/acl: mqadmin 5.5.0 user commands against an authenticating Apogee equal Apache 5.5.0 (compat)', function () {
  this.timeout(600_000);
  let dir = '';
  let nsPort = 0;
  let brokerAddr = '';
  let apogee: ChildProcess | undefined;
  const skipReason = !fs.existsSync(APOGEE)
    ? `${APOGEE} missing: run npm run build first`
    : !hasJava()
      ? 'java is not on PATH'
      : toolsClasspath('5.5.0') === undefined
        ? `no 5.5.0 classpath in ${CP_DIR} (compat-tests writes it)`
        : undefined;

  before(async function () {
    if (skipReason !== undefined) {
      console.log(`      skipped: ${skipReason}`);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-acl-mqadmin-'));
    const conf = path.join(dir, 'broker.conf');
    fs.writeFileSync(conf, CONF);
    nsPort = await freePort();
    const brokerPort = await freeBrokerPort();
    brokerAddr = `127.0.0.1:${brokerPort}`;
    apogee = startApogee(dir, nsPort, brokerPort, conf);
    const client = new RocketClient({ namesrvAddr: `127.0.0.1:${nsPort}`, logger: silentLogger(), timeoutMs: 5000 });
    try {
      await waitApogeeReady(client);
    } finally {
      client.close();
    }
  });

  after(async () => {
    await stopChild(apogee);
    if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
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
