import { strict as assert } from 'node:assert';
import { readFixtureJson } from '../testing/fixtures';
import { LanguageCode } from './language-code';
import { MQVersionNames, mqVersion, mqVersionDesc } from './mq-version';
import { RequestCode, RequestCode49Only } from './request-code';
import { ResponseCode, ResponseCode49Only } from './response-code';

interface Codes {
  requestCode: Record<string, number>;
  responseCode: Record<string, number>;
  remotingSysResponseCode: Record<string, number>;
  languageCode: Record<string, number>;
  mqVersion: { names: string[]; current: number };
}

/** The code tables against the official jars' own constants (reflection, compat-tests/oracle). */
describe('protocol/codes tables match the official jars', () => {
  const j5 = readFixtureJson<Codes>('java5', 'codes.json');
  const j49 = readFixtureJson<Codes>('java49', 'codes.json');

  it('every 5.5.0 RequestCode is in RequestCode with the same number, and nothing else', () => {
    assert.deepEqual(Object.entries(RequestCode).sort(), Object.entries(j5.requestCode).sort());
  });

  it('4.9.7 request codes are the 5.x ones plus RequestCode49Only', () => {
    for (const [name, code] of Object.entries(j49.requestCode)) {
      const mine = (RequestCode as Record<string, number>)[name] ?? (RequestCode49Only as Record<string, number>)[name];
      assert.equal(mine, code, name);
    }
  });

  it('response codes: 5.5.0 exactly, 4.9.7 with its three ACL meanings', () => {
    assert.deepEqual(Object.entries(ResponseCode).sort(), Object.entries({ ...j5.responseCode, ...j5.remotingSysResponseCode }).sort());
    for (const [name, code] of Object.entries({ ...j49.responseCode, ...j49.remotingSysResponseCode })) {
      const mine = (ResponseCode as Record<string, number>)[name] ?? (ResponseCode49Only as Record<string, number>)[name];
      assert.equal(mine, code, name);
    }
  });

  it('LanguageCode bytes', () => {
    assert.deepEqual(Object.entries(LanguageCode).sort(), Object.entries(j5.languageCode).sort());
    for (const [name, b] of Object.entries(j49.languageCode)) assert.equal((LanguageCode as Record<string, number>)[name], b);
  });

  it('MQVersion ordinals: 5.5.0 and 4.9.7 name lists are prefixes of ours; CURRENT_VERSION values', () => {
    for (const names of [j5.mqVersion.names, j49.mqVersion.names]) {
      assert.deepEqual(MQVersionNames.slice(0, names.length), names);
    }
    assert.equal(j5.mqVersion.current, mqVersion('V5_5_0'));
    assert.equal(j49.mqVersion.current, mqVersion('V4_9_7'));
    assert.equal(mqVersionDesc(100000), MQVersionNames[MQVersionNames.length - 1]);
  });
});
