import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { CreateTopicListRequestBody, TopicListBodySteps, type TopicConfig } from './index';
import type { Decoded } from '../headers';
import { arbTopic, type ArbTopic } from './testing/arb-topic';

/** Runs the steps to the end, `n` topics per step; also returns how many steps it took. */
function run(body: Buffer, n: number): { result: Decoded<CreateTopicListRequestBody>; steps: number } {
  const s = new TopicListBodySteps(body);
  for (let steps = 1; ; steps++) {
    const r = s.step(n);
    if (r.done) return { result: r.result, steps };
    assert.ok(steps < 1_000_000);
  }
}

function sameAsOneGo(body: Buffer, n: number): void {
  const a = CreateTopicListRequestBody.decode(body);
  const b = run(body, n).result;
  assert.equal(b.ok, a.ok, `ok: one go ${a.ok ? 'ok' : a.error}, steps ${b.ok ? 'ok' : b.error}`);
  if (a.ok && b.ok) assert.deepStrictEqual(b.value, a.value);
  else if (!a.ok && !b.ok) assert.equal(b.error, a.error);
}

function config(t: ArbTopic): TopicConfig {
  const { attrs, ...rest } = t;
  return { ...rest, ...(attrs !== undefined ? { attributes: new Map(attrs) } : {}) };
}

function encode(list: TopicConfig[]): Buffer {
  return CreateTopicListRequestBody.encode({ topicConfigList: list });
}

describe('protocol/bodies TopicListBodySteps (UPDATE_AND_CREATE_TOPIC_LIST body in steps, issue 14)', () => {
  it('rule: the stepped decode equals CreateTopicListRequestBody.decode on encoded lists, any step size', () => {
    fc.assert(
      fc.property(fc.array(arbTopic, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 50 }), (ts, n) => {
        sameAsOneGo(encode(ts.map(config)), n);
      }),
      { numRuns: 200 },
    );
  });

  it('rule: a 1,000-topic list takes one step per topicsMax entries (it is really stepped)', () => {
    const list = Array.from({ length: 1000 }, (_, i): TopicConfig => ({ topicName: `T${i}`, readQueueNums: 8, writeQueueNums: 8, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false, attributes: new Map() }));
    const r = run(encode(list), 100);
    assert.equal(r.steps, 10);
    assert.ok(r.result.ok);
    assert.equal(r.result.value.topicConfigList.length, 1000);
    sameAsOneGo(encode(list), 100);
  });

  it('rule: unusual bodies fall back to the one-go decoder (same value or same error)', () => {
    const one = '{"order":false,"perm":6,"readQueueNums":8,"topicFilterType":"SINGLE_TAG","topicName":"A","topicSysFlag":0,"writeQueueNums":8}';
    const bodies = [
      `{"topicConfigList":[${one},${one}]}`,
      `{"topicConfigList":[]}`,
      `{}`,
      `{"topicConfigList":[${one},]}`,
      `{"topicConfigList":[${one}],"x":1}`,
      `{"x":1,"topicConfigList":[${one}]}`,
      `{"topicConfigList":[${one}]} trailing`,
      `{"topicConfigList":[${one}]`,
      `{"topicConfigList":[{"topicName":"A","perm":"6"}]}`,
      `{"topicConfigList":[{"perm":6}]}`,
      `{"topicConfigList":[{"topicName":"A","perm":6,"perm":7}]}`,
      `{"topicConfigList":[null]}`,
      `{'topicConfigList':[{topicName:'A'}]}`,
      `\ufeff{"topicConfigList":[${one}]}`,
      `not json`,
    ];
    for (const text of bodies) for (const n of [1, 2, 100]) sameAsOneGo(Buffer.from(text), n);
  });
});
