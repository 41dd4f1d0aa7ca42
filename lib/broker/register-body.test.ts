import { strict as assert } from 'node:assert';
import { RegisterBrokerBody, TopicConfigAndMappingSerializeWrapper, type TopicConfig } from '../../protocol/bodies';
import { newTopicConfig } from './metadata/topic-config-manager';
import { AllTopicsBodyEncoder, RegisterBodyEncoder } from './register-body';

/** Rule: the cached, sliced REGISTER_BROKER body is byte for byte RegisterBrokerBody.encode, before and after changes. */
describe('lib/broker/register-body', () => {
  it('equals RegisterBrokerBody.encode for a large table, again from the cache, and after a topic is replaced', async () => {
    const table = new Map<string, TopicConfig>();
    for (let i = 0; i < 700; i++) table.set(`T${i}`, newTopicConfig(`T${i}`, { writeQueueNums: 1 + (i % 8) }));
    const enc = new RegisterBodyEncoder();
    const expected = (dv: { counter: number; stateVersion: number; timestamp: number }): string =>
      RegisterBrokerBody.encode({
        filterServerList: [],
        topicConfigSerializeWrapper: {
          dataVersion: dv,
          topicConfigTable: table,
          mappingDataVersion: { counter: 0, stateVersion: 0, timestamp: dv.timestamp },
          topicQueueMappingDetailMap: new Map(),
          topicQueueMappingInfoMap: new Map(),
        },
      } as never).toString('utf8');
    const dv1 = { counter: 3, stateVersion: 0, timestamp: 1_700_000_000_000 };
    assert.equal((await enc.encode(table, dv1)).toString('utf8'), expected(dv1));
    assert.equal((await enc.encode(table, dv1)).toString('utf8'), expected(dv1));
    table.set('T3', { ...table.get('T3')!, perm: 4 });
    table.delete('T9');
    const dv2 = { counter: 4, stateVersion: 0, timestamp: 1_700_000_000_001 };
    assert.equal((await enc.encode(table, dv2)).toString('utf8'), expected(dv2));
    assert.equal((await enc.encode(new Map(), dv2)).length > 0, true);
  });

  it('AllTopicsBodyEncoder equals TopicConfigAndMappingSerializeWrapper.encode (GET_ALL_TOPIC_CONFIG), cached and after a change', async () => {
    const table = new Map<string, TopicConfig>();
    for (let i = 0; i < 700; i++) table.set(`A${i}`, newTopicConfig(`A${i}`, { readQueueNums: 1 + (i % 5) }));
    const enc = new AllTopicsBodyEncoder();
    const expected = (dv: { counter: number; stateVersion: number; timestamp: number }): string =>
      TopicConfigAndMappingSerializeWrapper.encode({
        dataVersion: dv,
        topicConfigTable: table,
        mappingDataVersion: { counter: 0, stateVersion: 0, timestamp: dv.timestamp },
        topicQueueMappingDetailMap: new Map(),
      } as never).toString('utf8');
    const dv = { counter: 7, stateVersion: 0, timestamp: 1_700_000_000_000 };
    assert.equal((await enc.encode(table, dv)).toString('utf8'), expected(dv));
    assert.equal((await enc.encode(table, dv)).toString('utf8'), expected(dv));
    table.set('A5', { ...table.get('A5')!, perm: 2 });
    assert.equal((await enc.encode(table, dv)).toString('utf8'), expected(dv));
  });
});
