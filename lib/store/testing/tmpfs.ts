/**
 * Test helper: a small tmpfs mounted for a test that needs a real full disk (real ENOSPC). Mounting needs root on
 * Linux (CI runs as root, .ci/run); elsewhere `mountTmpfs` answers undefined and the caller skips, saying why.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Why a tmpfs cannot be mounted here, or undefined when it can be tried. */
export function tmpfsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux to mount a tmpfs';
  if (process.getuid?.() !== 0) return 'needs root to mount a tmpfs';
  return undefined;
}

/** Mounts a tmpfs of `sizeBytes` on a fresh directory (under `parent`, default the temp dir); undefined when that fails. */
export function mountTmpfs(sizeBytes: number, parent = os.tmpdir()): string | undefined {
  if (tmpfsUnavailable() !== undefined) return undefined;
  const dir = fs.mkdtempSync(path.join(parent, 'apogee-enospc-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    fs.rmdirSync(dir);
    return undefined;
  }
}

export function unmount(dir: string): void {
  execFileSync('umount', [dir], { stdio: 'ignore' });
  fs.rmdirSync(dir);
}

/** Fills the mount with one file until `leaveBytes` are available; returns the file (delete it to free the space). */
export function fillUntilAvailable(dir: string, leaveBytes: number): string {
  const filler = path.join(dir, 'filler');
  const st = fs.statfsSync(dir);
  fs.writeFileSync(filler, Buffer.alloc(Math.max(0, st.bavail * st.bsize - leaveBytes)));
  return filler;
}
