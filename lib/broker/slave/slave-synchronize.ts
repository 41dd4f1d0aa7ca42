import {
  ConsumerOffsetSerializeWrapper,
  DelayOffsetSerializeWrapper,
  SubscriptionGroupWrapper,
  TopicConfigAndMappingSerializeWrapper,
  type DataVersion,
  type SubscriptionGroupConfig,
  type TopicConfig,
} from '../../../protocol/bodies';
import { createRequest, type RemotingCommand } from '../../../protocol/command';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { decodeHeader, encodeHeader, GetAllSubscriptionGroupResponseHeader, GetAllTopicConfigRequestHeader, GetAllSubscriptionGroupRequestHeader, GetAllTopicConfigResponseHeader } from '../../../protocol/headers';
import { SERVER_VERSION, type Logger } from '../../common';
import type { DataVersionValue } from '../metadata/config-file';
import type { ConsumerOffsetManager } from '../metadata/consumer-offset-manager';
import type { SubscriptionGroupManager } from '../metadata/subscription-group-manager';
import type { TopicConfigManager } from '../metadata/topic-config-manager';
import type { ScheduleMessageService } from '../schedule/schedule-message-service';

/**
 * A slave's copy of its master's metadata (Java: broker/.../slave/SlaveSynchronize#syncAll, scheduled by
 * BrokerController#initializeBrokerScheduledTasks for brokerRole=SLAVE: first after 10 s, then checked every 3 s and
 * run when the last full sync is older than 60 s). Each step asks the master and applies the answer; a failing step
 * is logged and the others still run. Nothing is asked while the master is unknown or is this broker itself.
 *
 * - topics: GET_ALL_TOPIC_CONFIG on the master's VIP channel (port - 2, Java MixAll#brokerVIPChannel), paged by
 *   topicSeq / maxTopicNum 2000 / dataVersion as BrokerOuterAPI#getAllTopicConfig; the page loop stops when
 *   topicSeq >= totalTopicNum (Java stops at totalTopicNum - 1, which can drop a last one-topic page; a 4.9.x or
 *   Apogee master without totalTopicNum answers everything at once). Applied when the dataVersion differs.
 * - consumer offsets: GET_ALL_CONSUMER_OFFSET, putAll. - delay offsets: GET_ALL_DELAY_OFFSET, putAll.
 * - subscription groups: GET_ALL_SUBSCRIPTIONGROUP_CONFIG, paged like topics (groupSeq / maxGroupNum).
 * A refused request (a master with authenticationEnabled and no or wrong innerClientAuthenticationCredentials here:
 * NO_PERMISSION) is logged with the master's remark and the setting to fix.
 * Not copied yet: message request modes (GET_ALL_MESSAGE_REQUEST_MODE; POP is not served by Apogee) and, with
 * timerWheelEnable, the timer metrics (GET_TIMER_METRICS, in syncAll) and timer checkpoint (GET_TIMER_CHECK_POINT,
 * every 3 s): an Apogee slave runs no timer service (Broker#start), so a slave promoted by hand starts its timer
 * from its own files.
 */
export interface SlaveSynchronizeOptions {
  masterAddr: () => string | null;
  selfAddr: () => string;
  invoke: (addr: string, request: RemotingCommand, timeoutMs: number) => Promise<RemotingCommand>;
  topics: TopicConfigManager;
  groups: SubscriptionGroupManager;
  offsets: ConsumerOffsetManager;
  schedule: ScheduleMessageService;
  logger: Logger;
  now: () => number;
}

/** Java BrokerOuterAPI#getMaxPageSize. */
export const SYNC_PAGE_ENTRIES_MAX = 2000;
/** Java BrokerOuterAPI#getTimeoutMillis: the whole paged topic / group read. */
export const SYNC_PAGED_TIMEOUT_MS = 60_000;
/** Java: each page is invokeSync(..., 30000); the offset reads 3000. */
export const SYNC_PAGE_TIMEOUT_MS = 30_000;
export const SYNC_SIMPLE_TIMEOUT_MS = 3000;
/** Java BrokerController: scheduleAtFixedRate(initialDelay 10 s, period 3 s), syncAll when > 60 s since the last. */
export const SYNC_INITIAL_DELAY_MS = 10_000;
export const SYNC_CHECK_INTERVAL_MS = 3000;
export const SYNC_ALL_INTERVAL_MS = 60_000;

/** Java MixAll#brokerVIPChannel(true, addr): the same host, port - 2. */
export function vipChannel(addr: string): string {
  const i = addr.lastIndexOf(':');
  if (i < 0) return addr;
  const port = Number(addr.slice(i + 1));
  return Number.isInteger(port) && port > 2 ? `${addr.slice(0, i)}:${port - 2}` : addr;
}

function version(v: DataVersion | undefined): DataVersionValue | undefined {
  return v === undefined ? undefined : { counter: v.counter, stateVersion: v.stateVersion ?? 0, timestamp: v.timestamp };
}

/** A master's non-SUCCESS answer to one sync request. */
export class MasterRefused extends Error {
  constructor(readonly request: number, readonly code: number, readonly remark: string) {
    super(`request ${request} answered ${code}: ${remark}`);
  }
}

export class SlaveSynchronize {
  private lastSyncAt = 0;
  private running: Promise<void> | null = null;

  constructor(private readonly o: SlaveSynchronizeOptions) {}

  /** The 3 s tick: a full sync when the last one is older than 60 s (Java lastSyncTimeMs). */
  tick(): Promise<void> {
    if (this.running !== null || this.o.now() - this.lastSyncAt <= SYNC_ALL_INTERVAL_MS) return this.running ?? Promise.resolve();
    this.running = this.syncAll().finally(() => {
      this.lastSyncAt = this.o.now();
      this.running = null;
    });
    return this.running;
  }

  /** Java SlaveSynchronize#syncAll. */
  async syncAll(): Promise<void> {
    const master = this.o.masterAddr();
    if (master === null || master === this.o.selfAddr()) return;
    await this.step('topic config', master, () => this.syncTopicConfig(master));
    await this.step('consumer offset', master, () => this.syncConsumerOffset(master));
    await this.step('delay offset', master, () => this.syncDelayOffset(master));
    await this.step('subscription group', master, () => this.syncSubscriptionGroupConfig(master));
  }

  private async step(what: string, master: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
      this.o.logger.info({ master }, `update slave ${what} from master`);
    } catch (e) {
      if (e instanceof MasterRefused && e.code === ResponseCode.NO_PERMISSION) {
        // A master with authenticationEnabled refuses an unsigned or wrongly signed slave (Java remark kept).
        this.o.logger.error(
          { master, code: e.code, remark: e.remark },
          `sync ${what} from master refused (NO_PERMISSION: ${e.remark}); set innerClientAuthenticationCredentials to {"accessKey","secretKey"} of a user the master accepts; retried at the next round`,
        );
        return;
      }
      this.o.logger.error({ master, err: (e as Error).message }, `sync ${what} from master failed; retried at the next round`);
    }
  }

  private async ask(addr: string, code: number, timeoutMs: number, ext: Map<string, string> | null = null): Promise<RemotingCommand> {
    const r = await this.o.invoke(addr, createRequest({ code, opaque: 0, version: SERVER_VERSION, extFields: ext }), timeoutMs);
    if (r.code !== ResponseCode.SUCCESS) throw new MasterRefused(code, r.code, r.remark ?? '');
    return r;
  }

  private async syncTopicConfig(master: string): Promise<void> {
    const got = await this.paged(vipChannel(master), RequestCode.GET_ALL_TOPIC_CONFIG, (seq, dv) => encodeHeader(GetAllTopicConfigRequestHeader, { topicSeq: seq, maxTopicNum: SYNC_PAGE_ENTRIES_MAX, dataVersion: dv }), (r) => {
      const w = TopicConfigAndMappingSerializeWrapper.decode(r.body ?? Buffer.alloc(0));
      if (!w.ok) throw new Error(`GET_ALL_TOPIC_CONFIG body: ${w.error}`);
      const h = decodeHeader(GetAllTopicConfigResponseHeader, r.extFields);
      return { table: w.value.topicConfigTable as Map<string, TopicConfig>, dataVersion: w.value.dataVersion, total: h.ok ? h.value.totalTopicNum : undefined };
    });
    // Java persists the copy before the round ends (TopicConfigManager#persist in SlaveSynchronize#syncTopicConfig).
    if (this.o.topics.replaceFromMaster(got.table, version(got.dataVersion)!)) await this.o.topics.writeNow();
  }

  private async syncSubscriptionGroupConfig(master: string): Promise<void> {
    const got = await this.paged(master, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, (seq, dv) => encodeHeader(GetAllSubscriptionGroupRequestHeader, { groupSeq: seq, maxGroupNum: SYNC_PAGE_ENTRIES_MAX, dataVersion: dv }), (r) => {
      const w = SubscriptionGroupWrapper.decode(r.body ?? Buffer.alloc(0));
      if (!w.ok) throw new Error(`GET_ALL_SUBSCRIPTIONGROUP_CONFIG body: ${w.error}`);
      const h = decodeHeader(GetAllSubscriptionGroupResponseHeader, r.extFields);
      return { table: w.value.subscriptionGroupTable, dataVersion: w.value.dataVersion, total: h.ok ? h.value.totalGroupNum : undefined };
    });
    if (this.o.groups.replaceFromMaster(got.table as Map<string, SubscriptionGroupConfig>, version(got.dataVersion)!)) await this.o.groups.flush();
  }

  /** BrokerOuterAPI#getAllTopicConfig / #getAllSubscriptionGroupConfig's page loop. */
  private async paged<V>(
    addr: string,
    code: number,
    header: (seq: number, dataVersion: string) => Iterable<[string, string]>,
    read: (r: RemotingCommand) => { table: Map<string, V>; dataVersion: DataVersion; total: number | undefined },
  ): Promise<{ table: Map<string, V>; dataVersion: DataVersion }> {
    const began = this.o.now();
    const table = new Map<string, V>();
    let seq = 0;
    let dv: DataVersion | undefined;
    for (;;) {
      const left = SYNC_PAGED_TIMEOUT_MS - (this.o.now() - began);
      if (left < 0) throw new Error('invokeSync call timeout');
      const dvText = dv === undefined ? '' : JSON.stringify({ counter: dv.counter, stateVersion: dv.stateVersion ?? 0, timestamp: dv.timestamp });
      const page = read(await this.ask(addr, code, Math.min(left, SYNC_PAGE_TIMEOUT_MS), new Map(header(seq, dvText))));
      for (const [k, v] of page.table) table.set(k, v);
      seq += page.table.size;
      if (dv === undefined) dv = page.dataVersion;
      if (page.total === undefined) break; // an older server answers everything at once
      if (!(dv.counter === page.dataVersion.counter && dv.timestamp === page.dataVersion.timestamp && (dv.stateVersion ?? 0) === (page.dataVersion.stateVersion ?? 0))) {
        this.o.logger.warn({ from: dv, to: page.dataVersion }, 'master metadata changed while paging; starting over');
        dv = page.dataVersion;
        seq = 0;
        table.clear();
        continue;
      }
      if (seq >= page.total || page.table.size === 0) break;
    }
    return { table, dataVersion: dv };
  }

  private async syncConsumerOffset(master: string): Promise<void> {
    const r = await this.ask(master, RequestCode.GET_ALL_CONSUMER_OFFSET, SYNC_SIMPLE_TIMEOUT_MS);
    const w = ConsumerOffsetSerializeWrapper.decode(r.body ?? Buffer.alloc(0));
    if (!w.ok) throw new Error(`GET_ALL_CONSUMER_OFFSET body: ${w.error}`);
    this.o.offsets.putAllFromMaster(w.value.offsetTable, version(w.value.dataVersion));
    await this.o.offsets.flush();
  }

  private async syncDelayOffset(master: string): Promise<void> {
    const r = await this.ask(master, RequestCode.GET_ALL_DELAY_OFFSET, SYNC_SIMPLE_TIMEOUT_MS);
    if (r.body === null || r.body.length === 0) return; // Java: a null answer is skipped
    const w = DelayOffsetSerializeWrapper.decode(r.body);
    if (!w.ok) throw new Error(`GET_ALL_DELAY_OFFSET body: ${w.error}`);
    this.o.schedule.loadFromMaster({ offsetTable: w.value.offsetTable, dataVersion: version(w.value.dataVersion) });
  }
}
