/**
 * Contract. Owns: the read-side back-pressure of one Connection (connection.ts) — when reading from the peer
 * pauses and resumes (too many of its requests in flight, too many bytes waiting to be written to it, or the
 * process-wide budget says so), the backlog of frames already read when it paused (processed in order once
 * resumed), and the report of held bytes to the MemoryBudget (budget.ts), closing a connection over its own share
 * (connectionBufferedBytesMax) with a log line naming the peer and the bytes. Never imports connection.ts: the
 * connection is seen through FlowOwner. Java: NettyRemotingServer's channel writability + NettyServerConfig limits.
 *
 * Also owns how the frames of one read are spread over event-loop turns (ConnectionLimits.readBurstParts): a read
 * holding many requests (one client multiplexing many callers on its connection) is processed in parts, one part
 * per turn, so the answers of the first part reach the socket while the rest are processed — and the client can
 * work on them meanwhile. Java answers each request as soon as its worker thread finishes it.
 */
import type { Logger } from '../common';
import { BUDGET_PAUSE_BYTES, type BudgetMember, type MemoryBudget } from './budget';
import type { ConnectionLimits } from './limits';

/** What the flow control sees of its connection. */
export interface FlowOwner extends BudgetMember {
  readonly closed: boolean;
  /** Bytes the connection holds for its peer (unsent responses, a partial frame, the backlog). */
  readonly heldBytes: number;
  close(reason: string): void;
}

export interface FlowDeps {
  owner: FlowOwner;
  socket: { pause(): unknown; resume(): unknown };
  limits: ConnectionLimits;
  logger: Logger;
  /** Process-wide budget of held bytes (servers); a client side has none. */
  budget: MemoryBudget | undefined;
  /** Processes one frame (may throw a protocol error). */
  onFrame(payload: Buffer): void;
  onDecodeError(e: unknown): void;
}

/** The smallest part of a burst processed in one turn (readBurstParts): a read of up to this many frames is one part. */
export const READ_BURST_PART_FRAMES_MIN = 8;

export class ReadFlow {
  /** Requests of the peer being processed (answered ones excluded). */
  inFlight = 0;
  private pausedForWrite = false;
  private pausedForInFlight = false;
  private pausedForBudget = false;
  private readonly backlog: Buffer[] = [];
  backlogBytes = 0;
  /** Frames the current burst processes per turn (set when a burst starts, kept until its backlog is empty). */
  private partFrames = 0;
  private turnQueued = false;
  private readonly nextTurn = (): void => {
    this.turnQueued = false;
    this.drainBacklog();
  };
  private heldCheckQueued = false;
  private readonly heldCheck = (): void => {
    this.heldCheckQueued = false;
    this.reportHeld();
  };

  constructor(private readonly d: FlowDeps) {}

  private get paused(): boolean {
    return this.pausedForWrite || this.pausedForInFlight || this.pausedForBudget;
  }

  /** The socket's write buffer drained: reading may resume. */
  onDrain(): void {
    if (this.pausedForWrite) {
      this.pausedForWrite = false;
      this.updateFlow();
    }
    this.reportHeld();
  }

  /** BudgetMember: the process-wide budget pauses or resumes reading. */
  setBudgetPaused(paused: boolean): void {
    if (this.pausedForBudget === paused) return;
    this.pausedForBudget = paused;
    this.updateFlow();
  }

  /** Tells the budget what this connection holds; closes it if it holds more than its share. */
  reportHeld(): void {
    const budget = this.d.budget;
    const owner = this.d.owner;
    if (owner.closed || budget === undefined) return; // a client side holds what its own caller queued
    const held = owner.heldBytes;
    const max = this.d.limits.connectionBufferedBytesMax;
    if (held > max) {
      this.d.logger.warn(
        { remote: owner.remoteAddress, heldBytes: held, connectionBufferedBytesMax: max },
        `closing connection ${owner.remoteAddress}: it holds ${held} bytes (unsent responses and unread requests), over connectionBufferedBytesMax ${max}`,
      );
      owner.close(`holds ${held} bytes, over connectionBufferedBytesMax ${max}`);
      return;
    }
    budget.update(owner, held);
  }

  /** Re-reads what is held once the writes of this tick have reached the kernel (or not). */
  queueHeldCheck(): void {
    if (this.heldCheckQueued) return;
    this.heldCheckQueued = true;
    setImmediate(this.heldCheck);
  }

  /**
   * A frame was read: processed now, or kept in the backlog while paused (or behind earlier backlog frames). With
   * readBurstParts > 1 every frame waits for endOfRead(), which knows how many the read held.
   */
  onFrameOrQueue(payload: Buffer): void {
    if (this.d.limits.readBurstParts > 1 || this.paused || this.backlog.length > 0) {
      this.backlog.push(payload);
      this.backlogBytes += payload.length;
      return;
    }
    this.d.onFrame(payload);
  }

  /**
   * Every frame of a read has been through onFrameOrQueue: the first part of them is processed now. A read during a
   * burst raises its part size to cover the new backlog, so a peer that keeps writing never outruns the parts
   * (each turn processes at least 1/readBurstParts of what was waiting at the last read).
   */
  endOfRead(): void {
    const parts = this.d.limits.readBurstParts;
    if (this.partFrames !== 0 && parts > 1) this.partFrames = Math.max(this.partFrames, Math.ceil(this.backlog.length / parts));
    if (!this.turnQueued) this.drainBacklog();
  }

  /**
   * The peer closed its side: nothing more will be read, and the socket closes soon after, so what is left of the
   * burst is processed now (oneway requests sent just before a close take effect, as in Java).
   */
  onPeerEnd(): void {
    this.partFrames = Infinity;
    this.drainBacklog();
  }

  /**
   * Processes backlog frames while not paused: all of them, or with readBurstParts > 1 one part of the burst (at
   * least READ_BURST_PART_FRAMES_MIN frames), the next part in the next turn.
   */
  private drainBacklog(): void {
    try {
      const parts = this.d.limits.readBurstParts;
      if (this.partFrames === 0) this.partFrames = parts > 1 ? Math.max(READ_BURST_PART_FRAMES_MIN, Math.ceil(this.backlog.length / parts)) : Infinity;
      let left = this.partFrames;
      while (this.backlog.length > 0 && !this.paused && !this.d.owner.closed && left-- > 0) {
        const payload = this.backlog.shift()!;
        this.backlogBytes -= payload.length;
        this.d.onFrame(payload);
      }
      if (this.backlog.length === 0) this.partFrames = 0;
      else if (!this.paused && !this.d.owner.closed && !this.turnQueued) {
        this.turnQueued = true;
        setImmediate(this.nextTurn);
      }
    } catch (e) {
      this.d.onDecodeError(e);
    }
  }

  /** A request of the peer was dispatched: at inFlightRequestsMax reading pauses. */
  requestStarted(): void {
    this.inFlight++;
    if (this.inFlight >= this.d.limits.inFlightRequestsMax && !this.pausedForInFlight) {
      this.pausedForInFlight = true;
      this.updateFlow();
    }
  }

  /** After a request was answered (inFlight already decremented): below inFlightRequestsMax reading resumes. */
  resumeIfInFlightBelowMax(): void {
    if (this.pausedForInFlight && this.inFlight < this.d.limits.inFlightRequestsMax) {
      this.pausedForInFlight = false;
      this.updateFlow();
    }
  }

  /** After a frame was written: over writeBufferHighBytes reading pauses; a large buffer is reported at once. */
  afterWrite(writableLength: number): void {
    if (!this.pausedForWrite && writableLength > this.d.limits.writeBufferHighBytes) {
      this.pausedForWrite = true;
      this.updateFlow();
    }
    if (writableLength >= BUDGET_PAUSE_BYTES) this.reportHeld(); // smaller amounts: at the check after uncork
  }

  private updateFlow(): void {
    if (this.d.owner.closed) return;
    if (this.paused) {
      this.d.socket.pause();
      return;
    }
    this.drainBacklog();
    if (!this.paused && !this.d.owner.closed) this.d.socket.resume();
  }

  /** The connection closed: the backlog is dropped. */
  clear(): void {
    this.backlog.length = 0;
    this.backlogBytes = 0;
    this.partFrames = 0;
  }
}
