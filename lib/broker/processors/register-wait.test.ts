import { strict as assert } from 'node:assert';
import { awaitTopicRegistered, CREATED_TOPIC_REGISTER_WAIT_MS_MAX } from './register-wait';

const durableAtOnce = { flush: (): Promise<void> => Promise.resolve() };

describe('lib/broker/processors/register-wait', () => {
  it('answers once the registration settled (register first, answer after)', async () => {
    let done = false;
    const r = await awaitTopicRegistered({
      topics: durableAtOnce,
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

  it('answers only once the created topic is durable (the journal fsync), even when registration was quicker', async () => {
    let synced = false;
    let release: () => void = () => undefined;
    const flushed = new Promise<void>((resolve) => (release = resolve));
    const wait = awaitTopicRegistered({
      topics: { flush: () => flushed.then(() => void (synced = true)) },
      registerNow: () => Promise.resolve(),
    });
    let settled = false;
    void wait.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(settled, false, 'registered but not yet durable: no answer');
    release();
    assert.equal(await wait, 'registered');
    assert.ok(synced);
  });

  it('a failed journal write does not fail the request (Java ConfigManager#persist logs and goes on)', async () => {
    const r = await awaitTopicRegistered({ topics: { flush: () => Promise.reject(new Error('ENOSPC')) }, registerNow: () => Promise.resolve() });
    assert.equal(r, 'registered');
  });

  it('createdTopicRegisterWaitMsMax bounds the wait on a NameServer that never answers', async () => {
    const r = await awaitTopicRegistered({ topics: durableAtOnce, registerNow: () => new Promise<void>(() => undefined) }, 20);
    assert.equal(r, 'timed-out');
    assert.equal(CREATED_TOPIC_REGISTER_WAIT_MS_MAX, 3000, "the Java clients' default request timeout");
  });
});
