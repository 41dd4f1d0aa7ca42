/**
 * Bytes moved per second on one HA connection (Java: store/ha/FlowMonitor — a thread that every second publishes the
 * bytes counted since the last turn as transferredByteInSecond and restarts the count).
 *
 * Contract. Owns: one byte counter and the figure of the last complete second. May call: the injected clock only.
 *   Invariants: transferredByteInSecond is the bytes added during the last complete FLOW_WINDOW_MS window (0 before
 *   the first window ends, 0 again after a window with no bytes); windows are rolled lazily on add/read from the
 *   clock (no timer to stop), at FLOW_WINDOW_MS boundaries counted from construction.
 */

/** One measuring window, in ms (Java: FlowMonitor waitForRunning(1 * 1000)). */
export const FLOW_WINDOW_MS = 1000;

export class FlowMonitor {
  private windowStart: number;
  private count = 0;
  private lastWindow = 0;

  constructor(private readonly now: () => number = Date.now) {
    this.windowStart = now();
  }

  /** Java: FlowMonitor#addByteCountTransferred. */
  add(bytes: number): void {
    this.roll();
    this.count += bytes;
  }

  /** Java: FlowMonitor#getTransferredByteInSecond. */
  get transferredByteInSecond(): number {
    this.roll();
    return this.lastWindow;
  }

  private roll(): void {
    const elapsed = this.now() - this.windowStart;
    if (elapsed < FLOW_WINDOW_MS) return;
    const windows = Math.floor(elapsed / FLOW_WINDOW_MS);
    // The window that just ended holds `count`; any later whole windows passed with nothing added.
    this.lastWindow = windows === 1 ? this.count : 0;
    this.count = 0;
    this.windowStart += windows * FLOW_WINDOW_MS;
  }
}
