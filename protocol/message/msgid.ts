import { ProtocolError } from '../errors';
import { readInt64, writeInt64 } from '../codec';
import { type HostAddress, formatIp } from './host';
import { IPV4_SIZE, IPV6_SIZE, MSG_PHYSICAL_OFFSET_OFFSET, MSG_SYS_FLAG_OFFSET, storeHostOffset, storeHostSize } from './layout';

/**
 * Message ids.
 *
 * Offset msgId (broker-made: send response msgId, SendResult#offsetMsgId, VIEW_MESSAGE_BY_ID), upper-case hex
 * (Java: MessageDecoder#createMessageId / #decodeMessageId, UtilAll#bytes2string):
 *
 *   storeHost ip (4 | 16) | storeHost port int32 | commit log offset int64
 *   IPv4: 16 bytes = 32 hex chars; IPv6: 28 bytes = 56 hex chars. Decoders pick IPv4 by length 32 only.
 *
 * Client id, property UNIQ_KEY (Java: MessageClientIDSetter#createUniqID), upper-case hex:
 *
 *   ip (4 | 16) | pid int16 | classLoader hashCode int32 (Go: 0) | ms since the start of the month int32 | counter int16
 *   IPv4: 16 bytes = 32 hex chars; IPv6: 28 bytes = 56 hex chars.
 *
 * The month starts at local midnight of day 1 in the producer's default time zone (java.util.Calendar).
 */
export const OFFSET_MSG_ID_LENGTH_V4 = (IPV4_SIZE + 4 + 8) * 2; // 32
export const OFFSET_MSG_ID_LENGTH_V6 = (IPV6_SIZE + 4 + 8) * 2; // 56
export const UNIQ_ID_LENGTH_V4 = (IPV4_SIZE + 2 + 4 + 4 + 2) * 2; // 32
export const UNIQ_ID_LENGTH_V6 = (IPV6_SIZE + 2 + 4 + 4 + 2) * 2; // 56

const HEX_RE = /^[0-9a-fA-F]*$/;

function hexBytes(id: string, what: string, lengths: readonly number[]): Buffer {
  if (!lengths.includes(id.length) || !HEX_RE.test(id)) {
    throw new ProtocolError('BAD_VALUE', `${what} must be ${lengths.join(' or ')} hex characters: "${id.slice(0, 80)}"`);
  }
  return Buffer.from(id, 'hex');
}

// ---- offset msgId ----

/** Java: MessageDecoder#createMessageId(SocketAddress, long). The offset is a safe integer or any int64 bigint. */
export function createOffsetMsgId(storeHost: HostAddress, commitLogOffset: number | bigint): string {
  const n = storeHost.ip.length;
  if (n !== IPV4_SIZE && n !== IPV6_SIZE) throw new ProtocolError('BAD_VALUE', `store host address has ${n} bytes (4 or 16 expected)`);
  const b = Buffer.allocUnsafe(n + 12);
  b.set(storeHost.ip, 0);
  b.writeInt32BE(storeHost.port | 0, n);
  if (typeof commitLogOffset === 'bigint') b.writeBigInt64BE(BigInt.asIntN(64, commitLogOffset), n + 4);
  else writeInt64(b, commitLogOffset, n + 4);
  return b.toString('hex').toUpperCase();
}

/** Upper-case hex digits, as bytes. */
const HEX_DIGITS = Buffer.from('0123456789ABCDEF', 'latin1');

/**
 * The offset msgIds of the records at `commitLogOffsets` (safe integers), joined with ',': the msgId a batch send is
 * answered with (Java: CommitLog$DefaultAppendMessageCallback#doAppend(MessageExtBatch), its msgIdSupplier). Equal
 * to mapping createOffsetMsgId and joining, written into one buffer: a batch of 16 took 4.1 µs that way, 1.5 µs
 * this way (bench/results/2026-12-05-batch-path-ab.md).
 */
export function createOffsetMsgIds(storeHost: HostAddress, commitLogOffsets: readonly number[]): string {
  const n = storeHost.ip.length;
  if (n !== IPV4_SIZE && n !== IPV6_SIZE) throw new ProtocolError('BAD_VALUE', `store host address has ${n} bytes (4 or 16 expected)`);
  const k = commitLogOffsets.length;
  if (k === 0) return '';
  const raw = Buffer.allocUnsafe(n + 12);
  raw.set(storeHost.ip, 0);
  raw.writeInt32BE(storeHost.port | 0, n);
  const idChars = 2 * raw.length;
  const out = Buffer.allocUnsafe(k * (idChars + 1) - 1);
  let p = 0;
  for (let i = 0; i < k; i++) {
    if (i > 0) out[p++] = 0x2c; // ','
    writeInt64(raw, commitLogOffsets[i]!, n + 4);
    for (let j = 0; j < raw.length; j++) {
      const b = raw[j]!;
      out[p++] = HEX_DIGITS[b >> 4]!;
      out[p++] = HEX_DIGITS[b & 15]!;
    }
  }
  return out.toString('latin1', 0, p);
}

/**
 * The offset msgId of a well-formed record (STOREHOST + PHYSICALOFFSET), as the broker answers a send and as
 * clients compute it when decoding (Java: MessageDecoder#decode, CommitLog$DefaultAppendMessageCallback msgIdSupplier).
 */
export function offsetMsgIdOfRecord(buf: Buffer, pos: number): string {
  const sysFlag = buf.readInt32BE(pos + MSG_SYS_FLAG_OFFSET);
  const at = pos + storeHostOffset(sysFlag);
  const hostLen = storeHostSize(sysFlag);
  const b = Buffer.allocUnsafe(hostLen + 8);
  buf.copy(b, 0, at, at + hostLen);
  buf.copy(b, hostLen, pos + MSG_PHYSICAL_OFFSET_OFFSET, pos + MSG_PHYSICAL_OFFSET_OFFSET + 8);
  return b.toString('hex').toUpperCase();
}

export interface OffsetMsgId {
  /** The store host: connect here for VIEW_MESSAGE_BY_ID. */
  host: HostAddress;
  /** The commit log offset; exact up to 2^53 (every real offset), see offsetBig. */
  offset: number;
  /** The commit log offset as written (any int64). */
  offsetBig: bigint;
}

/**
 * Java: MessageDecoder#decodeMessageId: 32 characters = IPv4, anything else IPv6. Apogee accepts exactly 32 or 56
 * hex characters in either case (Java also accepts longer strings and ignores the rest, and reads garbage for
 * non-hex characters); anything else is ProtocolError('BAD_VALUE').
 */
export function decodeOffsetMsgId(id: string): OffsetMsgId {
  const b = hexBytes(id, 'an offset msgId', [OFFSET_MSG_ID_LENGTH_V4, OFFSET_MSG_ID_LENGTH_V6]);
  const ipLen = id.length === OFFSET_MSG_ID_LENGTH_V4 ? IPV4_SIZE : IPV6_SIZE;
  const port = b.readInt32BE(ipLen);
  const offsetBig = b.readBigInt64BE(ipLen + 4);
  return { host: { ip: b.subarray(0, ipLen), port }, offset: readInt64(b, ipLen + 4) ?? Number(offsetBig), offsetBig };
}

// ---- client id (UNIQ_KEY) ----

/**
 * Start of the calendar month containing `ms`, moved by `deltaMonths` months. The default is the local time zone
 * (as Java's Calendar.getInstance() in the JVM default zone); utcMonthStart makes ids independent of TZ.
 */
export type MonthStartFn = (ms: number, deltaMonths: number) => number;

export const localMonthStart: MonthStartFn = (ms, delta) => {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth() + delta, 1, 0, 0, 0, 0).getTime();
};

export const utcMonthStart: MonthStartFn = (ms, delta) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + delta, 1);
};

export interface UniqIdGeneratorOptions {
  /** The client's address, 4 or 16 bytes (Java: UtilAll#getIP, a fake 4-byte IP when it has none). */
  ip: Uint8Array;
  /** Process id; only the low 16 bits are written. */
  pid: number;
  /** Java writes MessageClientIDSetter.class.getClassLoader().hashCode(); Go writes 0. Default 0. */
  classLoaderHash?: number;
  /** Milliseconds now; default Date.now. */
  clock?: () => number;
  /** Month boundaries; default localMonthStart. */
  monthStart?: MonthStartFn;
  /** First counter value; default 0 (Java AtomicInteger starts at 0; Go increments before use, so starts at 1). */
  counter?: number;
}

/** Java: MessageClientIDSetter#createUniqID. Deterministic for a given clock. */
export class UniqIdGenerator {
  private readonly prefix: string;
  private readonly clock: () => number;
  private readonly monthStart: MonthStartFn;
  private readonly tail = Buffer.alloc(6);
  private startTime: number;
  private nextStartTime: number;
  private counter: number;

  constructor(options: UniqIdGeneratorOptions) {
    const n = options.ip.length;
    if (n !== IPV4_SIZE && n !== IPV6_SIZE) throw new ProtocolError('BAD_VALUE', `client address has ${n} bytes (4 or 16 expected)`);
    const fix = Buffer.alloc(n + 6);
    fix.set(options.ip, 0);
    fix.writeInt16BE((options.pid << 16) >> 16, n);
    fix.writeInt32BE((options.classLoaderHash ?? 0) | 0, n + 2);
    this.prefix = fix.toString('hex').toUpperCase();
    this.clock = options.clock ?? Date.now;
    this.monthStart = options.monthStart ?? localMonthStart;
    this.counter = options.counter ?? 0;
    const now = this.clock();
    this.startTime = this.monthStart(now, 0);
    this.nextStartTime = this.monthStart(now, 1);
  }

  next(): string {
    const current = this.clock();
    if (current >= this.nextStartTime) {
      this.startTime = this.monthStart(current, 0);
      this.nextStartTime = this.monthStart(current, 1);
    }
    let diff = (current - this.startTime) | 0; // Java: (int) (current - startTime)
    if (diff < 0 && diff > -1_000_000) diff = 0; // Java: "may cause by NTP"
    this.tail.writeInt32BE(diff, 0);
    this.tail.writeUInt16BE(this.counter & 0xffff, 4);
    this.counter = (this.counter + 1) | 0;
    return this.prefix + this.tail.toString('hex').toUpperCase();
  }
}

/**
 * The bytes of a client id. Java's readers accept any length and take 28 bytes (56 hex characters) as IPv6,
 * anything else as IPv4; a field past the end is an exception. Here: an even number of hex characters, and
 * `need` bytes at least, else ProtocolError('BAD_VALUE').
 */
function uniqBytes(id: string, need: (ipLen: number, n: number) => number): { b: Buffer; ipLen: number } {
  if (id.length % 2 !== 0 || !HEX_RE.test(id)) {
    throw new ProtocolError('BAD_VALUE', `a client msgId (UNIQ_KEY) must be hex characters, an even number of them: "${id.slice(0, 80)}"`);
  }
  const b = Buffer.from(id, 'hex');
  const ipLen = b.length === UNIQ_ID_LENGTH_V6 / 2 ? IPV6_SIZE : IPV4_SIZE;
  const min = need(ipLen, b.length);
  if (b.length < min) {
    throw new ProtocolError('BAD_VALUE', `client msgId (UNIQ_KEY) "${id.slice(0, 80)}" is too short: ${b.length} bytes, need ${min}`);
  }
  return { b, ipLen };
}

/** Java: MessageClientIDSetter#getIPFromID (28 bytes = IPv6, else IPv4). */
export function ipFromUniqId(id: string): Buffer {
  const { b, ipLen } = uniqBytes(id, (ipLen) => ipLen);
  return b.subarray(0, ipLen);
}

/**
 * Java: MessageClientIDSetter#getIPStrFromID, which prints IPv6 with UtilAll#ipToIPv6Str: eight groups of four
 * zero-padded hex digits ("0000:0000:...:0001"), unlike InetAddress.
 */
export function ipStringFromUniqId(id: string): string {
  const ip = ipFromUniqId(id);
  if (ip.length === IPV4_SIZE) return formatIp(ip);
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(ip.toString('hex', i, i + 2));
  return groups.join(':');
}

/** Java: MessageClientIDSetter#getPidFromID: the unsigned int16 12 bytes before the end. */
export function pidFromUniqId(id: string): number {
  const { b } = uniqBytes(id, () => 12);
  return b.readUInt16BE(b.length - 12);
}

export interface NearlyTimeOptions {
  /** Milliseconds now; default Date.now(). */
  now?: number;
  monthStart?: MonthStartFn;
}

/**
 * Java: MessageClientIDSetter#getNearlyTimeFromID: the send time estimated from the id's month offset (an unsigned
 * 32-bit number of ms), placed in the current month, or in the previous one when that would not be in the past.
 */
export function nearlyTimeFromUniqId(id: string, options: NearlyTimeOptions = {}): number {
  const { b, ipLen } = uniqBytes(id, (ipLen) => ipLen + 2 + 4 + 4);
  const spanMs = b.readUInt32BE(ipLen + 2 + 4);
  const now = options.now ?? Date.now();
  const monthStart = options.monthStart ?? localMonthStart;
  let start = monthStart(now, 0);
  if (start + spanMs >= now) start = monthStart(now, -1);
  return start + spanMs;
}
