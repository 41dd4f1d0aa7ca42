import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { ProtocolError } from '../errors';
import { FIXTURE_VERSIONS, type FixtureVersion, fixturePath, readFixture } from '../testing/fixtures';
import { decodeBatch, encodeBatch } from './batch';
import { deflateBody } from './compression';
import { decodeMessages } from './decode-messages';
import { formatHost, parseHost, type HostAddress } from './host';
import { storedQueueOffset } from './layout';
import {
  createOffsetMsgId,
  decodeOffsetMsgId,
  ipFromUniqId,
  ipStringFromUniqId,
  nearlyTimeFromUniqId,
  pidFromUniqId,
  utcMonthStart,
} from './msgid';
import { javaHashMapOrder, parseProperties, stringifyProperties } from './properties';
import {
  type StoredMessageInit,
  decodeStoredMessage,
  encodeStoredMessage,
  patchPhysicalOffset,
  patchQueueOffset,
  patchStoreTimestamp,
} from './record';
import { tagsCode } from './tags';

/**
 * Golden vectors captured from the official jars by compat-tests/oracle (Messages.java, run against 5.5.0 and 4.9.7):
 * protocol/fixtures/<version>/messages. Both directions: decode(fixture) equals what Java decoded, and
 * encode(Java's inputs) equals the fixture bytes. A missing fixture directory FAILS (no silent skip).
 */

/** The records the oracle writes; the index may grow, it must not lose these. */
const RECORD_NAMES = [
  'ipv4-basic',
  'keys-uniq-props',
  'ipv6-born',
  'ipv6-store',
  'ipv6-both',
  'compressed-zlib-0x301',
  'compressed-legacy-0x1',
  'transaction-prepared',
  'commit-reconsume3',
  'long-topic-200',
  'empty-body',
];

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** JSON.parse that keeps integers of 16+ digits (int64 beyond 2^53) as strings. */
function parseLossless(text: string): Json {
  return JSON.parse(text.replace(/("(?:[^"\\]|\\.)*")|(-?\d{16,})/g, (m, str: string | undefined) => (str !== undefined ? m : `"${m}"`)));
}

function manifest(version: FixtureVersion, name: string): Json {
  return parseLossless(readFixture(version, 'messages', name).toString('utf8'));
}

/** A map as Java's TreeMap prints it (key order is irrelevant to deepEqual, but keep it readable). */
function sorted(m: Map<string, string>): Record<string, string> {
  return Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function host(text: string): HostAddress {
  const h = parseHost(text);
  assert.ok(h, `manifest host "${text}" parses`);
  return h;
}

const isMessageError = (e: unknown): boolean => e instanceof ProtocolError && e.kind === 'MESSAGE';
const isBadValue = (e: unknown): boolean => e instanceof ProtocolError && e.kind === 'BAD_VALUE';

for (const version of FIXTURE_VERSIONS) {
  const java5 = version === 'java5';
  describe(`protocol/message golden vectors from the official ${java5 ? '5.x' : '4.9.x'} jars (${version})`, () => {
    const dir = fixturePath(version, 'messages');
    const present = fs.existsSync(dir);

    it('the fixture directory exists and lists every known record', () => {
      assert.ok(present, `missing ${dir}: run the oracle (compat-tests/oracle) to capture it`);
      const index = manifest(version, 'index.json');
      const names = (index.records as Json[]).map((r) => r.name as string);
      for (const n of RECORD_NAMES) assert.ok(names.includes(n), `index.json lists ${n}`);
    });
    if (!present) return;

    const index = manifest(version, 'index.json');
    for (const { name } of index.records as Array<{ name: string }>) {
      describe(`record ${name}`, () => {
        const bin = readFixture(version, 'messages', `${name}.bin`);
        const mf = manifest(version, `${name}.json`);
        const d = mf.decoded;
        const inp = mf.input;

        it('decode(fixture) equals what Java MessageDecoder#decode read', () => {
          assert.equal(bin.length, mf.length);
          assert.equal(bin.readInt32BE(4), d.magicCode);
          if (d.decoded === null) {
            // 4.9.x long-topic-200: the 4.9 encoder wrote (byte) 200 as a V1 topic length; Java cannot read it back.
            assert.throws(() => decodeStoredMessage(bin), (e: unknown) => isMessageError(e) && /negative topic length/.test((e as Error).message));
            assert.throws(() => decodeMessages(bin), isMessageError);
            return;
          }
          const { message: m, size } = decodeStoredMessage(bin, 0, { checkCrc: d.bodyCrcMatches === true });
          assert.deepEqual(
            {
              storeSize: size,
              magicCode: bin.readInt32BE(4),
              bodyCRC: m.bodyCrc,
              queueId: m.queueId,
              flag: m.flag,
              queueOffset: m.queueOffset,
              commitLogOffset: m.physicalOffset,
              sysFlag: m.sysFlag,
              bornTimestamp: m.bornTimestamp,
              bornHost: formatHost(m.bornHost),
              storeTimestamp: m.storeTimestamp,
              storeHost: formatHost(m.storeHost),
              reconsumeTimes: m.reconsumeTimes,
              preparedTransactionOffset: m.preparedTransactionOffset,
              body: m.body.toString('hex'),
              topic: m.topic,
              properties: sorted(parseProperties(m.properties)),
              msgId: createOffsetMsgId(m.storeHost, m.physicalOffset),
            },
            {
              storeSize: d.storeSize,
              magicCode: d.magicCode,
              bodyCRC: d.bodyCRC,
              queueId: d.queueId,
              flag: d.flag,
              queueOffset: d.queueOffset,
              commitLogOffset: d.commitLogOffset,
              sysFlag: d.sysFlag,
              bornTimestamp: d.bornTimestamp,
              bornHost: d.bornHost,
              storeTimestamp: d.storeTimestamp,
              storeHost: d.storeHost,
              reconsumeTimes: d.reconsumeTimes,
              preparedTransactionOffset: d.preparedTransactionOffset,
              // Java's decode leaves the body null when BODYLENGTH is 0; Apogee gives an empty buffer.
              body: d.body ?? '',
              topic: d.topic,
              properties: d.properties,
              msgId: d.msgId,
            },
          );
        });

        if (d.decoded !== null) {
          it('the client view equals Java decode(isClient): msgId, inflated body, sysFlag after inflating', () => {
            // 5.x clears COMPRESSED_FLAG after inflating; 4.9.x keeps it.
            const [v] = decodeMessages(bin, { keepCompressedFlag: !java5 });
            assert.ok(v);
            assert.equal(v.msgId, d.clientMsgId);
            assert.equal(v.offsetMsgId, d.msgId);
            assert.equal(v.error, undefined);
            if (d.decompressedBody !== undefined) {
              assert.equal(v.body.toString('hex'), d.decompressedBody);
              assert.equal(v.body.toString('utf8'), d.decompressedBodyUtf8);
              assert.equal(v.sysFlag, d.sysFlagAfterDecompress);
              // Node's zlib at level 5 writes the same bytes as the Java producer's Deflater.
              assert.equal(deflateBody(Buffer.from(d.decompressedBody, 'hex'), 5).toString('hex'), d.body);
            } else {
              assert.equal(v.body.toString('hex'), d.body ?? '');
              assert.equal(v.sysFlag, d.sysFlag);
            }
          });
        }

        const init = (): StoredMessageInit => ({
          topic: inp.topic,
          body: Buffer.from(inp.body, 'hex'),
          flag: inp.flag,
          // Java: Message#putProperty into a HashMap, then messageProperties2String (4.9.x: no trailing \u0002).
          properties: stringifyProperties(javaHashMapOrder(inp.properties as Array<[string, string]>), { trailingSeparator: java5 }),
          queueId: inp.queueId,
          sysFlag: inp.sysFlag,
          bornTimestamp: inp.bornTimestamp,
          bornHost: host(inp.bornHost),
          storeTimestamp: inp.storeTimestamp,
          storeHost: host(inp.storeHost),
          reconsumeTimes: inp.reconsumeTimes,
          preparedTransactionOffset: inp.preparedTransactionOffset,
          queueOffset: storedQueueOffset(inp.sysFlag, inp.queueOffset),
          physicalOffset: inp.physicalOffset,
        });

        it('encode(Java inputs) equals the fixture bytes, directly and via encode-then-patch', () => {
          if (d.decoded === null) {
            // Deliberate difference: Apogee refuses to write a V1 record whose topic does not fit a signed byte
            // (4.9.x writes it and can never read it back); it picks V2 instead.
            assert.throws(() => encodeStoredMessage({ ...init(), version: 1 }), isMessageError);
            assert.equal(decodeStoredMessage(encodeStoredMessage(init())).message.topic, inp.topic);
            return;
          }
          assert.equal(encodeStoredMessage(init()).toString('hex'), bin.toString('hex'));
          // The broker's path: encode once with zero offsets, patch on append (DefaultAppendMessageCallback#doAppend).
          const early = encodeStoredMessage({ ...init(), queueOffset: 0, physicalOffset: 0, storeTimestamp: 0 });
          patchQueueOffset(early, 0, storedQueueOffset(inp.sysFlag, inp.queueOffset));
          patchPhysicalOffset(early, 0, inp.physicalOffset);
          patchStoreTimestamp(early, 0, inp.storeTimestamp);
          assert.equal(early.toString('hex'), bin.toString('hex'));
        });
      });
    }

    for (const name of ['batch-3', 'batch-single']) {
      it(`${name}: SEND_BATCH_MESSAGE body decodes as Java decodeMessages and encodes as encodeMessages`, () => {
        const bin = readFixture(version, 'messages', `${name}.bin`);
        const mf = manifest(version, `${name}.json`);
        assert.equal(bin.length, mf.length);
        const decoded = decodeBatch(bin).map((m) => ({ flag: m.flag, body: m.body.toString('hex'), properties: sorted(parseProperties(m.properties)) }));
        assert.deepEqual(decoded, mf.decoded);
        const inputs = mf.input as Array<{ flag: number; body: string; propertiesString: string; properties: Record<string, string> }>;
        assert.equal(encodeBatch(inputs.map((i) => ({ flag: i.flag, body: Buffer.from(i.body, 'hex'), properties: i.propertiesString }))).toString('hex'), bin.toString('hex'));
        for (const i of inputs) {
          // The HashMap order model reproduces Java's properties string from the (sorted) map.
          assert.equal(stringifyProperties(javaHashMapOrder(Object.entries(i.properties)), { trailingSeparator: java5 }), i.propertiesString);
        }
      });
    }

    it('properties.json: messageProperties2String and string2messageProperties', () => {
      const mf = manifest(version, 'properties.json');
      for (const e of mf.encode as Json[]) {
        const s = stringifyProperties(javaHashMapOrder(e.inputHashMapInsertion as Array<[string, string | null]>), { trailingSeparator: java5 });
        assert.equal(s, e.string, JSON.stringify(e.inputHashMapInsertion));
        assert.equal(Buffer.from(s).toString('hex'), e.utf8Hex);
        assert.deepEqual(sorted(parseProperties(e.string)), e.decodedBack);
      }
      for (const e of mf.decode as Json[]) {
        assert.equal(Buffer.from(e.input).toString('hex'), e.utf8Hex);
        assert.deepEqual(sorted(parseProperties(e.input)), e.result, JSON.stringify(e.input));
      }
    });

    it('ids.json: offset msgIds (create/decode) and client id readers', () => {
      const mf = manifest(version, 'ids.json');
      for (const e of mf.offsetMsgIds as Json[]) {
        assert.equal(createOffsetMsgId(host(e.storeHost), BigInt(e.offset)), e.msgId);
        const dec = decodeOffsetMsgId(e.msgId);
        assert.deepEqual({ address: formatHost(dec.host), offset: dec.offsetBig }, { address: e.decoded.address, offset: BigInt(e.decoded.offset) });
      }
      for (const e of mf.decodeOnly as Json[]) {
        if (e.decoded.error !== undefined) {
          assert.throws(() => decodeOffsetMsgId(e.msgId), isBadValue, e.msgId);
        } else {
          const dec = decodeOffsetMsgId(e.msgId);
          assert.deepEqual({ address: formatHost(dec.host), offset: dec.offsetBig }, { address: e.decoded.address, offset: BigInt(e.decoded.offset) });
        }
      }
      for (const u of mf.uniqKeys as Json[]) {
        assert.equal(ipStringFromUniqId(u.id), u.ipStr, u.id);
        assert.equal(ipFromUniqId(u.id).toString('hex'), u.ip, u.id);
        assert.equal(pidFromUniqId(u.id), u.pid, u.id);
        const t = nearlyTimeFromUniqId(u.id, { monthStart: utcMonthStart });
        assert.equal(t - utcMonthStart(t, 0), u.nearlyTimeMsSinceMonthStart, u.id);
        const dt = new Date(t);
        const p = (n: number, w = 2): string => String(n).padStart(w, '0');
        const text = `day ${p(dt.getUTCDate())} ${p(dt.getUTCHours())}:${p(dt.getUTCMinutes())}:${p(dt.getUTCSeconds())}.${p(dt.getUTCMilliseconds(), 3)}`;
        assert.equal(text, u.nearlyTimeDayAndTimeUtc, u.id);
      }
    });

    it('tags.json: tagsCode is MessageExtBrokerInner#tagsString2tagsCode for every filter type', () => {
      const mf = manifest(version, 'tags.json');
      for (const row of mf.tags as Json[]) {
        const code = tagsCode(row.tag);
        assert.equal(code, row.tagsString2tagsCode, String(row.tag));
        assert.equal(code, row.tagsString2tagsCodeSingleTag);
        assert.equal(code, row.tagsString2tagsCodeMultiTag);
        if (row.stringHashCode !== null && row.tag !== '') assert.equal(code, row.stringHashCode);
      }
    });
  });
}
