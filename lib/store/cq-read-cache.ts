import { CQ_STORE_UNIT_SIZE } from './consume-queue-unit';

/**
 * Blocks of consume queue files kept in memory after a read, shared by all queues of a store, least recently used
 * dropped first. Java reads consume queues through mmap, so a consumer walking a backlog costs it no system call;
 * Apogee reads files with read(2), and without this each pull behind the in-memory tail (consumeQueueTailUnitsMax)
 * would read its few units from the file again. With it, a consumer walking a backlog reads each block once.
 *
 * Contract. Owns: the cached blocks (one per queue at most) and their byte total. May call: nothing; the
 *   ConsumeQueue reads the files and hands blocks in.
 * Invariants: the byte total never exceeds bytesMax (a block bigger than bytesMax is not kept); a block only holds
 *   bytes that were written to the file when it was read (the queue clips it to writtenWhere); written units do
 *   not change until a truncation, and the queue drops its block on every truncation, reload and destroy.
 */

/** Bytes read from a consume queue file at a time when a pull misses the cache: 3,276 units of 20 bytes. */
export const CQ_READ_BLOCK_BYTES = 65_520;

export interface CqBlock {
  /** Byte offset in the queue of buf[0]. */
  start: number;
  buf: Buffer;
}

export class CqReadCache {
  private readonly blocks = new Map<object, CqBlock>();
  private total = 0;

  constructor(readonly bytesMax: number) {}

  /** Bytes held. */
  get bytes(): number {
    return this.total;
  }

  /** The block of `owner` when it holds [from, to); refreshes its recency. */
  get(owner: object, from: number, to: number): CqBlock | undefined {
    const b = this.blocks.get(owner);
    if (b === undefined || from < b.start || to > b.start + b.buf.length) return undefined;
    this.blocks.delete(owner);
    this.blocks.set(owner, b);
    return b;
  }

  /** Keeps `block` as the block of `owner` (replacing its previous one), dropping the least recently used. */
  put(owner: object, block: CqBlock): void {
    this.drop(owner);
    if (block.buf.length > this.bytesMax) return;
    while (this.total + block.buf.length > this.bytesMax) {
      const oldest = this.blocks.keys().next().value;
      if (oldest === undefined) break;
      this.drop(oldest);
    }
    this.blocks.set(owner, block);
    this.total += block.buf.length;
  }

  drop(owner: object): void {
    const b = this.blocks.get(owner);
    if (b === undefined) return;
    this.blocks.delete(owner);
    this.total -= b.buf.length;
  }
}

/**
 * Bytes [off, end) of `owner`'s written file bytes, through `cache` when there is one: a hit is served from memory;
 * a miss reads a block from `off` on (readers walk forward; at least CQ_READ_BLOCK_BYTES, never past `limit`: what
 * is written and the file's end) and keeps it when `stillValid()` after the read (a truncation meanwhile makes the
 * block stale: it then serves this read only). Returns what `read` gave (possibly
 * shorter than asked), cut to whole 20-byte units, or undefined when the file is gone.
 */
export async function readThroughCache(cache: CqReadCache | undefined, owner: object, off: number, end: number, limit: number, read: (from: number, len: number) => Promise<Buffer | undefined>, stillValid: () => boolean): Promise<Buffer | undefined> {
  const whole = (b: Buffer): Buffer => b.subarray(0, b.length - (b.length % CQ_STORE_UNIT_SIZE));
  if (cache === undefined) {
    const got = await read(off, end - off);
    return got === undefined ? undefined : whole(got);
  }
  const hit = cache.get(owner, off, end);
  if (hit !== undefined) return hit.buf.subarray(off - hit.start, end - hit.start);
  const got = await read(off, Math.min(limit, Math.max(end, off + CQ_READ_BLOCK_BYTES)) - off);
  if (got === undefined) return undefined;
  const buf = whole(got);
  if (stillValid()) cache.put(owner, { start: off, buf });
  return buf.subarray(0, Math.min(buf.length, end - off));
}
