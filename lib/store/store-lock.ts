import * as fs from 'node:fs';
import * as path from 'node:path';
import { StoreError } from './status';

/**
 * One process per store. Java takes a FileLock (POSIX fcntl, F_SETLK on byte 0) on <storePathRootDir>/lock in
 * DefaultMessageStore#start and keeps it while it runs ("Lock failed,MQ already started"). Node cannot take fcntl
 * locks, so Apogee does two things before it opens anything else in the store:
 *
 * 1. Java holder: it creates <root>/lock if missing (as Java does) and looks it up in /proc/locks by device and
 *    inode. A lock held there by another process (a running Java broker, or any fcntl/flock holder) refuses the
 *    open, naming that pid. Covered: a Java broker already running on the store makes Apogee refuse. Not covered:
 *    a Java broker started while Apogee runs does not see Apogee (Apogee holds no fcntl lock); Linux only
 *    (/proc/locks), elsewhere this check is skipped.
 * 2. Apogee holder: <root>/lock.apogee is created exclusively (O_EXCL) with "pid starttime". If it exists and
 *    names a live process with the same start time (/proc/<pid>/stat), the open is refused; otherwise it is stale
 *    (a killed process, or a reused pid) and replaced. It is removed by release() (clean shutdown or failed open).
 */
export const STORE_LOCK_FILE = 'lock';
export const APOGEE_LOCK_FILE = 'lock.apogee';

export interface StoreLock {
  readonly path: string;
  release(): void;
}

/** Process start time in clock ticks since boot (/proc/<pid>/stat field 22), or '' when unknown. */
function startTimeOf(pid: number): string {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may hold spaces and parentheses: count fields after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? '';
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

/** Pids other than ours holding a lock on the file with this device and inode, from /proc/locks text. */
export function lockHolders(procLocks: string, dev: number, ino: number, self = process.pid): number[] {
  const major = Math.floor(dev / 256) & 0xfff;
  const minor = dev & 0xff;
  const out: number[] = [];
  for (const line of procLocks.split('\n')) {
    // "1: POSIX  ADVISORY  WRITE 12345 08:01:1234567 0 0" (a "->" marks a waiter: skipped).
    const f = line.trim().split(/\s+/);
    if (f.length < 6 || f[1] === '->') continue;
    const pid = Number(f[4]);
    const id = f[5]!.split(':');
    if (id.length !== 3 || Number(id[2]) !== ino) continue;
    if (parseInt(id[0]!, 16) !== major || parseInt(id[1]!, 16) !== minor) continue;
    if (pid !== self && !out.includes(pid)) out.push(pid);
  }
  return out;
}

function checkJavaHolder(root: string): void {
  const file = path.join(root, STORE_LOCK_FILE);
  const fd = fs.openSync(file, 'a');
  let st: fs.Stats;
  try {
    st = fs.fstatSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  let text: string;
  try {
    text = fs.readFileSync('/proc/locks', 'utf8');
  } catch {
    return;
  }
  const holders = lockHolders(text, st.dev, st.ino);
  if (holders.length > 0) {
    const pid = holders[0]!;
    throw new StoreError(
      `store ${root} is in use: process ${pid} (${commandOf(pid)}) holds a lock on ${file}, as a running Java broker does ` +
        `(DefaultMessageStore#start); stop it or use another storePathRootDir`,
    );
  }
}

function tryCreate(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** Takes the store for this process or throws a StoreError naming the holder. */
export function acquireStoreLock(root: string): StoreLock {
  checkJavaHolder(root);
  const file = path.join(root, APOGEE_LOCK_FILE);
  const mine = `${process.pid} ${startTimeOf(process.pid)}\n`;
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(file, mine)) break;
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      // Removed meanwhile: try again.
    }
    const [pidText, start] = text.trim().split(' ');
    const pid = Number(pidText);
    const live = Number.isInteger(pid) && pid > 0 && isAlive(pid) && (start === undefined || start === '' || startTimeOf(pid) === '' || startTimeOf(pid) === start);
    if (live) {
      throw new StoreError(`store ${root} is in use by Apogee process ${pid} (${commandOf(pid)}), see ${file}; stop it or use another storePathRootDir`);
    }
    if (attempt >= 2) throw new StoreError(`cannot take ${file}: it keeps reappearing (another process is starting on this store?)`);
    fs.rmSync(file, { force: true }); // stale: its process is gone
  }
  let released = false;
  return {
    path: file,
    release(): void {
      if (released) return;
      released = true;
      try {
        if (fs.readFileSync(file, 'utf8') === mine) fs.unlinkSync(file);
      } catch {
        // already gone
      }
    },
  };
}
