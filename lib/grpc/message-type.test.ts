import { strict as assert } from 'node:assert';
import { Code } from './convert';
import { acceptedTypes, checkedTopic, messageTypeConflict, messageTypeOf, type TopicMessageType } from './message-type';

/** The proxy's topic message-type rules (Java TopicMessageType, DefaultTopicMessageTypeValidator, RouteActivity). */
describe('lib/grpc/message-type: the proxy\'s topic message-type check', () => {
  it('rule: a message\'s type from its properties — TRAN_MSG=true, then a delay/timer property, then a message group, else NORMAL', () => {
    const t = (p: Record<string, string>): TopicMessageType => messageTypeOf(new Map(Object.entries(p)));
    assert.equal(t({ TRAN_MSG: 'true', DELAY: '3', __SHARDINGKEY: 'g' }), 'TRANSACTION');
    assert.equal(t({ TRAN_MSG: 'false', TIMER_DELIVER_MS: '1' }), 'DELAY');
    for (const k of ['DELAY', 'TIMER_DELIVER_MS', 'TIMER_DELAY_SEC', 'TIMER_DELAY_MS']) assert.equal(t({ [k]: '1', __SHARDINGKEY: 'g' }), 'DELAY', k);
    assert.equal(t({ __SHARDINGKEY: 'g' }), 'FIFO');
    assert.equal(t({ KEYS: 'k' }), 'NORMAL');
  });

  it('rule: a message may go only to a topic of its own type or a MIXED one; an UNSPECIFIED topic (missing) takes none', () => {
    const types: TopicMessageType[] = ['NORMAL', 'FIFO', 'DELAY', 'TRANSACTION'];
    for (const topic of [...types, 'MIXED', 'UNSPECIFIED'] as TopicMessageType[]) {
      for (const msg of types) {
        const c = messageTypeConflict(topic, msg);
        assert.equal(c === undefined, topic === msg || topic === 'MIXED', `${msg} to ${topic}`);
        if (c !== undefined) assert.deepEqual(c, { code: Code.MESSAGE_PROPERTY_CONFLICT_WITH_TYPE, message: `TopicMessageType validate failed, the expected type is ${topic}, but actual type is ${msg}` });
      }
    }
  });

  it('rule: QueryRoute\'s accept_message_types — the topic\'s type, all four for MIXED, MESSAGE_TYPE_UNSPECIFIED for a missing topic; retry and DLQ topics are not checked', () => {
    assert.deepEqual(acceptedTypes('FIFO'), ['FIFO']);
    assert.deepEqual(acceptedTypes('MIXED'), ['NORMAL', 'FIFO', 'DELAY', 'TRANSACTION']);
    assert.deepEqual(acceptedTypes('UNSPECIFIED'), ['MESSAGE_TYPE_UNSPECIFIED']);
    assert.equal(checkedTopic('T'), true);
    assert.equal(checkedTopic('%RETRY%G'), false);
    assert.equal(checkedTopic('%DLQ%G'), false);
  });
});
