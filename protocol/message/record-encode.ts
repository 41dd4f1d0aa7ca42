import { ProtocolError } from '../errors';
import { put16, put32, put64 } from './bytes';
import { bodyCrc as computeBodyCrc } from './crc';
import type { HostAddress } from './host';
import {
  IPV4_SIZE,
  IPV6_SIZE,
  MessageSysFlag,
  type MessageVersion,
  MSG_BORN_HOST_OFFSET,
  PROPERTIES_BYTES_MAX,
  TOPIC_BYTES_MAX_V1,
  TOPIC_BYTES_MAX_V2,
  magicOfVersion,
  storedMessageSize,
} from './layout';

/**
 * Encoding side of the stored message record (layout in layout.ts): StoredMessageInit, storedMessageSizeOf and
 * encodeStoredMessage(Into). Values that do not fit the layout (topic too long for its version, properties over
 * 32767 bytes, bad address or port, unsafe 64-bit numbers) are a ProtocolError('MESSAGE'); int32 fields are
 * written with Java int wrap-around.
 */

export interface StoredMessageInit {
  /** Default: 1 (V1) unless the topic is longer than 127 UTF-8 bytes, then 2 (5.x autoMessageVersionOnTopicLen). */
  version?: MessageVersion;
  /** Default: computed from the body (crc32 & 0x7fffffff). */
  bodyCrc?: number;
  queueId: number;
  flag?: number;
  queueOffset?: number;
  physicalOffset?: number;
  /**
   * Written as given except the host bits: BORNHOST_V6_FLAG and STOREHOSTADDRESS_V6_FLAG are set from the address
   * sizes (as the Java broker does from the socket address: CommitLog#asyncPutMessage).
   */
  sysFlag?: number;
  bornTimestamp: number;
  bornHost: HostAddress;
  storeTimestamp?: number;
  storeHost: HostAddress;
  reconsumeTimes?: number;
  preparedTransactionOffset?: number;
  body: Uint8Array;
  topic: string;
  /** A properties string (see properties.ts) or its UTF-8 bytes. */
  properties?: string | Uint8Array;
}

function badValue(what: string): never {
  throw new ProtocolError('MESSAGE', `cannot encode message record: ${what}`);
}

function hostFlagBit(host: HostAddress, flag: number, which: string): number {
  const n = host.ip.length;
  if (n === IPV4_SIZE) return 0;
  if (n === IPV6_SIZE) return flag;
  return badValue(`${which} address has ${n} bytes (4 or 16 expected)`);
}

function checkPort(host: HostAddress, which: string): void {
  if (!Number.isInteger(host.port) || host.port < 0 || host.port > 0xffff) badValue(`${which} port ${host.port} is outside 0..65535`);
}

function long(v: number | undefined, which: string): number {
  const x = v ?? 0;
  if (!Number.isSafeInteger(x)) badValue(`${which} ${x} is not a safe integer`);
  return x;
}

/** The record size encodeStoredMessage will produce (no allocation). */
export function storedMessageSizeOf(m: StoredMessageInit): number {
  const topicLength = Buffer.byteLength(m.topic, 'utf8');
  const version = m.version ?? (topicLength > TOPIC_BYTES_MAX_V1 ? 2 : 1);
  const props = m.properties ?? '';
  const propertiesLength = typeof props === 'string' ? Buffer.byteLength(props, 'utf8') : props.length;
  const sysFlag = (m.bornHost.ip.length === IPV6_SIZE ? MessageSysFlag.BORNHOST_V6_FLAG : 0) |
    (m.storeHost.ip.length === IPV6_SIZE ? MessageSysFlag.STOREHOSTADDRESS_V6_FLAG : 0);
  return storedMessageSize(sysFlag, m.body.length, topicLength, propertiesLength, version);
}

/**
 * Encodes one record into `target` at `pos` and returns its size. Throws ProtocolError('MESSAGE') for values that
 * do not fit the layout (topic too long for its version, properties over 32767 bytes, bad address or port,
 * unsafe 64-bit numbers) and RangeError when `target` is too small. int32 fields are written with Java int
 * wrap-around (`| 0`).
 */
export function encodeStoredMessageInto(m: StoredMessageInit, target: Buffer, pos: number): number {
  const topicLength = Buffer.byteLength(m.topic, 'utf8');
  const version: MessageVersion = m.version ?? (topicLength > TOPIC_BYTES_MAX_V1 ? 2 : 1);
  if (version !== 1 && version !== 2) badValue(`unknown version ${String(version)}`);
  const topicMax = version === 2 ? TOPIC_BYTES_MAX_V2 : TOPIC_BYTES_MAX_V1;
  if (topicLength > topicMax) badValue(`topic of ${topicLength} bytes exceeds ${topicMax} (V${version})`);
  const props = m.properties ?? '';
  const propertiesLength = typeof props === 'string' ? Buffer.byteLength(props, 'utf8') : props.length;
  if (propertiesLength > PROPERTIES_BYTES_MAX) {
    badValue(`message properties length too long: ${propertiesLength} bytes exceed propertiesBytesMax ${PROPERTIES_BYTES_MAX}`);
  }
  checkPort(m.bornHost, 'BORNHOST');
  checkPort(m.storeHost, 'STOREHOST');
  const hostBits =
    hostFlagBit(m.bornHost, MessageSysFlag.BORNHOST_V6_FLAG, 'BORNHOST') |
    hostFlagBit(m.storeHost, MessageSysFlag.STOREHOSTADDRESS_V6_FLAG, 'STOREHOST');
  const sysFlag = ((m.sysFlag ?? 0) & ~(MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG)) | hostBits;
  const queueOffset = long(m.queueOffset, 'QUEUEOFFSET');
  const physicalOffset = long(m.physicalOffset, 'PHYSICALOFFSET');
  const bornTimestamp = long(m.bornTimestamp, 'BORNTIMESTAMP');
  const storeTimestamp = long(m.storeTimestamp, 'STORETIMESTAMP');
  const preparedTransactionOffset = long(m.preparedTransactionOffset, 'PREPAREDTRANSACTIONOFFSET');
  const body = m.body;
  const totalSize = storedMessageSize(sysFlag, body.length, topicLength, propertiesLength, version);
  if (totalSize > 0x7fffffff) badValue(`record of ${totalSize} bytes exceeds the int32 TOTALSIZE`);
  if (pos < 0 || pos + totalSize > target.length) {
    throw new RangeError(`record of ${totalSize} bytes does not fit at offset ${pos} of a ${target.length}-byte buffer`);
  }

  let p = pos;
  put32(target, p, totalSize);
  put32(target, p + 4, magicOfVersion(version));
  put32(target, p + 8, (m.bodyCrc ?? computeBodyCrc(body)) | 0);
  put32(target, p + 12, m.queueId | 0);
  put32(target, p + 16, (m.flag ?? 0) | 0);
  put64(target, p + 20, queueOffset);
  put64(target, p + 28, physicalOffset);
  put32(target, p + 36, sysFlag | 0);
  put64(target, p + 40, bornTimestamp);
  p += MSG_BORN_HOST_OFFSET;
  target.set(m.bornHost.ip, p);
  p += m.bornHost.ip.length;
  put32(target, p, m.bornHost.port);
  p += 4;
  put64(target, p, storeTimestamp);
  p += 8;
  target.set(m.storeHost.ip, p);
  p += m.storeHost.ip.length;
  put32(target, p, m.storeHost.port);
  p += 4;
  put32(target, p, (m.reconsumeTimes ?? 0) | 0);
  p += 4;
  put64(target, p, preparedTransactionOffset);
  p += 8;
  put32(target, p, body.length);
  p += 4;
  target.set(body, p);
  p += body.length;
  if (version === 2) {
    put16(target, p, topicLength);
    p += 2;
  } else {
    target[p++] = topicLength;
  }
  p += target.write(m.topic, p, topicLength, 'utf8');
  put16(target, p, propertiesLength);
  p += 2;
  if (typeof props === 'string') p += target.write(props, p, propertiesLength, 'utf8');
  else {
    target.set(props, p);
    p += propertiesLength;
  }
  return p - pos;
}

/** Encodes one record into a new buffer (see encodeStoredMessageInto). */
export function encodeStoredMessage(m: StoredMessageInit): Buffer {
  const out = Buffer.allocUnsafe(storedMessageSizeOf(m));
  const n = encodeStoredMessageInto(m, out, 0);
  return n === out.length ? out : out.subarray(0, n);
}
