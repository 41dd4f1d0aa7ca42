import fc from 'fast-check';
import type { TopicFilterType } from '../index';

/**
 * Test support: a fast-check arbitrary for one topic's configuration as the stepped body decoders meet it (names of
 * RocketMQ's topic alphabet, queue counts, perm, sys flag, order, filter type, optional attributes). Shared by the
 * property tests that compare a stepped decoder with its one-go twin (register-broker-steps, topic-list-steps).
 */
export const arbTopic = fc.record({
  topicName: fc.stringMatching(/^[%A-Za-z0-9_-]{1,20}$/),
  readQueueNums: fc.integer({ min: 0, max: 1024 }),
  writeQueueNums: fc.integer({ min: 0, max: 1024 }),
  perm: fc.integer({ min: 0, max: 7 }),
  topicSysFlag: fc.integer({ min: 0, max: 3 }),
  order: fc.boolean(),
  topicFilterType: fc.constantFrom<TopicFilterType>('SINGLE_TAG', 'MULTI_TAG'),
  attrs: fc.option(fc.array(fc.tuple(fc.stringMatching(/^[a-z.+]{1,10}$/), fc.string({ maxLength: 6 })), { maxLength: 3 }), { nil: undefined }),
});

export type ArbTopic = typeof arbTopic extends fc.Arbitrary<infer T> ? T : never;
