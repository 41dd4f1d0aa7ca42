import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeStoredMessage, parseProperties } from '../../protocol/message';
import { defaultStoreConfig } from './config';
import { MessageStore } from './message-store';
import { CRASH_CHILD_QUEUES, CRASH_CHILD_TOPIC, crashChildBody } from './testing/crash-messages';

/**
 * A real process appending under load is killed with SIGKILL, then the store is recovered in this process: every
 * put the child reported as acknowledged is there with its contents and offsets, and the queues are dense and
 * intact. Both flush modes (a process kill keeps the page cache, so ASYNC_FLUSH acknowledgements survive too).
 */

interface Ack {
  seq: number;
  queueId: number;
  queueOffset: number;
  phy: number;
}

function runAndKill(dir: string, flushDiskType: string, killAfterAcks: number, firstSeq: number): Promise<Ack[]> {
  const child = spawn(process.execPath, [path.join(__dirname, 'testing', 'crash-child.js'), dir, flushDiskType, String(firstSeq)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const acks: Ack[] = [];
  let buf = '';
  let killed = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      if (!killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    }, 8000);
    child.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const p = line.split(' ');
        if (p[0] === 'ack') acks.push({ seq: Number(p[1]), queueId: Number(p[2]), queueOffset: Number(p[3]), phy: Number(p[4]) });
      }
      if (!killed && acks.length >= killAfterAcks) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code}/${signal}`));
      else resolve(acks);
    });
  });
}

function config(dir: string, flushDiskType: 'ASYNC_FLUSH' | 'SYNC_FLUSH') {
  return defaultStoreConfig({
    storePathRootDir: dir,
    mappedFileSizeCommitLog: 1024 * 1024,
    mappedFileSizeConsumeQueue: 20 * 2000,
    maxHashSlotNum: 1024,
    maxIndexNum: 4096,
    flushDiskType,
  });
}

async function verify(dir: string, flushDiskType: 'ASYNC_FLUSH' | 'SYNC_FLUSH', acks: readonly Ack[]): Promise<number> {
  const store = await MessageStore.open(config(dir, flushDiskType));
  try {
    const bySeq = new Map<number, { queueId: number; queueOffset: number; phy: number }>();
    for (let q = 0; q < CRASH_CHILD_QUEUES; q++) {
      const max = store.getMaxOffsetInQueue(CRASH_CHILD_TOPIC, q);
      let offset = store.getMinOffsetInQueue(CRASH_CHILD_TOPIC, q);
      while (offset < max) {
        const g = await store.getMessage(CRASH_CHILD_TOPIC, q, offset, 32);
        assert.equal(g!.status, 'FOUND', `queue ${q} offset ${offset}/${max}`);
        g!.messages.forEach((b, i) => {
          const m = decodeStoredMessage(b, 0, { checkCrc: true }).message;
          const seq = Number(parseProperties(m.properties).get('UNIQ_KEY')!.slice(1));
          assert.equal(m.queueOffset, offset + i);
          assert.equal(m.queueId, q);
          assert.equal(seq % CRASH_CHILD_QUEUES, q);
          assert.ok(m.body.equals(crashChildBody(seq)), `body of S${seq}`);
          bySeq.set(seq, { queueId: q, queueOffset: m.queueOffset, phy: m.physicalOffset });
        });
        offset = g!.nextBeginOffset;
      }
    }
    for (const a of acks) {
      const got = bySeq.get(a.seq);
      assert.ok(got !== undefined, `acknowledged S${a.seq} is missing`);
      assert.deepEqual(got, { queueId: a.queueId, queueOffset: a.queueOffset, phy: a.phy });
    }
    // The index survived or was rebuilt for the acknowledged tail.
    const last = acks[acks.length - 1]!;
    const q = await store.queryMessage(CRASH_CHILD_TOPIC, `S${last.seq}`, 4, 0, Number.MAX_SAFE_INTEGER);
    assert.equal(q.messages.length, 1);
    return bySeq.size;
  } finally {
    await store.shutdown();
  }
}

describe('store: a process killed with SIGKILL under load', () => {
  for (const flushDiskType of ['ASYNC_FLUSH', 'SYNC_FLUSH'] as const) {
    it(`${flushDiskType}: every acknowledged put is readable after recovery, with its contents and offsets; kill twice`, async function () {
      this.timeout(60_000);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-crash-'));
      try {
        const acks1 = await runAndKill(dir, flushDiskType, 3000, 0);
        assert.ok(acks1.length >= 1000, `${acks1.length} acks before the kill`);
        assert.ok(fs.existsSync(path.join(dir, 'abort')), 'killed: the abort file is still there');
        const n1 = await verify(dir, flushDiskType, acks1);
        assert.ok(n1 >= acks1.length);
        // Again on the recovered store: appends continue, a second kill, a second recovery.
        const acks2 = await runAndKill(dir, flushDiskType, 2000, 1_000_000);
        const n2 = await verify(dir, flushDiskType, [...acks1, ...acks2]);
        assert.ok(n2 >= n1 + acks2.length);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
