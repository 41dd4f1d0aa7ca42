import type { StorePaths } from './config';
import type { StoreIO } from './io';

/**
 * The abort file (Java: DefaultMessageStore#createTempFile / #isTempFileExist): storePathRootDir/abort exists while
 * the store runs, so its presence when opening means the last run did not shut down cleanly.
 *
 * Contract. Owns: the abort file's creation (holding the pid, fsynced, directory fsynced) and removal. May call:
 *   the StoreIO. Invariants: created only after recovery succeeded; removed only by a clean shutdown, and durably
 *   (the directory is fsynced) before the store reports itself stopped.
 */

/** Creates the abort file (durably): from now on a crash is detected at the next open. */
export async function createAbortFile(io: StoreIO, paths: StorePaths): Promise<void> {
  const h = await io.open(paths.abort, true);
  const pid = Buffer.from(String(process.pid));
  await io.truncate(h, 0);
  await io.write(h, [pid], 0);
  await io.sync(h);
  await io.close(h);
  await io.syncDir(paths.root);
}

/** Removes the abort file (durably) after a clean shutdown. */
export async function removeAbortFile(io: StoreIO, paths: StorePaths): Promise<void> {
  await io.unlink(paths.abort);
  await io.syncDir(paths.root);
}
