import { strict as assert } from 'node:assert';
import { CUSTOMIZED_BACKOFF_MS, DEFAULT_SERVER_SETTINGS, mergeSettings } from './settings';

/** The Telemetry settings answer (Java GrpcClientSettingsManager#mergeProducerData / #mergeSubscriptionData). */
describe('lib/grpc/settings', () => {
  it('producer: the server sets max_body_size and turns message-type validation off; the client backoff stays', () => {
    const backoff = { maxAttempts: 3 };
    const m = mergeSettings({ clientType: 'PRODUCER', backoffPolicy: backoff, publishing: { topics: [{ name: 'T' }] } }, DEFAULT_SERVER_SETTINGS, false);
    assert.deepEqual(m.publishing, { topics: [{ name: 'T' }], maxBodySize: 4 * 1024 * 1024, validateMessageType: false });
    assert.equal(m.backoffPolicy, backoff);
  });

  it('consumer: fifo from the group, batch size, long-polling timeout, retryMaxTimes + 1 attempts over the delay levels', () => {
    const m = mergeSettings({ clientType: 'SIMPLE_CONSUMER', subscription: { group: { name: 'G' }, subscriptions: [] } }, DEFAULT_SERVER_SETTINGS, true) as {
      subscription: Record<string, unknown>; backoffPolicy: { maxAttempts: number; customizedBackoff: { next: unknown[] } };
    };
    assert.equal(m.subscription['fifo'], true);
    assert.equal(m.subscription['receiveBatchSize'], 32);
    assert.deepEqual(m.subscription['longPollingTimeout'], { seconds: 20, nanos: 0 });
    assert.equal(m.backoffPolicy.maxAttempts, 17);
    assert.equal(m.backoffPolicy.customizedBackoff.next.length, CUSTOMIZED_BACKOFF_MS.length);
  });

  it("consumer: the group's own retryMaxTimes sets max_attempts (the push consumer forwards to the DLQ after them)", () => {
    const m = mergeSettings({ clientType: 'PUSH_CONSUMER', subscription: { group: { name: 'G' }, subscriptions: [] } }, DEFAULT_SERVER_SETTINGS, false, 1) as { backoffPolicy: { maxAttempts: number } };
    assert.equal(m.backoffPolicy.maxAttempts, 2);
  });
});
