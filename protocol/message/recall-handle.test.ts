import { strict as assert } from 'node:assert';
import { decodeRecallHandle, encodeRecallHandle, RECALL_HANDLE_INVALID } from './recall-handle';

/** Java: common/.../producer/RecallMessageHandleTest (the same invalid inputs) and HandleV1.buildHandle's bytes. */
describe('protocol/message/recall-handle (Java RecallMessageHandle v1)', () => {
  const urlB64 = (s: string): string => Buffer.from(s).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');

  it("rule: the handle is Java's URL-safe base64 with padding of 'v1 topic brokerName timestamp messageId'", () => {
    const h = { topic: 'T?>', brokerName: 'broker-a', timestampStr: '1733300000001', messageId: '7F00000100002A9F0000000000000001' };
    const s = encodeRecallHandle(h);
    // Java: Base64.getUrlEncoder().encodeToString("v1 T?> broker-a 1733300000001 7F00...01") — '?>' yields '_' and '-'.
    assert.equal(s, urlB64('v1 T?> broker-a 1733300000001 7F00000100002A9F0000000000000001'));
    assert.match(s, /[-_]/, 'the vector exercises the URL-safe alphabet');
    assert.ok(s.endsWith('='), 'padding kept, as Java getUrlEncoder() does');
    assert.deepEqual(decodeRecallHandle(s), { ok: true, value: h });
    assert.deepEqual(decodeRecallHandle(s.replace(/=+$/, '')), { ok: true, value: h }, 'unpadded input decodes, as Java getUrlDecoder()');
  });

  it('bad input: empty, fewer than 5 fields, another version, not base64 or the standard alphabet -> "recall handle is invalid"', () => {
    for (const bad of ['', urlB64('v1 a b c'), urlB64('v2 a b c d'), 'v1 a b c d', Buffer.from('v1 a?> b c d').toString('base64'), 'AAAAA']) {
      assert.deepEqual(decodeRecallHandle(bad), { ok: false, error: RECALL_HANDLE_INVALID }, bad);
    }
  });

  it('rule: extra fields are ignored (Java takes items[1..4])', () => {
    assert.deepEqual(decodeRecallHandle(urlB64('v1 a b c d e')), { ok: true, value: { topic: 'a', brokerName: 'b', timestampStr: 'c', messageId: 'd' } });
  });
});
