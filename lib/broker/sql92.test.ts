import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CheckClientRequestBody, HeartbeatData, type SubscriptionData } from '../../protocol/bodies';
import { createRequest, type RemotingCommand } from '../../protocol/command';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { encodeHeader, encodeSendMessageHeaderV2, PullMessageRequestHeader } from '../../protocol/headers';
import { decodeMessages, PullSysFlag } from '../../protocol/message';
import { defaults, silentLogger } from '../common';
import { NameServer, NamesrvSchema } from '../nameserver';
import { RemotingClient } from '../remoting';
import { defaultStoreConfig } from '../store';
import { Broker } from './broker';
import { BrokerRemotingSchema, BrokerSchema } from './config';
import { ConsumerFilterManager } from './consumer-filter';

/**
 * SQL92 subscriptions over real sockets (Java: ClientManageProcessor#checkClientConfig, PullMessageProcessor with
 * ConsumerFilterManager and ExpressionMessageFilter): the subscription check at CHECK_CLIENT_CONFIG, filter data
 * registered at heartbeat, pulls that return exactly the matching messages, and Java's codes for the rest.
 */
describe('lib/broker SQL92 filtering', function () {
  this.timeout(30_000);
  let dir: string;
  let ns: NameServer;
  let broker: Broker;
  let client: RemotingClient;
  let addr: string;

  async function start(overrides: Record<string, string | number | boolean> = {}): Promise<void> {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-sql92-'));
    ns = new NameServer({ config: { ...defaults(NamesrvSchema), listenPort: 0, bindAddress: '127.0.0.1', kvConfigPath: path.join(dir, 'kv.json') }, logger: silentLogger() });
    await ns.start();
    broker = await Broker.create({
      config: { ...defaults(BrokerSchema), listenPort: 0, brokerIP1: '127.0.0.1', namesrvAddr: `127.0.0.1:${ns.port}`, ...overrides },
      remotingConfig: { ...defaults(BrokerRemotingSchema), bindAddress: '127.0.0.1' },
      storeConfig: defaultStoreConfig({ storePathRootDir: path.join(dir, 'store'), mappedFileSizeCommitLog: 1024 * 1024 }),
      logger: silentLogger(),
    });
    await broker.start();
    addr = `127.0.0.1:${broker.port}`;
    client = new RemotingClient({ logger: silentLogger(), version: 513 });
  }

  afterEach(async () => {
    client.close();
    await broker.shutdown();
    await ns.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function call(code: number, ext: Map<string, string>, body: Buffer | null = null): Promise<RemotingCommand> {
    return client.invoke(addr, createRequest({ code, opaque: 0, version: 513, extFields: ext, body }), 10_000);
  }

  const sqlSub = (expression: string, subVersion = 1n): SubscriptionData => ({
    topic: 'T',
    subString: expression,
    expressionType: 'SQL92',
    classFilterMode: false,
    tagsSet: [],
    codeSet: [],
    subVersion,
  });

  function heartbeat(sub: SubscriptionData) {
    return call(
      RequestCode.HEART_BEAT,
      new Map(),
      HeartbeatData.encode({
        clientID: 'c1',
        consumerDataSet: [{ groupName: 'cg', consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', unitMode: false, subscriptionDataSet: [sub] }],
        producerDataSet: [],
      }),
    );
  }

  function check(sub: SubscriptionData) {
    return call(RequestCode.CHECK_CLIENT_CONFIG, new Map(), CheckClientRequestBody.encode({ clientId: 'c1', group: 'cg', subscriptionData: sub }));
  }

  async function sendAll(): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const props = `a\u0001${i}\u0002b\u0001${i % 2 === 0 ? 'x' : 'y'}\u0002TAGS\u0001T${i}\u0002`;
      const r = await call(
        RequestCode.SEND_MESSAGE_V2,
        encodeSendMessageHeaderV2({ producerGroup: 'pg', topic: 'T', defaultTopic: 'TBW102', defaultTopicQueueNums: 1, queueId: 0, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: props, reconsumeTimes: 0, unitMode: false, batch: false }),
        Buffer.from(`m${i}`),
      );
      assert.equal(r.code, ResponseCode.SUCCESS);
    }
  }

  function pull(opts: { withSubscription?: string; subVersion?: number } = {}) {
    const sysFlag = opts.withSubscription !== undefined ? PullSysFlag.FLAG_SUBSCRIPTION : 0;
    return call(
      RequestCode.PULL_MESSAGE,
      encodeHeader(PullMessageRequestHeader, {
        consumerGroup: 'cg',
        topic: 'T',
        queueId: 0,
        queueOffset: 0,
        maxMsgNums: 32,
        sysFlag,
        commitOffset: 0,
        suspendTimeoutMillis: 0,
        subscription: opts.withSubscription ?? '',
        subVersion: opts.subVersion ?? 1,
        expressionType: 'SQL92',
      }),
    );
  }

  const bodies = (r: RemotingCommand) => decodeMessages(r.body!).map((m) => m.body.toString());

  it('rule: a pull with a registered SQL92 subscription returns exactly the matching messages', async () => {
    await start();
    await sendAll();
    assert.equal((await heartbeat(sqlSub("a > 5 AND b = 'x'"))).code, ResponseCode.SUCCESS);
    const r = await pull();
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    assert.deepEqual(bodies(r), ['m6', 'm8']);
    assert.equal(r.extFields!.get('nextBeginOffset'), '10');
  });

  it('rule: a pull carrying its subscription (lite pull) is filtered the same; TAGS is a property', async () => {
    await start();
    await sendAll();
    const r = await pull({ withSubscription: "TAGS IN ('T1', 'T3') OR a = 9" });
    assert.deepEqual(bodies(r), ['m1', 'm3', 'm9']);
    assert.equal((await pull({ withSubscription: 'a >' })).code, ResponseCode.SUBSCRIPTION_PARSE_FAILED);
  });

  it('rule: one pull reads past filtered records until maxMsgNums match (Java: maxFilterMessageSize, 800 units)', async () => {
    await start();
    for (let i = 0; i < 100; i++) {
      const props = `k\u0001${i % 10 === 0 ? 'hit' : 'miss'}\u0002`;
      const r = await call(
        RequestCode.SEND_MESSAGE_V2,
        encodeSendMessageHeaderV2({ producerGroup: 'pg', topic: 'T', defaultTopic: 'TBW102', defaultTopicQueueNums: 1, queueId: 0, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: props, reconsumeTimes: 0, unitMode: false, batch: false }),
        Buffer.from(`m${i}`),
      );
      assert.equal(r.code, ResponseCode.SUCCESS);
    }
    const r = await pull({ withSubscription: "k = 'hit'" });
    assert.equal(r.code, ResponseCode.SUCCESS);
    assert.deepEqual(bodies(r), ['m0', 'm10', 'm20', 'm30', 'm40', 'm50', 'm60', 'm70', 'm80', 'm90']);
    assert.equal(r.extFields!.get('nextBeginOffset'), '100');
    // More matches than maxMsgNums: exactly 32, and the next pull resumes right after the last one returned.
    const all = await pull({ withSubscription: 'k IS NOT NULL' });
    assert.equal(decodeMessages(all.body!).length, 32);
    assert.equal(all.extFields!.get('nextBeginOffset'), '32');
  });

  it('rule: maxFilterMessageSize (16000 B of consume queue = 800 units) bounds the units one pull examines (Java: DefaultMessageStore#getMessage)', async () => {
    await start();
    const SQL92_SCAN_UNITS_MAX = 16000 / 20;
    for (let i = 0; i < SQL92_SCAN_UNITS_MAX + 100; i++) {
      const r = await call(
        RequestCode.SEND_MESSAGE_V2,
        encodeSendMessageHeaderV2({ producerGroup: 'pg', topic: 'T', defaultTopic: 'TBW102', defaultTopicQueueNums: 1, queueId: 0, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: 'k\u0001miss\u0002', reconsumeTimes: 0, unitMode: false, batch: false }),
        Buffer.from('x'),
      );
      assert.equal(r.code, ResponseCode.SUCCESS);
    }
    const r = await pull({ withSubscription: "k = 'hit'" });
    assert.equal(r.code, ResponseCode.PULL_RETRY_IMMEDIATELY);
    assert.equal(r.extFields!.get('nextBeginOffset'), String(SQL92_SCAN_UNITS_MAX));
  });

  it('rule: no message matches -> PULL_RETRY_IMMEDIATELY past the filtered ones (Java: NO_MATCHED_MESSAGE)', async () => {
    await start();
    await sendAll();
    const r = await pull({ withSubscription: 'a > 100' });
    assert.equal(r.code, ResponseCode.PULL_RETRY_IMMEDIATELY);
    assert.equal(r.extFields!.get('nextBeginOffset'), '10');
  });

  it('rule: CHECK_CLIENT_CONFIG refuses malformed SQL with SUBSCRIPTION_PARSE_FAILED and the parser message', async () => {
    await start();
    assert.equal((await check(sqlSub("a > 5 AND b = 'x'"))).code, ResponseCode.SUCCESS);
    const r = await check(sqlSub('a >'));
    assert.equal(r.code, ResponseCode.SUBSCRIPTION_PARSE_FAILED);
    assert.match(r.remark ?? '', /^org\.apache\.rocketmq\.filter\.parser\.ParseException: Encountered "<EOF>" at line 1, column 3\./);
    assert.equal((await check({ ...sqlSub('*'), expressionType: 'TAG' })).code, ResponseCode.SUCCESS);
  });

  it('rule: a malformed subscription registers no filter data -> FILTER_DATA_NOT_EXIST; a newer client version SUBSCRIPTION_NOT_LATEST', async () => {
    await start();
    await sendAll();
    await heartbeat(sqlSub('a >'));
    const r = await pull();
    assert.equal(r.code, ResponseCode.FILTER_DATA_NOT_EXIST);
    assert.equal(r.remark, "The broker's consumer filter data is not exist!Your expression may be wrong!");
    await heartbeat(sqlSub('a > 1', 5n));
    const stale = await pull({ subVersion: 6 });
    assert.equal(stale.code, ResponseCode.SUBSCRIPTION_NOT_LATEST);
  });

  it('rule: enablePropertyFilter=false refuses SQL92 as Java does (SYSTEM_ERROR naming the type)', async () => {
    await start({ enablePropertyFilter: false });
    await sendAll();
    const c = await check(sqlSub('a > 1'));
    assert.equal(c.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(c.remark, 'The broker does not support consumer to filter message by SQL92');
    await heartbeat(sqlSub('a > 1'));
    assert.equal((await pull()).code, ResponseCode.SYSTEM_ERROR);
  });
});

describe('lib/broker ConsumerFilterManager', () => {
  const sub = (topic: string, expression: string, subVersion: bigint): SubscriptionData => ({
    topic,
    subString: expression,
    expressionType: 'SQL92',
    classFilterMode: false,
    tagsSet: [],
    codeSet: [],
    subVersion,
  });

  it('rule: a newer subVersion with a new expression recompiles; an older one changes nothing; a broken one removes the entry', () => {
    const m = new ConsumerFilterManager({ logger: silentLogger(), consumerFilterEntriesMax: 10, compileCacheEntriesMax: 10 });
    m.register('g', [sub('T', 'a > 1', 2n)]);
    assert.equal(m.get('g', 'T')!.expression, 'a > 1');
    m.register('g', [sub('T', 'a > 2', 1n)]);
    assert.equal(m.get('g', 'T')!.expression, 'a > 1');
    m.register('g', [sub('T', 'a > 3', 3n)]);
    assert.equal(m.get('g', 'T')!.expression, 'a > 3');
    m.register('g', [sub('T', 'a >', 4n)]);
    assert.equal(m.get('g', 'T'), undefined);
  });

  it('rule: consumerFilterEntriesMax bounds the table; topics no longer subscribed and gone groups are dropped', () => {
    const m = new ConsumerFilterManager({ logger: silentLogger(), consumerFilterEntriesMax: 2, compileCacheEntriesMax: 1 });
    m.register('g', [sub('T1', 'a > 1', 1n), sub('T2', 'a > 1', 1n), sub('T3', 'a > 1', 1n)]);
    assert.equal(m.size, 2);
    assert.equal(m.get('g', 'T3'), undefined);
    m.register('g', [sub('T1', 'a > 1', 1n)]);
    assert.equal(m.size, 1);
    m.retainGroups(() => false);
    assert.equal(m.size, 0);
  });

  it('rule: compileCacheEntriesMax bounds the compiled expressions kept (Java: PARSE_CACHE of 100)', () => {
    const m = new ConsumerFilterManager({ logger: silentLogger(), consumerFilterEntriesMax: 10, compileCacheEntriesMax: 2 });
    for (const e of ['a > 1', 'a > 2', 'a >', 'a > 3']) m.compile(e);
    assert.equal(m.compiledCached, 2);
    assert.equal(m.compile('a >').ok, false);
  });
});
