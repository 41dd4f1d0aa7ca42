import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '../../common';
import { ChangeJournal } from './change-journal';
// The module object itself (not a namespace copy of it): change-journal.ts reads fdatasync from it at each call.
import fsModule = require('node:fs');

/**
 * ChangeJournal's durability rule: `sync()` resolves after the records are written, and after an fdatasync only when
 * the journal is made with syncToDisk (a SYNC_FLUSH broker's topics). fs.fdatasync is counted by wrapping the
 * module's function for the duration of each case.
 */
describe('lib/broker/metadata/change-journal: syncToDisk', () => {
  let dir = '';
  const real = fsModule.fdatasync;
  let datasyncs = 0;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-journal-'));
    datasyncs = 0;
    fsModule.fdatasync = ((fd: number, cb: fs.NoParamCallback) => {
      datasyncs++;
      real(fd, cb);
    }) as typeof fs.fdatasync;
  });

  afterEach(() => {
    fsModule.fdatasync = real;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const syncToDisk of [true, false]) {
    it(`rule: syncToDisk=${syncToDisk}: sync() resolves with every record in the file, ${syncToDisk ? 'after an fdatasync' : 'without an fdatasync (page cache: survives a process kill)'}`, async () => {
      const j = new ChangeJournal(path.join(dir, 'topics.json.changes'), silentLogger(), syncToDisk);
      j.append('{"a":1}');
      j.append('{"b":2}');
      await j.sync();
      assert.deepEqual(new ChangeJournal(j.file, silentLogger()).read(), ['{"a":1}', '{"b":2}']);
      if (syncToDisk) assert.ok(datasyncs >= 1, `fdatasync calls: ${datasyncs}`);
      else assert.equal(datasyncs, 0);
    });
  }
});
