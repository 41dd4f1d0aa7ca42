import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '../../common';
import { AclStore } from './acls';
import { migratePlainAcl, parsePlainAcl, permActions, permDecision, plainAccountAcl } from './plain-acl';
import { UserStore } from './users';

/** Java: AuthMigrator#migrate / createUser (admin -> Super, else Normal; existing users untouched). */
describe('lib/broker/acl/plain-acl: plain_acl.yml accounts migrated into ACL 2.0 users', () => {
  let dir = '';
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-plainacl-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const yml = 'accounts:\n  - accessKey: RocketMQ\n    secretKey: 12345678\n    admin: false\n  - accessKey: rocketmq2\n    secretKey: 87654321\n    admin: true\n  - accessKey: nosecret\n';

  it('admin accounts become Super users, others Normal; an account without secretKey is skipped; existing users stay', () => {
    const users = new UserStore(dir);
    users.put({ username: 'rocketmq2', password: 'kept', userType: 'Normal', userStatus: 'enable' });
    assert.equal(migratePlainAcl([{ path: 'plain_acl.yml', text: yml }], users, undefined, silentLogger()), 1);
    assert.deepEqual(users.get('RocketMQ'), { username: 'RocketMQ', password: '12345678', userType: 'Normal', userStatus: 'enable' });
    assert.equal(users.get('rocketmq2')?.password, 'kept');
    assert.equal(users.get('nosecret'), undefined);
  });

  it('a malformed file names the file, line and key; a bad admin value names the account and key', () => {
    assert.throws(() => parsePlainAcl('accounts:\n  - accessKey: a\n    accessKey: b\n', 'conf/plain_acl.yml'), /conf\/plain_acl\.yml: line 3 \(key "accessKey"\): duplicate key/);
    assert.throws(() => parsePlainAcl('accounts:\n  - accessKey: a\n    admin: yes\n', 'f.yml'), /f\.yml: accounts\[0\]: key "admin": expected true or false, found "yes"/);
    assert.throws(() => parsePlainAcl('accounts: x\n', 'f.yml'), /f\.yml: key "accounts": expected a list/);
  });

  // The 4.9.x sample account of migrate.compat.test.ts (Java AuthMigrator#createAcl's mapping).
  const withPerms = [
    'accounts:',
    '  - accessKey: RocketMQ',
    '    secretKey: 12345678',
    '    defaultTopicPerm: DENY',
    '    defaultGroupPerm: SUB',
    '    topicPerms:',
    '      - topicA=DENY',
    '      - topicB=PUB|SUB',
    '      - topicC=PUB',
    '      - broken',
    '    groupPerms:',
    '      - groupA=SUB',
    '      - "%RETRY%groupB=pub"',
    '  - accessKey: admin2',
    '    secretKey: 87654321',
    '    admin: true',
    '',
  ].join('\n');

  it('rule (Java AuthMigrator#parseActions/#parseDecision): PUB, SUB, PUB|SUB, SUB|PUB; DENY and anything else -> All; Deny only for DENY or blank; case-sensitive', () => {
    assert.deepEqual(['PUB', 'SUB', 'PUB|SUB', 'SUB|PUB', 'DENY', 'pub', ''].map((p) => [permActions(p), permDecision(p)]), [
      [['Pub'], 'Allow'], [['Sub'], 'Allow'], [['Pub', 'Sub'], 'Allow'], [['Pub', 'Sub'], 'Allow'], [['All'], 'Deny'], [['All'], 'Allow'], [['All', 'All'], 'Deny'],
    ]);
  });

  it('topicPerms/groupPerms -> a Custom policy, default perms -> a Default policy on Topic:*/Group:*; a line without "=" skipped; no perms -> no ACL', () => {
    const [rocket, admin] = parsePlainAcl(withPerms, 'plain_acl.yml');
    const e = (type: string, name: string | null, actions: string[], decision: string) => ({ resource: { type, name, pattern: name === null ? 'ANY' : 'LITERAL' }, actions, sourceIps: undefined, decision });
    assert.deepEqual(plainAccountAcl(rocket!), {
      subject: 'User:RocketMQ',
      policies: [
        { policyType: 'Custom', entries: [e('Topic', 'topicA', ['All'], 'Deny'), e('Topic', 'topicB', ['Pub', 'Sub'], 'Allow'), e('Topic', 'topicC', ['Pub'], 'Allow'), e('Group', 'groupA', ['Sub'], 'Allow'), e('Group', 'groupB', ['All'], 'Allow')] },
        { policyType: 'Default', entries: [e('Topic', null, ['All'], 'Deny'), e('Group', null, ['Sub'], 'Allow')] },
      ],
    });
    assert.equal(plainAccountAcl(admin!), undefined);
  });

  it('with an ACL store the user and its ACL are created (an existing ACL merged); an account whose user exists is skipped with its rules', () => {
    const users = new UserStore(dir);
    const acls = new AclStore(dir);
    acls.put({ subject: 'User:RocketMQ', policies: [{ policyType: 'Custom', entries: [{ resource: { type: 'Topic', name: 'kept', pattern: 'LITERAL' }, actions: ['Pub'], sourceIps: ['10.0.0.1'], decision: 'Allow' }] }] });
    assert.equal(migratePlainAcl([{ path: 'plain_acl.yml', text: withPerms }], users, acls, silentLogger()), 2);
    const custom = acls.get('User:RocketMQ')!.policies.find((p) => p.policyType === 'Custom')!;
    assert.deepEqual(custom.entries.map((x) => x.resource.name), ['kept', 'topicA', 'topicB', 'topicC', 'groupA', 'groupB']);
    assert.equal(acls.size(), 1, 'the admin account had no rules');
    assert.match(fs.readFileSync(path.join(dir, 'acls.json'), 'utf8'), /"Topic:topicB"/);
    const again = new AclStore(dir);
    again.delete('User:RocketMQ');
    assert.equal(migratePlainAcl([{ path: 'plain_acl.yml', text: withPerms }], users, again, silentLogger()), 0);
    assert.equal(again.get('User:RocketMQ'), undefined, 'the user exists: Java skips the account entirely');
  });
});
