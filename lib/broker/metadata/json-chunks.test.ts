import { strict as assert } from 'node:assert';
import {
  ConsumerOffsetSerializeWrapper,
  JAVA_DISK_FORMAT,
  JAVA_WIRE_FORMAT,
  SubscriptionGroupWrapper,
  TopicConfigSerializeWrapper,
  type Body,
  type JsonWriteOptions,
  type TopicConfig,
} from '../../../protocol/bodies';
import { renderChunks } from './json-chunks';
import { newGroupConfig } from './subscription-group-manager';
import { newTopicConfig } from './topic-config-manager';

/**
 * Rule: a metadata file rendered in slices is byte for byte the text of one toJson call (Java's on-disk format),
 * for every slice size, with one or several big tables, empty tables included.
 */
function check<T>(body: Body<T>, wrapper: (t: Map<unknown, unknown>[]) => T, tables: Map<unknown, unknown>[], opts: JsonWriteOptions): void {
  const whole = body.toJson(wrapper(tables), opts);
  for (const slice of [1, 2, 7, 256, 100_000]) {
    const chunks = [...renderChunks(body, wrapper, tables, opts, slice)];
    assert.equal(chunks.join(''), whole, `slice ${slice}`);
    const entries = tables.reduce((n, t) => n + t.size, 0);
    if (slice < entries) assert.ok(chunks.length > 2, `slice ${slice}: more than one step`);
  }
}

const dv = { counter: 7, stateVersion: 0, timestamp: 1_700_000_000_000 };

describe('lib/broker/metadata/json-chunks', () => {
  it('topics.json (PrettyFormat and compact): sliced == whole', () => {
    const t = new Map<string, TopicConfig>();
    for (let i = 0; i < 600; i++) t.set(`T${i}`, newTopicConfig(`T${i}`, { readQueueNums: i % 9, attributes: i % 5 === 0 ? new Map([['+message.type', 'FIFO']]) : new Map() }));
    const wrapper = ([table]: Map<unknown, unknown>[]) => ({ dataVersion: dv, topicConfigTable: table as Map<string, TopicConfig> });
    check(TopicConfigSerializeWrapper, wrapper, [t as Map<unknown, unknown>], JAVA_DISK_FORMAT);
    check(TopicConfigSerializeWrapper, wrapper, [t as Map<unknown, unknown>], JAVA_WIRE_FORMAT);
    check(TopicConfigSerializeWrapper, wrapper, [new Map()], JAVA_DISK_FORMAT);
  });

  it('topics.json with the entry cache: a second write reuses the texts, a replaced entry is rendered anew', () => {
    const t = new Map<string, TopicConfig>();
    for (let i = 0; i < 300; i++) t.set(`T${i}`, newTopicConfig(`T${i}`));
    const wrapper = ([table]: Map<unknown, unknown>[]) => ({ dataVersion: dv, topicConfigTable: table as Map<string, TopicConfig> });
    const caches = [new WeakMap<object, { key: unknown; text: string }>()];
    for (const slice of [7, 256, 1000]) {
      const first = [...renderChunks(TopicConfigSerializeWrapper, wrapper, [t as Map<unknown, unknown>], JAVA_DISK_FORMAT, slice, caches)].join('');
      assert.equal(first, TopicConfigSerializeWrapper.toJson(wrapper([t as Map<unknown, unknown>]), JAVA_DISK_FORMAT));
      t.set('T5', { ...t.get('T5')!, perm: 2 });
      t.set('new', newTopicConfig('new'));
      const second = [...renderChunks(TopicConfigSerializeWrapper, wrapper, [t as Map<unknown, unknown>], JAVA_DISK_FORMAT, slice, caches)].join('');
      assert.equal(second, TopicConfigSerializeWrapper.toJson(wrapper([t as Map<unknown, unknown>]), JAVA_DISK_FORMAT), `slice ${slice}`);
    }
  });

  it('subscriptionGroup.json: two tables (groups, forbidden), either empty', () => {
    const groups = new Map<string, unknown>();
    for (let i = 0; i < 40; i++) groups.set(`G${i}`, newGroupConfig(`G${i}`));
    const forbidden = new Map<string, Map<string, number>>([['G1', new Map([['T', 1]])], ['G2', new Map([['T', 3]])]]);
    const wrapper = ([g, f]: Map<unknown, unknown>[]) => ({ dataVersion: dv, subscriptionGroupTable: g, forbiddenTable: f }) as never;
    check(SubscriptionGroupWrapper, wrapper, [groups, forbidden] as Map<unknown, unknown>[], JAVA_DISK_FORMAT);
    check(SubscriptionGroupWrapper, wrapper, [groups, new Map()] as Map<unknown, unknown>[], JAVA_DISK_FORMAT);
  });

  it('consumerOffset.json: three tables with integer-keyed inner maps', () => {
    const offsets = new Map<string, Map<number, number>>();
    const groupTopic = new Map<string, string[]>();
    for (let i = 0; i < 30; i++) {
      offsets.set(`T${i}@G`, new Map([[0, i], [1, i * 2]]));
      groupTopic.set(`G${i}`, [`T${i}`]);
    }
    const wrapper = ([gt, o, p]: Map<unknown, unknown>[]) => ({ dataVersion: dv, groupTopicMap: gt, offsetTable: o, pullOffsetTable: p }) as never;
    check(ConsumerOffsetSerializeWrapper, wrapper, [groupTopic, offsets, offsets] as Map<unknown, unknown>[], JAVA_DISK_FORMAT);
    check(ConsumerOffsetSerializeWrapper, wrapper, [groupTopic, offsets, offsets] as Map<unknown, unknown>[], { ...JAVA_DISK_FORMAT, dialect: 'fastjson1' });
  });
});
