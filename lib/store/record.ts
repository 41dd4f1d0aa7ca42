import {
  BLANK_MAGIC_CODE,
  DelayLevelTable,
  MSG_BODY_CRC_OFFSET,
  MSG_MAGIC_CODE_OFFSET,
  MSG_QUEUE_ID_OFFSET,
  SCHEDULE_TOPIC,
  crc32,
  newRecordScan,
  peekQueueOffset,
  peekStoreTimestamp,
  peekTopic,
  scanRecord,
  transactionValue,
  MessageSysFlag,
  type RecordScan,
} from '../../protocol/message';
import * as message from '../../protocol/message';
import { javaParseInt } from '../../protocol/codec';

// Bound once at load: the package index re-exports through getters, otherwise one getter call per use (these run
// per record a pull examines; the getters were ~2% of the broker's CPU in the sqlpull profile).
const { get32, peekPhysicalOffset } = message;

/**
 * What the store needs from a stored record, on top of protocol/message: the dispatch request (Java:
 * DispatchRequest, built by CommitLog#checkMessageAndReturnSize) and the checks recovery applies to a record found
 * in a commit log file.
 */

/** Java: DispatchRequest (the fields the consume queue, the index and long polling use). */
export interface DispatchRequest {
  topic: string;
  queueId: number;
  /** QUEUEOFFSET: the consume queue offset (0 for PREPARED/ROLLBACK records, which are not queued). */
  queueOffset: number;
  /** PHYSICALOFFSET (Java: commitLogOffset). */
  physicalOffset: number;
  /** TOTALSIZE (Java: msgSize). */
  size: number;
  tagsCode: number;
  storeTimestamp: number;
  /**
   * The index key hashes (Java: IndexFile#indexKeyHashMethod of "topic#key") of UNIQ_KEY, then of every KEYS word,
   * in the order Java's IndexService#buildIndex puts them; undefined when the record has neither.
   */
  indexHashes: number[] | undefined;
  sysFlag: number;
}

/** Where TAGS, KEYS, UNIQ_KEY and DELAY values sit in a record (absolute byte ranges; start -1 when absent). */
export interface PropertyRanges {
  tagsStart: number;
  tagsEnd: number;
  keysStart: number;
  keysEnd: number;
  uniqStart: number;
  uniqEnd: number;
  delayStart: number;
  delayEnd: number;
}

export function newPropertyRanges(): PropertyRanges {
  return { tagsStart: -1, tagsEnd: -1, keysStart: -1, keysEnd: -1, uniqStart: -1, uniqEnd: -1, delayStart: -1, delayEnd: -1 };
}

// "TAGS", "KEYS", "UNIQ_KEY", "DELAY" as bytes.
const T = 0x54;
const K = 0x4b;
const U = 0x55;
const D = 0x44;

function nameIs(buf: Buffer, start: number, len: number, name: string): boolean {
  if (len !== name.length) return false;
  for (let i = 0; i < len; i++) if (buf[start + i] !== name.charCodeAt(i)) return false;
  return true;
}

/**
 * One pass over the properties bytes [start, end) with Java's parsing rules (MessageDecoder#string2messageProperties:
 * split at \u0002, then at the first \u0001; a segment with an empty name or value is ignored; the last value of a
 * name wins), noting where TAGS, KEYS, UNIQ_KEY and DELAY are. No allocation. (\u0001 and \u0002 never occur inside
 * a multi-byte UTF-8 sequence, so splitting bytes is splitting the decoded string.)
 */
export function scanStoreProperties(buf: Buffer, start: number, end: number, out: PropertyRanges): PropertyRanges {
  out.tagsStart = out.keysStart = out.uniqStart = out.delayStart = -1;
  out.tagsEnd = out.keysEnd = out.uniqEnd = out.delayEnd = -1;
  let seg = start;
  let sep = -1;
  for (let i = start; i <= end; i++) {
    const b = i < end ? buf[i]! : 2;
    if (b === 1) {
      if (sep < 0) sep = i;
    } else if (b === 2) {
      if (sep > seg && sep < i - 1) {
        const len = sep - seg;
        const first = buf[seg];
        if (first === T && nameIs(buf, seg, len, 'TAGS')) {
          out.tagsStart = sep + 1;
          out.tagsEnd = i;
        } else if (first === K && nameIs(buf, seg, len, 'KEYS')) {
          out.keysStart = sep + 1;
          out.keysEnd = i;
        } else if (first === U && nameIs(buf, seg, len, 'UNIQ_KEY')) {
          out.uniqStart = sep + 1;
          out.uniqEnd = i;
        } else if (first === D && nameIs(buf, seg, len, 'DELAY')) {
          out.delayStart = sep + 1;
          out.delayEnd = i;
        }
      }
      seg = i + 1;
      sep = -1;
    }
  }
  return out;
}

/**
 * Continues java.lang.String#hashCode `h` over the UTF-8 bytes [start, end) as if they were the decoded string
 * (UTF-16 code units): byte by byte while ASCII, else through the decoded string.
 */
export function javaHashOfBytes(h: number, buf: Buffer, start: number, end: number): number {
  let x = h;
  let i = start;
  // Four bytes a step while they are ASCII: x·31⁴ + b0·31³ + b1·31² + b2·31 + b3, each product exact in int32
  // arithmetic and the sum exact in a double, so the result equals four single steps. UNIQ_KEY (32 hex digits) is
  // hashed for every stored message (3.1% of the batch put path's profile): 123-138 -> 38 ns per key, BatchProducer
  // row +4.2% (bench/results/2026-12-05-index-hash-ab.md).
  for (; i + 4 <= end; i += 4) {
    const b0 = buf[i]!;
    const b1 = buf[i + 1]!;
    const b2 = buf[i + 2]!;
    const b3 = buf[i + 3]!;
    if ((b0 | b1 | b2 | b3) >= 0x80) break;
    x = (Math.imul(x, 923521) + b0 * 29791 + b1 * 961 + b2 * 31 + b3) | 0;
  }
  for (; i < end; i++) {
    const b = buf[i]!;
    if (b >= 0x80) {
      const s = buf.toString('utf8', start, end);
      x = h;
      for (let j = 0; j < s.length; j++) x = (Math.imul(x, 31) + s.charCodeAt(j)) | 0;
      return x;
    }
    x = (Math.imul(x, 31) + b) | 0;
  }
  return x;
}

function absHash(h: number): number {
  // Java: IndexFile#indexKeyHashMethod (Math.abs, Integer.MIN_VALUE -> 0).
  return h === -2147483648 ? 0 : Math.abs(h);
}

interface TopicEntry {
  bytes: Buffer;
  topic: string;
  /** String#hashCode of the topic. */
  hash: number;
  /** String#hashCode of topic + "#" (the prefix of every index key). */
  keyPrefixHash: number;
  valid: boolean;
}

/** Java: TopicValidator#VALID_PATTERN_STR (topics name consume queue directories). */
const TOPIC_RE = /^[%|a-zA-Z0-9_-]+$/;
const TOPIC_CACHE_MAX = 256;

/** Topic strings (and their hashes) of recent records, so that a put decodes no topic bytes in the common case. */
class TopicInterner {
  private entries: TopicEntry[] = [];
  private last: TopicEntry | undefined;
  private next = 0;

  get(buf: Buffer, start: number, len: number): TopicEntry {
    const l = this.last;
    if (l !== undefined && this.same(l, buf, start, len)) return l;
    for (const e of this.entries) {
      if (this.same(e, buf, start, len)) {
        this.last = e;
        return e;
      }
    }
    const bytes = Buffer.from(buf.subarray(start, start + len));
    const topic = bytes.toString('utf8');
    const hash = javaHashOfBytes(0, bytes, 0, len);
    const e: TopicEntry = { bytes, topic, hash, keyPrefixHash: (Math.imul(hash, 31) + 0x23) | 0, valid: TOPIC_RE.test(topic) };
    if (this.entries.length < TOPIC_CACHE_MAX) this.entries.push(e);
    else {
      this.entries[this.next] = e;
      this.next = (this.next + 1) % TOPIC_CACHE_MAX;
    }
    this.last = e;
    return e;
  }

  private same(e: TopicEntry, buf: Buffer, start: number, len: number): boolean {
    const b = e.bytes;
    if (b.length !== len) return false;
    for (let i = 0; i < len; i++) if (b[i] !== buf[start + i]) return false;
    return true;
  }
}

export const topics = new TopicInterner();

/**
 * tagsCode of a record (Java: CommitLog#checkMessageAndReturnSize): TAGS' String#hashCode, or for
 * SCHEDULE_TOPIC_XXXX with a DELAY level > 0 the deliver time. A DELAY that is not an int keeps the tags hash
 * (Java fails the whole dispatch of such a record, which the broker never writes).
 */
export function computeTagsCode(buf: Buffer, topic: string, p: PropertyRanges, storeTimestamp: number, delays: DelayLevelTable): number {
  let code = p.tagsStart >= 0 ? javaHashOfBytes(0, buf, p.tagsStart, p.tagsEnd) : 0;
  if (p.delayStart >= 0 && topic === SCHEDULE_TOPIC) {
    const parsed = javaParseInt(buf.toString('utf8', p.delayStart, p.delayEnd));
    if (parsed !== undefined) {
      const level = delays.clamp(parsed);
      if (level > 0) code = delays.deliverTimestamp(level, storeTimestamp);
    }
  }
  return code;
}

/** Java: IndexService#buildIndex: hashes of topic#UNIQ_KEY, then topic#word for every non-empty KEYS word. */
export function indexHashesOf(buf: Buffer, keyPrefixHash: number, p: PropertyRanges): number[] | undefined {
  let out: number[] | undefined;
  if (p.uniqStart >= 0) out = [absHash(javaHashOfBytes(keyPrefixHash, buf, p.uniqStart, p.uniqEnd))];
  if (p.keysStart >= 0) {
    let w = p.keysStart;
    for (let i = p.keysStart; i <= p.keysEnd; i++) {
      if (i === p.keysEnd || buf[i] === 0x20) {
        if (i > w) (out ??= []).push(absHash(javaHashOfBytes(keyPrefixHash, buf, w, i)));
        w = i + 1;
      }
    }
  }
  return out;
}

/** True for PREPARED and ROLLBACK records, which get queue offset 0 and no consume queue entry (Java). */
export function isNotQueued(sysFlag: number): boolean {
  const t = transactionValue(sysFlag);
  return t === MessageSysFlag.TRANSACTION_PREPARED_TYPE || t === MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
}

export function isRollback(sysFlag: number): boolean {
  return transactionValue(sysFlag) === MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
}

export type CheckResult =
  | { kind: 'message'; size: number; request: DispatchRequest }
  | { kind: 'blank'; size: number }
  | { kind: 'invalid'; reason: string };

export interface CheckOptions {
  /** Verify BODYCRC (Java: checkCRCOnRecover). */
  checkCrc: boolean;
  /**
   * The commit log offset of `pos`. When given, a record is accepted only if its PHYSICALOFFSET is that offset,
   * which Java always writes; this rejects stale or misplaced bytes that happen to look like a record.
   */
  expectedPhysicalOffset?: number;
  /**
   * Reject records whose last byte (last properties byte, or last topic byte without properties) is 0: Java never
   * writes one (properties end with \u0002, topics are [%|a-zA-Z0-9_-]), while a record torn at its end by a crash
   * reads back with zeros there. Applied during recovery only.
   */
  rejectZeroTail: boolean;
  delays: DelayLevelTable;
}

const scan: RecordScan = newRecordScan();
const ranges: PropertyRanges = newPropertyRanges();

/**
 * Java: CommitLog#checkMessageAndReturnSize. Examines the bytes at `pos` (up to `end`): a message record, the
 * blank end-of-file record, or something invalid (recovery truncates the commit log there).
 */
export function checkRecord(buf: Buffer, pos: number, end: number, options: CheckOptions): CheckResult {
  if (end - pos <= 4) return { kind: 'invalid', reason: 'end of data' };
  const totalSize = buf.readInt32BE(pos);
  if (end - pos >= 8 && buf.readInt32BE(pos + MSG_MAGIC_CODE_OFFSET) === BLANK_MAGIC_CODE) {
    return { kind: 'blank', size: totalSize };
  }
  if (totalSize <= 0) return { kind: 'invalid', reason: `TOTALSIZE ${totalSize}` };
  try {
    scanRecord(buf, pos, end, scan);
  } catch (e) {
    return { kind: 'invalid', reason: (e as Error).message };
  }
  const phy = peekPhysicalOffset(buf, pos);
  if (options.expectedPhysicalOffset !== undefined && phy !== options.expectedPhysicalOffset) {
    return { kind: 'invalid', reason: `PHYSICALOFFSET ${phy} at commit log offset ${options.expectedPhysicalOffset}` };
  }
  if (options.checkCrc && scan.bodyLength > 0) {
    const crc = crc32(buf.subarray(scan.bodyPos, scan.bodyPos + scan.bodyLength)) & 0x7fffffff;
    if (crc !== buf.readInt32BE(pos + MSG_BODY_CRC_OFFSET)) return { kind: 'invalid', reason: 'BODYCRC mismatch' };
  }
  if (options.rejectZeroTail) {
    const last = scan.propertiesLength > 0 ? buf[pos + totalSize - 1] : scan.topicLength > 0 ? buf[scan.topicPos + scan.topicLength - 1] : 1;
    if (last === 0) return { kind: 'invalid', reason: 'record ends in zero bytes (torn write)' };
  }
  return { kind: 'message', size: totalSize, request: dispatchRequestOf(buf, pos, scan, options.delays) };
}

/**
 * Builds the dispatch request of a record already validated by scanRecord into `s`. `storeTimestampOverride` is
 * the store time about to be patched in (the put path), which the tagsCode of SCHEDULE_TOPIC_XXXX depends on.
 */
export function dispatchRequestOf(buf: Buffer, pos: number, s: RecordScan, delays: DelayLevelTable, storeTimestampOverride?: number): DispatchRequest {
  const t = topics.get(buf, s.topicPos, s.topicLength);
  scanStoreProperties(buf, s.propertiesPos, s.propertiesPos + s.propertiesLength, ranges);
  const storeTimestamp = storeTimestampOverride ?? peekStoreTimestamp(buf, pos);
  return {
    topic: t.topic,
    queueId: buf.readInt32BE(pos + MSG_QUEUE_ID_OFFSET),
    queueOffset: peekQueueOffset(buf, pos),
    physicalOffset: peekPhysicalOffset(buf, pos),
    size: s.totalSize,
    tagsCode: computeTagsCode(buf, t.topic, ranges, storeTimestamp, delays),
    storeTimestamp,
    indexHashes: indexHashesOf(buf, t.keyPrefixHash, ranges),
    sysFlag: s.sysFlag,
  };
}

/** True when the topic of a scanned record matches Java's topic pattern (checked once per distinct topic). */
export function topicIsValid(buf: Buffer, s: RecordScan): boolean {
  return topics.get(buf, s.topicPos, s.topicLength).valid;
}

/**
 * Cheap sanity check of a record read back for a pull or a lookup: TOTALSIZE, magic and PHYSICALOFFSET agree with
 * what the consume queue (or caller) expects. Never returns a torn or misplaced record.
 */
export function looksLikeRecordAt(buf: Buffer, pos: number, size: number, physicalOffset: number): boolean {
  if (size < 8 || pos + size > buf.length) return false;
  if (get32(buf, pos) !== size) return false;
  const magic = get32(buf, pos + MSG_MAGIC_CODE_OFFSET);
  if (magic !== (0xdaa320a7 | 0) && magic !== (0xdaa320ab | 0)) return false;
  return peekPhysicalOffset(buf, pos) === physicalOffset;
}

export { peekTopic };
