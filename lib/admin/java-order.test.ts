import { strict as assert } from 'node:assert';
import { parseAttributes } from './commands/group';
import { permString } from './commands/broker';
import { parseTimestamp } from './commands/offset';
import { decodedConcurrentMapOrder, hashMapOrder, javaStringHash, propertiesOrder } from './java-order';

/** Pure helpers of lib/admin: Java collection orders, option parsers. */
describe('lib/admin java-order and option parsers', () => {
  it('javaStringHash is java.lang.String#hashCode (32-bit overflow included)', () => {
    assert.equal(javaStringHash(''), 0);
    assert.equal(javaStringHash('a'), 97);
    assert.equal(javaStringHash('polygenelubricants'), -2147483648);
  });

  it('hashMapOrder: the order the official mqadmin 5.5.0 printed a pulled message\'s properties in (HashMap(128))', () => {
    const wire = ['KEYS', 'TAGS', 'WAIT', 'UNIQ_KEY', 'CLUSTER', 'MSG_REGION', 'TRACE_ON', 'MIN_OFFSET', 'MAX_OFFSET'];
    assert.deepEqual(hashMapOrder(wire, 128), ['MSG_REGION', 'UNIQ_KEY', 'CLUSTER', 'MIN_OFFSET', 'TAGS', 'KEYS', 'WAIT', 'TRACE_ON', 'MAX_OFFSET']);
  });

  it('propertiesOrder: below the first resize (12 keys) it is the 16-bucket order; a duplicate keeps its first place', () => {
    const keys = ['b', 'a', 'q', 'brokerName', 'listenPort', 'a'];
    assert.deepEqual(propertiesOrder(keys), hashMapOrder(['b', 'a', 'q', 'brokerName', 'listenPort'], 16));
    // Past resizes every key is still listed exactly once.
    const many = Array.from({ length: 500 }, (_, i) => `key${i}`);
    assert.deepEqual([...propertiesOrder(many)].sort(), [...many].sort());
  });

  it('parseAttributes (Java AttributeParser): +k=v adds, -k removes, anything else names the mistake', () => {
    assert.deepEqual([...parseAttributes('+a=b, +c=d,-e')], [['+a', 'b'], ['+c', 'd'], ['-e', '']]);
    assert.throws(() => parseAttributes('a=b'), /attribute "a=b": start with \+ \(add\) or - \(remove\)/);
    assert.throws(() => parseAttributes('-e=1'), /a removal \(-key\) takes no value/);
  });

  it('parseTimestamp: now, epoch ms, yyyy-MM-dd#HH:mm:ss:SSS (local time); other text is refused with the formats', () => {
    assert.equal(parseTimestamp('1700000000000'), 1700000000000);
    assert.equal(parseTimestamp('2026-12-04#01:02:03:004'), new Date(2026, 11, 4, 1, 2, 3, 4).getTime());
    assert.throws(() => parseTimestamp('yesterday'), /write now, epoch milliseconds, or yyyy-MM-dd#HH:mm:ss:SSS/);
  });

  it('permString is Java PermName.perm2String', () => {
    assert.deepEqual([6, 4, 2, 7, 0].map(permString), ['RW-', 'R--', '-W-', 'RWX', '---']);
  });

  it('client 5.5.0 getAllSubscriptionGroup order: a page decoded entry by entry (propertiesOrder), then putAll into a fresh map', () => {
    // The page as a paged Apogee sends it (by name), and the keySet DefaultMQAdminExt#getAllSubscriptionGroup printed for it.
    const page = ['CID_ONS-HTTP-PROXY', 'CID_ONSAPI_OWNER', 'CID_ONSAPI_PERMISSION', 'CID_ONSAPI_PULL', 'CID_RMQ_SYS_TRANS', 'CmpCG', 'CmpListG1', 'CmpListG2', 'CmpSG', 'FILTERSRV_CONSUMER', 'SELF_TEST_C_GROUP', 'TOOLS_CONSUMER'];
    const java = ['CID_ONSAPI_PULL', 'CID_ONSAPI_PERMISSION', 'FILTERSRV_CONSUMER', 'TOOLS_CONSUMER', 'CmpSG', 'CmpListG2', 'CmpListG1', 'CID_ONS-HTTP-PROXY', 'CID_ONSAPI_OWNER', 'CmpCG', 'CID_RMQ_SYS_TRANS', 'SELF_TEST_C_GROUP'];
    assert.deepEqual(decodedConcurrentMapOrder(propertiesOrder(page)), java);
  });
});
