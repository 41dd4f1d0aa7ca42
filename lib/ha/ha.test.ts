import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { silentLogger } from '../common';
import { MessageStore } from '../store';
import { FaultIO } from '../store/testing/fault-io';
import { testConfig } from '../store/testing/records';
import { fill, logBytes, until } from './testing/ha-store';
import { HA_APPENDS_IN_FLIGHT_MAX, HA_APPEND_BYTES_MAX, HA_QUEUED_BYTES_MAX, HA_TRANSFER_BODY_BYTES_MAX, HaClient } from './client';
import { pino } from 'pino';
import { HA_CONNECTIONS_MAX, HA_READ_AHEAD_BYTES, HaMasterService } from './master';
import { encodeReport, encodeTransferHeader } from './protocol';
import type { HaConfig } from './types';

/** Master service + slave client over loopback (Java: DefaultHAService / DefaultHAConnection / DefaultHAClient). */

const FILE = 64 * 1024;
const cfg: HaConfig = { mappedFileSizeCommitLog: FILE, haSendHeartbeatInterval: 200, haHousekeepingInterval: 2000, haTransferBatchSize: 32 * 1024, haMaxGapNotInSync: 256 * 1024 * 1024 };




describe('lib/ha master + slave over loopback', function () {
  this.timeout(30_000);
  let io: FaultIO;
  let master: MessageStore;
  let slave: MessageStore;
  let svc: HaMasterService;
  let port: number;
  const clients: HaClient[] = [];
  const newClient = (store: MessageStore): HaClient => {
    const c = new HaClient({ store, config: cfg, logger: silentLogger(), reconnectDelayMs: 50 });
    clients.push(c);
    c.updateHaMasterAddress(`127.0.0.1:${port}`);
    c.start();
    return c;
  };

  beforeEach(async () => {
    io = new FaultIO();
    master = await MessageStore.open(testConfig('/m'), { io });
    slave = await MessageStore.open(testConfig('/s', { brokerRole: 'SLAVE' }), { io });
    svc = new HaMasterService(master, cfg, silentLogger());
    port = await svc.start(0, '127.0.0.1');
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.stop();
    await svc.stop();
    await master.shutdown();
    await slave.shutdown();
  });

  it('a slave that reports 0 gets the master\'s log from the start of its last file, then every new byte, byte-identical', async () => {
    await fill(master, 40, 1);
    const max0 = master.getMaxPhyOffset();
    const start = max0 - (max0 % FILE);
    assert.ok(start > 0);
    newClient(slave);
    await until(() => slave.getMaxPhyOffset() === max0, 'catch-up');
    assert.equal(slave.getMinPhyOffset(), start);
    await fill(master, 60, 2);
    svc.wakeup();
    await until(() => slave.getMaxPhyOffset() === master.getMaxPhyOffset(), 'new data');
    assert.ok((await logBytes(slave, start)).equals(await logBytes(master, start)));
    await until(() => svc.connections[0]?.slaveAckOffset === master.getMaxPhyOffset(), 'ack');
    assert.equal(svc.runtimeInfo(master.getMaxPhyOffset()).inSyncSlaveNums, 1);
  });

  it(`HA_READ_AHEAD_BYTES (${HA_READ_AHEAD_BYTES} bytes): one store read serves many haTransferBatchSize transfers, byte-identical`, async () => {
    const small = new HaMasterService(master, { ...cfg, haTransferBatchSize: 1024 }, silentLogger());
    const smallPort = await small.start(0, '127.0.0.1');
    const c = new HaClient({ store: slave, config: cfg, logger: silentLogger(), reconnectDelayMs: 50 });
    try {
      for (let seed = 7; master.getMaxPhyOffset() % FILE < 16 * 1024; seed++) await fill(master, 1, seed);
      const max0 = master.getMaxPhyOffset();
      const start = max0 - (max0 % FILE);
      assert.ok(max0 - start > 10 * 1024, 'the last file holds more than ten transfers');
      c.updateHaMasterAddress(`127.0.0.1:${smallPort}`);
      c.start();
      await until(() => slave.getMaxPhyOffset() === max0, 'catch-up');
      assert.ok((await logBytes(slave, start)).equals(await logBytes(master, start)));
      const conn = small.connections[0]!;
      assert.ok(conn.transferredBytes >= max0 - start);
      assert.ok(conn.storeReads <= 2, `${conn.storeReads} store reads for ${Math.ceil((max0 - start) / 1024)} transfers`);
    } finally {
      c.stop();
      await small.stop();
    }
  });

  it('SYNC_MASTER wait: true once a slave acked the offset, false at the deadline without slaves', async () => {
    assert.equal(await svc.waitForAcks(1, 2, 50), false, 'no slave');
    newClient(slave);
    await fill(master, 5, 3);
    assert.equal(await svc.waitForAcks(master.getMaxPhyOffset(), 2, 5000), true);
  });

  it('garbage on the HA port closes that connection with a log line; other slaves keep replicating', async () => {
    const bad = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => bad.once('connect', r));
    const closed = new Promise((r) => bad.once('close', r));
    bad.write(Buffer.alloc(16, 0xff)); // a negative offset report
    await closed;
    newClient(slave);
    await fill(master, 10, 4);
    svc.wakeup();
    await until(() => slave.getMaxPhyOffset() === master.getMaxPhyOffset(), 'replication after garbage');
  });

  it('a slave fed a frame at the wrong offset closes, reconnects and resumes from its own offset', async () => {
    const fake = net.createServer((s) => s.write(Buffer.concat([encodeTransferHeader(12345, 4), Buffer.from('junk')])));
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
    await fill(master, 3, 5);
    const c = newClient(slave);
    await until(() => slave.getMaxPhyOffset() > 0, 'first bytes');
    c.updateHaMasterAddress(`127.0.0.1:${(fake.address() as net.AddressInfo).port}`);
    await new Promise((r) => setTimeout(r, 300));
    const before = slave.getMaxPhyOffset();
    c.updateHaMasterAddress(`127.0.0.1:${port}`);
    await fill(master, 3, 6);
    svc.wakeup();
    await until(() => slave.getMaxPhyOffset() === master.getMaxPhyOffset(), 'resume');
    assert.ok(before <= master.getMaxPhyOffset());
    fake.close();
  });

  it('two slaves at once, each with its own acked offset', async () => {
    const slave2 = await MessageStore.open(testConfig('/s2', { brokerRole: 'SLAVE' }), { io });
    newClient(slave);
    newClient(slave2);
    await fill(master, 20, 7);
    svc.wakeup();
    await until(() => svc.connections.length === 2 && svc.connections.every((x) => x.slaveAckOffset === master.getMaxPhyOffset()), 'both acks');
    assert.equal(await svc.waitForAcks(master.getMaxPhyOffset(), 3, 1000), true);
    for (const c of clients.splice(1)) c.stop();
    await slave2.shutdown();
  });

  it('a slave whose log is ahead of the master is logged and sent nothing (Java 5.5 neither truncates nor refuses it)', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const loud = new HaMasterService(master, cfg, logger);
    const loudPort = await loud.start(0, '127.0.0.1');
    const ahead = await MessageStore.open(testConfig('/ahead'), { io });
    try {
      await fill(ahead, 10, 8);
      await fill(master, 2, 9);
      const aheadMax = ahead.getMaxPhyOffset();
      const c = new HaClient({ store: ahead, config: cfg, logger: silentLogger(), reconnectDelayMs: 50 });
      clients.push(c);
      c.updateHaMasterAddress(`127.0.0.1:${loudPort}`);
      c.start();
      await until(() => lines.some((l) => l.includes('slave commit log is ahead of the master')), 'the warning');
      await until(() => loud.connections[0]?.nextTransferFromWhere === aheadMax, 'transfer position at the slave offset');
      assert.equal(ahead.getMaxPhyOffset(), aheadMax);
    } finally {
      await loud.stop();
      await ahead.shutdown();
    }
  });

  it(`HA_CONNECTIONS_MAX (${HA_CONNECTIONS_MAX}): one more connection is closed at once, the others stay`, async () => {
    const socks: net.Socket[] = [];
    try {
      for (let i = 0; i < HA_CONNECTIONS_MAX; i++) {
        const s = net.connect({ host: '127.0.0.1', port });
        await new Promise((r) => s.once('connect', r));
        socks.push(s);
      }
      await until(() => svc.connections.length === HA_CONNECTIONS_MAX, 'all accepted');
      const extra = net.connect({ host: '127.0.0.1', port });
      await new Promise((r) => extra.once('close', r));
      assert.equal(svc.connections.length, HA_CONNECTIONS_MAX);
    } finally {
      for (const s of socks) s.destroy();
    }
  });

  it('haHousekeepingInterval: a slave that stops reporting is disconnected', async () => {
    const quick = new HaMasterService(master, { ...cfg, haHousekeepingInterval: 300 }, silentLogger());
    const quickPort = await quick.start(0, '127.0.0.1');
    const s = net.connect({ host: '127.0.0.1', port: quickPort });
    try {
      await new Promise((r) => s.once('connect', r));
      s.write(encodeReport(0));
      s.on('data', () => undefined);
      await new Promise((r) => s.once('close', r));
      assert.equal(quick.connections.length, 0);
    } finally {
      s.destroy();
      await quick.stop();
    }
  });

  it(`HA_QUEUED_BYTES_MAX (${HA_QUEUED_BYTES_MAX} bytes): a slave whose store is slow stops reading instead of buffering without bound`, async () => {
    let written = 0;
    const flood = net.createServer((s) => {
      const body = Buffer.alloc(1024 * 1024, 1);
      const pump = (): void => {
        while (written < 64 * 1024 * 1024) {
          const ok = s.write(Buffer.concat([encodeTransferHeader(written, body.length), body]));
          written += body.length;
          if (!ok) return void s.once('drain', pump);
        }
      };
      s.on('error', () => undefined);
      pump();
    });
    await new Promise<void>((r) => flood.listen(0, '127.0.0.1', () => r()));
    const stuck = { getMaxPhyOffset: () => 0, replica: { read: async () => undefined, append: () => new Promise<never>(() => undefined) } };
    const c = new HaClient({ store: stuck, config: cfg, logger: silentLogger(), reconnectDelayMs: 50 });
    try {
      c.updateHaMasterAddress(`127.0.0.1:${(flood.address() as net.AddressInfo).port}`);
      c.start();
      await until(() => c.queuedBytesNow > HA_QUEUED_BYTES_MAX, 'the queue to fill');
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(c.queuedBytesNow <= HA_QUEUED_BYTES_MAX + HA_TRANSFER_BODY_BYTES_MAX, `${c.queuedBytesNow} queued`);
      assert.ok(written < 64 * 1024 * 1024, 'the master was held back by TCP');
    } finally {
      c.stop();
      flood.close();
    }
  });
  it(`HA_APPEND_BYTES_MAX (${HA_APPEND_BYTES_MAX} bytes), HA_APPENDS_IN_FLIGHT_MAX (${HA_APPENDS_IN_FLIGHT_MAX}): at most that many appends in flight; contiguous transfers queued behind them go to the store joined, in order, up to the limit`, async () => {
    const CHUNK = 64 * 1024;
    const N = 41;
    const frame = (i: number): Buffer => Buffer.concat([encodeTransferHeader(i * CHUNK, CHUNK), Buffer.alloc(CHUNK, i)]);
    let sock: net.Socket | undefined;
    const flood = net.createServer((s) => {
      s.on('error', () => undefined);
      sock = s;
      s.write(frame(0));
    });
    await new Promise<void>((r) => flood.listen(0, '127.0.0.1', () => r()));
    const calls: { phy: number; data: Buffer }[] = [];
    let end = 0;
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const store = {
      getMaxPhyOffset: () => end,
      replica: {
        read: async () => undefined,
        append: async (phy: number, data: Buffer) => {
          calls.push({ phy, data: Buffer.from(data) });
          if (calls.length <= HA_APPENDS_IN_FLIGHT_MAX) await held;
          end = phy + data.length;
          return { ok: true as const };
        },
      },
    };
    const c = new HaClient({ store, config: cfg, logger: silentLogger(), reconnectDelayMs: 50 });
    try {
      c.updateHaMasterAddress(`127.0.0.1:${(flood.address() as net.AddressInfo).port}`);
      c.start();
      // Each held append gets one transfer; the rest arrive once HA_APPENDS_IN_FLIGHT_MAX are in flight.
      for (let i = 1; i < HA_APPENDS_IN_FLIGHT_MAX; i++) {
        await until(() => calls.length === i, `append ${i}`);
        sock!.write(frame(i));
      }
      await until(() => calls.length === HA_APPENDS_IN_FLIGHT_MAX, 'the appends in flight');
      const first = HA_APPENDS_IN_FLIGHT_MAX;
      sock!.write(Buffer.concat(Array.from({ length: N - first }, (_, i) => frame(i + first))));
      await until(() => c.queuedBytesNow === (N - first) * CHUNK, 'every other transfer queued behind the appends in flight');
      assert.equal(calls.length, HA_APPENDS_IN_FLIGHT_MAX, 'no append beyond HA_APPENDS_IN_FLIGHT_MAX while they are held');
      release();
      await until(() => end === N * CHUNK, 'everything appended');
      const per = HA_APPEND_BYTES_MAX / CHUNK;
      assert.deepEqual(calls.map((x) => x.data.length / CHUNK), [...Array.from({ length: first }, () => 1), per, per, N - first - 2 * per]);
      let at = 0;
      for (const x of calls) {
        assert.equal(x.phy, at, 'each append starts where the previous ended');
        for (let k = 0; k < x.data.length / CHUNK; k++) assert.equal(x.data[k * CHUNK], (at / CHUNK + k) % 256, 'transfers joined in order');
        at += x.data.length;
      }
      assert.equal(c.appendCalls, calls.length);
      assert.equal(c.inFlightPeak, HA_APPENDS_IN_FLIGHT_MAX);
    } finally {
      c.stop();
      flood.close();
    }
  });

  it('rule (Java FlowMonitor): transferredByteInSecond is the bytes moved in the last complete second, master and slave alike', async () => {
    await fill(master, 40, 5);
    let t = 1_000_000;
    const now = (): number => t;
    const m = new HaMasterService(master, cfg, silentLogger(), now);
    const mport = await m.start(0, '127.0.0.1');
    const c = new HaClient({ store: slave, config: cfg, logger: silentLogger(), now, reconnectDelayMs: 50 });
    try {
      c.updateHaMasterAddress(`127.0.0.1:${mport}`);
      c.start();
      await until(() => slave.getMaxPhyOffset() === master.getMaxPhyOffset(), 'slave caught up');
      const conn = m.connections[0]!;
      assert.equal(m.runtimeInfo(master.getMaxPhyOffset()).haConnectionInfo[0]!.transferredByteInSecond, 0, 'the first second has not ended');
      assert.equal(c.runtimeInfo().haClientRuntimeInfo.transferredByteInSecond, 0);
      t += 1000;
      const sent = m.runtimeInfo(master.getMaxPhyOffset()).haConnectionInfo[0]!.transferredByteInSecond;
      const max = master.getMaxPhyOffset();
      const body = max - (max - (max % FILE));
      assert.ok(body > 0);
      assert.equal(sent, conn.transferredBytes, 'the master counts header and body of every transfer written in that second');
      assert.ok(sent >= body && (sent - body) % 12 === 0, 'body bytes plus 12-byte headers');
      assert.equal(c.runtimeInfo().haClientRuntimeInfo.transferredByteInSecond, sent, 'the slave counts every byte it read: the same bytes');
      t += 1000;
      assert.equal(c.runtimeInfo().haClientRuntimeInfo.transferredByteInSecond, 0, 'an idle second reads 0');
    } finally {
      c.stop();
      await m.stop();
    }
  });
});
