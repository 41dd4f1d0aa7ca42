import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { RocketClient } from '../../client';
import { javaToolsSkipReason, startApogeeUnderTest, type ApogeeUnderTest } from '../processors/testing/java-fixture';
import { javaLayout, runJava, toolsClasspath } from '../processors/testing/java-tools';
import { skipBecause } from '../../common/testing/skip';
import { ACL_CLIENT_JAVA_5_5_0 as JAVA_5_5_0, ACL_CLIENT_SOURCE } from './testing/acl-java-client';
import { startJavaBrokerUnderTest } from './testing/java-broker';

/**
 * Issue 16 (ACL part) with the OFFICIAL Java client 5.5.0 and its AclClientRPCHook(new SessionCredentials(ak, sk)):
 * `apogee start` as a real process with Java 5.5.0's ACL 2.0 authentication settings in broker.conf; one JVM runs
 * AclClient (testing/acl-java-client.ts) and its lines must equal what the same program printed against an Apache
 * RocketMQ 5.5.0 broker started with the same broker.conf (JAVA_5_5_0 below, recorded 2026-12-04: Apogee's
 * NameServer + Java's BrokerStartup, one Java server). Then: nothing of the refused sends was stored (no topic
 * created), an unsigned request from Apogee's own client is refused the same way, the users file is where the
 * README says, and the broker log names failures but holds no secret.
 * APOGEE_ACL_ALSO_JAVA=1 runs the same suite against Apache's BrokerStartup too (testing/java-broker.ts); there the
 * users-file/log case is skipped (Java keeps users in RocksDB and logs through logback).
 * Missing prerequisites (built apogee, java, the 5.5.0 classpath) skip the suite with the reason printed.
 */
const AK = 'rocketmq';
const SK = '12345678';
const OK_TOPIC = 'AclOkTopic';
const DENIED_TOPIC = 'AclDeniedTopic';
const BROKER_CONF =
  'authenticationEnabled=true\n' +
  'authenticationMetadataProvider=org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider\n' +
  `initAuthenticationUser={"username":"${AK}","password":"${SK}"}\n`;

const TARGETS: [string, typeof startApogeeUnderTest][] = [['Apogee', startApogeeUnderTest]];
if (process.env['APOGEE_ACL_ALSO_JAVA'] === '1') TARGETS.push(['Apache RocketMQ 5.5.0', startJavaBrokerUnderTest]);

for (const [target, start] of TARGETS) {
  describe(`lib/broker/acl: the official Java client 5.5.0 with AclClientRPCHook against authenticationEnabled=true on ${target} (compat)`, function () {
    this.timeout(180_000);
    let dir = '';
    let nsPort = 0;
    let brokerAddr = '';
    let apogee: ApogeeUnderTest | undefined;
    let client: RocketClient | undefined;
    const skipReason = javaToolsSkipReason();

    before(async function () {
      if (skipReason !== undefined) skipBecause(this, skipReason);
      // the NameServer does not authenticate (as Java's), so readiness is asked unsigned
      apogee = await start('apogee-acl-java-', BROKER_CONF, { logLevel: 'info', prepare: (d: string) => (fs.writeFileSync(path.join(d, 'AclClient.java'), ACL_CLIENT_SOURCE), '') });
      ({ dir, nsPort, brokerAddr, client } = apogee);
    });

    after(async () => {
      await apogee?.stop();
    });

    it('allowed send and consume work; wrong secret, unknown key and missing signature are refused exactly as Java 5.5.0 refuses them, nothing stored', async () => {
      const args = [...javaLayout(path.join(dir, 'java')), '-cp', toolsClasspath('5.5.0')!.cp, path.join(dir, 'AclClient.java')];
      const run = await runJava([...args, `127.0.0.1:${nsPort}`, OK_TOPIC, DENIED_TOPIC, AK, SK], dir);
      const lines = run.out.split('\n').filter((l) => /^(ok-|wrong-|unknown-|no-|denied-)/.test(l));
      assert.deepEqual(lines, JAVA_5_5_0, run.out);
      const topics = fs.readFileSync(path.join(dir, 'data', 'store', 'config', 'topics.json'), 'utf8');
      assert.ok(topics.includes(OK_TOPIC) && !topics.includes(DENIED_TOPIC), 'the refused sends created no topic');
    });

    it("an unsigned request of Apogee's own client is refused with NO_PERMISSION before its processor runs", async () => {
      const r = await client!.call(brokerAddr, RequestCode.GET_BROKER_RUNTIME_INFO);
      assert.equal(r.code, ResponseCode.NO_PERMISSION);
      assert.equal(r.remark, 'username cannot be null.');
    });

    it('the users live in <store>/config/users.json; the broker log records failures but never the secret', function () {
      if (target !== 'Apogee') skipBecause(this, 'Apogee only: Java keeps users in RocksDB and logs through logback');
      const usersFile = path.join(dir, 'data', 'store', 'config', 'users.json');
      assert.match(fs.readFileSync(usersFile, 'utf8'), /"username": "rocketmq"/);
      const log = fs.readFileSync(path.join(dir, 'apogee.log'), 'utf8');
      assert.match(log, /authentication failed/);
      assert.ok(!log.includes(SK), 'the secret key is not in the log');
    });
  });
}
