import { ConsumerOffsetSerializeWrapper } from '../../../protocol/bodies';
import type { Logger } from '../../common';
import type { CoalescingWriter, MetadataIo } from './coalescing-writer';
import { ConfigFile, nextVersion, type DataVersionValue } from './config-file';

/**
 * Consumer offsets (consumerOffset.json), keyed "topic@group" -> queueId -> next offset to consume, as Java's
 * ConsumerOffsetManager (broker/.../offset/ConsumerOffsetManager.java). Also the last pull offsets (for
 * consumerProgress) and pending server-side resets (5.x useServerSideResetOffset). Persisted periodically
 * (flushConsumerOffsetInterval) when changed, by a coalescing background writer (rendered in slices, async I/O;
 * a failed write is logged and retried), and synchronously at shutdown.
 */
const TOPIC_GROUP_SEPARATOR = '@';

export function offsetKey(topic: string, group: string): string {
  return topic + TOPIC_GROUP_SEPARATOR + group;
}

export class ConsumerOffsetManager {
  private readonly offsets = new Map<string, Map<number, number>>();
  private readonly pullOffsets = new Map<string, Map<number, number>>();
  private readonly resets = new Map<string, Map<number, number>>();
  private dataVersion: DataVersionValue;
  private dirty = false;
  private readonly file: ConfigFile<never>;
  private readonly writer: CoalescingWriter;

  constructor(
    storePathRootDir: string,
    private readonly logger: Logger,
    private readonly now: () => number,
    /** Bound on topic@group entries. */
    private readonly entriesMax = 1_000_000,
    io?: MetadataIo,
  ) {
    this.dataVersion = { counter: 0, stateVersion: 0, timestamp: now() };
    this.file = new ConfigFile(storePathRootDir, 'consumerOffset.json', ConsumerOffsetSerializeWrapper as never, logger);
    this.writer = this.file.coalesced(
      ([groupTopicMap, offsetTable, pullOffsetTable]) => ({ dataVersion: this.dataVersion, groupTopicMap, offsetTable, pullOffsetTable }) as never,
      () => [this.groupTopicMap(), this.offsets, this.pullOffsets],
      io,
    );
  }

  load(): void {
    const v = this.file.load() as
      | { offsetTable: Map<string, Map<number, number>>; pullOffsetTable?: Map<string, Map<number, number>>; dataVersion?: DataVersionValue }
      | undefined;
    if (v === undefined) return;
    for (const [k, m] of v.offsetTable) this.offsets.set(k, new Map(m));
    for (const [k, m] of v.pullOffsetTable ?? []) this.pullOffsets.set(k, new Map(m));
    if (v.dataVersion !== undefined) this.dataVersion = { ...v.dataVersion, stateVersion: v.dataVersion.stateVersion ?? 0 };
  }

  /** Asks for a background write of consumerOffset.json (coalesced). */
  persist(): void {
    this.writer.markDirty();
    this.dirty = false;
  }

  flush(): Promise<void> {
    this.dirty = false;
    return this.writer.flush();
  }

  close(): Promise<void> {
    return this.writer.close();
  }

  private groupTopicMap(): Map<string, string[]> {
    const groupTopicMap = new Map<string, string[]>();
    for (const k of this.offsets.keys()) {
      const i = k.lastIndexOf(TOPIC_GROUP_SEPARATOR);
      if (i <= 0) continue;
      const topic = k.slice(0, i);
      const group = k.slice(i + 1);
      let l = groupTopicMap.get(group);
      if (l === undefined) groupTopicMap.set(group, (l = []));
      if (!l.includes(topic)) l.push(topic);
    }
    return groupTopicMap;
  }

  /** Persists when something changed since the last persist. */
  persistIfDirty(): void {
    if (this.dirty) this.persist();
  }

  private table(m: Map<string, Map<number, number>>, key: string): Map<number, number> | undefined {
    let t = m.get(key);
    if (t === undefined) {
      if (m.size >= this.entriesMax) {
        this.logger.warn({ key, entriesMax: this.entriesMax }, 'offset not stored: entriesMax reached');
        return undefined;
      }
      t = new Map();
      m.set(key, t);
    }
    return t;
  }

  commitOffset(group: string, topic: string, queueId: number, offset: number): void {
    const t = this.table(this.offsets, offsetKey(topic, group));
    if (t === undefined) return;
    if (t.get(queueId) !== offset) {
      t.set(queueId, offset);
      this.dirty = true;
      this.dataVersion = nextVersion(this.dataVersion, this.now());
    }
  }

  /** -1 when the group has no offset for the queue (Java queryOffset). */
  queryOffset(group: string, topic: string, queueId: number): number {
    return this.offsets.get(offsetKey(topic, group))?.get(queueId) ?? -1;
  }

  commitPullOffset(group: string, topic: string, queueId: number, offset: number): void {
    const t = this.table(this.pullOffsets, offsetKey(topic, group));
    t?.set(queueId, offset);
  }

  queryPullOffset(group: string, topic: string, queueId: number): number {
    return this.pullOffsets.get(offsetKey(topic, group))?.get(queueId) ?? -1;
  }

  /** queueId -> offset for one topic@group, or undefined. */
  queryOffsets(group: string, topic: string): ReadonlyMap<number, number> | undefined {
    return this.offsets.get(offsetKey(topic, group));
  }

  /** Topics the group has offsets for (Java whichTopicByConsumer). */
  topicsOfGroup(group: string): string[] {
    const out: string[] = [];
    const suffix = TOPIC_GROUP_SEPARATOR + group;
    for (const k of this.offsets.keys()) if (k.endsWith(suffix)) out.push(k.slice(0, k.length - suffix.length));
    return out;
  }

  /** Groups holding offsets for the topic (Java whichGroupByTopic). */
  groupsOfTopic(topic: string): string[] {
    const out: string[] = [];
    const prefix = topic + TOPIC_GROUP_SEPARATOR;
    for (const k of this.offsets.keys()) if (k.startsWith(prefix)) out.push(k.slice(prefix.length));
    return out;
  }

  allKeys(): string[] {
    return [...this.offsets.keys()];
  }

  snapshot(): Map<string, Map<number, number>> {
    return this.offsets;
  }

  /** The DataVersion of the offset table (GET_ALL_CONSUMER_OFFSET for slaves). */
  currentDataVersion(): DataVersionValue {
    return this.dataVersion;
  }

  /**
   * A slave copies its master's committed offsets (Java SlaveSynchronize#syncConsumerOffset): putAll over the
   * local table (a key only the slave has stays), the master's dataVersion, then the file is written.
   */
  putAllFromMaster(table: ReadonlyMap<string, ReadonlyMap<number, number>>, masterVersion: DataVersionValue | undefined): void {
    for (const [key, m] of table) this.offsets.set(key, new Map(m));
    if (masterVersion !== undefined) this.dataVersion = { ...masterVersion, stateVersion: masterVersion.stateVersion ?? 0 };
    this.persist();
  }

  removeGroup(group: string): void {
    const suffix = TOPIC_GROUP_SEPARATOR + group;
    for (const m of [this.offsets, this.pullOffsets, this.resets]) for (const k of [...m.keys()]) if (k.endsWith(suffix)) m.delete(k);
    this.dirty = true;
  }

  removeTopic(topic: string): void {
    const prefix = topic + TOPIC_GROUP_SEPARATOR;
    for (const m of [this.offsets, this.pullOffsets, this.resets]) for (const k of [...m.keys()]) if (k.startsWith(prefix)) m.delete(k);
    this.dirty = true;
  }

  /** 5.x server-side reset: the next pull of the queue answers PULL_OFFSET_MOVED to `offset`. */
  assignResetOffset(topic: string, group: string, queueId: number, offset: number): void {
    const t = this.table(this.resets, offsetKey(topic, group));
    t?.set(queueId, offset);
    this.commitOffset(group, topic, queueId, offset);
  }

  hasOffsetReset(topic: string, group: string, queueId: number): boolean {
    return this.resets.get(offsetKey(topic, group))?.has(queueId) ?? false;
  }

  /** Returns and clears a pending reset, or undefined. */
  takeResetOffset(topic: string, group: string, queueId: number): number | undefined {
    const t = this.resets.get(offsetKey(topic, group));
    const v = t?.get(queueId);
    if (v !== undefined) t!.delete(queueId);
    return v;
  }
}
