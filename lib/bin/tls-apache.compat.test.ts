import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { RocketClient } from '../client';
import { silentLogger } from '../common';
import { stopChild } from '../common/testing/child';
import { freeBrokerPort, freePort } from '../remoting/testing/ports';
import { APOGEE, CP_DIR, hasJava, javaLayout, runJava, type Run } from '../broker/processors/testing/java-tools';
import { noOpensslReason } from '../remoting/testing/tls-certs';
import { TLS_CLIENT_SOURCE } from './testing/tls-java-client';

/**
 * The same TLS scenario against Apache RocketMQ 5.5.0's broker, to show the expectations of tls.compat.test.ts are
 * Java's: an Apache 5.5.0 broker (one JVM; its classpath from compat-tests) started with JAVA_OPT-style
 * `-Dtls.server.mode=enforcing` and Java's defaults otherwise (test mode, self-signed certificate), registered
 * with an Apogee mqnamesrv in permissive mode (so the Apache broker's own client registers over TLS: Java
 * NettyClientConfig.useTLS defaults to mode == enforcing). The official Java client 5.5.0 with setUseTLS(true) sends
 * and consumes; the same client without TLS gets the route from the permissive NameServer but the Apache broker
 * refuses it and nothing is stored. Missing prerequisites skip with the reason. Only 127.0.0.1.
 */

const MESSAGES = 3;
const QUEUES = 2;
/** How long the Apache broker may take to start and register, ms. */
const APACHE_READY_MS = 120_000;

describe('TLS: Apache RocketMQ 5.5.0 broker in enforcing mode, the same Java client (compat)', function () {
  this.timeout(300_000);
  let dir = '';
  let cp = '';
  let namesrv: ChildProcess | undefined;
  let broker: ChildProcess | undefined;
  let client: RocketClient | undefined;
  let nsAddr = '';
  let brokerAddr = '';
  const serverCp = path.join(CP_DIR, 'server-5.5.0.txt');
  const skipReason = !fs.existsSync(APOGEE)
    ? `${APOGEE} missing: run npm run build first`
    : !hasJava()
      ? 'java is not on PATH'
      : !fs.existsSync(serverCp)
        ? `no ${serverCp} (compat-tests writes it)`
        : noOpensslReason(); // the Apogee NameServer's self-signed certificate

  before(async function () {
    if (skipReason !== undefined) {
      console.log(`      skipped: ${skipReason}`);
      this.skip();
    }
    cp = fs.readFileSync(serverCp, 'utf8').trim();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-tls-apache-'));
    fs.writeFileSync(path.join(dir, 'TlsClient.java'), TLS_CLIENT_SOURCE);
    const nsPort = await freePort();
    nsAddr = `127.0.0.1:${nsPort}`;
    const nsLog = fs.openSync(path.join(dir, 'mqnamesrv.log'), 'a');
    fs.mkdirSync(path.join(dir, 'nshome'));
    namesrv = spawn(process.execPath, [path.join(__dirname, 'mqnamesrv.js'), '--listenPort', String(nsPort)], {
      stdio: ['ignore', nsLog, nsLog],
      env: { ...process.env, HOME: path.join(dir, 'nshome'), APOGEE_LOG_LEVEL: 'info', JAVA_OPT: '-Dtls.server.mode=permissive -Dtls.config.file=/nonexistent/tls.properties' },
    });
    const port = await freeBrokerPort();
    brokerAddr = `127.0.0.1:${port}`;
    const conf = path.join(dir, 'broker.conf');
    fs.writeFileSync(conf, [
      'brokerClusterName=DefaultCluster', 'brokerName=apache-tls', 'brokerId=0', `namesrvAddr=${nsAddr}`, 'brokerIP1=127.0.0.1',
      `listenPort=${port}`, `haListenPort=${port + 1}`, `storePathRootDir=${path.join(dir, 'store')}`, 'autoCreateTopicEnable=true', '',
    ].join('\n'));
    const bLog = fs.openSync(path.join(dir, 'broker.out'), 'a');
    const jvm = ['-Xms512m', '-Xmx512m', '-XX:MaxDirectMemorySize=1g', ...javaLayout(path.join(dir, 'broker')), '-Dtls.server.mode=enforcing', '-Dtls.config.file=/nonexistent/tls.properties'];
    broker = spawn('java', [...jvm, '-cp', cp, 'org.apache.rocketmq.broker.BrokerStartup', '-c', conf], { cwd: dir, stdio: ['ignore', bLog, bLog] });
    // The client speaks TLS to both: the Apache broker enforces it, the Apogee NameServer accepts it.
    client = new RocketClient({ namesrvAddr: nsAddr, logger: silentLogger(), timeoutMs: 5000, tls: { rejectUnauthorized: false, checkServerIdentity: () => undefined } });
    const until = Date.now() + APACHE_READY_MS;
    while ((await client.routeOf('TBW102', 0).catch(() => undefined)) === undefined) {
      if (Date.now() > until || broker.exitCode !== null) throw new Error(`Apache broker not registered within ${APACHE_READY_MS} ms; see ${dir}/broker.out`);
      await new Promise((r) => setTimeout(r, 500));
    }
  });

  after(async () => {
    client?.close();
    await stopChild(broker, 10_000);
    await stopChild(namesrv);
    if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
  });

  function java(topic: string, useTls: boolean): Promise<Run> {
    const args = [...javaLayout(path.join(dir, `java-${topic}-${String(useTls)}`)), '-cp', cp, path.join(dir, 'TlsClient.java')];
    return runJava([...args, nsAddr, topic, `G_${topic}`, String(MESSAGES), String(useTls)], dir);
  }

  async function stored(topic: string): Promise<number> {
    let n = 0;
    for (let q = 0; q < QUEUES; q++) n += await client!.maxOffset(brokerAddr, topic, q);
    return n;
  }

  it('enforcing Apache broker: setUseTLS(true) sends and consumes; the plaintext client is refused and stores nothing', async () => {
    const topic = 'TlsApache';
    const q = String(QUEUES);
    const ext = new Map(Object.entries({ topic, defaultTopic: 'TBW102', readQueueNums: q, writeQueueNums: q, perm: '6', topicFilterType: 'SINGLE_TAG', topicSysFlag: '0', order: 'false' }));
    const r = await client!.call(brokerAddr, RequestCode.UPDATE_AND_CREATE_TOPIC, ext);
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const until = Date.now() + 30_000;
    while ((await client!.routeOf(topic, 0).catch(() => undefined)) === undefined) {
      if (Date.now() > until) throw new Error(`${topic} not routed`);
      await new Promise((res) => setTimeout(res, 200));
    }
    const tls = await java(topic, true);
    assert.match(tls.out, new RegExp(`^SENT ${MESSAGES}$`, 'm'), tls.out);
    assert.match(tls.out, new RegExp(`^CONSUMED ${MESSAGES}$`, 'm'), tls.out);
    const plain = await java(topic, false);
    assert.match(plain.out, /^SENT 0$/m, plain.out);
    assert.match(plain.out, /SEND_FAIL/, plain.out);
    assert.equal(await stored(topic), MESSAGES, 'nothing stored by the plaintext client');
  });
});
