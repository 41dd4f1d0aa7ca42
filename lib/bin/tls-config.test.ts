import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { skipBecause } from '../common/testing/skip';
import { makeTestPki, noOpensslReason, type TestPki } from '../remoting/testing/tls-certs';
import { loadTlsSettings, systemPropertiesFromJavaOpt, tlsClientOptions, tlsFromEnvironment, tlsServerOptions } from './tls-config';

const NO_FILE = '/nonexistent/apogee/tls.properties';

describe('TLS settings (Java: TlsSystemConfig, TlsHelper#buildSslContext)', function () {
  this.timeout(60_000);
  let pki: TestPki;
  before(async function () {
    const why = noOpensslReason();
    if (why !== undefined) skipBecause(this, why);
    pki = await makeTestPki();
  });
  after(() => pki?.remove());

  const sys = (javaOpt: string): Map<string, string> => systemPropertiesFromJavaOpt(`${javaOpt} -Dtls.config.file=${NO_FILE}`);
  const warnings: string[] = [];
  const warn = (m: string): void => void warnings.push(m);

  it('rule: JAVA_OPT -Dkey=value words are the system properties; other JVM flags are ignored', () => {
    const m = systemPropertiesFromJavaOpt(' -server -Xms8g -Dtls.server.mode=enforcing  -XX:+UseG1GC -Dtls.enable=true -Dempty');
    assert.deepEqual([...m], [['tls.server.mode', 'enforcing'], ['tls.enable', 'true'], ['empty', '']]);
    assert.equal(systemPropertiesFromJavaOpt(undefined).size, 0);
  });

  it("rule: Java's defaults: permissive, test mode (self-signed), need.client.auth none, client TLS off, handshake 10000 ms", () => {
    const st = loadTlsSettings(sys(''));
    assert.equal(st.mode, 'permissive');
    assert.equal(st.testMode, true);
    assert.equal(st.needClientAuth, 'none');
    assert.equal(st.clientEnable, false);
    assert.equal(st.handshakeTimeoutMs, 10_000);
    const server = tlsServerOptions(st, warn);
    assert.equal(server?.mode, 'permissive');
    assert.equal(tlsClientOptions(st), undefined);
  });

  it('rule: tls.enable defaults to (mode == enforcing) for the process\'s own clients (Java NettyClientConfig.useTLS)', () => {
    assert.equal(loadTlsSettings(sys('-Dtls.server.mode=enforcing')).clientEnable, true);
    assert.equal(loadTlsSettings(sys('-Dtls.server.mode=enforcing -Dtls.enable=false')).clientEnable, false);
    assert.equal(loadTlsSettings(sys('-Dtls.enable=true')).clientEnable, true);
    assert.deepEqual(Object.keys(tlsClientOptions(loadTlsSettings(sys('-Dtls.enable=true')))!).sort(), ['checkServerIdentity', 'rejectUnauthorized']);
  });

  it('rule: disabled mode builds no server options; an unknown mode stops the start naming the key', () => {
    assert.equal(tlsServerOptions(loadTlsSettings(sys('-Dtls.server.mode=DISABLED')), warn), undefined);
    assert.throws(() => loadTlsSettings(sys('-Dtls.server.mode=enforced')), /tls\.server\.mode=enforced: expected one of disabled, permissive, enforcing/);
  });

  it('rule: tls.config.file sets every key but tls.server.mode and tls.enable (Java extractTlsConfigFromFile), over the -D values', () => {
    const f = path.join(pki.dir, 'tls.properties');
    fs.writeFileSync(f, 'tls.server.mode=disabled\ntls.enable=true\ntls.test.mode.enable=false\ntls.server.need.client.auth=REQUIRE\ntls.server.certPath=/from/file\n');
    const st = loadTlsSettings(systemPropertiesFromJavaOpt(`-Dtls.config.file=${f} -Dtls.server.certPath=/from/D -Dtls.server.mode=enforcing`));
    assert.equal(st.mode, 'enforcing');
    assert.equal(st.clientEnable, true, 'enforcing, tls.enable from the file is not read');
    assert.equal(st.testMode, false);
    assert.equal(st.needClientAuth, 'require');
    assert.equal(st.serverCertPath, '/from/file');
  });

  it('rule: certificate files are used only when tls.test.mode.enable=false; set in test mode they are ignored with a warning', () => {
    warnings.length = 0;
    const st = loadTlsSettings(sys(`-Dtls.server.certPath=${pki.serverCert} -Dtls.server.keyPath=/no/such.key`));
    assert.ok(tlsServerOptions(st, warn) !== undefined, 'test mode: the missing key file does not matter');
    assert.match(warnings.join('\n'), /ignored while tls\.test\.mode\.enable=true/);
  });

  it('rule: a bad certificate setting stops the start with an error naming the key and the file', () => {
    const files = (extra: string): () => unknown => () => tlsServerOptions(loadTlsSettings(sys(`-Dtls.test.mode.enable=false ${extra}`)), warn);
    assert.throws(files(`-Dtls.server.keyPath=${pki.serverKey}`), /tls\.server\.certPath is required when tls\.test\.mode\.enable=false/);
    assert.throws(files(`-Dtls.server.certPath=/no/such/cert.pem -Dtls.server.keyPath=${pki.serverKey}`), /tls\.server\.certPath=\/no\/such\/cert\.pem: cannot read the file \(ENOENT\)/);
    assert.throws(files(`-Dtls.server.certPath=${pki.serverCert} -Dtls.server.keyPath=/no/such.key`), /tls\.server\.keyPath=\/no\/such\.key: cannot read the file \(ENOENT\)/);
    assert.throws(files(`-Dtls.server.certPath=${pki.serverCert} -Dtls.server.keyPath=${pki.serverKeyEncrypted} -Dtls.server.keyPassword=wrong`), new RegExp(`tls\\.server\\.keyPath=${pki.serverKeyEncrypted.replace(/[.]/g, '\\.')}: not a usable certificate and key`));
    assert.throws(files(`-Dtls.server.certPath=${pki.clientCert} -Dtls.server.keyPath=${pki.serverKey}`), /not a usable certificate and key/, 'a key that does not match the certificate');
    assert.throws(files(`-Dtls.server.certPath=${pki.serverCert} -Dtls.server.keyPath=${pki.serverKey} -Dtls.server.authClient=true -Dtls.server.trustCertPath=${pki.serverKey}`), /tls\.server\.trustCertPath=.*no PEM certificate/);
  });

  it('rule: good certificate files with an encrypted key and keyPassword build the server options', async () => {
    const extra = `-Dtls.test.mode.enable=false -Dtls.server.certPath=${pki.serverCert} -Dtls.server.keyPath=${pki.serverKeyEncrypted} -Dtls.server.keyPassword=${pki.serverKeyPassword} -Dtls.server.need.client.auth=optional -Dtls.server.authClient=true -Dtls.server.trustCertPath=${pki.caCert}`;
    const o = tlsFromEnvironment({ JAVA_OPT: `${extra} -Dtls.config.file=${NO_FILE}` }, warn);
    assert.equal(o.server?.clientAuth, 'optional');
    assert.equal(o.server?.verifyClient, true);
    assert.equal(o.server?.trustedCas?.length, 1);
    assert.ok(await o.server!.context());
  });

  it('rule: apogee.tls.handshakeTimeoutMs must be a positive integer', () => {
    assert.equal(loadTlsSettings(sys('-Dapogee.tls.handshakeTimeoutMs=2500')).handshakeTimeoutMs, 2500);
    assert.throws(() => loadTlsSettings(sys('-Dapogee.tls.handshakeTimeoutMs=0')), /apogee\.tls\.handshakeTimeoutMs=0: expected a positive integer \(ms\)/);
  });

  it('rule: mqnamesrv with an unreadable tls.server.certPath exits 1 naming the key and the file (a real process)', () => {
    const bin = path.join(__dirname, 'mqnamesrv.js'); // listenPort 1: never bound, the start stops before
    const javaOpt = `-Dtls.server.mode=enforcing -Dtls.config.file=${NO_FILE} -Dtls.test.mode.enable=false -Dtls.server.certPath=/no/such/server.pem -Dtls.server.keyPath=${pki.serverKey}`;
    const r = spawnSync(process.execPath, [bin, '--listenPort', '1'], { env: { ...process.env, HOME: pki.dir, JAVA_OPT: javaOpt, APOGEE_LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /mqnamesrv: tls\.server\.certPath=\/no\/such\/server\.pem: cannot read the file \(ENOENT\)/);
  });
});
