import type { RemotingCommand } from '../../../protocol/command';

/**
 * The "slow reads" fault (action=slowread:MS, rules.ts): the gate marks a request hit by such a rule; the processors
 * that read the store for a request (pull.ts, including a long-polled pull's re-read on wake-up, which carries the
 * same request; query.ts QUERY_MESSAGE and VIEW_MESSAGE_BY_ID) pass their read through `slowRead`, which completes
 * it MS ms late, as a slow disk would. The mark lives in a WeakMap keyed by the request command, so it goes with
 * the request. When fault injection is off `slowRead` is one boolean check and returns the read itself.
 */
const marked = new WeakMap<RemotingCommand, number>();

/** Marks `request`: its store reads complete `delayMs` late (gate.ts, on a slowread hit). */
export function markSlowReads(request: RemotingCommand, delayMs: number): void {
  marked.set(request, delayMs);
}

/** `read`, or when `request` is marked and injection still on, `read` completed the marked delay later. */
export function slowRead<T>(faults: { readonly enabled: boolean }, request: RemotingCommand, read: Promise<T>): Promise<T> {
  if (!faults.enabled) return read;
  const delayMs = marked.get(request);
  if (delayMs === undefined) return read;
  return read.then((v) => new Promise<T>((resolve) => setTimeout(() => resolve(v), delayMs)));
}
