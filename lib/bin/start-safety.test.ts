import { strict as assert } from 'node:assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Broker, BrokerRemotingSchema, BrokerSchema } from '../broker';
import { defaults, silentLogger } from '../common';
import { defaultStoreConfig } from '../store';
import { freeBrokerPort } from '../remoting/testing/ports';
import { skipBecause } from '../common/testing/skip';

/** Start-up safety of `apogee start` as a real process: validate everything before opening anything. */
const APOGEE = path.join(__dirname, 'apogee.js');

function listen(port = 0): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

/** n distinct ports, each usable as a broker's listenPort (p-2 and p+1 free too). */
async function freePorts(n: number): Promise<number[]> {
  const out: number[] = [];
  while (out.length < n) {
    const p = await freeBrokerPort();
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

interface Run {
  child: ChildProcess;
  out: string;
  err: string;
  exit: Promise<number | null>;
}

function startApogee(args: string[]): Run {
  const child = spawn(process.execPath, [APOGEE, 'start', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = { child, out: '', err: '', exit: new Promise((r) => child.once('exit', (code) => r(code))) };
  child.stdout!.on('data', (c: Buffer) => (run.out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (run.err += c.toString()));
  return run;
}

async function waitFor(pred: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('start-up safety (apogee start, real processes)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-start-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a broker port in use: exits 1 naming the port, before the NameServer says "boot success" and before the store is opened', async () => {
    const [nsPort, brokerPort] = await freePorts(2);
    const blocker = await listen(brokerPort!);
    try {
      const run = startApogee(['--dataDir', path.join(dir, 'data'), '--namesrvPort', String(nsPort), '--brokerPort', String(brokerPort)]);
      assert.equal(await run.exit, 1);
      assert.match(run.err, new RegExp(`127\\.0\\.0\\.1:${brokerPort} \\(listenPort\\) is in use`));
      assert.doesNotMatch(run.out, /boot success/);
      assert.equal(fs.existsSync(path.join(dir, 'data', 'store', 'abort')), false, 'the store is not marked as crashed');
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('a bad broker.conf: exits 1 naming the key; the NameServer never said "boot success"', async () => {
    const [nsPort] = await freePorts(1);
    const conf = path.join(dir, 'broker.conf');
    fs.writeFileSync(conf, 'listenPort=ten-nine-eleven\n');
    const run = startApogee(['--dataDir', path.join(dir, 'data'), '--namesrvPort', String(nsPort), '--brokerConfig', conf]);
    assert.equal(await run.exit, 1);
    assert.match(run.err, /listenPort=ten-nine-eleven/);
    assert.doesNotMatch(run.out, /boot success/);
    assert.equal(fs.existsSync(path.join(dir, 'data', 'store', 'abort')), false);
  });

  it('a second Apogee on the same data directory refuses to start, naming the first; the first goes on and stops cleanly', async () => {
    const [ns1, b1, ns2, b2] = await freePorts(4);
    const data = path.join(dir, 'data');
    const first = startApogee(['--dataDir', data, '--namesrvPort', String(ns1), '--brokerPort', String(b1)]);
    try {
      await waitFor(() => /Apogee .* NameServer/.test(first.out), 30_000, 'the first Apogee');
      const second = startApogee(['--dataDir', data, '--namesrvPort', String(ns2), '--brokerPort', String(b2)]);
      assert.equal(await second.exit, 1);
      assert.match(second.err, new RegExp(`store .* is in use by Apogee process ${first.child.pid}`));
      assert.doesNotMatch(second.out, /boot success/);
      assert.ok(fs.existsSync(path.join(data, 'store', 'abort')), 'the first still runs');
      first.child.kill('SIGTERM');
      assert.equal(await first.exit, 0);
      assert.equal(fs.existsSync(path.join(data, 'store', 'abort')), false, 'clean stop');
    } finally {
      first.child.kill('SIGKILL');
    }
  });

  it('a start that fails after the store is open (a port taken in between) shuts the store down cleanly: no abort file', async () => {
    const [port] = await freePorts(1);
    const root = path.join(dir, 'store');
    const broker = await Broker.create({
      config: { ...defaults(BrokerSchema), listenPort: port!, brokerIP1: '127.0.0.1', namesrvAddr: '127.0.0.1:1' },
      remotingConfig: { ...defaults(BrokerRemotingSchema), bindAddress: '127.0.0.1' },
      storeConfig: defaultStoreConfig({ storePathRootDir: root, mappedFileSizeCommitLog: 1024 * 1024 }),
      logger: silentLogger(),
    });
    assert.ok(fs.existsSync(path.join(root, 'abort')), 'open store');
    const blocker = await listen(port!);
    try {
      await assert.rejects(broker.start(), /EADDRINUSE/);
      assert.equal(fs.existsSync(path.join(root, 'abort')), false);
      assert.equal(fs.existsSync(path.join(root, 'lock.apogee')), false, 'the store is released');
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
  it('a file passed as --dataDir is reported as such (not as a bad kvConfig.json)', async () => {
    const file = path.join(dir, 'not-a-dir');
    fs.writeFileSync(file, 'x');
    const [nsPort, brokerPort] = await freePorts(2);
    const run = startApogee(['--dataDir', file, '--namesrvPort', String(nsPort), '--brokerPort', String(brokerPort)]);
    assert.equal(await run.exit, 1);
    assert.match(run.err, new RegExp(`--dataDir ${file}: ${file} is a file, not a directory`));
    assert.doesNotMatch(run.err, /kvConfig/);
  });

  it('a read-only data directory is reported as EROFS (not ENOENT)', async function () {
    // Needs root on Linux to mount a read-only tmpfs.
    if (process.platform !== 'linux' || process.getuid?.() !== 0) skipBecause(this, 'needs root on Linux to mount a read-only tmpfs');
    const ro = path.join(dir, 'ro');
    fs.mkdirSync(ro);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', ro], { stdio: 'ignore' });
    } catch {
      skipBecause(this, 'mount -t tmpfs is not permitted here (a container without CAP_SYS_ADMIN)');
    }
    try {
      const [nsPort, brokerPort] = await freePorts(2);
      const run = startApogee(['--dataDir', path.join(ro, 'data'), '--namesrvPort', String(nsPort), '--brokerPort', String(brokerPort)]);
      assert.equal(await run.exit, 1);
      assert.match(run.err, /cannot create .*ro\/data: EROFS \(read-only file system\)/);
      const run2 = startApogee(['--dataDir', ro, '--namesrvPort', String(nsPort), '--brokerPort', String(brokerPort)]);
      assert.equal(await run2.exit, 1);
      assert.match(run2.err, /is not writable: EROFS \(read-only file system\)/);
    } finally {
      execFileSync('umount', [ro], { stdio: 'ignore' });
    }
  });
});
