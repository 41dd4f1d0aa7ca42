import { strict as assert } from 'node:assert';
import { isNotAllowedSendTopic, isSystemTopic, permToString, validateGroup, validateTopic } from './naming';

describe('protocol/naming (Java TopicValidator, PermName)', () => {
  it('validates topics with Java remarks', () => {
    assert.equal(validateTopic('TopicTest'), null);
    assert.equal(validateTopic('%RETRY%g|x_y-z'), null);
    assert.equal(validateTopic(' '), 'The specified topic is blank.');
    assert.match(validateTopic('a b')!, /contains illegal characters/);
    assert.match(validateTopic('t'.repeat(128))!, /longer than topic max length: 127/);
    assert.equal(validateTopic('%RETRY%' + 'g'.repeat(200)), null);
    assert.match(validateTopic('%DLQ%' + 'g'.repeat(251))!, /DLQ or Retry topic/);
    assert.match(validateTopic('主题')!, /illegal/);
  });

  it('validates groups', () => {
    assert.equal(validateGroup('g1'), null);
    assert.match(validateGroup('g'.repeat(121))!, /longer than group max length: 120/);
  });

  it('knows system and not-allowed-send topics', () => {
    assert.ok(isSystemTopic('TBW102'));
    assert.ok(isSystemTopic('rmq_sys_anything'));
    assert.ok(!isSystemTopic('TopicTest'));
    assert.ok(isNotAllowedSendTopic('SCHEDULE_TOPIC_XXXX'));
    assert.ok(!isNotAllowedSendTopic('TBW102'));
  });

  it('formats permissions as PermName#perm2String', () => {
    assert.equal(permToString(6), 'RW-');
    assert.equal(permToString(7), 'RWX');
    assert.equal(permToString(4), 'R--');
  });
});
