import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageStore } from './message-store';
import { APOGEE_LOCK_FILE, lockHolders, STORE_LOCK_FILE } from './store-lock';
import { testConfig } from './testing/records';
import { skipBecause } from '../common/testing/skip';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-lock-'));
}

async function waitFor(pred: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function heldInProcLocks(file: string): boolean {
  const st = fs.statSync(file);
  return lockHolders(fs.readFileSync('/proc/locks', 'utf8'), st.dev, st.ino).length > 0;
}

const linux = process.platform === 'linux' && fs.existsSync('/proc/locks');

describe('one process per store: <root>/lock (Java FileLock) and <root>/lock.apogee', () => {
  it('lockHolders reads /proc/locks by device and inode, skipping waiters and ourselves', () => {
    const dev = 8 * 256 + 1; // 08:01
    const text = [
      '1: POSIX  ADVISORY  WRITE 4242 08:01:777 0 0',
      '1: -> POSIX  ADVISORY  WRITE 5555 08:01:777 0 0',
      '2: FLOCK  ADVISORY  WRITE 4343 08:02:777 0 EOF',
      `3: POSIX  ADVISORY  WRITE ${process.pid} 08:01:777 0 0`,
      '4: POSIX  ADVISORY  READ 4444 08:01:778 0 0',
    ].join('\n');
    assert.deepEqual(lockHolders(text, dev, 777), [4242]);
  });

  it('a second open of a store this process holds is refused naming the holder; after shutdown it opens again', async () => {
    const root = tmp();
    try {
      const a = await MessageStore.open(testConfig(root));
      assert.ok(fs.existsSync(path.join(root, STORE_LOCK_FILE)), 'the Java lock file exists, as Java creates it');
      await assert.rejects(MessageStore.open(testConfig(root)), new RegExp(`store ${root} is in use by Apogee process ${process.pid}`));
      await a.shutdown();
      assert.equal(fs.existsSync(path.join(root, APOGEE_LOCK_FILE)), false);
      const b = await MessageStore.open(testConfig(root));
      await b.shutdown();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('a lock.apogee left by a process that is gone (kill -9) is stale and replaced', async () => {
    const root = tmp();
    try {
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
      fs.writeFileSync(path.join(root, APOGEE_LOCK_FILE), `${dead} 1\n`);
      const s = await MessageStore.open(testConfig(root));
      assert.match(fs.readFileSync(path.join(root, APOGEE_LOCK_FILE), 'utf8'), new RegExp(`^${process.pid} `));
      await s.shutdown();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('a POSIX lock on <root>/lock held by another process (what Java FileLock takes) refuses the open, naming it', async function () {
    if (!linux || spawnSync('python3', ['-c', 'import fcntl']).status !== 0) skipBecause(this, 'needs Linux /proc/locks and python3 to hold an fcntl lock');
    const root = tmp();
    let holder: ChildProcess | undefined;
    try {
      const file = path.join(root, STORE_LOCK_FILE);
      // Same call as Java's FileChannel#tryLock(0, 1, false) on Linux: fcntl F_SETLK, write lock on byte 0.
      holder = spawn('python3', ['-c', `import fcntl,sys,time\nf=open(${JSON.stringify(file)},'a+')\nfcntl.lockf(f,fcntl.LOCK_EX|fcntl.LOCK_NB,1,0)\nprint('locked',flush=True)\ntime.sleep(60)`], { stdio: ['ignore', 'pipe', 'inherit'] });
      await waitFor(() => fs.existsSync(file) && heldInProcLocks(file), 10_000, 'the python lock');
      await assert.rejects(MessageStore.open(testConfig(root)), new RegExp(`process ${holder.pid} \\(python3\\) holds a lock on ${file}`));
      assert.equal(fs.existsSync(path.join(root, 'abort')), false, 'nothing opened: no abort file');
      holder.kill();
      await waitFor(() => !heldInProcLocks(file), 10_000, 'the lock to go');
      const s = await MessageStore.open(testConfig(root));
      await s.shutdown();
    } finally {
      holder?.kill();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('a running Apache RocketMQ 5.5.0 broker on the store makes Apogee refuse (set APOGEE_JAVA_LOCK_TEST=1; starts one JVM)', async function () {
    const cpFile = path.join(__dirname, '../../../compat-tests/java/apache-dist/target/classpath/server-5.5.0.txt');
    // Opt-in: a JVM broker takes ~10 s and 0.5 GB; the python fcntl test above covers the same lock in every run.
    if (process.env.APOGEE_JAVA_LOCK_TEST !== '1' || !linux || !fs.existsSync(cpFile)) skipBecause(this, 'opt-in (APOGEE_JAVA_LOCK_TEST=1, Linux, compat-tests/setup.sh classpath): starts a JVM broker; the python fcntl test covers the same lock in every run');
    this.timeout(90_000);
    const dir = tmp();
    const root = path.join(dir, 'store');
    const conf = path.join(dir, 'broker.conf');
    fs.writeFileSync(conf, `brokerClusterName=LockTest\nbrokerName=lock-test\nlistenPort=30911\nstorePathRootDir=${root}\nnamesrvAddr=127.0.0.1:1\n`);
    fs.mkdirSync(path.join(dir, 'home'));
    const java = spawn('java', ['-Xms256m', '-Xmx256m', `-Duser.home=${path.join(dir, 'home')}`, `-Drocketmq.home.dir=${dir}`, '-cp', fs.readFileSync(cpFile, 'utf8').trim(), 'org.apache.rocketmq.broker.BrokerStartup', '-c', conf], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    java.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    java.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    try {
      const file = path.join(root, STORE_LOCK_FILE);
      await waitFor(() => /boot success/.test(out) || java.exitCode !== null, 80_000, 'the Java broker');
      assert.ok(heldInProcLocks(file), `Java holds ${file}\n${out}`);
      await assert.rejects(MessageStore.open(testConfig(root)), new RegExp(`process ${java.pid} \\(java\\) holds a lock on ${file}`));
    } finally {
      java.kill('SIGKILL');
      await new Promise((r) => java.once('exit', r));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
