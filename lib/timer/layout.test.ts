import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeStoreIO } from '../store';
import * as C from './timer-checkpoint';
import * as L from './timer-log';
import * as M from './timer-metrics';
import * as W from './timer-wheel';

/**
 * Java's byte layouts of the timer files (Java: store/timer/Slot, TimerWheel, TimerLog, TimerCheckpoint,
 * TimerMetrics): the named offsets add up to the sizes Java uses, and the encoders write Java's bytes.
 */
const io = new NodeStoreIO();
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-timer-'));

describe('lib/timer layouts', () => {
  it('timerwheel slot: time, firstPos, lastPos (int64), num, magic (int32) make Java Slot.SIZE 32; 7 days x 2 of slots', () => {
    assert.equal(W.SLOT_FIRST_POS_OFFSET, W.SLOT_TIME_OFFSET + 8);
    assert.equal(W.SLOT_LAST_POS_OFFSET, W.SLOT_FIRST_POS_OFFSET + 8);
    assert.equal(W.SLOT_NUM_OFFSET, W.SLOT_LAST_POS_OFFSET + 8);
    assert.equal(W.SLOT_MAGIC_OFFSET, W.SLOT_NUM_OFFSET + 4);
    assert.equal(W.SLOT_SIZE, W.SLOT_MAGIC_OFFSET + 4);
    assert.equal(W.SLOT_SIZE, 32);
    assert.equal(W.SLOTS_TOTAL * 2 * W.SLOT_SIZE, 38_707_200);
  });

  it('timerlog unit: Java UNIT_SIZE 52, UNIT_PRE_SIZE_FOR_MSG 28, UNIT_PRE_SIZE_FOR_METRIC 40, blank 16 bytes', () => {
    const fields: [number, number][] = [
      [L.UNIT_SIZE_OFFSET, 4],
      [L.UNIT_PREV_POS_OFFSET, 8],
      [L.UNIT_MAGIC_OFFSET, 4],
      [L.UNIT_ENQUEUE_MS_OFFSET, 8],
      [L.UNIT_DELAY_OFFSET, 4],
      [L.UNIT_OFFSET_PY_OFFSET, 8],
      [L.UNIT_SIZE_PY_OFFSET, 4],
      [L.UNIT_TOPIC_HASH_OFFSET, 4],
      [L.UNIT_RESERVED_OFFSET, 8],
    ];
    let at = 0;
    for (const [off, len] of fields) {
      assert.equal(off, at);
      at += len;
    }
    assert.equal(at, L.UNIT_SIZE);
    assert.equal(L.UNIT_SIZE, 52);
    assert.equal(L.UNIT_OFFSET_PY_OFFSET, 28);
    assert.equal(L.UNIT_TOPIC_HASH_OFFSET, 40);
    assert.equal(L.BLANK_MAGIC_OFFSET + 4, L.MIN_BLANK_LEN);
    assert.equal(L.BLANK_ZERO_OFFSET + 8, L.BLANK_MAGIC_OFFSET);
    // 0xBBCCDDEE ^ (1880681586 + 8) as a Java int
    assert.equal(L.BLANK_MAGIC_CODE, -875286124);
  });

  it('timerlog unit bytes: fields big-endian at their offsets; delay stored relative to the enqueue time', () => {
    const b = L.encodeUnit({ prevPos: -1, magic: L.MAGIC_DEFAULT | L.MAGIC_ROLL, enqueueMs: 1_700_000_000_000, delayedMs: 1_700_000_005_000, offsetPy: 4096, sizePy: 300, topicHash: -5 });
    assert.equal(b.readInt32BE(0), 52);
    assert.equal(b.readBigInt64BE(4), -1n);
    assert.equal(b.readInt32BE(12), 3);
    assert.equal(b.readBigInt64BE(16), 1_700_000_000_000n);
    assert.equal(b.readInt32BE(24), 5000);
    assert.equal(b.readBigInt64BE(28), 4096n);
    assert.equal(b.readInt32BE(36), 300);
    assert.equal(b.readInt32BE(40), -5);
    assert.equal(b.readBigInt64BE(44), 0n);
    assert.deepEqual(L.decodeUnit(b), { prevPos: -1, magic: 3, enqueueMs: 1_700_000_000_000, delayedMs: 1_700_000_005_000, offsetPy: 4096, sizePy: 300, topicHash: -5 });
    assert.equal(L.decodeUnit(Buffer.alloc(52)), undefined, 'zeros are no unit');
  });

  it('timercheck: seven int64 in 56 bytes of a 4096-byte file, read back', async () => {
    const offs = [C.CHECK_LAST_READ_TIME_MS_OFFSET, C.CHECK_LAST_TIMER_LOG_FLUSH_POS_OFFSET, C.CHECK_LAST_TIMER_QUEUE_OFFSET_OFFSET, C.CHECK_MASTER_TIMER_QUEUE_OFFSET_OFFSET, C.CHECK_STATE_VERSION_OFFSET, C.CHECK_TIMESTAMP_OFFSET, C.CHECK_COUNTER_OFFSET];
    offs.forEach((o, i) => assert.equal(o, i * 8));
    assert.equal(C.CHECK_CONTENT_SIZE, offs.length * 8);
    const v = { lastReadTimeMs: 1_700_000_001_000, lastTimerLogFlushPos: 520, lastTimerQueueOffset: 7, masterTimerQueueOffset: 8, stateVersion: 0, timestamp: 1_700_000_000_123, counter: 3 };
    const b = C.encodeCheckpoint(v);
    assert.equal(b.readBigInt64BE(0), 1_700_000_001_000n);
    assert.equal(b.readBigInt64BE(24), 8n);
    assert.deepEqual(C.decodeCheckpoint(b), v);
    const dir = tmp();
    const cp = new C.TimerCheckpoint(io, C.checkpointFileName(dir));
    await cp.open();
    assert.equal(cp.existed, false);
    cp.value = { ...v };
    await cp.close();
    assert.equal(fs.statSync(path.join(dir, 'config', 'timercheck')).size, 4096);
    const again = new C.TimerCheckpoint(io, C.checkpointFileName(dir));
    await again.open();
    assert.equal(again.existed, true);
    assert.deepEqual(again.value, v);
    await again.close();
  });

  it("timermetrics: fastjson's field order; persisted with a .bak of the previous file and loaded back", async () => {
    const text = M.encodeMetrics({ counter: 2, stateVersion: 0, timestamp: 5 }, new Map([['T1', { count: 3, timeStamp: 9 }]]));
    assert.equal(text, '{"dataVersion":{"counter":2,"stateVersion":0,"timestamp":5},"timingCount":{"T1":{"count":3,"timeStamp":9}}}');
    assert.deepEqual(Object.keys(JSON.parse(text) as object), [...M.METRICS_TOP_LEVEL_FIELDS]);
    const dir = tmp();
    const m = new M.TimerMetrics(io, M.metricsFileName(dir), () => 100);
    m.add('T1', 1);
    m.add('T1', 1);
    await m.persist();
    m.add('T2', 1);
    await m.persist();
    assert.ok(fs.existsSync(path.join(dir, 'config', 'timermetrics.bak')));
    const back = new M.TimerMetrics(io, M.metricsFileName(dir), () => 200);
    await back.load();
    assert.equal(back.timing('T1'), 2);
    assert.equal(back.timing('T2'), 1);
    assert.equal(back.dataVersion.counter, 3);
  });
});

describe('lib/timer TimerWheel', () => {
  it('a slot belongs to its time only (another lap reads empty); flushed slots survive a reopen', async () => {
    const file = path.join(tmp(), 'timerwheel');
    const w = await W.TimerWheel.open(io, file, 1000, 10);
    const t = 1_700_000_003_000;
    assert.equal(w.getSlot(t).timeMs, -1);
    w.putSlot(t, 52, 104, 2, 0);
    assert.deepEqual(w.getSlot(t + 999), { timeMs: t, firstPos: 52, lastPos: 104, num: 2, magic: 0 });
    assert.equal(w.getSlot(t + 20_000).timeMs, -1, 'same index, next lap');
    assert.equal(w.getAllNum(t - 5000), 2);
    assert.equal(w.checkPhyPos(t - 5000, 100), 52);
    assert.equal(w.checkPhyPos(t - 5000, 104), Number.MAX_SAFE_INTEGER);
    await w.close();
    assert.equal(fs.statSync(file).size, 10 * 2 * 32);
    const r = await W.TimerWheel.open(io, file, 1000, 10);
    assert.deepEqual(r.getSlot(t), { timeMs: t, firstPos: 52, lastPos: 104, num: 2, magic: 0 });
    r.reviseSlot(t, W.IGNORE, 156, true);
    assert.equal(r.getSlot(t).lastPos, 156);
    r.reviseSlot(t + 1000, W.IGNORE, 208, true);
    assert.deepEqual(r.getSlot(t + 1000), { timeMs: t + 1000, firstPos: 208, lastPos: 208, num: 0, magic: 0 });
    await r.close();
  });

  it('rule WHEEL_OCCUPIED_TRACKED_MAX: getAllNum and checkPhyPos visit only set slots, and agree with a slot-by-slot reading of the lap (reopened too)', async () => {
    const file = path.join(tmp(), 'timerwheel');
    const w = await W.TimerWheel.open(io, file, 1000, 50);
    const t0 = 1_700_000_000_000;
    // Slots of this lap, of the next lap and of the previous one, at scattered indexes.
    let seed = 7;
    const rnd = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let k = 0; k < 60; k++) w.putSlot(t0 + (rnd(300) - 100) * 1000, 1000 + rnd(5000), 6000 + rnd(5000), 1 + rnd(9), 0);
    const oracle = (wheel: W.TimerWheel, start: number): { all: number; min: number } => {
      let all = 0;
      let min = Number.MAX_SAFE_INTEGER;
      for (let i = 0; i < 100; i++) {
        const s = wheel.getSlot(start + i * 1000);
        if (s.timeMs === -1) continue;
        all += s.num;
        if (s.lastPos > 8000 && s.firstPos < min) min = s.firstPos;
      }
      return { all, min };
    };
    for (const start of [t0 - 50_000, t0, t0 + 37_000, t0 + 123_500]) {
      const o = oracle(w, start);
      assert.equal(w.getAllNum(start), o.all);
      assert.equal(w.checkPhyPos(start, 8000), o.min);
    }
    await w.close();
    const r = await W.TimerWheel.open(io, file, 1000, 50);
    for (const start of [t0 - 50_000, t0, t0 + 37_000]) assert.equal(r.getAllNum(start), oracle(r, start).all);
    await r.close();
  });

  it('rule WHEEL_OCCUPIED_TRACKED_MAX: past that many set slots the scans read the whole wheel again (same answers)', async () => {
    const file = path.join(tmp(), 'timerwheel');
    const slots = W.WHEEL_OCCUPIED_TRACKED_MAX / 2 + 100;
    const w = await W.TimerWheel.open(io, file, 1000, slots);
    const t0 = 1_700_000_000_000;
    for (let i = 0; i <= W.WHEEL_OCCUPIED_TRACKED_MAX; i++) w.putSlot(t0 + i * 1000, 1, 2, 1, 0);
    assert.equal(w.getAllNum(t0), W.WHEEL_OCCUPIED_TRACKED_MAX + 1);
    assert.equal(w.getAllNum(t0 + 1000), W.WHEEL_OCCUPIED_TRACKED_MAX);
    await w.close();
  });

  it('a wheel file of another length is refused, naming both lengths', async () => {
    const file = path.join(tmp(), 'timerwheel');
    fs.writeFileSync(file, Buffer.alloc(100));
    await assert.rejects(W.TimerWheel.open(io, file, 1000, 10), /Timer wheel length:100 != expected:640/);
  });
});

describe('lib/timer TimerLog', () => {
  it('units never span files: a blank record of the rest, then the next file named by its offset', async () => {
    const dir = tmp();
    const log = new L.TimerLog(io, path.join(dir, 'timerlog'), 200);
    await log.load();
    const u = (i: number): Buffer => L.encodeUnit({ prevPos: i - 1, magic: 1, enqueueMs: 1000, delayedMs: 2000 + i, offsetPy: i * 10, sizePy: 10, topicHash: 0 });
    // 200-byte files: units at 0, 52, 104 (104 + 52 + 16 = 172 <= 200), then 156 + 68 > 200 -> blank of 44 bytes.
    const pos: number[] = [];
    for (let i = 0; i < 5; i++) pos.push(await log.append(u(i)));
    assert.deepEqual(pos, [0, 52, 104, 200, 252]);
    await log.close();
    const files = fs.readdirSync(path.join(dir, 'timerlog')).sort();
    assert.deepEqual(files, ['00000000000000000000', '00000000000000000200']);
    const first = fs.readFileSync(path.join(dir, 'timerlog', files[0]!));
    assert.equal(first.length, 200);
    assert.equal(first.readInt32BE(156), 44);
    assert.equal(first.readInt32BE(156 + 12), L.BLANK_MAGIC_CODE);
    const again = new L.TimerLog(io, path.join(dir, 'timerlog'), 200);
    await again.load();
    const seen: number[] = [];
    const end = await again.scan(0, (p) => seen.push(p));
    assert.deepEqual(seen, pos);
    assert.equal(end, 304);
    await again.truncate(end);
    assert.equal(await again.append(u(5)), 304);
    assert.equal((await again.read(252))!.offsetPy, 40);
    await again.close();
  });

  it('a torn unit ends the log at the last whole one; the bytes after it are zeroed', async () => {
    const dir = tmp();
    const log = new L.TimerLog(io, path.join(dir, 'timerlog'), 1040);
    await log.load();
    for (let i = 0; i < 3; i++) await log.append(L.encodeUnit({ prevPos: -1, magic: 1, enqueueMs: 0, delayedMs: 0, offsetPy: i, sizePy: 1, topicHash: 0 }));
    await log.close();
    const f = path.join(dir, 'timerlog', '00000000000000000000');
    const fd = fs.openSync(f, 'r+');
    fs.writeSync(fd, Buffer.alloc(20), 0, 20, 104); // tear the third unit
    fs.closeSync(fd);
    const again = new L.TimerLog(io, path.join(dir, 'timerlog'), 1040);
    await again.load();
    const end = await again.scan(0, () => undefined);
    assert.equal(end, 104);
    await again.truncate(end);
    await again.close();
    assert.ok(fs.readFileSync(f).subarray(104).every((x) => x === 0));
  });
});
