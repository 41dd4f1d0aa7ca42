import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import { offset2FileName } from './mapped-file';
import { MessageStore } from './message-store';
import { FaultIO } from './testing/fault-io';
import { makeRecord, testConfig } from './testing/records';
import type { MessageFilter } from './types';

/**
 * Past 2^31 a commit log offset is a heap number in V8, not a small integer (Smi). A record's position inside a
 * buffer derived from one by subtraction was one too, and V8 then typed every use of the position (the record peeks,
 * the SQL92 property scan) as double arithmetic for good: the SQL92 walk cost 25-40% more per record on a store past
 * 2 GiB (bench/store/sqlpull.ts --startOffset; bench/results/2026-12-07-sqlpull-in-sequence.md). The positions the
 * store hands a commit-log filter must be small integers, from the tail cache and from disk reads alike.
 */

const START = 2 ** 32;

/** V8's own answer (%IsSmi), through the natives syntax switched on for this process. */
function smiCheck(): (x: unknown) => boolean {
  v8.setFlagsFromString('--allow-natives-syntax');
  // A Function: natives syntax only parses in code compiled after the flag is set.
  return new Function('x', 'return %IsSmi(x);') as (x: unknown) => boolean;
}

/** A store whose commit log starts at START: its first file created empty under that name, as after deleted files. */
async function storeFrom(io: FaultIO, overrides: object): Promise<MessageStore> {
  const config = testConfig('/s', overrides);
  await io.mkdirp('/s/commitlog');
  const h = await io.open(`/s/commitlog/${offset2FileName(START)}`, true);
  await io.truncate(h, config.mappedFileSizeCommitLog);
  await io.close(h);
  return MessageStore.open(config, { io });
}

describe('store: record positions stay small integers past 2^31', () => {
  const isSmi = smiCheck();

  it('the check tells a heap number from a small integer', () => {
    assert.equal(isSmi(START + 8), false);
    assert.equal(isSmi(7), true);
    assert.equal(isSmi(START + 8 - START), false, 'a difference of heap numbers is a heap number, whatever its value');
  });

  for (const [name, overrides] of [
    ['tail cache', { commitLogTailCacheUnreadReleaseMs: 0 }],
    ['disk reads (no tail cache)', { commitLogTailCacheBytesMax: 0 }],
  ] as const) {
    it(`${name}: every position handed to isMatchedByCommitLogAt is a small integer`, async () => {
      const store = await storeFrom(new FaultIO(), overrides);
      try {
        for (let i = 0; i < 40; i++) await store.putMessage(makeRecord({ topic: 'T', queueId: 0, body: `m${i}` }));
        assert.ok(store.commitLog.minOffset >= START, 'the log starts past 2^31');
        const positions: unknown[] = [];
        const filter: MessageFilter = {
          isMatchedByConsumeQueue: () => true,
          acceptsAllByConsumeQueue: true,
          isMatchedByCommitLogAt: (_buf: Buffer, pos: number) => {
            positions.push(pos);
            return positions.length % 3 === 0;
          },
        };
        for (let round = 0; round < 3; round++) {
          let offset = 0;
          while (offset < 40) offset = (await store.getMessage('T', 0, offset, 8, undefined, filter))!.nextBeginOffset;
        }
        assert.equal(positions.length, 120, 'every record examined in each of the 3 rounds');
        const heap = positions.filter((p) => !isSmi(p));
        assert.deepEqual(heap, [], `positions that are heap numbers: ${heap.length} of ${positions.length}`);
      } finally {
        await store.shutdown();
      }
    });
  }
});
