import type { Logger } from '../../common';
import type { Connection } from '../../remoting';
import type { ClientChannelInfo } from './channel';

/**
 * Producer groups and their channels (Java: broker/.../client/ProducerManager.java): used for transaction
 * checks (a random live channel of the group), GET_PRODUCER_CONNECTION_LIST, and the requester of a reply message
 * by its client id (findChannel). The client-id index holds one entry per registered channel at most, so
 * clientChannelsMax bounds it too.
 */
export class ProducerManager {
  private readonly groups = new Map<string, Map<Connection, ClientChannelInfo>>();
  private channelCount = 0;
  /** clientId -> the channel it last heart-beat on (Java clientChannelTable). */
  private readonly byClientId = new Map<string, Connection>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly channelExpiredMs: number,
    private readonly clientChannelsMax: number,
  ) {}

  register(group: string, info: ClientChannelInfo): boolean {
    let m = this.groups.get(group);
    if (m === undefined) {
      m = new Map();
      this.groups.set(group, m);
    }
    const old = m.get(info.connection);
    if (old !== undefined) {
      old.lastUpdateTimestamp = info.lastUpdateTimestamp;
      this.byClientId.set(info.clientId, info.connection);
      return true;
    }
    if (this.channelCount >= this.clientChannelsMax) {
      this.logger.warn({ group, clientChannelsMax: this.clientChannelsMax }, 'producer refused: clientChannelsMax reached');
      if (m.size === 0) this.groups.delete(group);
      return false;
    }
    m.set(info.connection, info);
    this.channelCount++;
    this.byClientId.set(info.clientId, info.connection);
    return true;
  }

  /** The channel of a client id, for PUSH_REPLY_MESSAGE_TO_CLIENT (Java ProducerManager#findChannel). */
  findChannel(clientId: string): Connection | undefined {
    return this.byClientId.get(clientId);
  }

  /** Drops the client-id entry of a channel that no group holds any more. */
  private forgetClient(info: ClientChannelInfo | undefined): void {
    if (info === undefined || this.byClientId.get(info.clientId) !== info.connection) return;
    for (const m of this.groups.values()) if (m.has(info.connection)) return;
    this.byClientId.delete(info.clientId);
  }

  unregister(group: string, connection: Connection): void {
    const m = this.groups.get(group);
    const info = m?.get(connection);
    if (m?.delete(connection)) {
      this.channelCount--;
      if (m.size === 0) this.groups.delete(group);
      this.forgetClient(info);
    }
  }

  onConnectionGone(connection: Connection): void {
    let info: ClientChannelInfo | undefined;
    for (const [g, m] of [...this.groups]) {
      info ??= m.get(connection);
      if (m.delete(connection)) {
        this.channelCount--;
        if (m.size === 0) this.groups.delete(g);
      }
    }
    this.forgetClient(info);
  }

  channels(group: string): ClientChannelInfo[] {
    return [...(this.groups.get(group)?.values() ?? [])];
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  /** A random open channel of the group (Java getAvailableChannel). */
  availableChannel(group: string): ClientChannelInfo | undefined {
    const live = this.channels(group).filter((c) => !c.connection.closed);
    return live.length === 0 ? undefined : live[Math.floor(Math.random() * live.length)];
  }

  expiredConnections(): Connection[] {
    const deadline = this.now() - this.channelExpiredMs;
    const out = new Set<Connection>();
    for (const m of this.groups.values()) for (const c of m.values()) if (c.lastUpdateTimestamp < deadline) out.add(c.connection);
    return [...out];
  }
}
