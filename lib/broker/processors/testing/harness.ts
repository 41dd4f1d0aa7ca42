import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HeartbeatData, type SubscriptionData } from '../../../../protocol/bodies';
import { createRequest, SerializeType, type RemotingCommand } from '../../../../protocol/command';
import { LanguageCode, RequestCode } from '../../../../protocol/codes';
import { encodeHeader, SendMessageRequestHeader } from '../../../../protocol/headers';
import { stringifyProperties } from '../../../../protocol/message';
import { defaults, silentLogger } from '../../../common';
import { NameServer, NamesrvSchema } from '../../../nameserver';
import { ok, ProcessorRegistry, RemotingClient, type Processor } from '../../../remoting';
import { defaultStoreConfig, type StoreConfig } from '../../../store';
import { Broker } from '../../broker';
import { BrokerRemotingSchema, BrokerSchema, type BrokerConfig } from '../../config';

/**
 * A real NameServer and broker on 127.0.0.1 (ports chosen by the OS), a temp storePathRootDir, and a remoting
 * client to call them over real sockets. Test-only (lib/broker/processors/testing is exempt from the import rules).
 */
export type Fields = Record<string, string | number | boolean | undefined>;

export function ext(fields: Fields): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) m.set(k, String(v));
  return m;
}

export interface HarnessOptions {
  config?: Partial<BrokerConfig>;
  store?: Partial<StoreConfig>;
}

export class BrokerHarness {
  private constructor(
    readonly dir: string,
    readonly ns: NameServer,
    readonly broker: Broker,
    readonly client: RemotingClient,
  ) {}

  static async start(o: HarnessOptions = {}): Promise<BrokerHarness> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-admin-'));
    const logger = silentLogger();
    const ns = new NameServer({
      config: { ...defaults(NamesrvSchema), listenPort: 0, bindAddress: '127.0.0.1', kvConfigPath: path.join(dir, 'kvConfig.json'), configStorePath: path.join(dir, 'namesrv.properties') },
      logger,
    });
    await ns.start();
    const broker = await Broker.create({
      config: { ...defaults(BrokerSchema), listenPort: 0, brokerIP1: '127.0.0.1', namesrvAddr: `127.0.0.1:${ns.port}`, ...o.config },
      remotingConfig: { ...defaults(BrokerRemotingSchema), bindAddress: '127.0.0.1' },
      storeConfig: defaultStoreConfig({ storePathRootDir: path.join(dir, 'store'), mappedFileSizeCommitLog: 4 * 1024 * 1024, ...o.store }),
      logger,
    });
    await broker.start();
    return new BrokerHarness(dir, ns, broker, new RemotingClient({ logger, version: 479 }));
  }

  get addr(): string {
    return `127.0.0.1:${this.broker.port}`;
  }

  get nsAddr(): string {
    return `127.0.0.1:${this.ns.port}`;
  }

  call(code: number, fields: Fields = {}, body: Buffer | null = null, o: { serializeType?: SerializeType; language?: number; via?: RemotingClient; to?: string; timeoutMs?: number } = {}): Promise<RemotingCommand> {
    const req = createRequest({ code, opaque: 0, version: 479, extFields: ext(fields), body, serializeType: o.serializeType ?? SerializeType.JSON, ...(o.language !== undefined ? { language: o.language } : {}) });
    return (o.via ?? this.client).invoke(o.to ?? this.addr, req, o.timeoutMs ?? 8000);
  }

  /** SEND_MESSAGE (10) of one message; `props` are the message properties (KEYS, TAGS, UNIQ_KEY, ...). */
  send(topic: string, body: string, props: Record<string, string> = {}, queueId = 0): Promise<RemotingCommand> {
    const header = encodeHeader(SendMessageRequestHeader, {
      producerGroup: 'PG_TEST',
      topic,
      defaultTopic: 'TBW102',
      defaultTopicQueueNums: 4,
      queueId,
      sysFlag: 0,
      bornTimestamp: Date.now(),
      flag: 0,
      properties: stringifyProperties(Object.entries({ WAIT: 'true', ...props })),
      reconsumeTimes: 0,
    });
    const req = createRequest({ code: RequestCode.SEND_MESSAGE, opaque: 0, version: 479, extFields: header, body: Buffer.from(body) });
    return this.client.invoke(this.addr, req, 8000);
  }

  async close(): Promise<void> {
    this.client.close();
    await this.broker.shutdown();
    await this.ns.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A fake client: its own connection, heart-beating as a consumer and/or producer, answering broker calls. */
export class FakeClient {
  readonly client: RemotingClient;
  readonly received: RemotingCommand[] = [];

  constructor(
    readonly clientId: string,
    handlers: [number, Processor][] = [],
    readonly version = 479,
  ) {
    const registry = new ProcessorRegistry();
    for (const [code, p] of handlers) registry.register(code, p);
    // Record oneway notifications the broker sends (NOTIFY_CONSUMER_IDS_CHANGED, RESET_CONSUMER_CLIENT_OFFSET).
    for (const code of [RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, RequestCode.RESET_CONSUMER_CLIENT_OFFSET]) {
      if (registry.get(code) === undefined) {
        registry.register(code, (ctx) => {
          this.received.push(ctx.request);
          return ok(ctx);
        });
      }
    }
    this.client = new RemotingClient({ logger: silentLogger(), version, registry });
  }

  heartbeat(
    addr: string,
    o: { consumerGroup?: string; topics?: string[]; producerGroup?: string; messageModel?: 'CLUSTERING' | 'BROADCASTING' },
  ): Promise<RemotingCommand> {
    const subs: SubscriptionData[] = (o.topics ?? []).map((topic) => ({
      topic,
      subString: '*',
      expressionType: 'TAG',
      classFilterMode: false,
      tagsSet: [],
      codeSet: [],
      subVersion: BigInt(Date.now()),
    }));
    const body = HeartbeatData.encode({
      clientID: this.clientId,
      consumerDataSet:
        o.consumerGroup === undefined
          ? []
          : [
              {
                groupName: o.consumerGroup,
                consumeType: 'CONSUME_PASSIVELY',
                messageModel: o.messageModel ?? 'CLUSTERING',
                consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
                subscriptionDataSet: subs,
                unitMode: false,
              },
            ],
      producerDataSet: o.producerGroup === undefined ? [] : [{ groupName: o.producerGroup }],
    });
    const req = createRequest({ code: RequestCode.HEART_BEAT, opaque: 0, version: this.version, body, language: LanguageCode.JAVA });
    return this.client.invoke(addr, req, 5000);
  }

  close(): void {
    this.client.close();
  }
}

export function waitUntil(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (cond()) resolve();
      else if (Date.now() > end) reject(new Error('condition not met in time'));
      else setTimeout(tick, 20);
    };
    tick();
  });
}
