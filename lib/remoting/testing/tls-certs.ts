/**
 * Test helper: a throw-away PKI made with the openssl command (async, into a temp dir): a CA, a server certificate
 * (CN=localhost, IP 127.0.0.1) and a client certificate signed by it, plus a second CA nobody trusts, as PEM files.
 */
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TestPki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** The server key in encrypted PKCS#8 with password `serverKeyPassword`. */
  serverKeyEncrypted: string;
  serverKeyPassword: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate from a CA the server does not trust. */
  strangerCert: string;
  strangerKey: string;
  remove(): void;
}

function openssl(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd, timeout: 60_000 }, (e, _o, err) => (e === null ? resolve() : reject(new Error(`openssl ${args[0]}: ${err}`))));
  });
}

/** RSA 2048 keys (with EC P-256 node's server found no signature algorithm for client certificates), X.509 v3: a CA with CA:TRUE, leaves for server and client use. */
async function keyAndCert(cwd: string, name: string, cn: string, signer?: string): Promise<void> {
  const ec = ['-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-subj', `/CN=${cn}`];
  if (signer === undefined) {
    await openssl(['req', '-x509', ...ec, '-out', `${name}.pem`, '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], cwd);
    return;
  }
  await openssl(['req', ...ec, '-out', `${name}.csr`], cwd);
  fs.writeFileSync(path.join(cwd, `${name}.ext`), 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n');
  await openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${signer}.pem`, '-CAkey', `${signer}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`], cwd);
}

export async function makeTestPki(): Promise<TestPki> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-pki-'));
  await keyAndCert(dir, 'ca', 'apogee test CA');
  await keyAndCert(dir, 'other-ca', 'untrusted CA');
  await keyAndCert(dir, 'server', 'localhost', 'ca');
  await keyAndCert(dir, 'client', 'client', 'ca');
  await keyAndCert(dir, 'stranger', 'stranger', 'other-ca');
  await openssl(['pkcs8', '-topk8', '-in', 'server.key', '-out', 'server-enc.key', '-passout', 'pass:s3cret', '-v2', 'aes-256-cbc'], dir);
  const p = (f: string): string => path.join(dir, f);
  return {
    dir,
    caCert: p('ca.pem'),
    serverCert: p('server.pem'),
    serverKey: p('server.key'),
    serverKeyEncrypted: p('server-enc.key'),
    serverKeyPassword: 's3cret',
    clientCert: p('client.pem'),
    clientKey: p('client.key'),
    strangerCert: p('stranger.pem'),
    strangerKey: p('stranger.key'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Why the PKI cannot be made here (no openssl command), or undefined when it can. */
export function noOpensslReason(): string | undefined {
  return spawnSync('openssl', ['version']).status === 0 ? undefined : 'the openssl command is not on PATH (it makes the test certificates)';
}
