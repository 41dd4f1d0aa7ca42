import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ProtocolError } from '../errors';
import * as M from './msgid';
import { encodeStoredMessage } from './record';
import { arbHost, arbStoredMessage } from './testing/arbitraries';

const badValue = (e: unknown): boolean => e instanceof ProtocolError && e.kind === 'BAD_VALUE';

describe('protocol/message message ids', () => {
  it('offset msgId: protocol.md 8.6 example', () => {
    const id = M.createOffsetMsgId({ ip: Buffer.from([192, 168, 0, 2]), port: 10911 }, 76364);
    assert.equal(id, 'C0A8000200002A9F0000000000012A4C');
    const d = M.decodeOffsetMsgId(id.toLowerCase());
    assert.deepEqual(d, { host: { ip: Buffer.from([192, 168, 0, 2]), port: 10911 }, offset: 76364, offsetBig: 76364n });
    assert.equal(M.createOffsetMsgId({ ip: Buffer.from([1, 2, 3, 4]), port: 1 }, 2n ** 63n - 1n), '01020304000000017FFFFFFFFFFFFFFF');
    assert.equal(M.decodeOffsetMsgId('01020304000000017FFFFFFFFFFFFFFF').offsetBig, 2n ** 63n - 1n);
  });

  it('property: offset msgId round-trips for IPv4 and IPv6 store hosts (32 / 56 hex chars)', () => {
    fc.assert(
      fc.property(fc.boolean().chain(arbHost), fc.maxSafeInteger(), (host, offset) => {
        const id = M.createOffsetMsgId(host, offset);
        assert.equal(id.length, host.ip.length === 4 ? 32 : 56);
        assert.match(id, /^[0-9A-F]+$/);
        const d = M.decodeOffsetMsgId(id);
        assert.deepEqual({ ip: Buffer.from(d.host.ip), port: d.host.port, offset: d.offset }, { ip: Buffer.from(host.ip), port: host.port, offset });
      }),
    );
  });

  it('property: createOffsetMsgIds is each createOffsetMsgId joined with \',\' (IPv4 and IPv6, any port and safe offset)', () => {
    fc.assert(
      fc.property(fc.boolean().chain(arbHost), fc.array(fc.maxSafeInteger(), { maxLength: 40 }), (host, offsets) => {
        assert.equal(M.createOffsetMsgIds(host, offsets), offsets.map((o) => M.createOffsetMsgId(host, o)).join(','));
      }),
    );
    assert.equal(M.createOffsetMsgIds({ ip: Buffer.from([192, 168, 0, 2]), port: 10911 }, [76364, 0]), 'C0A8000200002A9F0000000000012A4C,C0A8000200002A9F0000000000000000');
    assert.throws(() => M.createOffsetMsgIds({ ip: Buffer.alloc(5), port: 1 }, [1]), badValue);
  });

  it('property: offsetMsgIdOfRecord reads STOREHOST + PHYSICALOFFSET of any record', () => {
    fc.assert(
      fc.property(arbStoredMessage, (m) => {
        const bin = Buffer.concat([Buffer.alloc(3), encodeStoredMessage(m)]);
        assert.equal(M.offsetMsgIdOfRecord(bin, 3), M.createOffsetMsgId(m.storeHost, m.physicalOffset));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses offset msgIds that are not 32 or 56 hex characters', () => {
    for (const bad of ['', 'C0A80002', 'C0A8000200002A9F0000000000012A4C00', 'G0A8000200002A9F0000000000012A4C']) {
      assert.throws(() => M.decodeOffsetMsgId(bad), badValue, bad);
    }
  });

  it('UniqIdGenerator lays out ip | pid | classLoader hash | ms since month start | counter (MessageClientIDSetter)', () => {
    let now = Date.UTC(2024, 1, 3, 4, 5, 6, 789); // 2024-02-03T04:05:06.789Z
    const g = new M.UniqIdGenerator({
      ip: Buffer.from([192, 168, 0, 10]),
      pid: 12345,
      classLoaderHash: 0x4a9a1f6d,
      clock: () => now,
      monthStart: M.utcMonthStart,
    });
    const span = now - Date.UTC(2024, 1, 1);
    const a = g.next();
    assert.equal(a, 'C0A8000A' + '3039' + '4A9A1F6D' + span.toString(16).toUpperCase().padStart(8, '0') + '0000');
    assert.equal(g.next().slice(-4), '0001');
    assert.equal(M.ipStringFromUniqId(a), '192.168.0.10');
    assert.deepEqual(M.ipFromUniqId(a), Buffer.from([192, 168, 0, 10]));
    assert.equal(M.pidFromUniqId(a), 12345);
    assert.equal(M.nearlyTimeFromUniqId(a, { now: now + 1000, monthStart: M.utcMonthStart }), now);
    // When the span would be in the future this month, it is last month's.
    assert.equal(M.nearlyTimeFromUniqId(a, { now: Date.UTC(2024, 2, 1, 0, 0, 1), monthStart: M.utcMonthStart }), Date.UTC(2024, 1, 1) + span);
    // A new month restarts the span.
    now = Date.UTC(2024, 2, 1, 0, 0, 0, 5);
    assert.equal(g.next().slice(20), '000000050002');
  });

  it('UniqIdGenerator: IPv6 ids are 56 chars, pid keeps 16 bits, the counter wraps at 16 bits', () => {
    const ip6 = Buffer.from('20010db8000000000000000000000010', 'hex');
    const g = new M.UniqIdGenerator({ ip: ip6, pid: 0x12345, clock: () => Date.UTC(2024, 0, 1), monthStart: M.utcMonthStart, counter: 0xffff });
    const id = g.next();
    assert.equal(id.length, 56);
    assert.equal(id.slice(-4), 'FFFF');
    assert.equal(g.next().slice(-4), '0000');
    assert.equal(M.pidFromUniqId(id), 0x2345);
    assert.equal(M.ipStringFromUniqId(id), '2001:0db8:0000:0000:0000:0000:0000:0010');
    assert.throws(() => new M.UniqIdGenerator({ ip: Buffer.alloc(5), pid: 1 }), badValue);
  });

  it('client id readers take any even-length hex long enough, like Java (only 28 bytes are IPv6)', () => {
    const id40 = 'C0A8000A30394A9A1F6D0B2E640000010000ABCD';
    assert.equal(M.ipStringFromUniqId(id40), '192.168.0.10');
    assert.equal(M.pidFromUniqId(id40), 0x1f6d); // 12 bytes before the end, as Java reads it
    for (const bad of ['C0A8000A3', 'ZZ', 'C0A8']) assert.throws(() => M.pidFromUniqId(bad), badValue, bad);
    assert.throws(() => M.nearlyTimeFromUniqId('C0A8000A30394A9A1F'), badValue);
  });
});
