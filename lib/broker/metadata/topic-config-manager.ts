import { TIMER_TOPIC } from '../../timer';
import { TopicConfig as TopicConfigBody, TopicConfigSerializeWrapper, type TopicConfig } from '../../../protocol/bodies';
import {
  AUTO_CREATE_TOPIC,
  BENCHMARK_TOPIC,
  isInherited,
  OFFSET_MOVED_EVENT,
  Perm,
  REPLY_TOPIC_POSTFIX,
  SCHEDULE_TOPIC,
  SELF_TEST_TOPIC,
  SYNC_BROKER_MEMBER_GROUP_PREFIX,
  TRANS_CHECK_MAX_TIME_TOPIC,
  TRANS_HALF_TOPIC,
  TRANS_OP_HALF_TOPIC,
} from '../../../protocol/naming';
import type { Logger } from '../../common';
import { ChangeJournal } from './change-journal';
import type { CoalescingWriter, MetadataIo } from './coalescing-writer';
import { ConfigFile, nextVersion, sameVersion, type DataVersionValue } from './config-file';

/**
 * Topic configurations (topics.json). Java: broker/.../topic/TopicConfigManager.java (init of the system topics,
 * createTopicInSendMessageMethod, createTopicInSendMessageBackMethod, ...). Every change bumps the DataVersion,
 * is appended to topics.json.changes (change-journal.ts; `flush()` resolves once every change so far is fsync'd
 * there, which the admin processors await before answering, where Java's ConfigManager#persist is synchronous),
 * asks for a coalesced background rewrite of topics.json (at most one per TOPICS_FILE_WRITE_DELAY_MS during a
 * burst; it empties the journal), and calls `onChange` with the changed topics so the broker registers them with
 * the NameServers (Java registerIncrementBrokerData; `[]` after a deletion). load() replays the journal.
 */
/** Delay of the background rewrite of topics.json after a change, ms (the journal holds the change meanwhile). */
export const TOPICS_FILE_WRITE_DELAY_MS = 1000;

export interface TopicManagerOptions {
  storePathRootDir: string;
  brokerClusterName: string;
  brokerName: string;
  autoCreateTopicEnable: boolean;
  defaultTopicQueueNums: number;
  clusterTopicEnable: boolean;
  brokerTopicEnable: boolean;
  traceTopicEnable: boolean;
  msgTraceTopicName: string;
  /** Java: rmq_sys_wheel_timer (1 queue) is a system topic when timerWheelEnable. */
  timerWheelEnable?: boolean;
  /** Bound on the number of topics (create attempts beyond it fail). */
  topicsMax: number;
  /**
   * A change is fdatasync'd before its answer (true on a SYNC_FLUSH broker, the default); false: written before the
   * answer (a process kill keeps it, a machine crash may not — as an ASYNC_FLUSH message, and as Java's topics.json).
   */
  journalSync?: boolean;
  logger: Logger;
  now: () => number;
  onChange: (changed: TopicConfig[]) => void;
  /** File system for topics.json writes (tests inject failures). */
  io?: MetadataIo;
}

export const SCHEDULE_TOPIC_QUEUE_NUM = 18;
/** Java PopAckConstants.buildClusterReviveTopic */
export const reviveTopic = (cluster: string): string => `rmq_sys_REVIVE_LOG_${cluster}`;

export function newTopicConfig(topicName: string, init: Partial<TopicConfig> = {}): TopicConfig {
  return {
    topicName,
    readQueueNums: 16,
    writeQueueNums: 16,
    perm: Perm.READ | Perm.WRITE,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: false,
    attributes: new Map(),
    ...init,
  };
}

export class TopicConfigManager {
  private readonly table = new Map<string, TopicConfig>();
  private readonly systemTopics = new Set<string>();
  dataVersion: DataVersionValue;
  private readonly file: ConfigFile<{ dataVersion: DataVersionValue; topicConfigTable: Map<string, TopicConfig> }>;
  private readonly writer: CoalescingWriter;
  private readonly journal: ChangeJournal;
  /** Journal records the full write under way covers. */
  private covered = 0;

  constructor(private readonly o: TopicManagerOptions) {
    this.dataVersion = { counter: 0, stateVersion: 0, timestamp: o.now() };
    this.file = new ConfigFile(o.storePathRootDir, 'topics.json', TopicConfigSerializeWrapper as never, o.logger);
    this.journal = new ChangeJournal(`${this.file.file}.changes`, o.logger, o.journalSync ?? true);
    this.writer = this.file.coalesced(
      ([topicConfigTable]) => ({ dataVersion: this.dataVersion, topicConfigTable: topicConfigTable! }),
      () => {
        this.covered = this.journal.count;
        return [this.table];
      },
      o.io,
      // Entries are cached by object: a TopicConfig in the table is replaced on change, never mutated in place.
      { delayMs: TOPICS_FILE_WRITE_DELAY_MS, written: () => this.journal.truncateIfCovered(this.covered), caches: [new WeakMap()] },
    );
    this.init();
  }

  private system(tc: TopicConfig): void {
    this.systemTopics.add(tc.topicName);
    this.table.set(tc.topicName, tc);
  }

  /** Java TopicConfigManager#init: the system topics every broker owns. */
  private init(): void {
    const o = this.o;
    this.system(newTopicConfig(SELF_TEST_TOPIC, { readQueueNums: 1, writeQueueNums: 1 }));
    if (o.autoCreateTopicEnable) {
      this.system(newTopicConfig(AUTO_CREATE_TOPIC, { readQueueNums: o.defaultTopicQueueNums, writeQueueNums: o.defaultTopicQueueNums, perm: Perm.INHERIT | Perm.READ | Perm.WRITE }));
    }
    this.system(newTopicConfig(BENCHMARK_TOPIC, { readQueueNums: 1024, writeQueueNums: 1024 }));
    this.system(newTopicConfig(o.brokerClusterName, { perm: Perm.INHERIT | (o.clusterTopicEnable ? Perm.READ | Perm.WRITE : 0) }));
    this.system(newTopicConfig(o.brokerName, { readQueueNums: 1, writeQueueNums: 1, perm: Perm.INHERIT | (o.brokerTopicEnable ? Perm.READ | Perm.WRITE : 0) }));
    this.system(newTopicConfig(OFFSET_MOVED_EVENT, { readQueueNums: 1, writeQueueNums: 1 }));
    this.system(newTopicConfig(SCHEDULE_TOPIC, { readQueueNums: SCHEDULE_TOPIC_QUEUE_NUM, writeQueueNums: SCHEDULE_TOPIC_QUEUE_NUM }));
    if (o.traceTopicEnable) this.system(newTopicConfig(o.msgTraceTopicName, { readQueueNums: 1, writeQueueNums: 1 }));
    this.system(newTopicConfig(`${o.brokerClusterName}_${REPLY_TOPIC_POSTFIX}`, { readQueueNums: 1, writeQueueNums: 1 }));
    this.system(newTopicConfig(reviveTopic(o.brokerClusterName), { readQueueNums: 8, writeQueueNums: 8 }));
    this.system(newTopicConfig(SYNC_BROKER_MEMBER_GROUP_PREFIX + o.brokerName, { readQueueNums: 1, writeQueueNums: 1, perm: Perm.INHERIT }));
    this.system(newTopicConfig(TRANS_HALF_TOPIC, { readQueueNums: 1, writeQueueNums: 1 }));
    this.system(newTopicConfig(TRANS_OP_HALF_TOPIC, { readQueueNums: 1, writeQueueNums: 1 }));
    if (o.timerWheelEnable === true) this.system(newTopicConfig(TIMER_TOPIC, { readQueueNums: 1, writeQueueNums: 1 }));
  }

  /** Loads topics.json (Java's or Apogee's) over the system topics, as ConfigManager#load does. */
  load(): void {
    const v = this.file.load();
    if (v !== undefined) {
      for (const [name, tc] of v.topicConfigTable) this.table.set(name, { ...tc, topicName: tc.topicName ?? name });
      this.dataVersion = { counter: v.dataVersion.counter, stateVersion: v.dataVersion.stateVersion ?? 0, timestamp: v.dataVersion.timestamp };
    }
    const records = this.journal.read();
    for (const line of records) this.replay(line);
    if (records.length > 0) {
      this.o.logger.info({ file: this.journal.file, records: records.length }, 'topic changes replayed from the journal');
      this.writer.markDirty();
    }
  }

  /** One journal record: {"v":DataVersion,"put":TopicConfig} or {"v":DataVersion,"del":"topic"}. */
  private record(v: DataVersionValue, tc: TopicConfig | string): string {
    const put = typeof tc === 'string' ? `"del":${JSON.stringify(tc)}` : `"put":${TopicConfigBody.toJson(tc)}`;
    return `{"v":${JSON.stringify(v)},${put}}`;
  }

  private replay(line: string): void {
    let r: { v?: DataVersionValue; put?: unknown; del?: string };
    try {
      r = JSON.parse(line) as typeof r;
    } catch {
      this.o.logger.warn({ file: this.journal.file }, 'topic journal: unreadable record skipped');
      return;
    }
    if (typeof r.del === 'string') this.table.delete(r.del);
    if (r.put !== undefined) {
      const tc = TopicConfigBody.decode(JSON.stringify(r.put));
      if (tc.ok) this.table.set(tc.value.topicName, tc.value);
      else this.o.logger.warn({ file: this.journal.file, err: tc.error }, 'topic journal: unreadable topic config skipped');
    }
    if (r.v !== undefined) this.dataVersion = { counter: r.v.counter, stateVersion: r.v.stateVersion ?? 0, timestamp: r.v.timestamp };
  }

  /** Asks for a background write of topics.json (coalesced with every other change until it starts). */
  persist(): void {
    this.writer.markDirty();
  }

  /** Resolves once every change made so far is on disk (journal); rejects with a MetadataWriteError (file, errno). */
  flush(): Promise<void> {
    return this.journal.sync();
  }

  /** Resolves once topics.json itself has been rewritten with every change so far (a slave's copy of its master). */
  writeNow(): Promise<void> {
    return this.writer.flush();
  }

  /** Shutdown: writes topics.json synchronously and empties the journal. */
  async close(): Promise<void> {
    await this.journal.sync().catch(() => undefined);
    this.covered = this.journal.count;
    try {
      await this.writer.close();
    } finally {
      this.journal.close();
    }
  }

  /** The writer's state (runtime info). */
  get persistState(): { writes: number; failures: number; lastError: string | null } {
    return { writes: this.writer.writes, failures: this.writer.failures, lastError: this.writer.lastError?.message ?? null };
  }

  get(topic: string): TopicConfig | undefined {
    return this.table.get(topic);
  }

  all(): IterableIterator<TopicConfig> {
    return this.table.values();
  }

  names(): string[] {
    return [...this.table.keys()];
  }

  get size(): number {
    return this.table.size;
  }

  isSystemTopic(topic: string): boolean {
    return this.systemTopics.has(topic);
  }

  /**
   * A slave takes its master's table (Java SlaveSynchronize#syncTopicConfig): when the master's dataVersion differs,
   * every topic not in it goes, the master's are put, the version becomes the master's then is bumped once
   * (assignNewOne + updateDataVersion, so Java re-copies on every round) and the file is written. No re-registration
   * is triggered (the periodic one carries it). Returns false when the versions were equal (nothing done).
   */
  replaceFromMaster(table: ReadonlyMap<string, TopicConfig>, masterVersion: DataVersionValue): boolean {
    if (sameVersion(this.dataVersion, masterVersion)) return false;
    this.table.clear();
    for (const [name, tc] of table) this.table.set(name, { ...tc, topicName: tc.topicName ?? name });
    this.dataVersion = nextVersion(masterVersion, this.o.now());
    this.persist();
    return true;
  }

  private changed(tcs: TopicConfig[], deleted?: string): void {
    this.dataVersion = nextVersion(this.dataVersion, this.o.now());
    if (deleted !== undefined) this.journal.append(this.record(this.dataVersion, deleted));
    for (const tc of tcs) this.journal.append(this.record(this.dataVersion, tc));
    // Sends and heartbeats that create topics do not wait: their records are written with the next sync.
    void this.journal.sync().catch(() => undefined);
    this.persist();
    this.o.onChange(tcs);
  }

  private roomFor(topic: string): boolean {
    if (this.table.has(topic) || this.table.size < this.o.topicsMax) return true;
    this.o.logger.warn({ topic, topicsMax: this.o.topicsMax }, 'topic not created: topicsMax reached');
    return false;
  }

  /**
   * Java createTopicInSendMessageMethod: create `topic` from the template `defaultTopic` (TBW102) if the
   * template may be inherited; queue count = min(client's defaultTopicQueueNums, template writeQueueNums).
   */
  createInSendMessage(topic: string, defaultTopic: string, clientDefaultTopicQueueNums: number, topicSysFlag: number, remote: string): TopicConfig | undefined {
    const existing = this.table.get(topic);
    if (existing !== undefined) return existing;
    const tmpl = this.table.get(defaultTopic);
    if (tmpl === undefined) {
      this.o.logger.warn({ topic, defaultTopic, remote }, 'create topic: the default topic does not exist');
      return undefined;
    }
    let perm = tmpl.perm;
    if (defaultTopic === AUTO_CREATE_TOPIC && !this.o.autoCreateTopicEnable) perm = Perm.READ | Perm.WRITE;
    if (!isInherited(perm)) {
      this.o.logger.warn({ topic, defaultTopic, perm, remote }, 'create topic: the default topic has no inherit permission');
      return undefined;
    }
    if (!this.roomFor(topic)) return undefined;
    const n = Math.max(0, Math.min(clientDefaultTopicQueueNums, tmpl.writeQueueNums));
    const tc = newTopicConfig(topic, { readQueueNums: n, writeQueueNums: n, perm: perm & ~Perm.INHERIT, topicSysFlag, topicFilterType: tmpl.topicFilterType });
    this.table.set(topic, tc);
    this.o.logger.info({ topic, defaultTopic, queues: n, remote }, 'topic created on send');
    this.changed([tc]);
    return tc;
  }

  /** Java createTopicInSendMessageBackMethod (retry/DLQ topics). */
  createInSendMessageBack(topic: string, queueNums: number, perm: number, topicSysFlag: number, order = false): TopicConfig | undefined {
    const existing = this.table.get(topic);
    if (existing !== undefined) {
      if (existing.order !== order) {
        const updated = { ...existing, order };
        this.table.set(topic, updated);
        this.changed([updated]);
        return updated;
      }
      return existing;
    }
    if (!this.roomFor(topic)) return undefined;
    const tc = newTopicConfig(topic, { readQueueNums: queueNums, writeQueueNums: queueNums, perm, topicSysFlag, order });
    this.table.set(topic, tc);
    this.o.logger.info({ topic, queues: queueNums }, 'topic created (retry/DLQ)');
    this.changed([tc]);
    return tc;
  }

  createTranCheckMaxTime(queueNums: number, perm: number): TopicConfig | undefined {
    return this.createInSendMessageBack(TRANS_CHECK_MAX_TIME_TOPIC, queueNums, perm, 0);
  }

  /** UPDATE_AND_CREATE_TOPIC(_LIST): insert or replace, one DataVersion bump and one persist for the lot. */
  update(tcs: TopicConfig[]): { ok: true } | { ok: false; reason: string } {
    for (const tc of tcs) {
      if (!this.roomFor(tc.topicName)) return { ok: false, reason: `topicsMax ${this.o.topicsMax} reached` };
    }
    for (const tc of tcs) this.table.set(tc.topicName, tc);
    this.changed(tcs);
    return { ok: true };
  }

  /**
   * UPDATE_AND_CREATE_TOPIC_LIST (issue 14): as update(), applied `stepTopics` topics at a time with a yield to the
   * event loop between steps, so a list of 1,000 topics does not hold other clients while its journal records are
   * rendered. Each step puts its topics and appends their records together (a background rewrite of topics.json
   * started between steps covers exactly the records appended so far); each record carries the DataVersion current
   * when it is appended (a change made between steps bumps it; replay keeps the latest). Room is checked once for
   * the list's new topics: topics created by sends during the steps may pass topicsMax by their number. Java
   * TopicConfigManager#updateTopicConfigList also puts the topics one by one, then persists once.
   */
  async updateInSteps(tcs: readonly TopicConfig[], stepTopics: number): Promise<{ ok: true } | { ok: false; reason: string }> {
    let fresh = 0;
    for (const tc of tcs) if (!this.table.has(tc.topicName)) fresh++;
    if (fresh > 0 && this.table.size + fresh > this.o.topicsMax) {
      this.o.logger.warn({ topics: fresh, topicsMax: this.o.topicsMax }, 'topic list not created: topicsMax reached');
      return { ok: false, reason: `topicsMax ${this.o.topicsMax} reached (${this.table.size} topics, ${fresh} new in the list)` };
    }
    this.dataVersion = nextVersion(this.dataVersion, this.o.now());
    const step = Math.max(1, stepTopics);
    for (let i = 0; i < tcs.length; i += step) {
      if (i > 0) await new Promise<void>((r) => setImmediate(r));
      for (const tc of tcs.slice(i, i + step)) {
        this.table.set(tc.topicName, tc);
        this.journal.append(this.record(this.dataVersion, tc));
      }
    }
    void this.journal.sync().catch(() => undefined);
    this.persist();
    this.o.onChange([...tcs]);
    return { ok: true };
  }

  delete(topic: string): boolean {
    if (!this.table.delete(topic)) return false;
    this.o.logger.info({ topic }, 'topic deleted');
    this.changed([], topic);
    return true;
  }

  /** Applies ORDER_TOPIC_CONFIG from the NameServer's REGISTER_BROKER answer (Java updateOrderTopicConfig). */
  updateOrderTopics(orderTopics: ReadonlySet<string>): void {
    const changed: TopicConfig[] = [];
    for (const tc of this.table.values()) {
      const order = orderTopics.has(tc.topicName);
      if (tc.order !== order) changed.push({ ...tc, order });
    }
    for (const tc of changed) this.table.set(tc.topicName, tc);
    if (changed.length > 0) {
      this.dataVersion = nextVersion(this.dataVersion, this.o.now());
      for (const tc of changed) this.journal.append(this.record(this.dataVersion, tc));
      void this.journal.sync().catch(() => undefined);
      this.persist();
    }
  }
}
