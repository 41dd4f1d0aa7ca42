/**
 * Process-wide memory budget for what the transport holds on behalf of its peers: bytes of responses written
 * but not yet taken by the kernel (socket writableLength), bytes of requests received but not yet processed
 * (a partial frame in the decoder, frames read while the connection was paused) — see Connection#heldBytes.
 *
 * Contract:
 * - Every connection reports its held bytes with update(); the budget keeps their sum.
 * - Above bufferedBytesMax, reading stops on the connections that hold the most: in descending order until the
 *   paused ones hold at least half of the total (Netty's writability idea, applied process-wide; Java:
 *   NettyRemotingServer.NettyServerHandler#channelWritabilityChanged turns autoRead off per channel). Connections
 *   that hold little (clients that read their answers) are never paused, so they keep being served.
 * - Once the total falls to 3/4 of bufferedBytesMax, every connection paused by the budget resumes.
 * - A single connection over connectionBufferedBytesMax is the caller's to close (Connection does, with a log
 *   line naming the peer and the bytes held).
 * The budget only decides; pausing and resuming is done through the BudgetMember interface.
 */
export interface BudgetMember {
  readonly remoteAddress: string;
  /** Pause (true) or resume (false) reading because of the process-wide budget. */
  setBudgetPaused(paused: boolean): void;
}

export class MemoryBudget {
  private readonly held = new Map<BudgetMember, number>();
  private readonly paused = new Set<BudgetMember>();
  private totalBytes = 0;
  /** While over budget, an unpaused member that grows past this is paused too. */
  private heavyBytes = Number.POSITIVE_INFINITY;

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
      if (this.paused.size === 0) this.pauseHeaviest();
      else if (bytes > before && bytes >= this.heavyBytes && !this.paused.has(m)) this.pause(m);
    } else if (this.paused.size > 0 && this.totalBytes <= (this.bufferedBytesMax * 3) / 4) {
      this.resumeAll();
    }
  }

  /** Forgets `m` (its connection closed). */
  remove(m: BudgetMember): void {
    this.paused.delete(m);
    this.update(m, 0);
  }

  private pauseHeaviest(): void {
    const byHeld = [...this.held.entries()].sort((a, b) => b[1] - a[1]);
    let pausedBytes = 0;
    for (const [m, bytes] of byHeld) {
      if (pausedBytes * 2 >= this.totalBytes) break;
      this.pause(m);
      pausedBytes += bytes;
      this.heavyBytes = bytes;
    }
  }

  private pause(m: BudgetMember): void {
    this.paused.add(m);
    m.setBudgetPaused(true);
  }

  private resumeAll(): void {
    const all = [...this.paused];
    this.paused.clear();
    this.heavyBytes = Number.POSITIVE_INFINITY;
    for (const m of all) m.setBudgetPaused(false);
  }
}
