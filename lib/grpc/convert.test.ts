import { strict as assert } from 'node:assert';
import type { TopicRouteData } from '../../protocol/bodies';
import type { MessageView } from '../../protocol/message';
import {
  Code, decodeReceiptHandle, durationMs, encodeReceiptHandle, extraInfoOf, popReceipts, routeToAssignments, routeToQueues, storedTopic, toDuration, toPbMessage, toRemotingSend, type PbMessage,
} from './convert';

/** The gRPC <-> remoting mapping (Java: RouteActivity, SendMessageActivity#buildMessage, ReceiptHandle, GrpcConverter). */
describe('lib/grpc/convert', () => {
  const ep = { scheme: 'IPv4', addresses: [{ host: '127.0.0.1', port: 8081 }] };
  const route = (perm: number, r: number, w: number, master = true): TopicRouteData => ({
    brokerDatas: [{ brokerName: 'b', cluster: 'c', brokerAddrs: new Map(master ? [[0, '127.0.0.1:10911']] : [[1, '127.0.0.1:10921']]) }],
    filterServerTable: new Map(),
    queueDatas: [{ brokerName: 'b', perm, readQueueNums: r, writeQueueNums: w, topicSysFlag: 0 }],
  });

  it('QueryRoute: min(read, write) READ_WRITE queues, the surplus READ or WRITE only (RouteActivity#genMessageQueueFromQueueData)', () => {
    const qs = routeToQueues({ name: 'T' }, route(6, 4, 2), ep) as { id: number; permission: string; broker: { endpoints: unknown } }[];
    assert.deepEqual(qs.map((q) => `${q.id}:${q.permission}`), ['0:READ_WRITE', '1:READ_WRITE', '2:READ', '3:READ']);
    assert.deepEqual(qs[0]!.broker.endpoints, ep);
    const w = routeToQueues({ name: 'T' }, route(2, 0, 3), ep) as { permission: string }[];
    assert.deepEqual(w.map((q) => q.permission), ['WRITE', 'WRITE', 'WRITE']);
  });

  it('QueryRoute / QueryAssignment skip brokers without a master; assignment is one queue -1 per readable broker', () => {
    assert.equal(routeToQueues({ name: 'T' }, route(6, 4, 4, false), ep).length, 0);
    const a = routeToAssignments({ name: 'T' }, route(6, 4, 4), ep) as { messageQueue: { id: number; permission: string } }[];
    assert.deepEqual(a.map((x) => [x.messageQueue.id, x.messageQueue.permission]), [[-1, 'READ_WRITE']]);
    assert.equal(routeToAssignments({ name: 'T' }, route(2, 4, 4), ep).length, 0, 'write-only: nothing to receive');
  });

  const msg = (sp: Partial<PbMessage['systemProperties']>): PbMessage => ({
    topic: { name: 'T' },
    userProperties: { u: 'v' },
    systemProperties: { keys: [], messageId: 'ID1', ...sp },
    body: Buffer.from('x'),
  });

  it('SendMessage: tag, keys, message id, message group, delivery time, user properties become remoting properties', () => {
    const r = toRemotingSend(msg({ tag: 'TA', keys: ['k1', 'k2'], messageGroup: 'g', deliveryTimestamp: { seconds: 100, nanos: 5e6 }, queueId: 3 }));
    assert.ok(r.ok);
    assert.deepEqual([...r.value.properties], [['u', 'v'], ['TAGS', 'TA'], ['KEYS', 'k1 k2'], ['UNIQ_KEY', 'ID1'], ['__SHARDINGKEY', 'g'], ['TIMER_DELIVER_MS', '100005']]);
    assert.equal(r.value.queueId, 3);
  });

  it('SendMessage: a transactional message is a half message (TRAN_MSG, transactional)', () => {
    const t = toRemotingSend(msg({ messageType: 'TRANSACTION' }));
    assert.ok(t.ok && t.value.transactional && t.value.properties.get('TRAN_MSG') === 'true');
    const n = toRemotingSend(msg({ messageType: 'NORMAL' }));
    assert.ok(n.ok && !n.value.transactional && !n.value.properties.has('TRAN_MSG'));
  });

  it('SendMessage refuses empty message ids (BAD_REQUEST) and empty topics (ILLEGAL_TOPIC)', () => {
    const e = toRemotingSend(msg({ messageId: '' }));
    assert.ok(!e.ok && e.status.code === Code.BAD_REQUEST);
    const n = toRemotingSend({ ...msg({}), topic: { name: '' } });
    assert.ok(!n.ok && n.status.code === Code.ILLEGAL_TOPIC);
  });

  it('receipt handles round-trip (nine fields as Java ReceiptHandle#encode) and reject foreign text', () => {
    const h = { ckQueueOffset: 5, popTime: 1700000000000, invisibleTime: 30000, reviveQid: 2, retry: '1', brokerName: 'broker-a', queueId: 3, offset: 7, commitLogOffset: 12345 };
    const s = encodeReceiptHandle(h);
    assert.equal(s, '5 1700000000000 30000 2 1 broker-a 3 7 12345');
    assert.deepEqual(decodeReceiptHandle(s), h);
    assert.equal(extraInfoOf(h), '5 1700000000000 30000 2 1 broker-a 3 7');
    for (const bad of ['', 'a b c', '5 1 2 3 9 b 3 7 1', '5 x 2 3 0 b 3 7 1', '5 1 2 3 0  3 7 1']) assert.equal(decodeReceiptHandle(bad), undefined, bad);
  });

  it('retry marks: the POP retry topic a handle points at (marks and the way back: protocol/message/pop-extra-info.test)', () => {
    assert.equal(storedTopic('T', 'G', '0'), 'T');
    assert.equal(storedTopic('T', 'G', '1'), '%RETRY%G_T');
    assert.equal(storedTopic('T', 'G', '2'), '%RETRY%G+T');
  });

  const view = (o: Partial<MessageView>): MessageView =>
    ({ topic: 'T', queueId: 1, queueOffset: 9, commitLogOffset: 900, reconsumeTimes: 0, properties: new Map(), body: Buffer.from('hello'), msgId: 'ID', bornTimestamp: 1000, storeTimestamp: 2000, bornHost: '127.0.0.1:5555', storeHost: '127.0.0.1:10911', ...o }) as MessageView;

  it('POP receipts: start offset from startOffsetInfo, orderly delivery counts from orderCountInfo, a broker POP_CK wins', () => {
    const h = { popTime: 111, invisibleTime: 5000, reviveQid: 3, startOffsetInfo: '0 1 8;1 0 2', orderCountInfo: '0 qo1%9 2;0 1 0' };
    const [a, b, c, d] = popReceipts(h, 'bk', [view({}), view({ queueOffset: 10, commitLogOffset: 901 }), view({ properties: new Map([['POP_CK', '2 50 5000 3 1 bk 0 4']]), commitLogOffset: 5 }), view({ queueId: 7 })]);
    assert.deepEqual(a, { handle: '8 111 5000 3 0 bk 1 9 900', reconsumeTimes: 2 });
    assert.deepEqual(b, { handle: '8 111 5000 3 0 bk 1 10 901', reconsumeTimes: 0 });
    assert.equal(c!.handle, '2 50 5000 3 1 bk 0 4 5');
    assert.equal(d, undefined, 'a queue the header does not name has no handle');
  });

  it('a popped message: business topic, CRC32 digest in upper-case hex, delivery attempt = reconsume + 1', () => {
    const m = toPbMessage(view({ topic: '%RETRY%G_T', properties: new Map([['TAGS', 't'], ['KEYS', 'a b'], ['u', 'v'], ['__SHARDINGKEY', 'grp']]) }), 'G', '', 3000, { handle: 'H', reconsumeTimes: 4 }) as {
      topic: { name: string }; userProperties: Record<string, string>; systemProperties: Record<string, unknown>;
    };
    assert.equal(m.topic.name, 'T');
    assert.deepEqual(m.userProperties, { u: 'v' });
    assert.deepEqual(m.systemProperties['bodyDigest'], { type: 'CRC32', checksum: '3610A686' }); // crc32("hello")
    assert.equal(m.systemProperties['deliveryAttempt'], 5);
    assert.equal(m.systemProperties['receiptHandle'], 'H');
    assert.equal(m.systemProperties['messageType'], 'FIFO');
    assert.deepEqual(m.systemProperties['keys'], ['a', 'b']);
  });

  it('durations: ms <-> {seconds, nanos}', () => {
    assert.deepEqual(toDuration(1500), { seconds: 1, nanos: 500_000_000 });
    assert.equal(durationMs({ seconds: '2', nanos: 3_000_000 }), 2003);
    assert.equal(durationMs(null), undefined);
  });
});
