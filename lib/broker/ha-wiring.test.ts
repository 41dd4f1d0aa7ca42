import * as assert from 'node:assert/strict';
import { silentLogger } from '../common';
import { MessageStore } from '../store';
import { FaultIO } from '../store/testing/fault-io';
import { testConfig } from '../store/testing/records';
import { BrokerHa, checkHaRole } from './ha-wiring';

/** The broker's HA wiring (Java: BrokerStartup role rules, AdminBrokerProcessor#getBrokerHaStatus). */
describe('lib/broker ha-wiring', () => {
  it('rule (Java BrokerStartup): a SLAVE needs brokerId > 0; a master\'s brokerId becomes 0', () => {
    assert.throws(() => checkHaRole({ brokerId: 0, listenPort: 10911 }, { brokerRole: 'SLAVE', haListenPort: 0 }, silentLogger()), /Slave's brokerId must be > 0/);
    assert.doesNotThrow(() => checkHaRole({ brokerId: 2, listenPort: 10911 }, { brokerRole: 'SLAVE', haListenPort: 0 }, silentLogger()));
    const c = { brokerId: 3, listenPort: 10911 };
    const sc = { brokerRole: 'SYNC_MASTER', haListenPort: 0 };
    checkHaRole(c, sc, silentLogger());
    assert.equal(c.brokerId, 0);
    assert.equal(sc.haListenPort, 10912, 'haListenPort 0 means listenPort + 1 (Java BrokerStartup)');
    const kept = { brokerRole: 'ASYNC_MASTER', haListenPort: 20000 };
    checkHaRole({ brokerId: 0, listenPort: 10911 }, kept, silentLogger());
    assert.equal(kept.haListenPort, 20000);
  });

  it('rule (Java registerBrokerAll): without haMasterAddress the register answer\'s haServerAddr is taken', async () => {
    const s = await MessageStore.open(testConfig('/s', { brokerRole: 'SLAVE' }), { io: new FaultIO() });
    const sh = new BrokerHa(s, s.config, silentLogger());
    try {
      sh.learnHaMasterAddress('');
      assert.equal(sh.client?.haMasterAddress, undefined);
      sh.learnHaMasterAddress('127.0.0.1:7');
      assert.equal(sh.client?.haMasterAddress, '127.0.0.1:7');
    } finally {
      await sh.stop();
      await s.shutdown();
    }
  });

  it('GET_BROKER_HA_STATUS body: HARuntimeInfo\'s properties, master and slave side', async () => {
    const io = new FaultIO();
    const m = await MessageStore.open(testConfig('/m'), { io });
    const s = await MessageStore.open(testConfig('/s', { brokerRole: 'SLAVE', haMasterAddress: '127.0.0.1:1' }), { io });
    const mh = new BrokerHa(m, m.config, silentLogger());
    const sh = new BrokerHa(s, s.config, silentLogger());
    await mh.start(0, '127.0.0.1');
    try {
      assert.ok(mh.port > 0);
      assert.equal(sh.isSlave, true);
      const mj = JSON.parse(mh.runtimeInfoJson()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(mj), ['haClientRuntimeInfo', 'haConnectionInfo', 'inSyncSlaveNums', 'master', 'masterCommitLogMaxOffset']);
      assert.equal(mj.master, true);
      const sj = JSON.parse(sh.runtimeInfoJson()) as { master: boolean; haClientRuntimeInfo: Record<string, unknown> };
      assert.equal(sj.master, false);
      assert.equal(sj.haClientRuntimeInfo.masterAddr, '127.0.0.1:1');
      assert.deepEqual(Object.keys(sj.haClientRuntimeInfo), ['activated', 'lastReadTimestamp', 'lastWriteTimestamp', 'masterAddr', 'masterFlushOffset', 'maxOffset', 'transferredByteInSecond']);
      const addr = (): unknown => (JSON.parse(sh.runtimeInfoJson()) as typeof sj).haClientRuntimeInfo.masterAddr;
      sh.learnHaMasterAddress('127.0.0.1:9');
      assert.equal(addr(), '127.0.0.1:1', 'a configured haMasterAddress wins over the register answer (Java)');
      sh.updateHaMasterAddress('127.0.0.1:2');
      assert.equal(addr(), '127.0.0.1:2');
    } finally {
      await mh.stop();
      await sh.stop();
      await m.shutdown();
      await s.shutdown();
    }
  });
});
