import { writeInt64 } from './reader';

/**
 * Growable big-endian writer. One instance can be reset and reused so that hot paths (response headers, pull
 * bodies) do not allocate a new buffer per message; `finish()` copies out exactly the written bytes, while
 * `view()` returns a subarray that is valid until the next reset.
 */
export class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  reset(): this {
    this.pos = 0;
    return this;
  }

  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }

  uint8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(((v << 16) >> 16), this.pos);
    this.pos += 2;
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v | 0, this.pos);
    this.pos += 4;
    return this;
  }

  int64(v: number): this {
    this.ensure(8);
    writeInt64(this.buf, v, this.pos);
    this.pos += 8;
    return this;
  }

  int64Big(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** Writes UTF-8 text without a length and returns the number of bytes written. */
  utf8(s: string): number {
    const max = s.length * 3;
    this.ensure(max);
    const n = this.buf.write(s, this.pos, 'utf8');
    this.pos += n;
    return n;
  }

  /** Reserves `n` bytes (e.g. a length to patch later) and returns their position. */
  reserve(n: number): number {
    this.ensure(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  patchInt32(at: number, v: number): void {
    this.buf.writeInt32BE(v | 0, at);
  }

  patchInt16(at: number, v: number): void {
    this.buf.writeInt16BE(((v << 16) >> 16), at);
  }

  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}
