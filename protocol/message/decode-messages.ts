import { inflateBody } from './compression';
import { formatHost, isIpv4Mapped } from './host';
import { IPV6_SIZE, MessageSysFlag } from './layout';
import { createOffsetMsgId } from './msgid';
import { MessageConst, parseProperties } from './properties';
import { type StoredMessage, decodeStoredMessage } from './record';

/**
 * Client-side decode of a PULL_MESSAGE / QUERY_MESSAGE / VIEW_MESSAGE_BY_ID body (records back to back) into the
 * messages a Java client exposes (Java: MessageDecoder#decodes / #decodesBatch with isClient, MessageClientExt).
 * Used by Apogee's own client, the admin tools and tests.
 */
export interface MessageView {
  topic: string;
  queueId: number;
  queueOffset: number;
  /** PHYSICALOFFSET. */
  commitLogOffset: number;
  /** TOTALSIZE. */
  storeSize: number;
  bodyCrc: number;
  flag: number;
  /** SYSFLAG; COMPRESSED_FLAG is cleared when the body was inflated (5.x; 4.9.x keeps it, see keepCompressedFlag). */
  sysFlag: number;
  bornTimestamp: number;
  /** "ip:port" (IPv6 as Java prints it, e.g. "0:0:0:0:0:0:0:1:10911"). */
  bornHost: string;
  storeTimestamp: number;
  storeHost: string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  /** Offset msgId from STOREHOST and PHYSICALOFFSET (Java: MessageClientExt#getOffsetMsgId). */
  offsetMsgId: string;
  /** UNIQ_KEY when present, else offsetMsgId (Java: MessageClientExt#getMsgId). */
  msgId: string;
  tags: string | null;
  keys: string | null;
  /** Parsed as Java's string2messageProperties, in wire order. */
  properties: Map<string, string>;
  /**
   * The body, inflated when it was compressed with zlib; as stored when `error` is set. Empty when BODYLENGTH is 0
   * (Java leaves MessageExt#getBody() null then).
   */
  body: Buffer;
  /**
   * Set when the body could not be decompressed (LZ4/ZSTD, an unknown compression type, corrupt zlib data, or an
   * inflated size over inflatedBodyBytesMax). Java's decode returns null there and drops the rest of the body;
   * Apogee keeps going and reports the message.
   */
  error?: string;
}

export interface DecodeMessagesOptions {
  /** Inflate compressed bodies (Java: ClientConfig#decodeDecompressBody, default true). */
  decompress?: boolean;
  /** Keep COMPRESSED_FLAG in sysFlag after inflating, as 4.9.x Java does. Default false (5.x). */
  keepCompressedFlag?: boolean;
  /** Refuse to inflate one body beyond this many bytes (reported as `error`); default 64 MiB. */
  inflatedBodyBytesMax?: number;
  /** Check BODYCRC (Java 5.x checkCRC); a mismatch is a ProtocolError. Default false. */
  checkCrc?: boolean;
}

/**
 * Java's decode builds the offset msgId from MessageExt#getStoreHostBytes, i.e. from the InetAddress; an IPv4-mapped
 * IPv6 store host has become an Inet4Address (8 bytes with the port) while the id buffer was sized for IPv6, so
 * the id is the IPv4 form followed by 24 zero digits. Reproduced for fidelity; Apogee never writes such a host.
 */
function viewOffsetMsgId(m: StoredMessage): string {
  const ip = m.storeHost.ip;
  if (ip.length === IPV6_SIZE && isIpv4Mapped(ip)) {
    return createOffsetMsgId({ ip: ip.subarray(12), port: m.storeHost.port }, m.physicalOffset) + '0'.repeat(24);
  }
  return createOffsetMsgId(m.storeHost, m.physicalOffset);
}

/** The client view of one decoded record. */
export function toMessageView(m: StoredMessage, storeSize: number, options: DecodeMessagesOptions = {}): MessageView {
  const properties = parseProperties(m.properties);
  const offsetMsgId = viewOffsetMsgId(m);
  let body = m.body;
  let sysFlag = m.sysFlag;
  let error: string | undefined;
  if ((sysFlag & MessageSysFlag.COMPRESSED_FLAG) !== 0 && options.decompress !== false && body.length > 0) {
    const r = inflateBody(body, sysFlag, options.inflatedBodyBytesMax);
    if (r.ok) {
      body = r.body;
      if (options.keepCompressedFlag !== true) sysFlag &= ~MessageSysFlag.COMPRESSED_FLAG;
    } else {
      error = r.error;
    }
  }
  const view: MessageView = {
    topic: m.topic,
    queueId: m.queueId,
    queueOffset: m.queueOffset,
    commitLogOffset: m.physicalOffset,
    storeSize,
    bodyCrc: m.bodyCrc,
    flag: m.flag,
    sysFlag,
    bornTimestamp: m.bornTimestamp,
    bornHost: formatHost(m.bornHost),
    storeTimestamp: m.storeTimestamp,
    storeHost: formatHost(m.storeHost),
    reconsumeTimes: m.reconsumeTimes,
    preparedTransactionOffset: m.preparedTransactionOffset,
    offsetMsgId,
    msgId: properties.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX) ?? offsetMsgId,
    tags: properties.get(MessageConst.PROPERTY_TAGS) ?? null,
    keys: properties.get(MessageConst.PROPERTY_KEYS) ?? null,
    properties,
    body,
  };
  if (error !== undefined) view.error = error;
  return view;
}

/**
 * Decodes a body of whole records. A malformed record is a ProtocolError('MESSAGE') (Java silently stops at
 * the first record it cannot decode); a body that cannot be decompressed is reported in the message's `error`.
 * Bodies that were not inflated are views into `body`.
 */
export function decodeMessages(body: Buffer, options: DecodeMessagesOptions = {}): MessageView[] {
  const out: MessageView[] = [];
  const recordOptions = { checkCrc: options.checkCrc === true };
  let pos = 0;
  while (pos < body.length) {
    const { message, size } = decodeStoredMessage(body, pos, recordOptions);
    out.push(toMessageView(message, size, options));
    pos += size;
  }
  return out;
}
