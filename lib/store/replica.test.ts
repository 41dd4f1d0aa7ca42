import * as assert from 'node:assert/strict';
import { MessageStore } from './message-store';
import { awaitReplicas } from './replica';
import { PutMessageStatus } from './status';
import { FaultIO, seededRandom } from './testing/fault-io';
import { decode, makeRecord, testConfig } from './testing/records';

/** Replication's store surface (Java: DefaultMessageStore#getCommitLogData / #appendToCommitLog, HookUtils). */

const FILE = 64 * 1024;

async function fill(store: MessageStore, n: number, seed: number): Promise<void> {
  const rnd = seededRandom(seed);
  for (let i = 0; i < n; i++) {
    const size = Math.floor(rnd() * 6000) + 1;
    const r = await store.putMessage(makeRecord({ topic: `T${i % 3}`, queueId: i % 2, body: Buffer.alloc(size, i % 251), keys: `k${i}` }));
    assert.equal(r.status, 'PUT_OK');
  }
}

/** Copies the master's log to the slave as lib/ha does: from `from`, chunks of at most `chunk` bytes. */
async function replicate(master: MessageStore, slave: MessageStore, from: number, chunk: (i: number) => number): Promise<void> {
  let at = from;
  for (let i = 0; ; i++) {
    const data = await master.replica.read(at, chunk(i));
    if (data === undefined) break;
    const r = await slave.replica.append(at, data);
    assert.deepEqual(r, { ok: true });
    at += data.length;
  }
}

async function logBytes(store: MessageStore): Promise<Buffer> {
  const cl = store.commitLog;
  const parts: Buffer[] = [];
  for (const seg of cl.files.segments) {
    const end = Math.min(seg.from + FILE, cl.writtenOffset);
    if (end > seg.from) parts.push((await cl.files.read(seg.from, end - seg.from))!);
  }
  return Buffer.concat(parts);
}

async function pair(): Promise<{ master: MessageStore; slave: MessageStore; io: FaultIO }> {
  const io = new FaultIO();
  const master = await MessageStore.open(testConfig('/m'), { io });
  const slave = await MessageStore.open(testConfig('/s', { brokerRole: 'SLAVE' }), { io });
  return { master, slave, io };
}

describe('store replica: raw commit log reads and appends', () => {
  it('bytes appended in odd chunks across several files (blank records included) equal the master\'s, and the slave builds its own consume queues and index', async () => {
    const { master, slave } = await pair();
    await fill(master, 120, 7);
    assert.ok(master.getMaxPhyOffset() > 3 * FILE, 'crosses several file boundaries');
    const rnd = seededRandom(3);
    await replicate(master, slave, 0, () => 1 + Math.floor(rnd() * 9000));
    assert.equal(slave.getMaxPhyOffset(), master.getMaxPhyOffset());
    assert.ok((await logBytes(slave)).equals(await logBytes(master)), 'byte-identical commit logs');
    await slave.commitLog.whenWritten();
    for (const t of ['T0', 'T1', 'T2']) {
      for (const q of [0, 1]) {
        assert.equal(slave.getMaxOffsetInQueue(t, q), master.getMaxOffsetInQueue(t, q), `${t}/${q}`);
        const g = await slave.getMessage(t, q, 0, 32);
        assert.equal(g?.status, 'FOUND');
        assert.equal(decode(g!.messages[0]!).topic, t);
      }
    }
    const found = await slave.queryMessage('T1', 'k1', 4, 0, Date.now() + 60_000);
    assert.equal(found.messages.length, 1, 'index built on the slave');
    await master.shutdown();
    await slave.shutdown();
  });

  it('read never crosses a file and returns nothing at or past the written end', async () => {
    const { master, slave } = await pair();
    await fill(master, 40, 1);
    const d = (await master.replica.read(FILE - 100, 1 << 20))!;
    assert.equal(d.length, 100);
    assert.equal(await master.replica.read(master.getMaxPhyOffset(), 1024), undefined);
    await master.shutdown();
    await slave.shutdown();
  });

  it('an empty slave starts at the file start the master sends from (Java: a slave reporting 0 gets the last file)', async () => {
    const { master, slave } = await pair();
    await fill(master, 60, 2);
    const max = master.getMaxPhyOffset();
    const start = max - (max % FILE);
    assert.ok(start > 0);
    await replicate(master, slave, start, () => 32 * 1024);
    assert.equal(slave.getMinPhyOffset(), start);
    assert.equal(slave.getMaxPhyOffset(), max);
    await slave.commitLog.whenWritten();
    const g = await slave.getMessage('T0', 0, slave.getMinOffsetInQueue('T0', 0), 4);
    assert.equal(g?.status, 'FOUND');
    await master.shutdown();
    await slave.shutdown();
  });

  it('refuses a gap, an overlap and garbage, writing nothing of them', async () => {
    const { master, slave } = await pair();
    await fill(master, 10, 4);
    const first = (await master.replica.read(0, 8192))!;
    const d = first.subarray(0, first.readInt32BE(0)); // one whole record: garbage after it is detectable
    assert.deepEqual(await slave.replica.append(0, d), { ok: true });
    const gap = await slave.replica.append(d.length + 10, d);
    assert.equal(gap.ok, false);
    const overlap = await slave.replica.append(0, d);
    assert.equal(overlap.ok, false);
    const garbage = await slave.replica.append(d.length, Buffer.alloc(64, 0x41));
    assert.equal(garbage.ok, false);
    assert.equal(slave.getMaxPhyOffset(), d.length);
    // Still in step: the real continuation is accepted.
    await replicate(master, slave, d.length, () => 1000);
    assert.equal(slave.getMaxPhyOffset(), master.getMaxPhyOffset());
    await master.shutdown();
    await slave.shutdown();
  });

  it('a slave store refuses normal puts with Java\'s remark (HookUtils#checkBeforePutMessage)', async () => {
    const { master, slave } = await pair();
    const r = await slave.putMessage(makeRecord({ topic: 'T', body: 'x' }));
    assert.equal(r.status, PutMessageStatus.SERVICE_NOT_AVAILABLE);
    assert.equal(r.remark, 'message store is in slave mode, so putMessage is forbidden ');
    await master.shutdown();
    await slave.shutdown();
  });

  it('a slave reopened after a crash mid-record resumes from its last whole record', async () => {
    const io = new FaultIO();
    const master = await MessageStore.open(testConfig('/m'), { io });
    await fill(master, 30, 9);
    let slave = await MessageStore.open(testConfig('/s', { brokerRole: 'SLAVE' }), { io });
    await replicate(master, slave, 0, (i) => (i < 3 ? 5000 : 0));
    const partial = slave.getMaxPhyOffset();
    assert.equal(partial, 15000);
    await slave.shutdown();
    slave = await MessageStore.open(testConfig('/s', { brokerRole: 'SLAVE' }), { io });
    const resumed = slave.getMaxPhyOffset();
    assert.ok(resumed <= partial && resumed > 0);
    await replicate(master, slave, resumed, () => 7000);
    assert.ok((await logBytes(slave)).equals(await logBytes(master)));
    await master.shutdown();
    await slave.shutdown();
  });
});

describe('store replica: SYNC_MASTER wait (Java 5.5 CommitLog#handleHA)', () => {
  const base = { brokerRole: 'SYNC_MASTER', inSyncReplicas: 2, slaveTimeout: 3000, duplicationEnable: false };
  const put = { status: PutMessageStatus.PUT_OK, wroteOffset: 100, wroteBytes: 50 };
  it('waits for inSyncReplicas acks up to the put\'s end; FLUSH_SLAVE_TIMEOUT when they do not come', async () => {
    let asked: number[] = [];
    const wait = async (next: number, acks: number, ms: number): Promise<boolean> => ((asked = [next, acks, ms]), false);
    assert.equal(await awaitReplicas(base, wait, true, put), PutMessageStatus.FLUSH_SLAVE_TIMEOUT);
    assert.deepEqual(asked, [150, 2, 3000]);
    assert.equal(await awaitReplicas(base, async () => true, true, put), PutMessageStatus.PUT_OK);
  });
  it('does not wait with inSyncReplicas=1 (Java 5.x default), for ASYNC_MASTER, or without waitStoreMsgOK', async () => {
    const never = async (): Promise<boolean> => assert.fail('must not wait');
    assert.equal(await awaitReplicas({ ...base, inSyncReplicas: 1 }, never, true, put), PutMessageStatus.PUT_OK);
    assert.equal(await awaitReplicas({ ...base, brokerRole: 'ASYNC_MASTER' }, never, true, put), PutMessageStatus.PUT_OK);
    assert.equal(await awaitReplicas(base, never, false, put), PutMessageStatus.PUT_OK);
  });
});
