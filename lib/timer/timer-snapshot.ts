/**
 * The timer's distribution snapshot behind Java's rocketmq_timer_message_snapshot gauge: timers due within each
 * bound of TimerMetrics#timerDist (5 s, 1 min, 5 min, 15 min, 1 h, 4 h, 8 h, 24 h), each bound counting the slots
 * after the previous bound only (Java: DefaultStoreMetricsManager#init, the GAUGE_TIMER_MESSAGE_SNAPSHOT callback:
 * slot j from timerDist[i-1]*1000/precisionMs to timerDist[i]*1000/precisionMs of now floored to the precision).
 * Cost: one slot read per precision step up to 24 h (86,400 at the default 1 s), at scrape time only.
 */
import type { TimerWheel } from './timer-wheel';

/** Java TimerMetrics#timerDist (seconds). */
export const TIMER_DIST_SEC = [5, 60, 300, 900, 3600, 14400, 28800, 86400] as const;

/** [bound in seconds, timers due after the previous bound and before this one]. */
export function timerDistSnapshot(wheel: Pick<TimerWheel, 'numAt'>, nowMs: number, precisionMs: number, dist: readonly number[] = TIMER_DIST_SEC): [number, number][] {
  const curr = Math.floor(nowMs / precisionMs) * precisionMs;
  const out: [number, number][] = [];
  for (let i = 0; i < dist.length; i++) {
    const from = i === 0 ? 0 : Math.floor((dist[i - 1]! * 1000) / precisionMs);
    const to = Math.floor((dist[i]! * 1000) / precisionMs);
    let total = 0;
    for (let j = from; j < to; j++) total += wheel.numAt(curr + j * precisionMs);
    out.push([dist[i]!, total]);
  }
  return out;
}
