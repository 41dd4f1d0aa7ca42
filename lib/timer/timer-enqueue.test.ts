import { strict as assert } from 'node:assert';
import { MessageConst } from '../../protocol/message';
import { FaultIO } from '../store/testing/fault-io';
import { enqueueRun, type EnqueueContext, type EnqueueItem } from './timer-enqueue';
import { readSlotChain, TimerLog } from './timer-log';
import { TimerWheel } from './timer-wheel';

/**
 * Java doEnqueue for a run of messages in one timerlog write (timer-enqueue.ts): the units and slots it leaves are
 * those of one doEnqueue per message, and a failed write changes nothing.
 */
describe('lib/timer enqueueRun', () => {
  const T0 = 1_700_000_000_000;
  const item = (i: number, dueSec: number, del = false): EnqueueItem => ({
    offsetPy: 1000 + i * 100, sizePy: 100, delayedMs: T0 + dueSec * 1000, queueOffset: i,
    props: new Map([[MessageConst.PROPERTY_REAL_TOPIC, 'T'], ...(del ? [[MessageConst.PROPERTY_TIMER_DEL_UNIQKEY, 'T+k'] as [string, string]] : [])]),
  });
  async function setup(io: FaultIO, fileSize: number): Promise<EnqueueContext> {
    const log = new TimerLog(io, '/s/timerlog', fileSize);
    await log.load();
    const wheel = await TimerWheel.open(io, '/s/timerwheel', 1000, 64);
    return { log, wheel, writeTimeMs: T0, rollWindowSlots: 48, precisionMs: 1000 };
  }
  async function enqueueAll(c: EnqueueContext, items: EnqueueItem[]): Promise<number[]> {
    const runs: number[] = [];
    for (let i = 0; i < items.length; ) {
      const n = await enqueueRun(c, items.slice(i));
      runs.push(n);
      i += n;
    }
    return runs;
  }

  it('rule: units of one slot chain newest to oldest across runs and files; num counts them, a delete marker takes one off', async () => {
    const c = await setup(new FaultIO(), 52 * 4 + 16); // four units per file
    const items = [item(0, 5), item(1, 7), item(2, 5), item(3, 5), item(4, 7), item(5, 5), item(6, 5, true)];
    assert.deepEqual(await enqueueAll(c, items), [4, 3], 'a run stops at the file end');
    const s5 = c.wheel.getSlot(T0 + 5_000);
    const s7 = c.wheel.getSlot(T0 + 7_000);
    assert.equal(s5.num, 4 - 1, 'five units, one of them a delete marker');
    assert.equal(s7.num, 2);
    const chain5 = await readSlotChain(c.log, s5.lastPos, 4096);
    assert.deepEqual(chain5.normal.map((u) => u.offsetPy), [1000, 1200, 1300, 1500]);
    assert.deepEqual(chain5.deletes.map((u) => u.offsetPy), [1600]);
    assert.deepEqual((await readSlotChain(c.log, s7.lastPos, 4096)).normal.map((u) => u.offsetPy), [1100, 1400]);
    assert.equal(s5.firstPos, 0, 'the first unit of the slot');
  });

  it('rule: further than the roll window, a unit is parked in the window (Java doEnqueue, MAGIC_ROLL: its middle when due soon after it, else its edge)', async () => {
    const c = await setup(new FaultIO(), 4096);
    await enqueueAll(c, [item(0, 60), item(1, 100)]); // 48 slots of 1 s: 60 - 48 < 48 / 3, 100 - 48 >= 48 / 3
    for (const [sec, offsetPy] of [[24, 1000], [48, 1100]] as const) {
      const parked = c.wheel.getSlot(T0 + sec * 1000);
      assert.equal(parked.num, 1, `slot +${sec} s`);
      const u = (await readSlotChain(c.log, parked.lastPos, 4096)).normal[0]!;
      assert.deepEqual([u.delayedMs, u.offsetPy, (u.magic & 2) !== 0], [T0 + sec * 1000, offsetPy, true]);
    }
  });

  it('bad input (disk): a failed timerlog write leaves the wheel and the log end as they were; the retry writes the same places', async () => {
    const io = new FaultIO();
    const c = await setup(io, 4096);
    await enqueueAll(c, [item(0, 5)]);
    const before = { slot: c.wheel.getSlot(T0 + 5_000), end: c.log.maxOffset };
    io.failNext({ op: 'write', code: 'EIO', pathIncludes: 'timerlog' });
    await assert.rejects(enqueueRun(c, [item(1, 5), item(2, 6)]), /EIO/);
    assert.deepEqual(c.wheel.getSlot(T0 + 5_000), before.slot);
    assert.equal(c.wheel.getSlot(T0 + 6_000).timeMs, -1);
    assert.equal(c.log.maxOffset, before.end);
    assert.equal(await enqueueRun(c, [item(1, 5), item(2, 6)]), 2);
    assert.deepEqual((await readSlotChain(c.log, c.wheel.getSlot(T0 + 5_000).lastPos, 4096)).normal.map((u) => u.offsetPy), [1000, 1100]);
    assert.equal(c.wheel.getSlot(T0 + 6_000).lastPos, before.end + 52);
  });
});
