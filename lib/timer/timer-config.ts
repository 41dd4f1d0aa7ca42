import type { Logger } from '../common';
import { UNIT_SIZE } from './timer-log';
import type { MessageStore, StoreConfig, StoreIO } from '../store';

/**
 * The timer service's names, configuration, dependencies and the two pure rules the broker's send hook shares with
 * it (Java: TimerMessageStore constants, MessageStoreConfig#setTimerPrecisionMs, HookUtils#transformTimerMessage).
 * Contract. Owns: constants and types only, plus normalizePrecisionMs and timerOutMs; no state, no I/O.
 */
export const TIMER_TOPIC = 'rmq_sys_wheel_timer';
/** Java TimerMessageStore.TIMER_BLANK_SLOTS */
export const TIMER_BLANK_SLOTS = 60;
/** TIMER_ENQUEUE_MS of a message delivered without entering the wheel (Java: Long.MAX_VALUE). */
export const ENQUEUE_NEVER = '9223372036854775807';

// ---- the service's named limits
/** Messages read from rmq_sys_wheel_timer per enqueue step. */
export const ENQUEUE_BATCH_MAX = 32;
/** Non-empty slots delivered per loop turn before the enqueue side gets its turn again. */
export const DEQUEUE_SLOTS_PER_TURN_MAX = 4;
/**
 * Empty wheel slots passed over before the dequeue side yields to the event loop (setImmediate) and goes on
 * (issue 14: a fresh store's catch-up over ~7 days of empty slots was one 80-500 ms block at every start).
 */
export const DEQUEUE_EMPTY_SLOTS_PER_YIELD = 4096;
/** Bytes of timerlog read at once while walking a slot's chain. */
export const CHAIN_READ_BYTES = UNIT_SIZE * 1024;
/**
 * Messages of one slot read and put concurrently (a chunk; two chunks' puts are in flight at most). Small chunks
 * deliver a full slot sooner: fewer messages alive across each young-generation GC (39% of a 10,000-timer
 * delivery was GC with 256). Last of 10,000 delivered, ms after the due second, Apogee alone, 4 rounds each:
 * 256 -> 296-603, 128 -> 320-496, 64 -> 272-458, 32 -> 242-432, 16 -> 239-322 (bench/README, stop 16).
 */
export const DELIVER_IN_FLIGHT_MAX = 32;
/** Shortest idle wait of the service loop, ms (its wait is otherwise cut short at the next tick). */
export const IDLE_SLEEP_MIN_MS = 10;
/** Java: put attempts of a due message before it is given up (without timerEnableRetryUntilSuccess). */
export const PUT_ATTEMPTS_MAX = 3;


export type TimerConfig = Pick<
  StoreConfig,
  | 'storePathRootDir'
  | 'timerPrecisionMs'
  | 'timerRollWindowSlot'
  | 'timerFlushIntervalMs'
  | 'mappedFileSizeTimerLog'
  | 'timerStopEnqueue'
  | 'timerStopDequeue'
  | 'timerEnableRetryUntilSuccess'
  | 'timerCongestNumEachSlot'
>;

export interface TimerDeps {
  store: MessageStore;
  /** Read live: timerStop* and the flush interval may change at run time. */
  config: TimerConfig;
  logger: Logger;
  now?: () => number;
  io?: StoreIO;
  /** Unit tests only: a smaller wheel. */
  slotsTotal?: number;
  /** Metrics hooks (Java DefaultStoreMetricsManager), called per timer message; absent when metrics are off. */
  observer?: TimerObserver;
}

/**
 * Java TimerMessageStore's metric calls: `fetched` as a message is read from rmq_sys_wheel_timer (#enqueue:
 * incTimerEnqueueCount and the timer-message-set latency, delay time minus born time), `delivered` as it leaves the
 * wheel (TimerDequeuePutMessageService: incTimerDequeueCount). realTopic is undefined when the message has none.
 */
export interface TimerObserver {
  fetched(realTopic: string | undefined, delayedMs: number, bornTimestamp: number): void;
  delivered(realTopic: string | undefined): void;
}

/** Java MessageStoreConfig#setTimerPrecisionMs: rounded down to 100, 200, 500 or 1000. */
export function normalizePrecisionMs(v: number): number {
  const c = [100, 200, 500, 1000];
  for (let i = 1; i < c.length; i++) if (v < c[i]!) return c[i - 1]!;
  return 1000;
}

/** Java HookUtils#transformTimerMessage: the TIMER_OUT_MS of a timer due at deliverMs. */
export function timerOutMs(deliverMs: number, precisionMs: number): number {
  return deliverMs % precisionMs === 0 ? deliverMs - precisionMs : Math.floor(deliverMs / precisionMs) * precisionMs;
}

export interface TimerStats {
  /** Seconds the delivery is behind (Java getDequeueBehind). */
  readBehindSec: number;
  /** rmq_sys_wheel_timer messages not yet in the wheel (Java getEnqueueBehindMessages). */
  offsetBehind: number;
  /** Timers in the wheel (Java getAllCongestNum). */
  congestNum: number;
  /** Java getEnqueueBehindMillis: now - store time of the last message read from the timer topic, if read < 2 s ago. */
  enqueueBehindMs: number;
  enqueueTps: number;
  dequeueTps: number;
}


/**
 * Idle wait between the timer's steps, ms: Java's 100 ms per second of precision, cut short at the next tick after
 * `tickStartMs` (the tick holding `now`) so that a slot that just fell due is delivered at once rather than up to one
 * poll later (never earlier: the write time moves only once the clock has reached the tick).
 */
export function idleSleepMs(now: number, tickStartMs: number, precisionMs: number): number {
  return Math.max(IDLE_SLEEP_MIN_MS, Math.min((100 * precisionMs) / 1000, tickStartMs + precisionMs - now + 1));
}
