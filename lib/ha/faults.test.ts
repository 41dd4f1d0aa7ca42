import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { pino } from 'pino';
import type { Logger } from '../common';
import { MessageStore } from '../store';
import { FaultIO } from '../store/testing/fault-io';
import { testConfig } from '../store/testing/records';
import { fill, logBytes, until } from './testing/ha-store';
import { HaClient } from './client';
import { HaMasterService } from './master';
import type { HaConfig } from './types';

/**
 * HA fault scenarios over loopback with real sockets and the real master service / client (issue 13 "Bad input and
 * faults"): the connection cut in the middle of a frame, disk full on the slave (FaultIO's ENOSPC, since a real
 * full disk cannot be made here), a master restarted with a shorter log than its slave.
 */
const FILE = 64 * 1024;
const cfg: HaConfig = { mappedFileSizeCommitLog: FILE, haSendHeartbeatInterval: 200, haHousekeepingInterval: 5000, haTransferBatchSize: 32 * 1024, haMaxGapNotInSync: 256 * 1024 * 1024 };
const HEADER = 12;




function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
  return { logger, lines };
}

describe('lib/ha fault scenarios (cut mid-frame, disk full on the slave, master restarted shorter)', function () {
  this.timeout(60_000);
  const closers: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
  });

  async function masterWith(n: number, seed: number, root = '/m'): Promise<{ store: MessageStore; svc: HaMasterService; port: number; lines: string[] }> {
    const store = await MessageStore.open(testConfig(root), { io: new FaultIO() });
    closers.push(() => store.shutdown());
    await fill(store, n, seed, 1);
    const { logger, lines } = capture();
    const svc = new HaMasterService(store, cfg, logger);
    const port = await svc.start(0, '127.0.0.1');
    closers.push(() => svc.stop());
    return { store, svc, port, lines };
  }

  function client(store: MessageStore, port: number): { c: HaClient; lines: string[] } {
    const { logger, lines } = capture();
    const c = new HaClient({ store, config: cfg, logger, reconnectDelayMs: 50 });
    c.updateHaMasterAddress(`127.0.0.1:${port}`);
    c.start();
    closers.push(() => c.stop());
    return { c, lines };
  }

  it('the connection cut in the middle of a frame: the slave appends nothing partial, reconnects from a frame end and ends byte-identical', async () => {
    const m = await masterWith(60, 1);
    // The master's last file holds more than one transfer (the slave reports 0: the transfer starts there).
    for (let seed = 10; m.store.getMaxPhyOffset() % FILE < cfg.haTransferBatchSize + 1000; seed++) await fill(m.store, 1, seed, 1);
    // A proxy between slave and master: the first connection is cut 100 bytes into the second transfer's body.
    const cutAt = 2 * HEADER + cfg.haTransferBatchSize + 100;
    const frameEnds: number[] = [];
    const firstReports: number[] = [];
    let conns = 0;
    const proxy = net.createServer((down) => {
      const n = conns++;
      const up = net.connect({ host: '127.0.0.1', port: m.port });
      let reported = false;
      down.on('data', (b) => {
        if (!reported && b.length >= 8) {
          reported = true;
          firstReports.push(Number(b.readBigInt64BE(0)));
        }
        up.write(b);
      });
      let passed = 0;
      let pending = Buffer.alloc(0);
      up.on('data', (b) => {
        if (n > 0) return void down.write(b);
        const take = Math.min(b.length, cutAt - passed);
        const part = b.subarray(0, take);
        pending = Buffer.concat([pending, part]);
        while (pending.length >= HEADER && pending.length >= HEADER + pending.readInt32BE(8)) {
          const size = pending.readInt32BE(8);
          if (size > 0) frameEnds.push(Number(pending.readBigInt64BE(0)) + size);
          pending = pending.subarray(HEADER + size);
        }
        passed += take;
        down.write(part);
        if (passed >= cutAt) {
          assert.ok(pending.length > HEADER, 'the cut falls inside a frame body');
          down.end(() => down.destroy());
          up.destroy();
        }
      });
      const both = (): void => {
        up.destroy();
        down.destroy();
      };
      up.on('error', both);
      down.on('error', both);
      up.on('close', () => down.end());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    closers.push(() => void proxy.close());
    const slave = await MessageStore.open(testConfig('/s', { brokerRole: 'SLAVE' }), { io: new FaultIO() });
    closers.push(() => slave.shutdown());
    const { c, lines } = client(slave, (proxy.address() as net.AddressInfo).port);
    await until(() => conns >= 2 && firstReports.length >= 2, 'the slave reconnected after the cut', 15_000);
    const start = m.store.getMaxPhyOffset() - (m.store.getMaxPhyOffset() % FILE);
    assert.deepEqual(frameEnds, [start + cfg.haTransferBatchSize], 'one whole transfer went through before the cut');
    assert.ok([start, ...frameEnds].includes(firstReports[1]!), `the slave's offset after the cut (${firstReports[1]}) is a whole transfer's end, never inside the cut one: ${[start, ...frameEnds].join(',')}`);
    assert.ok(lines.some((l) => l.includes('HAClient close connection with master')));
    await until(() => slave.getMaxPhyOffset() === m.store.getMaxPhyOffset(), 'caught up through the new connection', 15_000);
    assert.ok((await logBytes(slave, start)).equals(await logBytes(m.store, start)), 'byte-identical');
    assert.equal(c.stoppedReason, undefined);
  });

  it('disk full on the slave: the failed replicated write stops appends until restart (one error line), the log keeps whole records, and after a restart catch-up is byte-identical', async () => {
    const m = await masterWith(20, 2);
    const start = m.store.getMaxPhyOffset() - (m.store.getMaxPhyOffset() % FILE);
    let io = new FaultIO();
    let slave = await MessageStore.open(testConfig('/s', { brokerRole: 'SLAVE' }), { io });
    let slaveOpen = true;
    closers.push(async () => {
      if (slaveOpen) await slave.shutdown();
    });
    const first = client(slave, m.port);
    await until(() => slave.getMaxPhyOffset() === m.store.getMaxPhyOffset(), 'first catch-up', 15_000);
    const before = slave.getMaxPhyOffset();
    io.failNext({ op: 'write', code: 'ENOSPC', pathIncludes: 'commitlog' });
    await fill(m.store, 20, 3, 1);
    await until(() => first.c.stoppedReason !== undefined, 'replication stopped', 15_000);
    assert.match(first.c.stoppedReason!, /commit log write failed.*until the slave restarts/);
    const errors = first.lines.filter((l) => l.includes('"level":50') && l.includes('a replicated write failed'));
    assert.equal(errors.length, 1, 'one clear error line');
    await until(() => m.svc.connections.length === 0, 'the master sees the slave gone', 15_000);
    const accepted = m.lines.filter((l) => l.includes('accepts a new connection')).length;
    await new Promise((r) => setTimeout(r, 20 * 50)); // twenty reconnect delays
    assert.equal(m.lines.filter((l) => l.includes('accepts a new connection')).length, accepted, 'no reconnect while stopped');
    // No corruption: what the slave holds is the master's bytes, and more appends are refused.
    const held = slave.getMaxPhyOffset();
    assert.ok(held >= before && held < m.store.getMaxPhyOffset());
    assert.ok((await logBytes(slave, start)).equals(await logBytes(m.store, start, held)));
    const again = await slave.replica.append(held, Buffer.alloc(8));
    assert.equal(again.ok, false);
    // "Restart": the process is killed (page cache kept), the store reopened on the same disk, a new client.
    first.c.stop();
    io = io.crash('kill');
    slaveOpen = false;
    slave = await MessageStore.open(testConfig('/s', { brokerRole: 'SLAVE' }), { io });
    slaveOpen = true;
    const second = client(slave, m.port);
    await until(() => slave.getMaxPhyOffset() === m.store.getMaxPhyOffset(), 'catch-up after the restart', 15_000);
    assert.ok((await logBytes(slave, start)).equals(await logBytes(m.store, start)), 'byte-identical after restart');
    assert.equal(second.c.stoppedReason, undefined);
  });

  it('a master restarted with a shorter log than its slave: the master logs it, the slave keeps its log and refuses bytes that do not start a record (Java 5.5 would append them)', async () => {
    const m1 = await masterWith(30, 4);
    const slave = await MessageStore.open(testConfig('/s', { brokerRole: 'SLAVE' }), { io: new FaultIO() });
    closers.push(() => slave.shutdown());
    const start = m1.store.getMaxPhyOffset() - (m1.store.getMaxPhyOffset() % FILE);
    const { c, lines } = client(slave, m1.port);
    await until(() => slave.getMaxPhyOffset() === m1.store.getMaxPhyOffset(), 'caught up with the first master', 15_000);
    const slaveMax = slave.getMaxPhyOffset();
    const kept = await logBytes(slave, start);
    // The "restarted" master: a log that ends before the slave's (its tail lost), then it takes new messages.
    const m2 = await masterWith(25, 5, '/m2');
    assert.ok(m2.store.getMaxPhyOffset() < slaveMax);
    c.updateHaMasterAddress(`127.0.0.1:${m2.port}`);
    await until(() => m2.lines.some((l) => l.includes('slave commit log is ahead of the master')), 'the master logs the slave ahead', 15_000);
    await fill(m2.store, 15, 6, 1);
    assert.ok(m2.store.getMaxPhyOffset() > slaveMax);
    await until(() => lines.some((l) => l.includes('append refused') && l.includes('no record at')), 'the slave refuses bytes from the middle of a record', 15_000);
    assert.equal(slave.getMaxPhyOffset(), slaveMax, 'nothing appended');
    assert.ok((await logBytes(slave, start)).equals(kept), 'the slave\'s log is unchanged');
    assert.equal(c.stoppedReason, undefined, 'the store itself is fine: the client keeps trying');
  });
});
