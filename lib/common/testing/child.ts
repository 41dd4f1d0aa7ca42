/**
 * Test helper: stopping a child process the way an operator would — SIGTERM, then SIGKILL after a grace period —
 * and waiting until it has exited. Used by the tests that run Apogee or Java servers as real processes.
 */
import type { ChildProcess } from 'node:child_process';

/** How long a child gets to exit after SIGTERM before it is killed, ms. */
export const CHILD_STOP_GRACE_MS = 10_000;

/** SIGTERM, SIGKILL after `graceMs`; resolves once the child has exited (at once when it already has). */
export async function stopChild(p: ChildProcess | undefined, graceMs = CHILD_STOP_GRACE_MS): Promise<void> {
  if (p === undefined || p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise<void>((r) => p.once('exit', () => r()));
  p.kill('SIGTERM');
  const t = setTimeout(() => p.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(t);
}
