/**
 * The most recently written commit log records, kept in memory so that tail pulls (consumers that keep up) are
 * served without a read per message. One chunk per write, chunks in offset order; the oldest chunks are dropped
 * when the memory held exceeds `bytesMax` (the newest chunk stays even if larger). Lookups return a view (the
 * record, or a prefix of it), never a copy.
 *
 * Memory is what `bytes` says. Writes are copied back to back into segments of SEGMENT_BYTES (1 MiB, smaller when
 * bytesMax is small; a bigger write gets a segment of its own), and `bytes` counts whole segments. Keeping the written record buffers
 * themselves looked free but was not: small records are slices of Node's shared 8 KiB pool slabs, so a cached
 * record pinned its whole slab, and 64 MiB of cached records held ~96 MiB (measured after 1M sends of 128-byte
 * bodies); many small allocations also stayed in malloc's heap after release. Segments are allocations above
 * glibc's mmap threshold (the bins start node with MALLOC_MMAP_THRESHOLD_=131072), so a dropped segment goes back
 * to the OS once collected. With `releaseIfIdle`, a cache that no write has touched for a while is dropped: at
 * rest the consumers have caught up and a pull of older data reads the page cache, as Java's does.
 *
 * A cache nobody reads is not kept (`unreadReleaseMs`): when no bulk read of the tail came for that long (locate():
 * a hit or a miss within bytesMax of the last write; one-off lookups through get() do not count), the cache is
 * dropped and writes are not copied until the next one, from whose next write on it fills again. It starts that way.
 * A bulk read that finds the cache empty also has the log read back from the offset it asked for (at most 16 MiB and
 * half of bytesMax, see CommitLog#primeTail): a backlog written before anyone read it, then read again and again
 * (SQL92 pulls, several groups), is served from memory as before. Copying every write into fresh segments costs more
 * than the copy: each dropped segment is external memory that only a full GC frees, so V8 counts the churn against
 * its old-generation limit and marks the whole heap every ~12 MB written. With 16 lib/client callers and no consumer
 * that was 146 mark-compacts in 26 s, 25 s of CPU per million messages and a p99 of 3.1 ms; with nothing cached 19,
 * 20 s and 2.6 ms (bench/results/2026-12-05-tail-cache-unread.md).
 */
export const SEGMENT_BYTES = 1024 * 1024;
/** Segments are smaller under a small bytesMax (an eighth of it, at least 4 KiB), so that it still bounds memory. */
export function segmentBytesFor(bytesMax: number): number {
  return Math.max(4096, Math.min(SEGMENT_BYTES, Math.floor(bytesMax / 8)));
}

/**
 * The memory block behind a run of back-to-back views (in order) that starts with `first` and holds `size` bytes,
 * when the run fills at least half of it; else undefined. Such a run is kept without copying: a slave's replicated
 * append is one 1 MiB block cut into record views, and copying it cost 269 ms of the slave's CPU (plus 1 GiB of
 * segment allocations for the GC) over a 1 GiB catch-up (measured with --cpu-prof). Small records cut from Node's
 * shared pool slabs, and blocks under HELD_BLOCK_BYTES_MIN, stay copied.
 */
export function wholeBlock(first: Buffer, size: number): ArrayBuffer | undefined {
  const ab = first.buffer;
  return ab instanceof ArrayBuffer && ab.byteLength >= HELD_BLOCK_BYTES_MIN && ab.byteLength <= 2 * size ? ab : undefined;
}

/**
 * Smallest block held without a copy, in bytes: glibc's mmap threshold as the bins set it (MALLOC_MMAP_THRESHOLD_),
 * so a held block, like a segment, goes back to the OS once dropped; smaller blocks (a large local record) are copied.
 */
export const HELD_BLOCK_BYTES_MIN = 128 * 1024;

/** Records per chunk when records read back are kept (prime). */
export const PRIME_CHUNK_RECORDS = 64;

const EMPTY = Buffer.alloc(0);

/** Chunks after the last one found that a lookup tries one by one before searching them all. */
const HINT_LOOKAHEAD_CHUNKS = 8;

interface Segment {
  buf: Buffer;
  /** Chunks still referring to it. */
  chunks: number;
}

interface Chunk {
  start: number;
  end: number;
  seg: Segment;
  /** Where the chunk starts in its segment. */
  at: number;
  /** Offset of each record relative to `start` (record i spans rel[i] .. rel[i+1], the last one to `bytes`). */
  rel: number[];
  bytes: number;
}

export class TailCache {
  private chunks: Chunk[] = [];
  private head = 0;
  /** Bytes of the segments held. */
  private total = 0;
  private current: Segment | undefined;
  private used = 0;
  private lastAddMs = 0;
  /** When add() last saw a lookup since the one before (-Infinity: none yet). */
  private lastReadMs = Number.NEGATIVE_INFINITY;
  /** A lookup of the tail came since add() last looked (a flag, so that a lookup does not read the clock). */
  private readSinceAdd = false;
  /** Where the last add() started: lookups from bytesMax before it on are reads of the tail. */
  private lastAddStart = 0;
  /** Changes whenever cached bytes may stop matching the log (truncation, clear): a prime() read before is stale. */
  private epoch = 0;
  /**
   * Called when a lookup of the tail finds the cache empty (dormant, released at rest, or just started), with the
   * offset looked up: the commit log reads the log back from there and hands it to prime().
   */
  onEmptyTailLookup: ((offset: number, epoch: number) => void) | undefined;
  readonly segmentBytes: number;

  /**
   * `unreadReleaseMs`: writes are copied only while a lookup came within that long (0 = always copy). The store
   * passes commitLogTailCacheUnreadReleaseMs.
   */
  constructor(
    readonly bytesMax: number,
    private readonly now: () => number = Date.now,
    readonly unreadReleaseMs = 0,
  ) {
    this.segmentBytes = segmentBytesFor(bytesMax);
  }

  /** True while writes are not copied: no lookup came within unreadReleaseMs (as of the last add). */
  get dormant(): boolean {
    return this.unreadReleaseMs > 0 && this.lastAddMs - this.lastReadMs >= this.unreadReleaseMs;
  }

  get bytes(): number {
    return this.total;
  }

  /**
   * Adds the buffers written back to back from `start`. A run of them that wholeBlock() accepts (one replicated
   * append; a write may carry several) becomes a chunk of its own, held without a copy; the rest is copied.
   */
  add(start: number, bufs: readonly Buffer[]): void {
    if (this.bytesMax <= 0 || bufs.length === 0) return;
    this.lastAddMs = this.now();
    this.lastAddStart = start;
    if (this.readSinceAdd) {
      this.readSinceAdd = false;
      this.lastReadMs = this.lastAddMs;
    }
    if (this.dormant) {
      if (this.chunks.length > 0 || this.current !== undefined) this.clear();
      return;
    }
    let at = start;
    let from = 0; // first buffer not yet added
    let i = 0;
    while (i < bufs.length) {
      let j = i + 1;
      let size = bufs[i]!.length;
      while (j < bufs.length && bufs[j]!.buffer === bufs[i]!.buffer && bufs[j]!.byteOffset === bufs[j - 1]!.byteOffset + bufs[j - 1]!.length) size += bufs[j++]!.length;
      const whole = wholeBlock(bufs[i]!, size);
      if (whole !== undefined) {
        if (from < i) at += this.addChunk(at, bufs.slice(from, i), undefined);
        at += this.addChunk(at, bufs.slice(i, j), whole);
        from = j;
      }
      i = j;
    }
    if (from < bufs.length) this.addChunk(at, from === 0 ? bufs : bufs.slice(from), undefined);
    while (this.total > this.bytesMax && this.chunks.length - this.head > 1) this.dropFirst();
    this.compact();
  }

  /** One chunk: `whole` held as it is, or the buffers copied into a segment. Returns its bytes. */
  private addChunk(start: number, bufs: readonly Buffer[], whole: ArrayBuffer | undefined): number {
    const rel: number[] = new Array(bufs.length);
    let size = 0;
    for (let i = 0; i < bufs.length; i++) {
      rel[i] = size;
      size += bufs[i]!.length;
    }
    let seg: Segment;
    let at = 0;
    if (whole !== undefined) {
      seg = { buf: Buffer.from(whole, 0, whole.byteLength), chunks: 0 };
      at = bufs[0]!.byteOffset;
      this.total += whole.byteLength;
    } else if (size > this.segmentBytes) {
      seg = { buf: Buffer.allocUnsafeSlow(size), chunks: 0 };
      this.total += size;
    } else {
      if (this.current === undefined || this.segmentBytes - this.used < size) {
        if (this.current !== undefined && this.current.chunks === 0) this.total -= this.current.buf.length;
        this.current = { buf: Buffer.allocUnsafeSlow(this.segmentBytes), chunks: 0 };
        this.used = 0;
        this.total += this.segmentBytes;
      }
      seg = this.current;
      at = this.used;
      this.used += size;
    }
    if (whole === undefined) for (let i = 0; i < bufs.length; i++) bufs[i]!.copy(seg.buf, at + rel[i]!);
    seg.chunks++;
    this.chunks.push({ start, end: start + size, seg, at, rel, bytes: size });
    return size;
  }

  /**
   * The record starting at `offset`, cut to `size` bytes when shorter; undefined when not cached, when `offset`
   * is not a record start, or when `size` runs past the record.
   */
  get(offset: number, size: number): Buffer | undefined {
    const at = this.find(offset, size);
    return at < 0 ? undefined : this.located.subarray(at, at + size);
  }

  /**
   * The buffer of the last locate() that found its record; read it right after locate(). Reset when the cache drops
   * that buffer: otherwise, with no reader after the drop, it pinned a dropped segment or a whole read-back buffer
   * (an 8 MiB prime() buffer held through a lib/client run after a consumer had left, found in a heap snapshot).
   */
  located: Buffer = EMPTY;

  /**
   * get() without the view, for the readers of records in bulk (pulls, POP, the SQL92 walk): the record's position
   * in `located`, or -1 (hot loops take a view only when needed). Unlike get(), which one-off lookups use (a
   * record's store time for the admin stats, a message by offset, a held pull's filter), it is what counts as
   * reading the tail (unreadReleaseMs, onEmptyTailLookup).
   */
  locate(offset: number, size: number): number {
    if (offset >= this.lastAddStart - this.bytesMax) {
      this.readSinceAdd = true;
      if (this.head === this.chunks.length && this.bytesMax > 0) this.onEmptyTailLookup?.(offset, this.epoch);
    }
    return this.find(offset, size);
  }

  private find(offset: number, size: number): number {
    const c = this.chunkOf(offset);
    if (c === undefined) return -1;
    // A small integer made explicitly (`| 0`: within the chunk, below 2^31). Commit log offsets past 2^31 are heap
    // numbers, and V8 then records the subtraction (and all that the position flows into: the record peeks, the
    // SQL92 property scan) as double arithmetic: the SQL92 walk cost 25-40% more per record on a store past 2 GiB
    // (bench/store/sqlpull.ts --startOffset; bench/results/2026-12-07-sqlpull-in-sequence.md).
    const r = (offset - c.start) | 0;
    let lo = 0;
    let hi = c.rel.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (c.rel[mid]! <= r) lo = mid;
      else hi = mid - 1;
    }
    if (c.rel[lo] !== r) return -1;
    const len = (lo + 1 < c.rel.length ? c.rel[lo + 1]! : c.bytes) - r;
    if (size > len) return -1;
    this.located = c.seg.buf;
    return c.at + r;
  }

  /** Index in `chunks` of the last chunk found: a walk through consecutive records asks it or the next one. */
  private hint = 0;

  private chunkOf(offset: number): Chunk | undefined {
    // Live chunks sit at [head, length); a hint that has moved (drop, truncation, compaction) just misses.
    // A walk through one queue's records skips the other queues' records in between: a few chunks past the hint
    // are looked at before the binary search over all of them.
    const h = this.hint;
    if (h >= this.head && h < this.chunks.length) {
      const c = this.chunks[h]!;
      if (offset >= c.start) {
        if (offset < c.end) return c;
        const stop = Math.min(this.chunks.length, h + 1 + HINT_LOOKAHEAD_CHUNKS);
        for (let i = h + 1; i < stop; i++) {
          const n = this.chunks[i]!;
          if (offset < n.start) break;
          if (offset < n.end) {
            this.hint = i;
            return n;
          }
        }
      }
    }
    let lo = this.head;
    let hi = this.chunks.length - 1;
    if (hi < lo || offset < this.chunks[lo]!.start) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.chunks[mid]!.start <= offset) lo = mid;
      else hi = mid - 1;
    }
    const c = this.chunks[lo]!;
    if (offset >= c.end) return undefined;
    this.hint = lo;
    return c;
  }

  /**
   * Records read back from the log (see onEmptyTailLookup): `buf` holds them back to back from `start`, record i at
   * rel[i], `bytes` in all. Kept as the oldest chunk when they end at or before the first cached byte and nothing
   * changed since `epoch`; otherwise ignored. Returns whether they were kept.
   */
  prime(start: number, buf: Buffer, rel: number[], bytes: number, epoch: number): boolean {
    if (epoch !== this.epoch || rel.length === 0 || bytes <= 0 || bytes > this.bytesMax) return false;
    if (this.head < this.chunks.length && this.chunks[this.head]!.start < start + bytes) return false;
    // Cut into chunks of PRIME_CHUNK_RECORDS over the one buffer: a lookup then searches a short `rel`, as it does
    // in the chunks of writes (one chunk of 20,000 records cost the SQL92 walk ~10% of its throughput).
    const seg: Segment = { buf, chunks: 0 };
    const cut: Chunk[] = [];
    for (let i = 0; i < rel.length; i += PRIME_CHUNK_RECORDS) {
      const j = Math.min(rel.length, i + PRIME_CHUNK_RECORDS);
      const at = rel[i]!;
      const bytesOf = (j < rel.length ? rel[j]! : bytes) - at;
      cut.push({ start: start + at, end: start + at + bytesOf, seg, at, rel: rel.slice(i, j).map((r) => r - at), bytes: bytesOf });
      seg.chunks++;
    }
    if (this.head >= cut.length) {
      this.head -= cut.length;
      for (let k = 0; k < cut.length; k++) this.chunks[this.head + k] = cut[k]!;
    } else {
      this.chunks = [...cut, ...this.chunks.slice(this.head)];
      this.head = 0;
    }
    this.total += buf.length;
    while (this.total > this.bytesMax && this.chunks.length - this.head > 1) this.dropFirst();
    return true;
  }

  /** Forgets everything at or after `offset` (a truncation or a failed write). */
  truncateFrom(offset: number): void {
    this.epoch++;
    while (this.chunks.length > this.head) {
      const c = this.chunks[this.chunks.length - 1]!;
      if (c.start >= offset) {
        this.chunks.pop();
        this.release(c);
        continue;
      }
      if (c.end > offset) {
        let n = c.rel.length;
        while (n > 0 && c.start + c.rel[n - 1]! >= offset) n--;
        // records [0, n) start before the cut and stay whole: they end where record n starts (or at the chunk end)
        const keep = n === 0 ? 0 : n === c.rel.length ? c.bytes : c.rel[n]!;
        c.rel.length = n;
        c.bytes = keep;
        c.end = c.start + keep;
      }
      break;
    }
  }

  /** Forgets everything before `offset` (deleted files). */
  dropBefore(offset: number): void {
    this.epoch++;
    while (this.head < this.chunks.length && this.chunks[this.head]!.end <= offset) this.dropFirst();
    this.compact();
  }

  /** True when no write came for `idleMs` (0 = never idle). */
  isIdle(idleMs: number): boolean {
    return idleMs > 0 && this.now() - this.lastAddMs >= idleMs;
  }

  /** Drops everything when no write came for `idleMs` (0 = never); the bytes released. */
  releaseIfIdle(idleMs: number): number {
    if (idleMs <= 0 || this.total === 0 || this.now() - this.lastAddMs < idleMs) return 0;
    const freed = this.total;
    this.clear();
    return freed;
  }

  clear(): void {
    this.epoch++;
    this.chunks = [];
    this.head = 0;
    this.total = 0;
    this.current = undefined;
    this.used = 0;
    this.located = EMPTY;
  }

  private dropFirst(): void {
    const c = this.chunks[this.head]!;
    this.release(c);
    this.chunks[this.head] = undefined as unknown as Chunk;
    this.head++;
  }

  /** A chunk is gone: its segment goes with its last chunk (the current segment stays, to be filled on). */
  private release(c: Chunk): void {
    if (--c.seg.chunks > 0 || c.seg === this.current) return;
    this.total -= c.seg.buf.length;
    if (this.located === c.seg.buf) this.located = EMPTY;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
