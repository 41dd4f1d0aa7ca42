import { strict as assert } from 'node:assert';
import { ackedCount, readReceiveStream, sideRssMiB } from './receive';

describe('bench/grpc receive helpers', () => {
  it('reads the status line and every message handle of a ReceiveMessage stream (oneof content)', () => {
    const out = readReceiveStream([
      { content: 'status', status: { code: 'OK', message: 'OK' } },
      { content: 'message', message: { systemProperties: { messageId: 'A', receiptHandle: 'rh-a' } } },
      { content: 'message', message: { systemProperties: { messageId: 'B', receiptHandle: 'rh-b' } } },
      { content: 'deliveryTimestamp', deliveryTimestamp: { seconds: 1, nanos: 0 } },
    ]);
    assert.equal(out.code, 'OK');
    assert.deepEqual(out.handles, [{ messageId: 'A', receiptHandle: 'rh-a' }, { messageId: 'B', receiptHandle: 'rh-b' }]);
  });

  it('reports MESSAGE_NOT_FOUND with no handles, and NONE for a stream without a status', () => {
    assert.deepEqual(readReceiveStream([{ content: 'status', status: { code: 'MESSAGE_NOT_FOUND', message: 'no new message' } }]), { code: 'MESSAGE_NOT_FOUND', message: 'no new message', handles: [] });
    assert.equal(readReceiveStream([]).code, 'NONE');
  });

  it('counts only the OK entries of an AckMessage answer; the call status stands in for an entry without one', () => {
    assert.equal(ackedCount({ status: { code: 'OK' }, entries: [{ status: { code: 'OK' } }, { status: { code: 'INVALID_RECEIPT_HANDLE' } }] }), 1);
    assert.equal(ackedCount({ status: { code: 'OK' }, entries: [{}, {}] }), 2);
    assert.equal(ackedCount({ status: { code: 'BAD_REQUEST' }, entries: [] }), 0);
    assert.equal(ackedCount(undefined), 0);
  });

  it('sums the peak RSS of a side; no processes is unknown', () => {
    assert.equal(sideRssMiB([100, 200.5]), 300.5);
    assert.ok(Number.isNaN(sideRssMiB([])));
  });
});
