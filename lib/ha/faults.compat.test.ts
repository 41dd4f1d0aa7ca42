import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { stopChild as stop } from '../common/testing/child';
import { startPair, until, type Pair } from './testing/real-pair';

/**
 * A master restarted with a shorter log than its slave, with real processes (slow: run by the compat mocha config):
 * an Apogee NameServer, ASYNC_MASTER and SLAVE; the slave catches up; the master is stopped, its store lost (a
 * replaced disk: the store directory removed) and started again on the same ports, then takes new messages until
 * its log passes the slave's. The master logs that the slave is ahead (as Java 5.5 DefaultHAConnection, it does
 * not truncate the slave); the slave keeps its log byte for byte and refuses the master's bytes that do not start
 * a record where its log ends (Java 5.5's DefaultHAClient would append them: a corrupt slave), logging why.
 * The in-process variants, with the cut mid-frame and disk-full cases, are lib/ha/faults.test.ts.
 */
const FILE = 1024 * 1024;

/** An Apogee NameServer, ASYNC_MASTER and SLAVE in `dir` (real-pair.ts); the slave's haMasterAddress is `slaveHa(masterPort)`. */
function startFaultPair(dir: string, procs: Record<string, ChildProcess | undefined>, slaveHa: (masterPort: number) => string): Promise<Pair> {
  return startPair(dir, procs, [`mappedFileSizeCommitLog=${FILE}`], { slaveExtra: (masterPort) => [`haMasterAddress=${slaveHa(masterPort)}`, 'haSendHeartbeatInterval=1000'] });
}

/** Sends message `i` (200-1699 bytes, its size and letter from `i`) to `topic`; true when acknowledged. */
async function sendNth(p: Pair, topic: string, i: number): Promise<boolean> {
  return (await p.c.send(topic, Buffer.alloc(200 + ((i * 7919) % 1500), 97 + (i % 26))).catch(() => ({ code: -1 }))).code === 0;
}

/** The commit log files of both stores are byte-identical. */
function sameLogs(a: string, b: string): boolean {
  const names = fs.readdirSync(a).sort();
  return names.join() === fs.readdirSync(b).sort().join() && names.every((n) => fs.readFileSync(path.join(a, n)).equals(fs.readFileSync(path.join(b, n))));
}

describe('lib/ha faults with real processes (master restarted shorter, HA connection cut mid-frame)', function () {
  this.timeout(300_000);
  let procs: Record<string, ChildProcess | undefined> = {};
  let pair: Pair | undefined;
  let dir = '';
  let passed = false;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-ha-fault-'));
    procs = {};
    passed = false;
  });
  afterEach(async () => {
    pair?.c.close();
    pair = undefined;
    for (const k of ['slave', 'master', 'ns']) await stop(procs[k]);
    // Keep the logs of a failed run for diagnosis.
    if (passed) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the master logs the slave ahead; the slave keeps its log and refuses mid-record bytes, logging why', async () => {
    const p = (pair = await startFaultPair(dir, procs, (masterPort) => `127.0.0.1:${masterPort + 1}`));
    const { masterAddr, slaveAddr, maxOffset, masterStore } = p;
    const send = (topic: string, i: number): Promise<boolean> => sendNth(p, topic, i);
    await p.masterRouted();
    await until(() => send('HaShort', 0), 'the first send');
    for (let i = 1; i < 200; i++) assert.ok(await send('HaShort', i), `send #${i}`);
    const slaveMax = await maxOffset(masterAddr);
    await until(async () => (await maxOffset(slaveAddr)) === slaveMax, 'the slave caught up');
    const slaveFile = path.join(dir, 'slave', 'commitlog', '00000000000000000000');
    const kept = fs.readFileSync(slaveFile);

    // The master comes back with an empty store (its disk replaced) and takes new messages past the slave's end.
    await stop(procs.master);
    fs.rmSync(masterStore, { recursive: true, force: true });
    p.restartMaster('master2.log');
    await until(() => fs.existsSync(path.join(dir, 'master2.log')) && fs.readFileSync(path.join(dir, 'master2.log'), 'utf8').includes('slave commit log is ahead of the master'), 'the restarted master logs the slave ahead');
    for (let i = 0; (await maxOffset(masterAddr)) <= slaveMax + 4096; i++) assert.ok(await send('HaShort2', i), `send #${i} to the restarted master`);
    await until(() => /append refused[^\n]*no record at/.test(fs.readFileSync(path.join(dir, 'slave.log'), 'utf8')), 'the slave refuses bytes that do not start a record');
    assert.equal(await maxOffset(slaveAddr), slaveMax, 'the slave appended nothing');
    assert.ok(fs.readFileSync(slaveFile).equals(kept), 'the slave\'s commit log is unchanged byte for byte');
    passed = true;
  });

  it('the HA connection cut in the middle of a transfer: the slave reconnects, appends nothing partial and ends byte-identical', async () => {
    // A proxy in this process between the slave and the master's HA port cuts the first connection that carries two
    // transfers 100 bytes into the second transfer's body (after the 12-byte header), then forwards the next
    // connections untouched. (A connection that closes before carrying anything — e.g. the slave dialling before the
    // master's HA port listens, on a loaded machine — is not the one cut.)
    let masterHa = 0;
    let conns = 0;
    let cutConn = -1;
    const reports: number[][] = [];
    const frameEnds: number[] = [];
    const proxy = net.createServer((down) => {
      const n = conns++;
      reports[n] = [];
      const up = net.connect({ host: '127.0.0.1', port: masterHa });
      let reportBuf = Buffer.alloc(0);
      down.on('data', (b) => {
        reportBuf = Buffer.concat([reportBuf, b]);
        while (reportBuf.length >= 8) {
          reports[n]!.push(Number(reportBuf.readBigInt64BE(0)));
          reportBuf = reportBuf.subarray(8);
        }
        up.write(b);
      });
      let frames = 0;
      let pending = Buffer.alloc(0);
      let pendingAt = 0; // stream position of pending[0]
      let countedAt = -1;
      let cutAt = -1;
      let forwarded = 0;
      let cut = false;
      up.on('data', (b) => {
        if (cutConn >= 0 && cutConn !== n) return void down.write(b);
        if (cut) return;
        pending = Buffer.concat([pending, b]);
        while (pending.length >= 12) {
          const size = pending.readInt32BE(8);
          if (size > 0 && countedAt !== pendingAt) {
            countedAt = pendingAt;
            if (++frames === 2 && cutAt < 0) cutAt = pendingAt + 12 + Math.min(100, size - 1);
          }
          if (pending.length < 12 + size) break;
          if (size > 0 && (cutAt < 0 || pendingAt + 12 + size <= cutAt)) frameEnds.push(Number(pending.readBigInt64BE(0)) + size);
          pendingAt += 12 + size;
          pending = pending.subarray(12 + size);
        }
        let out = b;
        if (cutAt >= 0 && forwarded + b.length >= cutAt) {
          out = b.subarray(0, cutAt - forwarded);
          cut = true;
          cutConn = n;
        }
        forwarded += out.length;
        down.write(out);
        if (cut) {
          up.destroy();
          down.end(() => down.destroy());
        }
      });
      const both = (): void => {
        up.destroy();
        down.destroy();
      };
      up.on('error', both);
      down.on('error', both);
      up.on('close', both);
      down.on('close', both);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const proxyPort = (proxy.address() as net.AddressInfo).port;
    try {
      const p = (pair = await startFaultPair(dir, procs, (masterPort) => {
        masterHa = masterPort + 1;
        return `127.0.0.1:${proxyPort}`;
      }));
      // Enough data for several transfers (haTransferBatchSize 32 KiB) before the slave's first connection.
      await p.masterRouted();
      await until(() => sendNth(p, 'HaCut', 0), 'the first send');
      for (let i = 1; i < 300; i++) assert.ok(await sendNth(p, 'HaCut', i), `send #${i}`);
      await until(() => cutConn >= 0 && (reports[cutConn + 1]?.length ?? 0) > 0, 'the slave reconnected after the cut');
      const slaveLog = fs.readFileSync(path.join(dir, 'slave.log'), 'utf8');
      assert.match(slaveLog, /HAClient close connection with master/);
      const end = await p.maxOffset(p.masterAddr);
      await until(async () => (await p.maxOffset(p.slaveAddr)) === end, 'the slave caught up through the new connection');
      await until(() => sameLogs(path.join(dir, 'master', 'commitlog'), path.join(dir, 'slave', 'commitlog')), 'byte-identical commit logs');
      const resumedAt = reports[cutConn + 1]![0]!;
      const wholes = [...reports.slice(0, cutConn + 1).flatMap((r) => r.slice(0, 1)), ...frameEnds];
      assert.ok(frameEnds.length >= 1, 'at least one whole transfer went through before the cut');
      assert.ok(wholes.includes(resumedAt), `the slave resumed from ${resumedAt}: a whole transfer's end (${wholes.join(', ')}), never inside the cut one`);
    } finally {
      proxy.close();
    }
    passed = true;
  });
});
