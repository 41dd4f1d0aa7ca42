import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageSysFlag, decodeStoredMessage, parseProperties } from '../../protocol/message';
import { javaStringHashCode } from '../../protocol/codec';
import { defaultStoreConfig, type StoreConfig } from './config';
import { MessageStore } from './message-store';
import { makeRecord } from './testing/records';

/**
 * Interop with the official rocketmq-store 5.5.0 (compat-tests/store-interop, a small Maven program driving
 * DefaultMessageStore directly): a store written by Java (killed, and shut down cleanly) is recovered and served by
 * Apogee; a store written by Apogee (shut down cleanly, and crashed) is recovered and served by Java, keys queried
 * through the index included; each side appends to the other's store and the first side reads it back.
 * Skipped, with the reason printed, when java or mvn is not installed.
 */

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PROJECT = path.join(ROOT, 'compat-tests', 'store-interop');
const SETTINGS = { mappedFileSizeCommitLog: 256 * 1024, mappedFileSizeConsumeQueue: 20 * 500, maxHashSlotNum: 1000, maxIndexNum: 4000 };

function config(dir: string, overrides: Partial<StoreConfig> = {}): StoreConfig {
  return defaultStoreConfig({ storePathRootDir: dir, ...SETTINGS, ...overrides });
}

type Fact = Record<string, string | number>;

function toolMissing(): string | undefined {
  for (const [cmd, args] of [['java', ['-version']], ['mvn', ['-v']]] as const) {
    const r = spawnSync(cmd, args, { stdio: 'ignore' });
    if (r.error !== undefined || r.status !== 0) return `${cmd} is not available (${r.error?.message ?? `exit ${r.status}`})`;
  }
  return undefined;
}

function build(): string {
  const cpFile = path.join(PROJECT, 'target', 'classpath.txt');
  const cls = path.join(PROJECT, 'target', 'classes', 'org', 'apogee', 'storeinterop', 'StoreInterop.class');
  const src = path.join(PROJECT, 'src', 'main', 'java', 'org', 'apogee', 'storeinterop', 'StoreInterop.java');
  const fresh = fs.existsSync(cpFile) && fs.existsSync(cls) && fs.statSync(cls).mtimeMs >= fs.statSync(src).mtimeMs;
  if (!fresh) {
    const r = spawnSync('mvn', ['-q', '-B', '-Dstyle.color=never', '-f', path.join(PROJECT, 'pom.xml'), 'compile', 'dependency:build-classpath', `-Dmdep.outputFile=${cpFile}`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mvn failed:\n${r.stdout}\n${r.stderr}`);
  }
  return `${path.join(PROJECT, 'target', 'classes')}${path.delimiter}${fs.readFileSync(cpFile, 'utf8').trim()}`;
}

function java(classpath: string, args: string[], props: Record<string, string> = {}): Fact[] {
  const target = path.join(PROJECT, 'target');
  const sys = Object.entries({ ...Object.fromEntries(Object.entries(SETTINGS).map(([k, v]) => [k, String(v)])), ...props }).map(([k, v]) => `-D${k}=${v}`);
  const r = spawnSync('java', [`-Duser.home=${target}`, `-Drocketmq.log.root=${path.join(target, 'logs')}`, ...sys, '-cp', classpath, 'org.apogee.storeinterop.StoreInterop', ...args], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
  const facts = r.stdout.split('\n').filter((l) => l.startsWith('RESULT ')).map((l) => JSON.parse(l.slice(7)) as Fact);
  if (r.status !== 0 || !facts.some((f) => f.kind === 'done')) throw new Error(`java ${args.join(' ')} failed (${r.status}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
  return facts;
}

/** StoreInterop#body. */
function javaBody(i: number): string {
  let s = `java-body-${i}:`;
  for (let k = 0; k < (i * 37) % 700; k++) s += String.fromCharCode(97 + (k % 26));
  return s;
}

async function readAll(store: MessageStore, topic: string, queueId: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  let offset = store.getMinOffsetInQueue(topic, queueId);
  const max = store.getMaxOffsetInQueue(topic, queueId);
  while (offset < max) {
    const g = await store.getMessage(topic, queueId, offset, 32);
    assert.equal(g!.status, 'FOUND', `${topic}/${queueId}@${offset}`);
    out.push(...g!.messages);
    offset = g!.nextBeginOffset;
  }
  return out;
}

/** Checks that Apogee serves every message Java reported putting. */
async function checkJavaPuts(store: MessageStore, puts: Fact[]): Promise<void> {
  const byUniq = new Map<string, ReturnType<typeof decodeStoredMessage>['message']>();
  for (let q = 0; q < 4; q++) {
    (await readAll(store, 'JavaTopic', q)).forEach((b, i) => {
      const m = decodeStoredMessage(b, 0, { checkCrc: true }).message;
      assert.equal(m.queueOffset, i + store.getMinOffsetInQueue('JavaTopic', q));
      byUniq.set(parseProperties(m.properties).get('UNIQ_KEY')!, m);
    });
  }
  for (const p of puts.filter((f) => String(f.uniq).startsWith('JU'))) {
    const m = byUniq.get(String(p.uniq));
    assert.ok(m !== undefined, `Java's ${p.uniq} is missing`);
    assert.equal(m.queueId, p.queueId);
    assert.equal(m.queueOffset, p.queueOffset);
    assert.equal(m.physicalOffset, p.phy);
    assert.equal(m.storeTimestamp, p.storeTimestamp);
    assert.equal(m.body.toString(), javaBody(Number(String(p.uniq).slice(2))));
  }
}

describe('store interop with Java rocketmq-store 5.5.0 (compat-tests/store-interop)', function () {
  this.timeout(180_000);
  let classpath = '';
  let dirs: string[] = [];

  before(function () {
    const missing = toolMissing();
    if (missing !== undefined) {
      console.log(`      skipped: ${missing}; the Java interop proof needs a JDK 17+ and Maven`);
      this.skip();
    }
    classpath = build();
  });

  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    dirs = [];
  });

  function tmp(): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-interop-'));
    dirs.push(d);
    return d;
  }

  it('a killed Java store is recovered and served by Apogee; Apogee appends; Java recovers that and reads both; Apogee reads Java\'s appends', async () => {
    const dir = tmp();
    // 1. Java writes 1000 messages (several commit log files, blank records, index) and is killed.
    const puts = java(classpath, ['write', dir, '1000', 'kill']).filter((f) => f.kind === 'put');
    assert.ok(fs.existsSync(path.join(dir, 'abort')), 'Java was killed: abort file');
    // 2. Apogee recovers it (crash recovery) and serves it.
    let store = await MessageStore.open(config(dir));
    assert.ok(store.commitLog.files.segments.length >= 2, "several commit log files");
    await checkJavaPuts(store, puts);
    const q = await store.queryMessage('JavaTopic', 'JK7', 32, 0, Number.MAX_SAFE_INTEGER);
    assert.deepEqual(q.messages.map((b) => parseProperties(decodeStoredMessage(b).message.properties).get('UNIQ_KEY')), ['JU7']);
    assert.equal((await store.queryMessage('JavaTopic', 'shared', 64, 0, Number.MAX_SAFE_INTEGER)).messages.length, 64, 'capped at maxMsgsNumBatch');
    const delayed = puts.find((p) => p.uniq === 'DU0')!;
    const unit = await store.findConsumeQueue('SCHEDULE_TOPIC_XXXX', 2)!.unitAt(0);
    assert.equal(unit!.tagsCode, Number(delayed.storeTimestamp) + 10_000, 'Java wrote the deliver time as tagsCode');
    assert.equal(unit!.phy, delayed.phy);
    // 3. Apogee appends: singles, a batch, and a PREPARED record (not queued).
    const appended: { uniq: string; queueId: number; queueOffset: number; phy: number }[] = [];
    for (let q2 = 0; q2 < 4; q2++) {
      const r = await store.putMessage(makeRecord({ topic: 'JavaTopic', queueId: q2, body: `apogee-${q2}`, tags: 'TagA', keys: `AK${q2}`, uniqKey: `AU${q2}` }));
      assert.equal(r.queueOffset, store.getMaxOffsetInQueue('JavaTopic', q2) - 1);
      appended.push({ uniq: `AU${q2}`, queueId: q2, queueOffset: r.queueOffset, phy: r.wroteOffset });
    }
    const batch = await store.putMessages([0, 1, 2].map((i) => makeRecord({ topic: 'JavaTopic', queueId: 1, body: `apogee-batch-${i}`, keys: `AB${i}`, uniqKey: `ABU${i}` })));
    batch.queueOffsets.forEach((qo, i) => appended.push({ uniq: `ABU${i}`, queueId: 1, queueOffset: qo, phy: batch.physicalOffsets[i]! }));
    await store.putMessage(makeRecord({ topic: 'JavaTopic', queueId: 0, body: 'half', uniqKey: 'HALF', sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE }));
    await store.shutdown();
    // 4. Java recovers the Apogee-shut-down store (normal recovery) and reads everything, queries Apogee's keys.
    const facts = java(classpath, ['read', dir, 'JavaTopic', '4', 'kill'], { queryKeys: 'AK2,AB1,JK5' });
    const msgs = facts.filter((f) => f.kind === 'msg');
    assert.equal(msgs.length, 1000 + 7);
    for (const a of appended) {
      const m = msgs.find((f) => f.uniq === a.uniq);
      assert.ok(m !== undefined, `Java does not see ${a.uniq}`);
      assert.deepEqual([m.queueId, m.queueOffset, m.phy], [a.queueId, a.queueOffset, a.phy]);
    }
    for (const p of puts.filter((f) => String(f.uniq).startsWith('JU'))) {
      const m = msgs.find((f) => f.uniq === p.uniq)!;
      assert.equal(m.body, javaBody(Number(String(p.uniq).slice(2))));
      assert.equal(m.tags, `Tag${Number(String(p.uniq).slice(2)) % 3}`);
    }
    assert.equal(msgs.find((f) => f.uniq === 'HALF'), undefined, 'PREPARED records are not queued');
    const queries = Object.fromEntries(facts.filter((f) => f.kind === 'query').map((f) => [f.key, f.uniqs]));
    assert.deepEqual(queries, { AK2: 'AU2', AB1: 'ABU1', JK5: 'JU5' });
    const javaAppends = facts.filter((f) => f.kind === 'append');
    assert.equal(javaAppends.length, 4);
    // 5. Java was killed again: Apogee recovers and reads Java's appends after its own.
    store = await MessageStore.open(config(dir));
    for (const ja of javaAppends) {
      const g = await store.getMessage('JavaTopic', Number(ja.queueId), Number(ja.queueOffset), 1);
      const m = decodeStoredMessage(g!.messages[0]!, 0, { checkCrc: true }).message;
      assert.equal(m.physicalOffset, ja.phy);
      assert.equal(m.body.toString(), `appended-by-java-${ja.queueId}`);
    }
    assert.equal((await store.putMessage(makeRecord({ topic: 'JavaTopic', queueId: 3, body: 'x' }))).queueOffset, Number(javaAppends[3]!.queueOffset) + 1);
    await store.shutdown();
  });

  it('a Java store shut down cleanly is served by Apogee (normal recovery)', async () => {
    const dir = tmp();
    const puts = java(classpath, ['write', dir, '300', 'clean']).filter((f) => f.kind === 'put');
    assert.ok(!fs.existsSync(path.join(dir, 'abort')));
    const store = await MessageStore.open(config(dir));
    await checkJavaPuts(store, puts);
    const tags = (await readAll(store, 'JavaTopic', 0)).map((b) => decodeStoredMessage(b).message);
    const units = await store.findConsumeQueue('JavaTopic', 0)!.readUnits(0, 3);
    assert.equal(units!.readBigInt64BE(12), BigInt(javaStringHashCode(parseProperties(tags[0]!.properties).get('TAGS')!)));
    await store.shutdown();
  });

  it('an Apogee store left by a crash (abort file, partly flushed) is recovered and served by Java', async () => {
    const dir = tmp();
    const store = await MessageStore.open(config(dir, { flushDiskType: 'ASYNC_FLUSH', flushIntervalConsumeQueue: 10_000 }));
    const sent: { uniq: string; queueId: number; queueOffset: number; phy: number; body: string }[] = [];
    for (let i = 0; i < 600; i++) {
      const body = `apogee-crash-${i}`.padEnd(100 + ((i * 13) % 500), '#');
      const r = await store.putMessage(makeRecord({ topic: 'ApogeeTopic', queueId: i % 3, body, tags: `T${i % 2}`, keys: `K${i}`, uniqKey: `U${i}` }));
      sent.push({ uniq: `U${i}`, queueId: i % 3, queueOffset: r.queueOffset, phy: r.wroteOffset, body });
    }
    store.closeAbruptly();
    assert.ok(fs.existsSync(path.join(dir, 'abort')));
    const facts = java(classpath, ['read', dir, 'ApogeeTopic', '3', 'kill'], { queryKeys: 'K599,K0' });
    const msgs = facts.filter((f) => f.kind === 'msg');
    assert.equal(msgs.length, 600);
    for (const s of sent) {
      const m = msgs.find((f) => f.uniq === s.uniq)!;
      assert.ok(m !== undefined, `${s.uniq} missing in Java`);
      assert.deepEqual([m.queueId, m.queueOffset, m.phy, m.body], [s.queueId, s.queueOffset, s.phy, s.body]);
    }
    const queries = Object.fromEntries(facts.filter((f) => f.kind === 'query').map((f) => [f.key, f.uniqs]));
    assert.equal(queries.K599, 'U599');
    assert.equal(queries.K0, 'U0');
  });
});
