import { crc32 } from 'node:zlib';
import { KVTable, type TopicConfig } from '../../protocol/bodies';
import { createRequest } from '../../protocol/command';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { decodeHeader, encodeHeader, RegisterBrokerRequestHeader, RegisterBrokerResponseHeader, UnRegisterBrokerRequestHeader } from '../../protocol/headers';
import { isReadable, isWriteable } from '../../protocol/naming';
import { SERVER_VERSION, type Logger } from '../common';
import type { RemotingClient } from '../remoting';
import type { BrokerConfig } from './config';
import type { TopicConfigManager } from './metadata/topic-config-manager';
import type { RegisterBrokerResult } from './slave/master-address';
import { RegisterBodyEncoder } from './register-body';

/**
 * Registration with every NameServer (Java BrokerController#registerBrokerAll, BrokerOuterAPI): the full topic
 * table at start, 10 s later and then every registerNameServerPeriod (clamped 10..60 s as Java); after a topic change only the
 * changed topics (registerIncrement, Java registerIncrementBrokerData; a 5.x NameServer refuses a first
 * registration carrying exactly one topic, so the full one comes first). Plain JSON with its CRC. No
 * heartbeatTimeoutMillis is sent (Java sends it only in slave-acting-master mode), so NameServers apply their 120 s
 * default. UNREGISTER_BROKER on shutdown. The NameServers are asked in parallel, so one that is down or slow delays
 * no other (Java BrokerOuterAPI#registerBrokerAll). The answers' RegisterBrokerResponseHeader (masterAddr,
 * haServerAddr), in the order they arrived, go to onRegistered (Java handleRegisterBrokerResult).
 */
export interface RegistrarOptions {
  config: BrokerConfig;
  /** Read at each registration: the bound address is known only once the broker listens. */
  brokerAddr: () => string;
  haServerAddr: () => string;
  topics: TopicConfigManager;
  client: RemotingClient;
  logger: Logger;
  /** Each round's successful answers, first to arrive first (a slave learns its master there). */
  onRegistered?: (results: RegisterBrokerResult[]) => void;
  /** ms from start to the first periodic round (default FIRST_ROUND_DELAY_MS; tests shorten it). */
  firstRoundDelayMs?: number;
}

/**
 * The first periodic registration comes this long after start, whatever registerNameServerPeriod says (Java
 * BrokerController#start schedules registerBrokerAll with initialDelay 1000 * 10): a broker started before its
 * NameServer listens is routed within 10 s, not a whole period later.
 */
export const FIRST_ROUND_DELAY_MS = 10_000;

export class Registrar {
  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  /** Changed topics not yet registered (incremental registration). */
  private readonly increment = new Map<string, TopicConfig>();
  private incrementSoon: NodeJS.Immediate | null = null;
  private incrementInFlight: Promise<void> | null = null;
  private incrementQueued: Promise<void> | null = null;
  private readonly namesrvs: string[];
  private readonly encoder = new RegisterBodyEncoder();

  constructor(private readonly o: RegistrarOptions) {
    this.namesrvs = o.config.namesrvAddr.split(';').map((s) => s.trim()).filter((s) => s !== '');
  }

  get nameServers(): readonly string[] {
    return this.namesrvs;
  }

  async start(): Promise<void> {
    await this.registerAll();
    const period = Math.max(10_000, Math.min(60_000, this.o.config.registerNameServerPeriod));
    this.timer = setTimeout(() => {
      this.timer = setInterval(() => void this.registerAll(), period);
      this.timer.unref();
      void this.registerAll();
    }, this.o.firstRoundDelayMs ?? FIRST_ROUND_DELAY_MS);
    this.timer.unref();
  }

  /** Debounced re-registration after topic changes. */
  registerSoon(): void {
    if (this.soon !== null) return;
    this.soon = setTimeout(() => {
      this.soon = null;
      void this.registerAll();
    }, 20);
    this.soon.unref();
  }

  private body(topics: Iterable<TopicConfig> = this.o.topics.all()): Promise<Buffer> {
    const perm = this.o.config.brokerPermission;
    const table = new Map<string, TopicConfig>();
    for (const tc of topics) {
      // Java: a broker without read or write permission advertises its topics with the reduced permission.
      table.set(tc.topicName, !isWriteable(perm) || !isReadable(perm) ? { ...tc, perm: tc.perm & perm } : tc);
    }
    return this.encoder.encode(table, this.o.topics.dataVersion);
  }

  /**
   * Registers with every NameServer in parallel; a failure is logged and retried on the next round. The promise
   * settles once a registration that started after this call has ended (its body holds every topic change made
   * before the call), so a processor that created a topic can answer after the NameServers know it, as Java's
   * synchronous registerIncrementBrokerData does.
   */
  registerAll(): Promise<void> {
    if (this.inFlight === null) {
      this.inFlight = this.registerOnce().finally(() => {
        this.inFlight = null;
      });
      return this.inFlight;
    }
    // One registration is under way and may have built its body before the caller's change: queue one more, shared
    // by every caller that arrives meanwhile.
    if (this.queued === null) {
      this.queued = this.inFlight.then(() => {
        this.queued = null;
        return this.registerAll();
      });
    }
    return this.queued;
  }

  private async registerOnce(): Promise<void> {
    // This round sends the whole table as it is now: a pending debounced round would add nothing.
    if (this.soon !== null) {
      clearTimeout(this.soon);
      this.soon = null;
    }
    // The pending increment stays: a caller awaiting registerIncrement() must see its own registration end.
    await this.send(await this.body());
  }

  private async send(body: Buffer): Promise<void> {
    const c = this.o.config;
    const ext = encodeHeader(RegisterBrokerRequestHeader, {
      brokerName: c.brokerName,
      brokerAddr: this.o.brokerAddr(),
      clusterName: c.brokerClusterName,
      haServerAddr: this.o.haServerAddr(),
      brokerId: c.brokerId,
      enableActingMaster: false,
      compressed: false,
      bodyCrc32: (crc32(body) & 0x7fffffff) >>> 0,
    });
    const results: RegisterBrokerResult[] = [];
    await Promise.all(
      this.namesrvs.map(async (addr) => {
        try {
          const r = await this.o.client.invoke(addr, createRequest({ code: RequestCode.REGISTER_BROKER, opaque: 0, version: SERVER_VERSION, extFields: new Map(ext), body }), c.registerBrokerTimeoutMills);
          if (r.code !== ResponseCode.SUCCESS) {
            this.o.logger.warn({ namesrv: addr, code: r.code, remark: r.remark }, 'register broker refused');
            return;
          }
          const h = decodeHeader(RegisterBrokerResponseHeader, r.extFields ?? new Map<string, string>());
          results.push(h.ok ? { masterAddr: h.value.masterAddr, haServerAddr: h.value.haServerAddr } : { masterAddr: undefined, haServerAddr: undefined });
          if (r.body !== null) {
            const kv = KVTable.decode(r.body);
            if (kv.ok) this.o.topics.updateOrderTopics(new Set(kv.value.table.keys()));
          }
        } catch (e) {
          this.o.logger.warn({ namesrv: addr, err: (e as Error).message }, 'register broker failed; will retry');
        }
      }),
    );
    this.o.onRegistered?.(results);
  }

  /**
   * Topics created or changed (TopicConfigManager onChange): registered alone, soon (Java
   * BrokerController#registerIncrementBrokerData, which AdminBrokerProcessor#updateAndCreateTopic and
   * TopicConfigManager#createTopicInSendMessage(Back)Method call). `[]` (a deletion) asks for a full registration.
   */
  topicsChanged(tcs: readonly TopicConfig[]): void {
    if (tcs.length === 0) {
      this.registerSoon();
      return;
    }
    for (const tc of tcs) this.increment.set(tc.topicName, tc);
    if (this.incrementSoon !== null) return;
    this.incrementSoon = setImmediate(() => {
      this.incrementSoon = null;
      void this.registerIncrement();
    });
  }

  /**
   * Registers the topics changed since the last registration, with the current DataVersion, so a NameServer's work
   * is O(changed topics) and not O(all topics). Settles once a registration that started after this call has ended
   * (it carries every change made before the call); one in flight at a time, later callers share the next one.
   */
  registerIncrement(): Promise<void> {
    if (this.incrementInFlight === null) {
      this.incrementInFlight = this.sendIncrement().finally(() => {
        this.incrementInFlight = null;
      });
      return this.incrementInFlight;
    }
    if (this.incrementQueued === null) {
      this.incrementQueued = this.incrementInFlight.then(() => {
        this.incrementQueued = null;
        return this.registerIncrement();
      });
    }
    return this.incrementQueued;
  }

  private async sendIncrement(): Promise<void> {
    if (this.increment.size === 0) return;
    const topics = [...this.increment.values()];
    this.increment.clear();
    await this.send(await this.body(topics));
  }

  async shutdown(): Promise<void> {
    if (this.incrementSoon !== null) clearImmediate(this.incrementSoon);
    this.incrementSoon = null;
    if (this.timer !== null) clearInterval(this.timer);
    if (this.soon !== null) clearTimeout(this.soon);
    this.timer = null;
    this.soon = null;
    const c = this.o.config;
    const ext = encodeHeader(UnRegisterBrokerRequestHeader, { brokerName: c.brokerName, brokerAddr: this.o.brokerAddr(), clusterName: c.brokerClusterName, brokerId: c.brokerId });
    await Promise.all(
      this.namesrvs.map((addr) =>
        this.o.client
          .invoke(addr, createRequest({ code: RequestCode.UNREGISTER_BROKER, opaque: 0, version: SERVER_VERSION, extFields: new Map(ext) }), 3000)
          .catch((e: Error) => this.o.logger.warn({ namesrv: addr, err: e.message }, 'unregister broker failed')),
      ),
    );
  }
}
