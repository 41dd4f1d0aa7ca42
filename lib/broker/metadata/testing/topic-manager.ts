/**
 * Test helper: a TopicConfigManager over `dir` with the defaults the metadata and registrar tests share (cluster C,
 * broker b, auto-create on, 4 queues, silent logger); each test passes what it looks at.
 */
import type { TopicConfig } from '../../../../protocol/bodies';
import { silentLogger } from '../../../common';
import type { MetadataIo } from '../coalescing-writer';
import { TopicConfigManager } from '../topic-config-manager';

export function testTopicManager(dir: string, o: { onChange?: (tcs: TopicConfig[]) => void; io?: MetadataIo; topicsMax?: number } = {}): TopicConfigManager {
  return new TopicConfigManager({
    storePathRootDir: dir,
    brokerClusterName: 'C',
    brokerName: 'b',
    autoCreateTopicEnable: true,
    defaultTopicQueueNums: 4,
    clusterTopicEnable: true,
    brokerTopicEnable: true,
    traceTopicEnable: false,
    msgTraceTopicName: 'RMQ_SYS_TRACE_TOPIC',
    topicsMax: o.topicsMax ?? 10_000,
    logger: silentLogger(),
    now: Date.now,
    onChange: o.onChange ?? (() => undefined),
    ...(o.io !== undefined ? { io: o.io } : {}),
  });
}
