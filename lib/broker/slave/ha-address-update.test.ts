import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { BrokerHarness } from '../processors/testing/harness';

/**
 * haMasterAddress changed at runtime by UPDATE_BROKER_CONFIG (mqadmin updateBrokerConfig -k haMasterAddress): the
 * slave's HA client leaves its master and connects to the new address (lib/broker/ha-wiring.ts
 * applyConfiguredHaMasterAddress). Two listening sockets stand for two masters' HA ports; each records the
 * connections it gets and whether they are still open.
 */
interface FakeMaster {
  server: net.Server;
  port: number;
  sockets: net.Socket[];
  open(): number;
}

async function fakeMaster(): Promise<FakeMaster> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => {
    sockets.push(s);
    s.on('error', () => undefined);
    s.resume(); // read the slave's reports so its close is seen
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return { server, port, sockets, open: () => sockets.filter((s) => !s.destroyed && !s.readableEnded).length };
}

async function until(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('lib/broker slave: haMasterAddress updated at runtime', function () {
  this.timeout(40_000);

  it('UPDATE_BROKER_CONFIG haMasterAddress: the slave closes its HA connection and connects to the new master; a short value hands back to the register answer', async () => {
    const a = await fakeMaster();
    const b = await fakeMaster();
    const h = await BrokerHarness.start({ config: { brokerId: 1 }, store: { brokerRole: 'SLAVE', haMasterAddress: `127.0.0.1:${a.port}` } });
    const update = async (v: string): Promise<void> => {
      const r = await h.call(RequestCode.UPDATE_BROKER_CONFIG, {}, Buffer.from(`haMasterAddress=${v}\n`));
      assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    };
    const ended = (m: FakeMaster): Promise<void> => until(() => m.sockets.length > 0 && m.open() === 0, `the connection to ${m.port} closed`);
    try {
      await until(() => a.open() === 1, 'the slave connected to the configured master A');
      await update(`127.0.0.1:${b.port}`);
      await until(() => b.open() === 1, 'the slave connected to master B');
      await ended(a);
      assert.equal(a.sockets.length, 1, 'A got no new connection');
      const ha = JSON.parse((await h.call(RequestCode.GET_BROKER_HA_STATUS)).body!.toString()) as { haClientRuntimeInfo: { masterAddr: string } };
      assert.equal(ha.haClientRuntimeInfo.masterAddr, `127.0.0.1:${b.port}`, 'haStatus names the new master');
      // A register answer no longer moves a configured slave (Java: updateMasterHAServerAddrPeriodically=false)...
      h.broker.ctx.ha.learnHaMasterAddress(`127.0.0.1:${a.port}`);
      assert.equal(h.broker.ctx.ha.client?.haMasterAddress, `127.0.0.1:${b.port}`);
      // ...until the configured address is cleared: then the last answer learnt is followed again.
      await update('');
      await until(() => a.open() === 1, 'back to A, the register answer');
      await ended(b);
    } finally {
      await h.close();
      for (const m of [a, b]) {
        for (const s of m.sockets) s.destroy();
        m.server.close();
      }
    }
  });
});
