import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Metadata files (kvConfig.json, topics.json, consumerOffset.json, ...) in Java's locations and formats.
 *
 * Java (MixAll#string2File) copies the previous content to `<file>.bak` and then overwrites the file in place,
 * and ConfigManager#load falls back to the .bak when the file is missing, empty or does not parse. Apogee keeps
 * the .bak convention (so either implementation can read the other's directory) but replaces the in-place
 * overwrite with write-to-temp, fsync, rename, fsync(dir): a crash leaves the old or the new content, never a
 * torn file.
 */
export function writeFileDurably(file: string, content: string | Buffer): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  if (fs.existsSync(file)) {
    try {
      const prev = fs.readFileSync(file);
      if (prev.length > 0) writeAndSync(`${file}.bak`, prev);
    } catch {
      // unreadable previous content: nothing to back up
    }
  }
  const tmp = `${file}.tmp`;
  writeAndSync(tmp, content);
  fs.renameSync(tmp, file);
  syncDir(dir);
}

function writeAndSync(file: string, content: string | Buffer): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** fsync of a directory (a rename in it made durable); a platform that cannot is tolerated. */
export function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // some platforms cannot fsync a directory
  }
}

/**
 * Reads a metadata file the way Java's ConfigManager#load does: the file, or its .bak when the file is missing,
 * empty, or rejected by `parse`. Returns undefined when neither exists; throws when both exist but neither parses
 * (the operator must look: silently starting empty would lose data).
 */
export function readFileWithBackup<T>(file: string, parse: (text: string) => T): T | undefined {
  const errors: string[] = [];
  for (const f of [file, `${file}.bak`]) {
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      errors.push(`${f}: ${errnoText(e)}`);
      continue;
    }
    if (text.length === 0) continue;
    try {
      return parse(text);
    } catch (e) {
      errors.push(`${f}: ${(e as Error).message}`);
    }
  }
  if (errors.length > 0) {
    throw new Error(`cannot load ${file} (nor its .bak): ${errors.join('; ')}; fix or remove the file`);
  }
  return undefined;
}

const ERRNO_TEXT: Record<string, string> = {
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on device',
  ENOTDIR: 'a path component is not a directory',
};

function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === undefined ? (e as Error).message : `${code}${ERRNO_TEXT[code] !== undefined ? ` (${ERRNO_TEXT[code]})` : ''}`;
}

/**
 * Makes sure `dir` is a directory this process can write, creating it (and missing parents) one level at a time so
 * that the real cause surfaces: a file where a directory should be, EROFS, EACCES (a recursive mkdir reports a
 * read-only parent as ENOENT). Throws an Error naming `what` (e.g. "--dataDir"), the path and the cause.
 */
export function ensureWritableDir(dir: string, what: string): void {
  const missing: string[] = [];
  let d = path.resolve(dir);
  for (;;) {
    let st: fs.Stats;
    try {
      st = fs.statSync(d);
    } catch (e) {
      const up = path.dirname(d);
      const code = (e as NodeJS.ErrnoException).code;
      // ENOTDIR: a file further up; walking up finds and names it.
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || up === d) throw new Error(`${what} ${dir}: cannot examine ${d}: ${errnoText(e)}`);
      missing.unshift(d);
      d = up;
      continue;
    }
    if (!st.isDirectory()) throw new Error(`${what} ${dir}: ${d} is a file, not a directory`);
    break;
  }
  for (const m of missing) {
    try {
      fs.mkdirSync(m);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`${what} ${dir}: cannot create ${m}: ${errnoText(e)}`);
    }
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    throw new Error(`${what} ${dir} is not writable: ${errnoText(e)}`);
  }
}
