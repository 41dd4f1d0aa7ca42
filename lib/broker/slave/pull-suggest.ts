import { ResponseCode } from '../../../protocol/codes';
import { MASTER_ID } from '../../../protocol/naming';

/**
 * Which broker of the group a pull answer tells the client to use next (PullMessageResponseHeader
 * suggestWhichBrokerId), and the code changes a slave makes. Java 5.x: PullMessageProcessor#composeResponseHeader and
 * DefaultPullMessageResultHandler#handle (PULL_OFFSET_MOVED case):
 * 1. slaveReadEnable: the store's suggestPullingFromSlave (the unread rest of the commit log exceeds
 *    accessMessageInMemoryMaxRatio of RAM, DefaultMessageStore#getMessage) -> the group's whichBrokerWhenConsumeSlowly
 *    (default 1), else the group's brokerId (default 0). Without slaveReadEnable: always the master (0).
 * 2. On a slave (brokerId != 0) whose store does not suggest the slave: back to the master — Java compares
 *    minBrokerIdInGroup with 0, which stays 0 without slave-acting-master mode (Apogee has none) — and any answer
 *    but FOUND becomes PULL_RETRY_IMMEDIATELY (no long-poll on a slave; the client retries at once, on the master).
 * 3. PULL_OFFSET_MOVED on a SLAVE without offsetCheckInSlave: no correction — PULL_RETRY_IMMEDIATELY with the
 *    group's brokerId.
 */
export interface PullSuggestInput {
  code: number;
  found: boolean;
  suggestPullingFromSlave: boolean;
  slaveReadEnable: boolean;
  brokerId: number;
  isSlaveRole: boolean;
  offsetCheckInSlave: boolean;
  groupBrokerId: number;
  groupWhichBrokerWhenConsumeSlowly: number;
}

export function pullSuggestion(i: PullSuggestInput): { code: number; suggestWhichBrokerId: number } {
  let code = i.code;
  let suggest = MASTER_ID;
  if (i.slaveReadEnable) suggest = i.suggestPullingFromSlave ? i.groupWhichBrokerWhenConsumeSlowly : i.groupBrokerId;
  if (i.brokerId !== MASTER_ID && !i.suggestPullingFromSlave) {
    suggest = MASTER_ID;
    if (!i.found) code = ResponseCode.PULL_RETRY_IMMEDIATELY;
  }
  if (code === ResponseCode.PULL_OFFSET_MOVED && i.isSlaveRole && !i.offsetCheckInSlave) {
    suggest = i.groupBrokerId;
    code = ResponseCode.PULL_RETRY_IMMEDIATELY;
  }
  return { code, suggestWhichBrokerId: suggest };
}
