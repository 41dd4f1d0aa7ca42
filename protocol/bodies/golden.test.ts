import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { inflateSync } from 'node:zlib';
import { MQVersionGate } from '../codes';
import { FIXTURE_VERSIONS, fixturePath, readFixture, readFixtureJson, type FixtureVersion } from '../testing/fixtures';
import {
  BODIES,
  ConsumerRunningInfo,
  JsonObject,
  QueryConsumeTimeSpanBody,
  RegisterBrokerBody,
  compressedPayload,
  decodeRegisterBrokerBodyCompressed,
  encodeRegisterBrokerBodyCompressed,
  fastjsonQuote,
  formatQueueTimeSpanDate,
  javaUtf8,
  parseJson,
  unwrap,
  type Body,
  type JsonDialect,
  type JsonValue,
  type JsonWriteOptions,
} from './index';

/**
 * Golden vectors captured from the official jars by compat-tests/oracle (Bodies.java, run against rocketmq 5.5.0,
 * whose RemotingSerializable uses fastjson2 2.0.x, and against rocketmq 4.9.7, fastjson 1.2.69). For every body:
 *   - decode(<name>.json) equals the inputs in <name>.manifest.json (Util.describe of the Java object), and
 *   - encode(decoded value) is byte for byte <name>.json.
 * The encode side starts from the decoded value rather than from the manifest because Java writes HashMap /
 * ConcurrentHashMap / HashSet contents in hash order (e.g. cluster-info lists broker-b before broker-a,
 * consume-stats queue 2 before 0) and the manifest sorts them; decode keeps the wire order, and encode writes
 * maps and sets in the order it is given, so the fixture's own order is the one to reproduce.
 * The tests fail when the fixture directory is missing.
 */

const DIALECT: Record<FixtureVersion, JsonDialect> = { java5: 'fastjson2', java49: 'fastjson1' };

/** Writer options for the Java encoder named in index.json. */
function optionsFor(version: FixtureVersion, encoder: string): JsonWriteOptions {
  const dialect = DIALECT[version];
  if (encoder.includes('BrowserCompatible')) return { dialect, numericKeys: 'quoted', sortMaps: true, browserCompatible: true };
  if (encoder.includes('toJson(true)')) return { dialect, numericKeys: 'java', pretty: true };
  return { dialect, numericKeys: 'java' };
}

interface IndexEntry {
  name: string;
  class: string;
  encoder: string;
}
interface Manifest {
  class: string;
  encoder: string;
  input: unknown;
  [k: string]: unknown;
}

// ------------------------------------------------------------------------------------------------ manifest shape

/** Java fields that are not JSON properties (no getter, or @JSONField(serialize=false)). */
const NOT_SERIALIZED = new Set(['random', 'filterClassSource']);
/** Java field name -> JSON property name where they differ (isWithoutSub() -> "withoutSub"). */
const RENAMED: Record<string, string> = { isWithoutSub: 'withoutSub' };
/** JSON properties computed by getters, absent from the manifest (fields only). */
const DERIVED = new Set(['consumeTimeStampStr', 'maxTimeStampStr', 'minTimeStampStr', 'source']);

/** A decoded value in Util.describe's terms: Maps -> objects or [key, value] pairs, bigints -> numbers. */
function javaView(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(javaView);
  if (v instanceof Map) {
    const keys = [...v.keys()];
    if (keys.every((k) => typeof k === 'string')) return Object.fromEntries([...v].map(([k, x]) => [k, javaView(x)]));
    return [...v].map(([k, x]) => [javaView(k), javaView(x)]);
  }
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined && !DERIVED.has(k)) out[k] = javaView(x);
    return out;
  }
  return v;
}

/** The manifest input with non-properties dropped, renamed fields renamed and nulls dropped. */
function properties(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(properties);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (NOT_SERIALIZED.has(k) || x === null) continue;
      out[RENAMED[k] ?? k] = properties(x);
    }
    return out;
  }
  return v;
}

/** Lists of [key, value] pairs (maps with non-String keys) compared regardless of order. */
function canon(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(canon);
    const pairs = items.length > 0 && items.every((p) => Array.isArray(p) && p.length === 2 && !Array.isArray(p[0]));
    return pairs ? items.sort((a, b) => (JSON.stringify((a as unknown[])[0]) < JSON.stringify((b as unknown[])[0]) ? -1 : 1)) : items;
  }
  if (v !== null && typeof v === 'object') {
    const e = Object.entries(v as Record<string, unknown>);
    // Util.describe writes an EMPTY map with non-String keys as {} (no key to tell), the decoded value has [].
    if (e.length === 0) return [];
    return Object.fromEntries(e.map(([k, x]) => [k, canon(x)]));
  }
  return v;
}

function assertMatchesManifest(value: unknown, manifest: Manifest, what: string): void {
  assert.deepStrictEqual(canon(javaView(value)), canon(properties(manifest.input)), `${what}: decoded value differs from the manifest input`);
}

function bodyFor(cls: string): Body<any> {
  const b = BODIES[cls];
  assert.ok(b, `no body for Java class ${cls}`);
  return b;
}

// ------------------------------------------------------------------------------------------------ parse probes

/**
 * Where Apogee reads a probe differently from the Java version, on purpose:
 *  - 5.x-only properties (V5_ONLY) are kept exactly when present: Apogee does not know the sender's version, and
 *    keeping "absent" absent is what lets a 4.9.x body re-encode byte for byte. A 5.x Java bean instead always
 *    has them (primitives: enableActingMaster=false, heartbeatFingerprint=0, withoutSub=false), and a 4.9.x
 *    bean drops them as unknown.
 *  - missing-as-empty: a missing or null collection reads as empty and is written as [] / {} (Apogee never
 *    emits a route without brokerAddrs: the Go client panics on it, pitfall P1). 4.9.7's TopicRouteData has no
 *    initializers, so there Java re-encodes without them; brokerAddrs:null loses the property in both versions.
 *  - rejects-huge-key: broker ids (Long map keys) beyond 2^53 are rejected with an error, not kept as Longs.
 */
const V5_ONLY = new Set(['enableActingMaster', 'zoneName', 'heartbeatFingerprint', 'withoutSub']);
const PROBE_DIVERGENCE: Record<string, 'missing-as-empty' | 'rejects-huge-key'> = {
  'java49/TopicRouteData/whitespace-and-missing-lists': 'missing-as-empty',
  'java49/TopicRouteData/numbers-as-strings': 'missing-as-empty',
  'java49/TopicRouteData/unknown-fields': 'missing-as-empty',
  'java49/TopicRouteData/null-broker-addrs': 'missing-as-empty',
  'java49/TopicRouteData/extreme-broker-ids': 'rejects-huge-key',
  'java5/TopicRouteData/null-broker-addrs': 'missing-as-empty',
  'java5/TopicRouteData/extreme-broker-ids': 'rejects-huge-key',
};

function isEmptyCollection(v: JsonValue | undefined): boolean {
  return (Array.isArray(v) && v.length === 0) || (v instanceof JsonObject && v.entries.length === 0);
}

/** Java's re-encoding equals ours up to V5_ONLY properties and (when allowed) properties we add as empty. */
function assertSameUpToDivergence(java: JsonValue, ours: JsonValue, emptyExtras: boolean, at: string): void {
  if (java instanceof JsonObject && ours instanceof JsonObject) {
    const key = (k: unknown) => JSON.stringify(String(k));
    const j = new Map(java.entries.map((e) => [key(e[0]), e[1]]));
    const o = new Map(ours.entries.map((e) => [key(e[0]), e[1]]));
    for (const [k, x] of o) {
      if (j.has(k)) assertSameUpToDivergence(j.get(k)!, x, emptyExtras, `${at}.${k}`);
      else assert.ok(V5_ONLY.has(JSON.parse(k)) || (emptyExtras && isEmptyCollection(x)), `${at}: extra property ${k}`);
    }
    for (const k of j.keys()) assert.ok(o.has(k) || V5_ONLY.has(JSON.parse(k)), `${at}: missing property ${k}`);
    return;
  }
  if (Array.isArray(java) && Array.isArray(ours)) {
    assert.equal(ours.length, java.length, at);
    java.forEach((x, i) => assertSameUpToDivergence(x, ours[i]!, emptyExtras, `${at}[${i}]`));
    return;
  }
  assert.deepStrictEqual(ours, java, at);
}

// ------------------------------------------------------------------------------------------------ tests

for (const version of FIXTURE_VERSIONS) {
  describe(`protocol/bodies golden vectors: ${version} (${DIALECT[version]})`, () => {
    const dir = fixturePath(version, 'bodies');

    it('the fixture directory exists (run compat-tests/oracle to capture it)', () => {
      assert.ok(fs.existsSync(dir), `missing ${dir}`);
      assert.ok(fs.existsSync(fixturePath(version, 'bodies', 'index.json')), `missing ${dir}/index.json`);
    });

    const index = fs.existsSync(fixturePath(version, 'bodies', 'index.json'))
      ? readFixtureJson<{ bodies: IndexEntry[] }>(version, 'bodies', 'index.json').bodies
      : [];

    it('index.json lists the bodies this module covers', () => {
      const names = index.map((e) => e.name);
      for (const n of ['topic-route.standard', 'topic-route.legacy', 'topic-route.pretty', 'cluster-info', 'register-broker-body', 'register-broker-body.compressed', 'heartbeat', 'consume-stats', 'reset-offset-body', 'consumer-offset-wrapper']) {
        assert.ok(names.includes(n), `${n} missing from ${version}/bodies/index.json`);
      }
    });

    for (const entry of index) {
      if (entry.name.endsWith('.compressed')) continue; // below
      it(`${entry.name}: decode matches the manifest and encode reproduces the bytes (${entry.encoder})`, () => {
        const body = bodyFor(entry.class);
        const bytes = readFixture(version, 'bodies', `${entry.name}.json`);
        const value = unwrap(body.decode(bytes));
        const manifestName = entry.name.endsWith('.pretty') ? entry.name.replace(/\.pretty$/, '.standard') : entry.name;
        const manifest = readFixtureJson<Manifest>(version, 'bodies', `${manifestName}.manifest.json`);
        assertMatchesManifest(value, manifest, entry.name);
        const opts = optionsFor(version, entry.encoder);
        const { source: _source, ...withoutSource } = value as { source?: string };
        const encoded = body.encode(body === ConsumerRunningInfo ? withoutSource : value, opts);
        assert.equal(encoded.toString('utf8'), bytes.toString('utf8'), `${entry.name}: encode differs`);
        assert.ok(encoded.equals(bytes));
      });
    }

    it('query-consume-time-span: the *Str getters are UtilAll.formatDate in the oracle JVM time zone (UTC)', () => {
      const v = unwrap(QueryConsumeTimeSpanBody.decode(readFixture(version, 'bodies', 'query-consume-time-span.json')));
      for (const s of v.consumeTimeSpanSet) {
        assert.equal(s.minTimeStampStr, formatQueueTimeSpanDate(s.minTimeStamp));
        assert.equal(s.maxTimeStampStr, formatQueueTimeSpanDate(s.maxTimeStamp));
        assert.equal(s.consumeTimeStampStr, formatQueueTimeSpanDate(s.consumeTimeStamp));
      }
    });

    it('register-broker-body.compressed: reads Java\'s zlib stream, re-decodes as Java does, writes the same payload', () => {
      const bin = readFixture(version, 'bodies', 'register-broker-body.compressed.bin');
      const inflated = readFixture(version, 'bodies', 'register-broker-body.compressed.inflated.bin');
      const manifest = readFixtureJson<Manifest & { decodedBackAsJson: string }>(version, 'bodies', 'register-broker-body.compressed.manifest.json');
      assert.ok(inflateSync(bin).equals(inflated));
      const brokerVersion = version === 'java5' ? MQVersionGate.V5_3_1 : MQVersionGate.V4_9_4;
      const value = unwrap(decodeRegisterBrokerBodyCompressed(bin, { brokerVersion }));
      // decodedBackAsJson = RegisterBrokerBody.decode(bin, true, version).encode(false) (5.x: mappingDataVersion removed).
      assert.equal(RegisterBrokerBody.toJson(value, { dialect: DIALECT[version], numericKeys: 'java' }), manifest.decodedBackAsJson);
      const cversion = version === 'java5' ? 5 : 4;
      assert.ok(compressedPayload(value, { version: cversion, dialect: DIALECT[version] }).equals(inflated), 'payload differs');
      // The payload of the plain-JSON fixture (same Java object) is the same too.
      const plain = unwrap(RegisterBrokerBody.decode(readFixture(version, 'bodies', 'register-broker-body.json')));
      assert.ok(compressedPayload(plain, { version: cversion, dialect: DIALECT[version] }).equals(inflated));
      // The zlib stream itself is not byte-identical: Node bundles Chromium's zlib, whose level-9 match finder
      // differs from the JDK's zlib; any inflater reads both. Check what we send inflates to Java's payload.
      assert.ok(inflateSync(encodeRegisterBrokerBodyCompressed(value, { version: cversion, dialect: DIALECT[version] })).equals(inflated));
    });

    it('parse-probe.json: every probe reads as the Java version reads it (documented divergences aside)', () => {
      const probes = readFixtureJson<Record<string, Record<string, { input: string; reencoded?: string | null; error?: string }> | string>>(version, 'bodies', 'parse-probe.json');
      let count = 0;
      for (const [cls, cases] of Object.entries(probes)) {
        if (typeof cases === 'string') continue; // note
        const body = bodyFor(cls);
        for (const [name, probe] of Object.entries(cases)) {
          count++;
          const key = `${version}/${cls}/${name}`;
          const d = body.decode(probe.input);
          const divergence = PROBE_DIVERGENCE[key];
          if (probe.error !== undefined || divergence === 'rejects-huge-key') {
            assert.equal(d.ok, false, `${key}: Java ${probe.error ?? 'accepts'}; Apogee must reject`);
            continue;
          }
          assert.ok(d.ok, `${key}: ${d.ok ? '' : d.error}`);
          const ours = body.toJson(d.value, { dialect: DIALECT[version], numericKeys: 'java' });
          if (ours === probe.reencoded) continue;
          assertSameUpToDivergence(parseJson(probe.reencoded!), parseJson(ours), divergence === 'missing-as-empty', key);
        }
      }
      assert.ok(count >= 10, 'too few probes');
    });

    it('json-escapes.json: body string escapes (bodyDefault) and the route encoding (bodyRouteStandard)', () => {
      const esc = readFixtureJson<{ chars: Record<string, Record<string, { text?: string; hex?: string }>> }>(version, 'json-escapes.json');
      const dialect = DIALECT[version];
      for (const [label, row] of Object.entries(esc.chars)) {
        const ch = label.split(' ').map((u) => String.fromCharCode(...codeUnits(u))).join('');
        const inner = (browser: boolean) => javaUtf8(fastjsonQuote('A' + ch + 'B', dialect, browser).slice(2, -2)).toString('hex');
        assert.equal(inner(false), row.bodyDefault!.hex, `${label} bodyDefault`);
        assert.equal(inner(true), row.bodyRouteStandard!.hex, `${label} bodyRouteStandard`);
      }
    });
  });
}

/** "U+1F600" -> its UTF-16 code units (lone surrogates kept). */
function codeUnits(u: string): number[] {
  const cp = parseInt(u.slice(2), 16);
  if (cp < 0x10000) return [cp];
  const s = String.fromCodePoint(cp);
  return [s.charCodeAt(0), s.charCodeAt(1)];
}
