import { strict as assert } from 'node:assert';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { decodeMessages, MessageConst } from '../../../protocol/message';
import type { RemotingCommand } from '../../../protocol/command';
import { BrokerHarness } from '../processors/testing/harness';
import type { InnerMessage } from '../message-build';
import type { Pop } from './index';
import { CK_TAG, parseCheckPoint, type PopCheckPoint } from './records';
import { CK_REWRITE_INTERVALS_SEC, rePutCheckPoint } from './revive';

/**
 * The revive service's re-put of a checkpoint it could not finish (Java PopReviveService#rePutCK): a one-message
 * checkpoint with rePutTimes + 1, its invisible time extended by the next rewrite interval when the old one was due;
 * dropped after CK_REWRITE_INTERVALS_SEC.length re-puts only with skipWhenCKRePutReachMaxTimes.
 */
describe('lib/broker/pop/revive rePutCK', function () {
  this.timeout(60_000);
  const old: PopCheckPoint = { startOffset: 10, popTime: 1000, invisibleTime: 5000, bitMap: 0, num: 3, queueId: 2, topic: 'T', cid: 'G', reviveOffset: 7, queueOffsetDiff: [0, 1, 2], brokerName: 'b' };

  it('a due checkpoint: one message, rePutTimes 1, invisible time + 10 s (the first rewrite interval)', () => {
    const ck = rePutCheckPoint(old, 11, 6000, false)!;
    assert.deepEqual(ck, { startOffset: 11, popTime: 1000, invisibleTime: 15_000, bitMap: 0, num: 1, queueId: 2, topic: 'T', cid: 'G', reviveOffset: 0, queueOffsetDiff: [0], rePutTimes: '1', brokerName: 'b' });
  });

  it('not yet due: the invisible time is kept; later re-puts use later intervals, the last one beyond the table', () => {
    assert.equal(rePutCheckPoint(old, 11, 5999, false)!.invisibleTime, 5000);
    assert.equal(rePutCheckPoint({ ...old, rePutTimes: '3' }, 11, 9e12, false)!.invisibleTime, 5000 + 60_000);
    const last = rePutCheckPoint({ ...old, rePutTimes: String(CK_REWRITE_INTERVALS_SEC.length + 5) }, 11, 9e12, false)!;
    assert.equal(last.invisibleTime, 5000 + 7200_000);
    assert.equal(last.rePutTimes, String(CK_REWRITE_INTERVALS_SEC.length + 6));
  });

  it('skipWhenCKRePutReachMaxTimes drops one re-put CK_REWRITE_INTERVALS_SEC.length times', () => {
    const max = { ...old, rePutTimes: String(CK_REWRITE_INTERVALS_SEC.length) };
    assert.equal(rePutCheckPoint(max, 11, 9e12, true), undefined);
    assert.ok(rePutCheckPoint({ ...old, rePutTimes: String(CK_REWRITE_INTERVALS_SEC.length - 1) }, 11, 9e12, true) !== undefined);
  });

  describe('in the broker', () => {
    let h: BrokerHarness;
    before(async () => {
      h = await BrokerHarness.start({ config: { reviveInterval: 200 } });
    });
    after(async () => {
      await h.close();
    });

    it('a message whose retry put fails gets a re-put checkpoint in the revive queue, and is revived from it later', async () => {
      const pop = (h.broker as unknown as { pop: Pop }).pop;
      const ps = pop.service;
      const realPut = ps.put.bind(ps);
      let refused = 0;
      const ckPuts: PopCheckPoint[] = [];
      ps.put = async (m: InnerMessage): Promise<boolean> => {
        if (m.topic.startsWith('%RETRY%') && refused === 0) {
          refused++;
          return false;
        }
        if (m.topic === ps.reviveTopic && m.get(MessageConst.PROPERTY_TAGS) === CK_TAG) ckPuts.push(parseCheckPoint(Buffer.from(m.body).toString('utf8'))!);
        return realPut(m);
      };
      try {
        const topic = 'RePutT';
        const group = 'RePutG';
        assert.equal((await h.send(topic, 'r0', {}, 0)).code, ResponseCode.SUCCESS);
        const popIt = (invisibleTime: number): Promise<RemotingCommand> =>
          h.call(RequestCode.POP_MESSAGE, { consumerGroup: group, topic, queueId: -1, maxMsgNums: 32, invisibleTime, pollTime: 0, bornTime: Date.now(), initMode: 0, order: false });
        assert.equal((await popIt(1000)).code, ResponseCode.SUCCESS);
        const deadline = Date.now() + 20_000;
        while (ckPuts.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        assert.equal(refused, 1, 'the first revive of r0 was refused');
        assert.equal(ckPuts.length, 2, 'the POP checkpoint, then the re-put one');
        const re = ckPuts[1]!;
        assert.equal(re.rePutTimes, '1');
        assert.equal(re.num, 1);
        assert.equal(re.invisibleTime, 1000 + CK_REWRITE_INTERVALS_SEC[0]! * 1000, 'due already: + 10 s');
        // The re-put checkpoint is due 10 s later; then r0 is revived into the retry topic.
        let back: RemotingCommand | undefined;
        while (back === undefined && Date.now() < deadline + 20_000) {
          const p = await popIt(60_000);
          if (p.code === ResponseCode.SUCCESS) back = p;
          else await new Promise((r) => setTimeout(r, 500));
        }
        assert.ok(back !== undefined, 'r0 revived from the re-put checkpoint');
        const m = decodeMessages(back.body!)[0]!;
        assert.equal(m.body.toString(), 'r0');
        assert.equal(m.reconsumeTimes, 1);
      } finally {
        ps.put = realPut;
      }
    });
  });
});
