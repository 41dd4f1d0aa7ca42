import { strict as assert } from 'node:assert';
import { RECEIVE_POLL_MAX_MS, RECEIVE_POLL_MIN_MS, receivePollingMs } from './polling';

describe('grpc/polling: ReceiveMessage long-polling time (Java ReceiveMessageActivity#receiveMessage)', () => {
  it('without long_polling_timeout: time left minus half the client request timeout (Go client: 8 s deadline, 3 s timeout -> 6.5 s)', () => {
    assert.equal(receivePollingMs(undefined, 8_000, 3_000), 6_500);
  });

  it('a requested long_polling_timeout is used as is within [min, max]', () => {
    assert.equal(receivePollingMs(15_000, 30_000, 3_000), 15_000);
  });

  it('clamps to RECEIVE_POLL_MIN_MS and RECEIVE_POLL_MAX_MS', () => {
    assert.equal(receivePollingMs(1_000, 30_000, 3_000), RECEIVE_POLL_MIN_MS);
    assert.equal(receivePollingMs(60_000, 90_000, 3_000), RECEIVE_POLL_MAX_MS);
    assert.equal(receivePollingMs(undefined, 90_000, 3_000), RECEIVE_POLL_MAX_MS);
  });

  it('a poll longer than the time left shrinks to the time left when that is at least the minimum', () => {
    assert.equal(receivePollingMs(20_000, 7_000, 3_000), 7_000);
    assert.equal(receivePollingMs(undefined, 5_500, 3_000), RECEIVE_POLL_MIN_MS, '4 s raised to the minimum, which fits in 5.5 s');
  });

  it('under the minimum left: polls for what is left, never negative (Java would refuse with ILLEGAL_POLLING_TIME)', () => {
    assert.equal(receivePollingMs(undefined, RECEIVE_POLL_MIN_MS - 1, 3_000), RECEIVE_POLL_MIN_MS - 1);
    assert.equal(receivePollingMs(20_000, -50, 3_000), 0);
  });
});
