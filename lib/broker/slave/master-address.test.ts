import { strict as assert } from 'node:assert';
import { silentLogger } from '../../common';
import { MasterAddress } from './master-address';

/** Java BrokerController#handleRegisterBrokerResult: the first answer counts; HA address only for a slave. */
describe('lib/broker/slave MasterAddress (Java handleRegisterBrokerResult)', () => {
  it('a slave takes masterAddr and haServerAddr from the first answer of a round and tells its listeners once per change', () => {
    const m = new MasterAddress(true, silentLogger());
    const seen: [string | null, string][] = [];
    m.onMasterChanged((a, ha) => seen.push([a, ha]));
    m.handleRegisterResults([
      { masterAddr: '10.0.0.1:10911', haServerAddr: '10.0.0.1:10912' },
      { masterAddr: '10.0.0.9:10911', haServerAddr: '10.0.0.9:10912' },
    ]);
    assert.equal(m.masterAddr, '10.0.0.1:10911');
    assert.equal(m.haMasterAddr, '10.0.0.1:10912');
    m.handleRegisterResults([{ masterAddr: '10.0.0.1:10911', haServerAddr: '10.0.0.1:10912' }]);
    assert.deepEqual(seen, [['10.0.0.1:10911', '10.0.0.1:10912']], 'no second call for the same address');
    m.handleRegisterResults([{ masterAddr: '10.0.0.2:10911', haServerAddr: '10.0.0.2:10912' }]);
    assert.deepEqual(seen.at(-1), ['10.0.0.2:10911', '10.0.0.2:10912']);
  });

  it('an answer without a master clears the sync master but keeps the HA address (Java only updates HA when haServerAddr != null)', () => {
    const m = new MasterAddress(true, silentLogger());
    m.handleRegisterResults([{ masterAddr: 'm:1', haServerAddr: 'm:2' }]);
    m.handleRegisterResults([{ masterAddr: undefined, haServerAddr: undefined }]);
    assert.equal(m.masterAddr, null);
    assert.equal(m.haMasterAddr, 'm:2');
  });

  it('a late listener is replayed the current address; a round with no answer changes nothing', () => {
    const m = new MasterAddress(true, silentLogger());
    m.handleRegisterResults([{ masterAddr: 'm:1', haServerAddr: 'm:2' }]);
    m.handleRegisterResults([]);
    const seen: string[] = [];
    m.onMasterChanged((_a, ha) => seen.push(ha));
    assert.deepEqual(seen, ['m:2']);
  });

  it('a master never calls the HA listeners (updateMasterHAServerAddrPeriodically is false)', () => {
    const m = new MasterAddress(false, silentLogger());
    let calls = 0;
    m.onMasterChanged(() => calls++);
    m.handleRegisterResults([{ masterAddr: 'x:1', haServerAddr: 'x:2' }]);
    assert.equal(calls, 0);
  });
});
