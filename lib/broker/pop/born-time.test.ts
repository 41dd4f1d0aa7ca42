import { strict as assert } from 'node:assert';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { decodeMessages } from '../../../protocol/message';
import type { RemotingCommand } from '../../../protocol/command';
import { BrokerHarness } from '../processors/testing/harness';

/**
 * POP_MESSAGE's bornTime as Java 5.5 reads it (PopMessageProcessor#processRequest): 0 means "born now" — the official
 * 5.x proxy (rocketmq-proxy 5.5.0, cluster mode) sends every POP with bornTime 0 — while a real born time older than
 * pollTime + 500 ms is still refused with POLLING_TIMEOUT (PopMessageRequestHeader#isTimeoutTooMuch).
 */
describe('lib/broker/pop POP bornTime 0 (the 5.x proxy)', function () {
  this.timeout(30_000);
  let h: BrokerHarness;

  before(async () => {
    h = await BrokerHarness.start({});
  });
  after(async () => {
    await h.close();
  });

  const pop = (topic: string, group: string, bornTime: number, pollTime: number): Promise<RemotingCommand> =>
    h.call(RequestCode.POP_MESSAGE, { consumerGroup: group, topic, queueId: -1, maxMsgNums: 8, invisibleTime: 5000, pollTime, bornTime, initMode: 1, order: false }, null, { timeoutMs: 20_000 });

  it('bornTime 0 is the time the broker received the request: the message is popped', async () => {
    assert.equal((await h.send('PopBorn1', 'm0', {}, 0)).code, ResponseCode.SUCCESS);
    const r = await pop('PopBorn1', 'PopBornG1', 0, 0);
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    assert.deepEqual(decodeMessages(r.body!).map((m) => m.body.toString()), ['m0']);
  });

  it('bornTime 0 held by long polling is woken by an arriving message', async () => {
    assert.equal((await h.send('PopBorn2', 'first', {}, 0)).code, ResponseCode.SUCCESS);
    assert.equal((await pop('PopBorn2', 'PopBornG2', 0, 0)).code, ResponseCode.SUCCESS);
    const held = pop('PopBorn2', 'PopBornG2', 0, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await h.send('PopBorn2', 'late', {}, 0)).code, ResponseCode.SUCCESS);
    const r = await held;
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    assert.deepEqual(decodeMessages(r.body!).map((m) => m.body.toString()), ['late']);
  });

  it('bornTime 0 held by long polling ends with POLLING_TIMEOUT once pollTime passed', async () => {
    assert.equal((await h.send('PopBorn3', 'only', {}, 0)).code, ResponseCode.SUCCESS);
    assert.equal((await pop('PopBorn3', 'PopBornG3', 0, 0)).code, ResponseCode.SUCCESS);
    const r = await pop('PopBorn3', 'PopBornG3', 0, 300);
    assert.equal(r.code, ResponseCode.POLLING_TIMEOUT, r.remark ?? '');
  });

  it('a real bornTime older than pollTime + 500 ms is still refused', async () => {
    const r = await pop('PopBorn1', 'PopBornG4', Date.now() - 60_000, 0);
    assert.equal(r.code, ResponseCode.POLLING_TIMEOUT);
    assert.match(r.remark ?? '', /timeout too much/);
  });
});
