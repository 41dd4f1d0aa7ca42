import { SubscriptionGroupConfig as SubscriptionGroupConfigBody, SubscriptionGroupWrapper, type SubscriptionGroupConfig } from '../../../protocol/bodies';
import { CID_SYS_RMQ_TRANS, TOOLS_CONSUMER_GROUP, validateGroup } from '../../../protocol/naming';
import type { Logger } from '../../common';
import type { CoalescingWriter, MetadataIo } from './coalescing-writer';
import { ConfigFile, nextVersion, sameVersion, type DataVersionValue } from './config-file';

/**
 * Subscription groups (subscriptionGroup.json). Java: broker/.../subscription/SubscriptionGroupManager.java.
 * Groups are auto-created on first use when autoCreateSubscriptionGroup (Java findSubscriptionGroupConfig).
 * A change asks for a coalesced background write (coalescing-writer.ts): a pull or heartbeat that auto-creates a
 * group never waits for, nor fails with, the disk; the admin processors await `flush()` before answering.
 */
export interface GroupManagerOptions {
  storePathRootDir: string;
  autoCreateSubscriptionGroup: boolean;
  /** Bound on the number of groups. */
  groupsMax: number;
  logger: Logger;
  now: () => number;
  io?: MetadataIo;
}

const SYSTEM_GROUPS: [string, boolean][] = [
  [TOOLS_CONSUMER_GROUP, false],
  ['FILTERSRV_CONSUMER', false],
  ['SELF_TEST_C_GROUP', false],
  ['CID_ONS-HTTP-PROXY', true],
  ['CID_ONSAPI_PULL', true],
  ['CID_ONSAPI_PERMISSION', true],
  ['CID_ONSAPI_OWNER', true],
  [CID_SYS_RMQ_TRANS, true],
];

type Wrapper = {
  dataVersion: DataVersionValue;
  subscriptionGroupTable: Map<string, SubscriptionGroupConfig>;
  forbiddenTable?: Map<string, Map<string, number>>;
};

export function newGroupConfig(groupName: string, init: Partial<SubscriptionGroupConfig> = {}): SubscriptionGroupConfig {
  return { ...SubscriptionGroupConfigBody.make({ groupName }), ...init, groupName };
}

export class SubscriptionGroupManager {
  private readonly table = new Map<string, SubscriptionGroupConfig>();
  private forbidden = new Map<string, Map<string, number>>();
  dataVersion: DataVersionValue;
  private readonly file: ConfigFile<Wrapper>;
  private readonly writer: CoalescingWriter;

  constructor(private readonly o: GroupManagerOptions) {
    this.dataVersion = { counter: 0, stateVersion: 0, timestamp: o.now() };
    this.file = new ConfigFile(o.storePathRootDir, 'subscriptionGroup.json', SubscriptionGroupWrapper as never, o.logger);
    this.writer = this.file.coalesced(
      ([subscriptionGroupTable, forbiddenTable]) => ({ dataVersion: this.dataVersion, subscriptionGroupTable: subscriptionGroupTable!, forbiddenTable: forbiddenTable! }),
      () => [this.table, this.forbidden],
      o.io,
    );
    for (const [g, broadcast] of SYSTEM_GROUPS) this.table.set(g, newGroupConfig(g, broadcast ? { consumeBroadcastEnable: true } : {}));
  }

  load(): void {
    const v = this.file.load();
    if (v === undefined) return;
    for (const [name, c] of v.subscriptionGroupTable) this.table.set(name, c);
    if (v.forbiddenTable !== undefined) this.forbidden = v.forbiddenTable;
    this.dataVersion = { counter: v.dataVersion.counter, stateVersion: v.dataVersion.stateVersion ?? 0, timestamp: v.dataVersion.timestamp };
  }

  /** Asks for a background write of subscriptionGroup.json (coalesced). */
  persist(): void {
    this.writer.markDirty();
  }

  /** Resolves once every change made so far is on disk; rejects with a MetadataWriteError (file, errno). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  close(): Promise<void> {
    return this.writer.close();
  }

  get(group: string): SubscriptionGroupConfig | undefined {
    return this.table.get(group);
  }

  all(): IterableIterator<SubscriptionGroupConfig> {
    return this.table.values();
  }

  has(group: string): boolean {
    return this.table.has(group);
  }

  /** Java findSubscriptionGroupConfig: the group, auto-created if allowed and valid; undefined otherwise. */
  find(group: string): SubscriptionGroupConfig | undefined {
    const c = this.table.get(group);
    if (c !== undefined) return c;
    if (!this.o.autoCreateSubscriptionGroup || validateGroup(group) !== null) return undefined;
    if (this.table.size >= this.o.groupsMax) {
      this.o.logger.warn({ group, groupsMax: this.o.groupsMax }, 'subscription group not created: groupsMax reached');
      return undefined;
    }
    const created = newGroupConfig(group);
    this.table.set(group, created);
    this.o.logger.info({ group }, 'subscription group auto-created');
    this.bump();
    return created;
  }

  update(configs: SubscriptionGroupConfig[]): { ok: true } | { ok: false; reason: string } {
    const fresh = configs.filter((c) => !this.table.has(c.groupName)).length;
    if (this.table.size + fresh > this.o.groupsMax) return { ok: false, reason: `groupsMax ${this.o.groupsMax} reached` };
    for (const c of configs) this.table.set(c.groupName, c);
    this.bump();
    return { ok: true };
  }

  delete(group: string): boolean {
    if (!this.table.delete(group)) return false;
    this.forbidden.delete(group);
    this.bump();
    return true;
  }

  forbiddenTable(): Map<string, Map<string, number>> {
    return this.forbidden;
  }

  /** UPDATE_AND_GET_GROUP_FORBIDDEN: set or read the forbidden bits of (group, topic). */
  updateForbidden(group: string, topic: string, index: number, forbidden: boolean): number {
    let m = this.forbidden.get(group);
    if (m === undefined) {
      m = new Map();
      this.forbidden.set(group, m);
    }
    let bits = m.get(topic) ?? 0;
    bits = forbidden ? bits | (1 << index) : bits & ~(1 << index);
    m.set(topic, bits);
    this.bump();
    return bits;
  }

  /**
   * A slave takes its master's groups (Java SlaveSynchronize#syncSubscriptionGroupConfig): when the master's
   * dataVersion differs, groups not in it go, the master's are put, the version becomes the master's then is bumped
   * once, and the file is written. The forbidden table is not copied (Java copies subscriptionGroupTable only).
   */
  replaceFromMaster(table: ReadonlyMap<string, SubscriptionGroupConfig>, masterVersion: DataVersionValue): boolean {
    if (sameVersion(this.dataVersion, masterVersion)) return false;
    this.table.clear();
    for (const [name, c] of table) this.table.set(name, c);
    this.dataVersion = nextVersion(masterVersion, this.o.now());
    this.persist();
    return true;
  }

  private bump(): void {
    this.dataVersion = nextVersion(this.dataVersion, this.o.now());
    this.persist();
  }
}
