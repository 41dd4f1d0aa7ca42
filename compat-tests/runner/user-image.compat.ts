/**
 * The user-facing packaging, for real: `npm pack` gives a package whose bins work once installed, and
 * `npm run image` (lib/dev/image.ts) gives a container image whose HEALTHCHECK (`apogee health`) turns healthy
 * and which serves the official protocol. The image is built on the runner's Debian minbase with this machine's
 * node (--node-from-host): there is no registry here to pull node:20-bookworm-slim from. Skips, with the reason,
 * when no Docker engine answers (the npm pack case always runs).
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createLogger, silentLogger } from '../../lib/common';
import { RocketClient } from '../../lib/client';
import { ContainerEngine, LABEL, LABEL_OWNER, probeDocker } from './containers';
import { freeBrokerPorts, freePort } from './ports';
import { RunContext } from './run';

const root = path.resolve(__dirname, '..', '..', '..');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function sh(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 10 * 60_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

async function sendOne(namesrv: string): Promise<number> {
  const client = new RocketClient({ namesrvAddr: namesrv, logger: silentLogger() });
  try {
    // the default topic is auto-created on first send (autoCreateTopicEnable=true, as Java)
    for (let i = 0; ; i++) {
      try {
        return (await client.send('UserImageTopic', Buffer.from('hello from the packaged apogee'))).code;
      } catch (e) {
        if (i >= 20) throw e;
        await sleep(500);
      }
    }
  } finally {
    client.close();
  }
}

describe('packaging: npm pack and the container image (real processes)', function () {
  this.timeout(10 * 60_000);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-pack-'));
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('npm pack ships no tests or dev tools; installed, `apogee start` serves and `apogee health` says healthy', async () => {
    sh('npm', ['pack', '--ignore-scripts', '--pack-destination', work, root], work);
    const tgz = fs.readdirSync(work).find((f) => f.endsWith('.tgz'));
    assert.ok(tgz !== undefined, 'npm pack wrote a .tgz');
    const listing = sh('tar', ['tzf', path.join(work, tgz)], work).split('\n');
    assert.ok(listing.includes('package/dist/lib/bin/apogee.js'));
    assert.deepEqual(listing.filter((f) => /\.test\.js$|\/testing\/|dist\/lib\/dev\/|compat-tests|bench\//.test(f)), []);
    const prefix = path.join(work, 'inst');
    sh('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', '--prefix', prefix, path.join(work, tgz)], work);
    const bin = path.join(prefix, 'node_modules', '.bin');
    for (const b of ['apogee', 'mqnamesrv', 'mqbroker', 'mqadmin']) assert.ok(fs.existsSync(path.join(bin, b)), `bin ${b} installed`);
    const ns = await freePort();
    const broker = (await freeBrokerPorts()).listenPort;
    const health = (): ReturnType<typeof spawnSync> => spawnSync(path.join(bin, 'apogee'), ['health', '-n', `127.0.0.1:${ns}`, '-b', `127.0.0.1:${broker}`], { encoding: 'utf8' });
    const before = health();
    assert.equal(before.status, 1, 'nothing runs yet: unhealthy');
    assert.match(String(before.stderr), /NameServer 127\.0\.0\.1:\d+ not healthy/);
    const child = spawn(path.join(bin, 'apogee'), ['start', '--dataDir', path.join(work, 'data'), '--namesrvPort', String(ns), '--brokerPort', String(broker)], { stdio: 'ignore' });
    try {
      let last: ReturnType<typeof spawnSync> | undefined;
      for (let i = 0; i < 60; i++) {
        last = health();
        if (last.status === 0) break;
        await sleep(500);
      }
      assert.equal(last?.status, 0, `apogee health: ${String(last?.stderr)}`);
      assert.match(String(last?.stdout), /^healthy: NameServer .* registered as 127\.0\.0\.1:\d+/);
      assert.equal(await sendOne(`127.0.0.1:${ns}`), 0, 'SEND_OK (code 0)');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  describe('npm run image: the image turns healthy and serves', function () {
    let engine: ContainerEngine | undefined;
    const tag = `apogee-compat/user-image:${process.pid}`;
    let container: string | undefined;

    before(async function () {
      const d = await probeDocker();
      if ('error' in d) {
        console.log(`      skipped: no Docker engine answered (${d.error})`);
        this.skip();
      }
      const ctx = RunContext.create({ rootDir: path.join(work, 'runs'), logger: createLogger({ name: 'compat', fd: 2, level: 'warn' }) });
      engine = await ContainerEngine.connect(ctx, (l) => console.log(`      [images] ${l}`));
    });

    after(async () => {
      if (engine === undefined) return;
      if (container !== undefined) await engine.docker.getContainer(container).remove({ force: true }).catch(() => undefined);
      await engine.docker.getImage(tag).remove({ force: true }).catch(() => undefined);
      engine.close();
    });

    it('built with npm run image on a Debian base: HEALTHCHECK healthy, a send answered SEND_OK', async () => {
      const base = await engine!.images.ensureBase();
      const out = sh(process.execPath, [path.join(root, 'dist', 'lib', 'dev', 'image.js'), '--base', base, '--node-from-host', '--tag', tag], root);
      assert.match(out, /3\/3 docker build/);
      const ns = await freePort();
      const broker = (await freeBrokerPorts()).listenPort;
      const c = await engine!.docker.createContainer({
        Image: tag,
        // 127.0.0.1 on host networking: test traffic stays on loopback (the image's default is --host 0.0.0.0)
        Cmd: ['start', '--dataDir', '/var/lib/apogee', '--namesrvPort', String(ns), '--brokerPort', String(broker)],
        Env: [`APOGEE_HEALTH_NAMESRV=127.0.0.1:${ns}`, `APOGEE_HEALTH_BROKER=127.0.0.1:${broker}`],
        Labels: { [LABEL]: 'user-image', [LABEL_OWNER]: `${os.hostname()}:${process.pid}` },
        HostConfig: { NetworkMode: 'host' },
      });
      container = c.id;
      await c.start();
      let status = '';
      for (let i = 0; i < 120 && status !== 'healthy'; i++) {
        await sleep(500);
        const st = (await c.inspect()).State;
        assert.equal(st.Running, true, `the container stopped: ${JSON.stringify(st)}`);
        status = st.Health?.Status ?? '';
      }
      assert.equal(status, 'healthy', 'the image HEALTHCHECK (apogee health) reports healthy');
      assert.equal(await sendOne(`127.0.0.1:${ns}`), 0, 'SEND_OK (code 0)');
    });
  });
});
