import * as assert from 'node:assert/strict';
import { MessageStore } from './message-store';
import { osPageCacheBusyMs } from './put';
import { FaultIO } from './testing/fault-io';
import { decode, makeRecord, testConfig } from './testing/records';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * rule osPageCacheBusyTimeOutMills (Java DefaultMessageStore#isOSPageCacheBusy, HookUtils#checkBeforePutMessage):
 * while a commit log write has been going for longer than the setting (a stalled disk), new puts are refused
 * OS_PAGE_CACHE_BUSY; what was accepted before is still written and acknowledged.
 */
describe('lib/store: a stalled commit log write refuses new puts (osPageCacheBusyTimeOutMills)', () => {
  it("rule osPageCacheBusyMs: busy only above the timeout, and below Java's 10,000,000 ms bound", () => {
    assert.equal(osPageCacheBusyMs(0, 1000), 0);
    assert.equal(osPageCacheBusyMs(1000, 1000), 0, 'at the timeout: not yet');
    assert.equal(osPageCacheBusyMs(1001, 1000), 1001);
    assert.equal(osPageCacheBusyMs(10_000_000, 1000), 0, 'a stale time is not a stall');
  });

  it('puts are refused OS_PAGE_CACHE_BUSY naming the setting while a write is stuck; the puts queued before are written in order, and puts succeed again once it returns', async () => {
    const io = new FaultIO();
    // Every write through the thread pool (inline writes off) takes 400 ms: a disk that stalls.
    const store = await MessageStore.open(testConfig('/s', { osPageCacheBusyTimeOutMills: 100, commitLogWriteInlineBytesMax: 0 }), { io });
    io.writeDelayMs = 400;
    const first = store.putMessage(makeRecord({ topic: 'Pc', body: 'a' }));
    await sleep(20);
    assert.equal(store.isOSPageCacheBusy(), false, 'a write younger than the timeout');
    const queued = store.putMessage(makeRecord({ topic: 'Pc', body: 'b' }));
    await sleep(150);
    assert.equal(store.isOSPageCacheBusy(), true);
    const refused = await store.putMessage(makeRecord({ topic: 'Pc', body: 'c' }));
    assert.equal(refused.status, 'OS_PAGE_CACHE_BUSY');
    assert.match(refused.remark ?? '', /^\[PC_SYNCHRONIZED\]broker busy: a commit log write has taken \d+ ms \(osPageCacheBusyTimeOutMills 100\)$/);
    io.writeDelayMs = 0;
    const [r1, r2] = await Promise.all([first, queued]);
    assert.deepEqual([r1.status, r2.status], ['PUT_OK', 'PUT_OK'], 'accepted before the stall was seen: written and acknowledged');
    assert.equal(store.isOSPageCacheBusy(), false, 'the write returned');
    const r3 = await store.putMessage(makeRecord({ topic: 'Pc', body: 'd' }));
    assert.equal(r3.status, 'PUT_OK');
    assert.deepEqual([r1.queueOffset, r2.queueOffset, r3.queueOffset], [0, 1, 2], 'no hole where the refused put was');
    const got = (await store.getMessage('Pc', 0, 0, 32))!.messages.map((b) => decode(b).body.toString());
    assert.deepEqual(got, ['a', 'b', 'd']);
    await store.shutdown();
  });

  it('with the default (1000 ms), puts during a write that takes 400 ms are accepted', async () => {
    const io = new FaultIO();
    const store = await MessageStore.open(testConfig('/s', { commitLogWriteInlineBytesMax: 0 }), { io });
    assert.equal(store.config.osPageCacheBusyTimeOutMills, 1000, "Java's default");
    io.writeDelayMs = 400;
    const first = store.putMessage(makeRecord({ topic: 'Df', body: 'a' }));
    await sleep(250);
    const second = await store.putMessage(makeRecord({ topic: 'Df', body: 'b' }));
    assert.equal(second.status, 'PUT_OK');
    assert.equal((await first).status, 'PUT_OK');
    io.writeDelayMs = 0;
    await store.shutdown();
  });
});
