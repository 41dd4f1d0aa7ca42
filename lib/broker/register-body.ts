import { RegisterBrokerBody, TopicConfigAndMappingSerializeWrapper, type TopicConfig } from '../../protocol/bodies';
import type { DataVersionValue } from './metadata/config-file';
import { collectYielding, renderChunks, type EntryCaches } from './metadata/json-chunks';

/**
 * The REGISTER_BROKER body (Java RegisterBrokerBody, plain JSON) built from per-topic texts cached by TopicConfig
 * object (TopicConfigManager replaces a topic's object on every change), so the full registration every
 * registerNameServerPeriod costs a concatenation, not a 100+ ms stringify of 10k topics on the event loop
 * (issue 14). Byte for byte what RegisterBrokerBody.encode gives (register-body.test.ts). AllTopicsBodyEncoder does
 * the same for the GET_ALL_TOPIC_CONFIG answer (TopicConfigAndMappingSerializeWrapper): measured at 10k topics, the
 * whole-table stringify held the loop ~200 ms (lib/broker/scale.compat.test.ts).
 */
export class RegisterBodyEncoder {
  private readonly caches: EntryCaches = [new WeakMap()];

  /** Yields to the event loop while it renders uncached topics (collectYielding). */
  async encode(topics: ReadonlyMap<string, TopicConfig>, dataVersion: DataVersionValue): Promise<Buffer> {
    const wrapper = ([table]: Map<unknown, unknown>[]): RegisterBrokerBody =>
      ({
        filterServerList: [],
        topicConfigSerializeWrapper: {
          dataVersion,
          topicConfigTable: table as Map<string, TopicConfig>,
          mappingDataVersion: { counter: 0, stateVersion: 0, timestamp: dataVersion.timestamp },
          topicQueueMappingDetailMap: new Map(),
          topicQueueMappingInfoMap: new Map(),
        },
      }) as never;
    return Buffer.from(await collectYielding(renderChunks(RegisterBrokerBody, wrapper, [topics], {}, undefined, this.caches)), 'utf8');
  }
}

/** The GET_ALL_TOPIC_CONFIG body, byte for byte TopicConfigAndMappingSerializeWrapper.encode, built like the above. */
export class AllTopicsBodyEncoder {
  private readonly caches: EntryCaches = [new WeakMap()];

  async encode(topics: ReadonlyMap<string, TopicConfig>, dataVersion: DataVersionValue): Promise<Buffer> {
    const wrapper = ([table]: Map<unknown, unknown>[]): TopicConfigAndMappingSerializeWrapper =>
      ({
        dataVersion,
        topicConfigTable: table as Map<string, TopicConfig>,
        mappingDataVersion: { counter: 0, stateVersion: 0, timestamp: dataVersion.timestamp },
        topicQueueMappingDetailMap: new Map(),
      }) as never;
    return Buffer.from(await collectYielding(renderChunks(TopicConfigAndMappingSerializeWrapper, wrapper, [topics], {}, undefined, this.caches)), 'utf8');
  }
}
