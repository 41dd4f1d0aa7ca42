import { ProtocolError, type ProtocolErrorKind } from '../errors';

/**
 * Bounds-checked big-endian reader over a Buffer. Every read past `end` throws a ProtocolError of the reader's
 * kind instead of a RangeError, so decoders never crash on truncated input.
 *
 * 64-bit integers are read as JS numbers when they fit in 53 bits (offsets and timestamps always do in practice:
 * 2^53 bytes is 8 PiB of commit log); readInt64Big returns a bigint for values that may not fit.
 */
export class ByteReader {
  pos: number;
  readonly end: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
    end = buf.length,
    readonly kind: ProtocolErrorKind = 'TRUNCATED',
  ) {
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new ProtocolError(
        this.kind,
        `truncated ${what}: need ${n} byte(s) at offset ${this.pos}, have ${this.end - this.pos}`,
      );
    }
  }

  int8(what = 'int8'): number {
    this.need(1, what);
    return this.buf.readInt8(this.pos++);
  }

  uint8(what = 'uint8'): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  int16(what = 'int16'): number {
    this.need(2, what);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  uint16(what = 'uint16'): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(what = 'int32'): number {
    this.need(4, what);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** int64 as a number; throws BAD_VALUE when the value is outside the safe-integer range. */
  int64(what = 'int64'): number {
    this.need(8, what);
    const v = readInt64(this.buf, this.pos);
    if (v === undefined) {
      throw new ProtocolError('BAD_VALUE', `${what} at offset ${this.pos} does not fit in 53 bits`);
    }
    this.pos += 8;
    return v;
  }

  int64Big(what = 'int64'): bigint {
    this.need(8, what);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  bytes(n: number, what = 'bytes'): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  utf8(n: number, what = 'string'): string {
    this.need(n, what);
    const v = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  skip(n: number, what = 'bytes'): void {
    this.need(n, what);
    this.pos += n;
  }
}

const TWO_32 = 4294967296;

/** Reads a big-endian int64 as a number, or undefined when it is not a safe integer. */
export function readInt64(buf: Buffer, pos: number): number | undefined {
  const hi = buf.readInt32BE(pos);
  const lo = buf.readUInt32BE(pos + 4);
  // |hi| < 2^21 keeps hi * 2^32 + lo within +-2^53.
  if (hi >= -0x200000 && hi < 0x200000) return hi * TWO_32 + lo;
  return undefined;
}

/** Writes a safe integer as big-endian int64 without allocating a bigint. */
export function writeInt64(buf: Buffer, value: number, pos: number): void {
  const lo = value % TWO_32;
  let hi = (value - lo) / TWO_32;
  let l = lo;
  if (l < 0) {
    l += TWO_32;
    hi -= 1;
  }
  buf.writeInt32BE(hi | 0, pos);
  buf.writeUInt32BE(l >>> 0, pos + 4);
}
