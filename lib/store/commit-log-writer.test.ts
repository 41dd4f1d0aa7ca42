import * as assert from 'node:assert/strict';
import { iovecs } from './write-batch';

/** The commit log writer's writev(2) iovecs (write-batch.ts iovecs). */
describe('lib/store commit-log-writer iovecs', () => {
  it('rule: views cut back to back from one buffer join into one iovec (no copy); anything else stays apart, bytes and order unchanged', () => {
    const big = Buffer.from('abcdefghij');
    const other = Buffer.from('XYZ');
    const bufs = [big.subarray(0, 3), big.subarray(3, 4), big.subarray(4, 7), other, big.subarray(7, 10), big.subarray(8, 9)];
    const out = iovecs(bufs);
    assert.deepEqual(out.map((b) => b.toString()), ['abcdefg', 'XYZ', 'hij', 'i']);
    assert.equal(out[0]!.buffer, big.buffer, 'a view of the same memory');
    assert.equal(Buffer.concat(out).toString(), Buffer.concat(bufs).toString());
    assert.deepEqual(iovecs([]), []);
  });
});
