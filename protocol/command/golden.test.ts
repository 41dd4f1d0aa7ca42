import { strict as assert } from 'node:assert';
import { FIXTURE_VERSIONS, fixturePath, listFixtures, readFixture, readFixtureJson, type FixtureVersion } from '../testing/fixtures';
import { LanguageCode, languageName } from '../codes';
import { decodeFrame, encodeCommand } from './command';
import { jsonQuote, type JsonDialect } from './json-string';
import { SerializeType, type RemotingCommand } from './types';
import * as fs from 'node:fs';

/**
 * Golden vectors: frames written by the official Java jars (5.5.0 and 4.9.7) through NettyEncoder's own path,
 * captured by compat-tests/oracle. decode(fixture) must equal what Java decodes, and encode(the same command)
 * must equal the fixture bytes. The one part Java leaves unspecified, extFields order (HashMap iteration), is
 * taken from the fixture so that everything else is compared byte for byte.
 */
interface CommandManifest {
  serializeType: 'JSON' | 'ROCKETMQ';
  code: number;
  language: string;
  version: number;
  opaque: number;
  flag: number;
  remark: string | null;
  extFields: Record<string, string | null> | null;
  body: string | null;
  extKeyOrder: string[];
  note: string;
}

const DIALECT: Record<FixtureVersion, JsonDialect> = { java5: 'fastjson2', java49: 'fastjson1' };

describe('protocol/command golden vectors from the Java implementation', () => {
  for (const v of FIXTURE_VERSIONS) {
    describe(v, () => {
      const names = listFixtures(v, 'commands', '.bin');
      it('has fixtures (run `npm run oracle` to capture them)', () => {
        assert.ok(fs.existsSync(fixturePath(v, 'commands')), `missing ${fixturePath(v, 'commands')}`);
        assert.ok(names.length >= 40, `expected the full command set, found ${names.length}`);
      });
      for (const file of names) {
        const name = file.replace(/\.bin$/, '');
        it(`${name}: decode equals Java's decode, encode equals Java's bytes`, () => {
          const bin = readFixture(v, 'commands', file);
          const m = readFixtureJson<CommandManifest>(v, 'commands', `${name}.json`);
          const cmd = decodeFrame(bin);
          const type = m.serializeType === 'JSON' ? SerializeType.JSON : SerializeType.ROCKETMQ;
          assert.equal(cmd.serializeType, type);
          assert.equal(cmd.code, m.code);
          assert.equal(languageName(cmd.language), m.language);
          assert.equal(cmd.version, m.version);
          assert.equal(cmd.opaque, m.opaque);
          assert.equal(cmd.flag, m.flag);
          // Java's binary decoder reads an empty remark as null; so does Apogee's.
          assert.equal(cmd.remark, m.remark);
          const expectedExt =
            m.extFields === null ? null : Object.entries(m.extFields).filter((e): e is [string, string] => e[1] !== null);
          if (expectedExt === null || (expectedExt.length === 0 && cmd.extFields === null)) {
            assert.ok(cmd.extFields === null || cmd.extFields.size === 0);
          } else {
            assert.deepEqual([...cmd.extFields!].sort(), expectedExt.sort());
          }
          assert.equal(cmd.body === null ? null : cmd.body.toString('hex'), m.body);

          // Encode the same command with Java's ext order; empty values dropped on decode are put back.
          const ordered: RemotingCommand = {
            code: m.code,
            language: (LanguageCode as Record<string, number>)[m.language]!,
            version: m.version,
            opaque: m.opaque,
            flag: m.flag,
            remark: m.remark,
            extFields: m.extFields === null ? null : new Map(m.extKeyOrder.map((k) => [k, m.extFields![k] ?? ''])),
            body: m.body === null ? null : Buffer.from(m.body, 'hex'),
            serializeType: type,
          };
          if (type === SerializeType.ROCKETMQ && m.note.includes('remark ""')) ordered.remark = '';
          assert.equal(encodeCommand(ordered, DIALECT[v]).toString('hex'), bin.toString('hex'));
        });
      }

      it('JSON escaping of every special character matches Java (headers and bodies)', () => {
        const esc = readFixtureJson<{ chars: Record<string, Record<string, { text: string } | string>> }>(v, 'json-escapes.json');
        let checked = 0;
        for (const [key, entry] of Object.entries(esc.chars)) {
          const input = String.fromCodePoint(...key.replace(/^U\+/, '').split(' U+').map((h) => parseInt(h, 16)));
          for (const where of ['headerRemark', 'headerExtValue', 'bodyDefault']) {
            const e = entry[where] as { text: string } | undefined;
            if (e === undefined) continue;
            assert.equal(jsonQuote('A' + input + 'B', DIALECT[v]).slice(2, -2), e.text, `${key} in ${where}`);
            checked++;
          }
        }
        assert.ok(checked > 100, `checked ${checked} escapes`);
      });
    });
  }
});
