import { makeRecord } from './records';
import { bodyFor } from './workload';

/** The messages of the SIGKILL test, derived from their sequence number alone so that the parent can check them. */
export const CRASH_CHILD_TOPIC = 'CrashTopic';
export const CRASH_CHILD_QUEUES = 4;

export function crashChildSize(seq: number): number {
  return 40 + ((seq * 7919) % 900);
}

export function crashChildBody(seq: number): Buffer {
  return bodyFor(`S${seq}`, crashChildSize(seq));
}

export function crashChildMessage(seq: number): Buffer {
  return makeRecord({ topic: CRASH_CHILD_TOPIC, queueId: seq % CRASH_CHILD_QUEUES, body: crashChildBody(seq), uniqKey: `S${seq}`, keys: `K${seq}` });
}
