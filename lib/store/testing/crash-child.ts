/**
 * A child process for the SIGKILL test (crash-process.test.ts): opens a store on the real file system and puts
 * messages as fast as it can, 64 in flight, over 4 queues, reporting every acknowledged put on stdout as
 * "ack <seq> <queueId> <queueOffset> <physicalOffset>" (lines are written after the put resolved; a pipe write is
 * synchronous on Linux, so a reported ack was acknowledged before any SIGKILL). The parent kills it mid-load.
 *
 *   node crash-child.js <storeDir> <ASYNC_FLUSH|SYNC_FLUSH>
 */
import { MessageStore } from '../message-store';
import { defaultStoreConfig } from '../config';
import { crashChildMessage, CRASH_CHILD_QUEUES, CRASH_CHILD_TOPIC } from './crash-messages';

async function main(): Promise<void> {
  const [dir, flushDiskType] = process.argv.slice(2);
  if (dir === undefined || (flushDiskType !== 'ASYNC_FLUSH' && flushDiskType !== 'SYNC_FLUSH')) {
    process.stderr.write('usage: crash-child <storeDir> <ASYNC_FLUSH|SYNC_FLUSH>\n');
    process.exit(2);
  }
  const store = await MessageStore.open(
    defaultStoreConfig({
      storePathRootDir: dir,
      mappedFileSizeCommitLog: 1024 * 1024,
      mappedFileSizeConsumeQueue: 20 * 2000,
      maxHashSlotNum: 1024,
      maxIndexNum: 4096,
      flushDiskType,
      flushIntervalConsumeQueue: 50,
    }),
  );
  const first = process.argv[4] !== undefined ? Number(process.argv[4]) : 0;
  let seq = first;
  let lines: string[] = [];
  let scheduled = false;
  const flushLines = (): void => {
    scheduled = false;
    if (lines.length === 0) return;
    const out = lines.join('');
    lines = [];
    process.stdout.write(out);
  };
  const one = async (): Promise<void> => {
    for (;;) {
      const s = seq++;
      const rec = crashChildMessage(s);
      const r = await store.putMessage(rec);
      if (r.status === 'PUT_OK') {
        lines.push(`ack ${s} ${s % CRASH_CHILD_QUEUES} ${r.queueOffset} ${r.wroteOffset}\n`);
        if (!scheduled) {
          scheduled = true;
          setImmediate(flushLines);
        }
      }
    }
  };
  process.stdout.write(`ready ${CRASH_CHILD_TOPIC}\n`);
  await Promise.all(Array.from({ length: 64 }, one));
}

void main();
