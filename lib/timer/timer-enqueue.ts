import { javaStringHashCode } from '../../protocol/codec';
import { MessageConst } from '../../protocol/message';
import { encodeUnit, MAGIC_DEFAULT, MAGIC_DELETE, MAGIC_ROLL, UNIT_SIZE, type TimerLog } from './timer-log';
import type { Slot, TimerWheel } from './timer-wheel';

/** A rmq_sys_wheel_timer message on its way into the wheel. */
export interface EnqueueItem {
  offsetPy: number;
  sizePy: number;
  /** Its due time (TIMER_OUT_MS). */
  delayedMs: number;
  props: Map<string, string>;
  /** Its offset in rmq_sys_wheel_timer queue 0. */
  queueOffset: number;
}

export interface EnqueueContext {
  log: TimerLog;
  wheel: TimerWheel;
  /** The write time of the step (Java currWriteTimeMs). */
  writeTimeMs: number;
  rollWindowSlots: number;
  precisionMs: number;
}

export function isDeleteMarker(props: Map<string, string>): boolean {
  return props.has(MessageConst.PROPERTY_TIMER_DEL_UNIQKEY);
}

/**
 * Java doEnqueue for the first items that fit in the timerlog file being written (at least one): each gets a unit
 * chained into the slot of its (possibly rolled) due time, all written in one write (Java appends them to a mapped
 * file one by one; a write(2) per unit cost a busy POP broker ~5% of its thread, one checkpoint per popped queue).
 * The slots change only after the write succeeded: a failed run leaves wheel and log as they were, and is written
 * again at the same place. Resolves with how many items were enqueued.
 */
export async function enqueueRun(c: EnqueueContext, items: readonly EnqueueItem[]): Promise<number> {
  const { start, room } = await c.log.prepareRun();
  const n = Math.min(room, items.length);
  const window = c.rollWindowSlots * c.precisionMs;
  /** The slots this run changes, by slot time: as they will be once the run is written. */
  const slots = new Map<number, Slot>();
  const units: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const it = items[i]!;
    let delayedMs = it.delayedMs;
    let magic = MAGIC_DEFAULT;
    if (delayedMs - c.writeTimeMs >= window) {
      magic |= MAGIC_ROLL;
      delayedMs = delayedMs - c.writeTimeMs - window < Math.floor(c.rollWindowSlots / 3) * c.precisionMs ? c.writeTimeMs + Math.floor(c.rollWindowSlots / 2) * c.precisionMs : c.writeTimeMs + window;
    }
    const isDelete = isDeleteMarker(it.props);
    if (isDelete) magic |= MAGIC_DELETE;
    const realTopic = it.props.get(MessageConst.PROPERTY_REAL_TOPIC);
    const key = Math.floor(delayedMs / c.precisionMs);
    const slot = slots.get(key) ?? c.wheel.getSlot(delayedMs);
    const pos = start + i * UNIT_SIZE;
    units.push(encodeUnit({ prevPos: slot.lastPos, magic, enqueueMs: c.writeTimeMs, delayedMs, offsetPy: it.offsetPy, sizePy: it.sizePy, topicHash: realTopic === undefined ? 0 : javaStringHashCode(realTopic) }));
    slots.set(key, { timeMs: delayedMs, firstPos: slot.firstPos === -1 ? pos : slot.firstPos, lastPos: pos, num: isDelete ? slot.num - 1 : slot.num + 1, magic: slot.magic });
  }
  await c.log.appendRun(units);
  for (const s of slots.values()) c.wheel.putSlot(s.timeMs, s.firstPos, s.lastPos, s.num, s.magic);
  return n;
}
