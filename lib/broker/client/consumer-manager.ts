import type { ConsumeFromWhere, ConsumeType, MessageModel, SubscriptionData } from '../../../protocol/bodies';
import type { Logger } from '../../common';
import type { Connection } from '../../remoting';
import type { ClientChannelInfo } from './channel';

/**
 * Consumer groups: their live channels and subscriptions. Java: broker/.../client/ConsumerManager.java,
 * ConsumerGroupInfo.java. Membership changes (a channel added, removed or expired) notify the group's members
 * (NOTIFY_CONSUMER_IDS_CHANGED) through `onMembersChanged`, so they rebalance at once instead of within 20 s.
 */
export class ConsumerGroupInfo {
  readonly channels = new Map<Connection, ClientChannelInfo>();
  readonly subscriptions = new Map<string, SubscriptionData>();
  consumeType: ConsumeType = 'CONSUME_PASSIVELY';
  messageModel: MessageModel = 'CLUSTERING';
  consumeFromWhere: ConsumeFromWhere = 'CONSUME_FROM_LAST_OFFSET';
  lastUpdateTimestamp = 0;

  constructor(readonly groupName: string) {}

  clientIds(): string[] {
    return [...this.channels.values()].map((c) => c.clientId);
  }

  /** Java ConsumerGroupInfo#updateChannel: true when a new channel joined (membership changed). */
  updateChannel(info: ClientChannelInfo, consumeType: ConsumeType, messageModel: MessageModel, from: ConsumeFromWhere): boolean {
    this.consumeType = consumeType;
    this.messageModel = messageModel;
    this.consumeFromWhere = from;
    const old = this.channels.get(info.connection);
    this.lastUpdateTimestamp = info.lastUpdateTimestamp;
    if (old === undefined) {
      this.channels.set(info.connection, info);
      return true;
    }
    if (old.clientId !== info.clientId) {
      this.channels.set(info.connection, info);
      return true;
    }
    old.lastUpdateTimestamp = info.lastUpdateTimestamp;
    old.version = info.version;
    return false;
  }

  /** Java ConsumerGroupInfo#updateSubscription: true when topics were added, removed or re-versioned. */
  updateSubscription(subs: readonly SubscriptionData[]): boolean {
    let changed = false;
    const topics = new Set<string>();
    for (const s of subs) {
      topics.add(s.topic);
      const old = this.subscriptions.get(s.topic);
      if (old === undefined || old.subVersion < s.subVersion || old.subString !== s.subString || old.expressionType !== s.expressionType) {
        if (old === undefined) changed = true;
        this.subscriptions.set(s.topic, s);
      }
    }
    for (const t of [...this.subscriptions.keys()]) {
      if (!topics.has(t)) {
        this.subscriptions.delete(t);
        changed = true;
      }
    }
    return changed;
  }
}

export interface ConsumerManagerOptions {
  logger: Logger;
  now: () => number;
  /** Channels silent for this long are dropped (Java channelExpiredTimeout, 120 s). */
  channelExpiredMs: number;
  /** Bound on channels across all groups. */
  clientChannelsMax: number;
  onMembersChanged: (group: string, info: ConsumerGroupInfo) => void;
}

export class ConsumerManager {
  private readonly groups = new Map<string, ConsumerGroupInfo>();
  private channelCount = 0;

  constructor(private readonly o: ConsumerManagerOptions) {}

  get(group: string): ConsumerGroupInfo | undefined {
    return this.groups.get(group);
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  /** Groups with a live subscription to `topic` (Java queryTopicConsumeByWho). */
  groupsSubscribing(topic: string): string[] {
    const out: string[] = [];
    for (const [name, g] of this.groups) if (g.subscriptions.has(topic)) out.push(name);
    return out;
  }

  findSubscription(group: string, topic: string): SubscriptionData | undefined {
    return this.groups.get(group)?.subscriptions.get(topic);
  }

  /**
   * Java ConsumerManager#registerConsumer. `subs` undefined keeps the current subscriptions (heartbeat v2
   * without subscriptions). Returns false when refused by clientChannelsMax.
   */
  register(
    group: string,
    info: ClientChannelInfo,
    consumeType: ConsumeType,
    messageModel: MessageModel,
    from: ConsumeFromWhere,
    subs: readonly SubscriptionData[] | undefined,
    notify: boolean,
  ): boolean {
    let g = this.groups.get(group);
    if (g === undefined) {
      g = new ConsumerGroupInfo(group);
      this.groups.set(group, g);
    }
    if (!g.channels.has(info.connection) && this.channelCount >= this.o.clientChannelsMax) {
      this.o.logger.warn({ group, clientId: info.clientId, clientChannelsMax: this.o.clientChannelsMax }, 'consumer refused: clientChannelsMax reached');
      if (g.channels.size === 0) this.groups.delete(group);
      return false;
    }
    const isNew = !g.channels.has(info.connection);
    const r1 = g.updateChannel(info, consumeType, messageModel, from);
    if (isNew) this.channelCount++;
    const r2 = subs !== undefined ? g.updateSubscription(subs) : false;
    if (r1) this.o.logger.info({ group, clientId: info.clientId, remote: info.connection.remoteAddress }, 'consumer joined');
    if ((r1 || r2) && notify) this.o.onMembersChanged(group, g);
    return true;
  }

  /** Java unregisterConsumer: the channel leaves the group (UNREGISTER_CLIENT). */
  unregister(group: string, connection: Connection, notify: boolean): void {
    const g = this.groups.get(group);
    if (g === undefined) return;
    if (g.channels.delete(connection)) {
      this.channelCount--;
      this.o.logger.info({ group, remote: connection.remoteAddress }, 'consumer left');
      if (g.channels.size === 0) this.groups.delete(group);
      else if (notify) this.o.onMembersChanged(group, g);
    }
  }

  /** A connection closed or expired: it leaves every group (Java doChannelCloseEvent). */
  onConnectionGone(connection: Connection, notifyEnabled: (group: string) => boolean): void {
    for (const [name, g] of [...this.groups]) {
      if (!g.channels.delete(connection)) continue;
      this.channelCount--;
      this.o.logger.info({ group: name, remote: connection.remoteAddress }, 'consumer channel gone');
      if (g.channels.size === 0) this.groups.delete(name);
      else if (notifyEnabled(name)) this.o.onMembersChanged(name, g);
    }
  }

  /** Channels whose last heartbeat is older than channelExpiredMs (Java scanNotActiveChannel). */
  expiredConnections(): Connection[] {
    const deadline = this.o.now() - this.o.channelExpiredMs;
    const out = new Set<Connection>();
    for (const g of this.groups.values()) for (const c of g.channels.values()) if (c.lastUpdateTimestamp < deadline) out.add(c.connection);
    return [...out];
  }

  findChannel(group: string, clientId: string): ClientChannelInfo | undefined {
    const g = this.groups.get(group);
    if (g === undefined) return undefined;
    for (const c of g.channels.values()) if (c.clientId === clientId) return c;
    return undefined;
  }
}
