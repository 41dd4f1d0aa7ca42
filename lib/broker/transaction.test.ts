import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HeartbeatData } from '../../protocol/bodies';
import { createRequest, createResponse, type RemotingCommand } from '../../protocol/command';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { encodeHeader, encodeSendMessageHeaderV2, EndTransactionRequestHeader, PullMessageRequestHeader } from '../../protocol/headers';
import { decodeMessages, decodeOffsetMsgId, MessageSysFlag, PullSysFlag } from '../../protocol/message';
import { defaults, silentLogger } from '../common';
import { parseExposition, type ParsedFamily } from '../metrics';
import { ProcessorRegistry, RemotingClient } from '../remoting';
import { defaultStoreConfig } from '../store';
import { TIMER_TOPIC } from '../timer';
import { Broker } from './broker';
import { BrokerRemotingSchema, BrokerSchema } from './config';

/**
 * Transactional messages end to end over sockets, as the official producers drive them: a half message is not
 * visible; COMMIT makes it visible in its real topic with the COMMIT sysFlag; ROLLBACK drops it; an unresolved
 * one is checked with CHECK_TRANSACTION_STATE on a live channel of its producer group.
 */
describe('lib/broker transactions', function () {
  this.timeout(30_000);
  let broker: Broker;
  let client: RemotingClient;
  let addr: string;
  const checks: RemotingCommand[] = [];

  before(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-tx-'));
    broker = await Broker.create({
      config: { ...defaults(BrokerSchema), listenPort: 0, brokerIP1: '127.0.0.1', namesrvAddr: '', transactionTimeOut: 200, transactionCheckInterval: 1000, metricsExporterType: 'PROM', metricsPromExporterPort: 0, metricsPromExporterHost: '127.0.0.1' },
      remotingConfig: { ...defaults(BrokerRemotingSchema), bindAddress: '127.0.0.1' },
      storeConfig: defaultStoreConfig({ storePathRootDir: path.join(dir, 'store'), mappedFileSizeCommitLog: 1024 * 1024 }),
      logger: silentLogger(),
    });
    await broker.start();
    addr = `127.0.0.1:${broker.port}`;
    const reg = new ProcessorRegistry().register(RequestCode.CHECK_TRANSACTION_STATE, (ctx) => {
      checks.push(ctx.request);
      return createResponse(ctx.request, 0, null, 513);
    });
    client = new RemotingClient({ logger: silentLogger(), version: 513, registry: reg });
    // The producer group's channel, as a transactional producer's heartbeat registers it.
    await client.invoke(addr, createRequest({ code: RequestCode.HEART_BEAT, opaque: 0, version: 513, body: HeartbeatData.encode({ clientID: 'tx-client', consumerDataSet: [], producerDataSet: [{ groupName: 'txg' }] }) }), 5000);
  });

  after(async () => {
    client.close();
    await broker.shutdown();
  });

  async function half(body: string, uniq: string, extraProperties = '', topic = 'TxT') {
    const r = await client.invoke(
      addr,
      createRequest({
        code: RequestCode.SEND_MESSAGE_V2,
        opaque: 0,
        version: 513,
        body: Buffer.from(body),
        extFields: encodeSendMessageHeaderV2({ producerGroup: 'txg', topic, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 0, sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE, bornTimestamp: Date.now(), flag: 0, properties: `TRAN_MSG\u0001true\u0002PGROUP\u0001txg\u0002UNIQ_KEY\u0001${uniq}\u0002${extraProperties}`, batch: false }),
      }),
      5000,
    );
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    return { queueOffset: Number(r.extFields!.get('queueOffset')), commitLogOffset: decodeOffsetMsgId(r.extFields!.get('msgId')!).offset, transactionId: r.extFields!.get('transactionId')! };
  }

  async function end(h: { queueOffset: number; commitLogOffset: number }, uniq: string, kind: number) {
    const ok = client.invokeOneway(
      addr,
      createRequest({ code: RequestCode.END_TRANSACTION, opaque: 0, version: 513, extFields: encodeHeader(EndTransactionRequestHeader, { producerGroup: 'txg', tranStateTableOffset: h.queueOffset, commitLogOffset: h.commitLogOffset, commitOrRollback: kind, fromTransactionCheck: false, msgId: uniq, transactionId: uniq }) }),
    );
    await ok;
  }

  async function pullAll(topic = 'TxT'): Promise<string[]> {
    const r = await client.invoke(addr, createRequest({ code: RequestCode.PULL_MESSAGE, opaque: 0, version: 513, extFields: encodeHeader(PullMessageRequestHeader, { consumerGroup: 'c', topic, queueId: 0, queueOffset: 0, maxMsgNums: 32, sysFlag: PullSysFlag.FLAG_SUBSCRIPTION, commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 0, expressionType: 'TAG' }) }), 5000);
    return r.code === ResponseCode.SUCCESS ? decodeMessages(r.body!).map((m) => `${m.body.toString()}/${m.sysFlag & 0xc}`) : [];
  }

  it('a half message is invisible; COMMIT delivers it with the COMMIT sysFlag, ROLLBACK never does', async () => {
    const a = await half('commit-me', 'UNIQ-A');
    const b = await half('roll-me-back', 'UNIQ-B');
    assert.equal(a.transactionId, 'UNIQ-A');
    assert.deepEqual(await pullAll(), [], 'half messages are not in the real topic');
    await end(a, 'UNIQ-A', MessageSysFlag.TRANSACTION_COMMIT_TYPE);
    await end(b, 'UNIQ-B', MessageSysFlag.TRANSACTION_ROLLBACK_TYPE);
    let got: string[] = [];
    for (let i = 0; i < 50 && got.length === 0; i++) {
      got = await pullAll();
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(got, [`commit-me/${MessageSysFlag.TRANSACTION_COMMIT_TYPE}`]);
  });

  it('an unresolved half message is checked with CHECK_TRANSACTION_STATE on the producer group channel', async () => {
    const c = await half('ask-me', 'UNIQ-C');
    for (let i = 0; i < 100 && !checks.some((x) => x.extFields?.get('msgId') === 'UNIQ-C'); i++) await new Promise((r) => setTimeout(r, 50));
    const check = checks.find((x) => x.extFields?.get('msgId') === 'UNIQ-C');
    assert.ok(check !== undefined, 'checked');
    assert.equal(check.extFields!.get('tranStateTableOffset'), String(c.queueOffset));
    assert.equal(check.extFields!.get('commitLogOffset'), String(c.commitLogOffset));
    const [m] = decodeMessages(check.body!);
    assert.equal(m!.topic, 'TxT', 'the check body carries the real topic');
    assert.equal(m!.properties.get('PGROUP'), 'txg');
    await end(c, 'UNIQ-C', MessageSysFlag.TRANSACTION_COMMIT_TYPE);
  });

  it('a committed half message with TIMER_DELIVER_MS goes through the timer wheel (Java: the COMMIT put runs HookUtils#handleScheduleMessage)', async () => {
    const due = Date.now() + 3000;
    const t = await half('timed-commit', 'UNIQ-T', `TIMER_DELIVER_MS\u0001${due}\u0002`);
    assert.ok(!(await pullAll(TIMER_TOPIC)).some((x) => x.startsWith('timed-commit/')), 'the half message is not a timer message yet');
    await end(t, 'UNIQ-T', MessageSysFlag.TRANSACTION_COMMIT_TYPE);
    let wheel: string[] = [];
    for (let i = 0; i < 50 && !wheel.some((x) => x.startsWith('timed-commit/')); i++) {
      wheel = await pullAll(TIMER_TOPIC);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(wheel.includes(`timed-commit/${MessageSysFlag.TRANSACTION_COMMIT_TYPE}`), `parked in ${TIMER_TOPIC}: ${wheel.join(' ')}`);
    assert.ok(!(await pullAll()).some((x) => x.startsWith('timed-commit/')), 'not in its topic before its time');
    let got: string[] = [];
    for (let i = 0; i < 200 && !got.some((x) => x.startsWith('timed-commit/')); i++) {
      got = await pullAll();
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(got.some((x) => x.startsWith('timed-commit/')), `delivered to its topic by the wheel: ${got.join(' ')}`);
  });

  it("Java's transaction metrics: half messages per topic (config/transactionMetrics), commit/rollback counters, finish latency", async () => {
    const x = await half('m1', 'UNIQ-M1', '', 'TxM');
    await half('m2', 'UNIQ-M2', '', 'TxM');
    await end(x, 'UNIQ-M1', MessageSysFlag.TRANSACTION_COMMIT_TYPE);
    const f = async (): Promise<Map<string, ParsedFamily>> => parseExposition(await broker.ctx.metrics!.registry.render());
    const v = (fams: Map<string, ParsedFamily>, name: string, topic: string, sample = name): number | undefined => fams.get(name)?.samples.find((s) => s.name === sample && s.labels.topic === topic)?.value;
    let fams = await f();
    for (let i = 0; i < 50 && v(fams, 'rocketmq_commit_messages_total', 'TxM') === undefined; i++) {
      await new Promise((r) => setTimeout(r, 20));
      fams = await f();
    }
    assert.equal(v(fams, 'rocketmq_commit_messages_total', 'TxM'), 1);
    assert.equal(v(fams, 'rocketmq_half_messages', 'TxM'), 1, 'two half messages stored, one committed');
    assert.equal(v(fams, 'rocketmq_finish_message_latency_milliseconds', 'TxM', 'rocketmq_finish_message_latency_milliseconds_count'), 1);
    assert.equal(v(fams, 'rocketmq_rollback_messages_total', 'TxT'), 1, 'the rollback of the first test');
    await broker.ctx.halfCounts.persist();
    const file = JSON.parse(fs.readFileSync(broker.ctx.halfCounts.file, 'utf8')) as Record<string, Record<string, { count: number }>>;
    assert.deepEqual(Object.keys(file), ['dataVersion', 'transactionCount'], "Java TransactionMetrics' layout");
    assert.equal(file.transactionCount!['TxM']!.count, 1);
    assert.equal(path.basename(broker.ctx.halfCounts.file), 'transactionMetrics');
  });
});
