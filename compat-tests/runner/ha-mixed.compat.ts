/**
 * Issue 13, mixed replication with real processes (at most one Java process at a time, loopback only):
 *  - a Java 5.5.0 master (Apache dist) with an Apogee SLAVE (mqbroker, haMasterAddress = the Java HA port);
 *  - an Apogee master (`apogee start`) with a Java 5.5.0 SLAVE (haMasterAddress = Apogee's HA port, listenPort+1).
 * Sends of mixed sizes cross several commit log files (mappedFileSizeCommitLog 256 KiB); then the slave's commit
 * log equals the master's byte for byte (Java preallocates the next files: a file present on one side only must be
 * all zeros).
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { RocketClient } from '../../lib/client';
import { createLogger, silentLogger } from '../../lib/common';
import { stopChild } from '../../lib/common/testing/child';
import { ApacheBroker } from './apache';
import { ApogeeProcess } from './apogee';
import { Mqadmin } from './mqadmin';
import { repoRoot } from './paths';
import { freeBrokerPorts } from './ports';
import { RunContext } from './run';

const FILE = 256 * 1024;
const SENDS = 400;

/** Every commit log file on both sides is equal, or all zeros when on one side only. */
function sameLogs(a: string, b: string): boolean {
  if (!fs.existsSync(a) || !fs.existsSync(b)) return false;
  const names = new Set([...fs.readdirSync(a), ...fs.readdirSync(b)]);
  let common = 0;
  for (const n of names) {
    const fa = path.join(a, n);
    const fb = path.join(b, n);
    if (fs.existsSync(fa) && fs.existsSync(fb)) {
      if (!fs.readFileSync(fa).equals(fs.readFileSync(fb))) return false;
      common++;
    } else {
      const only = fs.readFileSync(fs.existsSync(fa) ? fa : fb);
      if (only.some((x) => x !== 0)) return false;
    }
  }
  return common >= 3;
}

async function until(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function untilAsync(cond: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await cond().catch(() => false)) return;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function sendMixed(namesrvAddr: string, topic: string): Promise<number> {
  const client = new RocketClient({ namesrvAddr, logger: silentLogger(), timeoutMs: 10_000 });
  let bytes = 0;
  try {
    for (let i = 0; i < SENDS; i++) {
      const body = Buffer.alloc(1 + ((i * 7919) % 3000), 97 + (i % 26));
      bytes += body.length;
      let r;
      for (let attempt = 0; ; attempt++) {
        r = await client.send(topic, body, { queueId: i % 4 }).catch((e: Error) => ({ code: -1, remark: e.message }));
        if (r.code === ResponseCode.SUCCESS || attempt > 20) break;
        await new Promise((res) => setTimeout(res, 500)); // the topic's route appears once it is registered
      }
      assert.equal(r.code, ResponseCode.SUCCESS, `send #${i}: ${r.remark}`);
    }
  } finally {
    client.close();
  }
  return bytes;
}

describe('compat: HA replication between Apogee and Java 5.5.0, both ways', function () {
  this.timeout(10 * 60_000);
  let ctx: RunContext;
  before(() => {
    ctx = RunContext.create({ logger: createLogger({ name: 'compat', fd: 2, level: 'warn' }) });
  });

  it('Java 5.5.0 master -> Apogee slave: byte-identical commit logs', async () => {
    const dir = ctx.subdir('ha-java-master');
    const ns = await ApogeeProcess.start(ctx, { dir: path.join(dir, 'ns'), name: 'apogee-ns/ha', namesrvOnly: true });
    let java: ApacheBroker | undefined;
    let slave: ChildProcess | undefined;
    try {
      java = await ApacheBroker.start(ctx, { version: '5.5.0', dir: path.join(dir, 'java-master'), namesrvAddr: ns.namesrvAddr, name: 'apache-5.5.0/ha-master', config: { mappedFileSizeCommitLog: FILE } });
      const ports = await freeBrokerPorts();
      const slaveStore = path.join(dir, 'apogee-slave', 'store');
      fs.mkdirSync(path.dirname(slaveStore), { recursive: true });
      const conf = path.join(dir, 'apogee-slave', 'broker.conf');
      fs.writeFileSync(conf, ['brokerRole=SLAVE', 'brokerId=1', `listenPort=${ports.listenPort}`, `storePathRootDir=${slaveStore}`, `mappedFileSizeCommitLog=${FILE}`,
        `haMasterAddress=127.0.0.1:${java.ports.haListenPort}`, 'brokerIP1=127.0.0.1', 'bindAddress=127.0.0.1', ''].join('\n'));
      const log = fs.openSync(path.join(dir, 'apogee-slave', 'slave.log'), 'a');
      slave = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'lib', 'bin', 'mqbroker.js'), '-c', conf, '-n', ns.namesrvAddr], { stdio: ['ignore', log, log], env: { ...process.env, APOGEE_LOG_LEVEL: 'info' } });
      // Java's rule: a slave reporting 0 gets the master's last file only; connect before the sends to get them all.
      const probe = new RocketClient({ namesrvAddr: ns.namesrvAddr, logger: silentLogger(), timeoutMs: 5000 });
      const masterAddr = java.addr;
      try {
        await untilAsync(async () => {
          const r = await probe.call(masterAddr, RequestCode.GET_BROKER_HA_STATUS);
          return r.code === ResponseCode.SUCCESS && (JSON.parse(r.body!.toString()) as { haConnectionInfo: unknown[] }).haConnectionInfo.length === 1;
        }, 'the Apogee slave connected to the Java master');
      } finally {
        probe.close();
      }
      const bytes = await sendMixed(ns.namesrvAddr, 'HaMixedJ');
      assert.ok(bytes > 2 * FILE);
      await until(() => sameLogs(path.join(java!.storeDir, 'commitlog'), path.join(slaveStore, 'commitlog')), 'the Apogee slave equals the Java master');
    } finally {
      await stopChild(slave);
      await java?.stop();
      await ns.stop();
    }
  });

  it('Apogee master -> Java 5.5.0 slave: byte-identical commit logs', async () => {
    const dir = ctx.subdir('ha-apogee-master');
    const master = await ApogeeProcess.start(ctx, { dir: path.join(dir, 'apogee'), name: 'apogee/ha-master', brokerConfig: { mappedFileSizeCommitLog: FILE } });
    let java: ApacheBroker | undefined;
    try {
      const haPort = Number(master.brokerAddr.split(':')[1]) + 1;
      java = await ApacheBroker.start(ctx, {
        version: '5.5.0',
        dir: path.join(dir, 'java-slave'),
        namesrvAddr: master.namesrvAddr,
        name: 'apache-5.5.0/ha-slave',
        // No haMasterAddress: the 5.5.0 slave given one still logged "HAClient connect to master null" here; it
        // learns the HA address from the NameServer's register answer (Apogee's master registers brokerIP2:haPort).
        config: { brokerRole: 'SLAVE', brokerId: 1, mappedFileSizeCommitLog: FILE },
      });
      const javaAddr = java.addr;
      const probe = new RocketClient({ namesrvAddr: master.namesrvAddr, logger: silentLogger(), timeoutMs: 5000 });
      try {
        await untilAsync(async () => {
          const r = await probe.call(master.brokerAddr, RequestCode.GET_BROKER_HA_STATUS);
          return r.code === ResponseCode.SUCCESS && (JSON.parse(r.body!.toString()) as { haConnectionInfo: unknown[] }).haConnectionInfo.length === 1;
        }, `the Java slave ${javaAddr} connected to the Apogee master's HA port ${haPort}`);
      } finally {
        probe.close();
      }
      const bytes = await sendMixed(master.namesrvAddr, 'HaMixedA');
      assert.ok(bytes > 2 * FILE);
      const javaStore = java.storeDir;
      await until(() => sameLogs(path.join(master.dataDir, 'store', 'commitlog'), path.join(javaStore, 'commitlog')), 'the Java slave equals the Apogee master');
    } finally {
      await java?.stop();
      await master.stop();
    }
  });

  it('official mqadmin 5.5.0 haStatus reads an Apogee master and an Apogee slave (GET_BROKER_HA_STATUS)', async () => {
    const dir = ctx.subdir('ha-mqadmin');
    const master = await ApogeeProcess.start(ctx, { dir: path.join(dir, 'apogee'), name: 'apogee/ha-status', brokerConfig: { mappedFileSizeCommitLog: FILE } });
    let slave: ChildProcess | undefined;
    try {
      const ports = await freeBrokerPorts();
      const slaveStore = path.join(dir, 'apogee-slave', 'store');
      fs.mkdirSync(path.dirname(slaveStore), { recursive: true });
      const conf = path.join(dir, 'apogee-slave', 'broker.conf');
      fs.writeFileSync(conf, ['brokerRole=SLAVE', 'brokerId=1', `listenPort=${ports.listenPort}`, `storePathRootDir=${slaveStore}`, `mappedFileSizeCommitLog=${FILE}`,
        `haMasterAddress=127.0.0.1:${Number(master.brokerAddr.split(':')[1]) + 1}`, 'brokerIP1=127.0.0.1', 'bindAddress=127.0.0.1', ''].join('\n'));
      const log = fs.openSync(path.join(dir, 'apogee-slave', 'slave.log'), 'a');
      slave = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'lib', 'bin', 'mqbroker.js'), '-c', conf, '-n', master.namesrvAddr], { stdio: ['ignore', log, log], env: { ...process.env, APOGEE_LOG_LEVEL: 'info' } });
      const probe = new RocketClient({ namesrvAddr: master.namesrvAddr, logger: silentLogger(), timeoutMs: 5000 });
      try {
        await untilAsync(async () => {
          const r = await probe.call(master.brokerAddr, RequestCode.GET_BROKER_HA_STATUS);
          return r.code === ResponseCode.SUCCESS && (JSON.parse(r.body!.toString()) as { inSyncSlaveNums: number }).inSyncSlaveNums === 1;
        }, 'the slave in sync');
      } finally {
        probe.close();
      }
      const admin = new Mqadmin(ctx, { namesrvAddr: master.namesrvAddr, dir: path.join(dir, 'mqadmin') });
      const m = await admin.run('haStatus', ['-b', master.brokerAddr]);
      assert.equal(m.exitCode, 0, m.stderr);
      assert.match(m.stdout, /#SlaveNum\s+1/);
      assert.match(m.stdout, /#InSyncSlaveNum\s+1/);
      const sl = await admin.run('haStatus', ['-b', `127.0.0.1:${ports.listenPort}`]);
      assert.equal(sl.exitCode, 0, sl.stderr);
      assert.match(sl.stdout, new RegExp(`#MasterAddr\\s+127\\.0\\.0\\.1:${Number(master.brokerAddr.split(':')[1]) + 1}`));
    } finally {
      await stopChild(slave);
      await master.stop();
    }
  });
});
