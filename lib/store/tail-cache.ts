/**
 * The most recently written commit log records, kept in memory so that tail pulls (consumers that keep up) are
 * served without a read per message. The records are the very buffers that were written (zero copy: the writer
 * hands them to writev(2) and then here). One chunk per write, chunks in offset order; the oldest chunks are
 * dropped when the total exceeds `bytesMax` (the newest chunk stays even if larger). Lookups return the record
 * buffer (or a prefix of it), never a copy.
 */
interface Chunk {
  start: number;
  end: number;
  bufs: Buffer[];
  /** Offset of each buffer relative to `start`. */
  rel: number[];
  bytes: number;
}

export class TailCache {
  private chunks: Chunk[] = [];
  private head = 0;
  private total = 0;

  constructor(readonly bytesMax: number) {}

  get bytes(): number {
    return this.total;
  }

  /** Adds the buffers written back to back from `start`. */
  add(start: number, bufs: readonly Buffer[]): void {
    if (this.bytesMax <= 0 || bufs.length === 0) return;
    const rel: number[] = new Array(bufs.length);
    let at = 0;
    for (let i = 0; i < bufs.length; i++) {
      rel[i] = at;
      at += bufs[i]!.length;
    }
    this.chunks.push({ start, end: start + at, bufs: bufs.slice(), rel, bytes: at });
    this.total += at;
    while (this.total > this.bytesMax && this.chunks.length - this.head > 1) this.dropFirst();
    this.compact();
  }

  /**
   * The record starting at `offset`, cut to `size` bytes when shorter; undefined when not cached, when `offset`
   * is not a record start, or when `size` runs past the record.
   */
  get(offset: number, size: number): Buffer | undefined {
    const c = this.chunkOf(offset);
    if (c === undefined) return undefined;
    const r = offset - c.start;
    let lo = 0;
    let hi = c.rel.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (c.rel[mid]! <= r) lo = mid;
      else hi = mid - 1;
    }
    if (c.rel[lo] !== r) return undefined;
    const b = c.bufs[lo]!;
    if (size > b.length) return undefined;
    return size === b.length ? b : b.subarray(0, size);
  }

  private chunkOf(offset: number): Chunk | undefined {
    let lo = this.head;
    let hi = this.chunks.length - 1;
    if (hi < lo || offset < this.chunks[lo]!.start) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.chunks[mid]!.start <= offset) lo = mid;
      else hi = mid - 1;
    }
    const c = this.chunks[lo]!;
    return offset < c.end ? c : undefined;
  }

  /** Forgets everything at or after `offset` (a truncation or a failed write). */
  truncateFrom(offset: number): void {
    while (this.chunks.length > this.head) {
      const c = this.chunks[this.chunks.length - 1]!;
      if (c.start >= offset) {
        this.chunks.pop();
        this.total -= c.bytes;
        continue;
      }
      if (c.end > offset) {
        let n = c.bufs.length;
        while (n > 0 && c.start + c.rel[n - 1]! >= offset) n--;
        const keep = n === 0 ? 0 : c.rel[n - 1]! + c.bufs[n - 1]!.length;
        this.total -= c.bytes - keep;
        c.bufs.length = n;
        c.rel.length = n;
        c.bytes = keep;
        c.end = c.start + keep;
      }
      break;
    }
  }

  /** Forgets everything before `offset` (deleted files). */
  dropBefore(offset: number): void {
    while (this.head < this.chunks.length && this.chunks[this.head]!.end <= offset) this.dropFirst();
    this.compact();
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.total = 0;
  }

  private dropFirst(): void {
    const c = this.chunks[this.head]!;
    this.total -= c.bytes;
    this.chunks[this.head] = undefined as unknown as Chunk;
    this.head++;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
