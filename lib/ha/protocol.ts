/**
 * The wire of RocketMQ's default HA protocol (Java: DefaultHAConnection, DefaultHAClient): raw TCP, no remoting
 * frames, big-endian.
 *
 * Contract. Owns: the two message layouts below, their encoders and the two incremental decoders (chunks in,
 *   whole messages out). May call: node:buffer only. Invariants: a decoder never holds more than one message plus
 *   one chunk; a transfer body above `bodyBytesMax` or a negative size is a protocol error (the caller closes
 *   the connection); decoding is the same whatever the chunking.
 *
 * slave -> master, the report (also the slave's heartbeat, every haSendHeartbeatInterval):
 * ┌──────────────────────────────┐
 * │ maxPhyOffset  int64 (8)      │  everything before it is in the slave's commit log
 * └──────────────────────────────┘
 * master -> slave, a transfer (a heartbeat is a transfer with bodySize 0, every haSendHeartbeatInterval idle):
 * ┌──────────────────────────────┬────────────────────┬──────────────────────────┐
 * │ phyOffset  int64 (8)         │ bodySize int32 (4) │ body (bodySize bytes)    │
 * └──────────────────────────────┴────────────────────┴──────────────────────────┘
 *   phyOffset: where body starts in the master's commit log (for a heartbeat: where the next body will start).
 *   body: raw commit log bytes, never across a commit log file, at most haTransferBatchSize.
 */

export const REPORT_OFFSET_POS = 0;
export const REPORT_SIZE = 8; // Java: DefaultHAClient.REPORT_HEADER_SIZE
export const TRANSFER_PHY_OFFSET_POS = 0;
export const TRANSFER_BODY_SIZE_POS = 8;
export const TRANSFER_HEADER_SIZE = 12; // Java: DefaultHAConnection.TRANSFER_HEADER_SIZE

export class HaProtocolError extends Error {}

export function encodeReport(maxPhyOffset: number): Buffer {
  const b = Buffer.allocUnsafe(REPORT_SIZE);
  b.writeBigInt64BE(BigInt(maxPhyOffset), REPORT_OFFSET_POS);
  return b;
}

export function encodeTransferHeader(phyOffset: number, bodySize: number): Buffer {
  const b = Buffer.allocUnsafe(TRANSFER_HEADER_SIZE);
  b.writeBigInt64BE(BigInt(phyOffset), TRANSFER_PHY_OFFSET_POS);
  b.writeInt32BE(bodySize, TRANSFER_BODY_SIZE_POS);
  return b;
}

function readOffset(b: Buffer, pos: number): number {
  const v = b.readBigInt64BE(pos);
  if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new HaProtocolError(`offset ${v} out of range`);
  return Number(v);
}

/**
 * Master side: the slave's reports. Java's ReadSocketService keeps only the last whole report of what it read;
 * every whole report is handed out here (the last one wins the same way).
 */
export class ReportDecoder {
  private partial: Buffer = Buffer.alloc(0);

  /** Returns the offsets of the whole reports in `chunk` (with bytes kept from before), in order. */
  push(chunk: Buffer): number[] {
    const b = this.partial.length > 0 ? Buffer.concat([this.partial, chunk]) : chunk;
    const out: number[] = [];
    let pos = 0;
    while (b.length - pos >= REPORT_SIZE) {
      out.push(readOffset(b, pos));
      pos += REPORT_SIZE;
    }
    this.partial = Buffer.from(b.subarray(pos));
    return out;
  }
}

export interface Transfer {
  phyOffset: number;
  body: Buffer;
}

/** A transfer as received: its body as the views of the read chunks that hold it (no copy), in order. */
export interface TransferParts {
  phyOffset: number;
  size: number;
  parts: Buffer[];
}

/** Slave side: the master's transfers. */
export class TransferDecoder {
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly bodyBytesMax: number) {}

  /** Buffered bytes not yet part of a whole transfer. */
  get buffered(): number {
    return this.bytes;
  }

  /** Adds a chunk; returns the whole transfers now available, in order. Throws HaProtocolError on bad input. */
  push(chunk: Buffer): Transfer[] {
    return this.pushParts(chunk).map((t) => ({ phyOffset: t.phyOffset, body: t.parts.length === 1 ? t.parts[0]! : Buffer.concat(t.parts, t.size) }));
  }

  /**
   * As push, but each body stays the views of the chunks it arrived in: a caller that joins several transfers
   * copies each byte once (a 32 KiB transfer spans two 64 KiB socket reads more often than not).
   */
  pushParts(chunk: Buffer): TransferParts[] {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    const out: TransferParts[] = [];
    for (;;) {
      if (this.bytes < TRANSFER_HEADER_SIZE) break;
      const head = this.header();
      const phyOffset = readOffset(head, TRANSFER_PHY_OFFSET_POS);
      const size = head.readInt32BE(TRANSFER_BODY_SIZE_POS);
      if (size < 0 || size > this.bodyBytesMax) throw new HaProtocolError(`transfer body of ${size} bytes (bodyBytesMax ${this.bodyBytesMax})`);
      if (this.bytes < TRANSFER_HEADER_SIZE + size) break;
      this.take(TRANSFER_HEADER_SIZE);
      out.push({ phyOffset, size, parts: this.take(size) });
    }
    return out;
  }

  reset(): void {
    this.chunks = [];
    this.bytes = 0;
  }

  /** The first TRANSFER_HEADER_SIZE buffered bytes (a view, or a 12-byte copy when they span chunks). */
  private header(): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= TRANSFER_HEADER_SIZE) return first;
    const h = Buffer.allocUnsafe(TRANSFER_HEADER_SIZE);
    let at = 0;
    for (const c of this.chunks) {
      at += c.copy(h, at, 0, Math.min(c.length, TRANSFER_HEADER_SIZE - at));
      if (at === TRANSFER_HEADER_SIZE) break;
    }
    return h;
  }

  /** Removes the next n buffered bytes; returns them as views of the chunks. */
  private take(n: number): Buffer[] {
    const parts: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const c = this.chunks[0]!;
      if (c.length <= left) {
        parts.push(c);
        this.chunks.shift();
        left -= c.length;
      } else {
        parts.push(c.subarray(0, left));
        this.chunks[0] = c.subarray(left);
        left = 0;
      }
    }
    this.bytes -= n;
    return parts;
  }
}
