import type { Logger } from '../common';

/**
 * Re-measures the disk while the store is disk-full, so that puts resume within a second of space coming back
 * (Java measures only in CleanCommitLogService, every cleanResourceInterval 10 s after a first 60 s delay).
 *
 * Contract. Owns: when a measurement runs. May call: the target's checkDiskSpace (retention.ts, which sets or
 * clears diskFull). Triggers: a write that hit ENOSPC (at once), a put refused as disk-full (at most once per
 * DISK_RECHECK_MS_MIN), and, while disk-full, a timer every DISK_FULL_RECHECK_INTERVAL_MS. One measurement at a
 * time; the timer is unref'd and stopped with the store.
 */
export const DISK_FULL_RECHECK_INTERVAL_MS = 500;
/** Puts refused as disk-full trigger a measurement at most this often. */
export const DISK_RECHECK_MS_MIN = 100;
/** After an ENOSPC, the disk counts as full until at least this much is available again (whatever the ratio). */
export const DISK_AVAILABLE_BYTES_MIN_AFTER_ENOSPC = 8 * 1024 * 1024;

export interface DiskWatchTarget {
  readonly diskFull: boolean;
  readonly logger: Logger;
  readonly now: () => number;
  checkDiskSpace(): Promise<void>;
}

export class DiskFullWatch {
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastCheckAt = Number.NEGATIVE_INFINITY;
  private stopped = false;
  /** Measurements made (for tests). */
  checks = 0;

  constructor(private readonly t: DiskWatchTarget) {}

  /** A write hit ENOSPC: measure now. */
  onEnospc(): void {
    void this.check();
  }

  /** A put was refused because the disk is full: measure unless that was just done. */
  onRefused(): void {
    if (this.t.now() - this.lastCheckAt >= DISK_RECHECK_MS_MIN) void this.check();
  }

  /** Measures (or joins the measurement under way); keeps measuring on a timer while the disk stays full. */
  check(): Promise<void> {
    if (this.running !== null) return this.running;
    if (this.stopped) return Promise.resolve();
    this.lastCheckAt = this.t.now();
    this.checks++;
    this.running = this.t
      .checkDiskSpace()
      .catch((err: unknown) => this.t.logger.warn({ err }, 'disk space check failed'))
      .finally(() => {
        this.running = null;
        if (this.t.diskFull && !this.stopped && this.timer === null) {
          this.timer = setTimeout(() => {
            this.timer = null;
            void this.check();
          }, DISK_FULL_RECHECK_INTERVAL_MS);
          this.timer.unref();
        }
      });
    return this.running;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
