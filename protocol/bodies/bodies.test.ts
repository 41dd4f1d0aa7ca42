import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ProtocolError } from '../errors';
import {
  BODIES,
  BrokerData,
  ClusterInfo,
  ConsumeMessageDirectlyResult,
  ConsumeStats,
  ConsumerRunningInfo,
  GetConsumerStatusBody,
  HeartbeatData,
  JAVA_DISK_FORMAT,
  JAVA_WIRE_FORMAT,
  KVTable,
  LockBatchRequestBody,
  PropertiesBody,
  QueueData,
  ResetOffsetBody,
  SubscriptionGroupConfig,
  TopicConfig,
  TopicConfigSerializeWrapper,
  TopicList,
  TopicRouteData,
  ConsumerOffsetSerializeWrapper,
  DelayOffsetSerializeWrapper,
  formatQueueTimeSpanDate,
  unwrap,
  type Body,
  type Codec,
} from './index';
import type { FieldSpec } from './schema';

// ------------------------------------------------------------------------------------------------ generators

const arbStr = fc.string({ unit: 'grapheme', maxLength: 12 });
const arbSafeLong = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.maxSafeInteger(), fc.constantFrom(1700000000000, -1));

/** A generator for any value a codec can write and read back, derived from the codec's description. */
function arbOf(c: Codec<any>, depth = 0): fc.Arbitrary<any> {
  const d = c.desc;
  const n = depth > 3 ? 1 : 3;
  switch (d.t) {
    case 'int':
      return fc.integer({ min: -2147483648, max: 2147483647 });
    case 'long':
      return arbSafeLong;
    case 'bigLong':
      return fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
    case 'double':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'bool':
      return fc.boolean();
    case 'str':
      return arbStr;
    case 'any':
      return fc.constant(null);
    case 'enum':
      return fc.constantFrom(...d.names);
    case 'list':
    case 'set':
    case 'prim':
      return fc.array(arbOf(d.of, depth + 1), { maxLength: n });
    case 'map':
      return fc
        .uniqueArray(fc.tuple(d.key === 'string' ? arbStr : arbSafeLong, arbOf(d.of, depth + 1)), { maxLength: n, selector: (e) => e[0] })
        .map((e) => new Map(e));
    case 'beanMap':
      return fc.uniqueArray(fc.tuple(arbOf(d.key, depth + 1), arbOf(d.of, depth + 1)), {
        maxLength: n,
        selector: (e) => JSON.stringify(e[0]),
      });
    case 'bean': {
      const rec: Record<string, fc.Arbitrary<any>> = {};
      const required: string[] = [];
      for (const [k, f] of Object.entries(d.specs) as [string, FieldSpec<any>][]) {
        if (k === 'source') continue; // ConsumerRunningInfo's passthrough text, set by decode
        rec[k] = arbOf(f.codec, depth + 1);
        if (f.kind !== 'opt') required.push(k);
      }
      return fc.record(rec, { requiredKeys: required, noNullPrototype: true });
    }
  }
}

const arbWriteOptions = fc.record({
  dialect: fc.constantFrom('fastjson1' as const, 'fastjson2' as const),
  pretty: fc.boolean(),
  numericKeys: fc.constantFrom('quoted' as const, 'java' as const),
});

function strip(v: any): any {
  if (v && typeof v === 'object' && 'source' in v) {
    const { source: _s, ...rest } = v;
    return rest;
  }
  return v;
}

// ------------------------------------------------------------------------------------------------ round trips

describe('protocol/bodies: every body round-trips (encode -> decode is the identity)', () => {
  for (const [name, body] of Object.entries(BODIES)) {
    it(`property: ${name}`, () => {
      fc.assert(
        fc.property(arbOf(body.codec), arbWriteOptions, (v, opts) => {
          const bytes = body.encode(v, opts);
          const back = body.decode(bytes);
          assert.ok(back.ok, back.ok ? '' : back.error + '\n' + bytes.toString());
          assert.deepStrictEqual(strip(back.value), v);
          // Re-encoding the decoded value gives the same bytes.
          assert.ok(body.encode(back.value, opts).equals(bytes));
        }),
        { numRuns: 60 },
      );
    });
  }
});

// ------------------------------------------------------------------------------------------------ specific rules

describe('protocol/bodies: Java semantics and peer variants', () => {
  it('TopicRouteData: Apogee default is standard compact JSON with quoted brokerAddrs keys (P1), never missing brokerAddrs', () => {
    const route = TopicRouteData.make({
      queueDatas: [QueueData.make({ brokerName: 'broker-a', perm: 6, readQueueNums: 4, writeQueueNums: 4 })],
      brokerDatas: [BrokerData.make({ cluster: 'c', brokerName: 'broker-a', brokerAddrs: new Map([[0, '10.0.0.1:10911'], [1, '10.0.0.2:10911']]) })],
    });
    const s = TopicRouteData.toJson(route);
    assert.equal(
      s,
      '{"brokerDatas":[{"brokerAddrs":{"0":"10.0.0.1:10911","1":"10.0.0.2:10911"},"brokerName":"broker-a","cluster":"c","enableActingMaster":false}],' +
        '"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}',
    );
    JSON.parse(s); // standard JSON
    // Go (route.go) takes the brokerAddrs text, drops the braces and splits on ',' and ':': it must have no spaces.
    const addrs = /"brokerAddrs":(\{[^}]*\})/.exec(s)![1]!;
    assert.ok(!/\s/.test(addrs));
    const noAddrs = unwrap(TopicRouteData.decode('{"brokerDatas":[{"brokerName":"b","cluster":"c"}]}'));
    assert.match(TopicRouteData.toJson(noAddrs), /"brokerAddrs":\{\}/);
  });

  it('make(): Java defaults, 5.x properties unless version 4', () => {
    assert.equal(TopicConfig.toJson(TopicConfig.make({ topicName: 'T' })), '{"attributes":{},"order":false,"perm":6,"readQueueNums":16,"topicFilterType":"SINGLE_TAG","topicName":"T","topicSysFlag":0,"writeQueueNums":16}');
    assert.equal(TopicConfig.toJson(TopicConfig.make({ topicName: 'T' }, 4)), '{"order":false,"perm":6,"readQueueNums":16,"topicFilterType":"SINGLE_TAG","topicName":"T","topicSysFlag":0,"writeQueueNums":16}');
    assert.equal(
      SubscriptionGroupConfig.toJson(SubscriptionGroupConfig.make({ groupName: 'g1' })),
      '{"attributes":{},"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":true,"consumeFromMinEnable":true,"consumeMessageOrderly":false,' +
        '"consumeTimeoutMinute":15,"groupName":"g1","groupRetryPolicy":{"type":"CUSTOMIZED"},"groupSysFlag":0,"notifyConsumerIdsChangedEnable":true,' +
        '"retryMaxTimes":16,"retryQueueNums":1,"whichBrokerWhenConsumeSlowly":1}',
    );
    assert.throws(() => TopicConfig.make({}), /topicName is required/);
  });

  it('HeartbeatData from Go: codeSet as strings, subVersion in ns (> 2^53, exact), upper-case or mixed-case messageModel, no 5.x fields', () => {
    const go =
      '{"clientID":"10.0.0.9@4321","producerDataSet":[{"groupName":"CLIENT_INNER_PRODUCER"}],"consumerDataSet":[{"groupName":"cg1",' +
      '"consumeType":"CONSUME_PASSIVELY","messageModel":"Clustering","consumeFromWhere":"UNKNOWN","subscriptionDataSet":[{"classFilterMode":false,' +
      '"topic":"TopicTest","subString":"TagA || TagB","tagsSet":["TagA","TagB"],"codeSet":["2598919","2598920"],"subVersion":1700000000123456789,' +
      '"expressionType":"TAG"}],"unitMode":false}]}';
    const hb = unwrap(HeartbeatData.decode(Buffer.from(go)));
    const cd = hb.consumerDataSet[0]!;
    assert.equal(cd.messageModel, 'CLUSTERING');
    assert.equal(cd.consumeFromWhere, undefined); // unknown enum name -> null, as fastjson
    const sd = cd.subscriptionDataSet[0]!;
    assert.deepEqual(sd.codeSet, [2598919, 2598920]);
    assert.equal(sd.subVersion, 1700000000123456789n);
    assert.equal(hb.heartbeatFingerprint, undefined);
    assert.equal(hb.withoutSub, undefined);
    assert.match(HeartbeatData.toJson(hb), /"subVersion":1700000000123456789,/);
  });

  it('enums by ordinal, numbers as strings and the reverse, booleans as strings (fastjson leniency)', () => {
    const hb = unwrap(HeartbeatData.decode('{"clientID":7,"consumerDataSet":[{"groupName":"g","consumeType":1,"messageModel":0,"consumeFromWhere":5,"unitMode":"true"}]}'));
    assert.equal(hb.clientID, '7');
    const cd = hb.consumerDataSet[0]!;
    assert.deepEqual([cd.consumeType, cd.messageModel, cd.consumeFromWhere, cd.unitMode], ['CONSUME_PASSIVELY', 'BROADCASTING', 'CONSUME_FROM_TIMESTAMP', true]);
    const q = unwrap(QueueData.decode('{"brokerName":"b","perm":"6","readQueueNums":"4","writeQueueNums":4.0,"topicSynFlag":1}'));
    assert.deepEqual(q, { brokerName: 'b', perm: 6, readQueueNums: 4, topicSysFlag: 0, writeQueueNums: 4 });
  });

  it('wrong shapes are {ok:false} with the path, never an exception', () => {
    const cases: [Body<any>, string, RegExp][] = [
      [TopicRouteData, '{"queueDatas":7}', /TopicRouteData: queueDatas: expected an array, got 7/],
      [TopicRouteData, '{"queueDatas":[{"brokerName":"b","perm":"six"}]}', /TopicRouteData: queueDatas\[0\]\.perm: expected an int, got "six"/],
      [TopicRouteData, '{"brokerDatas":[{"brokerAddrs":{"master":"a"},"brokerName":"b","cluster":"c"}]}', /brokerDatas\[0\]\.brokerAddrs\["master"\]: expected an integer key/],
      [QueueData, '{"perm":6}', /QueueData: brokerName: missing/],
      [QueueData, '{"brokerName":"b","perm":4294967296}', /out of range/],
      [QueueData, '{"brokerName":"b","perm":"1e400"}', /perm: expected an int, got "1e400"/],
      [QueueData, '{"brokerName":"b","perm":1e400}', /perm: expected an int, got Infinity/],
      [ConsumeStats, '{"offsetTable":{"notAnObject":{}}}', /expected an object key/],
      [HeartbeatData, '[1,2]', /HeartbeatData: expected an object, got an array/],
      [HeartbeatData, 'null', /body is null/],
      [HeartbeatData, '{"clientID":', /HeartbeatData: JSON body: unexpected end of input/],
      [KVTable, '', /KVTable: no body/],
    ];
    for (const [b, text, re] of cases) {
      const d = b.decode(text);
      assert.equal(d.ok, false, text);
      assert.match((d as { error: string }).error, re);
    }
    assert.throws(() => unwrap(KVTable.decode('{')), (e: unknown) => e instanceof ProtocolError && e.kind === 'BODY_JSON');
  });

  it('property: decoders never throw on arbitrary bytes or JSON', () => {
    const input = fc.oneof(fc.uint8Array({ maxLength: 80 }).map((u) => Buffer.from(u)), fc.json().map((s) => Buffer.from(s)));
    fc.assert(
      fc.property(input, (b) => {
        for (const body of Object.values(BODIES)) body.decode(b);
      }),
      { numRuns: 300 },
    );
  });

  it('duplicate keys: the later value wins, in place (HashMap.put / setter order)', () => {
    const kv = unwrap(KVTable.decode('{"table":{"a":"1","b":"2","a":"3"},"table2":1}'));
    assert.deepEqual([...kv.table], [['a', '3'], ['b', '2']]);
    const q = unwrap(QueueData.decode('{"brokerName":"x","brokerName":"y"}'));
    assert.equal(q.brokerName, 'y');
    const r = unwrap(ResetOffsetBody.decode('{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:1,{"brokerName":"b","queueId":1,"topic":"T"}:2,{"topic":"T","brokerName":"b","queueId":0}:3}}'));
    assert.deepEqual(r.offsetTable.map((e) => [e[0].queueId, e[1]]), [[0, 3], [1, 2]]);
  });

  it('MessageQueue-keyed maps: fastjson object keys, compact with integer values (Go parseFastJsonFormat), Gson pair arrays read too', () => {
    const body = ResetOffsetBody.make({
      offsetTable: [
        [{ topic: 'T', brokerName: 'b', queueId: 0 }, 10],
        [{ topic: 'T', brokerName: 'b', queueId: 1 }, 20],
      ],
    });
    const s = ResetOffsetBody.toJson(body);
    assert.equal(s, '{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:10,{"brokerName":"b","queueId":1,"topic":"T"}:20}}');
    // Go: strip {"offsetTable": ...}, drop the outer braces, split on ",{" and "}:", Atoi the value.
    const inner = s.slice('{"offsetTable":'.length, -1);
    const parts = inner.slice(2, -1).split(',{').map((p) => p.split('}:'));
    assert.deepEqual(parts.map((p) => [JSON.parse('{' + p[0] + '}').queueId, Number.parseInt(p[1]!, 10)]), [[0, 10], [1, 20]]);
    const gson = unwrap(ResetOffsetBody.decode('{"offsetTable":[[{"topic":"T","brokerName":"b","queueId":0},10]]}'));
    assert.deepEqual(gson.offsetTable, [[{ brokerName: 'b', queueId: 0, topic: 'T' }, 10]]);
    const status = GetConsumerStatusBody.make({ consumerTable: new Map([['cid', body.offsetTable]]) });
    assert.equal(GetConsumerStatusBody.toJson(status), '{"consumerTable":{"cid":{{"brokerName":"b","queueId":0,"topic":"T"}:10,{"brokerName":"b","queueId":1,"topic":"T"}:20}},"messageQueueTable":{}}');
  });

  it('the Go client ConsumerRunningInfo (spaces, Go key spellings) decodes, and re-encodes as received (passthrough)', () => {
    const go =
      '{"properties":{"PROP_CONSUME_TYPE":"CONSUME_PASSIVELY"},"statusTable":{"T":{"pullRT":1.5,"pullTPS":0,"consumeRT":0,"consumeOKTPS":0,' +
      '"consumeFailedTPS":0,"consumeFailedMsgs":0}},"subscriptionSet":[{"classFilterMode":false,"topic":"T","subString":"*","tagsSet":[],' +
      '"codeSet":[],"subVersion":1700000000000000000,"expressionType":"TAG"}],"mqTable":{{"topic":"T","brokerName":"b","queueId":0}:' +
      '{"commitOffset":5,"dropped":false}}, "jstack":"" }';
    const info = unwrap(ConsumerRunningInfo.decode(go));
    assert.equal(info.mqTable[0]![1].commitOffset, 5);
    assert.equal(info.subscriptionSet[0]!.subVersion, 1700000000000000000n);
    assert.equal(info.statusTable.get('T')!.pullRT, 1.5);
    assert.equal(ConsumerRunningInfo.toJson(info, JAVA_WIRE_FORMAT), go);
    // Without the source, it is written as Java would write it.
    const { source: _s, ...rest } = info;
    assert.match(ConsumerRunningInfo.toJson(rest, JAVA_WIRE_FORMAT), /^\{"jstack":"","mqTable":\{\{"brokerName":"b","queueId":0,"topic":"T"\}:\{"cachedMsgCount":0,/);
  });

  it('ConsumeMessageDirectlyResult: Go sends consumeResult as an ordinal', () => {
    const r = unwrap(ConsumeMessageDirectlyResult.decode('{"order":false,"autoCommit":true,"consumeResult":1,"remark":"","spentTimeMills":3}'));
    assert.equal(r.consumeResult, 'CR_LATER');
  });

  it('consumerOffset.json / delayOffset.json in Java on-disk form (JAVA_DISK_FORMAT: PrettyFormat, unquoted integer keys)', () => {
    const w = ConsumerOffsetSerializeWrapper.make({
      offsetTable: new Map([['TopicTest@g1', new Map([[0, 10], [1, 20]])]]),
    });
    assert.equal(ConsumerOffsetSerializeWrapper.toJson(w, JAVA_WIRE_FORMAT), '{"offsetTable":{"TopicTest@g1":{0:10,1:20}}}');
    // fastjson 1.x (4.9.x, 5.0..5.3) PrettyFormat: integer-keyed entries are not put on their own lines.
    assert.equal(
      ConsumerOffsetSerializeWrapper.toJson(w, { ...JAVA_DISK_FORMAT, dialect: 'fastjson1' }),
      '{\n\t"offsetTable":{\n\t\t"TopicTest@g1":{0:10,1:20\n\t\t}\n\t}\n}',
    );
    // fastjson2 (5.5.0; after 5.3.3; the default dialect) PrettyFormat.
    assert.equal(
      ConsumerOffsetSerializeWrapper.toJson(w, JAVA_DISK_FORMAT),
      '{\n\t"offsetTable":{\n\t\t"TopicTest@g1":{\n\t\t\t0:10,\n\t\t\t1:20\n\t\t}\n\t}\n}',
    );
    const d = DelayOffsetSerializeWrapper.make({ offsetTable: new Map([[1, 0], [2, 5]]) });
    assert.equal(DelayOffsetSerializeWrapper.toJson(d, JAVA_WIRE_FORMAT), '{"offsetTable":{1:0,2:5}}');
    // A Java-written file reads back.
    const back = unwrap(ConsumerOffsetSerializeWrapper.decode('{\n\t"offsetTable":{\n\t\t"TopicTest@g1":{0:10,1:20\n\t\t}\n\t}\n}'));
    assert.deepEqual([...back.offsetTable.get('TopicTest@g1')!], [[0, 10], [1, 20]]);
  });

  it('TopicList omits brokerAddr when null; ClusterInfo and TopicConfigSerializeWrapper keep map order', () => {
    assert.equal(TopicList.toJson(TopicList.make({ topicList: ['A', '%RETRY%g'] })), '{"topicList":["A","%RETRY%g"]}');
    assert.equal(TopicList.toJson(TopicList.make({ topicList: [], brokerAddr: '1.2.3.4:10911' })), '{"brokerAddr":"1.2.3.4:10911","topicList":[]}');
    const ci = unwrap(ClusterInfo.decode('{"brokerAddrTable":{"b":{"brokerAddrs":{0:"x:1"},"brokerName":"b","cluster":"c"},"a":{"brokerAddrs":{},"brokerName":"a","cluster":"c"}},"clusterAddrTable":{"c":["b","a"]}}'));
    assert.deepEqual([...ci.brokerAddrTable.keys()], ['b', 'a']);
    const w = unwrap(TopicConfigSerializeWrapper.decode('{"topicConfigTable":{"Z":{"topicName":"Z"},"A":{"topicName":"A"}}}'));
    assert.deepEqual([...w.topicConfigTable.keys()], ['Z', 'A']);
    assert.equal(w.dataVersion.counter, 0);
  });

  it('LockBatchRequestBody: Go form without onlyThisBroker; clientId is required', () => {
    const b = unwrap(LockBatchRequestBody.decode('{"consumerGroup":"g","clientId":"c","mqSet":[{"topic":"T","brokerName":"b","queueId":3}]}'));
    assert.equal(b.onlyThisBroker, undefined);
    assert.equal(LockBatchRequestBody.toJson(b), '{"clientId":"c","consumerGroup":"g","mqSet":[{"brokerName":"b","queueId":3,"topic":"T"}]}');
    assert.equal(LockBatchRequestBody.decode('{"consumerGroup":"g"}').ok, false);
  });

  it('QueueTimeSpan dates: UtilAll.formatDate "yyyy-MM-dd#HH:mm:ss:SSS"', () => {
    assert.equal(formatQueueTimeSpanDate(1700000000500), '2023-11-14#22:13:20:500');
    assert.equal(formatQueueTimeSpanDate(1700000000500, 480), '2023-11-15#06:13:20:500');
  });
});

describe('protocol/bodies: Java Properties text (GET/UPDATE_BROKER_CONFIG, NAMESRV_CONFIG)', () => {
  it('encode = MixAll.properties2String(props, true): sorted "k=v\\n", no escaping, UTF-8', () => {
    const b = PropertiesBody.encode([['b', '2'], ['a', 'x=y'], ['é', 'ü']]);
    assert.equal(b.toString('utf8'), 'a=x=y\nb=2\né=ü\n');
  });

  it('decode = MixAll.string2Properties: Properties.load over the bytes as ISO-8859-1, comments, continuations, escapes', () => {
    const text = '# comment\n! also\n  brokerName = broker-a\nlistenPort:10911\nkey\\ with\\ space=v\nlong=a\\\n   b\nu=\\u00e9\nraw=é\n';
    const p = unwrap(PropertiesBody.decode(Buffer.from(text, 'utf8')));
    assert.deepEqual(Object.fromEntries(p), {
      brokerName: 'broker-a',
      listenPort: '10911',
      'key with space': 'v',
      long: 'ab',
      u: 'é',
      raw: 'Ã©', // what a Java broker ends up with, too
    });
  });

  it('decode matches MixAll.string2Properties of rocketmq 4.9.7 on tricky inputs (null = Java returned null)', () => {
    // Captured with the jar: input text -> sorted properties (or null when Properties.load threw).
    const cases: [string, Record<string, string> | null][] = [
      ["a=1\nb = 2\n  c:3\nd 4\n", {"a": "1", "b": "2", "c": "3", "d": "4"}],
      ["# c\\\nx=1\n! y\n", {"x": "1"}],
      ["long=a\\\n   b\\\\\nnext=\\\\\\\n  c\n", {"long": "ab\\", "next": "\\c"}],
      ["k\\:x=1\nk\\=y=2\nk\\ z=3\n", {"k z": "3", "k:x": "1", "k=y": "2"}],
      ["u=\\u00e9\\t\\n\\r\\f\\q\n", {"u": "é\t\n\r\fq"}],
      ["=v\nkonly\n\n   \n", {"": "v", "konly": ""}],
      ["crlf=1\r\nnext=2\rlast=3", {"crlf": "1", "last": "3", "next": "2"}],
      ["eof=x\\", {"eof": "x"}],
      ["bad=\\u12\n", null],
      ["raw=é中\n", {"raw": "Ã©ä¸­"}],
      ["a=1\na=2\n", {"a": "2"}],
      ["  \\ lead=1\n", {" lead": "1"}],
      ["x= =y\n", {"x": "=y"}],
      ["tab\tkey\tval\n", {"tab": "key\tval"}],
    ];
    for (const [text, expected] of cases) {
      const d = PropertiesBody.decode(Buffer.from(text, 'utf8'));
      if (expected === null) {
        assert.equal(d.ok, false, text);
        continue;
      }
      assert.ok(d.ok, text);
      assert.deepEqual(Object.fromEntries([...d.value].sort((a, b) => (a[0] < b[0] ? -1 : 1))), expected, text);
    }
  });
});
