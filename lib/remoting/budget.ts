/**
 * Process-wide memory budget for what the transport holds on behalf of its peers: bytes of responses written
 * but not yet taken by the kernel (socket writableLength), bytes of requests received but not yet processed
 * (a partial frame in the decoder, frames read while the connection was paused) — see Connection#heldBytes.
 *
 * Contract:
 * - Every connection reports its held bytes with update(); the budget keeps their sum.
 * - Above bufferedBytesMax, reading stops on every connection holding BUDGET_PAUSE_BYTES or more: the ones that
 *   hold the most, as Netty's default write-buffer high water mark (64 KiB) makes a channel unwritable (Java:
 *   NettyRemotingServer.NettyServerHandler#channelWritabilityChanged turns autoRead off), applied while the process
 *   is over its budget. Connections that hold little (clients that read their answers) are never paused, so they
 *   keep being served. The total thus stays under bufferedBytesMax plus, per connection, 64 KiB and the answers
 *   to requests it had sent before it was paused.
 * - A paused connection resumes once it holds less than BUDGET_RESUME_BYTES (Netty's low water mark, 32 KiB: its
 *   peer read what it was sent);
 *   once the total falls to 3/4 of bufferedBytesMax, every connection paused by the budget resumes.
 * - A single connection over connectionBufferedBytesMax is the caller's to close (Connection does, with a log
 *   line naming the peer and the bytes held).
 * The budget only decides; pausing and resuming is done through the BudgetMember interface.
 */
export interface BudgetMember {
  readonly remoteAddress: string;
  /** Pause (true) or resume (false) reading because of the process-wide budget. */
  setBudgetPaused(paused: boolean): void;
}

/** Over budget, a connection holding this much stops being read (Netty's default write high water mark). */
export const BUDGET_PAUSE_BYTES = 64 * 1024;
/** A connection paused by the budget is read again below this (Netty's default write low water mark). */
export const BUDGET_RESUME_BYTES = 32 * 1024;

export class MemoryBudget {
  private readonly held = new Map<BudgetMember, number>();
  private readonly paused = new Set<BudgetMember>();
  private totalBytes = 0;

  constructor(readonly bufferedBytesMax: number) {
    if (!(bufferedBytesMax > 0)) throw new RangeError(`bufferedBytesMax must be > 0, got ${bufferedBytesMax}`);
  }

  get total(): number {
    return this.totalBytes;
  }

  get pausedCount(): number {
    return this.paused.size;
  }

  /** Records that `m` now holds `bytes`. */
  update(m: BudgetMember, bytes: number): void {
    const before = this.held.get(m) ?? 0;
    if (bytes === before) return;
    if (bytes === 0) this.held.delete(m);
    else this.held.set(m, bytes);
    this.totalBytes += bytes - before;
    if (this.totalBytes > this.bufferedBytesMax) {
      if (this.paused.size === 0) {
        for (const [x, held] of this.held) if (held >= BUDGET_PAUSE_BYTES) this.pause(x);
      } else if (bytes > before && bytes >= BUDGET_PAUSE_BYTES && !this.paused.has(m)) this.pause(m);
    } else if (this.paused.size > 0 && this.totalBytes <= (this.bufferedBytesMax * 3) / 4) {
      this.resumeAll();
      return;
    }
    if (bytes < before && this.paused.has(m) && bytes < BUDGET_RESUME_BYTES) {
      this.paused.delete(m);
      m.setBudgetPaused(false);
    }
  }

  /** Forgets `m` (its connection closed). */
  remove(m: BudgetMember): void {
    this.paused.delete(m);
    this.update(m, 0);
  }

  private pause(m: BudgetMember): void {
    this.paused.add(m);
    m.setBudgetPaused(true);
  }

  private resumeAll(): void {
    const all = [...this.paused];
    this.paused.clear();
    for (const m of all) m.setBudgetPaused(false);
  }
}
