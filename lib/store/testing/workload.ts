import * as assert from 'node:assert/strict';
import { decodeStoredMessage, parseProperties } from '../../../protocol/message';
import type { MessageStore } from '../message-store';
import type { PutMessageResult } from '../types';
import { makeRecord } from './records';

/**
 * A put workload for crash tests: fires puts (single and batch, several queues, some concurrency), remembers what
 * the store assigned to every record (patched into the buffer synchronously) and which puts were acknowledged,
 * then checks a recovered store against that.
 */

export type Op =
  | { kind: 'put'; topic: string; queueId: number; size: number; keys?: boolean }
  | { kind: 'batch'; topic: string; queueId: number; n: number; size: number }
  | { kind: 'tick' };

export interface Sent {
  uniq: string;
  topic: string;
  queueId: number;
  queueOffset: number;
  phy: number;
  body: Buffer;
  status: string | undefined;
}

/** A body that names its message, so a record can be checked on its own. */
export function bodyFor(uniq: string, size: number): Buffer {
  const b = Buffer.alloc(Math.max(size, uniq.length + 1));
  b.write(uniq + ':');
  for (let i = uniq.length + 1; i < b.length; i++) b[i] = 97 + ((i * 7 + uniq.length) % 26);
  return b;
}

export class Workload {
  readonly sent = new Map<string, Sent>();
  private seq = 0;
  private outstanding = 0;

  constructor(readonly prefix = 'M') {}

  /** Runs the ops; stops early when `stop()` says so (e.g. the I/O froze). Waits for outstanding puts to settle. */
  async run(store: MessageStore, ops: readonly Op[], stop: () => boolean = () => false): Promise<void> {
    for (const op of ops) {
      if (stop()) break;
      if (op.kind === 'tick') {
        await new Promise((r) => setImmediate(r));
        continue;
      }
      const n = op.kind === 'batch' ? op.n : 1;
      const entries: Sent[] = [];
      const records: Buffer[] = [];
      for (let i = 0; i < n; i++) {
        const uniq = `${this.prefix}${this.seq++}`;
        const body = bodyFor(uniq, op.size);
        const rec = makeRecord({ topic: op.topic, queueId: op.queueId, body, uniqKey: uniq, ...(op.kind === 'put' && op.keys ? { keys: `k-${uniq} shared` } : {}) });
        records.push(rec);
        entries.push({ uniq, topic: op.topic, queueId: op.queueId, queueOffset: -1, phy: -1, body, status: undefined });
      }
      this.outstanding++;
      const p = n === 1 ? store.putMessage(records[0]!) : store.putMessages(records);
      // Offsets are assigned and patched synchronously by the put call.
      entries.forEach((e, i) => {
        const m = decodeStoredMessage(records[i]!).message;
        e.queueOffset = m.queueOffset;
        e.phy = m.physicalOffset;
        this.sent.set(e.uniq, e);
      });
      void p.then((r: PutMessageResult) => {
        this.outstanding--;
        for (const e of entries) e.status = r.status;
      });
    }
    for (let i = 0; i < 2000 && this.outstanding > 0 && !stop(); i++) await new Promise((r) => setTimeout(r, 1));
    await new Promise((r) => setImmediate(r));
  }

  get acked(): Sent[] {
    return [...this.sent.values()].filter((e) => e.status === 'PUT_OK');
  }

  queues(): { topic: string; queueId: number }[] {
    const seen = new Map<string, { topic: string; queueId: number }>();
    for (const e of this.sent.values()) seen.set(`${e.topic}/${e.queueId}`, { topic: e.topic, queueId: e.queueId });
    return [...seen.values()];
  }
}

/**
 * Checks a recovered store: every queue is dense from its min to its max offset, every message found is intact
 * (body CRC) and is exactly a message that was put, at the offsets it was given; every message in `mustHave` is
 * there. Returns the uniq keys found.
 */
export async function verifyRecovered(store: MessageStore, w: Workload, mustHave: readonly Sent[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const { topic, queueId } of w.queues()) {
    const min = store.getMinOffsetInQueue(topic, queueId);
    const max = store.getMaxOffsetInQueue(topic, queueId);
    let offset = min;
    while (offset < max) {
      const g = await store.getMessage(topic, queueId, offset, 32);
      assert.equal(g!.status, 'FOUND', `${topic}/${queueId} offset ${offset} of [${min}, ${max}): ${g!.status}`);
      for (let i = 0; i < g!.messages.length; i++) {
        const buf = g!.messages[i]!;
        const m = decodeStoredMessage(buf, 0, { checkCrc: true }).message;
        assert.equal(g!.messageQueueOffsets[i], offset + i, 'dense offsets');
        assert.equal(m.queueOffset, offset + i);
        const uniq = parseProperties(m.properties).get('UNIQ_KEY')!;
        const e = w.sent.get(uniq);
        assert.ok(e !== undefined, `unknown message ${uniq}`);
        assert.equal(m.topic, e.topic);
        assert.equal(m.queueId, e.queueId);
        assert.equal(m.queueOffset, e.queueOffset, `${uniq} queue offset`);
        assert.equal(m.physicalOffset, e.phy, `${uniq} physical offset`);
        assert.ok(m.body.equals(e.body), `${uniq} body`);
        found.add(uniq);
      }
      offset = g!.nextBeginOffset;
    }
  }
  for (const e of mustHave) assert.ok(found.has(e.uniq), `acknowledged ${e.uniq} (${e.topic}/${e.queueId}@${e.queueOffset}, status ${e.status}) is missing`);
  return found;
}
