import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ProtocolError } from '../errors';
import {
  JsonObject,
  bean,
  dbl,
  javaDouble,
  javaUtf8,
  jsonDepthMax,
  list,
  map,
  outOf,
  parseJson,
  prim,
  quote,
  set,
  writeJson,
  type JsonValue,
} from './json';

/** Converts JSON.parse output into this parser's tree (objects -> entries in key order). */
function fromStd(v: unknown): JsonValue {
  if (v === null || typeof v !== 'object') return v as JsonValue;
  if (Array.isArray(v)) return v.map(fromStd);
  return new JsonObject(Object.keys(v).map((k) => [k, fromStd((v as Record<string, unknown>)[k])]));
}
/** bigints compared as the double JSON.parse would produce. */
function toComparable(v: JsonValue): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toComparable);
  if (v instanceof JsonObject) return v.entries.map(([k, x]) => [k instanceof JsonObject ? toComparable(k) : k, toComparable(x)]);
  return v;
}

function throwsBodyJson(f: () => unknown, re?: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof ProtocolError && e.kind === 'BODY_JSON' && (re === undefined || re.test(e.message)));
}

// The probe bean behind SHAPES_*: every collection/map shape RocketMQ bodies use. Java declares l0/l1/lb/ll as
// List<..>, s0/s1/s2/sb as Set<..>, hs0/hs1 as HashSet<..>, addrs Map<Long,String>, off Map<String,Map<Integer,Long>>,
// mq/ct keyed by a {brokerName,queueId,topic} bean, p0/p1 long[]; ml has a null value; nul is a null property.
const mqb = (q: number) => bean({ topic: 'T', brokerName: 'b', queueId: q });
const inn = (x: number) => bean({ x });
const shapesOut = bean({
  addrs: map([
    [0, '1.2.3.4:10911'],
    [1, '1.2.3.5:10911'],
  ]),
  addrs0: map([]),
  big: 1700000000000000000n,
  bo: true,
  ct: map([
    ['cid', map([[mqb(2), 5]])],
    ['empty', map([])],
  ]),
  d: dbl(0),
  d2: dbl(1.5e-5),
  e: bean({}),
  en: 'NEW',
  hq: map([
    [0, list([inn(1)])],
    [1, list([])],
  ]),
  hs0: set([]),
  hs1: set([inn(6)]),
  l0: list([]),
  l1: list(['a', 'b']),
  lb: list([inn(1), inn(2)]),
  ll: list([list([]), list(['x'])]),
  ml: map([
    ['e', list([])],
    ['k', list(['v'])],
    ['n', null],
  ]),
  mq: map([
    [mqb(0), inn(8)],
    [mqb(1), inn(9)],
  ]),
  ms: map([
    ['e', set([])],
    ['k', set(['x', 'y'])],
  ]),
  n: inn(7),
  nul: undefined,
  off: map([
    [
      't@g',
      map([
        [0, 10],
        [1, 20],
      ]),
    ],
    ['z', map([])],
  ]),
  p0: prim([]),
  p1: prim([1000, 5000]),
  s0: set([]),
  s1: set(['p', 'q']),
  s2: set([5, 6]),
  sb: set([inn(3), inn(4)]),
  str: 'q"\\/\u0001\u007f\u2028é',
});

// Captured from fastjson 1.2.69 (rocketmq 4.9.7 classpath) and fastjson2 2.0.59 (rocketmq 5.5.0 classpath):
// JSON.toJSONString(probe) and JSON.toJSONString(probe, PrettyFormat) of a Java bean with the getters above.
const SHAPES_FASTJSON1 = "{\"addrs\":{0:\"1.2.3.4:10911\",1:\"1.2.3.5:10911\"},\"addrs0\":{},\"big\":1700000000000000000,\"bo\":true,\"ct\":{\"cid\":{{\"brokerName\":\"b\",\"queueId\":2,\"topic\":\"T\"}:5},\"empty\":{}},\"d\":0.0,\"d2\":1.5E-5,\"e\":{},\"en\":\"NEW\",\"hq\":{0:[{\"x\":1}],1:[]},\"hs0\":[],\"hs1\":[{\"x\":6}],\"l0\":[],\"l1\":[\"a\",\"b\"],\"lb\":[{\"x\":1},{\"x\":2}],\"ll\":[[],[\"x\"]],\"ml\":{\"e\":[],\"k\":[\"v\"]},\"mq\":{{\"brokerName\":\"b\",\"queueId\":0,\"topic\":\"T\"}:{\"x\":8},{\"brokerName\":\"b\",\"queueId\":1,\"topic\":\"T\"}:{\"x\":9}},\"ms\":{\"e\":[],\"k\":[\"x\",\"y\"]},\"n\":{\"x\":7},\"off\":{\"t@g\":{0:10,1:20},\"z\":{}},\"p0\":[],\"p1\":[1000,5000],\"s0\":[],\"s1\":[\"p\",\"q\"],\"s2\":[5,6],\"sb\":[{\"x\":3},{\"x\":4}],\"str\":\"q\\\"\\\\/\\u0001\\u007F\\u2028é\"}";
const SHAPES_FASTJSON1_PRETTY = "{\n\t\"addrs\":{0:\"1.2.3.4:10911\",1:\"1.2.3.5:10911\"\n\t},\n\t\"addrs0\":{},\n\t\"big\":1700000000000000000,\n\t\"bo\":true,\n\t\"ct\":{\n\t\t\"cid\":{{\n\t\t\t\t\"brokerName\":\"b\",\n\t\t\t\t\"queueId\":2,\n\t\t\t\t\"topic\":\"T\"\n\t\t\t}:5\n\t\t},\n\t\t\"empty\":{}\n\t},\n\t\"d\":0.0,\n\t\"d2\":1.5E-5,\n\t\"e\":{},\n\t\"en\":\"NEW\",\n\t\"hq\":{0:[\n\t\t\t{\n\t\t\t\t\"x\":1\n\t\t\t}\n\t\t],1:[]\n\t},\n\t\"hs0\":[],\n\t\"hs1\":[{\n\t\t\"x\":6\n\t}],\n\t\"l0\":[],\n\t\"l1\":[\n\t\t\"a\",\n\t\t\"b\"\n\t],\n\t\"lb\":[\n\t\t{\n\t\t\t\"x\":1\n\t\t},\n\t\t{\n\t\t\t\"x\":2\n\t\t}\n\t],\n\t\"ll\":[\n\t\t[],\n\t\t[\n\t\t\t\"x\"\n\t\t]\n\t],\n\t\"ml\":{\n\t\t\"e\":[],\n\t\t\"k\":[\n\t\t\t\"v\"\n\t\t]\n\t},\n\t\"mq\":{{\n\t\t\t\"brokerName\":\"b\",\n\t\t\t\"queueId\":0,\n\t\t\t\"topic\":\"T\"\n\t\t}:{\n\t\t\t\"x\":8\n\t\t},{\n\t\t\t\"brokerName\":\"b\",\n\t\t\t\"queueId\":1,\n\t\t\t\"topic\":\"T\"\n\t\t}:{\n\t\t\t\"x\":9\n\t\t}\n\t},\n\t\"ms\":{\n\t\t\"e\":[],\n\t\t\"k\":[\"x\",\"y\"]\n\t},\n\t\"n\":{\n\t\t\"x\":7\n\t},\n\t\"off\":{\n\t\t\"t@g\":{0:10,1:20\n\t\t},\n\t\t\"z\":{}\n\t},\n\t\"p0\":[],\n\t\"p1\":[1000,5000],\n\t\"s0\":[],\n\t\"s1\":[\"p\",\"q\"],\n\t\"s2\":[5,6],\n\t\"sb\":[{\n\t\t\"x\":3\n\t},{\n\t\t\"x\":4\n\t}],\n\t\"str\":\"q\\\"\\\\/\\u0001\\u007F\\u2028é\"\n}";
const SHAPES_FASTJSON2 = "{\"addrs\":{0:\"1.2.3.4:10911\",1:\"1.2.3.5:10911\"},\"addrs0\":{},\"big\":1700000000000000000,\"bo\":true,\"ct\":{\"cid\":{{\"brokerName\":\"b\",\"queueId\":2,\"topic\":\"T\"}:5},\"empty\":{}},\"d\":0.0,\"d2\":1.5E-5,\"e\":{},\"en\":\"NEW\",\"hq\":{0:[{\"x\":1}],1:[]},\"hs0\":[],\"hs1\":[{\"x\":6}],\"l0\":[],\"l1\":[\"a\",\"b\"],\"lb\":[{\"x\":1},{\"x\":2}],\"ll\":[[],[\"x\"]],\"ml\":{\"e\":[],\"k\":[\"v\"]},\"mq\":{{\"brokerName\":\"b\",\"queueId\":0,\"topic\":\"T\"}:{\"x\":8},{\"brokerName\":\"b\",\"queueId\":1,\"topic\":\"T\"}:{\"x\":9}},\"ms\":{\"e\":[],\"k\":[\"x\",\"y\"]},\"n\":{\"x\":7},\"off\":{\"t@g\":{0:10,1:20},\"z\":{}},\"p0\":[],\"p1\":[1000,5000],\"s0\":[],\"s1\":[\"p\",\"q\"],\"s2\":[5,6],\"sb\":[{\"x\":3},{\"x\":4}],\"str\":\"q\\\"\\\\/\\u0001\u007f\u2028é\"}";
const SHAPES_FASTJSON2_PRETTY = "{\n\t\"addrs\":{\n\t\t0:\"1.2.3.4:10911\",\n\t\t1:\"1.2.3.5:10911\"\n\t},\n\t\"addrs0\":{},\n\t\"big\":1700000000000000000,\n\t\"bo\":true,\n\t\"ct\":{\n\t\t\"cid\":{\n\t\t\t{\n\t\t\t\t\"brokerName\":\"b\",\n\t\t\t\t\"queueId\":2,\n\t\t\t\t\"topic\":\"T\"\n\t\t\t}:5\n\t\t},\n\t\t\"empty\":{}\n\t},\n\t\"d\":0.0,\n\t\"d2\":1.5E-5,\n\t\"e\":{\n\t\t\n\t},\n\t\"en\":\"NEW\",\n\t\"hq\":{\n\t\t0:[\n\t\t\t{\n\t\t\t\t\"x\":1\n\t\t\t}\n\t\t],\n\t\t1:[]\n\t},\n\t\"hs0\":[\n\t\t\n\t],\n\t\"hs1\":[\n\t\t{\n\t\t\t\"x\":6\n\t\t}\n\t],\n\t\"l0\":[\n\t\t\n\t],\n\t\"l1\":[\n\t\t\"a\",\n\t\t\"b\"\n\t],\n\t\"lb\":[\n\t\t{\n\t\t\t\"x\":1\n\t\t},\n\t\t{\n\t\t\t\"x\":2\n\t\t}\n\t],\n\t\"ll\":[\n\t\t[],\n\t\t[\n\t\t\t\"x\"\n\t\t]\n\t],\n\t\"ml\":{\n\t\t\"e\":[],\n\t\t\"k\":[\n\t\t\t\"v\"\n\t\t]\n\t},\n\t\"mq\":{\n\t\t{\n\t\t\t\"brokerName\":\"b\",\n\t\t\t\"queueId\":0,\n\t\t\t\"topic\":\"T\"\n\t\t}:{\n\t\t\t\"x\":8\n\t\t},\n\t\t{\n\t\t\t\"brokerName\":\"b\",\n\t\t\t\"queueId\":1,\n\t\t\t\"topic\":\"T\"\n\t\t}:{\n\t\t\t\"x\":9\n\t\t}\n\t},\n\t\"ms\":{\n\t\t\"e\":[\n\t\t\t\n\t\t],\n\t\t\"k\":[\n\t\t\t\"x\",\n\t\t\t\"y\"\n\t\t]\n\t},\n\t\"n\":{\n\t\t\"x\":7\n\t},\n\t\"off\":{\n\t\t\"t@g\":{\n\t\t\t0:10,\n\t\t\t1:20\n\t\t},\n\t\t\"z\":{}\n\t},\n\t\"p0\":[],\n\t\"p1\":[1000,5000],\n\t\"s0\":[\n\t\t\n\t],\n\t\"s1\":[\n\t\t\"p\",\n\t\t\"q\"\n\t],\n\t\"s2\":[\n\t\t5,\n\t\t6\n\t],\n\t\"sb\":[\n\t\t{\n\t\t\t\"x\":3\n\t\t},\n\t\t{\n\t\t\t\"x\":4\n\t\t}\n\t],\n\t\"str\":\"q\\\"\\\\/\\u0001\u007f\u2028é\"\n}";

describe('protocol/bodies json: parser', () => {
  it('property: parses any standard JSON text exactly as JSON.parse (integers beyond 2^53 as exact bigints)', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        assert.deepEqual(toComparable(parseJson(text)), toComparable(fromStd(JSON.parse(text))));
        assert.deepEqual(toComparable(parseJson(Buffer.from(text))), toComparable(fromStd(JSON.parse(text))));
      }),
      { numRuns: 400 },
    );
  });

  it('property: indented JSON parses the same as compact JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        assert.deepEqual(toComparable(parseJson(JSON.stringify(v, null, '\t'))), toComparable(parseJson(JSON.stringify(v))));
      }),
      { numRuns: 200 },
    );
  });

  it('property: random bytes and mutated JSON never throw anything but ProtocolError(BODY_JSON)', () => {
    const mutated = fc.tuple(fc.json(), fc.nat(), fc.nat({ max: 5 }), fc.string({ maxLength: 3 })).map(([t, at, del, ins]) => {
      const i = t.length === 0 ? 0 : at % t.length;
      return t.slice(0, i) + ins + t.slice(i + del);
    });
    const input = fc.oneof(fc.uint8Array({ maxLength: 64 }).map((u) => Buffer.from(u)), mutated);
    fc.assert(
      fc.property(input, (b) => {
        try {
          parseJson(b);
        } catch (e) {
          assert.ok(e instanceof ProtocolError, String(e));
          assert.equal(e.kind, 'BODY_JSON');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('fastjson: unquoted integer keys ({0:"addr"}) read as numbers, negative and beyond 2^53 too', () => {
    const o = parseJson('{0:"192.168.0.2:10911",1:"b",-1:"c",9223372036854775807:"d"}') as JsonObject;
    assert.deepEqual(
      o.entries.map((e) => e[0]),
      [0, 1, -1, 9223372036854775807n],
    );
  });

  it('fastjson: object keys ({{"brokerName":..}:v}) read as JsonObject keys', () => {
    const o = parseJson('{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:5,{"brokerName":"b","queueId":1,"topic":"T"}:6}}') as JsonObject;
    const t = o.get('offsetTable') as JsonObject;
    assert.equal(t.entries.length, 2);
    const k = t.entries[1]![0] as JsonObject;
    assert.ok(k instanceof JsonObject);
    assert.equal(k.get('queueId'), 1);
    assert.equal(t.entries[1]![1], 6);
  });

  it('keeps integers beyond 2^53 exact (Go subVersion in ns, Long.MAX_VALUE) and small ones as numbers', () => {
    const o = parseJson('{"subVersion":1700000000000000001,"max":9223372036854775807,"min":-9223372036854775808,"safe":9007199254740991,"f":1.5e3}') as JsonObject;
    assert.equal(o.get('subVersion'), 1700000000000000001n);
    assert.equal(o.get('max'), 9223372036854775807n);
    assert.equal(o.get('min'), -9223372036854775808n);
    assert.equal(o.get('safe'), 9007199254740991);
    assert.equal(o.get('f'), 1500);
  });

  it('fastjson leniency: identifier keys, single quotes, \\x \\v \\\' and octal escapes, raw control characters, trailing commas, BOM, \\f/\\b whitespace', () => {
    const o = parseJson("\ufeff{table:{'k':'it\\'s \\x41\\v\\0', \"raw\":\"a\u0001b\",},\f\"l\":[1,2,],\b}") as JsonObject;
    const t = o.get('table') as JsonObject;
    assert.equal(t.get('k'), "it's A\u000b\u0000");
    assert.equal(t.get('raw'), 'a\u0001b');
    assert.deepEqual(o.get('l'), [1, 2]);
  });

  it('duplicate keys: all entries kept in order, get() returns the last (fastjson: later wins)', () => {
    const o = parseJson('{"a":1,"b":2,"a":3}') as JsonObject;
    assert.deepEqual(o.entries, [['a', 1], ['b', 2], ['a', 3]]);
    assert.equal(o.get('a'), 3);
  });

  it('rejects malformed input with the offset', () => {
    for (const bad of ['', '   ', '{', '{"a"}', '{"a":1', '[1 2]', '{"a":1}x', '"abc', '"\\q"', '"\\u12"', '-', '1.', '1e', 'tru', '{,}', '{:1}', 'nul']) {
      throwsBodyJson(() => parseJson(bad), /JSON body/);
    }
  });

  it(`limit: nesting deeper than jsonDepthMax (${jsonDepthMax}) is rejected, exactly jsonDepthMax is accepted`, () => {
    const ok = '['.repeat(jsonDepthMax) + ']'.repeat(jsonDepthMax);
    parseJson(ok);
    throwsBodyJson(() => parseJson('['.repeat(jsonDepthMax + 1) + ']'.repeat(jsonDepthMax + 1)), /jsonDepthMax/);
    throwsBodyJson(() => parseJson('{"a":'.repeat(jsonDepthMax + 1) + '1' + '}'.repeat(jsonDepthMax + 1)), /jsonDepthMax/);
    throwsBodyJson(() => parseJson('['.repeat(100000)), /jsonDepthMax/);
    throwsBodyJson(() => parseJson('[[[1]]]', { depthMax: 2 }), /jsonDepthMax/);
  });

  it('limit: a body larger than bytesMax is rejected before parsing', () => {
    const body = Buffer.from(JSON.stringify({ a: 'x'.repeat(100) }));
    parseJson(body, { bytesMax: body.length });
    throwsBodyJson(() => parseJson(body, { bytesMax: body.length - 1 }), /jsonBytesMax/);
  });

  it('limit: a number literal longer than numberLengthMax is rejected (bounded BigInt work)', () => {
    parseJson('1'.repeat(400));
    throwsBodyJson(() => parseJson('1'.repeat(401)), /jsonNumberLengthMax/);
    throwsBodyJson(() => parseJson('[' + '9'.repeat(50) + ']', { numberLengthMax: 20 }), /jsonNumberLengthMax/);
  });

  it('decodes invalid UTF-8 as U+FFFD like new String(bytes, UTF_8) instead of failing', () => {
    assert.equal(parseJson(Buffer.from([0x22, 0xff, 0x22])), '\ufffd');
  });
});

describe('protocol/bodies json: writer (fastjson output)', () => {
  it('writes the probe bean byte for byte as fastjson 1.2.69 does, compact and PrettyFormat', () => {
    assert.equal(writeJson(shapesOut, { numericKeys: 'java', dialect: 'fastjson1' }), SHAPES_FASTJSON1);
    assert.equal(writeJson(shapesOut, { numericKeys: 'java', dialect: 'fastjson1', pretty: true }), SHAPES_FASTJSON1_PRETTY);
  });

  it('writes the probe bean byte for byte as fastjson2 2.0.59 does, compact and PrettyFormat', () => {
    assert.equal(writeJson(shapesOut, { numericKeys: 'java', dialect: 'fastjson2' }), SHAPES_FASTJSON2);
    assert.equal(writeJson(shapesOut, { numericKeys: 'java', dialect: 'fastjson2', pretty: true }), SHAPES_FASTJSON2_PRETTY);
  });

  it('default: integer map keys quoted (standard JSON), object keys in fastjson syntax, no whitespace', () => {
    const s = writeJson(bean({ brokerAddrs: map([[0, 'a:1']]), t: map([[bean({ queueId: 0, brokerName: 'b', topic: 'T' }), 5]]) }));
    assert.equal(s, '{"brokerAddrs":{"0":"a:1"},"t":{{"brokerName":"b","queueId":0,"topic":"T"}:5}}');
  });

  it('bean properties sorted by name (UTF-16 order: upper case first), null/undefined omitted, map null values omitted', () => {
    const s = writeJson(bean({ withoutSub: false, clientID: 'c', consumerDataSet: list([]), a: null, b: undefined, Z: 1, m: map([['k', null], ['j', 1]]) }));
    assert.equal(s, '{"Z":1,"clientID":"c","consumerDataSet":[],"m":{"j":1},"withoutSub":false}');
  });

  it('sortMaps (MapSortField): integer keys numerically, string keys by code unit', () => {
    const s = writeJson(map([[10, 'a'], [2, 'b']]), { sortMaps: true });
    assert.equal(s, '{"2":"b","10":"a"}');
    assert.equal(writeJson(map([['b', 1], ['B', 2], ['a', 3]]), { sortMaps: true }), '{"B":2,"a":3,"b":1}');
  });

  it('doubles as Java prints them; NaN/Infinity as null (fastjson)', () => {
    const cases: [number, string][] = [
      [0, '0.0'], [-0, '-0.0'], [1, '1.0'], [1.5, '1.5'], [0.1, '0.1'], [0.001, '0.001'], [1e-4, '1.0E-4'],
      [9999999, '9999999.0'], [1e7, '1.0E7'], [1.5e-5, '1.5E-5'], [123456789.123, '1.23456789123E8'], [1e21, '1.0E21'],
      [-2.5e-7, '-2.5E-7'], [1.7976931348623157e308, '1.7976931348623157E308'], [12.5, '12.5'],
    ];
    for (const [v, s] of cases) assert.equal(javaDouble(v), s, String(v));
    assert.equal(writeJson(bean({ a: dbl(NaN), b: dbl(Infinity), c: 2.5, d: dbl(3) })), '{"a":null,"b":null,"c":2.5,"d":3.0}');
  });

  it('property: javaDouble round-trips every finite double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        const back = Number(javaDouble(d).replace('E', 'e'));
        assert.ok(Object.is(back, d) || (back === 0 && d === 0), `${d} -> ${javaDouble(d)}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('string escapes per dialect (Java: SerializeWriter / JSONWriterUTF8)', () => {
    const s = '\u0000\u0008\u0009\u000a\u000b\u000c\u000d\u001f "\\/\u007f\u0080\u009f\u00a0é\u2028\u2029中😀<>&\'';
    assert.equal(quote(s, 'fastjson1'), '"\\u0000\\b\\t\\n\\u000B\\f\\r\\u001F \\"\\\\/\\u007F\\u0080\\u009F\u00a0é\\u2028\\u2029中😀<>&\'"');
    assert.equal(quote(s, 'fastjson2'), '"\\u0000\\b\\t\\n\\u000b\\f\\r\\u001f \\"\\\\/\u007f\u0080\u009f\u00a0é\u2028\u2029中😀<>&\'"');
    assert.equal(quote('/é😀', 'fastjson1', true), '"\\/\\u00E9\\uD83D\\uDE00"');
    // A lone surrogate: '?' as Java's UTF-8 encoder writes it; \uD800 in fastjson1's BrowserCompatible form.
    assert.equal(quote('a\ud800b', 'fastjson2'), '"a?b"');
    assert.equal(quote('a\ud800b', 'fastjson1'), '"a?b"');
    assert.equal(quote('a\ud800b', 'fastjson1', true), '"a\\uD800b"');
  });

  it('property: whatever the dialect, written strings parse back to the same string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.constantFrom('fastjson1', 'fastjson2' as const), fc.boolean(), (s, d, b) => {
        assert.equal(JSON.parse(quote(s, d, b)), s);
      }),
      { numRuns: 1000 },
    );
  });

  it('javaUtf8: lone surrogates become "?" as in String.getBytes(UTF_8)', () => {
    assert.equal(javaUtf8('a\ud800b\udc00c😀').toString('utf8'), 'a?b?c😀');
  });

  it('property: parse(write(tree)) preserves every parsed tree (compact and pretty, both dialects, both key styles)', () => {
    const opts = fc.record({
      dialect: fc.constantFrom('fastjson1' as const, 'fastjson2' as const),
      pretty: fc.boolean(),
      numericKeys: fc.constantFrom('quoted' as const, 'java' as const),
    });
    fc.assert(
      fc.property(fc.json(), opts, (text, o) => {
        const tree = parseJson(text);
        const out = writeJson(outOf(tree), o);
        assert.deepEqual(toComparable(parseJson(out)), toComparable(dropNullValues(tree)));
      }),
      { numRuns: 300 },
    );
  });
});

/** fastjson omits null map values; everything else survives a write/parse cycle. */
function dropNullValues(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(dropNullValues);
  if (v instanceof JsonObject) return new JsonObject(v.entries.filter((e) => e[1] !== null).map(([k, x]) => [k, dropNullValues(x)]));
  return v;
}
