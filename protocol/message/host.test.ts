import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import * as H from './host';
import { arbIpv4, arbIpv6 } from './testing/arbitraries';

describe('protocol/message host addresses', () => {
  it('formats as Java InetAddress#getHostAddress: dotted IPv4, IPv6 without :: compression, mapped IPv4 as IPv4', () => {
    assert.equal(H.formatIp(Buffer.from([192, 168, 0, 2])), '192.168.0.2');
    assert.equal(H.formatIp(H.parseIp('2001:db8::10')!), '2001:db8:0:0:0:0:0:10');
    assert.equal(H.formatIp(H.parseIp('::1')!), '0:0:0:0:0:0:0:1');
    const mapped = Buffer.from('00000000000000000000ffff01020304', 'hex');
    assert.ok(H.isIpv4Mapped(mapped));
    assert.equal(H.formatIp(mapped), '1.2.3.4');
    assert.equal(H.formatHost({ ip: Buffer.from([10, 0, 0, 1]), port: 10911 }), '10.0.0.1:10911');
    assert.equal(H.formatHost({ ip: H.parseIp('2001:db8::2')!, port: 10911 }), '[2001:db8:0:0:0:0:0:2]:10911');
  });

  it('parses IPv4, IPv6 (::, brackets, zone, embedded IPv4) and maps ::ffff:a.b.c.d to 4 bytes', () => {
    assert.deepEqual(H.parseIp('10.0.0.1'), Buffer.from([10, 0, 0, 1]));
    assert.deepEqual(H.parseIp('[::1]'), Buffer.from('00000000000000000000000000000001', 'hex'));
    assert.deepEqual(H.parseIp('fe80::1%eth0'), Buffer.from('fe800000000000000000000000000001', 'hex'));
    assert.deepEqual(H.parseIp('::ffff:1.2.3.4'), Buffer.from([1, 2, 3, 4]));
    assert.deepEqual(H.parseIp('64:ff9b::1.2.3.4'), Buffer.from('0064ff9b000000000000000001020304', 'hex'));
    for (const bad of ['', '1.2.3', '1.2.3.256', '1::2::3', '12345::', 'host.example', '1:2:3:4:5:6:7:8:9', ':::']) {
      assert.equal(H.parseIp(bad), undefined, bad);
    }
    assert.deepEqual(H.parseHost('[2001:db8:0:0:0:0:0:10]:53872'), { ip: H.parseIp('2001:db8::10'), port: 53872 });
    assert.deepEqual(H.parseHost('192.168.0.10:53872'), { ip: Buffer.from([192, 168, 0, 10]), port: 53872 });
    assert.equal(H.parseHost('192.168.0.10'), undefined);
    assert.equal(H.parseHost('192.168.0.10:65536'), undefined);
  });

  it('property: parseHost(formatHost(h)) is h', () => {
    fc.assert(
      fc.property(fc.oneof(arbIpv4, arbIpv6), fc.integer({ min: 0, max: 65535 }), (ip, port) => {
        assert.deepEqual(H.parseHost(H.formatHost({ ip, port })), { ip, port });
      }),
    );
  });
});
