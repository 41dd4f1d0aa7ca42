import { strict as assert } from 'node:assert';
import { createRequest, SerializeType } from '../../../protocol/command';
import { RequestCode } from '../../../protocol/codes';
import { resourceKey } from './acl-model';
import { authzContexts, REMARK_PARSE_ERROR } from './authorization-context';

/** Which resources and actions each request code names (Java DefaultAuthorizationContextBuilder#build). */
describe('lib/broker/acl/authorization-context: request code -> resources and actions (Java AuthorizationContextBuilder)', () => {
  const ctx = (code: number, fields: Record<string, string>, body: object | null = null) => {
    const req = createRequest({ code, opaque: 0, version: 479, extFields: new Map(Object.entries({ AccessKey: 'u', ...fields })), body: body === null ? null : Buffer.from(JSON.stringify(body)), serializeType: SerializeType.JSON });
    const r = authzContexts(req, '10.0.0.1', 'C1');
    return typeof r === 'string' ? r : r.map((c) => `${resourceKey(c.resource)} ${c.actions.join(',')}`);
  };

  it('sends: Pub on the topic; a retry topic is Sub on the producer group (else the topic\'s group)', () => {
    assert.deepEqual(ctx(RequestCode.SEND_MESSAGE_V2, { a: 'PG', b: 'T' }), ['Topic:T Pub']);
    assert.deepEqual(ctx(RequestCode.SEND_MESSAGE_V2, { a: 'PG', b: '%RETRY%CG' }), ['Group:PG Sub']);
    assert.deepEqual(ctx(RequestCode.SEND_MESSAGE, { topic: '%RETRY%CG' }), ['Group:CG Sub']);
  });

  it('pull and offsets: topic then group; a retry topic names only the group', () => {
    assert.deepEqual(ctx(RequestCode.PULL_MESSAGE, { topic: 'T', consumerGroup: 'G' }), ['Topic:T Sub', 'Group:G Sub']);
    assert.deepEqual(ctx(RequestCode.PULL_MESSAGE, { topic: '%RETRY%G', consumerGroup: 'G' }), ['Group:G Sub']);
    assert.deepEqual(ctx(RequestCode.QUERY_CONSUMER_OFFSET, { topic: 'T', consumerGroup: 'G', queueId: '0' }), ['Topic:T Sub,Get', 'Group:G Sub,Get']);
    assert.deepEqual(ctx(RequestCode.UPDATE_CONSUMER_OFFSET, { topic: 'T', consumerGroup: 'G' }), ['Topic:T Sub,Update', 'Group:G Sub,Update']);
  });

  it('heartbeat: each consumer group and its non-retry topics; a producer-only heartbeat names nothing; a bad body is Java\'s parse error', () => {
    const sub = (topic: string) => ({ topic, subString: '*', classFilterMode: false, tagsSet: [], codeSet: [], subVersion: 0, expressionType: 'TAG' });
    const hb = { clientID: 'c', consumerDataSet: [{ groupName: 'G', consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', subscriptionDataSet: [sub('T'), sub('%RETRY%G')], unitMode: false }], producerDataSet: [] };
    assert.deepEqual(ctx(RequestCode.HEART_BEAT, {}, hb), ['Group:G Sub', 'Topic:T Sub']);
    assert.deepEqual(ctx(RequestCode.HEART_BEAT, {}, { clientID: 'c', consumerDataSet: [], producerDataSet: [{ groupName: 'P' }] }), []);
    assert.equal(ctx(RequestCode.HEART_BEAT, {}), REMARK_PARSE_ERROR);
  });

  it('annotated headers: named fields (split lists, retry topics as groups); cluster codes without fields name the cluster; unmapped codes name nothing', () => {
    assert.deepEqual(ctx(RequestCode.GET_MAX_OFFSET, { topic: 'T', queueId: '0' }), ['Topic:T Get']);
    assert.deepEqual(ctx(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'G', topicList: 'A;B' }), ['Group:G Get', 'Topic:A Get', 'Topic:B Get']);
    assert.deepEqual(ctx(RequestCode.ACK_MESSAGE, { consumerGroup: 'G', topic: '%RETRY%G' }), ['Group:G Sub', 'Group:G Sub']);
    assert.deepEqual(ctx(RequestCode.AUTH_CREATE_USER, { username: 'x' }), ['Cluster:C1 Update']);
    assert.deepEqual(ctx(RequestCode.GET_BROKER_RUNTIME_INFO, {}), []);
  });
});
