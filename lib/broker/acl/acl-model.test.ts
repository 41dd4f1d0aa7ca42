import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decidingEntry, ipInRange, isValidIpOrCidr, ofGroup, parseResource, resourceKey, resourceMatches, type Acl, type PolicyEntry } from './acl-model';
import { ACL_ENTRIES_PER_SUBJECT_MAX, AclStore, aclFromInfo, mergeAcl } from './acls';

/** The ACL 2.0 model rules of Java 5.5.0 (Resource#of/#isMatch, IPAddressUtils, AclAuthorizationHandler ordering). */
describe('lib/broker/acl/acl-model: resources, source IPs and the deciding entry (Java auth model)', () => {
  it('Resource#of: "*", Type:*, Type:prefix*, Type:literal; unknown type or blank = none; keys round-trip', () => {
    for (const k of ['*', 'Topic:*', 'Topic:ord*', 'Group:g1', 'Cluster:DefaultCluster']) assert.equal(resourceKey(parseResource(k)!), k);
    assert.deepEqual(parseResource('topic:ord*'), { type: 'Topic', name: 'ord', pattern: 'PREFIXED' });
    assert.equal(parseResource('Queue:x'), undefined);
    assert.equal(parseResource(' '), undefined);
  });

  it('Resource#isMatch: Any covers all; LITERAL equal; PREFIXED startsWith; types must agree', () => {
    const t = parseResource('Topic:orders')!;
    assert.ok(resourceMatches(parseResource('*')!, t));
    assert.ok(resourceMatches(parseResource('Topic:*')!, t));
    assert.ok(resourceMatches(parseResource('Topic:ord*')!, t));
    assert.ok(!resourceMatches(parseResource('Topic:orders2')!, t));
    assert.ok(!resourceMatches(parseResource('Group:*')!, t));
  });

  it('Resource#ofGroup: a retry topic names its group', () => {
    assert.deepEqual(ofGroup('%RETRY%cg'), { type: 'Group', name: 'cg', pattern: 'LITERAL' });
  });

  it('IPAddressUtils: a plain address must equal; CIDR ranges (IPv4, IPv6); validation', () => {
    assert.ok(ipInRange('127.0.0.1', '127.0.0.1'));
    assert.ok(!ipInRange('127.0.0.2', '127.0.0.1'));
    assert.ok(ipInRange('10.1.2.3', '10.1.0.0/16'));
    assert.ok(!ipInRange('10.2.0.1', '10.1.0.0/16'));
    assert.ok(ipInRange('::1', '::/120'));
    assert.ok(ipInRange('192.168.1.9', '0.0.0.0/0'));
    assert.ok(isValidIpOrCidr('10.0.0.0/8') && isValidIpOrCidr('::1') && isValidIpOrCidr('fe80::/64'));
    assert.ok(!isValidIpOrCidr('10.0.0.0/33') && !isValidIpOrCidr('abc') && !isValidIpOrCidr('10.0.0.1/x'));
  });

  const entry = (resource: string, decision: 'Allow' | 'Deny', sourceIps?: string[]): PolicyEntry => ({ resource: parseResource(resource)!, actions: ['Pub', 'Sub'], sourceIps, decision });
  it('the deciding entry: literal before prefixed before any; longer prefix first; Custom before Default; source IPs filter', () => {
    const acl: Acl = {
      subject: 'User:u',
      policies: [
        { policyType: 'Custom', entries: [entry('Topic:*', 'Allow'), entry('Topic:Denied', 'Deny'), entry('Topic:ab*', 'Deny'), entry('Topic:abc*', 'Allow'), entry('Topic:ip', 'Allow', ['10.0.0.0/8'])] },
        { policyType: 'Default', entries: [entry('Group:*', 'Allow')] },
      ],
    };
    const d = (r: string, ip = '127.0.0.1') => decidingEntry(acl, parseResource(r)!, ['Pub'], ip)?.decision;
    assert.equal(d('Topic:Denied'), 'Deny'); // DENY literal overrides the Allow of Topic:*
    assert.equal(d('Topic:other'), 'Allow');
    assert.equal(d('Topic:abcd'), 'Allow'); // the longer prefix decides
    assert.equal(d('Topic:abx'), 'Deny');
    assert.equal(d('Topic:ip', '10.1.1.1'), 'Allow');
    assert.equal(decidingEntry(acl, parseResource('Topic:ip')!, ['Pub'], '127.0.0.1')?.resource.pattern, 'ANY'); // only Topic:* matches from 127.0.0.1
    assert.equal(d('Group:g'), 'Allow'); // no Custom entry matches -> Default
    assert.equal(decidingEntry(acl, parseResource('Topic:x')!, ['Get'], '127.0.0.1'), undefined); // action not granted
  });

  it('AclInfo validation answers with Java remarks; create merges by resource', () => {
    const e = (o: object) => aclFromInfo({ subject: 'User:u', policies: [{ entries: [{ resource: 'Topic:t', actions: ['Pub'], decision: 'Allow', ...o }] }] }, undefined);
    assert.deepEqual(e({ resource: 'Queue:x' }), { system: false, remark: 'The resource is null.' });
    assert.deepEqual(e({ actions: ['nope'] }), { system: false, remark: 'The actions is empty.' });
    assert.deepEqual(e({ actions: ['Any'] }), { system: false, remark: 'The actions can not be Any.' });
    assert.deepEqual(e({ sourceIps: ['1.2.3'] }), { system: false, remark: 'The source ip is invalid.' });
    assert.deepEqual(e({ decision: 'maybe' }), { system: false, remark: 'The decision is null or illegal.' });
    const a = e({}) as Acl;
    assert.equal(a.policies[0]!.policyType, 'Custom');
    const b = aclFromInfo({ subject: 'User:u', policies: [{ entries: [{ resource: 'Topic:t', actions: ['Sub'], decision: 'Deny' }, { resource: 'Group:g', actions: ['Sub'], decision: 'Allow' }] }] }, undefined) as Acl;
    const m = mergeAcl(a, b);
    assert.deepEqual(m.policies[0]!.entries.map((x) => [resourceKey(x.resource), x.decision, x.actions.join()]), [['Topic:t', 'Deny', 'Sub'], ['Group:g', 'Allow', 'Sub']]);
  });

  it('bounds: aclsMax subjects per store (then an actionable error, nothing stored); ACL_ENTRIES_PER_SUBJECT_MAX entries per policy', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-acls-'));
    try {
      const store = new AclStore(dir, 1);
      const a = (u: string) => aclFromInfo({ subject: `User:${u}`, policies: [{ entries: [{ resource: 'Topic:t', actions: ['Pub'], decision: 'Allow' }] }] }, undefined) as Acl;
      assert.equal(store.put(a('u1')), undefined);
      assert.match(store.put(a('u2')) ?? '', /ACL store full: 1 subjects/);
      assert.deepEqual(new AclStore(dir).list(undefined, undefined).map((x) => x.subject), ['User:u1']); // persisted, reloaded
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const entries = Array.from({ length: ACL_ENTRIES_PER_SUBJECT_MAX + 1 }, (_, i) => ({ resource: `Topic:t${i}`, actions: ['Pub'], decision: 'Allow' }));
    assert.match((aclFromInfo({ subject: 'User:u', policies: [{ entries }] }, undefined) as { remark: string }).remark, /at most 1000/);
  });
});
