import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stopChild as stop } from '../common/testing/child';
import { skipBecause } from '../common/testing/skip';
import { fillUntilAvailable, mountTmpfs, tmpfsUnavailable, unmount } from '../store/testing/tmpfs';
import { startPair, until, type Pair } from './testing/real-pair';

/**
 * Disk full on the slave, with real processes and a real full file system (issue 13 "Bad input and faults"; slow: run
 * by the compat mocha config): an Apogee NameServer, ASYNC_MASTER and SLAVE (lib/ha/testing/real-pair.ts), the
 * slave's store on a small tmpfs (needs root: CI runs as root, .ci/run; skipped saying so elsewhere). The slave
 * catches up, the tmpfs is filled to a few hundred KiB free, the master takes more than that: the slave's replicated
 * write hits ENOSPC and replication stops with one error line (lib/ha/client.ts), what the slave holds are the
 * master's bytes, and no more arrive. Space is freed and the slave restarted (a failed replicated write stops
 * replication until the slave restarts: its recovery drops any partly written record): it catches up to a commit log
 * byte-identical with the master's. The in-process variant (FaultIO's ENOSPC) is lib/ha/faults.test.ts.
 */
/** Commit log files of both brokers, in bytes (small: several files, quick to compare). */
const FILE_BYTES = 1024 * 1024;
/** The slave's tmpfs, in bytes. */
const TMPFS_BYTES = 24 * 1024 * 1024;
/** Free space left on the tmpfs before the master takes more, in bytes. */
const LEFT_BYTES = 512 * 1024;
/** Message bodies sent to the master past the slave's free space, in bytes each. */
const BODY_BYTES = 4000;

/** The bytes [from, to) of the commit log in `dir` (files named by their start offset, FILE_BYTES each). */
function logRange(dir: string, from: number, to: number): Buffer {
  const parts: Buffer[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const start = Number(name);
    const a = Math.max(from, start);
    const b = Math.min(to, start + FILE_BYTES);
    if (a < b) parts.push(fs.readFileSync(path.join(dir, name)).subarray(a - start, b - start));
  }
  return Buffer.concat(parts);
}

function errorLines(log: string): string[] {
  return fs.readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('a replicated write failed'));
}

describe('lib/ha disk full on the slave (a real tmpfs, real ENOSPC, real processes)', function () {
  this.timeout(300_000);
  let procs: Record<string, ChildProcess | undefined> = {};
  let pair: Pair | undefined;
  let dir = '';
  let mount: string | undefined;
  let passed = false;
  beforeEach(function () {
    const why = tmpfsUnavailable();
    if (why !== undefined) skipBecause(this, `${why} (the slave's store on a small tmpfs; lib/ha/faults.test.ts covers the same with FaultIO's ENOSPC)`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-ha-diskfull-'));
    mount = mountTmpfs(TMPFS_BYTES, dir);
    if (mount === undefined) skipBecause(this, 'mount -t tmpfs failed (no permission to mount here; lib/ha/faults.test.ts covers the same with FaultIO\'s ENOSPC)');
    procs = {};
    passed = false;
  });
  afterEach(async () => {
    pair?.c.close();
    pair = undefined;
    for (const k of ['slave', 'master', 'ns']) await stop(procs[k]);
    if (mount !== undefined) unmount(mount);
    mount = undefined;
    // Keep the logs of a failed run for diagnosis.
    if (passed) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('replication stops with one error line and no corruption; after space is freed and a restart the slave catches up byte-identical', async () => {
    const slaveStore = path.join(mount!, 'store');
    // Small index files: a default one (5M hash slots) would take its pages all over the tmpfs.
    const p = (pair = await startPair(dir, procs, [`mappedFileSizeCommitLog=${FILE_BYTES}`, 'maxHashSlotNum=1000', 'maxIndexNum=4000'], { slaveStore }));
    const masterLog = path.join(dir, 'master', 'commitlog');
    const slaveLog = path.join(slaveStore, 'commitlog');
    const topic = `HaFull${Date.now() % 100000}`;
    await p.sendRange(topic, 0, 50);
    await until(async () => (await p.maxOffset(p.slaveAddr)) === (await p.maxOffset(p.masterAddr)), 'the first catch-up');

    const filler = fillUntilAvailable(mount!, LEFT_BYTES);
    const body = Buffer.alloc(BODY_BYTES, 'f');
    for (let i = 0; i < (2 * LEFT_BYTES) / BODY_BYTES; i++) assert.equal((await p.c.send(topic, body)).code, 0, `send #${i}`);
    const slaveLogFile = path.join(dir, 'slave.log');
    await until(() => errorLines(slaveLogFile).length > 0, 'the slave logs the failed replicated write');
    const masterMax = await p.maxOffset(p.masterAddr);
    const held = await p.maxOffset(p.slaveAddr);
    assert.ok(held > 0 && held < masterMax, `the slave holds ${held} of the master's ${masterMax} bytes`);
    // More for the master: the slave takes none of it and logs nothing more about it.
    for (let i = 0; i < 20; i++) assert.equal((await p.c.send(topic, body)).code, 0, `send after the stop #${i}`);
    assert.equal(await p.maxOffset(p.slaveAddr), held, 'no more replicated bytes appended');
    const lines = errorLines(slaveLogFile);
    assert.equal(lines.length, 1, `one clear error line:\n${lines.join('\n')}`);
    assert.match(lines[0]!, /"level":50.*no space left on the device/);
    // No corruption: up to what it reports, the slave's log is the master's bytes.
    const from = Number(fs.readdirSync(slaveLog).sort()[0]);
    assert.ok(logRange(slaveLog, from, held).equals(logRange(masterLog, from, held)), 'the slave\'s bytes are the master\'s');

    // Space freed, the slave restarted: it catches up, byte for byte.
    fs.unlinkSync(filler);
    await stop(procs.slave);
    p.restartSlave('slave2.log');
    const end = await p.maxOffset(p.masterAddr);
    await until(async () => (await p.maxOffset(p.slaveAddr)) === end, 'the restarted slave caught up', 120_000);
    assert.ok(logRange(slaveLog, from, end).equals(logRange(masterLog, from, end)), 'byte-identical after the restart');
    assert.deepEqual(errorLines(path.join(dir, 'slave2.log')), [], 'no failed write after the restart');
    passed = true;
  });
});
