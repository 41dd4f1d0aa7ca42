import { strict as assert } from 'node:assert';
import { TopicConfig, TopicConfigAndQueueMapping, type TopicRouteData } from '../../protocol/bodies';
import type { RemotingCommand } from '../../protocol/command';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { createOffsetMsgId, encodeStoredMessage } from '../../protocol/message';
import type { RocketClient } from '../client';
import { silentLogger } from '../common';
import { Code } from './convert';
import { GrpcService, DEFAULT_INVISIBLE_MS, DEFAULT_RETRY_MAX_TIMES } from './service';

/**
 * The service's remoting side with a scripted broker: which request it sends for each RPC and how broker answers map
 * to v2 Status codes (Java: SendMessageActivity, ReceiveMessageResponseStreamWriter, EndTransactionActivity,
 * ResponseBuilder#buildStatus).
 */
describe('lib/grpc/service', () => {
  const route: TopicRouteData = {
    brokerDatas: [{ brokerName: 'b', cluster: 'c', brokerAddrs: new Map([[0, '127.0.0.1:10911']]) }],
    filterServerTable: new Map(),
    queueDatas: [{ brokerName: 'b', perm: 6, readQueueNums: 4, writeQueueNums: 4, topicSysFlag: 0 }],
  };
  const resp = (code: number, ext: Record<string, string> = {}, body: Buffer | null = null): RemotingCommand =>
    ({ code, remark: code === 0 ? null : 'why', extFields: new Map(Object.entries(ext)), body }) as unknown as RemotingCommand;

  // The broker's topic T for GET_TOPIC_CONFIG (message-type.ts), with the `message.type` attribute given.
  const topicConfigOf = (type: string): RemotingCommand => resp(0, {}, TopicConfigAndQueueMapping.encode(TopicConfig.make({ topicName: 'T', attributes: new Map([['message.type', type]]) })));

  function harness(answer: (code: number, ext: Map<string, string>) => RemotingCommand, topicType = 'MIXED'): { svc: GrpcService; sent: { code: number; ext: Map<string, string>; timeoutMs: number }[] } {
    const sent: { code: number; ext: Map<string, string>; timeoutMs: number }[] = [];
    const client = {
      routeOf: async (topic: string) => (topic === 'T' ? route : undefined),
      call: async (_addr: string, code: number, header: unknown, _body: Buffer | null, timeoutMs: number) => {
        const h = header as { spec?: { keys: string[] }; value?: Record<string, unknown> } | Map<string, string>;
        const ext = h instanceof Map ? h : new Map(Object.entries(h?.value ?? {}).map(([k, v]) => [k, String(v)]));
        if (code === RequestCode.GET_TOPIC_CONFIG) return topicConfigOf(topicType);
        sent.push({ code, ext, timeoutMs });
        return answer(code, ext);
      },
    } as unknown as RocketClient;
    return { svc: new GrpcService({ client, logger: silentLogger(), longPollingReserveMs: 100, requestTimeoutMs: 3000 }), sent };
  }

  const message = (type = 'NORMAL') => ({ topic: { name: 'T' }, userProperties: {}, systemProperties: { keys: [], messageId: 'M1', messageType: type, queueId: 2 }, body: Buffer.from('x') });

  it('SendMessage: SEND_MESSAGE_V2 to the queue the client chose; FLUSH_DISK_TIMEOUT is still OK; an unknown topic is TOPIC_NOT_FOUND', async () => {
    const { svc, sent } = harness(() => resp(ResponseCode.FLUSH_DISK_TIMEOUT, { queueOffset: '7' }));
    const r = await svc.sendMessage({ messages: [message()] });
    assert.equal(sent[0]!.code, RequestCode.SEND_MESSAGE_V2);
    assert.equal(r.status.code, Code.OK);
    assert.deepEqual(r.entries, [{ status: { code: Code.OK, message: 'OK' }, offset: 7, messageId: 'M1', transactionId: '' }]);
    const missing = await svc.sendMessage({ messages: [{ ...message(), topic: { name: 'NOPE' } }] });
    assert.equal(missing.status.code, Code.TOPIC_NOT_FOUND);
  });

  it('rule: the proxy\'s message-type check — a TRANSACTION message to a NORMAL topic is MESSAGE_PROPERTY_CONFLICT_WITH_TYPE and not sent; QueryRoute answers the topic\'s own type (Java DefaultTopicMessageTypeValidator, RouteActivity#parseTopicMessageType)', async () => {
    const { svc, sent } = harness(() => resp(0, { queueOffset: '1' }), 'NORMAL');
    const r = await svc.sendMessage({ messages: [message('TRANSACTION')] });
    assert.equal(r.status.code, Code.MESSAGE_PROPERTY_CONFLICT_WITH_TYPE);
    assert.equal(r.status.message, 'TopicMessageType validate failed, the expected type is NORMAL, but actual type is TRANSACTION');
    assert.deepEqual(sent, []);
    assert.equal((await svc.sendMessage({ messages: [message('NORMAL')] })).status.code, Code.OK);
    const q = await svc.queryRoute({ topic: { name: 'T' }, endpoints: { addresses: [] } as never });
    assert.deepEqual([...new Set((q.messageQueues as { acceptMessageTypes: string[] }[]).map((m) => m.acceptMessageTypes.join(',')))], ['NORMAL']);
  });

  it('transactions: the half message is remembered by its message id and EndTransaction commits it at its offsets; an unknown id is INVALID_TRANSACTION_ID', async () => {
    const msgId = createOffsetMsgId({ ip: new Uint8Array([127, 0, 0, 1]), port: 10911 }, 4096);
    const { svc, sent } = harness((code) => (code === RequestCode.SEND_MESSAGE_V2 ? resp(0, { queueOffset: '3', msgId }) : resp(0)));
    const s = await svc.sendMessage({ messages: [message('TRANSACTION')] });
    assert.equal((s.entries[0] as { transactionId: string }).transactionId, 'M1');
    const e = await svc.endTransaction({ topic: { name: 'T' }, messageId: 'M1', transactionId: 'M1', resolution: 'COMMIT', source: 'SOURCE_CLIENT' });
    assert.equal(e.status.code, Code.OK);
    const end = sent.find((x) => x.code === RequestCode.END_TRANSACTION)!;
    assert.equal(end.ext.get('commitLogOffset'), '4096');
    assert.equal(end.ext.get('tranStateTableOffset'), '3');
    assert.equal(end.ext.get('commitOrRollback'), '8');
    assert.equal(end.ext.get('producerGroup'), 'T', 'the topic is the producer group (Java SendMessageActivity)');
    assert.equal(sent[0]!.ext.get('a'), 'T', 'SEND_MESSAGE_V2 names the topic as producer group');
    const again = await svc.endTransaction({ topic: { name: 'T' }, messageId: 'M1', transactionId: 'M1', resolution: 'ROLLBACK', source: 'SOURCE_CLIENT' });
    assert.equal(again.status.code, Code.INVALID_TRANSACTION_ID);
  });

  const receiveReq = (o: Record<string, unknown> = {}) => ({
    group: { name: 'G' }, messageQueue: { topic: { name: 'T' }, id: -1, broker: { name: 'b' } }, batchSize: 8, invisibleDuration: { seconds: 5, nanos: 0 }, longPollingTimeout: { seconds: 20, nanos: 0 }, ...o,
  });

  it('ReceiveMessage: POP holds at most until the client deadline minus the reserve; POLLING_TIMEOUT is MESSAGE_NOT_FOUND, POLLING_FULL TOO_MANY_REQUESTS', async () => {
    let popCode: number = ResponseCode.POLLING_TIMEOUT;
    const { svc, sent } = harness((code) => (code === RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG ? resp(0, {}, Buffer.from('{"consumeMessageOrderly":true}')) : resp(popCode)));
    const deadline = Date.now() + 2_000;
    const r = await svc.receiveMessage(receiveReq(), deadline);
    assert.equal(r.status.code, Code.MESSAGE_NOT_FOUND);
    const pop = sent.find((x) => x.code === RequestCode.POP_MESSAGE)!;
    assert.ok(Number(pop.ext.get('pollTime')) <= 1_900, pop.ext.get('pollTime'));
    assert.equal(pop.ext.get('order'), 'true', 'an orderly group pops orderly');
    assert.equal(pop.ext.get('invisibleTime'), '5000');
    assert.deepEqual(await svc.groupPolicy('G2', '127.0.0.1:10911'), { fifo: true, retryMaxTimes: DEFAULT_RETRY_MAX_TIMES }, 'no retryMaxTimes in the config: the default');
    popCode = ResponseCode.POLLING_FULL;
    assert.equal((await svc.receiveMessage(receiveReq(), deadline)).status.code, Code.TOO_MANY_REQUESTS);
  });

  it('ReceiveMessage: POPs the broker-acting queue (-1) whatever queue the client names; without long_polling_timeout it polls the time left minus half the client request timeout (Java ReceiveMessageActivity, MessageQueueSelector)', async () => {
    const { svc, sent } = harness((code) => (code === RequestCode.POP_MESSAGE ? resp(ResponseCode.POLLING_TIMEOUT) : resp(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST)));
    const q = { topic: { name: 'T' }, id: 2, broker: { name: 'b' } };
    await svc.receiveMessage(receiveReq({ messageQueue: q, longPollingTimeout: undefined }), Date.now() + 20_000, 10_000);
    const pop = sent.find((x) => x.code === RequestCode.POP_MESSAGE)!;
    assert.equal(pop.ext.get('queueId'), '-1');
    const poll = Number(pop.ext.get('pollTime'));
    assert.ok(poll > 13_900 && poll <= 20_000 - 100 - 5_000, `pollTime ${poll}: 20 s left - 0.1 s reserve - 10 s / 2`);
  });

  it('ReceiveMessage: auto_renew (push consumer) uses the default invisible time; otherwise a missing one is ILLEGAL_INVISIBLE_TIME; batch over 32 is BAD_REQUEST', async () => {
    const { svc, sent } = harness((code) => (code === RequestCode.POP_MESSAGE ? resp(ResponseCode.POLLING_TIMEOUT) : resp(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST)));
    await svc.receiveMessage(receiveReq({ autoRenew: true, invisibleDuration: null }), Date.now() + 1_000);
    assert.equal(sent.find((x) => x.code === RequestCode.POP_MESSAGE)!.ext.get('invisibleTime'), String(DEFAULT_INVISIBLE_MS));
    assert.equal((await svc.receiveMessage(receiveReq({ invisibleDuration: null }), Date.now() + 1_000)).status.code, Code.ILLEGAL_INVISIBLE_TIME);
    assert.equal((await svc.receiveMessage(receiveReq({ batchSize: 33 }), Date.now() + 1_000)).status.code, Code.BAD_REQUEST);
  });

  it("groupPolicy: the group's consumeMessageOrderly and retryMaxTimes; an unknown group is not orderly with the default retries", async () => {
    const { svc } = harness((_code, ext) => (ext.get('group') === 'R' ? resp(0, {}, Buffer.from('{"consumeMessageOrderly":false,"retryMaxTimes":1}')) : resp(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST)));
    assert.deepEqual(await svc.groupPolicy('R', '127.0.0.1:10911'), { fifo: false, retryMaxTimes: 1 });
    assert.deepEqual(await svc.groupPolicy('NOPE', '127.0.0.1:10911'), { fifo: false, retryMaxTimes: DEFAULT_RETRY_MAX_TIMES });
  });

  it('AckMessage / ChangeInvisibleDuration: the handle names the retry topic, queue, offset and extraInfo; the new handle restarts at the message offset', async () => {
    const { svc, sent } = harness((code) => (code === RequestCode.CHANGE_MESSAGE_INVISIBLETIME ? resp(0, { popTime: '999', invisibleTime: '3000', reviveQid: '1' }) : resp(0)));
    const handle = '5 100 5000 2 1 b 0 7 4242';
    const a = await svc.ackMessage({ group: { name: 'G' }, topic: { name: 'T' }, entries: [{ messageId: 'M', receiptHandle: handle }, { messageId: 'X', receiptHandle: 'junk' }] });
    const ack = sent.find((x) => x.code === RequestCode.ACK_MESSAGE)!;
    assert.deepEqual([ack.ext.get('topic'), ack.ext.get('queueId'), ack.ext.get('offset'), ack.ext.get('extraInfo')], ['%RETRY%G_T', '0', '7', '5 100 5000 2 1 b 0 7']);
    assert.deepEqual((a.entries as { status: { code: number } }[]).map((e) => e.status.code), [Code.OK, Code.INVALID_RECEIPT_HANDLE]);
    const c = await svc.changeInvisibleDuration({ group: { name: 'G' }, topic: { name: 'T' }, receiptHandle: handle, invisibleDuration: { seconds: 3, nanos: 0 }, messageId: 'M' });
    assert.equal(c.status.code, Code.OK);
    assert.equal(c.receiptHandle, '7 999 3000 1 1 b 0 7 4242');
  });

  it('ForwardMessageToDeadLetterQueue: CONSUMER_SEND_MSG_BACK at the commit log offset with delay level -1, then the POP ack; a refused send-back acks nothing', async () => {
    let backCode: number = ResponseCode.SUCCESS;
    const { svc, sent } = harness((code) => (code === RequestCode.CONSUMER_SEND_MSG_BACK ? resp(backCode) : resp(0)));
    const req = { group: { name: 'G' }, topic: { name: 'T' }, receiptHandle: '5 100 5000 2 1 b 0 7 4242', messageId: 'M' };
    const r = await svc.forwardMessageToDeadLetterQueue(req);
    assert.equal(r.status.code, Code.OK);
    const back = sent.find((x) => x.code === RequestCode.CONSUMER_SEND_MSG_BACK)!;
    assert.deepEqual(
      ['offset', 'group', 'delayLevel', 'originMsgId', 'originTopic', 'maxReconsumeTimes'].map((k) => back.ext.get(k)),
      ['4242', 'G', '-1', 'M', '%RETRY%G_T', '0'],
    );
    assert.deepEqual(sent.map((x) => x.code), [RequestCode.CONSUMER_SEND_MSG_BACK, RequestCode.ACK_MESSAGE]);
    sent.length = 0;
    backCode = ResponseCode.SYSTEM_BUSY;
    assert.equal((await svc.forwardMessageToDeadLetterQueue(req)).status.code, Code.TOO_MANY_REQUESTS);
    assert.deepEqual(sent.map((x) => x.code), [RequestCode.CONSUMER_SEND_MSG_BACK], 'no ack when the DLQ did not take the message');
    sent.length = 0;
    assert.equal((await svc.forwardMessageToDeadLetterQueue({ ...req, receiptHandle: 'junk' })).status.code, Code.INVALID_RECEIPT_HANDLE);
    assert.equal(sent.length, 0);
  });

  it('ReceiveMessage: a message whose reconsume times reached the group retryMaxTimes + 1 goes to the DLQ, not to the client (Java PopMessageResultFilterImpl)', async () => {
    const host = { ip: new Uint8Array([127, 0, 0, 1]), port: 10911 };
    const popped = (reconsumeTimes: number, offset: number) =>
      encodeStoredMessage({
        queueId: 0, queueOffset: offset, physicalOffset: 1000 + offset, bornTimestamp: 1, bornHost: host, storeHost: host, reconsumeTimes, body: Buffer.from('x'),
        topic: '%RETRY%G_T', properties: `UNIQ_KEY\u0001U${offset}\u0002POP_CK\u00015 100 5000 2 1 b 0 ${offset}\u0002`,
      });
    const body = Buffer.concat([popped(0, 7), popped(2, 8)]);
    const { svc, sent } = harness((code) => {
      if (code === RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG) return resp(0, {}, Buffer.from('{"retryMaxTimes":1}'));
      if (code === RequestCode.POP_MESSAGE) return resp(0, { popTime: '100', invisibleTime: '5000', reviveQid: '2', restNum: '0' }, body);
      return resp(0);
    });
    const r = await svc.receiveMessage(receiveReq(), Date.now() + 2_000);
    assert.equal(r.status.code, Code.OK);
    assert.deepEqual((r.messages as { systemProperties: { messageId: string; deliveryAttempt: number } }[]).map((m) => [m.systemProperties.messageId, m.systemProperties.deliveryAttempt]), [['U7', 1]]);
    const back = sent.find((x) => x.code === RequestCode.CONSUMER_SEND_MSG_BACK)!;
    assert.deepEqual([back.ext.get('offset'), back.ext.get('originMsgId'), back.ext.get('delayLevel')], ['1008', 'U8', '-1']);
    assert.equal(sent.filter((x) => x.code === RequestCode.ACK_MESSAGE).length, 1, 'the DLQ one is acked');
  });

  it('AckMessage of several entries: one BATCH_ACK_MESSAGE per broker; a refused batch falls back to each entry\'s ACK_MESSAGE and its own answer', async () => {
    let batchCode: number = ResponseCode.SUCCESS;
    const { svc, sent } = harness((code, ext) => (code === RequestCode.BATCH_ACK_MESSAGE ? resp(batchCode) : resp(ext.get('offset') === '11' ? ResponseCode.SYSTEM_ERROR : 0)));
    const entries = [10, 11, 12].map((offset) => ({ messageId: `M${offset}`, receiptHandle: `10 1 5000 2 0 b 1 ${offset} 100` }));
    const a = await svc.ackMessage({ group: { name: 'G' }, topic: { name: 'T' }, entries });
    assert.deepEqual(sent.map((x) => x.code), [RequestCode.BATCH_ACK_MESSAGE]);
    assert.deepEqual((a.entries as { messageId: string; status: { code: number } }[]).map((e) => [e.messageId, e.status.code]), [['M10', Code.OK], ['M11', Code.OK], ['M12', Code.OK]]);
    assert.equal(a.status.code, Code.OK);
    sent.length = 0;
    batchCode = ResponseCode.SYSTEM_ERROR;
    const b = await svc.ackMessage({ group: { name: 'G' }, topic: { name: 'T' }, entries });
    assert.deepEqual(sent.map((x) => x.code), [RequestCode.BATCH_ACK_MESSAGE, RequestCode.ACK_MESSAGE, RequestCode.ACK_MESSAGE, RequestCode.ACK_MESSAGE]);
    assert.deepEqual((b.entries as { messageId: string; status: { code: number } }[]).map((e) => [e.messageId, e.status.code === Code.OK]), [['M10', true], ['M11', false], ['M12', true]]);
  });

  it('AckMessage: every entry\'s ACK_MESSAGE is in flight at once (Java AckMessageActivity: CompletableFuture.allOf), answers in the entries\' order', async () => {
    const pending: { ext: Map<string, string>; answer: (r: RemotingCommand) => void }[] = [];
    const client = {
      routeOf: async (topic: string) => (topic === 'T' ? route : undefined),
      call: (_addr: string, _code: number, header: { value: Record<string, unknown> }) =>
        new Promise<RemotingCommand>((answer) => pending.push({ ext: new Map(Object.entries(header.value).map(([k, v]) => [k, String(v)])), answer })),
    } as unknown as RocketClient;
    const svc = new GrpcService({ client, logger: silentLogger(), longPollingReserveMs: 100, requestTimeoutMs: 3000 });
    // orderly handles (revive queue 999) are acked one by one (the broker's ackOrderly answers each offset)
    const entries = [10, 11, 12].map((offset) => ({ messageId: `M${offset}`, receiptHandle: `0 1 5000 999 0 b 1 ${offset} 100` }));
    const acked = svc.ackMessage({ group: { name: 'G' }, topic: { name: 'T' }, entries });
    for (let i = 0; i < 10 && pending.length < 3; i++) await new Promise((r) => setImmediate(r));
    assert.equal(pending.length, 3, 'all three ACK_MESSAGE requests sent before any answer');
    assert.deepEqual(pending.map((p) => p.ext.get('offset')), ['10', '11', '12']);
    pending[2]!.answer(resp(0));
    pending[1]!.answer(resp(ResponseCode.SYSTEM_ERROR));
    pending[0]!.answer(resp(0));
    const r = await acked;
    assert.deepEqual((r.entries as { messageId: string; status: { code: number } }[]).map((e) => [e.messageId, e.status.code === Code.OK]), [['M10', true], ['M11', false], ['M12', true]]);
    assert.notEqual(r.status.code, Code.OK);
  });
});
