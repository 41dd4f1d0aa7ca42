import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  decodeRegisterBrokerBody,
  encodeRegisterBrokerBodyCompressed,
  RegisterBodySteps,
  RegisterBrokerBody,
  TopicConfig,
} from './index';
import type { Decoded } from '../headers';
import { arbTopic, type ArbTopic } from './testing/arb-topic';

/** Runs the steps to the end, `n` topics per step; also returns how many steps it took. */
function run(body: Buffer, compressed: boolean, n: number): { result: Decoded<RegisterBrokerBody>; steps: number } {
  const s = new RegisterBodySteps(body, compressed, { brokerVersion: 999 });
  for (let steps = 1; ; steps++) {
    const r = s.step(n);
    if (r.done) return { result: r.result, steps };
    assert.ok(steps < 1_000_000);
  }
}

const oneGo = (body: Buffer, compressed: boolean): Decoded<RegisterBrokerBody> => decodeRegisterBrokerBody(body, compressed, { brokerVersion: 999 });

function sameAsOneGo(body: Buffer, compressed: boolean, n: number): void {
  const a = oneGo(body, compressed);
  const b = run(body, compressed, n).result;
  assert.equal(b.ok, a.ok, `ok: one go ${a.ok ? 'ok' : a.error}, steps ${b.ok ? 'ok' : b.error}`);
  if (a.ok && b.ok) assert.deepStrictEqual(b.value, a.value);
}

function bodyOf(topics: ArbTopic[], withMapping: boolean): RegisterBrokerBody {
  return RegisterBrokerBody.make({
    filterServerList: ['127.0.0.1:1'],
    topicConfigSerializeWrapper: {
      dataVersion: { counter: topics.length, stateVersion: 0, timestamp: 1_700_000_000_000 },
      topicConfigTable: new Map(
        topics.map((t) => [
          t.topicName,
          TopicConfig.make({
            topicName: t.topicName,
            readQueueNums: t.readQueueNums,
            writeQueueNums: t.writeQueueNums,
            perm: t.perm,
            topicSysFlag: t.topicSysFlag,
            order: t.order,
            topicFilterType: t.topicFilterType,
            ...(t.attrs === undefined ? { attributes: undefined } : { attributes: new Map(t.attrs) }),
          }),
        ]),
      ),
      ...(withMapping ? { mappingDataVersion: { counter: 0, stateVersion: 0, timestamp: 1 }, topicQueueMappingInfoMap: new Map(), topicQueueMappingDetailMap: new Map() } : {}),
    },
  });
}

describe('protocol/bodies RegisterBodySteps: REGISTER_BROKER decoded in bounded steps (issue 14), equal to the one-go decoder', () => {
  it('random bodies, plain and compressed, fastjson and fastjson2 dialects, 1 to 7 topics per step: same result', () => {
    fc.assert(
      fc.property(fc.uniqueArray(arbTopic, { maxLength: 12, selector: (t) => t.topicName }), fc.boolean(), fc.integer({ min: 1, max: 7 }), (topics, mapping, n) => {
        const v = bodyOf(topics, mapping);
        for (const dialect of ['fastjson1', 'fastjson2'] as const) sameAsOneGo(RegisterBrokerBody.encode(v, { dialect }), false, n);
        sameAsOneGo(encodeRegisterBrokerBodyCompressed(v), true, n);
      }),
      { numRuns: 150 },
    );
  });

  it('a table of 10,000 topics takes one step per `topicsMax` topics (the NameServer yields between steps)', () => {
    const topics = Array.from({ length: 10_000 }, (_, i) => ({ topicName: `T${i}`, readQueueNums: 8, writeQueueNums: 8, perm: 6, topicSysFlag: 0, order: false, topicFilterType: 'SINGLE_TAG' as const, attrs: [] as [string, string][] }));
    const v = bodyOf(topics, true);
    const plain = run(RegisterBrokerBody.encode(v), false, 500);
    assert.ok(plain.steps >= 20 && plain.steps <= 22, `plain: ${plain.steps} steps`);
    const comp = run(encodeRegisterBrokerBodyCompressed(v), true, 500);
    assert.ok(comp.steps >= 20 && comp.steps <= 22, `compressed: ${comp.steps} steps`);
    assert.ok(plain.result.ok && comp.result.ok);
    assert.equal(plain.result.value.topicConfigSerializeWrapper.topicConfigTable.size, 10_000);
    assert.deepStrictEqual(plain.result.value, oneGo(RegisterBrokerBody.encode(v), false).ok ? (oneGo(RegisterBrokerBody.encode(v), false) as { value: unknown }).value : undefined);
  });

  it('entries not in Java\'s shape and unusual outer shapes decode as the one-go decoder does (or fail as it fails)', () => {
    const t = (x: string): string => `{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":1,"timestamp":2},"topicConfigTable":${x}}}`;
    const cases = [
      t('{}'),
      t('{"A":{"topicName":"A"}}'), // defaults
      t('{"A":{"topicName":"A","perm":"6","order":"true","readQueueNums":8.0}}'), // quoted and fractional values
      t("{'A':{topicName:'A',perm:6}}"), // single quotes, unquoted keys
      t('{"A":{"topicName":"A","unknownKey":[1,{"x":"}"}]}}'), // unknown key with brackets in a string
      t('{"A":{"topicName":"A\\u0041"}}'), // escape in a value
      t('{"A\\u0041":{"topicName":"A"}}'), // escape in a table key
      t('{"A":{"topicName":"A","perm":6,"perm":4}}'), // duplicate key inside an entry
      t('{"A":{"topicName":"A"},"A":{"topicName":"A","perm":2}}'), // duplicate table key
      t('{"A":{"perm":6}}'), // no topicName: an error
      t('{"A":{"topicName":"A","topicFilterType":"NOPE"}}'), // bad enum: an error
      t('{"A":{"topicName":"A","perm":99999999999}}'), // out of int range: an error
      t('{"A":{"topicName":"A",}}'), // trailing comma inside an entry
      t('{"A":{"topicName":"A"},}'), // trailing comma in the table
      t('{"A":{"topicName":"A"}'), // truncated
      '\ufeff' + t('{"A":{"topicName":"A"}}'), // BOM
      `{"topicConfigSerializeWrapper":{"topicConfigTable":{"A":{"topicName":"A"}},"dataVersion":{"counter":3,"timestamp":4}},"filterServerList":["x"],"extra":1}`,
      `{"topicConfigSerializeWrapper":{"dataVersion":{"counter":3,"timestamp":4}}}`, // no table
      `{"topicConfigSerializeWrapper":{"topicConfigTable":{}},"topicConfigSerializeWrapper":{"topicConfigTable":{"B":{"topicName":"B"}}}}`,
      `{"topicConfigSerializeWrapper":{"topicConfigTable":{"A":{"topicName":"A"}}}} x`,
      `{}`,
      `[]`,
      ``,
    ];
    for (const c of cases) for (const n of [1, 3]) assert.doesNotThrow(() => sameAsOneGo(Buffer.from(c), false, n), c);
  });

  it('a bad compressed body fails as the one-go decoder fails', () => {
    for (const b of [Buffer.from('not zlib'), Buffer.alloc(0), encodeRegisterBrokerBodyCompressed(bodyOf([], false)).subarray(0, 5)]) {
      const a = oneGo(b, true);
      const s = run(b, true, 2).result;
      assert.equal(a.ok, false);
      assert.equal(s.ok, false);
    }
  });
});
