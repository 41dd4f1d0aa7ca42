import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { silentLogger } from '../../common';
import { CoalescingWriter, MetadataWriteError, nodeMetadataIo, type MetadataIo } from './coalescing-writer';

/** A file system that records writes, and fails the next `failures` of them with `errno`. */
function fakeIo(): MetadataIo & { writes: string[]; syncWrites: string[]; failures: number; errno: string; gate: Promise<void> | null } {
  const io = {
    writes: [] as string[],
    syncWrites: [] as string[],
    failures: 0,
    errno: 'ENOSPC',
    gate: null as Promise<void> | null,
    async write(_file: string, chunks: Iterable<string>): Promise<void> {
      const text = [...chunks].join('');
      if (io.gate !== null) await io.gate;
      if (io.failures > 0) {
        io.failures--;
        throw Object.assign(new Error(`${io.errno}: no space left on device, write`), { code: io.errno });
      }
      io.writes.push(text);
    },
    writeSync(_file: string, chunks: Iterable<string>): void {
      io.syncWrites.push([...chunks].join(''));
    },
  };
  return io;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('lib/broker/metadata/coalescing-writer', () => {
  it('coalescing: N changes in one turn of the event loop cost one write holding the last state', async () => {
    const io = fakeIo();
    let state = 0;
    const w = new CoalescingWriter({ file: '/x/topics.json', render: () => [String(state)], logger: silentLogger(), io });
    for (let i = 1; i <= 100; i++) {
      state = i;
      w.markDirty();
    }
    await w.flush();
    assert.deepEqual(io.writes, ['100']);
  });

  it('group commit: flush() settles only after a write that started after the call (a change during a write gets the next one)', async () => {
    const io = fakeIo();
    let release!: () => void;
    io.gate = new Promise((r) => (release = r));
    let state = 'a';
    const w = new CoalescingWriter({ file: '/x/f.json', render: () => [state], logger: silentLogger(), io });
    const first = w.flush();
    await tick();
    state = 'b';
    let secondDone = false;
    const second = w.flush().then(() => (secondDone = true));
    const third = w.flush();
    io.gate = null;
    release();
    await first;
    assert.equal(secondDone, false);
    await Promise.all([second, third]);
    assert.deepEqual(io.writes, ['a', 'b'], 'the two callers during the first write share one more write');
  });

  it('a failed write: flush() rejects naming the file and errno, it is logged, retried, and markDirty never throws', async () => {
    const io = fakeIo();
    io.failures = 1;
    const lines: { msg: string; file?: string; errno?: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as never) });
    const w = new CoalescingWriter({ file: '/data/config/topics.json', render: () => ['x'], logger, io, retryMsMin: 5 });
    w.markDirty();
    await assert.rejects(w.flush(), (e: unknown) => e instanceof MetadataWriteError && e.errno === 'ENOSPC' && e.message.includes('/data/config/topics.json'));
    assert.ok(lines.some((l) => l.file === '/data/config/topics.json' && l.errno === 'ENOSPC'), 'logged with file and errno');
    for (let i = 0; i < 50 && io.writes.length === 0; i++) await sleep(5);
    assert.deepEqual(io.writes, ['x'], 'retried in the background until it succeeded');
    assert.equal(w.failures, 1);
    assert.equal(w.lastError, null);
  });

  it('shutdown flushes what is pending, synchronously', async () => {
    const io = fakeIo();
    const w = new CoalescingWriter({ file: '/x/f.json', render: () => ['pending'], logger: silentLogger(), io, delayMs: 60_000 });
    w.markDirty();
    await w.close();
    assert.deepEqual(io.syncWrites, ['pending']);
    assert.deepEqual(io.writes, []);
  });

  it('delayMs: changes within the delay share one background write', async () => {
    const io = fakeIo();
    let n = 0;
    const w = new CoalescingWriter({ file: '/x/f.json', render: () => [String(n)], logger: silentLogger(), io, delayMs: 20 });
    for (let i = 0; i < 5; i++) {
      n++;
      w.markDirty();
      await sleep(1);
    }
    for (let i = 0; i < 100 && io.writes.length === 0; i++) await sleep(5);
    assert.deepEqual(io.writes, ['5']);
  });

  it('on disk: the previous content becomes .bak, the new one is complete, no .tmp is left', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-cw-'));
    const file = path.join(dir, 'config', 'topics.json');
    let text = 'one';
    const w = new CoalescingWriter({ file, render: () => [text.slice(0, 1), text.slice(1)], logger: silentLogger(), io: nodeMetadataIo });
    await w.flush();
    text = 'two';
    await w.flush();
    assert.equal(fs.readFileSync(file, 'utf8'), 'two');
    assert.equal(fs.readFileSync(`${file}.bak`, 'utf8'), 'one');
    assert.equal(fs.existsSync(`${file}.tmp`), false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
