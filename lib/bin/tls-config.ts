import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { parseJavaProperties } from '../../protocol/codec';
import { TLS_HANDSHAKE_TIMEOUT_MS_DEFAULT, TLS_MODES, type TlsClientAuth, type TlsMode, type TlsServerOptions } from '../remoting';

/**
 * TLS settings as Java 5.5.0 takes them (Java: TlsSystemConfig, TlsHelper#buildSslContext / extractTlsConfigFromFile,
 * NettyClientConfig.useTLS). Java reads JVM system properties; Apogee reads the same `-Dkey=value` words from the
 * JAVA_OPT environment variable (what mqbroker/mqnamesrv users set for runbroker.sh / runserver.sh), then
 * `tls.config.file` (default /etc/rocketmq/tls.properties, skipped when absent) which, as in Java, may set every key
 * but tls.server.mode, tls.enable and tls.config.file.
 *
 * Java's defaults are Apogee's: tls.server.mode=permissive and tls.test.mode.enable=true, i.e. a plaintext port that
 * also accepts TLS clients with a self-signed certificate made at start (Apogee: on the first TLS client, with
 * the openssl command). Certificate files are used only when tls.test.mode.enable=false, as in Java.
 *
 * Differences (README "TLS"): a bad certificate or key file is a start-up error naming the file and key (Java logs
 * the error and runs without TLS); certificate files are not watched for changes (Java's FileWatchService).
 */

export interface TlsSettings {
  mode: TlsMode;
  /** tls.enable: this process's own client connections (broker -> NameServer, slave -> master) use TLS. */
  clientEnable: boolean;
  testMode: boolean;
  configFile: string;
  needClientAuth: TlsClientAuth;
  serverKeyPath: string;
  serverKeyPassword: string;
  serverCertPath: string;
  serverAuthClient: boolean;
  serverTrustCertPath: string;
  clientKeyPath: string;
  clientKeyPassword: string;
  clientCertPath: string;
  clientAuthServer: boolean;
  clientTrustCertPath: string;
  /** apogee.tls.handshakeTimeoutMs (Apogee only; Netty's SslHandler default 10000). */
  handshakeTimeoutMs: number;
}

export const TLS_CONFIG_FILE_DEFAULT = '/etc/rocketmq/tls.properties';

/** The `-Dkey=value` words of a JAVA_OPT string (other JVM flags are ignored). */
export function systemPropertiesFromJavaOpt(javaOpt: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const word of (javaOpt ?? '').split(/\s+/)) {
    if (!word.startsWith('-D')) continue;
    const eq = word.indexOf('=');
    if (eq > 2) out.set(word.slice(2, eq), word.slice(eq + 1));
    else if (word.length > 2) out.set(word.slice(2), '');
  }
  return out;
}

function bool(v: string | undefined, dflt: boolean): boolean {
  return v === undefined ? dflt : v.trim().toLowerCase() === 'true'; // Java Boolean.parseBoolean
}

/** Java TlsHelper#parseClientAuthMode: none|optional|require, case-insensitive; anything else means none. */
function clientAuth(v: string | undefined): TlsClientAuth {
  const u = (v ?? 'none').trim().toLowerCase();
  return u === 'optional' || u === 'require' ? u : 'none';
}

/** Settings from system properties (JAVA_OPT) and the tls.config.file they name. Throws on an unknown mode. */
export function loadTlsSettings(sys: Map<string, string>): TlsSettings {
  const modeText = (sys.get('tls.server.mode') ?? 'permissive').trim().toLowerCase();
  // Java TlsMode.parse falls back to permissive for an unknown name; a typo there silently leaves plaintext open,
  // so Apogee refuses to start instead.
  if (!(TLS_MODES as readonly string[]).includes(modeText)) {
    throw new Error(`tls.server.mode=${sys.get('tls.server.mode')}: expected one of ${TLS_MODES.join(', ')}`);
  }
  const mode = modeText as TlsMode;
  const configFile = sys.get('tls.config.file') ?? TLS_CONFIG_FILE_DEFAULT;
  const props = new Map(sys);
  let fileProps = new Map<string, string>();
  try {
    if (fs.statSync(configFile).isFile()) fileProps = parseJavaProperties(fs.readFileSync(configFile, 'latin1'));
  } catch {
    // Java: "Tls config file doesn't exist, skip it"
  }
  for (const [k, v] of fileProps) if (k !== 'tls.server.mode' && k !== 'tls.enable' && k !== 'tls.config.file') props.set(k, v);
  const s = (k: string): string => props.get(k) ?? '';
  const hs = Number(props.get('apogee.tls.handshakeTimeoutMs') ?? TLS_HANDSHAKE_TIMEOUT_MS_DEFAULT);
  if (!Number.isInteger(hs) || hs <= 0) throw new Error(`apogee.tls.handshakeTimeoutMs=${props.get('apogee.tls.handshakeTimeoutMs')}: expected a positive integer (ms)`);
  return {
    mode,
    // Java NettyClientConfig: useTLS = tls.enable, by default true exactly when the server mode is enforcing.
    clientEnable: bool(sys.get('tls.enable'), mode === 'enforcing'),
    testMode: bool(props.get('tls.test.mode.enable'), true),
    configFile,
    needClientAuth: clientAuth(props.get('tls.server.need.client.auth')),
    serverKeyPath: s('tls.server.keyPath'),
    serverKeyPassword: s('tls.server.keyPassword'),
    serverCertPath: s('tls.server.certPath'),
    serverAuthClient: bool(props.get('tls.server.authClient'), false),
    serverTrustCertPath: s('tls.server.trustCertPath'),
    clientKeyPath: s('tls.client.keyPath'),
    clientKeyPassword: s('tls.client.keyPassword'),
    clientCertPath: s('tls.client.certPath'),
    clientAuthServer: bool(props.get('tls.client.authServer'), false),
    clientTrustCertPath: s('tls.client.trustCertPath'),
    handshakeTimeoutMs: hs,
  };
}

/** Reads a PEM file named by `key`; the error names both. */
function readPem(file: string, key: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new Error(`${key}=${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * The server side of the settings: undefined when disabled. With certificate files (tls.test.mode.enable=false)
 * they are read and checked now, so a wrong path, key or password stops the start with the file named.
 */
export function tlsServerOptions(st: TlsSettings, warn: (msg: string) => void): TlsServerOptions | undefined {
  if (st.mode === 'disabled') return undefined;
  const base = { mode: st.mode, clientAuth: st.needClientAuth, verifyClient: st.serverAuthClient, handshakeTimeoutMs: st.handshakeTimeoutMs };
  if (st.testMode) {
    if (st.serverCertPath !== '' || st.serverKeyPath !== '') {
      warn('tls.server.certPath/keyPath are ignored while tls.test.mode.enable=true (Java does the same); set tls.test.mode.enable=false to use them');
    }
    // Java test mode: a self-signed certificate; netty's ClientAuth.OPTIONAL against the JVM's default trust store.
    return { ...base, clientAuth: 'none', verifyClient: false, context: memo(selfSignedContext) };
  }
  if (st.serverCertPath === '') throw new Error('tls.server.certPath is required when tls.test.mode.enable=false');
  if (st.serverKeyPath === '') throw new Error('tls.server.keyPath is required when tls.test.mode.enable=false');
  const cert = readPem(st.serverCertPath, 'tls.server.certPath');
  const key = readPem(st.serverKeyPath, 'tls.server.keyPath');
  const ca = st.serverAuthClient && st.serverTrustCertPath !== '' ? readPem(st.serverTrustCertPath, 'tls.server.trustCertPath') : undefined;
  let context: tls.SecureContext;
  try {
    context = tls.createSecureContext({ cert, key, ...(st.serverKeyPassword !== '' ? { passphrase: st.serverKeyPassword } : {}), ...(ca !== undefined ? { ca } : {}) });
  } catch (e) {
    throw new Error(`tls.server.certPath=${st.serverCertPath} / tls.server.keyPath=${st.serverKeyPath}: not a usable certificate and key (${(e as Error).message}); check tls.server.keyPassword`);
  }
  const trustedCas = ca !== undefined ? pemCertificates(ca, st.serverTrustCertPath) : undefined;
  return { ...base, context: () => Promise.resolve(context), ...(trustedCas !== undefined ? { trustedCas } : {}) };
}

/** Every certificate of a PEM bundle; the error names the file. */
function pemCertificates(pem: Buffer, file: string): X509Certificate[] {
  const blocks = pem.toString('latin1').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  try {
    if (blocks.length === 0) throw new Error('no PEM certificate in it');
    return blocks.map((b) => new X509Certificate(b));
  } catch (e) {
    throw new Error(`tls.server.trustCertPath=${file}: ${(e as Error).message}`);
  }
}

/** node:tls options for this process's own client connections, or undefined when tls.enable is off. */
export function tlsClientOptions(st: TlsSettings): tls.ConnectionOptions | undefined {
  if (!st.clientEnable) return undefined;
  // Java's client never checks the host name; it trusts every server unless tls.client.authServer=true.
  const base: tls.ConnectionOptions = { rejectUnauthorized: false, checkServerIdentity: () => undefined };
  if (st.testMode) return base;
  const opts: tls.ConnectionOptions = { ...base };
  if (st.clientAuthServer) {
    opts.rejectUnauthorized = true;
    if (st.clientTrustCertPath !== '') opts.ca = readPem(st.clientTrustCertPath, 'tls.client.trustCertPath');
  }
  if (st.clientCertPath !== '') opts.cert = readPem(st.clientCertPath, 'tls.client.certPath');
  if (st.clientKeyPath !== '') opts.key = readPem(st.clientKeyPath, 'tls.client.keyPath');
  if (st.clientKeyPassword !== '') opts.passphrase = st.clientKeyPassword;
  return opts;
}

function memo<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
}

/** Time allowed for `openssl req` to make the self-signed certificate, ms. */
export const SELF_SIGNED_OPENSSL_TIMEOUT_MS = 30_000;

/** Java's SelfSignedCertificate (RSA 2048, CN=localhost), made with the openssl command into a private temp dir. */
export async function selfSignedContext(): Promise<tls.SecureContext> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'apogee-tls-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    await new Promise<void>((resolve, reject) => {
      execFile('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=localhost', '-days', '365'],
        { timeout: SELF_SIGNED_OPENSSL_TIMEOUT_MS }, (e, _out, err) => (e === null ? resolve() : reject(new Error(`openssl could not make the self-signed certificate of tls.test.mode.enable=true: ${e.message} ${err}`))));
    });
    return tls.createSecureContext({ key: await fsp.readFile(key), cert: await fsp.readFile(cert) });
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** Every TLS option of a process, from its environment (JAVA_OPT). Throws, naming the key or file, on bad input. */
export function tlsFromEnvironment(env: NodeJS.ProcessEnv, warn: (msg: string) => void): { settings: TlsSettings; server?: TlsServerOptions; client?: tls.ConnectionOptions } {
  const settings = loadTlsSettings(systemPropertiesFromJavaOpt(env.JAVA_OPT));
  const server = tlsServerOptions(settings, warn);
  const client = tlsClientOptions(settings);
  return { settings, ...(server !== undefined ? { server } : {}), ...(client !== undefined ? { client } : {}) };
}
