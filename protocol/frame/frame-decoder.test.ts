import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { FrameDecoder, FRAME_SIZE_MAX_DEFAULT } from './frame-decoder';
import { ProtocolError } from '../errors';

function frame(payload: Buffer): Buffer {
  const b = Buffer.alloc(4 + payload.length);
  b.writeInt32BE(payload.length, 0);
  payload.copy(b, 4);
  return b;
}

function collect(dec: FrameDecoder, chunks: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (const c of chunks) dec.push(c, (p) => out.push(Buffer.from(p)));
  return out;
}

function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    parts.push(buf.subarray(prev, p));
    prev = p;
  }
  parts.push(buf.subarray(prev));
  return parts;
}

describe('protocol/frame FrameDecoder', () => {
  it('returns whole frames from one chunk, in order', () => {
    const a = Buffer.from('00000001aa', 'hex');
    const frames = [Buffer.from('0000000011', 'hex'), Buffer.from('00000000', 'hex'), a];
    const out = collect(new FrameDecoder(), [Buffer.concat(frames.map(frame))]);
    assert.deepEqual(out, frames);
  });

  it('reassembles frames fed one byte at a time', () => {
    const frames = [Buffer.alloc(100, 7), Buffer.alloc(4, 1), Buffer.alloc(3000, 9)];
    const all = Buffer.concat(frames.map(frame));
    const bytes = [...all].map((b) => Buffer.from([b]));
    assert.deepEqual(collect(new FrameDecoder(), bytes), frames);
  });

  it('property: any split of any frame sequence yields the same frames', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 4, maxLength: 300 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (payloads, cuts) => {
          const frames = payloads.map((p) => Buffer.from(p));
          const all = Buffer.concat(frames.map(frame));
          assert.deepEqual(collect(new FrameDecoder(), splitAt(all, cuts)), frames);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rule frameSizeMax: a frame above 16 MiB including the length field is refused as soon as its length is seen', () => {
    const dec = new FrameDecoder();
    const head = Buffer.alloc(4);
    head.writeInt32BE(FRAME_SIZE_MAX_DEFAULT - 4 + 1, 0);
    assert.throws(
      () => dec.push(head, () => assert.fail('no frame expected')),
      (e: unknown) => e instanceof ProtocolError && e.kind === 'FRAME_TOO_LARGE',
    );
    // A poisoned decoder keeps refusing.
    assert.throws(() => dec.push(Buffer.alloc(1), () => undefined), ProtocolError);
  });

  it('rule frameSizeMax: exactly frameSizeMax is accepted (Java counts the length field)', () => {
    const max = 64;
    const dec = new FrameDecoder(max);
    const payload = Buffer.alloc(max - 4, 1);
    assert.deepEqual(collect(dec, [frame(payload)]), [payload]);
    assert.throws(() => collect(new FrameDecoder(max), [frame(Buffer.alloc(max - 3))]), /frameSizeMax/);
  });

  it('refuses a negative or too-small length, also when split across chunks', () => {
    for (const len of [-1, 0, 3, -2147483648]) {
      const b = Buffer.alloc(4);
      b.writeInt32BE(len, 0);
      assert.throws(
        () => collect(new FrameDecoder(), [b.subarray(0, 2), b.subarray(2)]),
        (e: unknown) => e instanceof ProtocolError && e.kind === 'FRAME_TOO_SMALL',
      );
    }
  });

  it('delivers frames completed before a bad length, then fails', () => {
    const good = Buffer.alloc(8, 2);
    const bad = Buffer.alloc(4);
    bad.writeInt32BE(1, 0);
    const out: Buffer[] = [];
    assert.throws(() => new FrameDecoder().push(Buffer.concat([frame(good), bad]), (p) => out.push(p)));
    assert.deepEqual(out, [good]);
  });

  it('reports pending bytes of an incomplete frame', () => {
    const dec = new FrameDecoder();
    const f = frame(Buffer.alloc(10));
    dec.push(f.subarray(0, 6), () => assert.fail());
    assert.equal(dec.pendingBytes, 6);
    let got = 0;
    dec.push(f.subarray(6), () => got++);
    assert.equal(got, 1);
    assert.equal(dec.pendingBytes, 0);
  });
});
