import * as assert from 'node:assert/strict';
import { HaProtocolError, REPORT_SIZE, ReportDecoder, TRANSFER_BODY_SIZE_POS, TRANSFER_HEADER_SIZE, TRANSFER_PHY_OFFSET_POS, TransferDecoder, encodeReport, encodeTransferHeader } from './protocol';

/** The HA wire (Java: DefaultHAConnection.TRANSFER_HEADER_SIZE = 8 + 4, DefaultHAClient.REPORT_HEADER_SIZE = 8). */
describe('lib/ha protocol', () => {
  it('rule: the layout constants add up to Java\'s header sizes', () => {
    assert.equal(TRANSFER_PHY_OFFSET_POS + 8, TRANSFER_BODY_SIZE_POS);
    assert.equal(TRANSFER_BODY_SIZE_POS + 4, TRANSFER_HEADER_SIZE);
    assert.equal(REPORT_SIZE, 8);
    assert.deepEqual([...encodeTransferHeader(0x0102030405, 7)], [0, 0, 0, 1, 2, 3, 4, 5, 0, 0, 0, 7]);
    assert.deepEqual([...encodeReport(258)], [0, 0, 0, 0, 0, 0, 1, 2]);
  });

  it('rule: transfers decode the same fed byte by byte or whole, heartbeats (size 0) included', () => {
    const frames = [Buffer.concat([encodeTransferHeader(100, 3), Buffer.from('abc')]), encodeTransferHeader(103, 0), Buffer.concat([encodeTransferHeader(103, 2), Buffer.from('de')])];
    const all = Buffer.concat(frames);
    const whole = new TransferDecoder(1024).push(all);
    const d = new TransferDecoder(1024);
    const bytewise = [...all].flatMap((b) => d.push(Buffer.from([b])));
    for (const got of [whole, bytewise]) {
      assert.deepEqual(got.map((t) => [t.phyOffset, t.body.toString()]), [[100, 'abc'], [103, ''], [103, 'de']]);
    }
    assert.equal(d.buffered, 0);
  });

  it('rule: pushParts hands out bodies as views of the chunks they arrived in (no copy), split where the chunks split', () => {
    const frame = Buffer.concat([encodeTransferHeader(7, 10), Buffer.from('0123456789'), encodeTransferHeader(17, 2), Buffer.from('ab')]);
    const a = frame.subarray(0, 16);
    const b = frame.subarray(16);
    const d = new TransferDecoder(1024);
    assert.deepEqual(d.pushParts(a), []);
    const got = d.pushParts(b);
    assert.deepEqual(got.map((t) => [t.phyOffset, t.size, Buffer.concat(t.parts).toString()]), [[7, 10, '0123456789'], [17, 2, 'ab']]);
    assert.deepEqual(got[0]!.parts.map((p) => p.length), [4, 6]);
    for (const t of got) for (const p of t.parts) assert.equal(p.buffer, frame.buffer, 'a view, not a copy');
    assert.equal(d.buffered, 0);
  });

  it('rule: a body above bodyBytesMax, a negative size or a negative offset is a protocol error', () => {
    assert.throws(() => new TransferDecoder(10).push(encodeTransferHeader(0, 11)), HaProtocolError);
    assert.doesNotThrow(() => new TransferDecoder(10).push(encodeTransferHeader(0, 10)));
    assert.throws(() => new TransferDecoder(10).push(encodeTransferHeader(0, -1)), HaProtocolError);
    assert.throws(() => new TransferDecoder(10).push(Buffer.alloc(12, 0xff)), HaProtocolError);
  });

  it('rule: reports come out whole whatever the chunking; a partial one waits', () => {
    const r = new ReportDecoder();
    const two = Buffer.concat([encodeReport(5), encodeReport(9)]);
    assert.deepEqual(r.push(two.subarray(0, 11)), [5]);
    assert.deepEqual(r.push(two.subarray(11)), [9]);
    assert.throws(() => r.push(Buffer.alloc(8, 0xff)), HaProtocolError);
  });
});
