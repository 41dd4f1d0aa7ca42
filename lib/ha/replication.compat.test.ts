import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { RocketClient } from '../client';
import { silentLogger } from '../common';
import { freeBrokerPort, freePort } from '../remoting/testing/ports';
import { stopChild as stop } from '../common/testing/child';

/**
 * Replication with real processes (slow: run by the compat mocha config): `apogee start` (NameServer + SYNC_MASTER
 * with inSyncReplicas=2) and `mqbroker` as its SLAVE (haMasterAddress), a small mappedFileSizeCommitLog so that the
 * log crosses several files. Every send is acknowledged after the slave has it; the slave's commit log files equal
 * the master's byte for byte; with the slave stopped a send answers FLUSH_SLAVE_TIMEOUT (Java 5.5: the store never
 * answers SLAVE_NOT_AVAILABLE in default HA mode, CommitLog#handleHA + GroupTransferService); the slave restarted
 * catches up and sends answer SUCCESS again.
 */
const BIN = path.join(__dirname, '..', 'bin');
const FILE = 256 * 1024;

function run(dir: string, args: string[], log: string): ChildProcess {
  const fd = fs.openSync(path.join(dir, log), 'a');
  return spawn(process.execPath, args, { stdio: ['ignore', fd, fd], env: { ...process.env, APOGEE_LOG_LEVEL: 'info' } });
}

async function until(cond: () => Promise<boolean> | boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if (await cond()) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The commit log files of both stores are byte-identical (same names, same bytes). */
function sameLogs(a: string, b: string): boolean {
  const names = fs.readdirSync(a).sort();
  if (names.join() !== fs.readdirSync(b).sort().join()) return false;
  return names.every((n) => fs.readFileSync(path.join(a, n)).equals(fs.readFileSync(path.join(b, n))));
}

describe('lib/ha replication with real processes: Apogee SYNC_MASTER + Apogee SLAVE', function () {
  this.timeout(240_000);
  const procs: { master?: ChildProcess; slave?: ChildProcess } = {};
  let client: RocketClient | undefined;
  let dir = '';
  let passed = false;
  after(async () => {
    client?.close();
    await stop(procs.slave);
    await stop(procs.master);
    // Keep the logs of a failed run for diagnosis.
    if (dir !== '' && passed) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('acknowledged sends across file boundaries reach the slave byte for byte; slave stopped: FLUSH_SLAVE_TIMEOUT; slave back: catch-up and SUCCESS', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-ha-'));
    const nsPort = await freePort();
    const masterPort = await freeBrokerPort();
    const slavePort = await freeBrokerPort();
    const masterConf = path.join(dir, 'master.conf');
    fs.writeFileSync(masterConf, [`brokerRole=SYNC_MASTER`, `inSyncReplicas=2`, `slaveTimeout=1500`, `mappedFileSizeCommitLog=${FILE}`, 'brokerIP1=127.0.0.1', ''].join('\n'));
    const slaveStore = path.join(dir, 'slave', 'store');
    const slaveConf = path.join(dir, 'slave.conf');
    fs.writeFileSync(slaveConf, [`brokerRole=SLAVE`, 'brokerId=1', `listenPort=${slavePort}`, `storePathRootDir=${slaveStore}`, `mappedFileSizeCommitLog=${FILE}`,
      `haMasterAddress=127.0.0.1:${masterPort + 1}`, 'brokerIP1=127.0.0.1', 'haSendHeartbeatInterval=1000', ''].join('\n'));
    const startSlave = (): ChildProcess => run(dir, [path.join(BIN, 'mqbroker.js'), '-c', slaveConf, '-n', `127.0.0.1:${nsPort}`], 'slave.log');
    procs.master = run(dir, [path.join(BIN, 'apogee.js'), 'start', '--dataDir', path.join(dir, 'data'), '--namesrvPort', String(nsPort), '--brokerPort', String(masterPort), '--brokerConfig', masterConf], 'master.log');
    client = new RocketClient({ namesrvAddr: `127.0.0.1:${nsPort}`, logger: silentLogger(), timeoutMs: 10_000 });
    const c = client;
    const masterAddr = `127.0.0.1:${masterPort}`;
    const haStatus = async (): Promise<{ haConnectionInfo: { slaveAckOffset: number }[]; masterCommitLogMaxOffset: number }> => {
      const r = await c.call(masterAddr, RequestCode.GET_BROKER_HA_STATUS);
      assert.equal(r.code, ResponseCode.SUCCESS);
      return JSON.parse(r.body!.toString()) as never;
    };
    await until(async () => (await haStatus()).masterCommitLogMaxOffset >= 0, 'master up');
    procs.slave = startSlave();
    await until(async () => (await haStatus()).haConnectionInfo.length === 1, 'slave connected');

    let bytes = 0;
    for (let i = 0; i < 500; i++) {
      const body = Buffer.alloc(1 + ((i * 7919) % 3000), 97 + (i % 26));
      bytes += body.length;
      const r = await c.send('HaT', body, { queueId: i % 4 });
      assert.equal(r.code, ResponseCode.SUCCESS, `send #${i}: ${r.remark}`);
    }
    assert.ok(bytes > 2 * FILE, 'the log crosses at least two file boundaries');
    const masterLog = path.join(dir, 'data', 'store', 'commitlog');
    const slaveLog = path.join(slaveStore, 'commitlog');
    await until(() => sameLogs(masterLog, slaveLog), 'byte-identical commit logs');
    assert.ok(fs.readdirSync(slaveLog).length >= 3);

    await stop(procs.slave);
    await until(async () => (await haStatus()).haConnectionInfo.length === 0, 'slave gone');
    const r = await c.send('HaT', Buffer.from('while the slave is down'), { queueId: 0 });
    assert.equal(r.code, ResponseCode.FLUSH_SLAVE_TIMEOUT, `${r.code} ${r.remark}`);

    procs.slave = startSlave();
    await until(() => sameLogs(masterLog, slaveLog), 'restarted slave catches up');
    const back = await c.send('HaT', Buffer.from('slave back'), { queueId: 1 });
    assert.equal(back.code, ResponseCode.SUCCESS);
    await until(() => sameLogs(masterLog, slaveLog), 'last message replicated');
    passed = true;
  });
});
