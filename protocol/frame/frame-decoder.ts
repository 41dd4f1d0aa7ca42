import { ProtocolError } from '../errors';

/**
 * Length-prefixed framing: push socket chunks in, get whole frames out.
 *
 *  +-------------+----------------------------------------+
 *  | totalLength | payload (totalLength bytes)            |
 *  | int32 BE    | headerLenWord, header, body            |
 *  +-------------+----------------------------------------+
 *
 * Java decodes with Netty LengthFieldBasedFrameDecoder(maxFrameLength = 16777216, 0, 4, 0, 4): the whole frame,
 * length field included, must not exceed maxFrameLength. FRAME_SIZE_MAX_DEFAULT mirrors that. A frame whose
 * payload cannot even hold the 4-byte header length word is malformed.
 *
 * Frames that lie entirely inside one chunk are returned as zero-copy subarrays; only a frame split across
 * chunks is assembled (one copy). After an error the decoder is poisoned: the connection must be closed.
 */
export const FRAME_SIZE_MAX_DEFAULT = 16 * 1024 * 1024;
const LENGTH_SIZE = 4;
const PAYLOAD_MIN = 4;

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Payload length of the frame being assembled, or -1 while its length prefix is incomplete. */
  private want = -1;
  private failed: ProtocolError | null = null;

  constructor(readonly frameSizeMax: number = FRAME_SIZE_MAX_DEFAULT) {
    if (!(frameSizeMax >= LENGTH_SIZE + PAYLOAD_MIN)) throw new RangeError(`frameSizeMax too small: ${frameSizeMax}`);
  }

  /** Bytes held for an incomplete frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /**
   * Feeds a chunk; calls onFrame(payload) for each complete frame, in order. Throws ProtocolError on a bad
   * length; frames completed before the bad one have already been delivered.
   */
  push(chunk: Buffer, onFrame: (payload: Buffer) => void): void {
    if (this.failed) throw this.failed;
    let pos = 0;
    if (this.buffered > 0) {
      pos = this.fillPending(chunk, onFrame);
      if (pos < 0) return;
    }
    // Fast path: parse frames straight out of the chunk.
    const len = chunk.length;
    while (len - pos >= LENGTH_SIZE) {
      const payloadLen = chunk.readInt32BE(pos);
      this.check(payloadLen);
      const end = pos + LENGTH_SIZE + payloadLen;
      if (end > len) break;
      onFrame(chunk.subarray(pos + LENGTH_SIZE, end));
      pos = end;
    }
    if (pos < len) {
      const rest = chunk.subarray(pos);
      this.chunks.push(rest);
      this.buffered = rest.length;
      this.want = rest.length >= LENGTH_SIZE ? rest.readInt32BE(0) : -1;
    }
  }

  /** Completes the pending frame with bytes from `chunk`; returns the position after it, or -1 if still short. */
  private fillPending(chunk: Buffer, onFrame: (payload: Buffer) => void): number {
    let pos = 0;
    if (this.want < 0) {
      // Complete the 4-byte length prefix first.
      const need = LENGTH_SIZE - this.buffered;
      const take = Math.min(need, chunk.length);
      this.chunks.push(chunk.subarray(0, take));
      this.buffered += take;
      pos = take;
      if (this.buffered < LENGTH_SIZE) return -1;
      const prefix = Buffer.concat(this.chunks, LENGTH_SIZE);
      this.chunks = [prefix];
      this.want = prefix.readInt32BE(0);
    }
    this.check(this.want);
    const total = LENGTH_SIZE + this.want;
    const need = total - this.buffered;
    if (chunk.length - pos < need) {
      if (chunk.length > pos) this.chunks.push(chunk.subarray(pos));
      this.buffered += chunk.length - pos;
      return -1;
    }
    this.chunks.push(chunk.subarray(pos, pos + need));
    const frame = Buffer.concat(this.chunks, total);
    this.chunks = [];
    this.buffered = 0;
    this.want = -1;
    onFrame(frame.subarray(LENGTH_SIZE));
    return pos + need;
  }

  private check(payloadLen: number): void {
    if (payloadLen < PAYLOAD_MIN) {
      this.fail(new ProtocolError('FRAME_TOO_SMALL', `frame length ${payloadLen} is below the ${PAYLOAD_MIN}-byte minimum`));
    }
    if (payloadLen > this.frameSizeMax - LENGTH_SIZE) {
      this.fail(
        new ProtocolError(
          'FRAME_TOO_LARGE',
          `frame of ${payloadLen + LENGTH_SIZE} bytes exceeds frameSizeMax ${this.frameSizeMax}`,
        ),
      );
    }
  }

  private fail(e: ProtocolError): never {
    this.failed = e;
    this.chunks = [];
    this.buffered = 0;
    throw e;
  }
}
