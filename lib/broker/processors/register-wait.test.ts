import { strict as assert } from 'node:assert';
import { awaitTopicRegistered, CREATED_TOPIC_REGISTER_WAIT_MS_MAX } from './register-wait';

describe('lib/broker/processors/register-wait', () => {
  it('answers once the registration settled (register first, answer after)', async () => {
    let done = false;
    const r = await awaitTopicRegistered({
      registerNow: () =>
        new Promise<void>((resolve) =>
          setImmediate(() => {
            done = true;
            resolve();
          }),
        ),
    });
    assert.equal(r, 'registered');
    assert.ok(done, 'the registration ended before the wait did');
  });

  it('createdTopicRegisterWaitMsMax bounds the wait on a NameServer that never answers', async () => {
    const r = await awaitTopicRegistered({ registerNow: () => new Promise<void>(() => undefined) }, 20);
    assert.equal(r, 'timed-out');
    assert.equal(CREATED_TOPIC_REGISTER_WAIT_MS_MAX, 3000, "the Java clients' default request timeout");
  });
});
