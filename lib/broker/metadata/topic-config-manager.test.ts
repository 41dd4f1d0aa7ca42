import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TopicConfig } from '../../../protocol/bodies';
import { persistedOrRemark } from '../processors/admin/common';
import type { MetadataIo } from './coalescing-writer';
import { newTopicConfig, TopicConfigManager } from './topic-config-manager';
import { testTopicManager } from './testing/topic-manager';

function manager(dir: string, onChange: (tcs: TopicConfig[]) => void = () => undefined, io?: MetadataIo): TopicConfigManager {
  return testTopicManager(dir, { onChange, ...(io !== undefined ? { io } : {}) });
}

/**
 * Rules: a topic change is durable once flush() resolves (the journal, without a rewrite of topics.json), a
 * restart replays the journal (puts and deletions, in order), a torn last record is dropped, and shutdown folds the
 * journal into topics.json (Java's file, readable by a Java broker) and empties it.
 */
describe('lib/broker/metadata/topic-config-manager journal', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-tcm-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('flush() makes every change so far durable without writing topics.json; a restart (no shutdown) replays it', async () => {
    const a = manager(dir);
    for (let i = 0; i < 300; i++) a.update([newTopicConfig(`T${i}`, { writeQueueNums: 3 })]);
    a.delete('T7');
    await a.flush();
    assert.equal(fs.existsSync(path.join(dir, 'config', 'topics.json')), false, 'the full file waits for the background write');
    // No close(): as after SIGKILL.
    const b = manager(dir);
    b.load();
    assert.equal(b.get('T299')?.writeQueueNums, 3);
    assert.equal(b.get('T7'), undefined, 'the deletion is replayed after the creation');
    assert.equal(b.dataVersion.counter, a.dataVersion.counter);
    await b.close();
    await a.close();
  });

  it('a torn last record (never acknowledged) is dropped; the others load', async () => {
    const a = manager(dir);
    a.update([newTopicConfig('A')]);
    await a.flush();
    fs.appendFileSync(path.join(dir, 'config', 'topics.json.changes'), '{"v":{"counter":9');
    const b = manager(dir);
    b.load();
    assert.ok(b.get('A') !== undefined);
    await a.close();
    await b.close();
  });

  it('shutdown writes topics.json in Java\'s format and empties the journal', async () => {
    const a = manager(dir);
    a.update([newTopicConfig('A'), newTopicConfig('B')]);
    await a.flush();
    await a.close();
    const text = fs.readFileSync(path.join(dir, 'config', 'topics.json'), 'utf8');
    assert.match(text, /^\{\n\t"dataVersion":/);
    assert.match(text, /"B":\{/);
    assert.equal(fs.readFileSync(path.join(dir, 'config', 'topics.json.changes'), 'utf8'), '');
    const b = manager(dir);
    b.load();
    assert.ok(b.get('A') !== undefined && b.get('B') !== undefined);
    await b.close();
  });

  it('a journal that cannot be written: flush() rejects naming the file and errno; the admin remark carries both', async () => {
    fs.mkdirSync(path.join(dir, 'config', 'topics.json.changes'), { recursive: true });
    const a = manager(dir);
    a.update([newTopicConfig('X')]);
    const remark = await persistedOrRemark(() => a.flush(), 'topic X');
    assert.ok(remark !== null);
    assert.match(remark, /topic X is in effect but not yet on disk/);
    assert.match(remark, /topics\.json\.changes/);
    assert.match(remark, /EISDIR/);
    assert.ok(a.get('X') !== undefined);
    await a.close().catch(() => undefined);
  });

  it('onChange gets the changed topics (for the incremental registration), [] after a deletion', async () => {
    const seen: string[][] = [];
    const a = manager(dir, (tcs) => seen.push(tcs.map((t) => t.topicName)));
    a.update([newTopicConfig('X')]);
    a.delete('X');
    assert.deepEqual(seen, [['X'], []]);
    await a.close();
  });
  it('updateInSteps: yields between steps of stepTopics topics, each record carries the DataVersion of its step, and a restart replays the list', async () => {
    const seen: string[][] = [];
    const a = manager(dir, (tcs) => seen.push(tcs.map((t) => t.topicName)));
    const list = Array.from({ length: 25 }, (_, i) => newTopicConfig(`L${i}`));
    const done = a.updateInSteps(list, 10);
    // Between steps the table holds whole steps: a change made meanwhile bumps the version the next records carry.
    await new Promise<void>((r) => setImmediate(r));
    const visible = list.filter((tc) => a.get(tc.topicName) !== undefined).length;
    a.update([newTopicConfig('Between')]);
    const r = await done;
    assert.deepEqual(r, { ok: true });
    assert.ok(visible > 0 && visible < list.length && visible % 10 === 0, `a whole number of steps was visible in between (${visible})`);
    assert.deepEqual(seen, [['Between'], list.map((t) => t.topicName)], 'one onChange for the list, after its last step');
    await a.flush();
    const records = fs.readFileSync(path.join(dir, 'config', 'topics.json.changes'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { v: { counter: number }; put: { topicName: string } });
    const counterOf = (t: string) => records.find((x) => x.put.topicName === t)!.v.counter;
    assert.ok(counterOf('L24') > counterOf('L0'), 'the records after the change carry the newer version');
    const b = manager(dir);
    b.load();
    assert.ok(b.get('L24') !== undefined && b.get('Between') !== undefined);
    assert.equal(b.dataVersion.counter, a.dataVersion.counter, 'the replayed version is the latest');
    await b.close();
    await a.close();
  });

  it('updateInSteps: a list whose new topics would pass topicsMax is refused whole, nothing applied', async () => {
    const a = testTopicManager(dir, { topicsMax: 0 });
    const size = a.size;
    await a.close();
    const c = testTopicManager(dir, { topicsMax: size + 2 });
    const r = await c.updateInSteps([newTopicConfig('N1'), newTopicConfig('N2'), newTopicConfig('N3')], 1);
    assert.equal(r.ok, false);
    assert.match((r as { reason: string }).reason, /topicsMax/);
    assert.equal(c.get('N1'), undefined);
    assert.deepEqual(await c.updateInSteps([newTopicConfig('N1'), newTopicConfig('N2')], 1), { ok: true }, 'exactly topicsMax fits');
    await c.close();
  });
});
