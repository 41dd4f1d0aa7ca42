import { strict as assert } from 'node:assert';
import {
  ConsumerOffsetSerializeWrapper,
  DelayOffsetSerializeWrapper,
  JAVA_DISK_FORMAT,
  SubscriptionGroupWrapper,
  TopicConfigSerializeWrapper,
  unwrap,
  type Body,
  type JsonDialect,
} from './index';

/**
 * The broker's metadata files as Java writes them: ConfigManager.persist() writes encode(true), i.e. fastjson
 * PrettyFormat, of ConsumerOffsetManager (consumerOffset.json), ScheduleMessageService's
 * DelayOffsetSerializeWrapper (delayOffset.json), TopicConfigManager's TopicConfigSerializeWrapper (topics.json)
 * and SubscriptionGroupManager (subscriptionGroup.json). Captured with the broker jars (5.5.0: fastjson2;
 * 4.9.7: fastjson 1.2.69) from managers holding: offset TopicTest@cg1 {0:10,1:20}; delay levels {1:0,2:5};
 * topic TopicTest 4/4 perm 6; group cg1 with defaults; DataVersion counter 5, timestamp 1700000000000.
 * Apogee writing these with JAVA_DISK_FORMAT produces the same bytes, so a Java broker reads them unchanged.
 */
const FILES: Record<string, string> = {
  'fastjson2/ConsumerOffsetSerializeWrapper': "{\n\t\"dataVersion\":{\n\t\t\"counter\":5,\n\t\t\"stateVersion\":0,\n\t\t\"timestamp\":1700000000000\n\t},\n\t\"groupTopicMap\":{\n\t\t\"cg1\":[\n\t\t\t\"TopicTest\"\n\t\t]\n\t},\n\t\"offsetTable\":{\n\t\t\"TopicTest@cg1\":{\n\t\t\t0:10,\n\t\t\t1:20\n\t\t}\n\t},\n\t\"pullOffsetTable\":{}\n}",
  'fastjson2/DelayOffsetSerializeWrapper': "{\n\t\"dataVersion\":{\n\t\t\"counter\":5,\n\t\t\"stateVersion\":0,\n\t\t\"timestamp\":1700000000000\n\t},\n\t\"offsetTable\":{\n\t\t1:0,\n\t\t2:5\n\t}\n}",
  'fastjson2/TopicConfigSerializeWrapper': "{\n\t\"dataVersion\":{\n\t\t\"counter\":5,\n\t\t\"stateVersion\":0,\n\t\t\"timestamp\":1700000000000\n\t},\n\t\"topicConfigTable\":{\n\t\t\"TopicTest\":{\n\t\t\t\"attributes\":{},\n\t\t\t\"order\":false,\n\t\t\t\"perm\":6,\n\t\t\t\"readQueueNums\":4,\n\t\t\t\"topicFilterType\":\"SINGLE_TAG\",\n\t\t\t\"topicName\":\"TopicTest\",\n\t\t\t\"topicSysFlag\":0,\n\t\t\t\"writeQueueNums\":4\n\t\t}\n\t}\n}",
  'fastjson2/SubscriptionGroupWrapper': "{\n\t\"dataVersion\":{\n\t\t\"counter\":5,\n\t\t\"stateVersion\":0,\n\t\t\"timestamp\":1700000000000\n\t},\n\t\"forbiddenTable\":{},\n\t\"subscriptionGroupTable\":{\n\t\t\"cg1\":{\n\t\t\t\"attributes\":{},\n\t\t\t\"brokerId\":0,\n\t\t\t\"consumeBroadcastEnable\":true,\n\t\t\t\"consumeEnable\":true,\n\t\t\t\"consumeFromMinEnable\":true,\n\t\t\t\"consumeMessageOrderly\":false,\n\t\t\t\"consumeTimeoutMinute\":15,\n\t\t\t\"groupName\":\"cg1\",\n\t\t\t\"groupRetryPolicy\":{\n\t\t\t\t\"type\":\"CUSTOMIZED\"\n\t\t\t},\n\t\t\t\"groupSysFlag\":0,\n\t\t\t\"notifyConsumerIdsChangedEnable\":true,\n\t\t\t\"retryMaxTimes\":16,\n\t\t\t\"retryQueueNums\":1,\n\t\t\t\"whichBrokerWhenConsumeSlowly\":1\n\t\t}\n\t}\n}",
  'fastjson1/ConsumerOffsetSerializeWrapper': "{\n\t\"offsetTable\":{\n\t\t\"TopicTest@cg1\":{0:10,1:20\n\t\t}\n\t}\n}",
  'fastjson1/DelayOffsetSerializeWrapper': "{\n\t\"offsetTable\":{1:0,2:5\n\t}\n}",
  'fastjson1/TopicConfigSerializeWrapper': "{\n\t\"dataVersion\":{\n\t\t\"counter\":5,\n\t\t\"timestamp\":1700000000000\n\t},\n\t\"topicConfigTable\":{\n\t\t\"TopicTest\":{\n\t\t\t\"order\":false,\n\t\t\t\"perm\":6,\n\t\t\t\"readQueueNums\":4,\n\t\t\t\"topicFilterType\":\"SINGLE_TAG\",\n\t\t\t\"topicName\":\"TopicTest\",\n\t\t\t\"topicSysFlag\":0,\n\t\t\t\"writeQueueNums\":4\n\t\t}\n\t}\n}",
  'fastjson1/SubscriptionGroupWrapper': "{\n\t\"dataVersion\":{\n\t\t\"counter\":5,\n\t\t\"timestamp\":1700000000000\n\t},\n\t\"subscriptionGroupTable\":{\n\t\t\"cg1\":{\n\t\t\t\"brokerId\":0,\n\t\t\t\"consumeBroadcastEnable\":true,\n\t\t\t\"consumeEnable\":true,\n\t\t\t\"consumeFromMinEnable\":true,\n\t\t\t\"groupName\":\"cg1\",\n\t\t\t\"notifyConsumerIdsChangedEnable\":true,\n\t\t\t\"retryMaxTimes\":16,\n\t\t\t\"retryQueueNums\":1,\n\t\t\t\"whichBrokerWhenConsumeSlowly\":1\n\t\t}\n\t}\n}"
};

const BODY: Record<string, Body<any>> = {
  ConsumerOffsetSerializeWrapper,
  DelayOffsetSerializeWrapper,
  TopicConfigSerializeWrapper,
  SubscriptionGroupWrapper,
};

describe('protocol/bodies: broker metadata files in Java on-disk form (JAVA_DISK_FORMAT)', () => {
  for (const [key, text] of Object.entries(FILES)) {
    const [dialect, name] = key.split('/') as [JsonDialect, string];
    it(`${name} as ${dialect} writes it: decode, then encode gives the same bytes`, () => {
      const body = BODY[name]!;
      const v = unwrap(body.decode(text));
      assert.equal(body.toJson(v, { ...JAVA_DISK_FORMAT, dialect }), text);
    });
  }

  it('consumerOffset.json (5.x) carries groupTopicMap and (5.5.0, not 5.3.3) pullOffsetTable beside offsetTable', () => {
    const v = unwrap(ConsumerOffsetSerializeWrapper.decode(FILES['fastjson2/ConsumerOffsetSerializeWrapper']!));
    assert.deepEqual(v.groupTopicMap, new Map([['cg1', ['TopicTest']]]));
    assert.deepEqual(v.pullOffsetTable, new Map());
    assert.deepEqual(v.offsetTable, new Map([['TopicTest@cg1', new Map([[0, 10], [1, 20]])]]));
  });
});
