import { strict as assert } from 'node:assert';
import type { TopicRouteData } from '../../protocol/bodies';
import type { RemotingCommand } from '../../protocol/command';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import type { RocketClient } from '../client';
import { Code } from './convert';
import { GrpcOffsets } from './offsets';

/** UpdateOffset / GetOffset / QueryOffset over the queue's broker (Java OffsetActivity), with a scripted broker. */
describe('lib/grpc/offsets', () => {
  const route: TopicRouteData = {
    brokerDatas: [{ brokerName: 'b', cluster: 'c', brokerAddrs: new Map([[0, '127.0.0.1:10911']]) }],
    filterServerTable: new Map(),
    queueDatas: [{ brokerName: 'b', perm: 6, readQueueNums: 4, writeQueueNums: 4, topicSysFlag: 0 }],
  };
  function harness(code: number = ResponseCode.SUCCESS) {
    const sent: { addr: string; code: number; value: Record<string, unknown> }[] = [];
    const client = {
      routeOf: async (topic: string) => (topic === 'T' ? route : undefined),
      call: async (addr: string, c: number, header: { value: Record<string, unknown> }) => {
        sent.push({ addr, code: c, value: header.value });
        return { code, remark: 'why', extFields: new Map([['offset', '42']]), body: null } as unknown as RemotingCommand;
      },
    } as unknown as RocketClient;
    return { offsets: new GrpcOffsets({ client, requestTimeoutMs: 3000 }), sent };
  }
  const mq = { topic: { name: 'T' }, id: 2, broker: { name: 'b' } };

  it('GetOffset: QUERY_CONSUMER_OFFSET for the group at the named broker; a refusal maps to a Status', async () => {
    const { offsets, sent } = harness();
    assert.deepEqual(await offsets.getOffset({ group: { name: 'G' }, messageQueue: mq }), { status: { code: Code.OK, message: 'OK' }, offset: 42 });
    assert.deepEqual([sent[0]!.addr, sent[0]!.code, sent[0]!.value['consumerGroup'], sent[0]!.value['queueId']], ['127.0.0.1:10911', RequestCode.QUERY_CONSUMER_OFFSET, 'G', 2]);
    assert.equal((await harness(ResponseCode.QUERY_NOT_FOUND).offsets.getOffset({ group: { name: 'G' }, messageQueue: mq })).status.code, Code.INTERNAL_SERVER_ERROR);
    assert.equal((await offsets.getOffset({ group: { name: '' }, messageQueue: mq })).status.code, Code.ILLEGAL_CONSUMER_GROUP);
  });

  it('UpdateOffset: UPDATE_CONSUMER_OFFSET with the commit offset; a negative offset is BAD_REQUEST and sends nothing', async () => {
    const { offsets, sent } = harness();
    assert.equal((await offsets.updateOffset({ group: { name: 'G' }, messageQueue: mq, offset: 9 })).status.code, Code.OK);
    assert.deepEqual([sent[0]!.code, sent[0]!.value['consumerGroup'], sent[0]!.value['queueId'], sent[0]!.value['commitOffset']], [RequestCode.UPDATE_CONSUMER_OFFSET, 'G', 2, 9]);
    assert.equal((await offsets.updateOffset({ group: { name: 'G' }, messageQueue: mq, offset: -1 })).status.code, Code.BAD_REQUEST);
    assert.equal(sent.length, 1);
    assert.equal((await harness(ResponseCode.SYSTEM_ERROR).offsets.updateOffset({ group: { name: 'G' }, messageQueue: mq, offset: 9 })).status.code, Code.INTERNAL_SERVER_ERROR);
  });

  it('QueryOffset: BEGINNING/END/TIMESTAMP as GET_MIN_OFFSET/GET_MAX_OFFSET/SEARCH_OFFSET_BY_TIMESTAMP; TIMESTAMP without one is BAD_REQUEST', async () => {
    const { offsets, sent } = harness();
    await offsets.queryOffset({ messageQueue: mq, queryOffsetPolicy: 'BEGINNING' });
    await offsets.queryOffset({ messageQueue: mq, queryOffsetPolicy: 'END' });
    const t = await offsets.queryOffset({ messageQueue: mq, queryOffsetPolicy: 'TIMESTAMP', timestamp: { seconds: 5, nanos: 1_000_000 } });
    assert.equal(t.offset, 42);
    assert.deepEqual(sent.map((s) => s.code), [RequestCode.GET_MIN_OFFSET, RequestCode.GET_MAX_OFFSET, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP]);
    assert.equal(sent[2]!.value['timestamp'], 5001);
    assert.equal((await offsets.queryOffset({ messageQueue: mq, queryOffsetPolicy: 'TIMESTAMP', timestamp: null })).status.code, Code.BAD_REQUEST);
  });

  it('an unknown topic is TOPIC_NOT_FOUND, a broker not in its route too; a queue without id or broker BAD_REQUEST', async () => {
    const { offsets, sent } = harness();
    assert.equal((await offsets.queryOffset({ messageQueue: { ...mq, topic: { name: 'NOPE' } }, queryOffsetPolicy: 'END' })).status.code, Code.TOPIC_NOT_FOUND);
    assert.equal((await offsets.queryOffset({ messageQueue: { ...mq, broker: { name: 'x' } }, queryOffsetPolicy: 'END' })).status.code, Code.TOPIC_NOT_FOUND);
    assert.equal((await offsets.queryOffset({ messageQueue: { ...mq, broker: null }, queryOffsetPolicy: 'END' })).status.code, Code.BAD_REQUEST);
    assert.equal(sent.length, 0);
  });
});
