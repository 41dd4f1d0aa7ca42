import type { SegmentQueue } from './mapped-file';
import { looksLikeRecordAt } from './record';
import type { TailCache } from './tail-cache';

/** What readRecordsAt reads from: the commit log's files, its tail cache and its readable range. */
export interface RecordSource {
  files: SegmentQueue;
  tail: TailCache;
  minOffset: number;
  writtenOffset: number;
  fileSize: number;
  readCoalesceBytesMax: number;
}

/**
 * CommitLog#readManyAt's walk: the `n` records at phys[i] / sizes[i] (ascending) are at bufs[i] from byte pos[i];
 * bufs[i] is undefined when record i cannot be read or fails the check (TOTALSIZE, magic, PHYSICALOFFSET). Each
 * record comes from the tail cache when it holds it, else neighbouring records of one file are read with one read
 * when the span is at most readCoalesceBytesMax and not mostly gaps. The buffers are shared: do not write them.
 */
export async function readRecordsAt(src: RecordSource, phys: readonly number[], sizes: readonly number[], n: number, bufs: (Buffer | undefined)[], pos: number[]): Promise<void> {
  const fileSize = src.fileSize;
  const min = src.minOffset;
  const tail = src.tail;
  let i = 0;
  while (i < n) {
    const phy = phys[i]!;
    const size = sizes[i]!;
    bufs[i] = undefined;
    pos[i] = 0;
    if (size <= 0 || phy < min || phy + size > src.writtenOffset) {
      i++;
      continue;
    }
    const at = tail.locate(phy, size);
    if (at >= 0) {
      if (looksLikeRecordAt(tail.located, at, size, phy)) {
        bufs[i] = tail.located;
        pos[i] = at;
      }
      i++;
      continue;
    }
    // A run of disk reads in the same file.
    const fileFrom = phy - (phy % fileSize);
    let j = i + 1;
    let useful = size;
    let spanEnd = phy + size;
    while (j < n) {
      const nxPhy = phys[j]!;
      const nxSize = sizes[j]!;
      if (nxPhy < spanEnd || nxPhy + nxSize > fileFrom + fileSize || nxPhy + nxSize > src.writtenOffset) break;
      if (tail.locate(nxPhy, nxSize) >= 0) break;
      const newEnd = nxPhy + nxSize;
      if (newEnd - phy > src.readCoalesceBytesMax || newEnd - phy > 2 * (useful + nxSize) + 65536) break;
      useful += nxSize;
      spanEnd = newEnd;
      j++;
    }
    const span = await src.files.read(phy, spanEnd - phy);
    for (let k = i; k < j; k++) {
      const rel = (phys[k]! - phy) | 0; // a small integer (within one read span), as TailCache#find's position
      bufs[k] = undefined;
      pos[k] = 0;
      if (span !== undefined && rel + sizes[k]! <= span.length && looksLikeRecordAt(span, rel, sizes[k]!, phys[k]!)) {
        bufs[k] = span;
        pos[k] = rel;
      }
    }
    i = j;
  }
}

/**
 * The whole records among the `length` bytes at `offset` (a record start, within one file): the bytes read, each
 * record's start relative to `offset` (checked: TOTALSIZE, magic, PHYSICALOFFSET; the walk stops at the first that
 * fails, a blank file end included) and the bytes they span. Undefined when the read fails or finds nothing.
 */
export async function readBackRecords(files: SegmentQueue, offset: number, length: number): Promise<{ buf: Buffer; rel: number[]; bytes: number } | undefined> {
  const buf = await files.read(offset, length);
  if (buf === undefined) return undefined;
  const rel: number[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const size = buf.readInt32BE(at);
    if (!looksLikeRecordAt(buf, at, size, offset + at)) break;
    rel.push(at);
    at += size;
  }
  return rel.length === 0 ? undefined : { buf, rel, bytes: at };
}
