/**
 * Test-only: the Apache RocketMQ 5.5.0 broker (BrokerStartup, classpath from compat-tests) registered with an Apogee
 * mqnamesrv, in a temp dir, with the given broker.conf lines — the same shape as startApogeeUnderTest, so one suite
 * can run its scenarios against both (the ACL compat suites do when APOGEE_ACL_ALSO_JAVA=1, which is how their
 * expected lines were recorded). One JVM (-Xmx512m); stop() ends both processes and removes the dir.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RocketClient } from '../../../client';
import { silentLogger } from '../../../common';
import { stopChild } from '../../../common/testing/child';
import { freeBrokerPort, freePort } from '../../../remoting/testing/ports';
import { waitApogeeReady } from '../../processors/testing/apogee-process';
import type { ApogeeUnderTest } from '../../processors/testing/java-fixture';
import { javaLayout, toolsClasspath } from '../../processors/testing/java-tools';

const MQNAMESRV = path.join(__dirname, '..', '..', '..', 'bin', 'mqnamesrv.js');

export async function startJavaBrokerUnderTest(prefix: string, brokerConf: string, o: { prepare?: (dir: string) => string } = {}): Promise<ApogeeUnderTest> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const extra = o.prepare?.(dir) ?? '';
  const nsPort = await freePort();
  const bp = await freeBrokerPort();
  const nsLog = fs.openSync(path.join(dir, 'mqnamesrv.log'), 'a');
  const ns = spawn(process.execPath, [MQNAMESRV, '--listenPort', String(nsPort)], { stdio: ['ignore', nsLog, nsLog], env: { ...process.env, APOGEE_LOG_LEVEL: 'warn' } });
  const conf = path.join(dir, 'broker.conf');
  fs.writeFileSync(conf, [
    'brokerClusterName=DefaultCluster', 'brokerName=java-acl', 'brokerId=0', `namesrvAddr=127.0.0.1:${nsPort}`, 'brokerIP1=127.0.0.1',
    `listenPort=${bp}`, `haListenPort=${bp + 1}`, `storePathRootDir=${path.join(dir, 'data', 'store')}`, 'flushDiskType=ASYNC_FLUSH', brokerConf + extra, '',
  ].join('\n'));
  const layout = javaLayout(path.join(dir, 'jbroker')).map((a) => (a === '-Xmx256m' ? '-Xmx512m' : a));
  const bLog = fs.openSync(path.join(dir, 'apogee.log'), 'a'); // same name as Apogee's log, so suites read one file
  const broker = spawn('java', [...layout, '-XX:MaxDirectMemorySize=512m', '-cp', toolsClasspath('5.5.0')!.cp, 'org.apache.rocketmq.broker.BrokerStartup', '-c', conf], { cwd: dir, stdio: ['ignore', bLog, bLog] });
  const client = new RocketClient({ namesrvAddr: `127.0.0.1:${nsPort}`, logger: silentLogger(), timeoutMs: 5000 });
  const stop = async (): Promise<void> => {
    client.close();
    await stopChild(broker);
    await stopChild(ns);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitApogeeReady(client);
  } catch (e) {
    await stop();
    throw e;
  }
  return { dir, nsPort, nsAddr: `127.0.0.1:${nsPort}`, brokerAddr: `127.0.0.1:${bp}`, proc: broker, client, stop };
}
