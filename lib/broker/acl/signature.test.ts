import { strict as assert } from 'node:assert';
import { createRequest } from '../../../protocol/command';
import { mqVersion } from '../../../protocol/codes';
import { calSignature, requestSignature, signatureMatches, signedContent } from './signature';

/**
 * Vectors computed with the official Java client 5.5.0 (org.apache.rocketmq.acl.common.AclClientRPCHook in
 * rocketmq-client-5.5.0.jar, run once by a small program over RemotingCommand#createRequestCommand + addExtField):
 * the fields below are exactly what the hook left in extFields, Signature included.
 */
const V5 = mqVersion('V5_5_0');
const req = (fields: [string, string][], body: Buffer | null, version = V5) =>
  createRequest({ code: 310, opaque: 1, version, extFields: new Map(fields), body });

describe('lib/broker/acl/signature: the AclClientRPCHook signature (Java AclUtils/AclSigner)', () => {
  it('matches Java: sorted values (non-ASCII key and value) + body, Signature excluded', () => {
    const r = req([['中', 'é'], ['AccessKey', 'rocketmq2'], ['a', '1'], ['b', '2'], ['topic', 'TopicA'], ['Signature', '3X5FmQy89M9eEeIJ12ZKrd4zG40=']], Buffer.from('hello'));
    assert.equal(calSignature(signedContent(r), '12345678'), '3X5FmQy89M9eEeIJ12ZKrd4zG40=');
    assert.equal(requestSignature(r, '12345678'), '3X5FmQy89M9eEeIJ12ZKrd4zG40='); // the streamed per-request form
  });

  it('matches Java: no custom header and no body (only AccessKey is signed)', () => {
    const r = req([['AccessKey', 'rocketmq2'], ['Signature', 'x']], null);
    assert.equal(calSignature(signedContent(r), '12345678'), 'Ou1T58RIcyZWaTIwzkhJZWn/Zvs=');
    assert.equal(requestSignature(r, '12345678'), 'Ou1T58RIcyZWaTIwzkhJZWn/Zvs=');
  });

  it('matches Java: SecurityToken is signed like any field; binary body bytes appended as is', () => {
    const r = req([['Z', 'z'], ['AccessKey', 'ak'], ['SecurityToken', 'tok']], Buffer.from([0, 1, 2, 255]));
    assert.equal(calSignature(signedContent(r), 'sk'), 'VyaE+LGg79g6cOVZt0Pd+++a3Kc=');
  });

  it('a changed body or a changed field changes the signature (replay with another body fails)', () => {
    const base = calSignature(signedContent(req([['AccessKey', 'ak'], ['topic', 'T']], Buffer.from('a'))), 'sk');
    assert.notEqual(calSignature(signedContent(req([['AccessKey', 'ak'], ['topic', 'T']], Buffer.from('b'))), 'sk'), base);
    assert.notEqual(calSignature(signedContent(req([['AccessKey', 'ak'], ['topic', 'U']], Buffer.from('a'))), 'sk'), base);
  });

  it('_UNIQUE_KEY_QUERY is left out for clients <= V4_9_3 only (Java DefaultAuthenticationContextBuilder)', () => {
    const fields: [string, string][] = [['AccessKey', 'ak'], ['_UNIQUE_KEY_QUERY', 'true']];
    assert.equal(signedContent(req(fields, null, mqVersion('V4_9_3'))).toString(), 'ak');
    assert.equal(signedContent(req(fields, null, mqVersion('V4_9_4'))).toString(), 'aktrue');
  });

  it('signatureMatches: equal only for the same bytes; missing, longer or non-ASCII signatures do not match', () => {
    assert.equal(signatureMatches('abc=', 'abc='), true);
    assert.equal(signatureMatches('abc=', undefined), false);
    assert.equal(signatureMatches('abc=', 'abc=x'.repeat(10_000)), false);
    assert.equal(signatureMatches('abc=', 'abç='), false);
  });
});
