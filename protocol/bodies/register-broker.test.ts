import { strict as assert } from 'node:assert';
import { deflateSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { MQVersionGate } from '../codes';
import {
  compressedPayload,
  decodeRegisterBrokerBody,
  decodeRegisterBrokerBodyCompressed,
  decodeTopicLine,
  encodeRegisterBrokerBodyCompressed,
  encodeTopicLine,
  RegisterBrokerBody,
  TopicConfig,
  TopicQueueMappingInfo,
  unwrap,
  type TopicFilterType,
} from './index';

const arbName = fc.stringMatching(/^[%A-Za-z0-9_-]{1,20}$/);
const arbTopic = fc.record({
  topicName: arbName,
  readQueueNums: fc.integer({ min: 0, max: 1024 }),
  writeQueueNums: fc.integer({ min: 0, max: 1024 }),
  perm: fc.integer({ min: 0, max: 7 }),
  topicFilterType: fc.constantFrom<TopicFilterType>('SINGLE_TAG', 'MULTI_TAG'),
  attrs: fc.option(fc.array(fc.tuple(fc.stringMatching(/^[a-z.]{1,10}$/), fc.stringMatching(/^[A-Z]{0,8}$/)), { maxLength: 3 }), { nil: undefined }),
});

const arbBody = fc
  .record({
    topics: fc.uniqueArray(arbTopic, { maxLength: 6, selector: (t) => t.topicName }),
    counter: fc.nat(),
    timestamp: fc.nat(),
    filterServerList: fc.array(fc.stringMatching(/^[0-9.:]{1,21}$/), { maxLength: 2 }),
    mappings: fc.uniqueArray(arbName, { maxLength: 2 }),
  })
  .map((r) =>
    RegisterBrokerBody.make({
      filterServerList: r.filterServerList,
      topicConfigSerializeWrapper: {
        dataVersion: { counter: r.counter, stateVersion: 0, timestamp: r.timestamp },
        topicConfigTable: new Map(
          r.topics.map((t) => [
            t.topicName,
            TopicConfig.make({
              topicName: t.topicName,
              readQueueNums: t.readQueueNums,
              writeQueueNums: t.writeQueueNums,
              perm: t.perm,
              topicFilterType: t.topicFilterType,
              ...(t.attrs === undefined ? { attributes: undefined } : { attributes: new Map(t.attrs) }),
            }),
          ]),
        ),
        topicQueueMappingInfoMap: new Map(r.mappings.map((m) => [m, TopicQueueMappingInfo.make({ topic: m, bname: 'b', totalQueues: 4, currIdMap: new Map([[0, 0]]) })])),
      },
    }),
  );

describe('protocol/bodies RegisterBrokerBody compressed form (Java RegisterBrokerBody.encode(true)/decode)', () => {
  it('property: 5.x form round-trips what it carries (topicSysFlag/order/mappingDataVersion are not carried)', () => {
    fc.assert(
      fc.property(arbBody, fc.constantFrom('fastjson1' as const, 'fastjson2' as const), (v, dialect) => {
        const bin = encodeRegisterBrokerBodyCompressed(v, { dialect });
        assert.deepEqual(inflateSync(bin), compressedPayload(v, { dialect }));
        const back = unwrap(decodeRegisterBrokerBodyCompressed(bin, { brokerVersion: MQVersionGate.V5_0_0 }));
        const w = v.topicConfigSerializeWrapper;
        const bw = back.topicConfigSerializeWrapper;
        assert.deepEqual(back.filterServerList, v.filterServerList);
        assert.deepEqual(bw.dataVersion, w.dataVersion);
        assert.deepEqual([...bw.topicConfigTable.keys()], [...w.topicConfigTable.keys()]);
        for (const [k, t] of w.topicConfigTable) assert.deepEqual(bw.topicConfigTable.get(k), { ...t, topicSysFlag: 0, order: false });
        assert.deepEqual(bw.topicQueueMappingInfoMap, w.topicQueueMappingInfoMap);
        assert.deepEqual(bw.topicQueueMappingDetailMap, new Map());
        assert.equal(bw.mappingDataVersion, undefined);
      }),
      { numRuns: 150 },
    );
  });

  it('property: 4.9.x form (no attributes, no mapping section) round-trips, read with an old or no broker version', () => {
    fc.assert(
      fc.property(arbBody, fc.constantFrom(undefined, MQVersionGate.V4_9_4), (v, brokerVersion) => {
        const bin = encodeRegisterBrokerBodyCompressed(v, { version: 4 });
        const back = unwrap(decodeRegisterBrokerBodyCompressed(bin, brokerVersion === undefined ? {} : { brokerVersion }));
        const bw = back.topicConfigSerializeWrapper;
        for (const [k, t] of v.topicConfigSerializeWrapper.topicConfigTable) {
          const { attributes: _a, ...rest } = t;
          assert.deepEqual(bw.topicConfigTable.get(k), { ...rest, topicSysFlag: 0, order: false });
        }
        assert.equal(bw.topicQueueMappingInfoMap, undefined);
      }),
      { numRuns: 100 },
    );
  });

  it('topic line = TopicConfig.encode(): 5.x appends the attributes JSON (a trailing space when null), 4.9.x does not', () => {
    const t = TopicConfig.make({ topicName: 'T', readQueueNums: 8, writeQueueNums: 4, perm: 6 });
    assert.equal(encodeTopicLine(t), 'T 8 4 6 SINGLE_TAG {}');
    assert.equal(encodeTopicLine({ ...t, attributes: new Map([['+message.type', 'FIFO']]) }), 'T 8 4 6 SINGLE_TAG {"+message.type":"FIFO"}');
    assert.equal(encodeTopicLine({ ...t, attributes: undefined }), 'T 8 4 6 SINGLE_TAG ');
    assert.equal(encodeTopicLine(t, 4), 'T 8 4 6 SINGLE_TAG');
    assert.equal(decodeTopicLine('T 8 4 6 SINGLE_TAG ').attributes, undefined);
    // Attributes containing a space split the JSON: Java ignores them.
    assert.equal(decodeTopicLine('T 8 4 6 SINGLE_TAG {"a":"b c"}').attributes, undefined);
    assert.throws(() => decodeTopicLine('T 8 4 6'), /need 5/);
    assert.throws(() => decodeTopicLine('T x 4 6 SINGLE_TAG'), /readQueueNums is not an int/);
    assert.throws(() => decodeTopicLine('T 8 4 6 OTHER'), /unknown topicFilterType/);
  });

  it('bad input is {ok:false}, never an exception: not zlib, truncated, absurd counts, too large when inflated', () => {
    const good = encodeRegisterBrokerBodyCompressed(
      RegisterBrokerBody.make({
        topicConfigSerializeWrapper: { dataVersion: { counter: 1, timestamp: 2 }, topicConfigTable: new Map([['T', TopicConfig.make({ topicName: 'T' })]]) },
      }),
    );
    const payload = inflateSync(good);
    const bad: [Buffer, RegExp][] = [
      [Buffer.from('not zlib'), /inflate failed/],
      [deflateSync(payload.subarray(0, payload.length - 12)), /truncated/],
      [deflateSync(Buffer.from([0, 0, 0, 2, 0x7b, 0x7d, 0x7f, 0xff, 0xff, 0xff])), /bad topic count/],
      [deflateSync(Buffer.alloc(1 << 16)), /DataVersion/],
    ];
    for (const [b, re] of bad) {
      const d = decodeRegisterBrokerBodyCompressed(b);
      assert.equal(d.ok, false);
      assert.match((d as { error: string }).error, re);
    }
    const bomb = deflateSync(Buffer.alloc(1 << 20));
    const d = decodeRegisterBrokerBodyCompressed(bomb, { limits: { bytesMax: 1 << 16 } });
    assert.equal(d.ok, false);
    assert.match((d as { error: string }).error, /inflate failed/);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (u) => {
        decodeRegisterBrokerBodyCompressed(Buffer.from(u));
        decodeRegisterBrokerBodyCompressed(deflateSync(Buffer.from(u)));
      }),
      { numRuns: 300 },
    );
  });

  it('decodeRegisterBrokerBody picks the form from the header flag', () => {
    const v = RegisterBrokerBody.make({});
    assert.ok(decodeRegisterBrokerBody(RegisterBrokerBody.encode(v), false).ok);
    assert.ok(decodeRegisterBrokerBody(encodeRegisterBrokerBodyCompressed(v), true).ok);
    assert.equal(decodeRegisterBrokerBody(RegisterBrokerBody.encode(v), true).ok, false);
  });
});
