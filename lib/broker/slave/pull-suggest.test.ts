import { strict as assert } from 'node:assert';
import { ResponseCode } from '../../../protocol/codes';
import { pullSuggestion, type PullSuggestInput } from './pull-suggest';

/** Java PullMessageProcessor#composeResponseHeader and DefaultPullMessageResultHandler (PULL_OFFSET_MOVED). */
describe('lib/broker/slave pullSuggestion (suggestWhichBrokerId)', () => {
  const master: PullSuggestInput = {
    code: ResponseCode.SUCCESS,
    found: true,
    suggestPullingFromSlave: false,
    slaveReadEnable: false,
    brokerId: 0,
    isSlaveRole: false,
    offsetCheckInSlave: false,
    groupBrokerId: 0,
    groupWhichBrokerWhenConsumeSlowly: 1,
  };
  const slave: PullSuggestInput = { ...master, brokerId: 1, isSlaveRole: true, slaveReadEnable: true };

  it('slaveReadEnable=false (default): a master always suggests itself, even when the data is not in memory', () => {
    assert.deepEqual(pullSuggestion({ ...master, suggestPullingFromSlave: true }), { code: ResponseCode.SUCCESS, suggestWhichBrokerId: 0 });
  });

  it('slaveReadEnable=true: data not in memory -> whichBrokerWhenConsumeSlowly; else the group brokerId', () => {
    assert.equal(pullSuggestion({ ...master, slaveReadEnable: true, suggestPullingFromSlave: true }).suggestWhichBrokerId, 1);
    assert.equal(pullSuggestion({ ...master, slaveReadEnable: true, groupWhichBrokerWhenConsumeSlowly: 2, suggestPullingFromSlave: true }).suggestWhichBrokerId, 2);
    assert.equal(pullSuggestion({ ...master, slaveReadEnable: true }).suggestWhichBrokerId, 0);
  });

  it('a slave sends the client back to the master; anything but FOUND becomes PULL_RETRY_IMMEDIATELY', () => {
    assert.deepEqual(pullSuggestion(slave), { code: ResponseCode.SUCCESS, suggestWhichBrokerId: 0 });
    assert.deepEqual(pullSuggestion({ ...slave, code: ResponseCode.PULL_NOT_FOUND, found: false }), { code: ResponseCode.PULL_RETRY_IMMEDIATELY, suggestWhichBrokerId: 0 });
  });

  it('a slave whose own store suggests the slave keeps the client (whichBrokerWhenConsumeSlowly)', () => {
    assert.deepEqual(pullSuggestion({ ...slave, suggestPullingFromSlave: true, code: ResponseCode.PULL_NOT_FOUND, found: false }), { code: ResponseCode.PULL_NOT_FOUND, suggestWhichBrokerId: 1 });
  });

  it('PULL_OFFSET_MOVED on a slave without offsetCheckInSlave: no correction, PULL_RETRY_IMMEDIATELY to the group brokerId', () => {
    const moved = { ...slave, code: ResponseCode.PULL_OFFSET_MOVED, found: false, suggestPullingFromSlave: true };
    assert.deepEqual(pullSuggestion(moved), { code: ResponseCode.PULL_RETRY_IMMEDIATELY, suggestWhichBrokerId: 0 });
    assert.equal(pullSuggestion({ ...moved, offsetCheckInSlave: true }).code, ResponseCode.PULL_OFFSET_MOVED);
    assert.equal(pullSuggestion({ ...master, code: ResponseCode.PULL_OFFSET_MOVED, found: false }).code, ResponseCode.PULL_OFFSET_MOVED);
  });
});
