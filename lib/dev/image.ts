/**
 * `npm run image [-- options]`: a container image of Apogee for users who deploy with containers.
 *
 * The image holds what `npm pack` ships (dist/lib, dist/protocol, dist/native, README) installed with its production
 * dependencies, on a base image with Node 20 (default node:20-bookworm-slim from a registry). It runs
 * `apogee start --host 0.0.0.0 --dataDir /var/lib/apogee` and declares a HEALTHCHECK (`apogee health`: the
 * NameServer and broker answer and the broker is registered). The install runs on this machine with its npm
 * settings, so the build needs no network inside the container.
 *
 *   --tag <name>        image tag (default apogee:<version>)
 *   --base <image>      base image with Node >= 20.9 (default node:20-bookworm-slim), or any Debian/Ubuntu image
 *                       together with --node-from-host
 *   --node-from-host    copy this machine's node binary into the image (/usr/local/bin/node)
 *   --context <dir>     write the build context (Dockerfile + files) there and stop: build and push it elsewhere
 *
 * Ports: 9876 NameServer, 10911 broker, 10909 fast (VIP), 10912 HA. Data: the /var/lib/apogee volume. Push the
 * tag to your registry as usual (`docker tag` / `docker push`); this machine has no registry.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const DEFAULT_BASE = 'node:20-bookworm-slim';

/** The Dockerfile of the user image; `bin/` is empty unless --node-from-host put node there. */
export function dockerfile(base: string): string {
  return [
    `ARG BASE=${base}`,
    'FROM ${BASE}',
    'COPY bin/ /usr/local/bin/',
    'COPY apogee/ /opt/apogee/',
    'ENV PATH=/opt/apogee/node_modules/.bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin APOGEE_LOG_FORMAT=json',
    'WORKDIR /var/lib/apogee',
    'VOLUME /var/lib/apogee',
    'EXPOSE 9876 10909 10911 10912',
    // health: apogee health (APOGEE_HEALTH_NAMESRV / APOGEE_HEALTH_BROKER when the ports are not the defaults)
    'HEALTHCHECK --interval=5s --timeout=5s --start-period=30s --retries=3 CMD ["apogee", "health"]',
    'ENTRYPOINT ["apogee"]',
    'CMD ["start", "--host", "0.0.0.0", "--dataDir", "/var/lib/apogee"]',
    '',
  ].join('\n');
}

function run(cmd: string, args: string[], cwd: string, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const onData = (b: Buffer): void => {
      const s = b.toString('utf8');
      tail = (tail + s).slice(-4000);
      for (const line of s.split('\n')) if (line.trim() !== '') process.stdout.write(`  [${label}] ${line}\n`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => reject(new Error(`${cmd}: ${e.message}${cmd === 'docker' ? ' (install Docker, or use --context to build elsewhere)' : ''}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${tail}`))));
  });
}

interface Options {
  tag: string;
  base: string;
  nodeFromHost: boolean;
  context: string | undefined;
}

function parse(argv: string[], version: string): Options {
  const o: Options = { tag: `apogee:${version}`, base: DEFAULT_BASE, nodeFromHost: false, context: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--tag') o.tag = value();
    else if (a === '--base') o.base = value();
    else if (a === '--node-from-host') o.nodeFromHost = true;
    else if (a === '--context') o.context = path.resolve(value());
    else throw new Error(`unknown option ${a} (options: --tag, --base, --node-from-host, --context)`);
  }
  return o;
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..', '..');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  const o = parse(process.argv.slice(2), pkg.version);
  if (!fs.existsSync(path.join(root, 'dist', 'lib', 'bin', 'apogee.js'))) throw new Error('dist/ is not built: run npm run build (npm run image does)');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-image-'));
  const context = o.context ?? path.join(work, 'context');
  try {
    fs.rmSync(context, { recursive: true, force: true });
    fs.mkdirSync(path.join(context, 'bin'), { recursive: true });
    console.log(`1/3 npm pack (${pkg.name} ${pkg.version})`);
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work, root], work, 'pack');
    const tgz = path.join(work, `${pkg.name}-${pkg.version}.tgz`);
    console.log('2/3 npm install --omit=dev of the package (this machine\'s npm settings)');
    await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', '--prefix', path.join(context, 'apogee'), tgz], work, 'install');
    if (o.nodeFromHost) fs.copyFileSync(fs.realpathSync(process.execPath), path.join(context, 'bin', 'node'));
    fs.writeFileSync(path.join(context, 'Dockerfile'), dockerfile(o.base));
    if (o.context !== undefined) {
      console.log(`3/3 build context written to ${context}: docker build -t ${o.tag} ${context}`);
      return;
    }
    console.log(`3/3 docker build -t ${o.tag} (base ${o.base})`);
    await run('docker', ['build', '--build-arg', `BASE=${o.base}`, '-t', o.tag, context], work, 'build');
    console.log(`built ${o.tag}: docker run --network host ${o.tag}   (health: docker inspect --format '{{.State.Health.Status}}')`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`image: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
