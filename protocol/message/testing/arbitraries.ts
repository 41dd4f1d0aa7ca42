import fc from 'fast-check';
import type { HostAddress } from '../host';
import type { StoredMessage } from '../record';
import { stringifyProperties } from '../properties';

/** Test support: fast-check arbitraries for message values. */

export const int32 = fc.integer({ min: -2147483648, max: 2147483647 });
export const int64 = fc.oneof(
  fc.integer({ min: -1000, max: 2_000_000_000 }),
  fc.maxSafeInteger(),
  fc.constantFrom(0, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 32, 2 ** 32 - 1),
);

export const arbIpv4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((u) => Buffer.from(u));
/** 16 random bytes, never IPv4-mapped (those read back as IPv4 text). */
export const arbIpv6 = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .map((u) => {
    const b = Buffer.from(u);
    b[0] = b[0]! | 0x20;
    return b;
  });

export function arbHost(v6: boolean): fc.Arbitrary<HostAddress> {
  return fc.record({ ip: v6 ? arbIpv6 : arbIpv4, port: fc.integer({ min: 0, max: 65535 }) });
}

/** Property names/values that survive a round trip: non-empty, without \u0001 / \u0002. */
const arbPropText = fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).filter((s) => !/[\u0001\u0002]/.test(s));
export const arbPropertyMap = fc
  .array(fc.tuple(arbPropText, arbPropText), { maxLength: 8 })
  .map((pairs) => new Map(pairs));

export const arbTopic = (v2: boolean): fc.Arbitrary<string> =>
  v2
    ? fc.string({ unit: 'grapheme', minLength: 0, maxLength: 300 })
    : fc.string({ unit: 'grapheme-ascii', minLength: 0, maxLength: 127 });

/** A stored message whose version, host kinds and sysFlag are consistent (as decode returns them). */
export const arbStoredMessage: fc.Arbitrary<StoredMessage> = fc
  .record({ bornV6: fc.boolean(), storeV6: fc.boolean(), v2: fc.boolean() })
  .chain(({ bornV6, storeV6, v2 }) =>
    fc.record({
      version: fc.constant<1 | 2>(v2 ? 2 : 1),
      bodyCrc: int32,
      queueId: int32,
      flag: int32,
      queueOffset: int64,
      physicalOffset: int64,
      sysFlag: int32.map((f) => (f & ~0x30) | (bornV6 ? 0x10 : 0) | (storeV6 ? 0x20 : 0)),
      bornTimestamp: int64,
      bornHost: arbHost(bornV6),
      storeTimestamp: int64,
      storeHost: arbHost(storeV6),
      reconsumeTimes: int32,
      preparedTransactionOffset: int64,
      body: fc.uint8Array({ maxLength: 300 }).map((u) => Buffer.from(u)),
      topic: arbTopic(v2).filter((t) => Buffer.byteLength(t) <= (v2 ? 32767 : 127)),
      properties: arbPropertyMap.map((m) => stringifyProperties(m)),
    }),
  );

/** Host addresses compare by bytes. */
export function plainHost(h: HostAddress): { ip: string; port: number } {
  return { ip: Buffer.from(h.ip).toString('hex'), port: h.port };
}

export function plainMessage(m: StoredMessage): Record<string, unknown> {
  return { ...m, bornHost: plainHost(m.bornHost), storeHost: plainHost(m.storeHost), body: m.body.toString('hex') };
}
