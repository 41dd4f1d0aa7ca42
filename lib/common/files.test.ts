import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureWritableDir, readFileWithBackup, writeFileDurably } from './files';

describe('lib/common metadata files (Java .bak convention)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-files-'));
  const file = path.join(dir, 'sub', 'kvConfig.json');

  it('writes, keeps the previous content as .bak, and reads back', () => {
    writeFileDurably(file, '{"a":1}');
    writeFileDurably(file, '{"a":2}');
    assert.equal(fs.readFileSync(`${file}.bak`, 'utf8'), '{"a":1}');
    assert.deepEqual(readFileWithBackup(file, JSON.parse), { a: 2 });
    assert.equal(fs.existsSync(`${file}.tmp`), false);
  });

  it('falls back to .bak when the file is empty or corrupt, as Java ConfigManager#load', () => {
    fs.writeFileSync(file, '');
    assert.deepEqual(readFileWithBackup(file, JSON.parse), { a: 1 });
    fs.writeFileSync(file, '{"a":');
    assert.deepEqual(readFileWithBackup(file, JSON.parse), { a: 1 });
  });

  it('returns undefined when nothing exists and throws a clear error when nothing parses', () => {
    assert.equal(readFileWithBackup(path.join(dir, 'none.json'), JSON.parse), undefined);
    fs.writeFileSync(`${file}.bak`, 'garbage');
    assert.throws(() => readFileWithBackup(file, JSON.parse), /cannot load .*kvConfig.json.*fix or remove the file/);
  });
});

describe('ensureWritableDir names the real cause', () => {
  it('creates missing levels one by one; a file on the way is named as a file', () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-ensure-'));
    try {
      ensureWritableDir(path.join(base, 'a', 'b'), '--dataDir');
      assert.ok(fs.statSync(path.join(base, 'a', 'b')).isDirectory());
      fs.writeFileSync(path.join(base, 'f'), 'x');
      assert.throws(() => ensureWritableDir(path.join(base, 'f', 'sub'), '--dataDir'), new RegExp(`${path.join(base, 'f')} is a file, not a directory`));
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });
});
