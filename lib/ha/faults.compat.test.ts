import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RequestCode } from '../../protocol/codes';
import { RocketClient } from '../client';
import { silentLogger } from '../common';
import { stopChild as stop } from '../common/testing/child';
import { freeBrokerPort, freePort } from '../remoting/testing/ports';

/**
 * A master restarted with a shorter log than its slave, with real processes (slow: run by the compat mocha config):
 * an Apogee NameServer, ASYNC_MASTER and SLAVE; the slave catches up; the master is stopped, its store lost (a
 * replaced disk: the store directory removed) and started again on the same ports, then takes new messages until
 * its log passes the slave's. The master logs that the slave is ahead (as Java 5.5 DefaultHAConnection, it does
 * not truncate the slave); the slave keeps its log byte for byte and refuses the master's bytes that do not start
 * a record where its log ends (Java 5.5's DefaultHAClient would append them: a corrupt slave), logging why.
 * The in-process variants, with the cut mid-frame and disk-full cases, are lib/ha/faults.test.ts.
 */
const BIN = path.join(__dirname, '..', 'bin');
const FILE = 1024 * 1024;

function run(dir: string, args: string[], log: string): ChildProcess {
  const fd = fs.openSync(path.join(dir, log), 'a');
  return spawn(process.execPath, args, { stdio: ['ignore', fd, fd], env: { ...process.env, APOGEE_LOG_LEVEL: 'info' } });
}

async function until(cond: () => Promise<boolean> | boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await Promise.resolve().then(cond).catch(() => false)) return;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('lib/ha faults with real processes: a master restarted with a shorter log than its slave', function () {
  this.timeout(300_000);
  const procs: Record<string, ChildProcess | undefined> = {};
  let client: RocketClient | undefined;
  let dir = '';
  let passed = false;
  after(async () => {
    client?.close();
    for (const k of ['slave', 'master', 'ns']) await stop(procs[k]);
    if (dir !== '' && passed) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the master logs the slave ahead; the slave keeps its log and refuses mid-record bytes, logging why', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-ha-short-'));
    const nsPort = await freePort();
    const masterPort = await freeBrokerPort();
    const slavePort = await freeBrokerPort();
    const ns = `127.0.0.1:${nsPort}`;
    const conf = (name: string, lines: string[]): string => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, [...lines, 'brokerIP1=127.0.0.1', `mappedFileSizeCommitLog=${FILE}`, `namesrvAddr=${ns}`, ''].join('\n'));
      return f;
    };
    const masterStore = path.join(dir, 'master');
    const masterConf = conf('master.conf', ['brokerRole=ASYNC_MASTER', `listenPort=${masterPort}`, `storePathRootDir=${masterStore}`]);
    const slaveConf = conf('slave.conf', ['brokerRole=SLAVE', 'brokerId=1', `listenPort=${slavePort}`, `storePathRootDir=${path.join(dir, 'slave')}`,
      `haMasterAddress=127.0.0.1:${masterPort + 1}`, 'haSendHeartbeatInterval=1000']);
    procs.ns = run(dir, [path.join(BIN, 'apogee.js'), 'start', '--noBroker', '--namesrvPort', String(nsPort), '--dataDir', path.join(dir, 'ns')], 'ns.log');
    procs.master = run(dir, [path.join(BIN, 'mqbroker.js'), '-c', masterConf], 'master.log');
    procs.slave = run(dir, [path.join(BIN, 'mqbroker.js'), '-c', slaveConf], 'slave.log');
    client = new RocketClient({ namesrvAddr: ns, logger: silentLogger(), timeoutMs: 10_000 });
    const c = client;
    const masterAddr = `127.0.0.1:${masterPort}`;
    const slaveAddr = `127.0.0.1:${slavePort}`;
    const maxOffset = async (addr: string): Promise<number> => Number(/"commitLogMaxOffset":"(\d+)"/.exec((await c.call(addr, RequestCode.GET_BROKER_RUNTIME_INFO)).body?.toString() ?? '')?.[1] ?? -1);
    const send = async (topic: string, i: number): Promise<boolean> => (await c.send(topic, Buffer.alloc(200 + ((i * 7919) % 1500), 97 + (i % 26))).catch(() => ({ code: -1 }))).code === 0;
    await until(() => send('HaShort', 0), 'the first send');
    for (let i = 1; i < 200; i++) assert.ok(await send('HaShort', i), `send #${i}`);
    const slaveMax = await maxOffset(masterAddr);
    await until(async () => (await maxOffset(slaveAddr)) === slaveMax, 'the slave caught up');
    const slaveFile = path.join(dir, 'slave', 'commitlog', '00000000000000000000');
    const kept = fs.readFileSync(slaveFile);

    // The master comes back with an empty store (its disk replaced) and takes new messages past the slave's end.
    await stop(procs.master);
    fs.rmSync(masterStore, { recursive: true, force: true });
    procs.master = run(dir, [path.join(BIN, 'mqbroker.js'), '-c', masterConf], 'master2.log');
    await until(() => fs.existsSync(path.join(dir, 'master2.log')) && fs.readFileSync(path.join(dir, 'master2.log'), 'utf8').includes('slave commit log is ahead of the master'), 'the restarted master logs the slave ahead');
    for (let i = 0; (await maxOffset(masterAddr)) <= slaveMax + 4096; i++) assert.ok(await send('HaShort2', i), `send #${i} to the restarted master`);
    await until(() => /append refused[^\n]*no record at/.test(fs.readFileSync(path.join(dir, 'slave.log'), 'utf8')), 'the slave refuses bytes that do not start a record');
    assert.equal(await maxOffset(slaveAddr), slaveMax, 'the slave appended nothing');
    assert.ok(fs.readFileSync(slaveFile).equals(kept), 'the slave\'s commit log is unchanged byte for byte');
    passed = true;
  });
});
