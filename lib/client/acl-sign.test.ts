import { strict as assert } from 'node:assert';
import { signFields } from './acl-sign';

describe('lib/client: request signing (Java AclClientRPCHook)', () => {
  it('rule: AccessKey is added and signed with the other fields in key order, then the body; a stale Signature is not signed', () => {
    const f = signFields(new Map([['topic', 'T'], ['Signature', 'stale']]), Buffer.from('b'), { accessKey: 'ak', secretKey: 'sk' });
    assert.equal(f.get('AccessKey'), 'ak');
    assert.equal(f.get('topic'), 'T');
    // Base64(HmacSHA1("sk", "ak" + "T" + "b")): "AccessKey" sorts before "topic".
    assert.equal(f.get('Signature'), 'bWTOP/MZP+1emZOBkPhWZUjzGiw=');
    assert.notEqual(signFields(new Map([['topic', 'T']]), Buffer.from('c'), { accessKey: 'ak', secretKey: 'sk' }).get('Signature'), f.get('Signature'));
  });
});
