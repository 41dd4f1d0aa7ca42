import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { RocketClient } from '../client';
import { silentLogger } from '../common';
import { stopChild } from '../common/testing/child';
import { freeBrokerPort, freePort } from '../remoting/testing/ports';
import { makeTestPki, noOpensslReason, type TestPki } from '../remoting/testing/tls-certs';
import { TLS_CLIENT_SOURCE } from './testing/tls-java-client';
import { startApogee, waitApogeeReady } from '../broker/processors/testing/apogee-process';
import { APOGEE, CP_DIR, ROOT, hasJava, javaLayout, runJava, toolsClasspath, type Run } from '../broker/processors/testing/java-tools';

/**
 * Issue 16's TLS proof with the OFFICIAL Java client 5.5.0 (a single-file program on compat-tests' classpath) against
 * `apogee start` as a real process, TLS configured as mqbroker users do it: JAVA_OPT="-Dtls.server.mode=... 
 * -Dtls.config.file=...". Both the NameServer and the broker port run the mode; in enforcing mode the broker
 * registers with the NameServer over TLS (Java NettyClientConfig: useTLS defaults to mode == enforcing).
 *  - enforcing, Java's test mode (self-signed certificate made at start): the Java client with setUseTLS(true)
 *    (test mode: trusts any server) sends and consumes; the same client with TLS off gets no route and sends nothing.
 *  - enforcing, certificate files (tls.properties: tls.test.mode.enable=false, tls.server.certPath/keyPath with an
 *    encrypted PKCS#8 key and tls.server.keyPassword): the Java client verifies the server against the test CA
 *    (tls.client.authServer=true, tls.client.trustCertPath) and sends and consumes.
 *  - permissive (Java's default): the TLS and the plaintext client both send and consume.
 * Missing prerequisites skip the suite with the reason printed. Only 127.0.0.1; one Java process at a time.
 */

const MESSAGES = 3;
const TOPIC_QUEUES = 2;
const ROUTE_WAIT_MS = 15_000;
/** Bound on `go test` (compiling the suite with -tags tls included), ms. */
const GO_RUN_MS = 280_000;


describe('TLS: the official Java client 5.5.0 against apogee start over TLS (compat)', function () {
  this.timeout(300_000);
  let dir = '';
  let pki: TestPki | undefined;
  let cp = '';
  let apogee: ChildProcess | undefined;
  let client: RocketClient | undefined;
  let nsPort = 0;
  let brokerAddr = '';
  const skipReason = !fs.existsSync(APOGEE)
    ? `${APOGEE} missing: run npm run build first`
    : !hasJava()
      ? 'java is not on PATH'
      : toolsClasspath('5.5.0') === undefined
        ? `no 5.5.0 classpath in ${CP_DIR} (compat-tests writes it)`
        : noOpensslReason();

  before(async function () {
    if (skipReason !== undefined) {
      console.log(`      skipped: ${skipReason}`);
      this.skip();
    }
    cp = toolsClasspath('5.5.0')!.cp;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-tls-java-'));
    fs.writeFileSync(path.join(dir, 'TlsClient.java'), TLS_CLIENT_SOURCE);
    pki = await makeTestPki();
  });

  afterEach(async () => {
    client?.close();
    client = undefined;
    await stopChild(apogee);
    apogee = undefined;
  });

  after(() => {
    pki?.remove();
    if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Starts apogee with JAVA_OPT, waits until the broker has registered (seen through a TLS-capable client). */
  async function start(name: string, javaOpt: string): Promise<void> {
    const d = path.join(dir, name);
    fs.mkdirSync(d);
    const conf = path.join(d, 'broker.conf');
    fs.writeFileSync(conf, '');
    nsPort = await freePort();
    const brokerPort = await freeBrokerPort();
    brokerAddr = `127.0.0.1:${brokerPort}`;
    apogee = startApogee(d, nsPort, brokerPort, conf, 'info', [], { JAVA_OPT: javaOpt });
    const tlsOn = !javaOpt.includes('tls.server.mode=permissive');
    client = new RocketClient({
      namesrvAddr: `127.0.0.1:${nsPort}`, logger: silentLogger(), timeoutMs: 5000,
      ...(tlsOn ? { tls: { rejectUnauthorized: false, checkServerIdentity: () => undefined } } : {}),
    });
    await waitApogeeReady(client);
  }

  async function createTopic(topic: string): Promise<void> {
    const q = String(TOPIC_QUEUES);
    const ext = new Map(Object.entries({ topic, defaultTopic: 'TBW102', readQueueNums: q, writeQueueNums: q, perm: '6', topicFilterType: 'SINGLE_TAG', topicSysFlag: '0', order: 'false' }));
    const r = await client!.call(brokerAddr, RequestCode.UPDATE_AND_CREATE_TOPIC, ext);
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const until = Date.now() + ROUTE_WAIT_MS;
    while ((await client!.routeOf(topic, 0).catch(() => undefined)) === undefined) {
      if (Date.now() > until) throw new Error(`${topic} not routed within ${ROUTE_WAIT_MS} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  function java(topic: string, useTls: boolean, props: string[] = []): Promise<Run> {
    const args = [...javaLayout(path.join(dir, `java-${topic}`)), ...props, '-cp', cp, path.join(dir, 'TlsClient.java')];
    return runJava([...args, `127.0.0.1:${nsPort}`, topic, `G_${topic}`, String(MESSAGES), String(useTls)], dir);
  }

  function runGo(args: string[], env: Record<string, string>): Promise<Run> {
    return new Promise((resolve) => {
      const p = spawn('go', args, { cwd: path.join(ROOT, 'compat-tests', 'go'), env: { ...process.env, GOFLAGS: '-mod=mod', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const timer = setTimeout(() => p.kill('SIGKILL'), GO_RUN_MS);
      p.on('close', (code) => {
        clearTimeout(timer);
        resolve({ out, code });
      });
    });
  }

  async function stored(topic: string): Promise<number> {
    let n = 0;
    for (let q = 0; q < TOPIC_QUEUES; q++) n += await client!.maxOffset(brokerAddr, topic, q);
    return n;
  }

  function assertSentAndConsumed(r: Run): void {
    assert.match(r.out, new RegExp(`^SENT ${MESSAGES}$`, 'm'), r.out);
    assert.match(r.out, new RegExp(`^CONSUMED ${MESSAGES}$`, 'm'), r.out);
  }

  it('enforcing, test mode (self-signed, Java default): setUseTLS(true) sends and consumes; a plaintext client is refused', async () => {
    await start('enforcing-test', '-Xmx1g -Dtls.server.mode=enforcing -Dtls.config.file=/nonexistent/tls.properties');
    await createTopic('TlsEnf');
    assertSentAndConsumed(await java('TlsEnf', true));
    const plain = await java('TlsEnf', false);
    assert.match(plain.out, /^SENT 0$/m, plain.out);
    assert.match(plain.out, /SEND_FAIL/, plain.out);
    assert.equal(await stored('TlsEnf'), MESSAGES, 'nothing stored by the plaintext client');
    const log = fs.readFileSync(path.join(dir, 'enforcing-test', 'apogee.log'), 'utf8');
    assert.match(log, /plaintext client refused/);
  });

  it('enforcing, certificate files from tls.config.file (encrypted key): the Java client verifies the server (authServer) and sends and consumes', async () => {
    const props = path.join(dir, 'tls.properties');
    fs.writeFileSync(props, [
      'tls.test.mode.enable=false',
      `tls.server.certPath=${pki!.serverCert}`,
      `tls.server.keyPath=${pki!.serverKeyEncrypted}`,
      `tls.server.keyPassword=${pki!.serverKeyPassword}`,
      'tls.server.need.client.auth=none',
      '',
    ].join('\n'));
    await start('enforcing-files', `-Dtls.server.mode=enforcing -Dtls.config.file=${props}`);
    await createTopic('TlsFiles');
    const verify = ['-Dtls.test.mode.enable=false', '-Dtls.client.authServer=true', `-Dtls.client.trustCertPath=${pki!.caCert}`];
    assertSentAndConsumed(await java('TlsFiles', true, verify));
    // The same verifying client, trusting another CA, cannot connect: the server really presents the files' certificate.
    const wrongCa = ['-Dtls.test.mode.enable=false', '-Dtls.client.authServer=true', `-Dtls.client.trustCertPath=${pki!.strangerCert}`];
    const refused = await java('TlsFiles', true, wrongCa);
    assert.match(refused.out, /^SENT 0$/m, refused.out);
  });

  it('enforcing: the Go client (rocketmq-client-go/v2 WithTls(true), producer and push consumer) sends and consumes', async function () {
    if (spawnSync('go', ['version']).status !== 0) {
      console.log('      skipped: go is not on PATH');
      this.skip();
    }
    await start('enforcing-go', '-Dtls.server.mode=enforcing -Dtls.config.file=/nonexistent/tls.properties');
    await createTopic('TlsGo');
    const r = await runGo(['test', '-tags', 'tls', '-count=1', '-timeout=240s', '-run', '^TestTlsSendConsume$', '-v', '.', '-args', '-namesrv', `127.0.0.1:${nsPort}`, '-workdir', path.join(dir, 'go')], { COMPAT_TLS_TOPIC: 'TlsGo' });
    assert.match(r.out, /GO_TLS_OK sent=3 consumed=3/, r.out);
    assert.match(r.out, /--- PASS: TestTlsSendConsume/, r.out);
    assert.equal(await stored('TlsGo'), 3);
  });

  it('permissive (Java default mode): the TLS client and the plaintext client both send and consume', async () => {
    await start('permissive', '-Dtls.server.mode=permissive -Dtls.config.file=/nonexistent/tls.properties');
    // One topic (and group) per client: each run consumes exactly its own messages.
    await createTopic('TlsPerm');
    await createTopic('TlsPermPlain');
    assertSentAndConsumed(await java('TlsPerm', true));
    assertSentAndConsumed(await java('TlsPermPlain', false));
    assert.equal(await stored('TlsPerm'), MESSAGES);
    assert.equal(await stored('TlsPermPlain'), MESSAGES);
  });
});
