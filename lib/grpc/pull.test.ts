import { strict as assert } from 'node:assert';
import type { TopicRouteData } from '../../protocol/bodies';
import type { RemotingCommand } from '../../protocol/command';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { encodeStoredMessage } from '../../protocol/message';
import type { RocketClient } from '../client';
import { Code } from './convert';
import { PULL_BATCH_MAX, pullMessage, type PullAnswer } from './pull';

/** PullMessage over PULL_MESSAGE (Java PullMessageActivity / PullMessageResponseStreamWriter), with a scripted broker. */
describe('lib/grpc/pull', () => {
  const route: TopicRouteData = {
    brokerDatas: [{ brokerName: 'b', cluster: 'c', brokerAddrs: new Map([[0, '127.0.0.1:10911']]) }],
    filterServerTable: new Map(),
    queueDatas: [{ brokerName: 'b', perm: 6, readQueueNums: 4, writeQueueNums: 4, topicSysFlag: 0 }],
  };
  const host = { ip: new Uint8Array([127, 0, 0, 1]), port: 10911 };
  const stored = (offset: number, tag: string) =>
    encodeStoredMessage({ queueId: 1, queueOffset: offset, bornTimestamp: 1, bornHost: host, storeHost: host, body: Buffer.from(`m${offset}`), topic: 'T', properties: `TAGS\u0001${tag}\u0002UNIQ_KEY\u0001U${offset}\u0002` });

  function harness(code: number, body: Buffer | null = null) {
    const sent: { code: number; value: Record<string, unknown>; timeoutMs: number }[] = [];
    const client = {
      routeOf: async (topic: string) => (topic === 'T' ? route : undefined),
      call: async (_a: string, c: number, header: { value: Record<string, unknown> }, _b: unknown, timeoutMs: number) => {
        sent.push({ code: c, value: header.value, timeoutMs });
        return { code, remark: 'why', extFields: new Map([['nextBeginOffset', '12']]), body } as unknown as RemotingCommand;
      },
    } as unknown as RocketClient;
    return { opts: { client, requestTimeoutMs: 3000, longPollingReserveMs: 100 }, sent };
  }
  const req = (o: Record<string, unknown> = {}) => ({ group: { name: 'G' }, messageQueue: { topic: { name: 'T' }, id: 1, broker: { name: 'b' } }, offset: 10, batchSize: 8, filterExpression: { type: 'TAG', expression: 'A' }, longPollingTimeout: { seconds: 20, nanos: 0 }, ...o });
  const codes = (a: PullAnswer) => a.map((r) => ('status' in r ? r.status.code : 'message' in r ? 'msg' : `next ${r.nextOffset}`));

  it('FOUND: status OK, the messages whose tag matches exactly, then next_offset; PULL_MESSAGE without offset commit, held within the deadline', async () => {
    const { opts, sent } = harness(ResponseCode.SUCCESS, Buffer.concat([stored(10, 'A'), stored(11, 'B')]));
    const a = await pullMessage(opts, req(), Date.now() + 2_000);
    assert.deepEqual(codes(a), [Code.OK, 'msg', 'next 12']);
    const m = (a[1] as { message: { systemProperties: { messageId: string; queueOffset: number } } }).message;
    assert.deepEqual([m.systemProperties.messageId, m.systemProperties.queueOffset], ['U10', 10]);
    const p = sent[0]!;
    assert.equal(p.code, RequestCode.PULL_MESSAGE);
    assert.deepEqual([p.value['queueOffset'], p.value['maxMsgNums'], p.value['sysFlag'], p.value['subscription'], p.value['expressionType']], [10, 8, 6, 'A', 'TAG']);
    assert.ok(Number(p.value['suspendTimeoutMillis']) <= 1_900, String(p.value['suspendTimeoutMillis']));
  });

  it('no new message / no match / offset moved: MESSAGE_NOT_FOUND or ILLEGAL_OFFSET, then next_offset; other codes their Status only', async () => {
    assert.deepEqual(codes(await pullMessage(harness(ResponseCode.PULL_NOT_FOUND).opts, req(), Date.now() + 1_000)), [Code.MESSAGE_NOT_FOUND, 'next 12']);
    assert.deepEqual(codes(await pullMessage(harness(ResponseCode.PULL_RETRY_IMMEDIATELY).opts, req(), Date.now() + 1_000)), [Code.MESSAGE_NOT_FOUND, 'next 12']);
    assert.deepEqual(codes(await pullMessage(harness(ResponseCode.PULL_OFFSET_MOVED).opts, req(), Date.now() + 1_000)), [Code.ILLEGAL_OFFSET, 'next 12']);
    assert.deepEqual(codes(await pullMessage(harness(ResponseCode.SUCCESS, stored(10, 'B')).opts, req(), Date.now() + 1_000)), [Code.MESSAGE_NOT_FOUND, 'next 12']);
    assert.deepEqual(codes(await pullMessage(harness(ResponseCode.SYSTEM_BUSY).opts, req(), Date.now() + 1_000)), [Code.TOO_MANY_REQUESTS]);
  });

  it(`bad requests send nothing: batch over PULL_BATCH_MAX (${PULL_BATCH_MAX}), a negative offset, no group`, async () => {
    const { opts, sent } = harness(ResponseCode.SUCCESS);
    assert.deepEqual(codes(await pullMessage(opts, req({ batchSize: PULL_BATCH_MAX + 1 }), Date.now() + 1_000)), [Code.BAD_REQUEST]);
    assert.deepEqual(codes(await pullMessage(opts, req({ offset: -1 }), Date.now() + 1_000)), [Code.ILLEGAL_OFFSET]);
    assert.deepEqual(codes(await pullMessage(opts, req({ group: { name: '' } }), Date.now() + 1_000)), [Code.ILLEGAL_CONSUMER_GROUP]);
    assert.equal(sent.length, 0);
  });
});
