import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { silentLogger } from '../common';
import { javaToolsSkipReason, startApogeeUnderTest, type ApogeeUnderTest } from '../broker/processors/testing/java-fixture';
import { javaLayout, MQADMIN_MAIN, runJava, toolsClasspath } from '../broker/processors/testing/java-tools';
import { COMMANDS, runCommand, toolsCredentials } from './index';
import { fullRunOnly } from '../common/testing/skip';

/**
 * Apogee's mqadmin user and ACL rule commands (ACL 2.0) and the OFFICIAL mqadmin 5.5.0 against one `apogee start`
 * with authentication and authorization on, both signing with the Super user of $ROCKETMQ_HOME/conf/tools.yml. A command that
 * changes state runs once per tool on its own user (ours: U_OURS, the official: U_JAVA), and the outputs must match
 * with the user names swapped; read-only commands run on the same state. A refusal must carry the same code and
 * remark (Java prints a stack trace and exits 0, Apogee one line and exits 1: a README difference).
 */
const CONF =
  'authenticationEnabled=true\n' +
  'authenticationMetadataProvider=org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider\n' +
  'authorizationEnabled=true\n' +
  'authorizationProvider=org.apache.rocketmq.auth.authorization.provider.DefaultAuthorizationProvider\n' +
  'authorizationMetadataProvider=org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider\n' +
  'initAuthenticationUser={"username":"rocketmq","password":"12345678"}\n';

describe('lib/admin: Apogee mqadmin user commands vs official mqadmin 5.5.0, authentication on (compat)', function () {
  this.timeout(600_000);
  const skipReason = javaToolsSkipReason();
  let a: ApogeeUnderTest | undefined;
  let jvm: string[] = [];
  let home = '';

  before(async function () {
    if (skipReason !== undefined) {
      console.log(`      skipped: ${skipReason}`);
      this.skip();
    }
    a = await startApogeeUnderTest('apogee-mqadmin-auth-', CONF);
    jvm = javaLayout(path.join(a.dir, 'java'));
    home = path.join(a.dir, 'java', 'rmqhome');
    fs.writeFileSync(path.join(home, 'conf', 'tools.yml'), 'accessKey: rocketmq\nsecretKey: "12345678"\n');
  });

  after(async () => {
    await a?.stop();
  });

  /** Printed lines, or `CODE: n DESC: remark` of a refusal. */
  async function ours(args: string[]): Promise<string[]> {
    const [name, ...rest] = args;
    const cmd = COMMANDS.find((c) => c.name === name)!;
    const opts = new Map<string, string | true>();
    for (let i = 0; i < rest.length; i += 2) opts.set(cmd.options.find((o) => `-${o.short}` === rest[i])!.long, rest[i + 1]!);
    const out: string[] = [];
    try {
      await runCommand(cmd, a!.nsAddr, opts, silentLogger(), (l) => out.push(...l.split('\n')), toolsCredentials(home));
    } catch (e) {
      const m = /CODE: (\d+) +DESC: (.*)$/.exec((e as Error).message);
      return [m === null ? (e as Error).message : `CODE: ${m[1]} DESC: ${m[2]}`];
    }
    return out.map((l) => l.trimEnd()).filter((l) => l !== '');
  }

  async function official(args: string[]): Promise<string[]> {
    const r = await runJava([...jvm, '-cp', toolsClasspath('5.5.0')!.cp, MQADMIN_MAIN, ...args, '-n', a!.nsAddr], a!.dir);
    const m = /CODE: (\d+) +DESC: (.*)$/m.exec(r.out);
    if (m !== null) return [`CODE: ${m[1]} DESC: ${m[2]!.trimEnd()}`];
    return r.out.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '' && !l.includes('|-'));
  }

  const B = '$BROKER';
  // [args with U for the user, state-changing?]
  const steps: [string, boolean][] = [
    [`createUser -b ${B} -u U -p p1`, true],
    [`getUser -b ${B} -u U`, true],
    [`createUser -b ${B} -u U -p again`, true],
    [`updateUser -b ${B} -u U -s disable`, true],
    [`updateUser -b ${B} -u U -p p2`, true],
    [`updateUser -b ${B} -u U -t Normal`, true],
    [`getUser -b ${B} -u U`, true],
    [`listUser -b ${B}`, false],
    [`listUser -c DefaultCluster`, false],
    [`getUser -c DefaultCluster -u U`, true],
    [`copyUser -f ${B} -t ${B} -u U`, true],
    [`updateUser -b ${B} -u ghost -p x`, false],
    [`createUser -c DefaultCluster -u U2 -p p3`, true],
    [`deleteUser -b ${B} -u U2`, true],
    [`getUser -b ${B} -u U2`, true],
    [`deleteUser -b ${B} -u ghost`, false],
    [`createAcl -b ${B} -s User:U -r Topic:T1,Topic:T2 -a Pub,Sub -d Allow`, true],
    [`createAcl -b ${B} -s User:U -r Topic:T3 -a Pub -i 10.0.0.0/8 -d Deny`, true],
    [`getAcl -b ${B} -s User:U`, true],
    [`updateAcl -b ${B} -s User:U -r Topic:T1 -a Pub -d Deny`, true],
    [`getAcl -c DefaultCluster -s User:U`, true],
    [`listAcl -b ${B}`, false],
    [`listAcl -b ${B} -s User:U -r Topic:T1`, true],
    [`deleteAcl -b ${B} -s User:U -r Topic:T2`, true],
    [`getAcl -b ${B} -s User:U`, true],
    [`copyAcl -f ${B} -t ${B} -s User:U`, true],
    [`createAcl -b ${B} -s User:nobody -r Topic:T1 -a Pub -d Allow`, false],
    [`createAcl -b ${B} -s User:U -r Topic:T1 -a Fly -d Allow`, true],
    [`deleteAcl -c DefaultCluster -s User:U`, true],
    [`getAcl -b ${B} -s User:U`, true],
  ];

  for (const [step, changes] of steps) {
    it(`${step.split(B).join('<broker>')}: same output`, async function () {
      if (step.includes('Acl ')) fullRunOnly(this, 'the official tool\'s ACL commands against Apogee are compared with Apache 5.5.0 by lib/broker/acl/mqadmin-acls.compat.test.ts, and the user commands here');
      const args = (user: string): string[] => step.split(B).join(a!.brokerAddr).replace(/\bU(2?)\b/g, `${user}$1`).split(' ');
      const mine = await ours(args(changes ? 'U_OURS' : 'U'));
      const theirs = await official(args(changes ? 'U_JAVA' : 'U'));
      const swap = (ls: string[]): string[] => ls.map((l) => l.replace(/U_JAVA/g, 'U_OURS').replace(/U_OURS( *)/g, (_m, pad: string) => `U_X${pad}`));
      assert.ok(mine.length > 0 || theirs.length === 0, 'Apogee printed nothing');
      // listUser shows both tools' users: each tool's own user line differs only by name.
      assert.deepEqual(swap(mine), swap(theirs), `ours:\n${mine.join('\n')}\n\nofficial:\n${theirs.join('\n')}`);
    });
  }
});
