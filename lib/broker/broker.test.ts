import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetConsumerListByGroupResponseBody, HeartbeatData } from '../../protocol/bodies';
import { createRequest, SerializeType, type RemotingCommand } from '../../protocol/command';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { encodeHeader, encodeSendMessageHeaderV2, PullMessageRequestHeader, SendMessageRequestHeader } from '../../protocol/headers';
import { decodeMessages, encodeBatch, PullSysFlag } from '../../protocol/message';
import { defaults, silentLogger } from '../common';
import { NameServer, NamesrvSchema } from '../nameserver';
import { ProcessorRegistry, RemotingClient } from '../remoting';
import { defaultStoreConfig } from '../store';
import { Broker } from './broker';
import { BrokerRemotingSchema, BrokerSchema } from './config';

/**
 * The broker over real sockets, driven by Apogee's own raw client (the official clients are exercised by
 * compat-tests): send in every form, pull with long polling, consumer bookkeeping, retry/DLQ and delayed delivery,
 * and bad input answered with Java's codes.
 */
describe('lib/broker Broker over real sockets', function () {
  this.timeout(30_000);
  let dir: string;
  let ns: NameServer;
  let broker: Broker;
  let client: RemotingClient;
  let addr: string;
  const notified: string[] = [];

  async function start(overrides: Record<string, string | number | boolean> = {}, storeOverrides: Record<string, string | number | boolean> = {}): Promise<void> {
    ns = new NameServer({ config: { ...defaults(NamesrvSchema), listenPort: 0, bindAddress: '127.0.0.1', kvConfigPath: path.join(dir, 'kv.json') }, logger: silentLogger() });
    await ns.start();
    broker = await Broker.create({
      config: { ...defaults(BrokerSchema), listenPort: 0, brokerIP1: '127.0.0.1', namesrvAddr: `127.0.0.1:${ns.port}`, ...overrides },
      remotingConfig: { ...defaults(BrokerRemotingSchema), bindAddress: '127.0.0.1' },
      storeConfig: defaultStoreConfig({ storePathRootDir: path.join(dir, 'store'), mappedFileSizeCommitLog: 1024 * 1024, messageDelayLevel: '1s 2s', ...storeOverrides }),
      logger: silentLogger(),
    });
    await broker.start();
    addr = `127.0.0.1:${broker.port}`;
  }

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-broker-'));
    notified.length = 0;
    const reg = new ProcessorRegistry().register(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (ctx) => {
      notified.push(ctx.request.extFields?.get('consumerGroup') ?? '');
      return createRequest({ code: 0, opaque: 0, version: 0 });
    });
    client = new RemotingClient({ logger: silentLogger(), version: 513, registry: reg });
    await start();
  });

  afterEach(async () => {
    client.close();
    await broker.shutdown();
    await ns.close();
  });

  function call(code: number, ext: Map<string, string>, body: Buffer | null = null, type: SerializeType = SerializeType.JSON): Promise<RemotingCommand> {
    return client.invoke(addr, createRequest({ code, opaque: 0, version: 513, extFields: ext, body, serializeType: type }), 10_000);
  }

  function sendV2(topic: string, body: string, props = '', queueId = 0, extra: Record<string, unknown> = {}) {
    return call(
      RequestCode.SEND_MESSAGE_V2,
      encodeSendMessageHeaderV2({ producerGroup: 'pg', topic, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: props, reconsumeTimes: 0, unitMode: false, batch: false, ...extra }),
      Buffer.from(body),
    );
  }

  function pull(topic: string, queueId: number, offset: number, group = 'g1', suspendMs = 0): Promise<RemotingCommand> {
    const sysFlag = PullSysFlag.FLAG_SUBSCRIPTION | (suspendMs > 0 ? PullSysFlag.FLAG_SUSPEND : 0);
    return call(
      RequestCode.PULL_MESSAGE,
      encodeHeader(PullMessageRequestHeader, { consumerGroup: group, topic, queueId, queueOffset: offset, maxMsgNums: 32, sysFlag, commitOffset: 0, suspendTimeoutMillis: suspendMs, subscription: '*', subVersion: 0, expressionType: 'TAG' }),
    );
  }

  it('auto-creates a topic on first send and answers with every field the clients dereference', async () => {
    const r = await sendV2('AutoT', 'hello', 'TAGS\u0001A\u0002KEYS\u0001k1\u0002UNIQ_KEY\u00017F0000010001000000000000000A0001\u0002');
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const e = r.extFields!;
    assert.match(e.get('msgId')!, /^7F000001[0-9A-F]{8}[0-9A-F]{16}$/);
    assert.equal(e.get('queueId'), '0');
    assert.equal(e.get('queueOffset'), '0');
    assert.equal(e.get('transactionId'), '7F0000010001000000000000000A0001');
    assert.equal(e.get('MSG_REGION'), 'DefaultRegion');
    assert.equal(e.get('TRACE_ON'), 'true');
    const p = await pull('AutoT', 0, 0);
    assert.equal(p.code, ResponseCode.SUCCESS);
    const [m] = decodeMessages(p.body!);
    assert.equal(m!.body.toString(), 'hello');
    assert.equal(m!.tags, 'A');
    assert.equal(m!.properties.get('CLUSTER'), 'DefaultCluster');
    // Java AbstractSendMessageProcessor#buildMsgContext: every single send stores MSG_REGION and TRACE_ON (the
    // client's consumer trace hook reads the region from the message; without it no SubBefore/SubAfter is sent).
    assert.equal(m!.properties.get('MSG_REGION'), 'DefaultRegion');
    assert.equal(m!.properties.get('TRACE_ON'), 'true');
    assert.equal(m!.msgId, '7F0000010001000000000000000A0001');
    assert.equal(p.extFields!.get('nextBeginOffset'), '1');
  });

  it('a pull of several large records (written as the frame\'s parts) and of several small ones (copied into one body) returns each record whole, in order, in both serializations', async () => {
    const large = [0, 1, 2, 3, 4].map((i) => String.fromCharCode(65 + i).repeat(1500 + i));
    const small = [0, 1, 2].map((i) => `s${i}`);
    for (const b of large) assert.equal((await sendV2('PartsT', b, '', 0)).code, ResponseCode.SUCCESS);
    for (const b of small) assert.equal((await sendV2('PartsT', b, '', 1)).code, ResponseCode.SUCCESS);
    for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
      const q0 = await call(
        RequestCode.PULL_MESSAGE,
        encodeHeader(PullMessageRequestHeader, { consumerGroup: 'g1', topic: 'PartsT', queueId: 0, queueOffset: 0, maxMsgNums: 32, sysFlag: PullSysFlag.FLAG_SUBSCRIPTION, commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 0, expressionType: 'TAG' }),
        null,
        type,
      );
      assert.equal(q0.code, ResponseCode.SUCCESS);
      assert.equal(q0.serializeType, type);
      const got = decodeMessages(q0.body!);
      assert.deepEqual(got.map((m) => m.body.toString()), large);
      assert.deepEqual(got.map((m) => m.queueOffset), [0, 1, 2, 3, 4]);
      assert.equal(q0.extFields!.get('nextBeginOffset'), '5');
    }
    assert.deepEqual(decodeMessages((await pull('PartsT', 1, 0)).body!).map((m) => m.body.toString()), small);
  });

  it('SEND_MESSAGE (Go, long names) and ROCKETMQ serialization work the same; a missing UNIQ_KEY is added', async () => {
    const ext = encodeHeader(SendMessageRequestHeader, { producerGroup: 'pg', topic: 'GoT', defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 1, sysFlag: 0, bornTimestamp: Date.now(), flag: 7, properties: 'TAGS\u0001B\u0002', batch: false, unitMode: false, reconsumeTimes: 0, maxReconsumeTimes: 0 });
    const r = await call(RequestCode.SEND_MESSAGE, ext, Buffer.from('go'), SerializeType.ROCKETMQ);
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    assert.equal(r.serializeType, SerializeType.ROCKETMQ);
    const [m] = decodeMessages((await pull('GoT', 1, 0)).body!);
    assert.equal(m!.flag, 7);
    assert.match(m!.properties.get('UNIQ_KEY')!, /^[0-9A-F]{32}$/);
  });

  it('SEND_BATCH_MESSAGE stores each message with consecutive offsets and answers comma-separated msgIds', async () => {
    const body = encodeBatch([
      { body: Buffer.from('a'), properties: 'UNIQ_KEY\u0001AA\u0002' },
      { body: Buffer.from('b'), properties: 'UNIQ_KEY\u0001BB\u0002' },
      { body: Buffer.from('c'), properties: 'UNIQ_KEY\u0001CC\u0002' },
    ]);
    const r = await call(RequestCode.SEND_BATCH_MESSAGE, encodeSendMessageHeaderV2({ producerGroup: 'pg', topic: 'BatchT', defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 2, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: '', batch: true }), body);
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    assert.equal(r.extFields!.get('msgId')!.split(',').length, 3);
    const ms = decodeMessages((await pull('BatchT', 2, 0)).body!);
    assert.deepEqual(ms.map((m) => [m.queueOffset, m.body.toString(), m.msgId]), [[0, 'a', 'AA'], [1, 'b', 'BB'], [2, 'c', 'CC']]);
    // Java stores a batch's inner properties as sent: the header's MSG_REGION/TRACE_ON are not written per message.
    assert.equal(ms[0]!.properties.get('MSG_REGION'), undefined);
  });

  it('SEND_BATCH_MESSAGE: an entry with its UNIQ_KEY keeps its properties bytes as sent (Java copies them); one without, or with an empty one, gets a UNIQ_KEY; a malformed entry stores nothing', async () => {
    const header = (topic: string): ReturnType<typeof encodeSendMessageHeaderV2> => encodeSendMessageHeaderV2({ producerGroup: 'pg', topic, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 1, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: '', batch: true });
    const raw = Buffer.concat([Buffer.from('UNIQ_KEY\u0001AA\u0002odd\u0001'), Buffer.from([0xc3, 0x28]), Buffer.from('\u0002')]); // not UTF-8
    const body = encodeBatch([
      { body: Buffer.from('a'), properties: raw },
      { body: Buffer.from('b'), properties: 'KEYS\u0001k\u0002' },
      { body: Buffer.from('c'), properties: 'UNIQ_KEY\u0001\u0002TAGS\u0001t\u0002' },
    ]);
    const r = await call(RequestCode.SEND_BATCH_MESSAGE, header('BatchRawT'), body);
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const pulled = (await pull('BatchRawT', 1, 0)).body!;
    const ms = decodeMessages(pulled);
    assert.deepEqual(ms.map((m) => m.body.toString()), ['a', 'b', 'c']);
    assert.equal(ms[0]!.msgId, 'AA');
    assert.ok(pulled.includes(raw), 'the first entry\'s properties bytes are stored unchanged');
    assert.match(ms[1]!.msgId, /^[0-9A-F]{32}$/);
    assert.equal(ms[1]!.properties.get('KEYS'), 'k');
    assert.match(ms[2]!.msgId, /^[0-9A-F]{32}$/);
    assert.equal(ms[2]!.properties.get('TAGS'), 't');
    const broken = Buffer.concat([encodeBatch([{ body: Buffer.from('x'), properties: 'UNIQ_KEY\u0001XX\u0002' }]), Buffer.from([0, 0, 0, 99, 1, 2])]);
    const bad = await call(RequestCode.SEND_BATCH_MESSAGE, header('BatchBadT'), broken);
    assert.equal(bad.code, ResponseCode.MESSAGE_ILLEGAL);
    assert.match(bad.remark ?? '', /^the batch body is malformed: bad batch body: message #1 at offset/);
    assert.notEqual((await pull('BatchBadT', 1, 0)).code, ResponseCode.SUCCESS, 'nothing of the malformed batch was stored');
  });

  it('long polling: a held pull is answered as soon as a message arrives', async () => {
    assert.equal((await sendV2('LongT', 'first')).code, 0);
    const t0 = Date.now();
    const held = pull('LongT', 0, 1, 'g1', 15_000);
    await new Promise((r) => setTimeout(r, 300));
    await sendV2('LongT', 'second');
    const p = await held;
    assert.equal(p.code, ResponseCode.SUCCESS);
    assert.equal(decodeMessages(p.body!)[0]!.body.toString(), 'second');
    assert.ok(Date.now() - t0 < 10_000, 'answered before the hold time');
  });

  it('long polling: PULL_NOT_FOUND after the hold time, with nextBeginOffset and offsets present', async () => {
    await sendV2('IdleT', 'x');
    const p = await pull('IdleT', 0, 1, 'g1', 1200);
    assert.equal(p.code, ResponseCode.PULL_NOT_FOUND);
    assert.deepEqual(
      ['suggestWhichBrokerId', 'nextBeginOffset', 'minOffset', 'maxOffset'].map((k) => p.extFields!.get(k)),
      ['0', '1', '0', '1'],
    );
  });

  it('PULL_OFFSET_MOVED beyond the max offset, as Java decides', async () => {
    await sendV2('MovedT', 'x');
    const p = await pull('MovedT', 0, 100);
    assert.equal(p.code, ResponseCode.PULL_OFFSET_MOVED);
    assert.equal(p.extFields!.get('nextBeginOffset'), '1');
  });

  it('heartbeat registers the group, creates %RETRY%, lists members and notifies them on change', async () => {
    const hb = (clientID: string) =>
      HeartbeatData.encode({
        clientID,
        consumerDataSet: [{ groupName: 'cg', consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', unitMode: false, subscriptionDataSet: [{ topic: 'T', subString: '*', expressionType: 'TAG', classFilterMode: false, tagsSet: [], codeSet: [], subVersion: 1n }] }],
        producerDataSet: [],
      });
    const r = await call(RequestCode.HEART_BEAT, new Map(), hb('c1'));
    assert.equal(r.code, 0);
    assert.equal(r.extFields!.get('IS_SUPPORT_HEART_BEAT_V2'), 'false');
    assert.ok(broker.ctx.topics.get('%RETRY%cg') !== undefined);
    const other = new RemotingClient({ logger: silentLogger(), version: 513 });
    await other.invoke(addr, createRequest({ code: RequestCode.HEART_BEAT, opaque: 0, version: 513, body: hb('c2') }), 5000);
    const list = await call(RequestCode.GET_CONSUMER_LIST_BY_GROUP, new Map([['consumerGroup', 'cg']]));
    const ids = GetConsumerListByGroupResponseBody.decode(list.body!);
    assert.ok(ids.ok);
    assert.deepEqual([...ids.value.consumerIdList].sort(), ['c1', 'c2']);
    for (let i = 0; i < 50 && !notified.includes('cg'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(notified.includes('cg'), 'NOTIFY_CONSUMER_IDS_CHANGED pushed to the first member');
    other.close();
  });

  it('offsets: update, query, max/min, search by time', async () => {
    await sendV2('OffT', '1');
    await sendV2('OffT', '2');
    const unknown = await call(RequestCode.UPDATE_CONSUMER_OFFSET, new Map([['consumerGroup', 'og'], ['topic', 'OffT'], ['queueId', '0'], ['commitOffset', '1']]));
    assert.equal(unknown.code, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, 'Java 5.x: offsets of a group that does not exist are refused');
    assert.equal(unknown.remark, 'Group og not exist!');
    broker.ctx.groups.find('og'); // created as a consumer's heartbeat creates it
    const up = await call(RequestCode.UPDATE_CONSUMER_OFFSET, new Map([['consumerGroup', 'og'], ['topic', 'OffT'], ['queueId', '0'], ['commitOffset', '1']]));
    assert.equal(up.code, 0, up.remark ?? '');
    const q = await call(RequestCode.QUERY_CONSUMER_OFFSET, new Map([['consumerGroup', 'og'], ['topic', 'OffT'], ['queueId', '0']]));
    assert.equal(q.extFields!.get('offset'), '1');
    const max = await call(RequestCode.GET_MAX_OFFSET, new Map([['topic', 'OffT'], ['queueId', '0']]));
    assert.equal(max.extFields!.get('offset'), '2');
    const s = await call(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, new Map([['topic', 'OffT'], ['queueId', '0'], ['timestamp', String(Date.now() + 60_000)]]));
    assert.equal(s.extFields!.get('offset'), '2');
  });

  it('a message with a delay level is delivered to its topic after the delay', async () => {
    const r = await sendV2('DelayT', 'later', 'DELAY\u00011\u0002');
    assert.equal(r.code, 0, r.remark ?? '');
    assert.equal((await pull('DelayT', 0, 0)).code === ResponseCode.SUCCESS, false, 'not visible before its time');
    let got: RemotingCommand | undefined;
    for (let i = 0; i < 40; i++) {
      got = await pull('DelayT', 0, 0);
      if (got.code === ResponseCode.SUCCESS) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(got!.code, ResponseCode.SUCCESS);
    const m = decodeMessages(got!.body!)[0]!;
    assert.equal(m.body.toString(), 'later');
    // Java ScheduleMessageService#messageTimeUp stores the schedule record's properties unchanged.
    assert.equal(m.properties.get('DELAY'), '1', 'the delivered message keeps DELAY=<level>');
    assert.equal(m.properties.get('WAIT'), undefined, 'no WAIT=false is added');
    assert.equal(m.properties.get('REAL_TOPIC'), 'DelayT');
  });

  it('CONSUMER_SEND_MSG_BACK: retry with reconsumeTimes + 1, then %DLQ% at the limit', async () => {
    await sendV2('FailT', 'boom');
    const m = decodeMessages((await pull('FailT', 0, 0, 'rg')).body!)[0]!;
    const back = (offset: number, delayLevel: number) =>
      call(RequestCode.CONSUMER_SEND_MSG_BACK, new Map([['offset', String(offset)], ['group', 'rg'], ['delayLevel', String(delayLevel)], ['originMsgId', m.msgId], ['originTopic', 'FailT'], ['unitMode', 'false'], ['maxReconsumeTimes', '1']]));
    assert.equal((await back(m.commitLogOffset, 1)).code, 0);
    let retried: ReturnType<typeof decodeMessages>[number] | undefined;
    for (let i = 0; i < 40 && retried === undefined; i++) {
      const p = await pull('%RETRY%rg', 0, 0, 'rg');
      if (p.code === ResponseCode.SUCCESS) retried = decodeMessages(p.body!)[0];
      else await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(retried !== undefined, 'retry message delivered after its delay');
    assert.equal(retried!.reconsumeTimes, 1);
    assert.equal(retried!.properties.get('RETRY_TOPIC'), 'FailT');
    assert.equal((await back(retried!.commitLogOffset, 0)).code, 0);
    const dlq = await pull('%DLQ%rg', 0, 0, 'rg');
    assert.equal(dlq.code, ResponseCode.SUCCESS);
    assert.equal(decodeMessages(dlq.body!)[0]!.body.toString(), 'boom');
  });

  describe("bad input gets Java's codes and remarks", () => {
    it('system topics refuse sends with NO_PERMISSION', async () => {
      const r = await sendV2('SCHEDULE_TOPIC_XXXX', 'x');
      assert.equal(r.code, ResponseCode.NO_PERMISSION);
      assert.equal(r.remark, 'Sending message to topic[SCHEDULE_TOPIC_XXXX] is forbidden.');
    });
    it('invalid topic names are INVALID_PARAMETER', async () => {
      const r = await sendV2('bad topic', 'x');
      assert.equal(r.code, ResponseCode.INVALID_PARAMETER);
      assert.match(r.remark!, /contains illegal characters/);
    });
    it('an illegal queueId is INVALID_PARAMETER', async () => {
      await sendV2('QT', 'x');
      const r = await sendV2('QT', 'x', '', 99);
      assert.equal(r.code, ResponseCode.INVALID_PARAMETER);
      assert.match(r.remark!, /request queueId\[99\] is illegal/);
    });
    it('oversized bodies are MESSAGE_ILLEGAL and nothing is stored', async () => {
      const r = await sendV2('BigT', 'x'.repeat(4 * 1024 * 1024 + 1));
      assert.equal(r.code, ResponseCode.MESSAGE_ILLEGAL);
      assert.equal(r.remark, 'the message is illegal, maybe msg body or properties length not matched. msg body length limit 4194304B, msg properties length limit 32KB.');
    });
    it('with timerWheelEnable=false timer messages (5.x setDeliverTimeMs) are refused as Java refuses them', async () => {
      client.close();
      await broker.shutdown();
      await ns.close();
      client = new RemotingClient({ logger: silentLogger(), version: 513 });
      await start({}, { timerWheelEnable: false });
      const r = await sendV2('TimerT', 'x', `TIMER_DELIVER_MS\u0001${Date.now() + 60_000}\u0002`);
      assert.equal(r.code, ResponseCode.SYSTEM_ERROR);
      assert.equal(r.remark, 'accurate timer message is not enabled, timerWheelEnable is false');
    });
    it('a missing header field is SYSTEM_ERROR naming it', async () => {
      const r = await call(RequestCode.SEND_MESSAGE_V2, new Map([['a', 'pg']]), Buffer.from('x'));
      assert.equal(r.code, ResponseCode.SYSTEM_ERROR);
      assert.match(r.remark!, /the custom field <b> is null/);
    });
    it('pulling a queue that does not exist is INVALID_PARAMETER; an unknown topic TOPIC_NOT_EXIST', async () => {
      await sendV2('PQ', 'x');
      assert.equal((await pull('PQ', 42, 0)).code, ResponseCode.INVALID_PARAMETER);
      assert.equal((await pull('NoSuchTopic', 0, 0)).code, ResponseCode.TOPIC_NOT_EXIST);
    });
    it('with autoCreateTopicEnable=false an unknown topic is TOPIC_NOT_EXIST', async () => {
      client.close();
      await broker.shutdown();
      await ns.close();
      client = new RemotingClient({ logger: silentLogger(), version: 513 });
      await start({ autoCreateTopicEnable: false });
      const r = await sendV2('Unknown', 'x');
      assert.equal(r.code, ResponseCode.TOPIC_NOT_EXIST);
      assert.match(r.remark!, /^topic\[Unknown\] not exist, apply first please!/);
    });
  });
});
